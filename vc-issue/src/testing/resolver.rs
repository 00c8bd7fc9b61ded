//! Conformance checks that any [`DidResolver`] implementation can run against itself.

#![expect(
    clippy::expect_used,
    reason = "Test helpers report a broken contract by panicking, like assertions do"
)]

use crate::pipeline::resolver::*;
use vc_core::Did;

/// Checks that `resolver` resolves `known` to a document whose `id` is that DID, and answers
/// `Ok(None)` (not an error) for `unknown`.
///
/// # Panics
/// When the resolver breaks the contract; this is a test helper.
pub async fn check_resolver(resolver: &dyn DidResolver, known: &Did, unknown: &Did) {
    let resolved = resolver
        .resolve(known)
        .await
        .expect("resolving a known DID must not fail")
        .expect("a known DID must resolve");
    assert_eq!(
        resolved.document.id,
        known.as_str(),
        "document id must be the DID"
    );
    let missing = resolver
        .resolve(unknown)
        .await
        .expect("resolving an unknown DID must not be an error");
    assert!(missing.is_none(), "an unknown DID must resolve to None");
    for (did, expected) in [(known, true), (unknown, false)] {
        let exists = resolver
            .exists(did)
            .await
            .expect("asking whether a DID exists must not fail here");
        assert_eq!(exists, expected, "exists({did}) must agree with resolve");
    }
}
