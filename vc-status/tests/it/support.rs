//! Shared helpers of the integration tests.

use std::path::PathBuf;

/// The shared folder next to the repository (`../shared` from the repo root).
pub(crate) fn shared(path: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")).join(path)
}
