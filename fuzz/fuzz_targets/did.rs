//! Fuzzes DID, DID URL and `did:key` parsing.
//!
//! Harness and invariants: `vc_fuzz::did` (fuzz/src/did.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run did -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::did::run(data);
});
