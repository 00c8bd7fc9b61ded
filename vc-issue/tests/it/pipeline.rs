//! The pipeline: a credential that verifies, and every error code, raised at its step, with nothing
//! allocated or signed after a failure.

use std::num::NonZeroU32;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use vc_core::{Did, PublicKey};
use vc_issue::{
    CredentialVerifier, DidResolver, HostError, IssuanceRequest, IssueError, ProofType, RateLimit,
    ResolvedDid, SchemaEntry, SignatureAlgorithm, Signer,
};
use vc_status::store::{MemoryStore, StatusListStore};
use vc_status::{StatusPurpose, StatusRegistry};

use crate::fixtures::Setup;

fn request(setup: &Setup) -> IssuanceRequest {
    setup
        .degree_request()
        .with_proof_type(ProofType::EddsaJcs2022)
}

fn did(s: &str) -> Did {
    Did::parse(s).unwrap()
}

fn registry(store: Arc<MemoryStore>) -> Arc<StatusRegistry> {
    Arc::new(
        StatusRegistry::builder()
            .store(store)
            .list_url_template("https://university.example/status/{list}")
            .issuer("did:example:university")
            .build()
            .unwrap(),
    )
}

async fn allocated(store: &MemoryStore, registry: &StatusRegistry) -> u64 {
    let id = registry
        .active_list_id(StatusPurpose::Revocation)
        .await
        .unwrap();
    store.snapshot(&id).await.unwrap().allocated
}

#[tokio::test]
async fn issues_a_credential_that_verifies() {
    let setup = Setup::new();
    let response = setup.issuer.issue(request(&setup)).await.unwrap();
    let credential = response.credential.as_credential().unwrap();
    let value = credential.to_value().unwrap();
    assert_eq!(
        value["type"],
        json!(["VerifiableCredential", "UniversityDegreeCredential"])
    );
    assert_eq!(value["credentialSubject"]["id"], setup.holder.as_str());
    assert_eq!(
        value["credentialSubject"]["degree"]["name"],
        "Bachelor of Science and Arts"
    );
    assert_eq!(value["validFrom"], "2024-06-01T12:00:00Z");
    assert_eq!(value["proof"]["created"], "2024-06-01T12:00:00Z");
    assert_eq!(
        value["credentialSchema"]["id"],
        "https://university.example/schemas/degree.json"
    );
    assert_eq!(value["id"], response.credential_id.as_str());
    assert!(response.status_list_index.is_none());
    credential.validate().unwrap();
    CredentialVerifier::new(setup.dids.clone())
        .verify(credential)
        .await
        .unwrap();

    // The response has the documented JSON shape.
    let wire = serde_json::to_value(&response).unwrap();
    assert!(wire["credential"]["proof"]["proofValue"].is_string());
    assert_eq!(wire["credentialId"], response.credential_id.as_str());
}

