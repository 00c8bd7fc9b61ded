//! Fuzzes credential parsing (`Credential::from_json_with_limits`), validation, JCS and the credential hash, with serialize → parse round trips.
//!
//! Harness and invariants: `vc_fuzz::credential` (fuzz/src/credential.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run credential -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::credential::run(data);
});
