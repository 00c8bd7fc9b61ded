//! The `proofValue` encodings of `bbs-2023`: `u` + base64url(no padding) of a CBOR array behind a
//! three-byte header (`d9 5d 02` for base proofs, `d9 5d 03` for derived proofs), which CBOR reads as
//! tag 0x5d02 / 0x5d03.

use std::collections::BTreeMap;

use ciborium::Value;

use crate::crypto::suites::selective::cbor::{
    bytes, decode, encode, pointers, text_array, uint, uint_array, uints, DecodeError,
};

/// The CBOR tag of a baseline base proof (`0xd9 0x5d 0x02` on the wire).
const BASE_TAG: u64 = 0x5d02;
/// The CBOR tag of a baseline derived proof (`0xd9 0x5d 0x03`).
const DERIVED_TAG: u64 = 0x5d03;

/// The components of a base proof (what the issuer gives the holder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BaseProofValue {
    /// The BBS signature (80 bytes).
    pub(super) signature: Vec<u8>,
    /// SHA-256(proof configuration) || SHA-256(mandatory N-Quads) (64 bytes).
    pub(super) header: Vec<u8>,
    /// The issuer's BLS12-381 G2 public key (96 bytes).
    pub(super) public_key: Vec<u8>,
    /// The HMAC key that relabels blank nodes (32 bytes).
    pub(super) hmac_key: Vec<u8>,
    /// The issuer's mandatory JSON pointers.
    pub(super) mandatory_pointers: Vec<String>,
}

/// The components of a derived proof (what the verifier gets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DerivedProofValue {
    /// The BBS proof.
    pub(super) proof: Vec<u8>,
    /// Canonical label `c14nN` of the reveal document → HMAC label `bM`, as `N → M`.
    pub(super) label_map: BTreeMap<u64, u64>,
    /// Positions of the mandatory quads among the revealed quads.
    pub(super) mandatory_indexes: Vec<u64>,
    /// Positions of the disclosed quads among the signed (non-mandatory) messages.
    pub(super) selective_indexes: Vec<u64>,
    /// The presentation header the proof is bound to.
    pub(super) presentation_header: Vec<u8>,
}

impl BaseProofValue {
    /// `u2V0C…`.
    pub(super) fn encode(&self) -> Result<String, ciborium::ser::Error<std::io::Error>> {
        let array = Value::Array(vec![
            Value::Bytes(self.signature.clone()),
            Value::Bytes(self.header.clone()),
            Value::Bytes(self.public_key.clone()),
            Value::Bytes(self.hmac_key.clone()),
            pointers(&self.mandatory_pointers),
        ]);
        encode(BASE_TAG, array)
    }

    /// Decodes `u2V0C…`, checking the component sizes.
    pub(super) fn decode(proof_value: &str) -> Result<Self, DecodeError> {
        let items = decode(proof_value, BASE_TAG, "not a bbs-2023 base proof")?;
        let [signature, header, public_key, hmac_key, pointers] =
            <[Value; 5]>::try_from(items).map_err(|_| "a base proof has five components")?;
        let value = Self {
            signature: bytes(signature, 80, "the BBS signature is 80 bytes")?,
            header: bytes(header, 64, "the BBS header is 64 bytes")?,
            public_key: bytes(public_key, 96, "the public key is 96 bytes")?,
            hmac_key: bytes(hmac_key, 32, "the HMAC key is 32 bytes")?,
            mandatory_pointers: text_array(pointers)?,
        };
        Ok(value)
    }
}

impl DerivedProofValue {
    /// `u2V0D…`.
    pub(super) fn encode(&self) -> Result<String, ciborium::ser::Error<std::io::Error>> {
        let array = Value::Array(vec![
            Value::Bytes(self.proof.clone()),
            Value::Map(
                self.label_map
                    .iter()
                    .map(|(&k, &v)| (k.into(), v.into()))
                    .collect(),
            ),
            uints(&self.mandatory_indexes),
            uints(&self.selective_indexes),
            Value::Bytes(self.presentation_header.clone()),
        ]);
        encode(DERIVED_TAG, array)
    }

    /// Decodes `u2V0D…`.
    pub(super) fn decode(proof_value: &str) -> Result<Self, DecodeError> {
        let items = decode(proof_value, DERIVED_TAG, "not a bbs-2023 derived proof")?;
        let [proof, label_map, mandatory, selective, header] =
            <[Value; 5]>::try_from(items).map_err(|_| "a derived proof has five components")?;
        let Value::Bytes(proof) = proof else {
            return Err("the BBS proof is a byte string");
        };
        let Value::Map(entries) = label_map else {
            return Err("the label map is a map");
        };
        let mut map = BTreeMap::new();
        for (key, value) in entries {
            if map.insert(uint(key)?, uint(value)?).is_some() {
                return Err("the label map repeats a key");
            }
        }
        let Value::Bytes(presentation_header) = header else {
            return Err("the presentation header is a byte string");
        };
        Ok(Self {
            proof,
            label_map: map,
            mandatory_indexes: uint_array(mandatory)?,
            selective_indexes: uint_array(selective)?,
            presentation_header,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_round_trip_and_prefix() {
        let value = BaseProofValue {
            signature: vec![1; 80],
            header: vec![2; 64],
            public_key: vec![3; 96],
            hmac_key: vec![4; 32],
            mandatory_pointers: vec!["/issuer".into()],
        };
        let encoded = value.encode().unwrap();
        assert!(encoded.starts_with("u2V0C"), "{encoded}");
        assert_eq!(BaseProofValue::decode(&encoded).unwrap(), value);
        assert!(DerivedProofValue::decode(&encoded).is_err());
    }

    #[test]
    fn derived_round_trip_and_prefix() {
        let value = DerivedProofValue {
            proof: vec![9; 304],
            label_map: [(0, 2), (1, 0)].into_iter().collect(),
            mandatory_indexes: vec![0, 1],
            selective_indexes: vec![3],
            presentation_header: vec![],
        };
        let encoded = value.encode().unwrap();
        assert!(encoded.starts_with("u2V0D"), "{encoded}");
        assert_eq!(DerivedProofValue::decode(&encoded).unwrap(), value);
        assert!(BaseProofValue::decode(&encoded).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in ["", "u", "z2V0C", "u2V0C", "u2V0D", "u____", "u2V0DhQ"] {
            assert!(BaseProofValue::decode(input).is_err(), "{input}");
            assert!(DerivedProofValue::decode(input).is_err(), "{input}");
        }
    }
}
