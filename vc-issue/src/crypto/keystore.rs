//! Where the pipeline finds the signer for an issuer's verification method.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use vc_core::DidUrl;

use crate::crypto::signer::Signer;
use crate::host_error::{HostError, HostErrorKind};

/// Maps verification methods to signers. Hosts implement it over a KMS (look the key up by its
/// verification method id); [`InMemoryKeyStore`] holds local keys.
#[async_trait]
pub trait KeyStore: Send + Sync + Debug + 'static {
    /// The signer for `verification_method`, or `None` when this store holds no such key.
    /// [`HostError::unavailable`] when the store (the KMS) is down: the queue retries it.
    async fn signer(
        &self,
        verification_method: &DidUrl,
    ) -> Result<Option<Arc<dyn Signer>>, HostError>;

    /// The verification methods this store holds signers for. A store that cannot list says
    /// so with a [`HostErrorKind::Refused`] error (the default).
    async fn list(&self) -> Result<Vec<DidUrl>, HostError> {
        Err(HostError::with_source(
            HostErrorKind::Refused,
            Unsupported("list"),
        ))
    }

    /// Forgets the signer for `verification_method` (a retired key: it signs nothing more, while
    /// its method may stay in the DID document so that what it signed still verifies); returns
    /// whether the store held it. A store that cannot remove says so with a
    /// [`HostErrorKind::Refused`] error (the default).
    async fn remove(&self, verification_method: &DidUrl) -> Result<bool, HostError> {
        let _ = verification_method;
        Err(HostError::with_source(
            HostErrorKind::Refused,
            Unsupported("remove"),
        ))
    }
}

/// A [`KeyStore`] operation the store does not offer.
#[derive(Debug, thiserror::Error)]
#[error("this key store cannot {0} keys")]
pub struct Unsupported(&'static str);

/// Signers registered in memory by verification method id.
#[derive(Debug, Default)]
pub struct InMemoryKeyStore {
    signers: RwLock<HashMap<String, Arc<dyn Signer>>>,
}

impl InMemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `signer` for `verification_method`.
    pub fn insert(&self, verification_method: DidUrl, signer: Arc<dyn Signer>) {
        self.signers
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(verification_method.into_string(), signer);
    }
}

#[async_trait]
impl KeyStore for InMemoryKeyStore {
    async fn signer(
        &self,
        verification_method: &DidUrl,
    ) -> Result<Option<Arc<dyn Signer>>, HostError> {
        Ok(self
            .signers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(verification_method.as_str())
            .cloned())
    }

    async fn list(&self) -> Result<Vec<DidUrl>, HostError> {
        let signers = self
            .signers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut ids: Vec<DidUrl> = signers
            .keys()
            .filter_map(|id| DidUrl::parse(id).ok())
            .collect();
        ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        Ok(ids)
    }

    async fn remove(&self, verification_method: &DidUrl) -> Result<bool, HostError> {
        Ok(self
            .signers
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(verification_method.as_str())
            .is_some())
    }
}
