//! Who may call the authenticated endpoints (creating and reading exchanges, issuing, status
//! changes).

use std::collections::BTreeSet;
use std::fmt;

use async_trait::async_trait;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use super::instance::InstanceId;

/// The caller could not be authenticated. Deliberately carries no reason: the response is the
/// same 401 whether the token is missing, malformed or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("authentication required")]
pub struct Unauthorized;

/// Who an authenticated caller is, and which issuer instances it may act for: every instance the
/// router serves, or only some (a tenant's token limited to its own instances).
///
/// The default instance (the bare routes) is named [`InstanceId::DEFAULT`]; a principal limited
/// to other instances gets `403 INSTANCE_FORBIDDEN` there too. Its [`name`](Self::name), when the
/// authorizer gives one (a token's owner, an OAuth `sub`, a certificate's subject), is recorded
/// on the tickets it decides on (see [`approvals`](super::approvals)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    instances: Option<BTreeSet<InstanceId>>,
    name: Option<String>,
}

impl Principal {
    /// May act for every instance.
    pub fn any_instance() -> Self {
        Self {
            instances: None,
            name: None,
        }
    }

    /// May act for these instances only.
    pub fn instances(instances: impl IntoIterator<Item = InstanceId>) -> Self {
        Self {
            instances: Some(instances.into_iter().collect()),
            name: None,
        }
    }

    /// The same principal, named `name` (who it is, for the records it leaves).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Who the caller is, when the authorizer said.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether the principal may act for `instance`.
    pub fn may_act_for(&self, instance: &InstanceId) -> bool {
        self.instances
            .as_ref()
            .is_none_or(|allowed| allowed.contains(instance))
    }
}

/// Decides whether a request to an authenticated endpoint may proceed, and for whom.
///
/// Hosts implement this for their own scheme (OAuth2 introspection, mTLS identities, API keys);
/// [`BearerTokens`] is the reference implementation.
#[async_trait]
pub trait Authorizer: Send + Sync + fmt::Debug + 'static {
    /// Authenticates the request by its headers and says which issuer instances the caller may
    /// act for.
    async fn authorize(&self, headers: &HeaderMap) -> Result<Principal, Unauthorized>;
}

/// OAuth2 bearer access tokens checked against a configured set, each for every issuer instance
/// or for some.
///
/// Only SHA-256 digests of the tokens are kept, and every comparison runs in constant time over
/// the whole set, so neither a memory dump nor response timing reveals a token.
#[derive(Clone, Default)]
pub struct BearerTokens {
    tokens: Vec<([u8; 32], Principal)>,
}

impl BearerTokens {
    /// Accepts any of `tokens`, for every instance.
    pub fn new<I, S>(tokens: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let tokens = tokens
            .into_iter()
            .map(|t| (digest(t.as_ref()), Principal::any_instance()))
            .collect();
        Self { tokens }
    }

    /// Also accepts `token`, for `instances` only.
    #[must_use]
    pub fn with_token_for(
        mut self,
        token: impl AsRef<str>,
        instances: impl IntoIterator<Item = InstanceId>,
    ) -> Self {
        self.tokens
            .push((digest(token.as_ref()), Principal::instances(instances)));
        self
    }

    /// Also accepts `token`, as `principal` (named, limited to some instances, or both).
    #[must_use]
    pub fn with_principal(mut self, token: impl AsRef<str>, principal: Principal) -> Self {
        self.tokens.push((digest(token.as_ref()), principal));
        self
    }

    fn principal(&self, token: &str) -> Option<Principal> {
        let candidate = digest(token);
        // Look at every entry instead of returning at the first match; the position of the match
        // is selected in constant time too.
        let mut found = subtle::Choice::from(0);
        let mut position = 0u64;
        for (i, (known, _)) in self.tokens.iter().enumerate() {
            let hit = known.ct_eq(&candidate);
            position = u64::conditional_select(&position, &(i as u64), hit & !found);
            found |= hit;
        }
        let found: bool = found.into();
        let position = usize::try_from(position).ok()?;
        found
            .then(|| self.tokens.get(position).map(|(_, p)| p.clone()))
            .flatten()
    }
}

impl fmt::Debug for BearerTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerTokens")
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

#[async_trait]
impl Authorizer for BearerTokens {
    async fn authorize(&self, headers: &HeaderMap) -> Result<Principal, Unauthorized> {
        let value = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(Unauthorized)?;
        let token = bearer_token(value).ok_or(Unauthorized)?;
        self.principal(token).ok_or(Unauthorized)
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

    #[tokio::test]
    async fn a_limited_token_acts_for_its_instances_only() {
        let tenant = InstanceId::new("tenant-a").unwrap();
        let other = InstanceId::new("tenant-b").unwrap();
        let auth = BearerTokens::new(["admin"]).with_token_for("t-a", [tenant.clone()]);
        let admin = auth.authorize(&headers("Bearer admin")).await.unwrap();
        assert!(admin.may_act_for(&tenant) && admin.may_act_for(&other));
        let limited = auth.authorize(&headers("Bearer t-a")).await.unwrap();
        assert!(limited.may_act_for(&tenant));
        assert!(!limited.may_act_for(&other));
        assert!(!limited.may_act_for(&InstanceId::DEFAULT));
        assert!(auth.authorize(&headers("Bearer t-b")).await.is_err());
    }

    #[tokio::test]
    async fn a_token_names_its_principal() {
        let auth = BearerTokens::new(["anonymous"])
            .with_principal("r-1", Principal::any_instance().named("registrar"));
        let named = auth.authorize(&headers("Bearer r-1")).await.unwrap();
        assert_eq!(named.name(), Some("registrar"));
        assert!(named.may_act_for(&InstanceId::DEFAULT));
        let anonymous = auth.authorize(&headers("Bearer anonymous")).await.unwrap();
        assert_eq!(anonymous.name(), None);
    }
}
