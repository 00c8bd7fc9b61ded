//! Who may call the authenticated endpoints (creating and reading exchanges, issuing, status
//! changes).

use std::fmt;

use async_trait::async_trait;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The caller could not be authenticated. Deliberately carries no reason: the response is the
/// same 401 whether the token is missing, malformed or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("authentication required")]
pub struct Unauthorized;

/// Decides whether a request to an authenticated endpoint may proceed.
///
/// Hosts implement this for their own scheme (OAuth2 introspection, mTLS identities, API keys);
/// [`BearerTokens`] is the reference implementation.
#[async_trait]
pub trait Authorizer: Send + Sync + fmt::Debug + 'static {
    /// Checks the request's headers.
    async fn authorize(&self, headers: &HeaderMap) -> Result<(), Unauthorized>;
}

/// OAuth2 bearer access tokens checked against a configured set.
///
/// Only SHA-256 digests of the tokens are kept, and every comparison runs in constant time over
/// the whole set, so neither a memory dump nor response timing reveals a token.
#[derive(Clone, Default)]
pub struct BearerTokens {
    digests: Vec<[u8; 32]>,
}

impl BearerTokens {
    /// Accepts any of `tokens`.
    pub fn new<I, S>(tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let digests = tokens.into_iter().map(|t| digest(t.as_ref())).collect();
        Self { digests }
    }

    fn accepts(&self, token: &str) -> bool {
        let candidate = digest(token);
        // Fold over every entry instead of returning at the first match.
        self.digests
            .iter()
            .fold(subtle::Choice::from(0), |found, known| {
                found | known.ct_eq(&candidate)
            })
            .into()
    }
}

impl fmt::Debug for BearerTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerTokens")
            .field("tokens", &self.digests.len())
            .finish()
    }
}

#[async_trait]
impl Authorizer for BearerTokens {
    async fn authorize(&self, headers: &HeaderMap) -> Result<(), Unauthorized> {
        let value = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(Unauthorized)?;
        let token = bearer_token(value).ok_or(Unauthorized)?;
        if self.accepts(token) {
            Ok(())
        } else {
            Err(Unauthorized)
        }
    }
}

/// The token of an `Authorization: Bearer <token>` value; the scheme is case-insensitive
/// (RFC 9110 section 11.1).
pub(crate) fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::AUTHORIZATION,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[tokio::test]
    async fn accepts_only_configured_tokens() {
        let auth = BearerTokens::new(["s3cret", "other"]);
        assert!(auth.authorize(&headers("Bearer s3cret")).await.is_ok());
        assert!(auth.authorize(&headers("bearer other")).await.is_ok());
        assert!(auth.authorize(&headers("Bearer wrong")).await.is_err());
        assert!(auth.authorize(&headers("Basic s3cret")).await.is_err());
        assert!(auth.authorize(&headers("Bearer ")).await.is_err());
        assert!(auth.authorize(&HeaderMap::new()).await.is_err());
        assert!(!format!("{auth:?}").contains("s3cret"));
    }
}
