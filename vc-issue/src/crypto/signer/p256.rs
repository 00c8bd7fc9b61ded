//! A local ECDSA P-256 key.

use std::fmt;

use async_trait::async_trait;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use vc_core::did_key::{DidKey, KeyType};
use vc_core::{Did, DidUrl, PublicKey};

use super::{SignatureAlgorithm, Signer};
use crate::host_error::HostError;

/// A P-256 private key held in memory. Zeroized on drop (p256's `SigningKey` does it) and never
/// printed. Signatures are deterministic (RFC 6979) and encoded as 64-byte `r || s`.
pub struct P256Signer {
    key: SigningKey,
    public_key: PublicKey,
    did_key: DidKey,
}

impl P256Signer {
    /// A signer from a 32-byte big-endian secret scalar.
    pub fn from_bytes(secret: &[u8; 32]) -> Result<Self, crate::IssueError> {
        let key = SigningKey::from_bytes(secret.into()).map_err(|_| {
            crate::IssueError::InvalidRequest {
                reason: "not a valid P-256 secret scalar".into(),
            }
        })?;
        Ok(Self::from_key(key))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        Self::from_key(SigningKey::random(&mut rand::rngs::OsRng))
    }

    fn from_key(key: SigningKey) -> Self {
        let point = key.verifying_key().to_encoded_point(true);
        // A compressed SEC1 point is 33 bytes starting with 0x02/0x03, which DidKey accepts.
        let did_key = DidKey::new(KeyType::P256, point.as_bytes())
            .unwrap_or_else(|_| unreachable!("compressed P-256 points are valid"));
        Self {
            public_key: PublicKey::from(&did_key),
            did_key,
            key,
        }
    }

    /// The `did:key` of this key.
    pub fn did(&self) -> Did {
        self.did_key.did()
    }

    /// The `did:key` verification method id.
    pub fn verification_method_id(&self) -> DidUrl {
        self.did_key.verification_method_id()
    }

    /// Signs synchronously.
    pub fn sign_now(&self, message: &[u8]) -> [u8; 64] {
        let signature: Signature = self.key.sign(message);
        signature.to_bytes().into()
    }
}

impl fmt::Debug for P256Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("P256Signer")
            .field("public_key", &self.did_key.multikey_str())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Signer for P256Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::EcdsaP256Sha256
    }

    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
        Ok(self.sign_now(message).to_vec())
    }
}
