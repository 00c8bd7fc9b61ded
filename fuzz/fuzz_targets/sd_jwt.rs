//! Fuzzes SD-JWT (VC) reading: the compact `<JWT>~<disclosure>~...~[KB-JWT]` split, disclosure
//! decoding, putting disclosures back into the payload, and the whole verifier.
//!
//! Harness and invariants: `vc_fuzz::sd_jwt` (fuzz/src/sd_jwt.rs).
//!
//!     cd fuzz && cargo +nightly fuzz run sd_jwt -- -max_total_time=60 -dict=dicts/sd_jwt.dict
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    vc_fuzz::sd_jwt::run(data);
});
