//! Issuing an SD-JWT VC from a request that passed the pipeline's checks.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use vc_core::did_key::DidKey;
use vc_core::{DidUrl, PublicKey};
use vc_status::StatusEntry;

use crate::crypto::jwt::{public_jwk, sign_jws};
use crate::crypto::signer::Signer;
use crate::error::IssueError;
use crate::pipeline::request::IssuanceRequest;
use crate::pipeline::schema::SchemaEntry;
use crate::sd_jwt::claim_path::PathTree;
use crate::sd_jwt::conceal::conceal;
use crate::sd_jwt::disclosure::Disclosure;
use crate::sd_jwt::JwtKeyHeader;

/// The `typ` of an SD-JWT VC.
pub const SD_JWT_VC_TYP: &str = "dc+sd-jwt";

/// Top-level names the SD-JWT VC itself sets: a claim may not take them.
const REGISTERED: [&str; 13] = [
    "iss",
    "sub",
    "iat",
    "nbf",
    "exp",
    "cnf",
    "vct",
    "vct#integrity",
    "status",
    "_sd",
    "_sd_alg",
    "...",
    "jti",
];

/// What an SD-JWT VC carries besides its claims: who signs, when, and the holder's binding.
#[derive(Debug)]
pub(crate) struct Envelope<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) issued_at: OffsetDateTime,
    pub(crate) verification_method: &'a DidUrl,
    pub(crate) signer: &'a dyn Signer,
    pub(crate) status: Option<&'a StatusEntry>,
    pub(crate) key_header: Option<&'a JwtKeyHeader>,
}

fn invalid(reason: String) -> IssueError {
    IssueError::InvalidRequest { reason }
}

