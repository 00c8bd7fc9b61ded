//! Integration tests of `vc-issue`, in one binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub,
    dead_code
)]

mod batch;
#[cfg(feature = "bbs")]
mod bbs;
mod delegation;
mod fixtures;
mod jwt;
mod pipeline;
mod queue;
mod rdfc;

mod signers;
mod vectors;
