//! Conformance checks that any [`DidResolver`] implementation can run against itself.
//!
//! ```
//! use vc_issue::{DidKeyResolver, Ed25519Signer};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let known = Ed25519Signer::generate().did();
//! let unknown = vc_core::Did::parse("did:example:nobody")?;
//! vc_issue::testing::resolver::check_resolver(&DidKeyResolver, &known, &unknown).await?;
//! # Ok(()) }
//! ```

use vc_core::Did;

use super::failure::{conform_eq, At, ConformanceError};
use crate::pipeline::resolver::*;

/// Checks that `resolver` resolves `known` to a document whose `id` is that DID, answers
/// `Ok(None)` (not an error) for `unknown`, and that `exists` agrees with `resolve`.
pub async fn check_resolver(
    resolver: &dyn DidResolver,
    known: &Did,
    unknown: &Did,
) -> Result<(), ConformanceError> {
    const KNOWN: &str = "a known DID resolves to its document";
    let resolved = resolver
        .resolve(known)
        .await
        .at(KNOWN)?
        .ok_or_else(|| ConformanceError::contract(KNOWN, format!("nothing for {known}")))?;
    conform_eq!(KNOWN, resolved.document.id.as_str(), known.as_str());

    const UNKNOWN: &str = "an unknown DID resolves to Ok(None)";
    let missing = resolver.resolve(unknown).await.at(UNKNOWN)?;
    conform_eq!(UNKNOWN, missing.map(|r| r.document.id), None::<String>);

    const EXISTS: &str = "exists agrees with resolve";
    for (did, expected) in [(known, true), (unknown, false)] {
        let exists = resolver.exists(did).await.at(EXISTS)?;
        conform_eq!(EXISTS, (did.as_str(), exists), (did.as_str(), expected));
    }
    Ok(())
}
