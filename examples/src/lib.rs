//! Runnable examples for vc-issuer-rs; see `examples/examples/` and the workspace README.
//!
//! The helpers here hold what several examples share: the data folder, and for the VCALM
//! examples the service and a simulated wallet ([`vcalm`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::PathBuf;
use std::sync::Arc;

use vc_issue::{InMemoryKeyStore, InMemorySchemaRegistry, IssueError, Signer};

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
