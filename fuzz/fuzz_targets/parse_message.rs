//! Fuzzes DIDComm message parsing: the envelope, then the Issuance 0.1 and Issue Credential 3.0
//! messages, with a serialize → parse round-trip check.
//!
//!     cd fuzz && cargo +nightly fuzz run parse_message -- -max_total_time=600
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_didcomm::fuzz_harness::parse_message(data);
});
