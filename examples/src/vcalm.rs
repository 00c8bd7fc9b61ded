//! The VCALM (VC API) examples' shared parts: the whole issuer service on loopback
//! ([`server::VcalmServer`], used by `05_vc_api_server` and `06_vcalm_coordinator`), a
//! simulated wallet ([`wallet::Wallet`]) that completes an exchange over HTTP, and the two
//! examples' command lines ([`cli`]: secrets from the environment or a file, never from argv).

pub mod cli;
pub mod instances;
pub mod server;
pub mod wallet;

/// The error type of these helpers: any error, boxed (examples print it and exit).
pub type Error = Box<dyn std::error::Error + Send + Sync>;
