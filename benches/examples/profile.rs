//! A fixed workload for instruction-level profiling (`valgrind --tool=callgrind`), so that an
//! optimization's effect is read as an instruction count that does not depend on machine load.
//!
//! `cargo build --release -p vc-benches --example profile` then
//! `valgrind --tool=callgrind target/release/examples/profile <workload> <iterations>` with
//! workload one of `jcs-sign`, `jcs-verify`, `rdfc-sign`, `rdfc-verify`, `pipeline`, `jcs`, or
//! `batch` (one revocable batch of `<iterations>` items, one worker thread). `pipeline` and
//! `batch` use the benches' own fixtures (`degree_issuer`, `degree_batch`), so their counts
//! follow what `benches/benches/{pipeline,batch}.rs` measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use serde_json::json;
use vc_benches::{degree_batch, degree_issuer, unsigned_degree};
use vc_issue::crypto::suites::{Canonicalizer, DataIntegritySuite, RdfcCanonicalizer};
use vc_issue::{Ed25519Signer, IssuanceRequest, ProofSuite, ProofType, Signer};

fn main() {
    let mut args = std::env::args().skip(1);
    let workload = args.next().unwrap_or_else(|| "jcs-sign".into());
    let iterations: usize = args.next().map_or(1000, |n| n.parse().unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let signer = Ed25519Signer::from_seed(&[7; 32]);
    let (unsigned, options) = unsigned_degree(&signer);
    let rdfc: Arc<dyn Canonicalizer> = Arc::new(RdfcCanonicalizer::default());
    let suite: Box<dyn ProofSuite> = if workload.starts_with("rdfc") {
        Box::new(DataIntegritySuite::eddsa_rdfc_2022(rdfc))
    } else {
        Box::new(DataIntegritySuite::eddsa_jcs_2022())
    };
    let signed = runtime
        .block_on(suite.sign(unsigned.clone(), &options, &signer))
        .unwrap();
    let proof = &signed.proofs()[0];
    match workload.as_str() {
        "jcs-sign" | "rdfc-sign" => {
            for _ in 0..iterations {
                let out = runtime
                    .block_on(suite.sign(unsigned.clone(), &options, &signer))
                    .unwrap();
                std::hint::black_box(out);
            }
        }
        "jcs-verify" | "rdfc-verify" => {
            for _ in 0..iterations {
                suite
                    .verify_proof(&signed, proof, signer.public_key())
                    .unwrap();
            }
        }
        "jcs" => {
            let value = unsigned.to_value().unwrap();
            for _ in 0..iterations {
                std::hint::black_box(vc_core::jcs::canonicalize_to_vec(&value).unwrap());
            }
        }
        "pipeline" => pipeline(&runtime, iterations),
        "batch" => batch(iterations),
        other => panic!("unknown workload {other}"),
    }
}

fn pipeline(runtime: &tokio::runtime::Runtime, iterations: usize) {
    let key = Arc::new(Ed25519Signer::from_seed(&[9; 32]));
    let issuer = degree_issuer(&key);
    let holder = Ed25519Signer::from_seed(&[3; 32]).did();
    let claims =
        json!({"degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}});
    let claims = claims.as_object().cloned().unwrap();
    for _ in 0..iterations {
        let request = IssuanceRequest::new("degree", key.did(), holder.clone(), claims.clone())
            .with_proof_type(ProofType::EddsaJcs2022);
        std::hint::black_box(runtime.block_on(issuer.issue(request)).unwrap());
    }
}

fn batch(items: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let key = Arc::new(Ed25519Signer::from_seed(&[9; 32]));
    let issuer = degree_issuer(&key);
    let result = runtime
        .block_on(issuer.issue_batch(degree_batch(&key, items)))
        .unwrap();
    assert_eq!(result.failed, 0);
}
