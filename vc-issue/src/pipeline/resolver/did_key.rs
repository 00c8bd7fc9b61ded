//! `did:key` resolution: the document is derived from the DID itself.

use async_trait::async_trait;
use vc_core::{Did, DidDocument, DidKey};

use super::{DidResolver, ResolvedDid};
use crate::host_error::HostError;

/// Resolves `did:key` DIDs (Ed25519 and P-256) without I/O; any other method is "not found".
#[derive(Debug, Clone, Copy, Default)]
pub struct DidKeyResolver;

impl DidKeyResolver {
    /// Whether `did` is a `did:key` with a usable key, without building its document.
    pub fn exists_now(did: &Did) -> bool {
        did.method() == "key" && DidKey::from_did(did).is_ok()
    }

    /// Resolves synchronously (`did:key` never needs I/O).
    pub fn resolve_now(did: &Did) -> Option<ResolvedDid> {
        if did.method() != "key" {
            return None;
        }
        let key = DidKey::from_did(did).ok()?;
        Some(ResolvedDid::active(DidDocument::from(&key)))
    }
}

#[async_trait]
impl DidResolver for DidKeyResolver {
    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        Ok(Self::resolve_now(did))
    }

    async fn exists(&self, did: &Did) -> Result<bool, HostError> {
        Ok(Self::exists_now(did))
    }
}
