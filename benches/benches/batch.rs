//! Batch throughput against batch size and worker count: `issue_batch` of revocable
//! `eddsa-jcs-2022` credentials on a runtime with 1 and with 2 worker threads, so the multi-core
//! speed-up is read from one run (criterion reports elements per second).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{
    black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput,
};
use serde_json::json;
use vc_benches::degree_issuer;
use vc_issue::{BatchItem, BatchRequest, Ed25519Signer};

fn batch_of(n: u32, issuer_did: &str) -> BatchRequest {
    let claims = json!({"name": "Jayden Doe", "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}});
    let items: Vec<BatchItem> = (0..n)
        .map(|i| {
            let mut seed = [0u8; 32];
            seed[..4].copy_from_slice(&i.to_be_bytes());
            let holder = Ed25519Signer::from_seed(&seed).did().to_string();
            BatchItem::new(holder, claims.as_object().cloned().unwrap())
        })
        .collect();
    serde_json::from_value(json!({
        "schemaId": "degree", "issuerDid": issuer_did, "proofType": "eddsa-jcs-2022",
        "revocable": true, "items": items,
    }))
    .unwrap()
}

fn batch(c: &mut Criterion) {
    let signer = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    for size in [100u32, 1_000, 10_000] {
        let request = batch_of(size, signer.did().as_str());
        group.throughput(Throughput::Elements(u64::from(size)));
        for workers in [1usize, 2] {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .build()
                .unwrap();
            // A fresh issuer per configuration: each starts with empty status lists.
            let issuer = degree_issuer(&signer);
            group.bench_with_input(
                BenchmarkId::new(format!("{workers} worker(s)"), size),
                &request,
                |b, request| {
                    // The input's copy and the result's drop are the caller's, not issuance.
                    b.iter_batched(
                        || request.clone(),
                        |request| {
                            let result = runtime
                                .block_on(issuer.issue_batch(black_box(request)))
                                .unwrap();
                            assert_eq!(result.failed, 0);
                            result
                        },
                        BatchSize::PerIteration,
                    )
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
