//! An in-memory DID registry, with `did:key` built in.

use std::collections::HashMap;
use std::sync::RwLock;

use async_trait::async_trait;
use vc_core::{Did, DidDocument};

use super::{DidJwkResolver, DidKeyResolver, DidResolver, ResolvedDid};
use crate::host_error::HostError;

/// DIDs registered in memory (for tests, examples and single-process issuers), falling back to
/// `did:key` and `did:jwk` resolution for DIDs it does not hold.
#[derive(Debug, Default)]
pub struct InMemoryDidRegistry {
    documents: RwLock<HashMap<String, ResolvedDid>>,
}

impl InMemoryDidRegistry {
    /// An empty registry (still resolves `did:key`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) an active DID document under its `id`.
    pub fn insert(&self, document: DidDocument) {
        self.put(ResolvedDid::active(document));
    }

    /// Marks a DID as deactivated; it still resolves, with `deactivated` set. A `did:key` can be
    /// deactivated this way too (useful in tests).
    pub fn deactivate(&self, did: &Did) {
        let resolved = self.get(did).or_else(|| DidKeyResolver::resolve_now(did));
        if let Some(resolved) = resolved {
            self.put(ResolvedDid::deactivated(resolved.document));
        }
    }

    /// Removes a DID, so that it no longer resolves (unless it is a `did:key`).
    pub fn remove(&self, did: &Did) {
        self.write().remove(did.as_str());
    }

    fn put(&self, resolved: ResolvedDid) {
        self.write().insert(resolved.document.id.clone(), resolved);
    }

    fn get(&self, did: &Did) -> Option<ResolvedDid> {
        self.documents
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(did.as_str())
            .cloned()
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, ResolvedDid>> {
        // A panic while holding the lock cannot leave the map half-updated (single insert/remove).
        self.documents
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl DidResolver for InMemoryDidRegistry {
    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        Ok(self
            .get(did)
            .or_else(|| DidKeyResolver::resolve_now(did))
            .or_else(|| DidJwkResolver::resolve_now(did)))
    }

    async fn exists(&self, did: &Did) -> Result<bool, HostError> {
        let registered = self
            .documents
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains_key(did.as_str());
        Ok(registered
            || DidKeyResolver::exists_now(did)
            || DidJwkResolver::resolve_now(did).is_some())
    }
}
