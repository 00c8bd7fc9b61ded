//! Signing keys: the host's [`Signer`] (a KMS, an HSM, a local key) and the shipped local signers.

mod ed25519;
mod p256;

use std::fmt::Debug;

use async_trait::async_trait;
use vc_core::did_key::KeyType;
use vc_core::PublicKey;

use crate::error::BoxError;

pub use self::ed25519::Ed25519Signer;
pub use self::p256::P256Signer;

/// A signature algorithm, as the proof suites and JOSE name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// Ed25519 (RFC 8032): 64-byte signatures over the message itself.
    Ed25519,
    /// ECDSA over P-256 with SHA-256, signatures as 64-byte `r || s` (IEEE P1363, as JWS and Data
    /// Integrity encode them).
    EcdsaP256Sha256,
}

impl SignatureAlgorithm {
    /// The key type that signs with this algorithm.
    pub fn key_type(self) -> KeyType {
        match self {
            SignatureAlgorithm::Ed25519 => KeyType::Ed25519,
            SignatureAlgorithm::EcdsaP256Sha256 => KeyType::P256,
        }
    }

    /// The JOSE `alg` name (`EdDSA`, `ES256`).
    pub fn jws_name(self) -> &'static str {
        match self {
            SignatureAlgorithm::Ed25519 => "EdDSA",
            SignatureAlgorithm::EcdsaP256Sha256 => "ES256",
        }
    }
}

/// A private key that signs, wherever it lives.
///
/// Async because keys usually live in a KMS or HSM; object-safe so that the pipeline holds
/// `Arc<dyn Signer>`. Implementations must never reveal key material through `Debug` or errors.
#[async_trait]
pub trait Signer: Send + Sync + Debug + 'static {
    /// The algorithm this key signs with.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// The matching public key (what the verification method publishes).
    fn public_key(&self) -> &PublicKey;

    /// Signs `message`. Ed25519 signs it as is; ECDSA P-256 hashes it with SHA-256 first.
    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, BoxError>;
}

/// Conformance checks that any [`Signer`] implementation can run against itself.
#[cfg(any(test, feature = "testing"))]
// Test helpers report a broken contract by panicking, like assertions do.
#[allow(clippy::expect_used, clippy::panic)]
pub mod conformance {
    use super::*;

    /// Signs a few messages and checks the signatures with an independent verifier for the
    /// algorithm, and that a tampered message does not verify.
    ///
    /// # Panics
    /// When the signer breaks the contract; this is a test helper.
    pub async fn check_signer(signer: &dyn Signer) {
        assert_eq!(
            signer.algorithm().key_type(),
            signer.public_key().key_type()
        );
        for message in [&b""[..], b"hello", &[0u8; 64], &[0xff; 1000]] {
            let signature = signer.sign(message).await.expect("signing must succeed");
            assert_eq!(signature.len(), 64, "signatures are 64 bytes");
            crate::verify::verify_signature(signer.public_key(), message, &signature)
                .expect("signature must verify");
            let mut tampered = message.to_vec();
            tampered.push(1);
            assert!(
                crate::verify::verify_signature(signer.public_key(), &tampered, &signature)
                    .is_err(),
                "a signature must not verify another message"
            );
        }
        let debug = format!("{signer:?}");
        assert!(
            !debug.to_lowercase().contains("secret"),
            "Debug must not show secrets: {debug}"
        );
    }
}
