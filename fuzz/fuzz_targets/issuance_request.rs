//! Fuzzes issuance and batch request bodies: the bounded parser against serde_json, and the round trip.
//!
//! Harness and invariants: `vc_fuzz::issuance_request` (fuzz/src/issuance_request.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run issuance_request -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::issuance_request::run(data);
});
