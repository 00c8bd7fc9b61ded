//! The [`did:key`](https://w3c-ccg.github.io/did-method-key/) method: a DID that is its own public key.
//!
//! `did:key:<multikey>` where the multikey is `z` + base58btc(varint(multicodec) || public key). The
//! DID document is derived from the key alone, so resolving needs no I/O. Ed25519, P-256, P-384
//! and BLS12-381 G2 (BBS, `bbs-2023`) keys are supported.
//!
//! ```
//! use vc_core::did_key::{DidKey, KeyType};
//!
//! let key = DidKey::parse("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")?;
//! assert_eq!(key.key_type(), KeyType::Ed25519);
//! assert_eq!(key.public_key().len(), 32);
//! assert_eq!(
//!     key.verification_method_id().as_str(),
//!     "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2\
//!      #z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
//! );
//! assert_eq!(DidKey::new(KeyType::Ed25519, key.public_key())?, key);
//! # Ok::<(), vc_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde_json::{json, Value};

use crate::did::{Did, DidUrl};
use crate::error::{excerpt, Error, Result};
use crate::{multibase, multicodec};

/// The JSON-LD contexts of a `did:key` DID document with a Multikey verification method.
pub const DID_DOCUMENT_CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
];

const METHOD: &str = "key";
const PREFIX: &str = "did:key:";

/// A public key type `did:key` can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// Ed25519 (multicodec `ed25519-pub`, 32-byte key).
    Ed25519,
    /// NIST P-256 (multicodec `p256-pub`, 33-byte SEC1 compressed point).
    P256,
    /// NIST P-384 (multicodec `p384-pub`, 49-byte SEC1 compressed point): the `ecdsa-*` suites'
    /// second curve (`z82L…` multikeys).
    P384,
    /// BLS12-381 G2 (multicodec `bls12_381-g2-pub`, 96-byte compressed point): the BBS signature
    /// keys of the `bbs-2023` cryptosuite (`zUC7…` multikeys).
    Bls12381G2,
}

impl KeyType {
    /// The multicodec code of the public key.
    pub fn multicodec(self) -> u64 {
        match self {
            KeyType::Ed25519 => multicodec::ED25519_PUB,
            KeyType::P256 => multicodec::P256_PUB,
            KeyType::P384 => multicodec::P384_PUB,
            KeyType::Bls12381G2 => multicodec::BLS12_381_G2_PUB,
        }
    }

    /// The key type with this public-key multicodec, if it is one this crate knows.
    pub fn from_multicodec(code: u64) -> Option<Self> {
        match code {
            multicodec::ED25519_PUB => Some(KeyType::Ed25519),
            multicodec::P256_PUB => Some(KeyType::P256),
            multicodec::P384_PUB => Some(KeyType::P384),
            multicodec::BLS12_381_G2_PUB => Some(KeyType::Bls12381G2),
            _ => None,
        }
    }

    /// The length of the encoded public key in bytes (32 for Ed25519, 33 for compressed P-256, 49
    /// for compressed P-384, 96 for a compressed BLS12-381 G2 point).
    pub fn public_key_len(self) -> usize {
        match self {
            KeyType::Ed25519 => 32,
            KeyType::P256 => 33,
            KeyType::P384 => 49,
            KeyType::Bls12381G2 => 96,
        }
    }

    /// A human-readable name (`Ed25519`, `P-256`, `P-384`, `BLS12-381-G2`).
    pub fn name(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "Ed25519",
            KeyType::P256 => "P-256",
            KeyType::P384 => "P-384",
            KeyType::Bls12381G2 => "BLS12-381-G2",
        }
    }

    /// Whether keys of this type are SEC1 compressed points (the NIST curves).
    pub fn is_sec1(self) -> bool {
        matches!(self, KeyType::P256 | KeyType::P384)
    }

    /// Checks length and, for P-256 and P-384, the SEC1 compressed-point tag. The point itself is not checked to
    /// lie on the curve: that needs curve arithmetic, which belongs to the signature suite.
    pub(crate) fn check(self, key: &[u8]) -> std::result::Result<(), String> {
        let expected = self.public_key_len();
        if key.len() != expected {
            let form = if self.is_sec1() {
                " (SEC1 compressed)"
            } else {
                ""
            };
            return Err(format!(
                "{} public key must be {expected} bytes{form}, got {}",
                self.name(),
                key.len()
            ));
        }
        if self.is_sec1() && !matches!(key.first(), Some(0x02 | 0x03)) {
            return Err(format!(
                "{} public key must be SEC1 compressed (leading byte 0x02 or 0x03)",
                self.name()
            ));
        }
        Ok(())
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `did:key`: a key type and its public key.
///
/// Equality and hashing compare key type and key bytes. [`Display`](fmt::Display) writes the DID.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DidKey {
    key_type: KeyType,
    public_key: Vec<u8>,
    /// The multikey, computed once: every identifier and document derived from the key embeds it.
    multikey: String,
}

