//! Access tokens of the host's own OAuth server: the credential endpoint accepts a token it did
//! not mint once an [`AccessTokenVerifier`] vouches for it, and what the token grants is then
//! issued once, as with a token of the built-in server.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use josekit::jws;
use serde_json::Value;
use time::OffsetDateTime;
use vc_core::did_key::KeyType;
use vc_core::{ParseLimits, PublicKey};

use super::authenticator::UserGrant;
use super::authorization::OPENID_CREDENTIAL;
use super::error::Oid4vciError;
use super::proof::MAX_PROOF_LEN;
use crate::error::BoxError;

/// What a host's access token grants: credentials with their claims, until when, and the DPoP
/// key it is bound to (`cnf.jkt`), if any.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ExternalAccess {
    pub(crate) grant: UserGrant,
    pub(crate) expires_at: OffsetDateTime,
    pub(crate) jkt: Option<String>,
}

impl ExternalAccess {
    /// A bearer token granting `grant` until `expires_at`.
    pub fn new(grant: UserGrant, expires_at: OffsetDateTime) -> Self {
        Self {
            grant,
            expires_at,
            jkt: None,
        }
    }

    /// Binds it to the DPoP key of this JWK SHA-256 thumbprint (RFC 9449 §6).
    pub fn bound_to(mut self, jkt: impl Into<String>) -> Self {
        self.jkt = Some(jkt.into());
        self
    }
}

/// Checks access tokens of the host's own OAuth server at the credential, deferred credential
/// and notification endpoints. Object-safe: hold it as `Arc<dyn AccessTokenVerifier>`.
///
/// `Ok(None)` is a token it does not vouch for (malformed, not its server's, expired, for
/// another audience): the wallet hears `invalid_token`. An error is the verifier's failure (a
/// key set or directory it could not reach), `server_error`.
#[async_trait]
pub trait AccessTokenVerifier: Send + Sync + Debug + 'static {
    /// What `token` grants at `now`, if it is a valid token of the host's server for this
    /// credential issuer.
    async fn verify(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<Option<ExternalAccess>, BoxError>;
}

/// The `typ` of a JWT access token (RFC 9068 §2.1).
const AT_JWT: &str = "at+jwt";

/// The reference [`AccessTokenVerifier`]: JWT access tokens (RFC 9068) signed by a key of the
/// host server's JWKS (ES256, ES384 or EdDSA, named by `kid`), of its `iss`, for this credential
/// issuer (`aud`), unexpired (`exp`), naming what they grant in `authorization_details` of type
/// `openid_credential`; a `cnf.jkt` binds them to a DPoP key. The claims come from a directory
/// of users by `sub`, in memory; a user lacking a granted configuration makes the token
/// worthless.
#[derive(Debug)]
pub struct JwtAccessTokens {
    issuer: String,
    audience: String,
    keys: Vec<(String, PublicKey)>,
    users: Users,
}

impl JwtAccessTokens {
    /// Tokens of the server `issuer` for the credential issuer `audience`, signed by a key of
    /// `jwks` (`{"keys": [...]}`, each public with a `kid`).
    pub fn new(
        issuer: impl Into<String>,
        audience: impl Into<String>,
        jwks: &Value,
    ) -> Result<Self, Oid4vciError> {
        let bad = |reason: &str| Oid4vciError::config(format!("the JWKS: {reason}"));
        let entries = jwks
            .get("keys")
            .and_then(Value::as_array)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| bad("no keys"))?;
        let mut keys = Vec::with_capacity(entries.len());
        for jwk in entries {
            if jwk.get("d").is_some() {
                return Err(bad("a private key"));
            }
            let kid = jwk
                .get("kid")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("a key without kid"))?;
            if keys.iter().any(|(k, _)| k == kid) {
                return Err(bad("a kid given twice"));
            }
            let key = PublicKey::from_jwk(jwk)
                .map_err(|_| bad("a key that is not Ed25519, P-256 or P-384"))?;
            keys.push((kid.to_owned(), key));
        }
        Ok(Self {
            issuer: issuer.into(),
            audience: audience.into(),
            keys,
            users: Users::default(),
        })
    }

    /// Registers the user `sub` with every credential they may receive.
    pub fn user(&self, sub: impl Into<String>, grant: UserGrant) {
        self.users.insert(sub.into(), grant);
    }

    /// The claims of a token whose header and signature verified, or `None`.
    fn open(&self, token: &str) -> Option<Value> {
        if token.len() > MAX_PROOF_LEN {
            return None;
        }
        let header = decode(token.split('.').next()?)?;
        let typ = header.get("typ").and_then(Value::as_str)?;
        if typ != AT_JWT && typ != "application/at+jwt" {
            return None;
        }
        let kid = header.get("kid").and_then(Value::as_str)?;
        let (_, key) = self.keys.iter().find(|(k, _)| k == kid)?;
        let alg = match key.key_type() {
            KeyType::Ed25519 => "EdDSA",
            KeyType::P256 => "ES256",
            KeyType::P384 => "ES384",
            _ => return None,
        };
        if header.get("alg").and_then(Value::as_str) != Some(alg) {
            return None;
        }
        let verifier = crate::crypto::jwt::verifier(key).ok()?;
        let (payload, _) = jws::deserialize_compact(token, verifier.as_ref()).ok()?;
        let claims = vc_core::parse::parse_value(&payload, &ParseLimits::default()).ok()?;
        claims.is_object().then_some(claims)
    }
}

