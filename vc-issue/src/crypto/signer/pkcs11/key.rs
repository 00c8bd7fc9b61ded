//! The key on the token: how the host names it, finding its objects, and reading its public
//! key and signatures in the forms the suites use.

use std::fmt;

use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use ecdsa::elliptic_curve::sec1::ToEncodedPoint;
use vc_core::did_key::KeyType as DidKeyType;
use vc_core::PublicKey;

use super::error::Pkcs11Error;
use crate::crypto::signer::SignatureAlgorithm;

/// Which key on the token signs: its `CKA_LABEL` or its `CKA_ID`. The private key and its public
/// key object must both carry it (as `pkcs11-tool --keypairgen` and most HSM tools make them).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySelector {
    /// The key's label (`CKA_LABEL`).
    Label(String),
    /// The key's id (`CKA_ID`), bytes.
    Id(Vec<u8>),
}

impl KeySelector {
    fn attribute(&self) -> Attribute {
        match self {
            KeySelector::Label(label) => Attribute::Label(label.as_bytes().to_vec()),
            KeySelector::Id(id) => Attribute::Id(id.clone()),
        }
    }
}

impl fmt::Display for KeySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySelector::Label(label) => write!(f, "label {label:?}"),
            KeySelector::Id(id) => {
                f.write_str("id ")?;
                id.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
            }
        }
    }
}

/// The one object of `class` that `selector` names, if there is one.
pub(super) fn find_one(
    session: &Session,
    class: ObjectClass,
    selector: &KeySelector,
) -> Result<Option<ObjectHandle>, Pkcs11Error> {
    let found = session
        .find_objects(&[Attribute::Class(class), selector.attribute()])
        .map_err(Pkcs11Error::call)?;
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        more => Err(Pkcs11Error::KeyAmbiguous {
            key: selector.to_string(),
            count: more.len(),
        }),
    }
}

/// The private key `selector` names.
pub(super) fn private_key(
    session: &Session,
    selector: &KeySelector,
) -> Result<ObjectHandle, Pkcs11Error> {
    find_one(session, ObjectClass::PRIVATE_KEY, selector)?.ok_or_else(|| Pkcs11Error::KeyNotFound {
        key: selector.to_string(),
    })
}

// DER of the curves' object identifiers (RFC 5480, RFC 8410) and of the printable string that
// PKCS#11 3.0 also allows for Edwards curves.
const P256_OID: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_OID: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
const ED25519_NAME: &[u8] = b"\x13\x0cedwards25519";

/// The algorithm the private key signs with, from its `CKA_KEY_TYPE` and `CKA_EC_PARAMS`.
pub(super) fn algorithm(
    session: &Session,
    key: ObjectHandle,
    selector: &KeySelector,
) -> Result<SignatureAlgorithm, Pkcs11Error> {
    let attributes = session
        .get_attributes(key, &[AttributeType::KeyType, AttributeType::EcParams])
        .map_err(Pkcs11Error::call)?;
    let mut key_type = None;
    let mut params = None;
    for attribute in attributes {
        match attribute {
            Attribute::KeyType(found) => key_type = Some(found),
            Attribute::EcParams(found) => params = Some(found),
            _ => {}
        }
    }
    let unsupported = |found: String| Pkcs11Error::UnsupportedKey {
        key: selector.to_string(),
        found,
    };
    let key_type = key_type.ok_or_else(|| unsupported("a key without a key type".into()))?;
    let params = params.as_deref();
    if key_type == KeyType::EC {
        match params {
            Some(P256_OID) => Ok(SignatureAlgorithm::EcdsaP256Sha256),
            Some(P384_OID) => Ok(SignatureAlgorithm::EcdsaP384Sha384),
            _ => Err(unsupported("an EC key on another curve".into())),
        }
    } else if key_type == KeyType::EC_EDWARDS {
        // Some tokens leave the curve of an Edwards key implicit; Ed448 says so.
        match params {
            None | Some(ED25519_OID | ED25519_NAME) => Ok(SignatureAlgorithm::Ed25519),
            Some(_) => Err(unsupported(
                "an Edwards key on another curve (Ed448?)".into(),
            )),
        }
    } else {
        Err(unsupported(format!("a {key_type} key")))
    }
}

