//! Key proofs (OpenID4VCI 1.0 §8.2.1.1 and Appendix F.1): a JWT of `typ`
//! `openid4vci-proof+jwt`, signed by the key the credential is bound to, for this issuer
//! (`aud`), now (`iat`), and with a fresh `c_nonce`. The key is named by exactly one of `jwk`,
//! `kid` (a `did:key` or `did:jwk` DID URL) or `x5c` (a certificate chain up to a trust anchor
//! of the issuer, whose leaf certifies the key).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use josekit::jws;
use openssl::x509::X509;
use serde_json::Value;
use time::OffsetDateTime;
use vc_core::did_key::{DidKey, KeyType};
use vc_core::{Did, DidUrl, ParseLimits, PublicKey};

use super::error::Oid4vciError;
use crate::crypto::x509::Chain;
use crate::pipeline::resolver::DidJwkResolver;

/// The `typ` a key proof's header must carry.
pub const PROOF_TYP: &str = "openid4vci-proof+jwt";

/// The JWS algorithms key proofs may use (what `proof_signing_alg_values_supported` says).
pub const PROOF_ALGS: [&str; 3] = ["ES256", "ES384", "EdDSA"];

/// The longest key proof read (8 KiB): a proof is a header with a key, three claims and a
/// signature, well under 1 KiB.
pub const MAX_PROOF_LEN: usize = 8 * 1024;

/// How far in the future a proof's `iat` may be (clock skew between wallet and issuer).
const FUTURE_SKEW: time::Duration = time::Duration::seconds(60);

/// How a JWT may name the key that signed it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyNames<'a> {
    /// Only by `jwk` (a DPoP proof, RFC 9449 §4.2).
    Jwk,
    /// By `jwk`, by a `did:key`/`did:jwk` `kid`, or by an `x5c` chain that leads, at `now`, to
    /// one of `x5c_anchors` (none: `x5c` is refused).
    Any {
        /// The certificates the issuer trusts for `x5c` chains.
        x5c_anchors: &'a [X509],
        /// When the chain must be valid.
        now: OffsetDateTime,
    },
}

/// A key proof that verified: the holder it binds the credential to, and its nonce.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VerifiedProof {
    /// The DID of the proof key: `did:key` for a `jwk` header, the DID of a `kid`.
    pub(crate) holder: Did,
    /// The proof key itself (what an SD-JWT VC's `cnf` carries).
    pub(crate) key: PublicKey,
    /// The `nonce` claim.
    pub(crate) nonce: Option<String>,
}

/// A JWT whose signature verified with the key its header names.
pub(crate) struct Opened {
    /// The key that signed it.
    pub(crate) key: PublicKey,
    /// The DID of that key: `did:key` for a `jwk` header, the DID of a `kid`.
    pub(crate) holder: Did,
    /// Its claims.
    pub(crate) claims: Value,
}

/// Verifies `jwt` as a key proof for the credential issuer `audience` at `now`, with an `iat`
/// no older than `max_age`, an `x5c` chain leading to one of `x5c_anchors`.
pub(crate) fn verify(
    jwt: &str,
    audience: &str,
    now: OffsetDateTime,
    max_age: time::Duration,
    x5c_anchors: &[X509],
) -> Result<VerifiedProof, Oid4vciError> {
    let Opened {
        holder,
        claims,
        key,
    } = open(jwt, PROOF_TYP, KeyNames::Any { x5c_anchors, now })?;
    check_audience(&claims, audience)?;
    check_issued_at(&claims, now, max_age)?;
    let nonce = match claims.get("nonce") {
        None => None,
        Some(Value::String(nonce)) => Some(nonce.clone()),
        Some(_) => {
            return Err(Oid4vciError::invalid_proof(
                "the proof's nonce is not a string",
            ))
        }
    };
    Ok(VerifiedProof { holder, key, nonce })
}

