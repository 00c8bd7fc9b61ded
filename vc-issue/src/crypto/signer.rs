//! Signing keys: the host's [`Signer`] (a KMS, an HSM, a local key) and the shipped local signers.

#[cfg(feature = "bbs")]
mod bls12381;
mod ecdsa;
mod ed25519;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;

use std::fmt::Debug;

use async_trait::async_trait;
use vc_core::did_key::KeyType;
use vc_core::PublicKey;

use crate::host_error::HostError;

#[cfg(feature = "bbs")]
pub use self::bls12381::Bls12381G2Signer;
pub use self::ecdsa::{EcdsaCurve, EcdsaSigner, NistCurve, P256Signer, P384Signer};
pub use self::ed25519::Ed25519Signer;

/// A signature algorithm, as the proof suites and JOSE name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// Ed25519 (RFC 8032): 64-byte signatures over the message itself.
    Ed25519,
    /// ECDSA over P-256 with SHA-256, signatures as 64-byte `r || s` (IEEE P1363, as JWS and Data
    /// Integrity encode them).
    EcdsaP256Sha256,
    /// ECDSA over P-384 with SHA-384, signatures as 96-byte `r || s`.
    EcdsaP384Sha384,
    /// BBS with the BLS12-381-SHA-256 ciphersuite (IRTF CFRG BBS signatures): 80-byte signatures
    /// over a vector of messages, as `bbs-2023` uses them (see `BbsSigner`).
    BbsBls12381Sha256,
}

impl SignatureAlgorithm {
    /// The key type that signs with this algorithm.
    pub fn key_type(self) -> KeyType {
        match self {
            SignatureAlgorithm::Ed25519 => KeyType::Ed25519,
            SignatureAlgorithm::EcdsaP256Sha256 => KeyType::P256,
            SignatureAlgorithm::EcdsaP384Sha384 => KeyType::P384,
            SignatureAlgorithm::BbsBls12381Sha256 => KeyType::Bls12381G2,
        }
    }

    /// The JOSE `alg` name (`EdDSA`, `ES256`, `ES384`; `BBS` is the name the JSON Proof Algorithms draft
    /// gives BBS, which JWS cannot use).
    pub fn jws_name(self) -> &'static str {
        match self {
            SignatureAlgorithm::Ed25519 => "EdDSA",
            SignatureAlgorithm::EcdsaP256Sha256 => "ES256",
            SignatureAlgorithm::EcdsaP384Sha384 => "ES384",
            SignatureAlgorithm::BbsBls12381Sha256 => "BBS",
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

    /// Signs `message`. Ed25519 signs it as is; ECDSA hashes it with the curve's hash first
    /// (SHA-256 for P-256, SHA-384 for P-384); a BBS
    /// key signs the one-message vector `[message]` with an empty header.
    ///
    /// Say [`HostError::unavailable`] when the key's service is down or busy (the queue retries
    /// it), anything else when it refuses or fails (not retried).
    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError>;

    /// The same key as a [`BbsSigner`], when it is a BBS key (`bbs-2023` signs message vectors, not
    /// bytes). `None` by default; BBS signers return `Some(self)`.
    #[cfg(feature = "bbs")]
    fn as_bbs(&self) -> Option<&dyn BbsSigner> {
        None
    }
}

/// A BBS private key (BLS12-381-SHA-256 ciphersuite) that signs message vectors, wherever it lives.
///
/// The `bbs-2023` suite reaches it through [`Signer::as_bbs`], so a key store keeps handing out
/// `Arc<dyn Signer>`. Object-safe and async like [`Signer`]; implementations must never reveal key
/// material through `Debug` or errors.
#[cfg(feature = "bbs")]
#[async_trait]
pub trait BbsSigner: Send + Sync + Debug + 'static {
    /// The 96-byte compressed BLS12-381 G2 public key.
    fn bbs_public_key(&self) -> &PublicKey;

    /// The BBS signature (80 bytes, `A || e`) over `messages` with `header`.
    async fn bbs_sign(&self, header: &[u8], messages: &[Vec<u8>]) -> Result<Vec<u8>, HostError>;
}
