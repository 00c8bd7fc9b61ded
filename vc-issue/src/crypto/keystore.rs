//! Where the pipeline finds the signer for an issuer's verification method.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use vc_core::DidUrl;

use crate::crypto::signer::Signer;
use crate::host_error::HostError;

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
}

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
}
