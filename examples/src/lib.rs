//! Runnable examples for vc-issuer-rs; see `examples/examples/` and the workspace README.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
