//! Fuzzes status lists: `encodedList` decoding, status list credentials and `credentialStatus` entries.
//!
//! Harness and invariants: `vc_fuzz::status_list` (fuzz/src/status_list.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run status_list -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::status_list::run(data);
});
