//! Local ECDSA keys on the NIST curves P-256 and P-384, one implementation for both.

use std::fmt;
use std::marker::PhantomData;

use async_trait::async_trait;
use ecdsa::elliptic_curve::generic_array::ArrayLength;
use ecdsa::elliptic_curve::ops::Invert;
use ecdsa::elliptic_curve::sec1::{FromEncodedPoint, ModulusSize, ToEncodedPoint};
use ecdsa::elliptic_curve::subtle::CtOption;
use ecdsa::elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytesSize, PrimeCurve, Scalar};
use ecdsa::hazmat::{DigestPrimitive, SignPrimitive, VerifyPrimitive};
use ecdsa::signature::{Signer as _, Verifier as _};
use ecdsa::{Signature, SignatureSize, SigningKey, VerifyingKey};
use vc_core::did_key::{DidKey, KeyType};
use vc_core::{multibase, multicodec, Did, DidUrl, PublicKey};

use super::{SignatureAlgorithm, Signer};
use crate::host_error::HostError;

/// A NIST curve the ECDSA suites sign with, and what names it: implemented for
/// [`NistP256`](p256::NistP256) and [`NistP384`](p384::NistP384).
pub trait NistCurve: Send + Sync + 'static {
    /// The `did:key` key type of its public keys.
    const KEY_TYPE: KeyType;
    /// The signature algorithm (the curve with its hash, SHA-256 or SHA-384).
    const ALGORITHM: SignatureAlgorithm;
    /// The multicodec of its private keys (`p256-priv`, `p384-priv`).
    const PRIVATE_MULTICODEC: u64;
}

impl NistCurve for p256::NistP256 {
    const KEY_TYPE: KeyType = KeyType::P256;
    const ALGORITHM: SignatureAlgorithm = SignatureAlgorithm::EcdsaP256Sha256;
    const PRIVATE_MULTICODEC: u64 = multicodec::P256_PRIV;
}

impl NistCurve for p384::NistP384 {
    const KEY_TYPE: KeyType = KeyType::P384;
    const ALGORITHM: SignatureAlgorithm = SignatureAlgorithm::EcdsaP384Sha384;
    const PRIVATE_MULTICODEC: u64 = multicodec::P384_PRIV;
}

/// The curve arithmetic the signer needs, stated once (RustCrypto's bounds for signing and
/// verifying with a curve's own hash) and implemented for every [`NistCurve`] that has it.
pub trait EcdsaCurve: NistCurve {
    /// The private key type.
    type Key: Send + Sync;
    /// The key for a big-endian secret scalar of the curve's size, if it is one.
    fn key_from_scalar(secret: &[u8]) -> Option<Self::Key>;
    /// A fresh random key.
    fn random_key() -> Self::Key;
    /// The SEC1 compressed public point of `key`.
    fn compressed_point(key: &Self::Key) -> Vec<u8>;
    /// The `r || s` signature (RFC 6979 deterministic, the curve's hash over `message`).
    fn sign(key: &Self::Key, message: &[u8]) -> Vec<u8>;
    /// Whether `signature` (`r || s`) is valid for `message` under the SEC1 `public` point.
    fn verify(public: &[u8], message: &[u8], signature: &[u8]) -> bool;
    /// The affine coordinates `(x, y)` of the SEC1 `public` point (for JWKs).
    fn coordinates(public: &[u8]) -> Option<(Vec<u8>, Vec<u8>)>;
}

