//! `eddsa-rdfc-2022` and `Ed25519Signature2020`: our suites next to spruceid's `ssi` 0.16.0 called
//! directly, on the same credential, key, `created` and verification method, in one criterion run
//! so that ratios can be read from one report.
//!
//! Before anything is measured, the `proofValue`s of both sides are compared byte for byte; if they
//! differ the canonical forms of both are printed and the run stops (that is a bug to investigate,
//! not something to benchmark).
//!
//! serde_json's `arbitrary_precision` is on in this project (ssi turns it on), so our crates see it
//! here too. That does not change what they compute on this credential: its only number
//! (`"gpa": 3.72`) is carried as a lexical number either way and prints as `3.72` in both modes,
//! which is what our JSON-to-RDF conversion reads. The byte-identity check below guards that too.
//!
//! Run: `cd benches/ssi-baseline && cargo bench --bench rdfc_vs_ssi -- --warm-up-time 2
//! --measurement-time 5`.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::Value;
use tokio::runtime::Runtime;

use ssi::claims::data_integrity::suites::{Ed25519Signature2020, EdDsaRdfc2022};
use ssi::claims::data_integrity::{CryptographicSuite, ProofOptions as SsiProofOptions};
use ssi::claims::vc::v2::SpecializedJsonCredential;
use ssi::claims::VerificationParameters;
use ssi::dids::{DIDKey, DIDResolver};
use ssi::json_ld::Expandable;
use ssi::jwk::{Base64urlUInt, OctetParams, Params, JWK};
use ssi::rdf::{AnyLdEnvironment, LdEnvironment};
use ssi::verification_methods::ed25519_dalek;
use ssi::verification_methods::{
    Ed25519VerificationKey2020, Multikey, ProofPurpose, ReferenceOrOwned, SingleSecretSigner,
};

use vc_benches::degree_credential_json;
use vc_core::{Credential, DateTime};
use vc_issue::crypto::suites::{
    Canonicalizer, ContextLoader, DataIntegritySuite, ProofOptions, RdfcCanonicalizer,
};
use vc_issue::{Ed25519Signer, ProofSuite, Signer};

const SEED: [u8; 32] = [7; 32];
const CREATED: &str = "2024-06-01T00:00:00Z";

/// The unsigned credential of one suite, in both libraries' types.
struct Fixture {
    ours: Credential,
    ssi: SpecializedJsonCredential,
}

fn fixture(signer: &Ed25519Signer, ed25519_2020_context: bool) -> Fixture {
    let mut ours = Credential::from_json(&degree_credential_json()).unwrap();
    ours.issuer = Some(signer.did().into());
    if ed25519_2020_context {
        // Ed25519Signature2020 needs its context in the document (as benches/benches/suites.rs).
        ours.context
            .as_mut()
            .unwrap()
            .push(vc_core::context::ED25519_2020_V1.into());
    }
    let ssi = serde_json::from_value(ours.to_value().unwrap()).unwrap();
    Fixture { ours, ssi }
}

/// The JWK of the same Ed25519 key (OKP, the seed as private key).
fn jwk() -> JWK {
    let public = ed25519_dalek::SigningKey::from_bytes(&SEED).verifying_key();
    JWK::from(Params::OKP(OctetParams {
        curve: "Ed25519".to_owned(),
        public_key: Base64urlUInt(public.to_bytes().to_vec()),
        private_key: Some(Base64urlUInt(SEED.to_vec())),
    }))
}

fn ssi_options<M>(vm: &str) -> SsiProofOptions<M, ()> {
    SsiProofOptions::new(
        CREATED.parse().unwrap(),
        ReferenceOrOwned::Reference(iref::IriBuf::new(vm.to_owned()).unwrap()),
        ProofPurpose::Assertion,
        (),
    )
}

fn proof_value_of(signed: &Value) -> String {
    signed["proof"]["proofValue"]
        .as_str()
        .expect("a proofValue")
        .to_owned()
}

/// ssi's canonical N-Quads of the credential, for the mismatch report.
fn ssi_canonical_claims(runtime: &Runtime, credential: &SpecializedJsonCredential) -> String {
    runtime.block_on(async {
        let loader = ssi::json_ld::ContextLoader::default();
        let mut ld = LdEnvironment::default();
        let expanded = credential.expand_with(&mut ld, &loader).await.unwrap();
        ld.canonical_form_of(&expanded).unwrap().concat()
    })
}

/// Ours, for the mismatch report: the credential, and the proof configuration (the proof without
/// `proofValue`, under the credential's `@context`, as our suites build it).
fn our_canonical_forms(credential: &Credential, signed: &Credential) -> (String, String) {
    let canonicalizer = RdfcCanonicalizer::without_templates(ContextLoader::bundled());
    let document = credential.to_value().unwrap();
    let claims = canonicalizer.canonicalize(&document).unwrap();
    let mut config = serde_json::to_value(&signed.proofs()[0]).unwrap();
    let config_members = config.as_object_mut().unwrap();
    config_members.remove("proofValue");
    config_members.insert("@context".to_owned(), document["@context"].clone());
    let config = canonicalizer.canonicalize(&config).unwrap();
    (
        String::from_utf8(claims).unwrap(),
        String::from_utf8(config).unwrap(),
    )
}

