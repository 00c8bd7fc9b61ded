//! Integration tests of `vc-core`, in one binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs, unreachable_pub, dead_code)]

mod credential;
mod did;
mod jcs;
mod robustness;
mod validation;
mod vectors;

use std::path::PathBuf;

/// A file of the shared test vectors (`shared/` sits beside the repository checkout).
pub fn shared(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(path)
}

/// Reads a shared vector file as text.
pub fn read_shared(path: &str) -> String {
    let full = shared(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}
