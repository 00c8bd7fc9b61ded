//! The pickup service: makes links, redeems tokens.

use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;
use vc_core::{Clock, SystemClock};

use super::error::PickupError;
use super::store::{PickupRecord, PickupStore};
use super::token::{PickupToken, TokenDigest};
use crate::pipeline::request::IssuedCredential;

/// The longest time to live [`PickupService::create_pickup`] accepts unless configured otherwise
/// (7 days): a pickup link is meant to be used soon, and a short life bounds what a leaked link
/// can do.
pub const DEFAULT_MAX_TTL: time::Duration = time::Duration::days(7);

/// The path of the redeem endpoint, relative to the service's base URL.
pub(crate) const PICKUP_PATH: &str = "/credentials/pickup";

/// Creates one-time pickup links and redeems their tokens. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PickupService {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Arc<dyn PickupStore>,
    endpoint: String,
    clock: Arc<dyn Clock>,
    max_ttl: time::Duration,
}

/// What [`PickupService::create_pickup`] returns: the token, the link that carries it, and when it
/// expires. `Debug` redacts the token and the link.
#[derive(Clone)]
pub struct PickupLink {
    token: PickupToken,
    url: String,
    expires_at: OffsetDateTime,
}

impl PickupLink {
    /// The token.
    pub fn token(&self) -> &PickupToken {
        &self.token
    }

    /// The link for the holder: `<base>/credentials/pickup#token=<token>`. It contains the token:
    /// hand it only to the holder, never log it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// When the token stops working.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

impl fmt::Debug for PickupLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PickupLink")
            .field("token", &self.token)
            .field("url", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl PickupService {
    /// A service over `store` whose links point at `base_url` (the public URL the router is
    /// mounted at, e.g. `https://issuer.example`; an absolute `http` or `https` URL without query
    /// or fragment).
    pub fn new(store: Arc<dyn PickupStore>, base_url: &str) -> Result<Self, PickupError> {
        let endpoint = format!("{}{PICKUP_PATH}", normalize_base_url(base_url)?);
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                endpoint,
                clock: Arc::new(SystemClock),
                max_ttl: DEFAULT_MAX_TTL,
            }),
        })
    }

    /// Replaces the clock (the system clock by default), so expiry can be tested without sleeping.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        self.rebuild(|inner| inner.clock = clock)
    }

    /// Replaces the longest accepted time to live ([`DEFAULT_MAX_TTL`] by default).
    pub fn with_max_ttl(self, max_ttl: time::Duration) -> Result<Self, PickupError> {
        if !max_ttl.is_positive() {
            return Err(PickupError::Config {
                reason: "the maximum ttl must be positive",
            });
        }
        Ok(self.rebuild(|inner| inner.max_ttl = max_ttl))
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Inner {
            store: self.inner.store.clone(),
            endpoint: self.inner.endpoint.clone(),
            clock: self.inner.clock.clone(),
            max_ttl: self.inner.max_ttl,
        };
        change(&mut inner);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn PickupStore> {
        &self.inner.store
    }

    /// The redeem endpoint (`<base>/credentials/pickup`).
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// Stores `credential` for pickup and returns a fresh token and its link, valid for `ttl`.
    pub async fn create_pickup(
        &self,
        credential: IssuedCredential,
        ttl: time::Duration,
    ) -> Result<PickupLink, PickupError> {
        if !ttl.is_positive() {
            return Err(PickupError::InvalidTtl {
                reason: "the ttl must be positive",
            });
        }
        if ttl > self.inner.max_ttl {
            return Err(PickupError::InvalidTtl {
                reason: "the ttl is longer than the service allows",
            });
        }
        let token = PickupToken::generate()?;
        let expires_at = self.inner.clock.now() + ttl;
        let record = PickupRecord::new(token.digest(), credential, expires_at);
        self.inner.store.insert(&record).await?;
        let url = format!("{}#token={}", self.inner.endpoint, token.expose());
        Ok(PickupLink {
            token,
            url,
            expires_at,
        })
    }

    /// The credential of `token`, once: `None` for a token that was used, expired or never
    /// existed (deliberately indistinguishable).
    pub async fn redeem(&self, token: &str) -> Result<Option<IssuedCredential>, PickupError> {
        let Some(digest) = TokenDigest::of_presented(token) else {
            return Ok(None);
        };
        Ok(self
            .inner
            .store
            .take(&digest, self.inner.clock.now())
            .await?)
    }

    /// Removes expired pickups from the store; returns how many. Run it now and then: expired
    /// pickups are otherwise removed only when someone presents their token.
    pub async fn purge_expired(&self) -> Result<u64, PickupError> {
        Ok(self
            .inner
            .store
            .purge_expired(self.inner.clock.now())
            .await?)
    }
}

/// `base_url` without a trailing `/`, after checking it is an absolute http(s) URL without query
/// or fragment.
pub(crate) fn normalize_base_url(base_url: &str) -> Result<String, PickupError> {
    let bad = |reason| PickupError::Config { reason };
    let parsed = url::Url::parse(base_url).map_err(|_| bad("the base URL is not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(bad("the base URL must be an absolute http or https URL"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad("the base URL must not have a query or fragment"));
    }
    Ok(base_url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pickup::MemoryPickupStore;
    use time::macros::datetime;
    use vc_core::FixedClock;

    fn credential() -> IssuedCredential {
        IssuedCredential::Jwt("header.payload.signature".into())
    }

    #[tokio::test]
    async fn a_token_works_once_and_not_after_expiry() {
        let clock = Arc::new(FixedClock::new(datetime!(2025-01-01 00:00 UTC)));
        let service = PickupService::new(Arc::new(MemoryPickupStore::new()), "https://i.example/")
            .unwrap()
            .with_clock(clock.clone());
        assert_eq!(service.endpoint(), "https://i.example/credentials/pickup");

        let link = service
            .create_pickup(credential(), time::Duration::minutes(5))
            .await
            .unwrap();
        assert!(!format!("{link:?}").contains(link.token().expose()));
        assert_eq!(link.expires_at(), datetime!(2025-01-01 00:05 UTC));
        let token = link.token().expose().to_owned();
        assert_eq!(service.redeem(&token).await.unwrap(), Some(credential()));
        assert_eq!(service.redeem(&token).await.unwrap(), None);

        let link = service
            .create_pickup(credential(), time::Duration::minutes(5))
            .await
            .unwrap();
        clock.advance(time::Duration::minutes(5));
        assert_eq!(service.redeem(link.token().expose()).await.unwrap(), None);
        assert_eq!(service.redeem("unknown").await.unwrap(), None);
    }

    #[tokio::test]
    async fn ttl_and_base_url_are_checked() {
        let store = Arc::new(MemoryPickupStore::new());
        for bad in [
            "not a url",
            "ftp://x.example",
            "https://x.example/?q=1",
            "https://x.example/#f",
        ] {
            let err = PickupService::new(store.clone(), bad).unwrap_err();
            assert_eq!(err.code(), "PICKUP_CONFIGURATION", "{bad}");
        }
        let service = PickupService::new(store, "http://127.0.0.1:8080").unwrap();
        for ttl in [time::Duration::ZERO, time::Duration::days(8)] {
            let err = service.create_pickup(credential(), ttl).await.unwrap_err();
            assert_eq!(err.code(), "PICKUP_TTL_INVALID");
        }
        assert!(service.clone().with_max_ttl(time::Duration::ZERO).is_err());
    }
}
