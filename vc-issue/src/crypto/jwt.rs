//! `vc+jwt`: credentials (and presentations) secured as JWTs, the [`VcJwtSuite`].
//!
//! - VC 2.0: VC-JOSE-COSE, header `{"alg", "typ": "vc+jwt", "cty": "vc", "kid"}`, the credential
//!   itself as the payload, plus the registered claims `iss`, `jti`, `sub`, `nbf`, `exp`, `iat`.
//! - VC 1.1: VC-JWT, header `{"alg", "typ": "JWT", "kid"}`, payload `{"iss", "sub", "jti", "nbf",
//!   "exp", "iat", "vc": credential}`.
//!
//! A presentation is enveloped the same way as `vp+jwt` (`"cty": "vp"`, the 1.1 payload under
//! `vp`), its `holder` as `iss`.
//!
//! The signing input is assembled here and signed through the async [`Signer`], because the key may
//! live in a KMS that josekit cannot reach; Ed25519 and P-256 (`r || s`) signatures are already in
//! the JWS encodings. Verification uses josekit's verifiers, an implementation independent of ours.

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use josekit::jwk::Jwk;
use josekit::jws::{self, JwsVerifier};
use serde_json::{json, Map, Value};
use vc_core::did_key::KeyType;
use vc_core::presentation::VERIFIABLE_PRESENTATION;
use vc_core::{Credential, DataModelVersion, DateTime, DidUrl, PublicKey};

use crate::crypto::jws_verifier::KeyVerifier;
use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::SecuredDocument;
use crate::crypto::signer::EcdsaCurve;
use crate::crypto::signer::Signer;
use crate::crypto::suites::{EnvelopingSuite, ProofOptions};
use crate::crypto::verify::{CredentialVerifier, VerifyError};
use crate::error::IssueError;

/// `vc+jwt` as a suite of the registry ([`Suites::default`](crate::Suites) has it); Ed25519
/// (`EdDSA`), P-256 (`ES256`) and P-384 (`ES384`) keys.
#[derive(Debug, Clone, Copy, Default)]
pub struct VcJwtSuite;

#[async_trait]
impl EnvelopingSuite for VcJwtSuite {
    fn proof_type(&self) -> ProofType {
        ProofType::VcJwt
    }

    fn accepts(&self, key_type: KeyType) -> bool {
        matches!(key_type, KeyType::Ed25519 | KeyType::P256 | KeyType::P384)
    }

