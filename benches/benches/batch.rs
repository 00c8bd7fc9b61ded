//! Batch throughput against batch size and worker count: `issue_batch` of revocable
//! `eddsa-jcs-2022` credentials on a runtime with 1 and with 2 worker threads, so the multi-core
//! speed-up is read from one run (criterion reports elements per second). The reference is what
//! two cores of this machine give at all: 10,000 bare Ed25519 signatures on 1 and on 2 threads,
//! each thread with its own key.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{
    black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput,
};
use vc_benches::{degree_batch, degree_issuer, sign_on_threads};
use vc_issue::Ed25519Signer;

const REFERENCE_SIGNATURES: u64 = 10_000;

fn reference(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch reference");
    group.sample_size(10);
    group.throughput(Throughput::Elements(REFERENCE_SIGNATURES));
    for threads in [1u64, 2] {
        group.bench_function(
            BenchmarkId::new("bare ed25519 sign", format!("{threads} thread(s)")),
            |b| b.iter(|| sign_on_threads(REFERENCE_SIGNATURES, threads)),
        );
    }
    group.finish();
}

fn batch(c: &mut Criterion) {
    let signer = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    for size in [100u32, 1_000, 10_000] {
        let request = degree_batch(&signer, size as usize);
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

criterion_group!(benches, reference, batch);
criterion_main!(benches);
