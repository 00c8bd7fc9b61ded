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
    varying(c, &runtime, &signer, &unsigned, &options);
}

/// Issue 19: `eddsa-rdfc-2022` and `Ed25519Signature2020` signing of (a) the same credential each
/// time, (b) credentials whose strings differ, (c) credentials whose numbers and booleans differ
/// (a GPA, a credit count, an honours flag), each iteration a new credential. (c) keeps the shape
/// template's fast path when it is within 1.5x of (a).
fn varying(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    signer: &Ed25519Signer,
    unsigned: &Credential,
    options: &ProofOptions,
) {
    let base = unsigned.to_value().unwrap();
    let variant = |i: u64, strings: bool, numbers: bool| {
        let mut value = base.clone();
        let subject = &mut value["credentialSubject"];
        subject["gpa"] = serde_json::json!(if numbers {
            2.0 + (i % 200) as f64 / 100.0
        } else {
            3.7
        });
        subject["credits"] = serde_json::json!(if numbers { 90 + i % 97 } else { 120 });
        subject["honours"] = serde_json::json!(numbers && i.is_multiple_of(2));
        if strings {
            subject["id"] = serde_json::json!(format!("did:example:student-{i}"));
            subject["studentName"] = serde_json::json!(format!("Student {i}"));
        }
        Credential::from_value(value).unwrap()
    };
    let rdfc: Arc<dyn Canonicalizer> = Arc::new(RdfcCanonicalizer::default());
    let all: Vec<(&str, Box<dyn ProofSuite>)> = vec![
        (
            "eddsa-rdfc-2022",
            Box::new(DataIntegritySuite::eddsa_rdfc_2022(rdfc.clone())),
        ),
        (
            "Ed25519Signature2020",
            Box::new(DataIntegritySuite::ed25519_signature_2020(rdfc)),
        ),
    ];
    let mut group = c.benchmark_group("varying data (issue 19)");
    for (name, suite) in &all {
        for (case, strings, numbers) in [
            ("(a) same credential", false, false),
            ("(b) strings vary", true, false),
            ("(c) numbers and booleans vary", false, true),
        ] {
            let mut i = 0_u64;
            group.bench_function(format!("{name} sign, {case}"), |b| {
                b.iter_batched(
                    || {
                        i += 1;
                        variant(if strings || numbers { i } else { 0 }, strings, numbers)
                    },
                    |unsigned| {
                        runtime
                            .block_on(suite.sign(black_box(unsigned), options, signer))
                            .unwrap()
                    },
                    BatchSize::SmallInput,
                )
            });
        }
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
