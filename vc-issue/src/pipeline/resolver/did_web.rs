//! `did:web` resolution over HTTPS (feature `did-web`): the DID names a web server, whose
//! `did.json` is the document.
//!
//! What a resolver that fetches documents named by its callers must not do is fetch anything a
//! caller names: a holder DID is caller input, so `did:web:169.254.169.254` (a cloud metadata
//! service) or `did:web:localhost%3A5432` would make the issuer a proxy into its own network.
//! [`DidWebResolver`] therefore connects only to public addresses (checked on the addresses DNS
//! answers, so a public name that resolves to a private address is refused too), unless the host
//! allows private ones; follows no redirects; reads at most
//! [`max_document_bytes`](DidWebResolverBuilder::max_document_bytes) with a time limit; and
//! caches what it resolved (documents and "not found") for a while.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::StatusCode;
use vc_core::parse::{parse_value, ParseLimits};
use vc_core::{Did, DidDocument};

use super::{DidResolver, ResolvedDid};
use crate::host_error::{HostError, HostErrorKind};

/// Resolves `did:web` DIDs over HTTPS, with limits; any other method is "not found". A `404` or
/// `410` is "not found"; a document whose `id` is not the DID is refused.
///
/// A holder DID is caller input, so `did:web:169.254.169.254` (a cloud metadata service) or
/// `did:web:localhost%3A5432` would make the issuer a proxy into its own network: the resolver
/// connects only to public addresses (checked on what DNS answers, so a public name pointing at a
/// private address is refused too) unless
/// [`allow_private_addresses`](DidWebResolverBuilder::allow_private_addresses) says otherwise,
/// follows no redirects, reads at most
/// [`max_document_bytes`](DidWebResolverBuilder::max_document_bytes) within a
/// [`timeout`](DidWebResolverBuilder::timeout), and caches documents and "not found" for
/// [`cache_ttl`](DidWebResolverBuilder::cache_ttl) (errors are not cached).
///
/// ```
/// # fn f() -> Result<(), vc_issue::HostError> {
/// use std::time::Duration;
/// use vc_issue::pipeline::resolver::DidWebResolver;
///
/// let resolver = DidWebResolver::builder()
///     .timeout(Duration::from_secs(3))
///     .cache_ttl(Duration::from_secs(600))
///     .build()?;
/// # let _ = resolver; Ok(()) }
/// ```
#[derive(Debug)]
pub struct DidWebResolver {
    client: reqwest::Client,
    max_bytes: usize,
    ttl: Duration,
    max_cached: usize,
    allow_private: bool,
    cache: Mutex<HashMap<String, (Instant, Option<ResolvedDid>)>>,
}

/// Builds a [`DidWebResolver`].
#[derive(Debug, Clone)]
#[must_use]
pub struct DidWebResolverBuilder {
    timeout: Duration,
    max_bytes: usize,
    ttl: Duration,
    max_cached: usize,
    allow_private: bool,
    roots: Vec<Vec<u8>>,
}

impl Default for DidWebResolverBuilder {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_bytes: 64 * 1024,
            ttl: Duration::from_secs(300),
            max_cached: 4096,
            allow_private: false,
            roots: Vec::new(),
        }
    }
}

impl DidWebResolverBuilder {
    /// The longest a resolution may take, connection and body included (5 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest document read, in bytes (64 KiB by default); a larger one is refused.
    pub fn max_document_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// How long a resolution (a document, or "not found") is reused (5 min by default; zero
    /// caches nothing). A rotated key is seen this much later.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The most DIDs cached at once (4096 by default).
    pub fn max_cached(mut self, entries: usize) -> Self {
        self.max_cached = entries;
        self
    }

    /// Lets the resolver connect to private, loopback and link-local addresses (off by default):
    /// for an intranet's own `did:web` servers, and tests.
    pub fn allow_private_addresses(mut self, allow: bool) -> Self {
        self.allow_private = allow;
        self
    }

    /// Trusts this root certificate (DER) besides the public web's roots: a private CA, or a
    /// test's self-signed certificate.
    pub fn add_root_certificate_der(mut self, der: &[u8]) -> Self {
        self.roots.push(der.to_vec());
        self
    }

