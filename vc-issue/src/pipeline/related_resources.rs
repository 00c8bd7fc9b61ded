//! `relatedResource` digests checked before signing, for the resources the issuer can read
//! without the network.
//!
//! VC Data Model 2.0 section 5.3 lets an issuer pin a resource (a JSON-LD context, an image, a
//! PDF) by digest. An issuer that signs a digest it could have checked, and didn't, vouches for a
//! resource it never looked at: so for every `relatedResource` whose bytes the host's
//! [`ResourceLoader`] holds, every digest must match (`RELATED_RESOURCE_DIGEST_MISMATCH`
//! otherwise). A resource the loader does not hold is signed as given: the issuer asserts the
//! digest, as the data model allows. The shape of each entry is the data model's own rule,
//! checked by [`Credential::validate`](vc_core::Credential::validate).
//!
//! Nothing is fetched: the issuer must not make requests on a caller's behalf to URLs the caller
//! chose. The bundled JSON-LD contexts are not served here either: they are kept parsed, not as
//! the bytes their publishers hash, so a host that wants context digests checked registers the
//! context files it ships with [`StaticResources`].

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use vc_core::related_resource::related_resources;
use vc_core::Credential;

use crate::error::IssueError;
use crate::host_error::HostError;

/// Gets a document by URL: the host's one way for this crate to read a resource.
///
/// Two parts of the crate use it. The issuer checks `relatedResource` digests against what it
/// returns, and gives it a loader without the network (a directory of context files, a content
/// store): it must not make requests to URLs a caller chose. The verifier
/// ([`CredentialVerifier::with_status_loader`](crate::CredentialVerifier::with_status_loader))
/// fetches status list credentials with it: there, a loader over HTTP(S) with a cache and the
/// host's rules on which hosts it may reach.
///
/// The contract, which `testing::resource_loader` (feature `testing`) checks: `Ok(Some(bytes))` is
/// exactly the bytes at `url`, the same on every call until the resource changes;
/// `Ok(None)` says the loader holds nothing at `url` (a `404`), and is not an error;
/// [`HostError::unavailable`] says it cannot reach `url` now. Either of the last two leaves a
/// status unknown (`STATUS_LIST_UNAVAILABLE`), never revoked. Object-safe; hold it as
/// `Arc<dyn ResourceLoader>`.
#[async_trait]
pub trait ResourceLoader: Send + Sync + fmt::Debug + 'static {
    /// The bytes at `url`, or `None` when this loader does not hold that resource.
    async fn load(&self, url: &str) -> Result<Option<Arc<[u8]>>, HostError>;
}

/// A [`ResourceLoader`] over resources the host registers: the reference implementation (and a
/// verifier's loader for status lists it already holds, or in tests).
#[derive(Debug, Default)]
pub struct StaticResources {
    resources: RwLock<HashMap<String, Arc<[u8]>>>,
}

impl StaticResources {
    /// No resources yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) the bytes of `url`.
    pub fn insert(&self, url: impl Into<String>, bytes: impl Into<Arc<[u8]>>) {
        // Each critical section is one insert or lookup: a poisoned lock holds no broken state.
        self.resources
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(url.into(), bytes.into());
    }
}

#[async_trait]
impl ResourceLoader for StaticResources {
    async fn load(&self, url: &str) -> Result<Option<Arc<[u8]>>, HostError> {
        Ok(self
            .resources
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(url)
            .cloned())
    }
}

/// Checks every `relatedResource` of `credential` that `loader` holds against its digests.
pub(crate) async fn check_related_resources(
    credential: &Credential,
    loader: &dyn ResourceLoader,
) -> Result<(), IssueError> {
    for (pointer, resource) in related_resources(credential) {
        let bytes = match loader.load(&resource.id).await {
            Ok(bytes) => bytes,
            Err(e) => return Err(IssueError::resource_loader(e)),
        };
        if let Some(bytes) = bytes {
            if !resource.matches(&bytes) {
                return Err(IssueError::RelatedResourceDigestMismatch {
                    id: resource.id,
                    pointer,
                });
            }
        }
    }
    Ok(())
}