/// Signs once on each side and stops the run unless the proofValues are byte-identical.
fn check_same_proof(
    runtime: &Runtime,
    suite_name: &str,
    fixture: &Fixture,
    ours_signed: &Credential,
    ssi_signed: &Value,
) {
    let ours_value = ours_signed.proofs()[0].proof_value.clone().unwrap();
    let ssi_value = proof_value_of(ssi_signed);
    if ours_value == ssi_value {
        println!("{suite_name}: proofValue byte-identical to ssi's ({ours_value})");
        let ours_proof = serde_json::to_value(&ours_signed.proofs()[0]).unwrap();
        if ours_proof != ssi_signed["proof"] {
            println!(
                "{suite_name}: note: the proof objects differ outside proofValue\n  ours: {ours_proof}\n  ssi:  {}",
                ssi_signed["proof"]
            );
        }
        return;
    }
    let (claims, config) = our_canonical_forms(&fixture.ours, ours_signed);
    eprintln!("{suite_name}: proofValue MISMATCH\n  ours: {ours_value}\n  ssi:  {ssi_value}");
    eprintln!("--- our canonical credential ---\n{claims}");
    eprintln!(
        "--- ssi canonical credential ---\n{}",
        ssi_canonical_claims(runtime, &fixture.ssi)
    );
    eprintln!("--- our canonical proof configuration ---\n{config}");
    eprintln!(
        "--- ours signed proof ---\n{}",
        serde_json::to_string_pretty(&ours_signed.proofs()[0]).unwrap()
    );
    eprintln!(
        "--- ssi signed proof ---\n{}",
        serde_json::to_string_pretty(&ssi_signed["proof"]).unwrap()
    );
    panic!("{suite_name}: our proofValue differs from ssi's; investigate, do not benchmark");
}

