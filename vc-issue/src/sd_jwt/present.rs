//! The holder's side: presenting a chosen subset of the disclosures, with a key binding JWT.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::crypto::jwt::sign_jws;
use crate::crypto::signer::Signer;
use crate::sd_jwt::claim_path::{self, Segment};
use crate::sd_jwt::decode::{decode, FoundPath, PathStep, SdJwtParts};
use crate::sd_jwt::disclosure::digest;
use crate::sd_jwt::jws;
use crate::sd_jwt::SdJwtError;

/// The `typ` of a key binding JWT.
pub const KB_JWT_TYP: &str = "kb+jwt";

/// What the verifier asked the holder to bind the presentation to.
#[derive(Debug, Clone, Copy)]
pub struct KeyBinding<'a> {
    /// The holder's key: the one the credential's `cnf` names.
    pub signer: &'a dyn Signer,
    /// `aud`: the verifier.
    pub audience: &'a str,
    /// `nonce`: the verifier's fresh value.
    pub nonce: &'a str,
    /// `iat`.
    pub issued_at: OffsetDateTime,
}

/// Whether the disclosure at `found` is needed for `wanted`: on its way there (a parent) or
/// under it.
fn selects(found: &FoundPath, wanted: &[Segment]) -> bool {
    found
        .iter()
        .zip(wanted)
        .all(|(step, segment)| match (step, segment) {
            (_, Segment::Every) => matches!(step, PathStep::Index(_)),
            (PathStep::Key(k), Segment::Key(w)) => k == w,
            (PathStep::Index(i), Segment::Key(w)) => w.parse::<usize>().ok() == Some(*i),
        })
}

/// A presentation of `sd_jwt` that discloses the claims at `reveal` (claim paths as in the schema,
/// `*` for every array element; a path reveals everything under it and the disclosures on the
/// way to it) and nothing else, with a key binding JWT when `key_binding` is given.
///
/// The holder checks the SD-JWT's structure as a verifier would (every disclosure referenced
/// once), not the issuer's signature: verify with [`SdJwtVcVerifier`](super::SdJwtVcVerifier)
/// first when the issuer is not trusted yet.
pub async fn present(
    sd_jwt: &str,
    reveal: &[&str],
    key_binding: Option<KeyBinding<'_>>,
) -> Result<String, SdJwtError> {
    let parts = SdJwtParts::parse(sd_jwt)?;
    if parts.kb_jwt.is_some() {
        return Err(SdJwtError::Malformed {
            reason: "already a presentation with a key binding JWT",
        });
    }
    let wanted = reveal
        .iter()
        .map(|p| {
            claim_path::parse(p).map_err(|_| SdJwtError::ClaimPath {
                pointer: (*p).to_owned(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let unverified = jws::read(parts.jwt, |reason| SdJwtError::Malformed { reason })?;
    let decoded = decode(&unverified.payload, &parts.disclosures)?;
    let mut presentation = String::with_capacity(sd_jwt.len());
    presentation.push_str(parts.jwt);
    presentation.push('~');
    for (disclosure, found) in parts.disclosures.iter().zip(&decoded.paths) {
        if wanted.iter().any(|w| selects(found, w)) {
            presentation.push_str(disclosure.as_str());
            presentation.push('~');
        }
    }
    let Some(kb) = key_binding else {
        return Ok(presentation);
    };
    let mut header = Map::new();
    header.insert("alg".into(), kb.signer.algorithm().jws_name().into());
    header.insert("typ".into(), KB_JWT_TYP.into());
    let mut payload = Map::new();
    payload.insert("iat".into(), kb.issued_at.unix_timestamp().into());
    payload.insert("aud".into(), kb.audience.into());
    payload.insert("nonce".into(), kb.nonce.into());
    payload.insert("sd_hash".into(), digest(&presentation).into());
    let kb_jwt = sign_jws(&Value::Object(header), &Value::Object(payload), kb.signer)
        .await
        .map_err(|e| SdJwtError::HolderSigning(std::sync::Arc::new(e)))?;
    presentation.push_str(&kb_jwt);
    Ok(presentation)
}