    async fn envelop(
        &self,
        document: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<String, IssueError> {
        sign_document(document, &options.verification_method, signer).await
    }

    fn key_id(&self, envelope: &str) -> Result<String, VerifyError> {
        key_id(envelope)
    }

    fn open(&self, envelope: &str, key: &PublicKey) -> Result<Value, VerifyError> {
        open(envelope, key)
    }
}

// The `jwt` feature adds `verify_jwt` to the verifier here, so that the feature gates this file
// alone.
impl CredentialVerifier {
    /// Verifies a `vc+jwt` (or VC-JWT 1.1): the `kid` must be an `assertionMethod` of the issuer
    /// named in the payload. Returns the credential it carries.
    pub async fn verify_jwt(&self, jwt: &str) -> Result<Credential, VerifyError> {
        let kid = key_id(jwt)?;
        let method = DidUrl::parse(&kid).map_err(|_| VerifyError::MalformedProof {
            reason: "kid is not a DID URL".into(),
        })?;
        let document = self.resolve(&method.to_did()).await?;
        let key = document
            .assertion_methods()
            .into_iter()
            .find(|m| document.absolute_id(&m.id) == method.as_str())
            .and_then(|m| m.public_key().ok())
            .ok_or_else(|| VerifyError::UnauthorizedVerificationMethod {
                verification_method: kid.clone(),
                purpose: "assertionMethod".into(),
                issuer: method.to_did().to_string(),
            })?;
        let credential = verify(jwt, &key)?;
        if credential.issuer_id() != Some(method.to_did().as_str()) {
            return Err(VerifyError::UnauthorizedVerificationMethod {
                verification_method: kid,
                purpose: "assertionMethod".into(),
                issuer: credential.issuer_id().unwrap_or_default().to_owned(),
            });
        }
        Ok(credential)
    }
}

/// Signs `credential` as a compact JWS with the key of `verification_method`.
pub async fn sign(
    credential: &Credential,
    verification_method: &DidUrl,
    signer: &dyn Signer,
) -> Result<String, IssueError> {
    sign_document(credential, verification_method, signer).await
}

/// Signs `document` (a credential, or a presentation as `vp+jwt`) as a compact JWS with the key
/// of `verification_method`.
pub async fn sign_document(
    document: &dyn SecuredDocument,
    verification_method: &DidUrl,
    signer: &dyn Signer,
) -> Result<String, IssueError> {
    let version = document.version().unwrap_or_default();
    let kind = Kind::of(document);
    let header = match version {
        DataModelVersion::V1 => {
            json!({"alg": signer.algorithm().jws_name(), "typ": "JWT", "kid": verification_method})
        }
        _ => {
            json!({"alg": signer.algorithm().jws_name(), "typ": kind.typ, "cty": kind.cty, "kid": verification_method})
        }
    };
    let payload = payload(document.to_json()?, kind, version)?;
    sign_jws(&header, &payload, signer).await
}

/// The compact JWS of `header` and `payload`, signed through the async `signer` (Ed25519 and
/// P-256 `r || s` signatures are already in their JWS encodings).
pub(crate) async fn sign_jws(
    header: &Value,
    payload: &Value,
    signer: &dyn Signer,
) -> Result<String, IssueError> {
    let input = format!("{}.{}", encode_json(header)?, encode_json(payload)?);
    let signature = signer
        .sign(input.as_bytes())
        .await
        .map_err(IssueError::signing)?;
    Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// Verifies a `vc+jwt` (or VC-JWT 1.1) with `key` and returns the credential it carries.
pub fn verify(jwt: &str, key: &PublicKey) -> Result<Credential, VerifyError> {
    Credential::from_value(open(jwt, key)?).map_err(|_| malformed("payload is not a credential"))
}

/// Verifies a `vc+jwt` or `vp+jwt` (or their 1.1 forms) with `key` and returns the document it
/// carries.
pub fn open(jwt: &str, key: &PublicKey) -> Result<Value, VerifyError> {
    let verifier = verifier(key)?;
    let (payload, _header) = jws::deserialize_compact(jwt, verifier.as_ref())
        .map_err(|_| VerifyError::InvalidSignature)?;
    let mut payload = vc_core::parse::parse_value(&payload, &vc_core::ParseLimits::default())
        .map_err(|_| malformed("payload is not JSON within the parse limits"))?;
    let enveloped = payload
        .as_object_mut()
        .and_then(|claims| claims.remove("vc").or_else(|| claims.remove("vp")));
    Ok(match enveloped {
        Some(document) => document,
        None => strip_registered_claims(payload),
    })
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

/// What the envelope says about its payload: a credential or a presentation.
#[derive(Debug, Clone, Copy)]
struct Kind {
    typ: &'static str,
    cty: &'static str,
    /// The VC-JWT 1.1 claim that carries the document.
    claim: &'static str,
    /// The member whose id is `iss`.
    issuer: &'static str,
}

impl Kind {
    fn of(document: &dyn SecuredDocument) -> Self {
        if document.has_type(VERIFIABLE_PRESENTATION) {
            Self {
                typ: "vp+jwt",
                cty: "vp",
                claim: "vp",
                issuer: "holder",
            }
        } else {
            Self {
                typ: "vc+jwt",
                cty: "vc",
                claim: "vc",
                issuer: "issuer",
            }
        }
    }
}

fn payload(document: Value, kind: Kind, version: DataModelVersion) -> Result<Value, IssueError> {
    let Value::Object(members) = document else {
        return Err(IssueError::Internal {
            context: "jwt payload",
            source: None,
        });
    };
    let mut claims = Map::new();
    if let Some(issuer) = entity_id(members.get(kind.issuer)) {
        claims.insert("iss".into(), issuer.into());
    }
    if let Some(id) = members.get("id").and_then(Value::as_str) {
        claims.insert("jti".into(), id.into());
    }
    let subject = match members.get("credentialSubject") {
        Some(Value::Array(subjects)) => subjects.first(),
        subject => subject,
    };
    if let Some(subject) = subject.and_then(|s| s.get("id")).and_then(Value::as_str) {
        claims.insert("sub".into(), subject.into());
    }
    if let Some(from) = instant(&members, "validFrom", "issuanceDate") {
        claims.insert("nbf".into(), from.into());
        claims.insert("iat".into(), from.into());
    }
    if let Some(until) = instant(&members, "validUntil", "expirationDate") {
        claims.insert("exp".into(), until.into());
    }
    Ok(match version {
        DataModelVersion::V1 => {
            claims.insert(kind.claim.into(), Value::Object(members));
            Value::Object(claims)
        }
        _ => {
            // VC-JOSE-COSE: the document is the claim set; registered claims sit beside it.
            let mut merged = members;
            merged.extend(claims);
            Value::Object(merged)
        }
    })
}

/// The id of an entity member (`"did:…"` or `{"id": "did:…", …}`).
fn entity_id(entity: Option<&Value>) -> Option<&str> {
    match entity? {
        Value::String(id) => Some(id),
        object => object.get("id")?.as_str(),
    }
}

/// The Unix time of the member `name` (2.0), or of `legacy` (1.1) when `name` is absent, read as
/// a credential reads it: a timestamp that does not parse gives no claim.
fn instant(members: &Map<String, Value>, name: &str, legacy: &str) -> Option<i64> {
    let text = members
        .get(name)
        .or_else(|| members.get(legacy))?
        .as_str()?;
    let instant = DateTime::lenient(text).instant().ok()?;
    Some(instant.unix_timestamp())
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

pub(crate) fn verifier(key: &PublicKey) -> Result<Box<dyn JwsVerifier>, VerifyError> {
    Ok(Box::new(KeyVerifier::new(key)?))
}

/// The public JWK of a key (P-256 and P-384 points are decompressed, as JWK requires both
/// coordinates).
pub fn public_jwk(key: &PublicKey) -> Result<Jwk, VerifyError> {
    let value = match key.key_type() {
        KeyType::Ed25519 => {
            json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(key.as_bytes())})
        }
        KeyType::P256 => ec_jwk("P-256", p256::NistP256::coordinates(key.as_bytes()))?,
        KeyType::P384 => ec_jwk("P-384", p384::NistP384::coordinates(key.as_bytes()))?,
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

/// An `EC` JWK on `crv` from the point's coordinates (`None` when the point is not on the curve).
fn ec_jwk(crv: &str, coordinates: Option<(Vec<u8>, Vec<u8>)>) -> Result<Value, VerifyError> {
    let (x, y) = coordinates.ok_or_else(|| malformed("bad EC key"))?;
    Ok(
        json!({"kty": "EC", "crv": crv, "x": URL_SAFE_NO_PAD.encode(x), "y": URL_SAFE_NO_PAD.encode(y)}),
    )
}

fn malformed(reason: &str) -> VerifyError {
    VerifyError::MalformedProof {
        reason: reason.to_owned(),
    }
}