fn decode(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    let value = vc_core::parse::parse_value(&bytes, &ParseLimits::default()).ok()?;
    value.is_object().then_some(value)
}

#[async_trait]
impl AccessTokenVerifier for JwtAccessTokens {
    async fn verify(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<Option<ExternalAccess>, BoxError> {
        let Some(claims) = self.open(token) else {
            return Ok(None);
        };
        let Some(expires_at) = expiry(&claims) else {
            return Ok(None);
        };
        if claims.get("iss").and_then(Value::as_str) != Some(self.issuer.as_str())
            || !names_audience(&claims, &self.audience)
            || expires_at <= now
        {
            return Ok(None);
        }
        Ok(self.users.access(&claims, expires_at))
    }
}

/// Whether the `aud` of `claims` (a string or an array of them) names `audience`.
pub(crate) fn names_audience(claims: &Value, audience: &str) -> bool {
    match claims.get("aud") {
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    }
}

/// The `exp` of `claims` (seconds since the epoch), if it is one.
pub(crate) fn expiry(claims: &Value) -> Option<OffsetDateTime> {
    claims
        .get("exp")
        .and_then(Value::as_i64)
        .and_then(|exp| OffsetDateTime::from_unix_timestamp(exp).ok())
}

/// The users a verifier knows by `sub`, each with every credential they may receive: what a
/// token grants is the part of its user's grant its `authorization_details` name.
#[derive(Debug, Default)]
pub(crate) struct Users(Mutex<HashMap<String, UserGrant>>);

impl Users {
    pub(crate) fn insert(&self, sub: String, grant: UserGrant) {
        self.lock().insert(sub, grant);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, UserGrant>> {
        // One insert or lookup per critical section: a poisoned lock holds no broken state.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What a token whose (verified) `claims` run until `expires_at` grants: each of its
    /// `authorization_details` (of type `openid_credential`, naming a configuration its `sub`
    /// may receive) with the user's claims, bound to a DPoP key by `cnf.jkt`. `None` when any
    /// part is missing or not for this issuer: a token granting less than it says is refused.
    pub(crate) fn access(
        &self,
        claims: &Value,
        expires_at: OffsetDateTime,
    ) -> Option<ExternalAccess> {
        let sub = claims.get("sub").and_then(Value::as_str)?;
        let details = claims
            .get("authorization_details")
            .and_then(Value::as_array)?;
        let user = self.lock().get(sub).cloned()?;
        let mut grant = UserGrant::new();
        for detail in details {
            if detail.get("type").and_then(Value::as_str) != Some(OPENID_CREDENTIAL) {
                return None;
            }
            let id = detail
                .get("credential_configuration_id")
                .and_then(Value::as_str)?;
            let claims = user.credentials.get(id)?;
            grant = grant.credential(id, claims.clone());
        }
        if grant.credentials.is_empty() {
            return None;
        }
        let access = ExternalAccess::new(grant, expires_at);
        match claims.get("cnf") {
            None => Some(access),
            // A confirmation this verifier cannot honour is no bearer token.
            Some(cnf) => cnf
                .get("jkt")
                .and_then(Value::as_str)
                .map(|jkt| access.bound_to(jkt)),
        }
    }
}
