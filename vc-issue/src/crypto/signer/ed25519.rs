//! A local Ed25519 key.

use std::fmt;

use async_trait::async_trait;
use ed25519_dalek::{Signer as _, SigningKey};
use vc_core::did_key::{DidKey, KeyType};
use vc_core::{multibase, multicodec, Did, DidUrl, PublicKey};

use super::{SignatureAlgorithm, Signer};
use crate::host_error::HostError;

/// An Ed25519 private key held in memory. The key is zeroized on drop and never printed.
pub struct Ed25519Signer {
    // ed25519-dalek's SigningKey zeroizes itself on drop (feature `zeroize`).
    key: SigningKey,
    public_key: PublicKey,
    did_key: DidKey,
}

impl Ed25519Signer {
    /// A signer from a 32-byte seed (the RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self::from_key(SigningKey::from_bytes(seed))
    }

    /// A signer from a seed given as 64 hex characters.
    pub fn from_seed_hex(hex: &str) -> Result<Self, crate::IssueError> {
        let invalid = || crate::IssueError::InvalidRequest {
            reason: "an Ed25519 seed is 64 hex characters".into(),
        };
        if hex.len() != 64 {
            return Err(invalid());
        }
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        for (i, byte) in seed.iter_mut().enumerate() {
            let pair = hex.get(2 * i..2 * i + 2).ok_or_else(invalid)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
        }
        Ok(Self::from_seed(&seed))
    }

    /// A signer from a Multikey private key (`z` + base58btc(0x1300 varint || seed)), the
    /// `privateKeyMultibase` form.
    pub fn from_private_multikey(multikey: &str) -> Result<Self, crate::IssueError> {
        let invalid = || crate::IssueError::InvalidRequest {
            reason: "not an Ed25519 privateKeyMultibase".into(),
        };
        let bytes =
            zeroize::Zeroizing::new(multibase::decode_base58btc(multikey).map_err(|_| invalid())?);
        let (code, seed) = multicodec::decode(&bytes).map_err(|_| invalid())?;
        let seed: &[u8; 32] = seed.try_into().map_err(|_| invalid())?;
        if code != multicodec::ED25519_PRIV {
            return Err(invalid());
        }
        Ok(Self::from_seed(seed))
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        Self::from_key(SigningKey::generate(&mut rand::rngs::OsRng))
    }

    fn from_key(key: SigningKey) -> Self {
        let bytes = key.verifying_key().to_bytes();
        // A 32-byte Ed25519 key always passes DidKey's length check.
        let did_key = DidKey::new(KeyType::Ed25519, &bytes)
            .unwrap_or_else(|_| unreachable!("32-byte Ed25519 keys are valid"));
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

    /// The `did:key` verification method id (`did:key:z…#z…`).
    pub fn verification_method_id(&self) -> DidUrl {
        self.did_key.verification_method_id()
    }

    /// Signs synchronously (local keys need no I/O; used by the fast paths and benchmarks).
    pub fn sign_now(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

impl fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519Signer")
            .field("public_key", &self.did_key.multikey_str())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Signer for Ed25519Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Ed25519
    }

    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
        Ok(self.sign_now(message).to_vec())
    }
}
