//! A local BLS12-381 key for BBS signatures (`bbs-2023`).

use std::fmt;

use async_trait::async_trait;
use vc_core::did_key::{DidKey, KeyType};
use vc_core::{Did, DidUrl, PublicKey};
use zeroize::{Zeroize, Zeroizing};
use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
use zkryptium::bbsplus::keys::{BBSplusPublicKey, BBSplusSecretKey};
use zkryptium::keys::pair::KeyPair;
use zkryptium::schemes::algorithms::BBSplus;
use zkryptium::schemes::generics::Signature;

use super::{BbsSigner, SignatureAlgorithm, Signer};
use crate::error::BoxError;
use crate::host_error::HostError;

/// A BBS private key (a BLS12-381 scalar, ciphersuite BLS12-381-SHA-256) held in memory; its public
/// key is a G2 point published as a `zUC7…` Multikey. The secret is zeroized on drop and never
/// printed.
pub struct Bls12381G2Signer {
    secret: BBSplusSecretKey,
    bbs_public_key: BBSplusPublicKey,
    public_key: PublicKey,
    did_key: DidKey,
}

impl Bls12381G2Signer {
    /// A signer from a 32-byte big-endian secret scalar (the `privateKeyHex` of the W3C vectors).
    pub fn from_secret_bytes(secret: &[u8; 32]) -> Result<Self, crate::IssueError> {
        if secret.iter().all(|&b| b == 0) {
            return Err(invalid());
        }
        let secret = BBSplusSecretKey::from_bytes(secret).map_err(|_| invalid())?;
        Self::from_secret(secret)
    }

    /// A key derived with the BBS `KeyGen` operation from `key_material` (at least 32 secret bytes).
    pub fn from_key_material(key_material: &[u8]) -> Result<Self, crate::IssueError> {
        let pair = KeyPair::<BBSplus<Bls12381Sha256>>::generate(key_material, None, None).map_err(
            |_| crate::IssueError::InvalidRequest {
                reason: "BBS key material must be at least 32 bytes".into(),
            },
        )?;
        let (secret, _) = pair.into_parts();
        Self::from_secret(secret)
    }

    /// A fresh random key (`KeyGen` over 32 bytes from the operating system).
    pub fn generate() -> Self {
        let mut material = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, material.as_mut_slice());
        // KeyGen only fails for key material shorter than 32 bytes.
        Self::from_key_material(material.as_slice())
            .unwrap_or_else(|_| unreachable!("32 bytes of key material are enough"))
    }

    fn from_secret(secret: BBSplusSecretKey) -> Result<Self, crate::IssueError> {
        let bbs_public_key = secret.public_key();
        let did_key =
            DidKey::new(KeyType::Bls12381G2, &bbs_public_key.to_bytes()).map_err(|_| invalid())?;
        Ok(Self {
            secret,
            bbs_public_key,
            public_key: PublicKey::from(&did_key),
            did_key,
        })
    }

    /// The `did:key` of this key (`did:key:zUC7…`).
    pub fn did(&self) -> Did {
        self.did_key.did()
    }

    /// The `did:key` verification method id.
    pub fn verification_method_id(&self) -> DidUrl {
        self.did_key.verification_method_id()
    }

    /// Signs synchronously: the 80-byte BBS signature over `messages` with `header`.
    pub fn sign_now(&self, header: &[u8], messages: &[Vec<u8>]) -> Result<[u8; 80], BoxError> {
        let signature = Signature::<BBSplus<Bls12381Sha256>>::sign(
            Some(messages),
            &self.secret,
            &self.bbs_public_key,
            Some(header),
        )
        .map_err(|e| -> BoxError { std::sync::Arc::new(BbsError(e.to_string())) })?;
        Ok(signature.to_bytes())
    }
}

fn invalid() -> crate::IssueError {
    crate::IssueError::InvalidRequest {
        reason: "not a valid BLS12-381 secret scalar".into(),
    }
}

/// A failure inside the BBS library (never carries key material).
#[derive(Debug, thiserror::Error)]
#[error("BBS signing failed: {0}")]
struct BbsError(String);

impl Drop for Bls12381G2Signer {
    fn drop(&mut self) {
        self.secret.0.zeroize();
    }
}

impl fmt::Debug for Bls12381G2Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bls12381G2Signer")
            .field("public_key", &self.did_key.multikey_str())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Signer for Bls12381G2Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::BbsBls12381Sha256
    }

    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
        Ok(self.sign_now(&[], &[message.to_vec()])?.to_vec())
    }

    fn as_bbs(&self) -> Option<&dyn BbsSigner> {
        Some(self)
    }
}

#[async_trait]
impl BbsSigner for Bls12381G2Signer {
    fn bbs_public_key(&self) -> &PublicKey {
        &self.public_key
    }

    async fn bbs_sign(&self, header: &[u8], messages: &[Vec<u8>]) -> Result<Vec<u8>, HostError> {
        Ok(self.sign_now(header, messages)?.to_vec())
    }
}
