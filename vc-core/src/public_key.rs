//! Public keys as verification methods publish them: Multikey (`publicKeyMultibase`) or JWK.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use crate::did_key::{DidKey, KeyType};
use crate::error::{Error, Result};

/// A public key with its type: 32 bytes for Ed25519, a 33-byte (49-byte) compressed SEC1 point
/// for P-256 (P-384), a 96-byte compressed G2 point for BLS12-381 (BBS).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    key_type: KeyType,
    bytes: Vec<u8>,
}

impl PublicKey {
    /// Checks the length (and, for P-256 and P-384, the compressed-point prefix) of `bytes`.
    pub fn new(key_type: KeyType, bytes: &[u8]) -> Result<Self> {
        // The checks of `DidKey::new`, without the base58 encoding it would also do (a
        // measurable part of issuing an SD-JWT VC, which builds a key per holder).
        key_type.check(bytes).map_err(crate::did_key::invalid)?;
        Ok(Self {
            key_type,
            bytes: bytes.to_vec(),
        })
    }

    /// Decodes a Multikey `publicKeyMultibase` value (`z` + base58btc(multicodec || key)).
    pub fn from_multikey(multikey: &str) -> Result<Self> {
        DidKey::from_multikey(multikey).map(|key| Self::from(&key))
    }

    /// Decodes an Ed25519 (`OKP`), P-256 or P-384 (`EC`) public JWK.
    pub fn from_jwk(jwk: &Value) -> Result<Self> {
        let field = |name: &str| jwk.get(name).and_then(Value::as_str);
        let b64 = |name: &str| -> Result<Vec<u8>> {
            let text = field(name).ok_or_else(|| jwk_error(format!("missing `{name}`")))?;
            URL_SAFE_NO_PAD
                .decode(text)
                .map_err(|_| jwk_error(format!("`{name}` is not base64url")))
        };
        match (field("kty"), field("crv")) {
            (Some("OKP"), Some("Ed25519")) => Self::new(KeyType::Ed25519, &b64("x")?),
            (Some("EC"), Some(crv @ ("P-256" | "P-384"))) => {
                let key_type = if crv == "P-256" {
                    KeyType::P256
                } else {
                    KeyType::P384
                };
                let (x, y) = (b64("x")?, b64("y")?);
                let coordinate = key_type.public_key_len() - 1;
                if x.len() != coordinate || y.len() != coordinate {
                    return Err(jwk_error(format!(
                        "{crv} coordinates must be {coordinate} bytes"
                    )));
                }
                // SEC1 compression: the prefix carries the parity of y.
                let parity = y.last().map_or(0, |b| b & 1);
                let mut compressed = Vec::with_capacity(1 + coordinate);
                compressed.push(0x02 | parity);
                compressed.extend_from_slice(&x);
                Self::new(key_type, &compressed)
            }
            _ => Err(jwk_error(
                "unsupported kty/crv (Ed25519 OKP, P-256 and P-384 EC are supported)".into(),
            )),
        }
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The Multikey encoding of the key.
    pub fn to_multikey(&self) -> String {
        DidKey::new(self.key_type, &self.bytes)
            .map(|key| key.multikey())
            .unwrap_or_default()
    }
}

impl From<&DidKey> for PublicKey {
    fn from(key: &DidKey) -> Self {
        Self {
            key_type: key.key_type(),
            bytes: key.public_key().to_vec(),
        }
    }
}

fn jwk_error(reason: String) -> Error {
    Error::InvalidDidKey {
        reason: format!("invalid public JWK: {reason}"),
    }
}
