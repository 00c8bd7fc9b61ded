//! Fuzzes presentation parsing (`Presentation::from_json`), validation and every embedded credential.
//!
//! Harness and invariants: `vc_fuzz::presentation` (fuzz/src/presentation.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run presentation -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::presentation::run(data);
});
