//! Fuzzes VCALM exchange bodies: a wallet's message and its DID Authentication, a coordinator's create request.
//!
//! Harness and invariants: `vc_fuzz::exchange` (fuzz/src/exchange.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run exchange -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::exchange::run(data);
});