/// The public key of the pair, from the public key object's `CKA_EC_POINT`, checked to lie on
/// the curve and put in the form the verification methods publish (compressed for SEC1).
pub(super) fn public_key(
    session: &Session,
    selector: &KeySelector,
    algorithm: SignatureAlgorithm,
) -> Result<PublicKey, Pkcs11Error> {
    let handle = find_one(session, ObjectClass::PUBLIC_KEY, selector)?.ok_or_else(|| {
        Pkcs11Error::PublicKeyNotFound {
            key: selector.to_string(),
        }
    })?;
    let invalid = |reason| Pkcs11Error::PublicKeyInvalid {
        key: selector.to_string(),
        reason,
    };
    let point = session
        .get_attributes(handle, &[AttributeType::EcPoint])
        .map_err(Pkcs11Error::call)?
        .into_iter()
        .find_map(|attribute| match attribute {
            Attribute::EcPoint(point) => Some(point),
            _ => None,
        })
        .ok_or_else(|| invalid("it has no CKA_EC_POINT"))?;
    // CKA_EC_POINT is a DER OCTET STRING around the point, which some tokens leave out: the
    // unwrapped reading is tried first, and the raw bytes when it does not decode.
    let unwrapped = match point.as_slice() {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() => Some(rest),
        _ => None,
    };
    let decoded = unwrapped
        .and_then(|bytes| decode_point(algorithm, bytes))
        .or_else(|| decode_point(algorithm, &point));
    decoded.ok_or_else(|| invalid("its CKA_EC_POINT is not a point of the key's curve"))
}

fn decode_point(algorithm: SignatureAlgorithm, bytes: &[u8]) -> Option<PublicKey> {
    let (key_type, compressed) = match algorithm {
        SignatureAlgorithm::Ed25519 => {
            let bytes: &[u8; 32] = bytes.try_into().ok()?;
            ed25519_dalek::VerifyingKey::from_bytes(bytes).ok()?;
            (DidKeyType::Ed25519, bytes.to_vec())
        }
        SignatureAlgorithm::EcdsaP256Sha256 => {
            let point = p256::PublicKey::from_sec1_bytes(bytes).ok()?;
            (
                DidKeyType::P256,
                point.to_encoded_point(true).as_bytes().to_vec(),
            )
        }
        SignatureAlgorithm::EcdsaP384Sha384 => {
            let point = p384::PublicKey::from_sec1_bytes(bytes).ok()?;
            (
                DidKeyType::P384,
                point.to_encoded_point(true).as_bytes().to_vec(),
            )
        }
        _ => return None,
    };
    PublicKey::new(key_type, &compressed).ok()
}

/// A signature from the token in the suites' form: Ed25519's 64 bytes, ECDSA's `r || s` (which
/// PKCS#11 prescribes; a token that answers in DER is read too). `None` if it is neither.
pub(super) fn signature(algorithm: SignatureAlgorithm, signature: Vec<u8>) -> Option<Vec<u8>> {
    match algorithm {
        SignatureAlgorithm::Ed25519 => (signature.len() == 64).then_some(signature),
        SignatureAlgorithm::EcdsaP256Sha256 if signature.len() == 64 => Some(signature),
        SignatureAlgorithm::EcdsaP384Sha384 if signature.len() == 96 => Some(signature),
        SignatureAlgorithm::EcdsaP256Sha256 => p256::ecdsa::Signature::from_der(&signature)
            .ok()
            .map(|s| s.to_bytes().to_vec()),
        SignatureAlgorithm::EcdsaP384Sha384 => p384::ecdsa::Signature::from_der(&signature)
            .ok()
            .map(|s| s.to_bytes().to_vec()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_der_ecdsa_signature_reads_as_r_s() {
        let key = p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap();
        let signed: p256::ecdsa::Signature =
            ecdsa::signature::Signer::sign(&key, b"message".as_slice());
        let der = signed.to_der().as_bytes().to_vec();
        assert_eq!(
            signature(SignatureAlgorithm::EcdsaP256Sha256, der),
            Some(signed.to_bytes().to_vec())
        );
        assert_eq!(
            signature(SignatureAlgorithm::EcdsaP256Sha256, vec![0; 63]),
            None
        );
        assert_eq!(signature(SignatureAlgorithm::Ed25519, vec![0; 63]), None);
    }

    #[test]
    fn ec_points_decode_wrapped_or_raw_and_off_curve_points_do_not() {
        let key = p384::SecretKey::from_slice(&[9; 48]).unwrap().public_key();
        let raw = key.to_encoded_point(false).as_bytes().to_vec();
        let expected = key.to_encoded_point(true).as_bytes().to_vec();
        let decoded = decode_point(SignatureAlgorithm::EcdsaP384Sha384, &raw).unwrap();
        assert_eq!(decoded.as_bytes(), expected.as_slice());
        let mut off_curve = raw.clone();
        off_curve[60] ^= 1;
        assert!(decode_point(SignatureAlgorithm::EcdsaP384Sha384, &off_curve).is_none());
        assert!(decode_point(SignatureAlgorithm::EcdsaP256Sha256, &raw).is_none());
    }

    #[test]
    fn selectors_print_labels_quoted_and_ids_in_hex() {
        assert_eq!(
            KeySelector::Label("issuer".into()).to_string(),
            "label \"issuer\""
        );
        assert_eq!(KeySelector::Id(vec![0x0a, 0xff]).to_string(), "id 0aff");
    }
}
