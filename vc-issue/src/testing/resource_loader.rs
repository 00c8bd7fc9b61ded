//! Conformance checks that any [`ResourceLoader`] can run against itself: a directory of context
//! files for the issuer's `relatedResource` digests, an HTTP client with a cache for the
//! verifier's status lists.
//!
//! ```
//! use vc_issue::StaticResources;
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let url = "https://issuer.example/status-lists/revocation-1";
//! let loader = StaticResources::new();
//! loader.insert(url, b"{\"id\": \"list\"}".to_vec());
//! vc_issue::testing::resource_loader::check_resource_loader(
//!     &loader,
//!     url,
//!     b"{\"id\": \"list\"}",
//!     "https://issuer.example/status-lists/revocation-2",
//! )
//! .await?;
//! # Ok(()) }
//! ```

use futures::future::join_all;

use super::failure::{conform_eq, At, ConformanceError};
use crate::pipeline::related_resources::ResourceLoader;

/// Checks that `loader` hands back the bytes at `known_url` exactly as `known_bytes` (the
/// verifier checks a signature over them and the issuer a digest: not a byte may change), the
/// same to repeated and concurrent calls, and answers `Ok(None)` (not an error, not another
/// resource's bytes) for `unknown_url`, which it does not hold; and that a miss changes nothing.
pub async fn check_resource_loader(
    loader: &dyn ResourceLoader,
    known_url: &str,
    known_bytes: &[u8],
    unknown_url: &str,
) -> Result<(), ConformanceError> {
    const KNOWN: &str = "the bytes at a known url are handed back unchanged";
    let bytes = loader.load(known_url).await.at(KNOWN)?;
    conform_eq!(KNOWN, bytes.as_deref(), Some(known_bytes));

    const REPEATED: &str = "a second load of a known url gets the same bytes";
    let bytes = loader.load(known_url).await.at(REPEATED)?;
    conform_eq!(REPEATED, bytes.as_deref(), Some(known_bytes));

    const CONCURRENT: &str = "concurrent loads of one url all get the bytes";
    let loads = join_all((0..8).map(|_| loader.load(known_url))).await;
    for load in loads {
        conform_eq!(
            CONCURRENT,
            load.at(CONCURRENT)?.as_deref(),
            Some(known_bytes)
        );
    }

    const UNKNOWN: &str = "an unknown url is Ok(None)";
    let missing = loader.load(unknown_url).await.at(UNKNOWN)?;
    conform_eq!(UNKNOWN, missing.as_deref(), None::<&[u8]>);

    const AFTER: &str = "a miss changes nothing for the known url";
    let bytes = loader.load(known_url).await.at(AFTER)?;
    conform_eq!(AFTER, bytes.as_deref(), Some(known_bytes));
    Ok(())
}
