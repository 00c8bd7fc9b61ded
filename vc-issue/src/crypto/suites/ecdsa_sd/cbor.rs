//! The `proofValue` encodings of `ecdsa-sd-2023`: CBOR arrays tagged 0x5d00 (base proofs,
//! `u2V0A…`) and 0x5d01 (derived proofs, `u2V0B…`).

use std::collections::BTreeMap;

use ciborium::Value;

use crate::crypto::suites::selective::cbor::{
    bytes, decode, encode, pointers, text_array, uint, uint_array, uints, DecodeError,
};

const BASE_TAG: u64 = 0x5d00;
const DERIVED_TAG: u64 = 0x5d01;
/// `p256-pub` varint (0x80 0x24) + a 33-byte compressed point: the ephemeral proof key.
const PROOF_KEY_LEN: usize = 35;
/// A P-256 `r || s` signature (the ephemeral key's).
const QUAD_SIGNATURE_LEN: usize = 64;

/// The components of a base proof (what the issuer gives the holder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BaseProofValue {
    /// The issuer's P-256 signature over proof hash || proof key || mandatory hash (64 bytes).
    pub(super) base_signature: Vec<u8>,
    /// The ephemeral P-256 public key, multicodec-prefixed.
    pub(super) public_key: Vec<u8>,
    /// The HMAC key that relabels blank nodes (32 bytes).
    pub(super) hmac_key: Vec<u8>,
    /// The ephemeral key's signature of each non-mandatory quad, in canonical order.
    pub(super) signatures: Vec<Vec<u8>>,
    /// The issuer's mandatory JSON pointers.
    pub(super) mandatory_pointers: Vec<String>,
}

/// The components of a derived proof (what the verifier gets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DerivedProofValue {
    /// As in the base proof.
    pub(super) base_signature: Vec<u8>,
    /// As in the base proof.
    pub(super) public_key: Vec<u8>,
    /// The signatures of the disclosed non-mandatory quads, in canonical order.
    pub(super) signatures: Vec<Vec<u8>>,
    /// Canonical label `c14nN` of the reveal document → the HMAC digest of its issuer label.
    pub(super) label_map: BTreeMap<u64, Vec<u8>>,
    /// Positions of the mandatory quads among the revealed quads.
    pub(super) mandatory_indexes: Vec<u64>,
}

fn signature_array(signatures: &[Vec<u8>]) -> Value {
    Value::Array(signatures.iter().cloned().map(Value::Bytes).collect())
}

fn signatures(value: Value) -> Result<Vec<Vec<u8>>, DecodeError> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|item| bytes(item, QUAD_SIGNATURE_LEN, "quad signatures are 64 bytes"))
            .collect(),
        _ => Err("the signatures are an array"),
    }
}

fn base_signature(value: Value) -> Result<Vec<u8>, DecodeError> {
    match value {
        Value::Bytes(bytes) if bytes.len() == 64 => Ok(bytes),
        _ => Err("the base signature is 64 bytes"),
    }
}

impl BaseProofValue {
    /// `u2V0A…`.
    pub(super) fn encode(&self) -> Result<String, ciborium::ser::Error<std::io::Error>> {
        encode(
            BASE_TAG,
            Value::Array(vec![
                Value::Bytes(self.base_signature.clone()),
                Value::Bytes(self.public_key.clone()),
                Value::Bytes(self.hmac_key.clone()),
                signature_array(&self.signatures),
                pointers(&self.mandatory_pointers),
            ]),
        )
    }

    /// Decodes `u2V0A…`, checking the component sizes.
    pub(super) fn decode(proof_value: &str) -> Result<Self, DecodeError> {
        let items = decode(proof_value, BASE_TAG, "not an ecdsa-sd-2023 base proof")?;
        let [base, public_key, hmac_key, quad_signatures, mandatory] =
            <[Value; 5]>::try_from(items).map_err(|_| "a base proof has five components")?;
        Ok(Self {
            base_signature: base_signature(base)?,
            public_key: bytes(public_key, PROOF_KEY_LEN, "the proof key is 35 bytes")?,
            hmac_key: bytes(hmac_key, 32, "the HMAC key is 32 bytes")?,
            signatures: signatures(quad_signatures)?,
            mandatory_pointers: text_array(mandatory)?,
        })
    }
}

impl DerivedProofValue {
    /// `u2V0B…`.
    pub(super) fn encode(&self) -> Result<String, ciborium::ser::Error<std::io::Error>> {
        encode(
            DERIVED_TAG,
            Value::Array(vec![
                Value::Bytes(self.base_signature.clone()),
                Value::Bytes(self.public_key.clone()),
                signature_array(&self.signatures),
                Value::Map(
                    self.label_map
                        .iter()
                        .map(|(&k, v)| (k.into(), Value::Bytes(v.clone())))
                        .collect(),
                ),
                uints(&self.mandatory_indexes),
            ]),
        )
    }

    /// Decodes `u2V0B…`.
    pub(super) fn decode(proof_value: &str) -> Result<Self, DecodeError> {
        let items = decode(
            proof_value,
            DERIVED_TAG,
            "not an ecdsa-sd-2023 derived proof",
        )?;
        let [base, public_key, quad_signatures, label_map, mandatory] =
            <[Value; 5]>::try_from(items).map_err(|_| "a derived proof has five components")?;
        let Value::Map(entries) = label_map else {
            return Err("the label map is a map");
        };
        let mut map = BTreeMap::new();
        for (key, value) in entries {
            let digest = bytes(value, 32, "label map values are 32-byte HMAC digests")?;
            if map.insert(uint(key)?, digest).is_some() {
                return Err("the label map repeats a key");
            }
        }
        Ok(Self {
            base_signature: base_signature(base)?,
            public_key: bytes(public_key, PROOF_KEY_LEN, "the proof key is 35 bytes")?,
            signatures: signatures(quad_signatures)?,
            label_map: map,
            mandatory_indexes: uint_array(mandatory)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_prefixes() {
        let base = BaseProofValue {
            base_signature: vec![1; 64],
            public_key: vec![2; 35],
            hmac_key: vec![3; 32],
            signatures: vec![vec![4; 64], vec![5; 64]],
            mandatory_pointers: vec!["/issuer".into()],
        };
        let encoded = base.encode().unwrap();
        assert!(encoded.starts_with("u2V0A"), "{encoded}");
        assert_eq!(BaseProofValue::decode(&encoded).unwrap(), base);
        assert!(DerivedProofValue::decode(&encoded).is_err());
        let derived = DerivedProofValue {
            base_signature: vec![1; 64],
            public_key: vec![2; 35],
            signatures: vec![vec![4; 64]],
            label_map: [(0, vec![7; 32])].into_iter().collect(),
            mandatory_indexes: vec![0, 2],
        };
        let encoded = derived.encode().unwrap();
        assert!(encoded.starts_with("u2V0B"), "{encoded}");
        assert_eq!(DerivedProofValue::decode(&encoded).unwrap(), derived);
        assert!(BaseProofValue::decode(&encoded).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in ["", "u", "z2V0A", "u2V0A", "u2V0B", "u____", "u2V0BhQ"] {
            assert!(BaseProofValue::decode(input).is_err(), "{input}");
            assert!(DerivedProofValue::decode(input).is_err(), "{input}");
        }
    }
}