#[tokio::test]
async fn revocable_credentials_carry_their_status_entry() {
    let store = Arc::new(MemoryStore::new());
    let registry = registry(store.clone());
    let setup = Setup::with(|b| b.status_registry(registry.clone()));
    let response = setup
        .issuer
        .issue(request(&setup).revocable(true))
        .await
        .unwrap();
    let credential = response.credential.as_credential().unwrap();
    let status = &credential.statuses()[0];
    assert!(status.has_type("BitstringStatusListEntry"));
    let index = response.status_list_index.unwrap();
    assert_eq!(status.properties["statusListIndex"], index.to_string());
    assert_eq!(allocated(&store, &registry).await, 1);
    CredentialVerifier::new(setup.dids.clone())
        .verify(credential)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_request_json_shape_is_accepted() {
    let setup = Setup::new();
    let request: IssuanceRequest = serde_json::from_value(json!({
        "schemaId": "university-degree-v1",
        "issuerDid": setup.ed25519.did(),
        "holderDid": setup.holder,
        "claims": {"degree": {"type": "BachelorDegree", "name": "BSc"}},
        "expirationDate": "2030-01-01T00:00:00Z",
        "proofType": "eddsa-jcs-2022",
        "revocable": false
    }))
    .unwrap();
    let response = setup.issuer.issue(request).await.unwrap();
    let value = response
        .credential
        .as_credential()
        .unwrap()
        .to_value()
        .unwrap();
    assert_eq!(value["validUntil"], "2030-01-01T00:00:00Z");
}

#[tokio::test]
async fn version_1_1_credentials_use_the_1_1_dates_and_contexts() {
    let setup = Setup::new();
    let response = setup
        .issuer
        .issue(request(&setup).with_data_model(vc_core::DataModelVersion::V1))
        .await
        .unwrap();
    let credential = response.credential.as_credential().unwrap();
    let value = credential.to_value().unwrap();
    assert_eq!(
        value["@context"][0],
        "https://www.w3.org/2018/credentials/v1"
    );
    assert_eq!(value["issuanceDate"], "2024-06-01T12:00:00Z");
    assert!(value["@context"]
        .as_array()
        .unwrap()
        .contains(&json!("https://w3id.org/security/data-integrity/v2")));
    CredentialVerifier::new(setup.dids.clone())
        .verify(credential)
        .await
        .unwrap();
}

/// Runs a request that must fail with `code`, against an issuer with a status registry, and checks
/// that nothing was allocated.
async fn fails_without_allocating(
    code: &str,
    customize: impl FnOnce(vc_issue::IssuerBuilder) -> vc_issue::IssuerBuilder,
    prepare: impl FnOnce(&Setup, IssuanceRequest) -> IssuanceRequest,
) -> IssueError {
    let store = Arc::new(MemoryStore::new());
    let registry = registry(store.clone());
    let setup = Setup::with(|b| customize(b.status_registry(registry.clone())));
    let req = prepare(&setup, request(&setup).revocable(true));
    let err = setup.issuer.issue(req).await.unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(
        allocated(&store, &registry).await,
        0,
        "{code}: nothing may be allocated"
    );
    err
}

#[tokio::test]
async fn every_error_code_stops_the_pipeline_before_allocation() {
    let keep = |b| b;
    let err = fails_without_allocating("UNSUPPORTED_PROOF_TYPE", keep, |_, r| {
        r.with_proof_type(ProofType::from("BbsBlsSignature2020"))
    })
    .await;
    assert!(err.to_string().contains("bbs-2023"), "{err}");
    fails_without_allocating("UNSUPPORTED_PROOF_TYPE", keep, |_, r| {
        r.with_proof_type(ProofType::from("nope"))
    })
    .await;
    fails_without_allocating("ISSUER_NOT_FOUND", keep, |_, mut r| {
        r.issuer_did = did("did:example:nobody");
        r
    })
    .await;
    fails_without_allocating("ISSUER_DEACTIVATED", keep, |s, r| {
        s.dids.deactivate(&s.ed25519.did());
        r
    })
    .await;
    // A did:key issuer whose private key this issuer does not hold.
    fails_without_allocating("KEY_NOT_FOUND", keep, |_, mut r| {
        r.issuer_did = vc_issue::Ed25519Signer::from_seed(&[99; 32]).did();
        r
    })
    .await;
    // A P-256 issuer cannot sign an Ed25519 suite.
    fails_without_allocating("KEY_NOT_FOUND", keep, |s, mut r| {
        r.issuer_did = s.p256.did();
        r
    })
    .await;
    fails_without_allocating("SCHEMA_NOT_FOUND", keep, |_, mut r| {
        r.schema_id = "no-such-schema".into();
        r
    })
    .await;
    fails_without_allocating("ISSUER_NOT_AUTHORIZED", keep, |s, r| {
        s.schemas.insert(
            crate::fixtures::degree_schema()
                .with_authorized_issuers(vec![did("did:example:someone-else")]),
        );
        r
    })
    .await;
    fails_without_allocating("HOLDER_NOT_FOUND", keep, |_, mut r| {
        r.holder = did("did:example:unknown-holder").into();
        r
    })
    .await;
    fails_without_allocating(
        "RESOLUTION_FAILED",
        |b| b.resolver(Arc::new(BrokenResolver)),
        |_, r| r,
    )
    .await;
    fails_without_allocating(
        "RATE_LIMIT_EXCEEDED",
        |b| b.rate_limit(RateLimit::per_second(NonZeroU32::MIN, NonZeroU32::MIN)),
        |s, r| {
            // Use up the one permit with a request that does not allocate.
            let rt = tokio::runtime::Handle::current();
            let mut first = r.clone();
            first.revocable = false;
            let issuer = s.issuer.clone();
            std::thread::spawn(move || rt.block_on(issuer.issue(first)))
                .join()
                .unwrap()
                .unwrap();
            r
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_violations_are_all_reported() {
    let setup = Setup::new();
    let mut req = request(&setup);
    req.claims = json!({"gpa": 9, "degree": {"type": 1}})
        .as_object()
        .unwrap()
        .clone();
    let err = setup.issuer.issue(req).await.unwrap_err();
    let IssueError::SchemaValidationFailed { violations, .. } = &err else {
        panic!("{err}")
    };
    let paths: Vec<_> = violations
        .iter()
        .map(|v| v.instance_path.as_str())
        .collect();
    assert!(paths.contains(&"/gpa"), "{paths:?}");
    assert!(paths.contains(&"/degree"), "{paths:?}");
    assert!(paths.contains(&"/degree/type"), "{paths:?}");
    let wire = err.to_json();
    assert_eq!(wire["code"], "SCHEMA_VALIDATION_FAILED");
    assert_eq!(
        wire["details"]["violations"].as_array().unwrap().len(),
        violations.len()
    );
}

#[tokio::test]
async fn status_registration_fails_without_a_registry() {
    let setup = Setup::new();
    let err = setup
        .issuer
        .issue(request(&setup).revocable(true))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "STATUS_REGISTRATION_FAILED");
}

#[tokio::test]
async fn signing_failures_are_opaque() {
    let failing = Arc::new(FailingSigner(vc_issue::Ed25519Signer::from_seed(&[5; 32])));
    let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
    keys.insert(failing.0.verification_method_id(), failing.clone());
    let setup = Setup::with(|b| b.keys(keys));
    let mut req = request(&setup);
    req.issuer_did = failing.0.did();
    let err = setup.issuer.issue(req).await.unwrap_err();
    assert_eq!(err.code(), "SIGNING_FAILED");
    assert_eq!(err.to_string(), "signing failed");
    assert_eq!(err.to_json()["message"], "signing failed");
    assert!(!err.to_json().to_string().contains("HSM"));
}

#[tokio::test]
async fn rate_limit_says_when_to_retry() {
    let setup =
        Setup::with(|b| b.rate_limit(RateLimit::per_second(NonZeroU32::MIN, NonZeroU32::MIN)));
    setup.issuer.issue(request(&setup)).await.unwrap();
    let err = setup.issuer.issue(request(&setup)).await.unwrap_err();
    let IssueError::RateLimitExceeded { retry_after, .. } = &err else {
        panic!("{err}")
    };
    assert!(!retry_after.is_zero());
    // The status an HTTP host answers with: the one mapping, under `http`.
    #[cfg(feature = "http")]
    assert_eq!(vc_issue::http::status_of(err.code()), 429);
    assert!(
        err.to_json()["details"]["retryAfterSeconds"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // Another issuer has its own budget.
    let mut other = request(&setup);
    other.issuer_did = setup.p256.did();
    other.proof_type = ProofType::EddsaJcs2022;
    assert_eq!(
        setup.issuer.issue(other).await.unwrap_err().code(),
        "KEY_NOT_FOUND"
    );
}

#[derive(Debug)]
struct BrokenResolver;

#[async_trait]
impl DidResolver for BrokenResolver {
    async fn resolve(&self, _did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        Err(HostError::unavailable(std::io::Error::other(
            "resolver offline",
        )))
    }
}

#[derive(Debug)]
struct FailingSigner(vc_issue::Ed25519Signer);

#[async_trait]
impl Signer for FailingSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Ed25519
    }
    fn public_key(&self) -> &PublicKey {
        self.0.public_key()
    }
    async fn sign(&self, _message: &[u8]) -> Result<Vec<u8>, HostError> {
        Err(HostError::refused(std::io::Error::other(
            "HSM slot 3 refused the key",
        )))
    }
}

#[test]
fn schema_entries_load_from_json() {
    let entry: SchemaEntry = serde_json::from_value(json!({
        "id": "x", "jsonSchema": {"type": "object"}, "types": ["T"], "contexts": []
    }))
    .unwrap();
    assert!(entry.authorizes(&did("did:example:anyone")));
}

/// A host capability that fails every call with one kind.
#[derive(Debug)]
struct FailsWith(vc_issue::HostErrorKind);

impl FailsWith {
    fn error(&self) -> HostError {
        HostError::with_source(self.0, std::io::Error::other("the host said so"))
    }
}

#[async_trait]
impl DidResolver for FailsWith {
    async fn resolve(&self, _did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        Err(self.error())
    }
}

#[async_trait]
impl vc_issue::KeyStore for FailsWith {
    async fn signer(
        &self,
        _method: &vc_core::DidUrl,
    ) -> Result<Option<Arc<dyn Signer>>, HostError> {
        Err(self.error())
    }
}

#[async_trait]
impl vc_issue::SchemaRegistry for FailsWith {
    async fn schema(&self, _id: &str) -> Result<Option<Arc<SchemaEntry>>, HostError> {
        Err(self.error())
    }
}

#[tokio::test]
async fn a_host_failure_is_retryable_only_when_the_host_is_unavailable() {
    use vc_issue::HostErrorKind::{Internal, NotFound, Refused, Unavailable};
    let cases: [(&str, vc_issue::HostErrorKind, &str, bool); 9] = [
        ("resolver", Unavailable, "RESOLUTION_FAILED", true),
        ("resolver", Refused, "INTERNAL_ERROR", false),
        ("resolver", NotFound, "ISSUER_NOT_FOUND", false),
        ("keys", Unavailable, "SIGNER_UNAVAILABLE", true),
        ("keys", Internal, "SIGNING_FAILED", false),
        ("keys", NotFound, "KEY_NOT_FOUND", false),
        ("schemas", Unavailable, "SCHEMA_REGISTRY_UNAVAILABLE", true),
        ("schemas", Refused, "INTERNAL_ERROR", false),
        ("schemas", NotFound, "SCHEMA_NOT_FOUND", false),
    ];
    for (host, kind, code, retryable) in cases {
        let failing = Arc::new(FailsWith(kind));
        let setup = Setup::with(|b| match host {
            "resolver" => b.resolver(failing),
            "keys" => b.keys(failing),
            _ => b.schemas(failing),
        });
        let err = setup.issuer.issue(request(&setup)).await.unwrap_err();
        assert_eq!(err.code(), code, "{host} {kind}");
        assert_eq!(err.is_transient(), retryable, "{host} {kind}");
    }
}
