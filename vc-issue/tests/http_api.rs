//! Integration tests of the HTTP side (feature `http`) over real loopback HTTP: `VcApi`'s issuer
//! endpoints, status lists and credential pickup.
#![cfg(feature = "http")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub,
    dead_code
)]

#[path = "http_api/server.rs"]
mod server;

#[path = "http_api/issue.rs"]
mod issue;

#[path = "http_api/status.rs"]
mod status;

#[path = "http_api/pickup.rs"]
mod pickup;
