//! The conformance suite for [`Authorizer`] implementations (OAuth2 introspection, mTLS
//! identities, API keys; feature `http`).
//!
//! ```
//! use axum::http::{header::AUTHORIZATION, HeaderMap, HeaderValue};
//! use vc_issue::http::BearerTokens;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut accepted = HeaderMap::new();
//! accepted.insert(AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
//! let tokens = BearerTokens::new(["s3cret"]);
//! vc_issue::testing::authorizer::check_authorizer(&tokens, &accepted).await?;
//! # Ok(()) }
//! ```

use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};

use super::failure::{conform, ConformanceError};
use crate::http::Authorizer;

/// Checks that `authorizer` lets `accepted` (headers of a caller it must admit) through, every
/// time, and refuses a request without credentials and one whose `Authorization` header is not
/// the accepted one.
pub async fn check_authorizer(
    authorizer: &dyn Authorizer,
    accepted: &HeaderMap,
) -> Result<(), ConformanceError> {
    for _ in 0..2 {
        conform!(
            "an accepted caller is let through, every time",
            authorizer.authorize(accepted).await.is_ok(),
            "refused"
        );
    }
    conform!(
        "a request without credentials is refused",
        authorizer.authorize(&HeaderMap::new()).await.is_err(),
        "let through"
    );
    let mut forged = accepted.clone();
    forged.insert(
        AUTHORIZATION,
        HeaderValue::from_static("Bearer not-the-accepted-token"),
    );
    conform!(
        "a request with another Authorization header is refused",
        forged == *accepted || authorizer.authorize(&forged).await.is_err(),
        "let through"
    );
    Ok(())
}
