//! Shared test fixtures: the W3C vector key, an issuer on in-memory defaults, a degree schema.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value};
use time::macros::datetime;
use vc_core::{Did, DidUrl, FixedClock};
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry, Issuer,
    P256Signer, SchemaEntry, Signer,
};

/// A file of the shared test vectors (`shared/` sits beside the repository checkout).
pub fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

pub fn read_json(path: &str) -> Value {
    let full = shared(path);
    serde_json::from_str(
        &std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display())),
    )
    .unwrap()
}

pub fn read_text(path: &str) -> String {
    std::fs::read_to_string(shared(path))
        .unwrap()
        .trim()
        .to_owned()
}

/// The Ed25519 key of the W3C vc-di-eddsa vectors.
pub fn vector_signer() -> Ed25519Signer {
    let pair = read_json("vectors/vc-di-eddsa/keyPair.json");
    Ed25519Signer::from_private_multikey(pair["privateKeyMultibase"].as_str().unwrap()).unwrap()
}

pub fn degree_schema() -> SchemaEntry {
    SchemaEntry::new(
        "university-degree-v1",
        json!({
            "type": "object",
            "required": ["degree"],
            "properties": {
                "degree": {
                    "type": "object",
                    "required": ["type", "name"],
                    "properties": {"type": {"type": "string"}, "name": {"type": "string", "minLength": 1}}
                },
                "gpa": {"type": "number", "minimum": 0, "maximum": 4}
            }
        }),
        vec!["UniversityDegreeCredential".into()],
        vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
    )
    .with_schema_url("https://university.example/schemas/degree.json")
}

/// An issuer whose one key is `key` (its verification method `vm`) and whose one schema is
/// `schema`, resolving holders through `resolver`.
pub fn one_key_issuer(
    key: Arc<dyn Signer>,
    vm: DidUrl,
    schema: SchemaEntry,
    resolver: Arc<InMemoryDidRegistry>,
) -> Issuer {
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(vm, key);
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(schema);
    Issuer::builder()
        .resolver(resolver)
        .schemas(schemas)
        .keys(keys)
        .build()
        .unwrap()
}

/// The workflow `WORKFLOW` of the exchange tests: DID Authentication (step `ownerBinding`), then
/// `template` issued (step `issue`).
pub fn owner_binding_workflow(
    id: &str,
    template: vc_issue::exchange::CredentialTemplate,
) -> vc_issue::exchange::Workflow {
    use vc_issue::exchange::{Step, Workflow, WorkflowId};
    Workflow::builder(WorkflowId::parse(id).unwrap())
        .step("ownerBinding", Step::did_auth().next("issue"))
        .step("issue", Step::issue(vec![template]))
        .initial_step("ownerBinding")
        .build()
        .unwrap()
}

pub fn degree_claims() -> serde_json::Map<String, Value> {
    json!({"degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}, "gpa": 3.7})
        .as_object()
        .unwrap()
        .clone()
}

/// An issuer on in-memory defaults with one Ed25519 and one P-256 did:key issuer.
pub struct Setup {
    pub issuer: Issuer,
    pub dids: Arc<InMemoryDidRegistry>,
    pub schemas: Arc<InMemorySchemaRegistry>,
    pub ed25519: Arc<Ed25519Signer>,
    pub p256: Arc<P256Signer>,
    pub holder: Did,
}

impl Setup {
    pub fn new() -> Self {
        Self::with(|builder| builder)
    }

    /// A request for the degree credential from the Ed25519 issuer to the holder.
    pub fn degree_request(&self) -> vc_issue::IssuanceRequest {
        vc_issue::IssuanceRequest::new(
            "university-degree-v1",
            self.ed25519.did(),
            self.holder.clone(),
            degree_claims(),
        )
    }

    pub fn with(
        customize: impl FnOnce(vc_issue::IssuerBuilder) -> vc_issue::IssuerBuilder,
    ) -> Self {
        let ed25519 = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
        let p256 = Arc::new(P256Signer::from_bytes(&[9; 32]).unwrap());
        let keys = Arc::new(InMemoryKeyStore::new());
        keys.insert(ed25519.verification_method_id(), ed25519.clone());
        keys.insert(p256.verification_method_id(), p256.clone());
        let dids = Arc::new(InMemoryDidRegistry::new());
        let schemas = Arc::new(InMemorySchemaRegistry::new());
        schemas.insert(degree_schema());
        let holder = Ed25519Signer::from_seed(&[8; 32]).did();
        let builder = Issuer::builder()
            .resolver(dids.clone())
            .schemas(schemas.clone())
            .keys(keys)
            .clock(Arc::new(FixedClock::new(datetime!(2024-06-01 12:00 UTC))));
        Self {
            issuer: customize(builder).build().unwrap(),
            dids,
            schemas,
            ed25519,
            p256,
            holder,
        }
    }
}