impl<C> EcdsaCurve for C
where
    C: NistCurve + PrimeCurve + CurveArithmetic + DigestPrimitive,
    Scalar<C>: Invert<Output = CtOption<Scalar<C>>> + SignPrimitive<C>,
    SignatureSize<C>: ArrayLength<u8>,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C> + VerifyPrimitive<C>,
    FieldBytesSize<C>: ModulusSize,
    SigningKey<C>: Send + Sync,
{
    type Key = SigningKey<C>;

    fn key_from_scalar(secret: &[u8]) -> Option<Self::Key> {
        // `from_slice` pads short input; a secret of another length is another curve's.
        if secret.len() != Self::KEY_TYPE.public_key_len() - 1 {
            return None;
        }
        SigningKey::from_slice(secret).ok()
    }

    fn random_key() -> Self::Key {
        SigningKey::random(&mut rand::rngs::OsRng)
    }

    fn compressed_point(key: &Self::Key) -> Vec<u8> {
        key.verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec()
    }

    fn sign(key: &Self::Key, message: &[u8]) -> Vec<u8> {
        let signature: Signature<C> = key.sign(message);
        signature.to_bytes().to_vec()
    }

    fn verify(public: &[u8], message: &[u8], signature: &[u8]) -> bool {
        let (Ok(key), Ok(signature)) = (
            VerifyingKey::<C>::from_sec1_bytes(public),
            Signature::<C>::from_slice(signature),
        ) else {
            return false;
        };
        key.verify(message, &signature).is_ok()
    }

    fn coordinates(public: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
        let key = VerifyingKey::<C>::from_sec1_bytes(public).ok()?;
        let point = key.to_encoded_point(false);
        Some((point.x()?.to_vec(), point.y()?.to_vec()))
    }
}

/// An ECDSA private key held in memory, on P-256 ([`P256Signer`]) or P-384 ([`P384Signer`]).
/// Zeroized on drop (RustCrypto's `SigningKey` does it) and never printed. Signatures are
/// deterministic (RFC 6979), over the curve's hash (SHA-256, SHA-384) of the message, and
/// encoded as `r || s` (64 or 96 bytes).
pub struct EcdsaSigner<C: EcdsaCurve> {
    key: C::Key,
    public_key: PublicKey,
    did_key: DidKey,
    curve: PhantomData<C>,
}

/// A local P-256 key (`ES256`, `ecdsa-*` suites with SHA-256).
pub type P256Signer = EcdsaSigner<p256::NistP256>;

/// A local P-384 key (`ES384`, `ecdsa-*` suites with SHA-384).
pub type P384Signer = EcdsaSigner<p384::NistP384>;

impl<C: EcdsaCurve> EcdsaSigner<C> {
    /// A signer from the big-endian secret scalar (32 bytes for P-256, 48 for P-384).
    pub fn from_bytes(secret: &[u8]) -> Result<Self, crate::IssueError> {
        let key = C::key_from_scalar(secret).ok_or_else(|| crate::IssueError::InvalidRequest {
            reason: format!("not a valid {} secret scalar", C::KEY_TYPE.name()),
        })?;
        Ok(Self::from_key(key))
    }

    /// A signer from a Multikey private key (`z` + base58btc(`p256-priv`/`p384-priv` varint ||
    /// scalar)), the `secretKeyMultibase` form.
    pub fn from_private_multikey(multikey: &str) -> Result<Self, crate::IssueError> {
        let invalid = || crate::IssueError::InvalidRequest {
            reason: format!("not a {} secretKeyMultibase", C::KEY_TYPE.name()),
        };
        let bytes =
            zeroize::Zeroizing::new(multibase::decode_base58btc(multikey).map_err(|_| invalid())?);
        match multicodec::decode(&bytes) {
            Ok((code, secret)) if code == C::PRIVATE_MULTICODEC => Self::from_bytes(secret),
            _ => Err(invalid()),
        }
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        Self::from_key(C::random_key())
    }

    fn from_key(key: C::Key) -> Self {
        // A compressed SEC1 point has the curve's length and a 0x02/0x03 tag, which DidKey accepts.
        let did_key = DidKey::new(C::KEY_TYPE, &C::compressed_point(&key))
            .unwrap_or_else(|_| unreachable!("compressed points of the curve are valid"));
        Self {
            public_key: PublicKey::from(&did_key),
            did_key,
            key,
            curve: PhantomData,
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

    /// Signs synchronously: `r || s`.
    pub fn sign_now(&self, message: &[u8]) -> Vec<u8> {
        C::sign(&self.key, message)
    }
}

impl<C: EcdsaCurve> fmt::Debug for EcdsaSigner<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdsaSigner")
            .field("public_key", &self.did_key.multikey_str())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<C: EcdsaCurve> Signer for EcdsaSigner<C> {
    fn algorithm(&self) -> SignatureAlgorithm {
        C::ALGORITHM
    }

    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
        Ok(self.sign_now(message))
    }
}