    /// Builds the resolver and its HTTPS client.
    pub fn build(self) -> Result<DidWebResolver, HostError> {
        let mut client = reqwest::Client::builder()
            .https_only(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .dns_resolver(Arc::new(CheckedDns {
                allow_private: self.allow_private,
            }));
        for der in &self.roots {
            client = client.add_root_certificate(
                reqwest::Certificate::from_der(der).map_err(HostError::internal)?,
            );
        }
        Ok(DidWebResolver {
            client: client.build().map_err(HostError::internal)?,
            max_bytes: self.max_bytes,
            ttl: self.ttl,
            max_cached: self.max_cached,
            allow_private: self.allow_private,
            cache: Mutex::new(HashMap::new()),
        })
    }
}

/// Why a `did:web` resolution was refused (as a [`HostError`]'s source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DidWebError {
    /// The DID does not name a usable HTTPS URL.
    #[error("the did:web DID does not name a usable URL")]
    BadDid,
    /// The server's address is private, loopback or link-local, and the resolver does not allow
    /// those.
    #[error("{host} is not a public address")]
    PrivateAddress {
        /// The host or address.
        host: String,
    },
    /// The document is larger than the limit.
    #[error("the DID document is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The server answered with a status that is neither a document nor "not found".
    #[error("the server answered {status}")]
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// The document is not a DID document of this DID.
    #[error("the DID document is not valid: {reason}")]
    BadDocument {
        /// What is wrong.
        reason: String,
    },
}

impl DidWebResolver {
    /// Starts building.
    pub fn builder() -> DidWebResolverBuilder {
        DidWebResolverBuilder::default()
    }

    /// The URL of `did`'s document (`did:web:example.com` → `https://example.com/.well-known/did.json`,
    /// `did:web:example.com:issuers:1` → `https://example.com/issuers/1/did.json`).
    pub fn document_url(did: &Did) -> Result<url::Url, DidWebError> {
        if did.method() != "web" {
            return Err(DidWebError::BadDid);
        }
        let mut parts = did.method_specific_id().split(':');
        let host = parts
            .next()
            .unwrap_or_default()
            .replace("%3A", ":")
            .replace("%3a", ":");
        let path: Vec<&str> = parts.collect();
        let bad =
            |s: &str| s.is_empty() || s == "." || s == ".." || s.contains(['/', '?', '#', '\\']);
        if host.is_empty()
            || host.contains(['/', '?', '#', '@', '\\', '%'])
            || path.iter().any(|s| bad(s))
        {
            return Err(DidWebError::BadDid);
        }
        let path = if path.is_empty() {
            "/.well-known/did.json".to_owned()
        } else {
            format!("/{}/did.json", path.join("/"))
        };
        let url =
            url::Url::parse(&format!("https://{host}{path}")).map_err(|_| DidWebError::BadDid)?;
        if url.scheme() != "https" || url.host().is_none() {
            return Err(DidWebError::BadDid);
        }
        Ok(url)
    }