/// Checks the header (`typ`, an algorithm of [`PROOF_ALGS`] that fits the key, the key named as
/// `names` allows) and the signature of `jwt`. Errors are `invalid_proof`.
pub(crate) fn open(jwt: &str, typ: &str, names: KeyNames<'_>) -> Result<Opened, Oid4vciError> {
    if jwt.len() > MAX_PROOF_LEN {
        return Err(Oid4vciError::invalid_proof("the proof is too long"));
    }
    let header = decode_part(jwt.split('.').next().unwrap_or_default(), "header")?;
    if header.get("typ").and_then(Value::as_str) != Some(typ) {
        return Err(Oid4vciError::invalid_proof(format!(
            "the proof's typ must be {typ}"
        )));
    }
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !PROOF_ALGS.contains(&alg) {
        return Err(Oid4vciError::invalid_proof(
            "the proof's alg must be ES256, ES384 or EdDSA",
        ));
    }
    let named = (header.get("jwk"), header.get("kid"), header.get("x5c"));
    let (key, holder) = match (names, named) {
        (_, (Some(jwk), None, None)) => key_of_jwk(jwk)?,
        (KeyNames::Any { .. }, (None, Some(Value::String(kid)), None)) => key_of_kid(kid)?,
        (KeyNames::Any { x5c_anchors, now }, (None, None, Some(x5c))) => {
            key_of_x5c(x5c, x5c_anchors, now)?
        }
        (KeyNames::Any { .. }, _) => {
            return Err(Oid4vciError::invalid_proof(
                "the proof names its key with exactly one of jwk, kid or x5c",
            ))
        }
        (KeyNames::Jwk, _) => {
            return Err(Oid4vciError::invalid_proof(
                "the proof carries its key as jwk, and only so",
            ))
        }
    };
    let expected_alg = match key.key_type() {
        KeyType::Ed25519 => "EdDSA",
        KeyType::P256 => "ES256",
        KeyType::P384 => "ES384",
        _ => "",
    };
    if alg != expected_alg {
        return Err(Oid4vciError::invalid_proof(
            "the proof's alg does not fit its key",
        ));
    }
    let verifier = crate::crypto::jwt::verifier(&key)
        .map_err(|_| Oid4vciError::invalid_proof("the proof key is not usable"))?;
    let (payload, _) = jws::deserialize_compact(jwt, verifier.as_ref())
        .map_err(|_| Oid4vciError::invalid_proof("the proof's signature does not verify"))?;
    let claims = vc_core::parse::parse_value(&payload, &ParseLimits::default())
        .map_err(|_| Oid4vciError::invalid_proof("the proof's payload is not a JSON object"))?;
    if !claims.is_object() {
        return Err(Oid4vciError::invalid_proof(
            "the proof's payload is not a JSON object",
        ));
    }
    Ok(Opened {
        key,
        holder,
        claims,
    })
}

fn decode_part(part: &str, what: &str) -> Result<Value, Oid4vciError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Oid4vciError::invalid_proof(format!("the proof's {what} is not base64url")))?;
    let value = vc_core::parse::parse_value(&bytes, &ParseLimits::default())
        .map_err(|_| Oid4vciError::invalid_proof(format!("the proof's {what} is not JSON")))?;
    if !value.is_object() {
        return Err(Oid4vciError::invalid_proof(format!(
            "the proof's {what} is not a JSON object"
        )));
    }
    Ok(value)
}

/// A `jwk` header: a public key (never a private one), bound as its `did:key`.
fn key_of_jwk(jwk: &Value) -> Result<(PublicKey, Did), Oid4vciError> {
    if jwk.get("d").is_some() {
        return Err(Oid4vciError::invalid_proof(
            "the proof's jwk contains a private key",
        ));
    }
    let key = PublicKey::from_jwk(jwk).map_err(|_| {
        Oid4vciError::invalid_proof("the proof's jwk is not an Ed25519 or P-256 key")
    })?;
    let did = DidKey::new(key.key_type(), key.as_bytes())
        .map_err(|_| Oid4vciError::invalid_proof("the proof's jwk is not a usable key"))?
        .did();
    Ok((key, did))
}