impl DidKey {
    /// Wraps a public key, checking its length (and, for P-256 and P-384, that it is SEC1 compressed).
    pub fn new(key_type: KeyType, public_key: &[u8]) -> Result<Self> {
        key_type.check(public_key).map_err(invalid)?;
        let prefixed = multicodec::encode(key_type.multicodec(), public_key);
        Ok(DidKey {
            key_type,
            public_key: public_key.to_vec(),
            multikey: multibase::encode_base58btc(&prefixed),
        })
    }

    /// Decodes a `did:key` DID.
    pub fn from_did(did: &Did) -> Result<Self> {
        Self::from_parts(did.method(), did.method_specific_id())
    }

    /// Parses a `did:key` DID, or a DID URL whose only addition is a fragment equal to the multikey
    /// (the verification method id, `did:key:z6Mk…#z6Mk…`).
    ///
    /// Syntax errors are [`Error::InvalidDid`] / [`Error::InvalidDidUrl`]; a well-formed DID that is not
    /// a usable `did:key` is [`Error::InvalidDidKey`].
    pub fn parse(input: &str) -> Result<Self> {
        if !input.bytes().any(|b| matches!(b, b'/' | b'?' | b'#')) {
            return Self::from_did(&Did::parse(input)?);
        }
        let url = DidUrl::parse(input)?;
        if url.path().is_some() || url.query().is_some() {
            return Err(invalid("a did:key DID URL may only add a fragment"));
        }
        let key = Self::from_parts(url.method(), url.method_specific_id())?;
        match url.fragment() {
            Some(fragment) if fragment != key.multikey => Err(invalid(
                "the fragment of a did:key verification method must equal its multikey",
            )),
            _ => Ok(key),
        }
    }

    /// Decodes a Multikey (`publicKeyMultibase`), such as `z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2`.
    pub fn from_multikey(multikey: &str) -> Result<Self> {
        let Some(body) = multikey.strip_prefix(multibase::BASE58BTC_PREFIX) else {
            return Err(invalid("multikey must be base58btc (multibase prefix 'z')"));
        };
        let bytes = multibase::base58_decode_reason(body).map_err(invalid)?;
        let (code, key) = multicodec::decode_varint(&bytes)
            .map_err(|e| invalid(format!("invalid multicodec prefix: {e}")))?;
        let key_type =
            KeyType::from_multicodec(code).ok_or_else(|| invalid(unknown_codec(code)))?;
        key_type.check(key).map_err(invalid)?;
        Ok(DidKey {
            key_type,
            public_key: key.to_vec(),
            // Base58 and the minimal varint are both canonical, so the input is the encoding.
            multikey: multikey.to_owned(),
        })
    }

    fn from_parts(method: &str, msid: &str) -> Result<Self> {
        if method != METHOD {
            return Err(invalid(format!(
                "not a did:key (method is {:?})",
                excerpt(method)
            )));
        }
        if msid.contains(':') {
            return Err(invalid(
                "the method-specific id must be a single multibase value",
            ));
        }
        Self::from_multikey(msid)
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The raw public key bytes (without multicodec prefix).
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }

    /// The Multikey: `z` + base58btc(varint(multicodec) || public key), as used in
    /// `publicKeyMultibase` and as the method-specific id.
    pub fn multikey(&self) -> String {
        self.multikey.clone()
    }

    /// The Multikey, borrowed.
    pub fn multikey_str(&self) -> &str {
        &self.multikey
    }

    /// The DID, `did:key:<multikey>`.
    pub fn did(&self) -> Did {
        Did::from_valid(self.did_string(), PREFIX.len() - 1)
    }

    /// The id of the key's verification method, `did:key:<multikey>#<multikey>`.
    pub fn verification_method_id(&self) -> DidUrl {
        let mut repr = String::with_capacity(2 * (PREFIX.len() + self.multikey.len()));
        repr.push_str(PREFIX);
        repr.push_str(&self.multikey);
        let did_end = repr.len();
        repr.push('#');
        repr.push_str(&self.multikey);
        DidUrl::from_valid_with_fragment(repr, PREFIX.len() - 1, did_end)
    }

    /// The verification method in Multikey form:
    /// `{"id", "type": "Multikey", "controller", "publicKeyMultibase"}`.
    pub fn verification_method(&self) -> Value {
        json!({
            "id": self.verification_method_id().as_str(),
            "type": "Multikey",
            "controller": self.did_string(),
            "publicKeyMultibase": self.multikey,
        })
    }

