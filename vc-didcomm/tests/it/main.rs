#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(missing_docs, unreachable_pub, dead_code)]
// Flows drive both roles by hand and ignore the `Step`s they already checked.
#![allow(unused_must_use)]

mod aries_flows;
mod bad_input;
mod common;
mod iota_flows;
mod message;
mod spec_examples;