/// An `x5c` header: a chain of certificates, leaf first, that leads at `now` to one of
/// `anchors`; the leaf's key (Ed25519, P-256 or P-384), bound as its `did:key` as a `jwk` is.
fn key_of_x5c(
    x5c: &Value,
    anchors: &[X509],
    now: OffsetDateTime,
) -> Result<(PublicKey, Did), Oid4vciError> {
    // An unverified chain would let anyone claim a certificate: refused, never accepted as a
    // bare key.
    if anchors.is_empty() {
        return Err(Oid4vciError::invalid_proof(
            "x5c proof keys are not accepted: this issuer trusts no certificate authority for them",
        ));
    }
    // The reasons name the x5c and what is wrong with it.
    let bad = Oid4vciError::invalid_proof;
    let chain = Chain::from_header(x5c).map_err(bad)?;
    chain.verify(anchors, now.unix_timestamp()).map_err(bad)?;
    let key = chain.leaf_key().map_err(bad)?;
    let did = DidKey::new(key.key_type(), key.as_bytes())
        .map_err(|_| Oid4vciError::invalid_proof("the proof's certified key is not usable"))?
        .did();
    Ok((key, did))
}

/// A `kid` header: a DID URL of `did:key` or `did:jwk`, bound as that DID.
fn key_of_kid(kid: &str) -> Result<(PublicKey, Did), Oid4vciError> {
    let url = DidUrl::parse(kid)
        .map_err(|_| Oid4vciError::invalid_proof("the proof's kid is not a DID URL"))?;
    let did = url.to_did();
    let key = match did.method() {
        "key" => {
            let key = DidKey::parse(kid)
                .map_err(|_| Oid4vciError::invalid_proof("the proof's kid is not a did:key key"))?;
            PublicKey::new(key.key_type(), key.public_key())
                .map_err(|_| Oid4vciError::invalid_proof("the proof's kid is not a usable key"))?
        }
        "jwk" => {
            if url.fragment().is_some_and(|f| f != "0") {
                return Err(Oid4vciError::invalid_proof(
                    "a did:jwk kid's fragment must be #0",
                ));
            }
            key_of_did_jwk(&did)?
        }
        _ => {
            return Err(Oid4vciError::invalid_proof(
                "the proof's kid must be a did:key or did:jwk DID URL",
            ))
        }
    };
    Ok((key, did))
}

/// The key of a `did:jwk`: its document's one verification method (see [`DidJwkResolver`]).
fn key_of_did_jwk(did: &Did) -> Result<PublicKey, Oid4vciError> {
    let bad = || Oid4vciError::invalid_proof("the proof's did:jwk does not hold a public JWK");
    let resolved = DidJwkResolver::resolve_now(did).ok_or_else(bad)?;
    let method = resolved
        .document
        .verification_method
        .first()
        .ok_or_else(bad)?;
    method.public_key().map_err(|_| bad())
}

fn check_audience(claims: &Value, audience: &str) -> Result<(), Oid4vciError> {
    let matches = match claims.get("aud") {
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !matches {
        return Err(Oid4vciError::invalid_proof(
            "the proof's aud is not this credential issuer",
        ));
    }
    Ok(())
}

pub(crate) fn check_issued_at(
    claims: &Value,
    now: OffsetDateTime,
    max_age: time::Duration,
) -> Result<(), Oid4vciError> {
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or_else(|| Oid4vciError::invalid_proof("the proof has no numeric iat"))?;
    let iat = OffsetDateTime::from_unix_timestamp(iat)
        .map_err(|_| Oid4vciError::invalid_proof("the proof's iat is out of range"))?;
    if iat > now + FUTURE_SKEW || iat < now - max_age {
        return Err(Oid4vciError::invalid_proof(
            "the proof's iat is outside the accepted window",
        ));
    }
    Ok(())
}
