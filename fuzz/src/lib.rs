//! The harnesses behind the cargo-fuzz targets in `fuzz_targets/`, one module per parser a remote
//! party can reach.
//!
//! Each harness takes arbitrary bytes and panics only when an invariant breaks: a panic inside
//! the library, a value that does not survive serialize-then-parse, an error without a stable
//! upper-snake-case code, a server error (5xx) answering caller input. Panicking is how a
//! libFuzzer target reports a finding, hence the `panic!`/`assert!` below.
//!
//! With `VC_FUZZ_SEED_CHECK=1` in the environment every harness also panics when its main parser
//! refuses the input: `.ci/fuzz` runs the committed seeds that way (`-runs=0`), so a seed that
//! stops being a valid input (after a stricter parser lands, say) fails CI instead of quietly
//! leaving the fuzzer to start from junk.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod credential;
pub mod did;
pub mod exchange;
pub mod issuance_request;
pub mod presentation;
pub mod sd_jwt;
pub mod status_list;
pub mod vc_api;

use std::sync::OnceLock;

/// Whether the harnesses run in seed-check mode (`VC_FUZZ_SEED_CHECK` set and not `0`).
pub fn seed_check() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("VC_FUZZ_SEED_CHECK").is_some_and(|v| v != "0"))
}

/// Records that `parser` refused `input`: fine while fuzzing, a failure for a committed seed.
/// (libFuzzer also runs the empty input before the seeds; that one may be refused.)
pub fn refused(input: &[u8], parser: &str, error: &dyn std::fmt::Display) {
    if seed_check() && !input.is_empty() {
        panic!("a committed seed must be accepted by {parser}, but: {error}");
    }
}

/// Checks that `code` is a stable wire code: one of the registry's (`vc_core::ErrorCode`), upper
/// snake case, starting with a letter.
pub fn assert_code(code: impl AsRef<str>, context: &dyn std::fmt::Debug) {
    let code = code.as_ref();
    let well_formed = code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    assert!(
        well_formed && vc_core::ErrorCode::parse(code).is_some(),
        "error code {code:?} is not a registered upper snake case code ({context:?})"
    );
}

/// One current-thread runtime per fuzz process for the async APIs (DID resolution, the router).
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => panic!("cannot start a tokio runtime: {error}"),
        }
    })
}