fn rdfc_vs_ssi(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let signer = Ed25519Signer::from_seed(&SEED);
    let vm = signer.verification_method_id();
    let options = ProofOptions::assertion(vm.clone(), Some(DateTime::parse(CREATED).unwrap()));
    let ssi_signer = SingleSecretSigner::new(jwk());
    // One did:key verification-method resolver per suite: each suite wants its own method type
    // (Multikey for eddsa-rdfc-2022, Ed25519VerificationKey2020 for Ed25519Signature2020).
    let multikey_resolver = DIDKey.into_vm_resolver::<Multikey>();
    let ed2020_resolver = DIDKey.into_vm_resolver::<Ed25519VerificationKey2020>();

    let templated: Arc<dyn Canonicalizer> = Arc::new(RdfcCanonicalizer::default());
    let untemplated: Arc<dyn Canonicalizer> = Arc::new(RdfcCanonicalizer::without_templates(
        ContextLoader::bundled(),
    ));

    // eddsa-rdfc-2022
    let eddsa = fixture(&signer, false);
    let eddsa_ours = DataIntegritySuite::eddsa_rdfc_2022(templated.clone());
    let eddsa_ours_full = DataIntegritySuite::eddsa_rdfc_2022(untemplated.clone());
    let eddsa_ssi_options = ssi_options::<Multikey>(vm.as_str());
    let eddsa_ours_signed = runtime
        .block_on(eddsa_ours.sign(eddsa.ours.clone(), &options, &signer))
        .unwrap();
    let eddsa_ssi_signed = runtime
        .block_on(EdDsaRdfc2022.sign(
            eddsa.ssi.clone(),
            &multikey_resolver,
            &ssi_signer,
            eddsa_ssi_options.clone(),
        ))
        .unwrap();
    check_same_proof(
        &runtime,
        "eddsa-rdfc-2022",
        &eddsa,
        &eddsa_ours_signed,
        &serde_json::to_value(&eddsa_ssi_signed).unwrap(),
    );
    let untemplated_signed = runtime
        .block_on(eddsa_ours_full.sign(eddsa.ours.clone(), &options, &signer))
        .unwrap();
    assert_eq!(
        untemplated_signed.proofs()[0].proof_value,
        eddsa_ours_signed.proofs()[0].proof_value
    );

    // Ed25519Signature2020
    let ed2020 = fixture(&signer, true);
    let ed2020_ours = DataIntegritySuite::ed25519_signature_2020(templated);
    let ed2020_ours_full = DataIntegritySuite::ed25519_signature_2020(untemplated);
    let ed2020_ssi_options = ssi_options::<Ed25519VerificationKey2020>(vm.as_str());
    let ed2020_ours_signed = runtime
        .block_on(ed2020_ours.sign(ed2020.ours.clone(), &options, &signer))
        .unwrap();
    let ed2020_ssi_signed = runtime
        .block_on(Ed25519Signature2020.sign(
            ed2020.ssi.clone(),
            &ed2020_resolver,
            &ssi_signer,
            ed2020_ssi_options.clone(),
        ))
        .unwrap();
    check_same_proof(
        &runtime,
        "Ed25519Signature2020",
        &ed2020,
        &ed2020_ours_signed,
        &serde_json::to_value(&ed2020_ssi_signed).unwrap(),
    );
    let untemplated_signed = runtime
        .block_on(ed2020_ours_full.sign(ed2020.ours.clone(), &options, &signer))
        .unwrap();
    assert_eq!(
        untemplated_signed.proofs()[0].proof_value,
        ed2020_ours_signed.proofs()[0].proof_value
    );

    // Both sides must accept their signatures before anything is timed.
    runtime
        .block_on(
            eddsa_ssi_signed.verify(VerificationParameters::from_resolver(&multikey_resolver)),
        )
        .unwrap()
        .unwrap();
    runtime
        .block_on(ed2020_ssi_signed.verify(VerificationParameters::from_resolver(&ed2020_resolver)))
        .unwrap()
        .unwrap();
    eddsa_ours
        .verify_proof(
            &eddsa_ours_signed,
            &eddsa_ours_signed.proofs()[0],
            signer.public_key(),
        )
        .unwrap();
    ed2020_ours
        .verify_proof(
            &ed2020_ours_signed,
            &ed2020_ours_signed.proofs()[0],
            signer.public_key(),
        )
        .unwrap();

    let mut group = c.benchmark_group("rdfc_vs_ssi");
    let message = [0x5a_u8; 64];
    group.bench_function("reference: bare ed25519 sign", |b| {
        b.iter(|| signer.sign_now(black_box(&message)))
    });

    // eddsa-rdfc-2022
    group.bench_function("eddsa-rdfc-2022 ssi sign", |b| {
        b.iter(|| {
            runtime
                .block_on(EdDsaRdfc2022.sign(
                    black_box(eddsa.ssi.clone()),
                    &multikey_resolver,
                    &ssi_signer,
                    eddsa_ssi_options.clone(),
                ))
                .unwrap()
        })
    });
    group.bench_function("eddsa-rdfc-2022 ssi verify", |b| {
        b.iter(|| {
            runtime
                .block_on(
                    black_box(&eddsa_ssi_signed)
                        .verify(VerificationParameters::from_resolver(&multikey_resolver)),
                )
                .unwrap()
                .unwrap()
        })
    });
    group.bench_function("eddsa-rdfc-2022 ours sign", |b| {
        b.iter(|| {
            runtime
                .block_on(eddsa_ours.sign(black_box(eddsa.ours.clone()), &options, &signer))
                .unwrap()
        })
    });
    group.bench_function("eddsa-rdfc-2022 ours verify", |b| {
        let proof = &eddsa_ours_signed.proofs()[0];
        b.iter(|| {
            eddsa_ours
                .verify_proof(black_box(&eddsa_ours_signed), proof, signer.public_key())
                .unwrap()
        })
    });
    group.bench_function("eddsa-rdfc-2022 ours sign (no templates)", |b| {
        b.iter(|| {
            runtime
                .block_on(eddsa_ours_full.sign(black_box(eddsa.ours.clone()), &options, &signer))
                .unwrap()
        })
    });

    // Ed25519Signature2020
    group.bench_function("Ed25519Signature2020 ssi sign", |b| {
        b.iter(|| {
            runtime
                .block_on(Ed25519Signature2020.sign(
                    black_box(ed2020.ssi.clone()),
                    &ed2020_resolver,
                    &ssi_signer,
                    ed2020_ssi_options.clone(),
                ))
                .unwrap()
        })
    });
    group.bench_function("Ed25519Signature2020 ssi verify", |b| {
        b.iter(|| {
            runtime
                .block_on(
                    black_box(&ed2020_ssi_signed)
                        .verify(VerificationParameters::from_resolver(&ed2020_resolver)),
                )
                .unwrap()
                .unwrap()
        })
    });
    group.bench_function("Ed25519Signature2020 ours sign", |b| {
        b.iter(|| {
            runtime
                .block_on(ed2020_ours.sign(black_box(ed2020.ours.clone()), &options, &signer))
                .unwrap()
        })
    });
    group.bench_function("Ed25519Signature2020 ours verify", |b| {
        let proof = &ed2020_ours_signed.proofs()[0];
        b.iter(|| {
            ed2020_ours
                .verify_proof(black_box(&ed2020_ours_signed), proof, signer.public_key())
                .unwrap()
        })
    });
    group.bench_function("Ed25519Signature2020 ours sign (no templates)", |b| {
        b.iter(|| {
            runtime
                .block_on(ed2020_ours_full.sign(black_box(ed2020.ours.clone()), &options, &signer))
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, rdfc_vs_ssi);
criterion_main!(benches);
