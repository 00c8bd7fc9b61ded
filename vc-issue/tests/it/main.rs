//! Integration tests of `vc-issue`, in one binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    missing_docs,
    unreachable_pub,
    dead_code
)]

mod batch;
#[cfg(feature = "bbs")]
mod bbs;
mod capture;
mod conformance;
mod conformance_stores;
#[cfg(feature = "client")]
mod coordinator_client;
mod delegation;
mod did_methods;
mod ecdsa;
mod ecdsa_sd;
// The registry's table names each code's HTTP status.
#[cfg(feature = "http")]
mod error_codes;
#[cfg(feature = "http")]
mod exchange_http;
mod fixtures;
#[cfg(feature = "postgres")]
mod fresh_schema;
mod holders;
#[cfg(feature = "http")]
mod http_api;
mod jwt;
mod key_rotation;
mod nesting;
#[cfg(feature = "oid4vci")]
mod oid4vci;
mod pipeline;
#[cfg(feature = "pkcs11")]
mod pkcs11;
mod queue;
mod queue_drain;
#[cfg(feature = "http")]
mod queue_webhook;
mod rdfc;
#[cfg(feature = "sd-jwt")]
mod sd_jwt;
#[cfg(all(feature = "sd-jwt", feature = "http"))]
mod sd_jwt_http;
#[cfg(feature = "sd-jwt")]
mod sd_jwt_x5c;
#[cfg(feature = "sd-jwt")]
mod status_list_cwt;

mod signers;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod upgrade;
#[cfg(all(feature = "http", feature = "client"))]
mod vcalm_e2e;
mod vectors;
