//! DID resolution: the host's [`DidResolver`], and the reference implementations.
//!
//! # DID methods
//!
//! | method | resolver | where the document comes from |
//! |---|---|---|
//! | `did:key` | [`DidKeyResolver`] (and [`InMemoryDidRegistry`] for the ones it does not hold) | the DID itself |
//! | `did:jwk` | [`DidJwkResolver`] | the DID itself |
//! | `did:web` | `DidWebResolver` (feature `did-web`) | `https://…/did.json`, public addresses only unless allowed, size and time limits, a cache |
//! | any other | the host's own [`DidResolver`] | — |
//!
//! Only a holder named by a DID is resolved (see [`holder`](crate::pipeline::holder)): one
//! named by another URL, or not named, has no document to look up.
//!
//! ## `did:webvh`: evaluated, not adopted (December 2026)
//!
//! `did:webvh` (did:web with a verifiable history: a JSON Lines log of signed, hash-chained
//! document versions) has two crates on crates.io:
//!
//! - `didwebvh-rs` (the Decentralized Identity Foundation's repository, Apache-2.0): actively kept,
//!   38 releases from 0.1.0 (2025-08-07) to 0.8.2 (2026-10-26), each minor one breaking (0.5 to
//!   0.8 within six months). Its dependencies are the reason not to take it now: Affinidi's own
//!   stack (`affinidi-data-integrity` with its own RDF canonicalization, `affinidi-crypto`,
//!   `affinidi-secrets-resolver`, `affinidi-did-common`), whose default features pull
//!   `ed25519-dalek` 3 and `p256`/`p384` 0.14 plus `k256`, `p521` and `x25519-dalek` beside the
//!   `ed25519-dalek` 2 and `p256`/`p384` 0.13 this workspace signs with: a second crypto stack;
//!   `reqwest` 0.13 beside our 0.12 (its default `network` feature); `chrono` beside `time`; and
//!   `rust-version` 1.95 against our 1.88. Its optional `ssi` feature brings ssi 0.16, whose
//!   claims crates turn on serde_json's `arbitrary_precision` workspace-wide (why `bbs-2023` here
//!   avoids `ssi-bbs`); by default it does not.
//! - `did-webvh` (Affinidi, 0.1.8, 2025-08-14): the same code under its former name, no release
//!   since; superseded by `didwebvh-rs`.
//!
//! A host that needs `did:webvh` today implements [`DidResolver`] over `didwebvh-rs` in its own
//! crate, where the second stack is its choice. Adopting it here waits for a release on the
//! RustCrypto versions this workspace uses (or for this workspace to move to them) and for the
//! API to settle; resolving the log ourselves (SHA-256 entry hashes, JCS, `eddsa-jcs-2022` proofs,
//! all present in this workspace) is the alternative to weigh then.

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