    /// The DID document the `did:key` method derives from the key: one Multikey verification method,
    /// referenced from `authentication`, `assertionMethod`, `capabilityInvocation` and
    /// `capabilityDelegation`.
    pub fn did_document(&self) -> Value {
        let vm_id = self.verification_method_id().into_string();
        json!({
            "@context": DID_DOCUMENT_CONTEXT,
            "id": self.did_string(),
            "verificationMethod": [self.verification_method()],
            "authentication": [vm_id],
            "assertionMethod": [vm_id],
            "capabilityInvocation": [vm_id],
            "capabilityDelegation": [vm_id],
        })
    }

    fn did_string(&self) -> String {
        let mut did = String::with_capacity(PREFIX.len() + self.multikey.len());
        did.push_str(PREFIX);
        did.push_str(&self.multikey);
        did
    }
}

impl fmt::Display for DidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", self.multikey)
    }
}

impl FromStr for DidKey {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        Self::parse(input)
    }
}

impl TryFrom<&Did> for DidKey {
    type Error = Error;

    fn try_from(did: &Did) -> Result<Self> {
        Self::from_did(did)
    }
}

impl From<&DidKey> for Did {
    fn from(key: &DidKey) -> Self {
        key.did()
    }
}

pub(crate) fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidDidKey {
        reason: reason.into(),
    }
}

