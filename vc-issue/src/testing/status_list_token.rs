//! Conformance checks that any [`StatusListTokenLoader`] (feature `sd-jwt`) can run against
//! itself: an HTTP client with a cache, a store of fetched tokens.
//!
//! ```
//! use vc_issue::sd_jwt::StaticStatusListTokens;
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let uri = "https://issuer.example/statuslists/1";
//! let loader = StaticStatusListTokens::new().with(uri, "eyJ0eXAiOiJzdGF0dXNsaXN0K2p3dCJ9.e30.c2ln");
//! vc_issue::testing::status_list_token::check_status_list_token_loader(
//!     &loader,
//!     uri,
//!     "eyJ0eXAiOiJzdGF0dXNsaXN0K2p3dCJ9.e30.c2ln",
//!     "https://issuer.example/statuslists/2",
//! )
//! .await?;
//! # Ok(()) }
//! ```

use futures::future::join_all;

use super::failure::{conform, conform_eq, At, ConformanceError};
use crate::host_error::HostErrorKind;
use crate::sd_jwt::StatusListTokenLoader;

/// Checks that `loader` hands back the token served at `known_uri` exactly as `known_token`
/// (the verifier checks its signature: not a byte may change), the same to concurrent calls, and
/// says [`HostErrorKind::NotFound`] (not `Unavailable`, not another list's token) for
/// `unknown_uri`, which the verifier reports as an invalid reference rather than an unknown
/// status.
pub async fn check_status_list_token_loader(
    loader: &dyn StatusListTokenLoader,
    known_uri: &str,
    known_token: &str,
    unknown_uri: &str,
) -> Result<(), ConformanceError> {
    const KNOWN: &str = "the token served at a known uri is handed back unchanged";
    let token = loader.load(known_uri).await.at(KNOWN)?;
    conform_eq!(KNOWN, token.as_str(), known_token);

    const CONCURRENT: &str = "concurrent loads of one uri all get the token";
    let loads = join_all((0..8).map(|_| loader.load(known_uri))).await;
    for load in loads {
        conform_eq!(CONCURRENT, load.at(CONCURRENT)?.as_str(), known_token);
    }

    const UNKNOWN: &str = "an unknown uri is NotFound";
    match loader.load(unknown_uri).await {
        Ok(token) => {
            return Err(ConformanceError::contract(
                UNKNOWN,
                format!("a token for {unknown_uri}: {token:.40}"),
            ))
        }
        Err(error) => conform!(
            UNKNOWN,
            error.kind() == HostErrorKind::NotFound,
            "expected NotFound, got {:?}",
            error.kind()
        ),
    }

    const AFTER: &str = "a miss changes nothing for the known uri";
    let token = loader.load(known_uri).await.at(AFTER)?;
    conform_eq!(AFTER, token.as_str(), known_token);
    Ok(())
}
