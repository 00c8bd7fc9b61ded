//! Runnable examples for vc-issuer-rs; see `examples/examples/` and the workspace README.
//!
//! The helpers here set up what every example needs: an issuer on in-memory defaults.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::PathBuf;

/// The `examples/data` folder (schemas and requests the examples read).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}