fn unknown_codec(code: u64) -> String {
    match code {
        multicodec::ED25519_PRIV | multicodec::P256_PRIV | multicodec::P384_PRIV => {
            format!("multicodec 0x{code:x} is a private key, not a public key")
        }
        _ => format!("unsupported multicodec 0x{code:x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED_MK: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const P256_MK: &str = "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169";

    fn reason(err: Error) -> String {
        match err {
            Error::InvalidDidKey { reason } => reason,
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn key_type_codecs() {
        for kt in [
            KeyType::Ed25519,
            KeyType::P256,
            KeyType::P384,
            KeyType::Bls12381G2,
        ] {
            assert_eq!(KeyType::from_multicodec(kt.multicodec()), Some(kt));
        }
        assert_eq!(KeyType::from_multicodec(multicodec::ED25519_PRIV), None);
        assert_eq!(KeyType::P256.to_string(), "P-256");
    }

    #[test]
    fn new_checks_lengths_and_sec1_tag() {
        assert!(DidKey::new(KeyType::Ed25519, &[1; 32]).is_ok());
        assert!(reason(DidKey::new(KeyType::Ed25519, &[1; 31]).unwrap_err()).contains("32 bytes"));
        let mut p = [7u8; 33];
        p[0] = 0x02;
        assert!(DidKey::new(KeyType::P256, &p).is_ok());
        p[0] = 0x04;
        assert!(reason(DidKey::new(KeyType::P256, &p).unwrap_err()).contains("compressed"));
        assert!(reason(DidKey::new(KeyType::P256, &[4; 65]).unwrap_err()).contains("33 bytes"));
    }

    #[test]
    fn new_and_decode_agree() {
        let key = DidKey::new(KeyType::Ed25519, &[9; 32]).unwrap();
        assert!(key.multikey_str().starts_with("z6Mk"));
        assert_eq!(DidKey::from_multikey(key.multikey_str()).unwrap(), key);
        assert_eq!(DidKey::from_did(&key.did()).unwrap(), key);
        assert_eq!(key.to_string(), key.did().as_str());
    }

    #[test]
    fn ed25519_and_p256_prefixes() {
        let ed = DidKey::from_multikey(ED_MK).unwrap();
        assert_eq!(ed.key_type(), KeyType::Ed25519);
        let p = DidKey::from_multikey(P256_MK).unwrap();
        assert_eq!(p.key_type(), KeyType::P256);
        assert_eq!(p.public_key().len(), 33);
        assert_eq!(
            DidKey::new(KeyType::P256, p.public_key())
                .unwrap()
                .multikey(),
            P256_MK
        );
    }

    #[test]
    fn p384_multikey_of_the_w3c_vectors() {
        // The P-384 key of the W3C vc-di-ecdsa test vectors.
        const P384_MK: &str =
            "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ";
        let key = DidKey::from_multikey(P384_MK).unwrap();
        assert_eq!(key.key_type(), KeyType::P384);
        assert_eq!(key.public_key().len(), 49);
        assert!(matches!(key.public_key()[0], 0x02 | 0x03));
        assert_eq!(
            DidKey::new(KeyType::P384, key.public_key())
                .unwrap()
                .multikey(),
            P384_MK
        );
        let mut uncompressed = [4u8; 97];
        uncompressed[1] = 1;
        assert!(
            reason(DidKey::new(KeyType::P384, &uncompressed).unwrap_err()).contains("49 bytes")
        );
        let mut bad_tag = key.public_key().to_vec();
        bad_tag[0] = 0x04;
        assert!(reason(DidKey::new(KeyType::P384, &bad_tag).unwrap_err()).contains("P-384"));
        let private =
            multibase::encode_base58btc(&multicodec::encode(multicodec::P384_PRIV, &[1; 48]));
        assert!(reason(DidKey::from_multikey(&private).unwrap_err()).contains("private key"));
    }

    #[test]
    fn bls12_381_g2_multikey() {
        // The key of the W3C vc-di-bbs test vectors.
        const BLS_MK: &str = "zUC7DerdEmfZ8f4pFajXgGwJoMkV1ofMTmEG5UoNvnWiPiLuGKNeqgRpLH2TV4Xe5mJ2cXV76gRN7LFQwapF1VFu6x2yrr5ci1mXqC1WNUrnHnLgvfZfMH7h6xP6qsf9EKRQrPQ";
        let key = DidKey::from_multikey(BLS_MK).unwrap();
        assert_eq!(key.key_type(), KeyType::Bls12381G2);
        assert_eq!(key.public_key().len(), 96);
        assert_eq!(key.public_key()[..4], [0xa4, 0xef, 0x1a, 0xfa]);
        let again = DidKey::new(KeyType::Bls12381G2, key.public_key()).unwrap();
        assert_eq!(again.multikey(), BLS_MK);
    }

    #[test]
    fn parse_accepts_vm_id_with_matching_fragment_only() {
        let vm = format!("did:key:{ED_MK}#{ED_MK}");
        let key = DidKey::parse(&vm).unwrap();
        assert_eq!(key.verification_method_id().as_str(), vm);
        assert!(
            reason(DidKey::parse(&format!("did:key:{ED_MK}#key-1")).unwrap_err())
                .contains("fragment")
        );
        assert!(
            reason(DidKey::parse(&format!("did:key:{ED_MK}/p")).unwrap_err())
                .contains("only add a fragment")
        );
        assert_eq!(
            DidKey::parse("did:key:z6Mk#").unwrap_err().code(),
            "INVALID_DID_KEY"
        );
    }

    #[test]
    fn decoding_errors() {
        let wrong_method = DidKey::parse(&format!("did:example:{ED_MK}")).unwrap_err();
        assert!(reason(wrong_method).contains("not a did:key"));
        assert!(
            reason(DidKey::from_multikey(&ED_MK.replacen('z', "u", 1)).unwrap_err())
                .contains("base58btc")
        );
        assert!(reason(DidKey::from_multikey("z6MkO").unwrap_err()).contains("base58"));
        assert!(
            reason(DidKey::parse(&format!("did:key:1:{ED_MK}")).unwrap_err())
                .contains("single multibase")
        );
        let bls = multibase::encode_base58btc(&multicodec::encode(
            multicodec::BLS12_381_G2_PUB,
            &[0; 48],
        ));
        assert!(reason(DidKey::from_multikey(&bls).unwrap_err()).contains("96 bytes"));
        let private =
            multibase::encode_base58btc(&multicodec::encode(multicodec::ED25519_PRIV, &[0; 32]));
        assert!(reason(DidKey::from_multikey(&private).unwrap_err()).contains("private key"));
        let short =
            multibase::encode_base58btc(&multicodec::encode(multicodec::ED25519_PUB, &[0; 31]));
        assert!(reason(DidKey::from_multikey(&short).unwrap_err()).contains("32 bytes"));
        assert!(reason(DidKey::from_multikey("z").unwrap_err()).contains("multicodec"));
        assert_eq!(
            DidKey::parse("not a did").unwrap_err().code(),
            "INVALID_DID"
        );
    }

    #[test]
    fn document_shape() {
        let key = DidKey::from_multikey(ED_MK).unwrap();
        let did = format!("did:key:{ED_MK}");
        let vm_id = format!("{did}#{ED_MK}");
        let expected = json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [{
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": ED_MK,
            }],
            "authentication": [vm_id],
            "assertionMethod": [vm_id],
            "capabilityInvocation": [vm_id],
            "capabilityDelegation": [vm_id],
        });
        assert_eq!(key.did_document(), expected);
        // Key order is part of the output (preserve_order); keep it stable for byte-level fixtures.
        assert_eq!(
            serde_json::to_string(&key.did_document()).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
    }
}
