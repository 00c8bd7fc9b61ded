//! Runnable examples for vc-issuer-rs; see `examples/examples/` and the workspace README.
//!
//! The helpers here hold what several examples share: the data folder, and for the VCALM
//! examples the service and a simulated wallet ([`vcalm`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::PathBuf;

pub mod exit;
pub mod vcalm;

/// The `examples/data` folder (schemas and requests the examples read).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}
