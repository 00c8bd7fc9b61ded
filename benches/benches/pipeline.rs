//! The whole issuance pipeline for one credential (schema validation, construction, in-memory status
//! allocation, signing) next to a bare Ed25519 signature from the same run.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::json;
use vc_benches::degree_issuer;
use vc_issue::{Ed25519Signer, IssuanceRequest, Issuer, ProofType};

fn setup() -> (Issuer, Arc<Ed25519Signer>) {
    let signer = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    (degree_issuer(&signer), signer)
}

fn claims() -> serde_json::Map<String, serde_json::Value> {
    json!({"name": "Jayden Doe", "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}})
        .as_object()
        .unwrap()
        .clone()
}

fn pipeline(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    let (issuer, signer) = setup();
    let holder = Ed25519Signer::from_seed(&[8; 32]).did();
    let message = [0x5a_u8; 64];
    let mut group = c.benchmark_group("pipeline");
    group.bench_function("reference: bare ed25519 sign (64-byte message)", |b| {
        b.iter(|| signer.sign_now(black_box(&message)))
    });
    for revocable in [false, true] {
        let request = IssuanceRequest::new("degree", signer.did(), holder.clone(), claims())
            .with_proof_type(ProofType::EddsaJcs2022)
            .revocable(revocable);
        let name = if revocable {
            "issue eddsa-jcs-2022 (revocable)"
        } else {
            "issue eddsa-jcs-2022"
        };
        group.bench_function(name, |b| {
            // The request's copy is the caller's, not issuance.
            b.iter_batched(
                || request.clone(),
                |request| runtime.block_on(issuer.issue(black_box(request))).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
