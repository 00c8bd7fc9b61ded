//! Shared fixtures for the criterion benchmarks of vc-issuer-rs (see `BENCHMARKS.md`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cpu_time;
pub mod exchange_service;
pub mod http1_client;
pub mod latency;
pub mod load_settings;
pub mod wallet;

/// What a fixture that talks to a service fails with (a benchmark prints it and stops).
pub type FixtureError = Box<dyn std::error::Error + Send + Sync>;

use std::sync::Arc;

use serde_json::json;
use vc_core::{Credential, DateTime};
use vc_issue::{
    BatchItem, BatchRequest, Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore,
    InMemorySchemaRegistry, Issuer, ProofOptions, SchemaEntry,
};
use vc_status::store::{MemoryStore, StatusListStore};
use vc_status::StatusRegistry;

/// An issuer on in-memory defaults for `signer`'s did:key, with a `degree` schema (name, degree
/// type and name) and an in-memory status registry: what the pipeline and batch benches issue with.
pub fn degree_issuer(signer: &Arc<Ed25519Signer>) -> Issuer {
    degree_issuer_on(signer, Arc::new(MemoryStore::new()))
}

/// The `degree` schema: a name, and a degree with its type and name (both required).
pub fn degree_schema() -> SchemaEntry {
    SchemaEntry::new(
        "degree",
        json!({"type": "object", "required": ["degree"], "properties": {
            "name": {"type": "string"},
            "degree": {"type": "object", "required": ["type", "name"],
                       "properties": {"type": {"type": "string"}, "name": {"type": "string"}}}}}),
        vec!["UniversityDegreeCredential".into()],
        vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
    )
}

/// [`degree_issuer`] with its status lists in `status` (the queue bench compares backends).
pub fn degree_issuer_on(signer: &Arc<Ed25519Signer>, status: Arc<dyn StatusListStore>) -> Issuer {
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(signer.verification_method_id(), signer.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(degree_schema());
    #[expect(
        clippy::expect_used,
        reason = "Bench fixtures: a failure here is a broken benchmark, not input to handle"
    )]
    let status = StatusRegistry::builder()
        .store(status)
        .list_url_template("https://university.example/status/{list}")
        .issuer(signer.did().as_str())
        .build()
        .expect("a valid status registry");
    #[expect(
        clippy::expect_used,
        reason = "Bench fixtures: a failure here is a broken benchmark, not input to handle"
    )]
    Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys)
        .status_registry(Arc::new(status))
        .build()
        .expect("a valid issuer")
}

/// A revocable `eddsa-jcs-2022` batch of `n` degree credentials from `signer`'s did:key (the issuer
/// [`degree_issuer`] serves), each to its own did:key holder.
pub fn degree_batch(signer: &Ed25519Signer, n: usize) -> BatchRequest {
    let claims = json!({"name": "Jayden Doe", "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}});
    let claims = claims.as_object().cloned().unwrap_or_default();
    let items: Vec<BatchItem> = (0..n as u64)
        .map(|i| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&i.to_be_bytes());
            BatchItem::new(
                Ed25519Signer::from_seed(&seed).did().to_string(),
                claims.clone(),
            )
        })
        .collect();
    let request = json!({
        "schemaId": "degree", "issuerDid": signer.did().as_str(), "proofType": "eddsa-jcs-2022",
        "revocable": true, "items": items,
    });
    #[expect(
        clippy::expect_used,
        reason = "Bench fixtures: a failure here is a broken benchmark, not input to handle"
    )]
    serde_json::from_value(request).expect("a valid batch request")
}

/// `signatures` bare Ed25519 signatures of 64-byte messages spread over `threads` threads, each
/// with its own key: what the cores give with nothing shared, the reference for batch scaling.
pub fn sign_on_threads(signatures: u64, threads: u64) {
    std::thread::scope(|scope| {
        for t in 0..threads {
            scope.spawn(move || {
                let signer = Ed25519Signer::from_seed(&[t as u8 + 1; 32]);
                let mut message = [0u8; 64];
                for i in 0..signatures / threads {
                    message[..8].copy_from_slice(&i.to_be_bytes());
                    std::hint::black_box(signer.sign_now(&message));
                }
            });
        }
    });
}

/// The credential of [`degree_credential_json`] unsigned and issued by `signer`'s did:key, with
/// the assertion proof options every suite bench signs it with (created 2024-06-01, so output is
/// reproducible).
pub fn unsigned_degree(signer: &Ed25519Signer) -> (Credential, ProofOptions) {
    #[expect(
        clippy::expect_used,
        reason = "Bench fixtures: a failure here is a broken benchmark, not input to handle"
    )]
    let mut unsigned =
        Credential::from_json(&degree_credential_json()).expect("the degree credential parses");
    unsigned.issuer = Some(signer.did().into());
    let options = ProofOptions::assertion(
        signer.verification_method_id(),
        DateTime::parse("2024-06-01T00:00:00Z").ok(),
    );
    (unsigned, options)
}

/// A VC 2.0 university-degree credential of about 870 bytes, the size the reference figures in
/// `BENCHMARKS.md` were measured on.
pub fn degree_credential_json() -> String {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2"
        ],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "name": "Bachelor of Science and Arts",
        "description": "A degree awarded by the Example University to a graduating student.",
        "issuer": {
            "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "name": "Example University"
        },
        "validFrom": "2024-06-01T00:00:00Z",
        "validUntil": "2034-06-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "name": "Jayden Doe",
            "degree": {
                "type": "ExampleBachelorDegree",
                "name": "Bachelor of Science and Arts",
                "gpa": 3.72,
                "graduationDate": "2024-05-15"
            }
        },
        "credentialSchema": {
            "id": "https://university.example/schemas/degree.json",
            "type": "JsonSchema"
        },
        "credentialStatus": {
            "id": "https://university.example/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://university.example/status/1"
        }
    })
    .to_string()
}
