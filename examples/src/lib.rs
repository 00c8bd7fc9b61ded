//! Runnable examples for vc-issuer-rs; see `examples/examples/` and the workspace README.
//!
//! The helpers here hold what several examples share: the data folder, and for the VCALM
//! examples the service and a simulated wallet ([`vcalm`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use vc_core::Credential;
use vc_issue::{
    CredentialVerifier, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry,
    IssuanceRequest, IssueError, Issuer, ProofType, Signer,
};
use vc_status::store::MemoryStore;
use vc_status::StatusRegistry;

pub mod exit;
pub mod flags;
pub mod signal;
pub mod vcalm;

/// The `examples/data` folder (schemas and requests the examples read).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The schemas the examples issue from: the university degree of
/// `examples/data/university-degree-schema.json`.
pub fn degree_schemas() -> Result<Arc<InMemorySchemaRegistry>, IssueError> {
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.load_file(data_dir().join("university-degree-schema.json"))?;
    Ok(schemas)
}

/// A key store holding the issuer's one key, `signer`, under `verification_method`.
pub fn one_key(
    verification_method: vc_core::DidUrl,
    signer: Arc<dyn Signer>,
) -> Arc<InMemoryKeyStore> {
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(verification_method, signer);
    keys
}

/// Revocation status lists of `issuer` in memory, published under
/// `https://issuer.example/status/{list}`.
pub fn memory_status_registry(issuer: &str) -> Result<Arc<StatusRegistry>, vc_status::Error> {
    let registry = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template("https://issuer.example/status/{list}")
        .issuer(issuer)
        .build()?;
    Ok(Arc::new(registry))
}

/// Issues the university degree (`examples/data/degree-request.json`) by `signer`, published as
/// the `did:key` of `verification_method`, with `proof_type`; checks it with a verifier over the
/// same DIDs, says so on stderr, and returns the credential and that verifier.
pub async fn issue_degree(
    verification_method: vc_core::DidUrl,
    signer: Arc<dyn Signer>,
    proof_type: &ProofType,
) -> Result<(Credential, CredentialVerifier), String> {
    let did = verification_method.to_did();
    let dids = Arc::new(InMemoryDidRegistry::new());
    let issuer = Issuer::builder()
        .resolver(dids.clone())
        .schemas(degree_schemas().map_err(|e| e.to_string())?)
        .keys(one_key(verification_method, signer))
        .build()
        .map_err(|e| e.to_string())?;
    let path = data_dir().join("degree-request.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut request: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    request["issuerDid"] = Value::String(did.to_string());
    request["proofType"] = Value::String(proof_type.to_string());
    let request: IssuanceRequest = serde_json::from_value(request).map_err(|e| e.to_string())?;
    let response = issuer
        .issue(request)
        .await
        .map_err(|e| e.to_json().to_string())?;
    let credential = response
        .credential
        .as_credential()
        .ok_or_else(|| format!("{proof_type} does not embed its proof"))?
        .clone();
    let verifier = CredentialVerifier::new(dids);
    verifier
        .verify(&credential)
        .await
        .map_err(|e| format!("issued credential: {e}"))?;
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "issued {} by {did} with {proof_type} (verified)",
            response.credential_id
        );
    }
    Ok((credential, verifier))
}

/// Writes `credential` as pretty JSON to `path`, or to stdout without one.
pub fn write_credential(path: Option<&str>, credential: &Credential) -> Result<(), String> {
    let value = credential.to_value().map_err(|e| e.to_string())?;
    let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    match path {
        Some(path) => std::fs::write(path, text + "\n").map_err(|e| format!("{path}: {e}")),
        None => {
            #[allow(clippy::print_stdout)]
            {
                println!("{text}");
            }
            Ok(())
        }
    }
}

/// Verifies the credential in the file at `path` (made elsewhere, e.g. by another
/// implementation), whose issuer is a `did:key`.
pub async fn verify_file(path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let credential = Credential::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    CredentialVerifier::new(Arc::new(InMemoryDidRegistry::new()))
        .verify(&credential)
        .await
        .map_err(|e| format!("{path}: {} ({e})", e.code()))
}
