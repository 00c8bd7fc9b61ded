//! DID resolution: the host's [`DidResolver`], and the reference implementations.

mod did_jwk;
mod did_key;
#[cfg(feature = "did-web")]
mod did_web;
mod memory;

use std::fmt::Debug;

use async_trait::async_trait;
use vc_core::{Did, DidDocument};

use crate::host_error::HostError;

pub use did_jwk::DidJwkResolver;
pub use did_key::DidKeyResolver;
#[cfg(feature = "did-web")]
pub use did_web::{DidWebError, DidWebResolver, DidWebResolverBuilder};
pub use memory::InMemoryDidRegistry;

/// The outcome of resolving a DID that exists.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResolvedDid {
    /// The DID document.
    pub document: DidDocument,
    /// Whether the DID has been deactivated (its document metadata says so).
    pub deactivated: bool,
}

impl ResolvedDid {
    /// An active DID with this document.
    pub fn active(document: DidDocument) -> Self {
        Self {
            document,
            deactivated: false,
        }
    }

    /// A deactivated DID with this (last) document.
    pub fn deactivated(document: DidDocument) -> Self {
        Self {
            document,
            deactivated: true,
        }
    }
}

/// Resolves DIDs to DID documents. Hosts implement it over their DID infrastructure (a ledger, a web
/// server for `did:web`, a universal resolver); `did:key` and `did:jwk` need no I/O and are built
/// in ([`DidKeyResolver`], [`DidJwkResolver`]).
///
/// `Ok(None)` means "this DID does not exist"; `Err` means "could not find out", which the pipeline
/// reports differently: [`HostError::unavailable`] (the network or storage is down) as
/// `RESOLUTION_FAILED`, retryable; any other kind as `INTERNAL_ERROR`, not retried.
#[async_trait]
pub trait DidResolver: Send + Sync + Debug + 'static {
    /// Resolves `did`.
    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, HostError>;

    /// Whether `did` exists (resolves, deactivated or not): all the pipeline asks of a holder.
    /// Override it when existence is cheaper to learn than the document (a batch asks it once per
    /// item).
    async fn exists(&self, did: &Did) -> Result<bool, HostError> {
        Ok(self.resolve(did).await?.is_some())
    }
}

#[async_trait]
impl<T: DidResolver + ?Sized> DidResolver for std::sync::Arc<T> {
    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        (**self).resolve(did).await
    }

    async fn exists(&self, did: &Did) -> Result<bool, HostError> {
        (**self).exists(did).await
    }
}
