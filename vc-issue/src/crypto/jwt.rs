//! `vc+jwt`: credentials secured as JWTs.
//!
//! - VC 2.0: VC-JOSE-COSE, header `{"alg", "typ": "vc+jwt", "cty": "vc", "kid"}`, the credential
//!   itself as the payload, plus the registered claims `iss`, `jti`, `sub`, `nbf`, `exp`, `iat`.
//! - VC 1.1: VC-JWT, header `{"alg", "typ": "JWT", "kid"}`, payload `{"iss", "sub", "jti", "nbf",
//!   "exp", "iat", "vc": credential}`.
//!
//! The signing input is assembled here and signed through the async [`Signer`], because the key may
//! live in a KMS that josekit cannot reach; Ed25519 and P-256 (`r || s`) signatures are already in
//! the JWS encodings. Verification uses josekit's verifiers, an implementation independent of ours.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use josekit::jwk::Jwk;
use josekit::jws::{self, JwsVerifier};
use serde_json::{json, Map, Value};
use vc_core::did_key::KeyType;
use vc_core::{Credential, DataModelVersion, DidUrl, PublicKey};

use crate::crypto::signer::Signer;
use crate::crypto::verify::VerifyError;
use crate::error::IssueError;

/// Signs `credential` as a compact JWS with the key of `verification_method`.
pub async fn sign(
    credential: &Credential,
    verification_method: &DidUrl,
    signer: &dyn Signer,
) -> Result<String, IssueError> {
    let version = credential.version().unwrap_or_default();
    let header = match version {
        DataModelVersion::V1 => {
            json!({"alg": signer.algorithm().jws_name(), "typ": "JWT", "kid": verification_method})
        }
        _ => {
            json!({"alg": signer.algorithm().jws_name(), "typ": "vc+jwt", "cty": "vc", "kid": verification_method})
        }
    };
    let payload = payload(credential, version)?;
    let input = format!("{}.{}", encode_json(&header)?, encode_json(&payload)?);
    let signature =
        signer
            .sign(input.as_bytes())
            .await
            .map_err(|source| IssueError::SigningFailed {
                source: Some(source),
            })?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// Verifies a `vc+jwt` (or VC-JWT 1.1) with `key` and returns the credential it carries.
pub fn verify(jwt: &str, key: &PublicKey) -> Result<Credential, VerifyError> {
    let verifier = verifier(key)?;
    let (payload, _header) = jws::deserialize_compact(jwt, verifier.as_ref())
        .map_err(|_| VerifyError::InvalidSignature)?;
    let payload = vc_core::parse::parse_value(&payload, &vc_core::ParseLimits::default())
        .map_err(|_| malformed("payload is not JSON within the parse limits"))?;
    let credential = match payload.get("vc") {
        Some(vc) => vc.clone(),
        None => strip_registered_claims(payload),
    };
    Credential::from_value(credential).map_err(|_| malformed("payload is not a credential"))
}

/// The `kid` of a JWT's header, without verifying anything (to find the key to verify with).
pub fn key_id(jwt: &str) -> Result<String, VerifyError> {
    let header = jwt
        .split('.')
        .next()
        .ok_or_else(|| malformed("not a compact JWS"))?;
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| malformed("header is not base64url"))?;
    let header = vc_core::parse::parse_value(&header, &vc_core::ParseLimits::default())
        .map_err(|_| malformed("header is not JSON within the parse limits"))?;
    header["kid"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| malformed("no kid"))
}

const REGISTERED: [&str; 6] = ["iss", "jti", "sub", "nbf", "exp", "iat"];

fn payload(credential: &Credential, version: DataModelVersion) -> Result<Value, IssueError> {
    let mut claims = Map::new();
    if let Some(issuer) = credential.issuer_id() {
        claims.insert("iss".into(), issuer.into());
    }
    if let Some(id) = &credential.id {
        claims.insert("jti".into(), id.as_str().into());
    }
    if let Some(subject) = credential.subjects().first().and_then(|s| s.id.as_deref()) {
        claims.insert("sub".into(), subject.into());
    }
    if let Some(from) = credential
        .valid_from_or_issued()
        .and_then(|t| t.instant().ok())
    {
        claims.insert("nbf".into(), from.unix_timestamp().into());
        claims.insert("iat".into(), from.unix_timestamp().into());
    }
    if let Some(until) = credential
        .valid_until_or_expires()
        .and_then(|t| t.instant().ok())
    {
        claims.insert("exp".into(), until.unix_timestamp().into());
    }
    let vc = credential.to_value()?;
    match (version, vc) {
        (DataModelVersion::V1, vc) => {
            claims.insert("vc".into(), vc);
        }
        (_, Value::Object(vc)) => {
            // VC-JOSE-COSE: the credential is the claim set; registered claims sit beside it.
            let mut merged = vc;
            merged.extend(claims);
            return Ok(Value::Object(merged));
        }
        _ => {
            return Err(IssueError::Internal {
                context: "jwt payload",
                source: None,
            })
        }
    }
    Ok(Value::Object(claims))
}

fn strip_registered_claims(mut payload: Value) -> Value {
    if let Some(object) = payload.as_object_mut() {
        for claim in REGISTERED {
            object.remove(claim);
        }
    }
    payload
}

fn encode_json(value: &Value) -> Result<String, IssueError> {
    let bytes = serde_json::to_vec(value).map_err(|e| IssueError::internal("jwt encoding", e))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn verifier(key: &PublicKey) -> Result<Box<dyn JwsVerifier>, VerifyError> {
    let jwk = public_jwk(key)?;
    let verifier: Box<dyn JwsVerifier> = match key.key_type() {
        KeyType::Ed25519 => Box::new(
            jws::EdDSA
                .verifier_from_jwk(&jwk)
                .map_err(|_| malformed("bad key"))?,
        ),
        KeyType::P256 => Box::new(
            jws::ES256
                .verifier_from_jwk(&jwk)
                .map_err(|_| malformed("bad key"))?,
        ),
        _ => {
            return Err(VerifyError::UnsupportedSuite {
                suite: "vc+jwt".into(),
            })
        }
    };
    Ok(verifier)
}

/// The public JWK of a key (P-256 points are decompressed, as JWK requires both coordinates).
pub fn public_jwk(key: &PublicKey) -> Result<Jwk, VerifyError> {
    let value = match key.key_type() {
        KeyType::Ed25519 => {
            json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(key.as_bytes())})
        }
        KeyType::P256 => {
            let point = p256::PublicKey::from_sec1_bytes(key.as_bytes())
                .map_err(|_| malformed("bad P-256 key"))?;
            let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&point, false);
            let (x, y) = (
                point.x().ok_or_else(|| malformed("bad P-256 key"))?,
                point.y().ok_or_else(|| malformed("bad P-256 key"))?,
            );
            json!({"kty": "EC", "crv": "P-256", "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y)})
        }
        _ => {
            return Err(VerifyError::UnsupportedSuite {
                suite: "vc+jwt".into(),
            })
        }
    };
    let Value::Object(map) = value else {
        return Err(malformed("bad key"));
    };
    Jwk::from_map(map).map_err(|_| malformed("bad key"))
}

fn malformed(reason: &str) -> VerifyError {
    VerifyError::MalformedProof {
        reason: reason.to_owned(),
    }
}
