//! Integration tests of vc-status (one binary).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod bitstring;
mod credential;
mod entry;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod multiprocess;
mod registry;
mod stores;
mod support;
mod token_status_list;
mod vectors;