    fn cache(&self) -> MutexGuard<'_, HashMap<String, (Instant, Option<ResolvedDid>)>> {
        // Every update is one insert or remove: a poisoned map is whole.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cached(&self, did: &Did) -> Option<Option<ResolvedDid>> {
        let cache = self.cache();
        let (at, resolved) = cache.get(did.as_str())?;
        (at.elapsed() < self.ttl).then(|| resolved.clone())
    }

    fn remember(&self, did: &Did, resolved: &Option<ResolvedDid>) {
        if self.ttl.is_zero() || self.max_cached == 0 {
            return;
        }
        let mut cache = self.cache();
        if cache.len() >= self.max_cached {
            let ttl = self.ttl;
            cache.retain(|_, (at, _)| at.elapsed() < ttl);
            if cache.len() >= self.max_cached {
                if let Some(key) = cache.keys().next().cloned() {
                    cache.remove(&key);
                }
            }
        }
        cache.insert(did.to_string(), (Instant::now(), resolved.clone()));
    }

    async fn fetch(&self, did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        let refused = |e: DidWebError| HostError::with_source(HostErrorKind::Refused, e);
        let url = Self::document_url(did).map_err(refused)?;
        if let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = url.host() {
            let ip: Option<IpAddr> = match url.host() {
                Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
                Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
                _ => None,
            };
            if ip.is_some_and(|ip| !self.allow_private && !is_public(ip)) {
                return Err(refused(DidWebError::PrivateAddress {
                    host: url.host_str().unwrap_or_default().to_owned(),
                }));
            }
        }
        let mut response = self
            .client
            .get(url)
            .header(
                reqwest::header::ACCEPT,
                "application/did+json, application/json",
            )
            .send()
            .await
            .map_err(HostError::unavailable)?;
        match response.status() {
            StatusCode::NOT_FOUND | StatusCode::GONE => return Ok(None),
            status if status.is_success() => {}
            status if status.is_server_error() => {
                return Err(HostError::unavailable(DidWebError::Status {
                    status: status.as_u16(),
                }))
            }
            status => {
                return Err(refused(DidWebError::Status {
                    status: status.as_u16(),
                }))
            }
        }
        let too_large = DidWebError::TooLarge {
            limit: self.max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes as u64)
        {
            return Err(refused(too_large));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(HostError::unavailable)? {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(refused(too_large));
            }
            body.extend_from_slice(&chunk);
        }
        let bad = |reason: String| refused(DidWebError::BadDocument { reason });
        let value = parse_value(&body, &ParseLimits::max_bytes(self.max_bytes))
            .map_err(|e| bad(e.to_string()))?;
        let document = DidDocument::from_value(value).map_err(|e| bad(e.to_string()))?;
        if document.id != did.as_str() {
            return Err(bad("its id is another DID".into()));
        }
        let deactivated = document
            .properties
            .get("deactivated")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        Ok(Some(if deactivated {
            ResolvedDid::deactivated(document)
        } else {
            ResolvedDid::active(document)
        }))
    }
}

#[async_trait]
impl DidResolver for DidWebResolver {
    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        if did.method() != "web" {
            return Ok(None);
        }
        if let Some(resolved) = self.cached(did) {
            return Ok(resolved);
        }
        let resolved = self.fetch(did).await?;
        self.remember(did, &resolved);
        Ok(resolved)
    }
}

/// DNS through the system resolver, keeping only the addresses the resolver may connect to.
#[derive(Debug)]
struct CheckedDns {
    allow_private: bool,
}

impl Resolve for CheckedDns {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(Box::new(DidWebError::PrivateAddress { host }) as _);
            }
            Ok::<Addrs, Box<dyn std::error::Error + Send + Sync>>(Box::new(found.into_iter()))
        })
    }
}

/// Whether `ip` is an address of the public internet (not private, loopback, link-local,
/// shared, documentation, multicast or unspecified).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let [first, second, ..] = a.octets();
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_broadcast()
                || a.is_documentation()
                || a.is_unspecified()
                || a.is_multicast()
                || first == 0
                // 100.64.0.0/10, carrier-grade NAT.
                || (first == 100 && second & 0xc0 == 64)
                // 198.18.0.0/15, benchmarking.
                || (first == 198 && second & 0xfe == 18))
        }
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = a.segments()[0];
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                // fc00::/7, unique local.
                || first & 0xfe00 == 0xfc00
                // fe80::/10, link-local.
                || first & 0xffc0 == 0xfe80
                // 2001:db8::/32, documentation.
                || (first == 0x2001 && a.segments()[1] == 0x0db8))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_method() {
        let url = |did: &str| {
            DidWebResolver::document_url(
                &Did::parse(did).unwrap_or_else(|_| Did::parse("did:x:y").unwrap()),
            )
            .map(|u| u.to_string())
        };
        assert_eq!(
            url("did:web:example.com").unwrap(),
            "https://example.com/.well-known/did.json"
        );
        assert_eq!(
            url("did:web:example.com%3A8443:issuers:1").unwrap(),
            "https://example.com:8443/issuers/1/did.json"
        );
        for bad in [
            "did:web:example.com::x",
            "did:web:example.com:..",
            "did:web:a%2Fb",
            "did:key:z6Mk",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
