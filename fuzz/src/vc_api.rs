//! The VC API issuer endpoints as a client reaches them: the input is the body of an authorized
//! `POST /credentials/issue` (an `IssuanceRequest` or a VC API `{credential, options}` body; the
//! body shapes are private to the router, so the router is what is fuzzed) and of
//! `POST /credentials/status`.
//!
//! The issuer is the one the committed seeds name: an Ed25519 key from a fixed seed, resolved as
//! `did:key`, the example university-degree schema, an in-memory status registry. State (status
//! lists, the credential status index) accumulates over a run, as on a real server.
//!
//! Invariants: no panic, no 5xx for anything a client sends, every refusal in the
//! `{code, message}` shape with a stable code, and every credential answered with `201` verifies
//! against its issuer's DID and is, apart from its proof and the status entry the issuer
//! allocates, the credential that was sent.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;
use vc_core::Credential;
use vc_issue::http::{BearerTokens, VcApi};
use vc_issue::{
    CredentialVerifier, DidKeyResolver, Ed25519Signer, InMemoryKeyStore, InMemorySchemaRegistry,
    Issuer, SchemaEntry,
};
use vc_status::StatusRegistry;

use crate::{assert_code, refused, runtime};

/// The bearer token every fuzzed request carries.
pub const TOKEN: &str = "fuzz-access-token";
/// The seed of the issuer key; its `did:key` is the `issuerDid` of the committed seeds.
pub const ISSUER_SEED: [u8; 32] = [7; 32];
/// The public base URL the router is configured with.
pub const BASE_URL: &str = "https://issuer.example";

/// The credential the server has issued before the run starts, so that status updates (the
/// `credential-status-update` seed) find a credential to change.
pub const ISSUED_ID: &str = "urn:example:degree-1";

/// The university-degree schema of `examples/data` (the example requests' schema).
const DEGREE_SCHEMA: &str = include_str!("../../examples/data/university-degree-schema.json");

struct Api {
    router: Router,
    verifier: CredentialVerifier,
}

fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| match build() {
        Ok(api) => api,
        Err(error) => panic!("cannot build the fuzzed VcApi: {error}"),
    })
}

fn build() -> Result<Api, Box<dyn std::error::Error>> {
    let key = Arc::new(Ed25519Signer::from_seed(&ISSUER_SEED));
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(key.verification_method_id(), key.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(serde_json::from_str::<SchemaEntry>(DEGREE_SCHEMA)?);
    let registry = StatusRegistry::builder()
        .store(Arc::new(vc_status::store::MemoryStore::new()))
        .list_url_template(format!("{BASE_URL}/status-lists/{{list}}"))
        .issuer(key.did().to_string())
        .build()?;
    let issuer = Issuer::builder()
        .resolver(Arc::new(DidKeyResolver))
        .schemas(schemas)
        .keys(keys)
        .status_registry(Arc::new(registry))
        .build()?;
    let router = VcApi::builder()
        .issuer(issuer)
        .authorizer(Arc::new(BearerTokens::new([TOKEN])))
        .base_url(BASE_URL)
        .build()?
        .router();
    let preload = serde_json::json!({
        "schemaId": "university-degree-v1",
        "issuerDid": key.did(),
        "holderDid": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "claims": {"name": "Jayden Doe", "degree": {"type": "BachelorDegree", "name": "B.Sc."}},
        "proofType": "eddsa-jcs-2022",
        "revocable": true,
        "credentialId": ISSUED_ID,
    });
    let (status, body) = send(&router, "/credentials/issue", serde_json::to_vec(&preload)?);
    if status != StatusCode::CREATED {
        let body = String::from_utf8_lossy(&body);
        return Err(format!("the preloaded credential was not issued: {status} {body}").into());
    }
    Ok(Api {
        router,
        verifier: CredentialVerifier::new(Arc::new(DidKeyResolver)),
    })
}

/// POSTs `data` to the issue and the status endpoints and checks both answers.
pub fn run(data: &[u8]) {
    let (issue, body) = post("/credentials/issue", data);
    if issue == StatusCode::CREATED {
        issued(data, &body);
    }
    let (status, _) = post("/credentials/status", data);
    if !issue.is_success() && !status.is_success() {
        let answers = format!("issue {issue}, status {status}");
        refused(
            data,
            "POST /credentials/issue or /credentials/status",
            &answers,
        );
    }
}

/// Sends `data` to `path` and checks the shape of the answer.
fn post(path: &str, data: &[u8]) -> (StatusCode, Value) {
    let (status, bytes) = send(&api().router, path, data.to_vec());
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !status.is_server_error(),
        "{path} answered {status} to a client's body: {text}"
    );
    if status.is_client_error() {
        match body.get("code").and_then(Value::as_str) {
            Some(code) => assert_code(code, &text),
            None => panic!("{path} answered {status} without a JSON error code: {text}"),
        }
        assert!(
            body.get("message").is_some_and(Value::is_string),
            "{path} answered {status} without a message: {text}"
        );
    }
    (status, body)
}

/// One authorized JSON POST through the router: the status and the body's bytes.
fn send(router: &Router, path: &str, body: Vec<u8>) -> (StatusCode, axum::body::Bytes) {
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body));
    let request = match request {
        Ok(request) => request,
        Err(error) => panic!("a fixed request head must build: {error}"),
    };
    runtime().block_on(async {
        let response = match router.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        match axum::body::to_bytes(response.into_body(), usize::MAX).await {
            Ok(bytes) => (status, bytes),
            Err(error) => panic!("the response body of {path} could not be read: {error}"),
        }
    })
}

/// A `201` from the issue endpoint: the credential verifies, and a VC API body was signed as sent.
fn issued(sent: &[u8], body: &Value) {
    let Some(signed) = body.get("verifiableCredential") else {
        panic!("201 without a verifiableCredential: {body}");
    };
    let credential = match Credential::from_value(signed.clone()) {
        Ok(credential) => credential,
        Err(error) => panic!("the issued credential does not parse: {error}\n{signed}"),
    };
    if let Err(error) = runtime().block_on(api().verifier.verify(&credential)) {
        panic!("an issued credential does not verify: {error}\n{signed}");
    }
    let sent: Value = serde_json::from_slice(sent).unwrap_or(Value::Null);
    if let (Some(Value::Object(sent)), Value::Object(signed)) = (sent.get("credential"), signed) {
        let strip = |map: &serde_json::Map<String, Value>| {
            let mut map = map.clone();
            map.remove("proof");
            map.remove("credentialStatus");
            map
        };
        assert_eq!(
            strip(sent),
            strip(signed),
            "a VC API credential was not signed as sent"
        );
    }
}
