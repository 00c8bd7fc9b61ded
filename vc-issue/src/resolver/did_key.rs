//! `did:key` resolution: the document is derived from the DID itself.

use async_trait::async_trait;
use vc_core::{Did, DidDocument, DidKey};

use super::{DidResolver, ResolvedDid};
use crate::error::BoxError;

/// Resolves `did:key` DIDs (Ed25519 and P-256) without I/O; any other method is "not found".
#[derive(Debug, Clone, Copy, Default)]
pub struct DidKeyResolver;

impl DidKeyResolver {
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
    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, BoxError> {
        Ok(Self::resolve_now(did))
    }
}