/// The claim paths that become disclosures: the schema's, narrowed by the request.
fn disclosable<'a>(
    request: &'a IssuanceRequest,
    schema: &'a SchemaEntry,
) -> Result<Vec<&'a str>, IssueError> {
    let allowed: Vec<&str> = schema
        .sd_jwt_vc
        .as_ref()
        .map(|c| {
            c.selectively_disclosable
                .iter()
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default();
    let Some(wanted) = &request.selectively_disclosable else {
        return Ok(allowed);
    };
    wanted
        .iter()
        .map(|path| {
            if allowed.contains(&path.as_str()) {
                Ok(path.as_str())
            } else {
                Err(IssueError::SelectivePointerInvalid {
                    pointer: path.clone(),
                    reason: "the schema does not make this claim selectively disclosable",
                })
            }
        })
        .collect()
}

/// Refuses claims that would collide with what the SD-JWT VC sets or with SD-JWT's markers.
fn check_names(claims: &Map<String, Value>) -> Result<(), IssueError> {
    if let Some(name) = claims.keys().find(|k| REGISTERED.contains(&k.as_str())) {
        return Err(invalid(format!(
            "the claim name {name:?} is reserved in an SD-JWT VC"
        )));
    }
    fn nested(value: &Value) -> Result<(), IssueError> {
        match value {
            Value::Object(object) => {
                if let Some(name) = ["_sd", "...", "_sd_alg"]
                    .into_iter()
                    .find(|n| object.contains_key(*n))
                {
                    return Err(invalid(format!(
                        "the claim name {name:?} is reserved in an SD-JWT"
                    )));
                }
                object.values().try_for_each(nested)
            }
            Value::Array(array) => array.iter().try_for_each(nested),
            _ => Ok(()),
        }
    }
    claims.values().try_for_each(nested)
}

/// `cnf`: the holder's proven JWK, else a `did:key` holder's key; none for a holder named by
/// another URL or not named.
fn confirmation(request: &IssuanceRequest) -> Result<Option<Value>, IssueError> {
    let jwk = match &request.holder_jwk {
        Some(jwk) => {
            check_holder_jwk(jwk)?;
            jwk.clone()
        }
        None => match request.holder.did().map(DidKey::from_did) {
            // A decoded did:key already passed the key checks: no second encoding round trip.
            Some(Ok(key)) => match public_jwk(&PublicKey::from(&key)) {
                Ok(jwk) => Value::Object(jwk.as_ref().clone()),
                // A did:key of a type JOSE has no name for here (BLS): no binding.
                Err(_) => return Ok(None),
            },
            Some(Err(_)) | None => return Ok(None),
        },
    };
    let mut cnf = Map::new();
    cnf.insert("jwk".into(), jwk);
    Ok(Some(Value::Object(cnf)))
}

/// What can make [`confirmation`] fail: a `holderJwk` that is private or no usable public key
/// (a holder DID either gives a binding or none).
fn check_holder_jwk(jwk: &Value) -> Result<(), IssueError> {
    if jwk.get("d").is_some() {
        return Err(invalid("holderJwk holds a private key".into()));
    }
    PublicKey::from_jwk(jwk)
        .map_err(|e| invalid(format!("holderJwk is not a usable public key: {e}")))?;
    Ok(())
}

/// Whether [`issue`] can build an SD-JWT VC of `request`: its selectively disclosable paths, its
/// claim names and its holder key (the pipeline's claims step, before anything is reserved).
pub(crate) fn check(request: &IssuanceRequest, schema: &SchemaEntry) -> Result<(), IssueError> {
    PathTree::new(disclosable(request, schema)?)?;
    check_names(&request.claims)?;
    if let Some(jwk) = &request.holder_jwk {
        check_holder_jwk(jwk)?;
    }
    Ok(())
}

/// The `vct` of `schema`'s SD-JWT VCs: its [`SdJwtVcConfig`](crate::pipeline::schema::SdJwtVcConfig)'s,
/// else its `schemaUrl` (or URL id), else its id. What metadata announces (OpenID4VCI) is this.
pub(crate) fn vct(schema: &SchemaEntry) -> &str {
    schema
        .sd_jwt_vc
        .as_ref()
        .map(|c| c.vct.as_str())
        .filter(|v| !v.is_empty())
        .or_else(|| schema.credential_schema_id())
        .unwrap_or(schema.id.as_str())
}

/// The compact SD-JWT VC (`<JWT>~<disclosure>~...~`) of a checked request.
pub(crate) async fn issue(
    request: IssuanceRequest,
    schema: &SchemaEntry,
    envelope: Envelope<'_>,
) -> Result<String, IssueError> {
    let paths = disclosable(&request, schema)?;
    let tree = PathTree::new(paths)?;
    check_names(&request.claims)?;
    let cnf = confirmation(&request)?;
    let config = schema.sd_jwt_vc.as_ref();
    let vct = vct(schema);

    let mut payload = Map::new();
    payload.insert("iss".into(), envelope.issuer.into());
    payload.insert("iat".into(), envelope.issued_at.unix_timestamp().into());
    // The holder's id (a DID or another URL), always disclosed, as `vc+jwt` puts it; nothing
    // when no holder is named.
    if let Some(subject) = request.holder.subject_id() {
        payload.insert("sub".into(), subject.into());
    }
    if let Some(nbf) = &request.valid_from {
        let nbf = nbf
            .instant()
            .map_err(|e| invalid(format!("validFrom: {e}")))?;
        payload.insert("nbf".into(), nbf.unix_timestamp().into());
    }
    if let Some(exp) = &request.expiration_date {
        let exp = exp
            .instant()
            .map_err(|e| invalid(format!("expirationDate: {e}")))?;
        payload.insert("exp".into(), exp.unix_timestamp().into());
    }
    payload.insert("vct".into(), vct.into());
    if let Some(integrity) = config.and_then(|c| c.vct_integrity.as_deref()) {
        payload.insert("vct#integrity".into(), integrity.into());
    }
    if let Some(cnf) = cnf {
        payload.insert("cnf".into(), cnf);
    }
    if let Some(status) = envelope.status {
        payload.insert("status".into(), status.status_claim());
    }
    let mut disclosures: Vec<Disclosure> = Vec::new();
    let claims = conceal(request.claims, &tree, &mut disclosures)?;
    if !disclosures.is_empty() {
        payload.insert("_sd_alg".into(), "sha-256".into());
    }
    payload.extend(claims);

    let mut header = Map::new();
    header.insert("alg".into(), envelope.signer.algorithm().jws_name().into());
    header.insert("typ".into(), SD_JWT_VC_TYP.into());
    JwtKeyHeader::apply(
        envelope.key_header,
        envelope.verification_method,
        envelope.signer.public_key(),
        &mut header,
    )?;
    let jwt = sign_jws(
        &Value::Object(header),
        &Value::Object(payload),
        envelope.signer,
    )
    .await?;
    let mut compact = String::with_capacity(
        jwt.len()
            + disclosures
                .iter()
                .map(|d| d.as_str().len() + 1)
                .sum::<usize>()
            + 1,
    );
    compact.push_str(&jwt);
    compact.push('~');
    for disclosure in &disclosures {
        compact.push_str(disclosure.as_str());
        compact.push('~');
    }
    Ok(compact)
}
