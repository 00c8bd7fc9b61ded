//! Per-suite sign and verify of a university-degree credential (~870 bytes), next to a bare Ed25519
//! signature measured in the same run, so ratios can be read from one report.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use std::sync::Arc;
use vc_benches::unsigned_degree;
use vc_core::Credential;

use vc_issue::crypto::suites::{
    Canonicalizer, DataIntegritySuite, JcsEd25519Signature2020, RdfcCanonicalizer,
};
use vc_issue::{Ed25519Signer, ProofOptions, ProofSuite, Signer};

fn suites(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let signer = Ed25519Signer::from_seed(&[7; 32]);
    let (mut unsigned, options) = unsigned_degree(&signer);
    // Ed25519Signature2020 needs its context; the other suites ignore it.
    unsigned
        .context
        .as_mut()
        .unwrap()
        .push(vc_core::context::ED25519_2020_V1.into());
    let message = [0x5a_u8; 64];

    let mut group = c.benchmark_group("suites");
    group.bench_function("reference: bare ed25519 sign (64-byte message)", |b| {
        b.iter(|| signer.sign_now(black_box(&message)))
    });
    let signature = signer.sign_now(&message);
    group.bench_function("reference: bare ed25519 verify", |b| {
        b.iter(|| {
            vc_issue::crypto::verify::verify_signature(
                signer.public_key(),
                black_box(&message),
                &signature,
            )
            .unwrap()
        })
    });
    let (data, signature) = jcs_signed_data(&runtime, &unsigned, &options, &signer);
    group.bench_function(
        "reference: bare ed25519 verify of what the eddsa-jcs-2022 proof signs",
        |b| {
            b.iter(|| {
                vc_issue::crypto::verify::verify_signature(
                    signer.public_key(),
                    black_box(&data),
                    &signature,
                )
                .unwrap()
            })
        },
    );
    let rdfc: Arc<dyn Canonicalizer> = Arc::new(RdfcCanonicalizer::default());
    let all: Vec<(&str, Box<dyn ProofSuite>)> = vec![
        (
            "eddsa-jcs-2022",
            Box::new(DataIntegritySuite::eddsa_jcs_2022()),
        ),
        ("JcsEd25519Signature2020", Box::new(JcsEd25519Signature2020)),
        (
            "eddsa-rdfc-2022",
            Box::new(DataIntegritySuite::eddsa_rdfc_2022(rdfc.clone())),
        ),
        (
            "Ed25519Signature2020",
            Box::new(DataIntegritySuite::ed25519_signature_2020(rdfc)),
        ),
    ];
    for (name, suite) in &all {
        // The unsigned credential's copy is input preparation, not signing.
        group.bench_function(format!("{name} sign"), |b| {
            b.iter_batched(
                || unsigned.clone(),
                |unsigned| {
                    runtime
                        .block_on(suite.sign(black_box(unsigned), &options, &signer))
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
        let signed = runtime
            .block_on(suite.sign(unsigned.clone(), &options, &signer))
            .unwrap();
        // The credential's own proof, as `CredentialVerifier` passes it.
        let proof = &signed.proofs()[0];
        group.bench_function(format!("{name} verify"), |b| {
            b.iter(|| {
                suite
                    .verify_proof(black_box(&signed), proof, signer.public_key())
                    .unwrap()
            })
        });
    }
    group.finish();
}

/// The 64 bytes an `eddsa-jcs-2022` proof of `unsigned` signs, and its signature, rebuilt from the
/// signed credential as the spec defines them. Ed25519 verification is variable-time, so a bare
/// verification of other data would shift the reference by about a microsecond either way.
fn jcs_signed_data(
    runtime: &tokio::runtime::Runtime,
    unsigned: &Credential,
    options: &ProofOptions,
    signer: &Ed25519Signer,
) -> (Vec<u8>, Vec<u8>) {
    use sha2::{Digest, Sha256};
    let suite = DataIntegritySuite::eddsa_jcs_2022();
    let signed = runtime
        .block_on(suite.sign(unsigned.clone(), options, signer))
        .unwrap();
    let mut document = signed.to_value().unwrap();
    let mut config = document
        .as_object_mut()
        .unwrap()
        .shift_remove("proof")
        .unwrap();
    let proof_value = config
        .as_object_mut()
        .unwrap()
        .shift_remove("proofValue")
        .unwrap();
    let hash = |value| Sha256::digest(vc_core::jcs::canonicalize_value(value).unwrap());
    let data = [hash(&config), hash(&document)].concat();
    let signature = vc_core::multibase::decode(proof_value.as_str().unwrap()).unwrap();
    vc_issue::crypto::verify::verify_signature(signer.public_key(), &data, &signature).unwrap();
    (data, signature)
}

criterion_group!(benches, suites);
criterion_main!(benches);
