//! Fuzzes the VC API issuer endpoints (`POST /credentials/issue`, `POST /credentials/status`) through the router.
//!
//! Harness and invariants: `vc_fuzz::vc_api` (fuzz/src/vc_api.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run vc_api -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::vc_api::run(data);
});
