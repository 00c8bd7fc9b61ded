//! Status List Tokens (draft-ietf-oauth-status-list) as JWTs: signing the claims
//! `vc_status` builds, and loading and checking one as a verifier.

use std::collections::HashMap;
use std::fmt::Debug;

use async_trait::async_trait;
use serde_json::{Map, Value};
use vc_core::DidUrl;

use crate::crypto::jwt::sign_jws;
use crate::crypto::signer::Signer;
use crate::error::IssueError;
use crate::host_error::HostError;
use crate::sd_jwt::JwtKeyHeader;

/// The `typ` of a Status List Token JWT.
pub const STATUS_LIST_JWT_TYP: &str = "statuslist+jwt";

/// The media type a Status List Token JWT is served with.
pub const STATUS_LIST_JWT_MEDIA_TYPE: &str = "application/statuslist+jwt";

/// Signs Status List Token `claims` (from
/// [`StatusRegistry::list_credential`](vc_status::StatusRegistry::list_credential) of a
/// [`TokenStatusList`](vc_status::ListFormat::TokenStatusList) registry) as a JWT with
/// `typ: statuslist+jwt`, through the async `signer`; `kid` and `x5c` as `key_header` says
/// (`kid` the verification method otherwise).
pub async fn sign_status_list_token(
    claims: &Value,
    verification_method: &DidUrl,
    key_header: Option<&JwtKeyHeader>,
    signer: &dyn Signer,
) -> Result<String, IssueError> {
    let mut header = Map::new();
    header.insert("alg".into(), signer.algorithm().jws_name().into());
    JwtKeyHeader::apply(
        key_header,
        verification_method,
        signer.public_key(),
        &mut header,
    )?;
    header.insert("typ".into(), STATUS_LIST_JWT_TYP.into());
    sign_jws(&Value::Object(header), claims, signer).await
}

/// Where a verifier gets the Status List Token a credential's `status.status_list.uri` names:
/// an HTTP client with a cache, a test's fixed tokens. Object-safe; hold it as `Arc<dyn ...>`.
#[async_trait]
pub trait StatusListTokenLoader: Send + Sync + Debug + 'static {
    /// The compact Status List Token JWT served at `uri`. Say [`HostError::unavailable`] when it
    /// cannot be fetched now: the verifier reports `STATUS_LIST_UNAVAILABLE` (unknown, not bad).
    async fn load(&self, uri: &str) -> Result<String, HostError>;
}

/// A [`StatusListTokenLoader`] over tokens the caller already holds, by `uri`.
#[derive(Debug, Clone, Default)]
pub struct StaticStatusListTokens {
    tokens: HashMap<String, String>,
}

impl StaticStatusListTokens {
    /// No tokens.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the token served at `uri`.
    pub fn with(mut self, uri: impl Into<String>, token: impl Into<String>) -> Self {
        self.tokens.insert(uri.into(), token.into());
        self
    }
}

#[async_trait]
impl StatusListTokenLoader for StaticStatusListTokens {
    async fn load(&self, uri: &str) -> Result<String, HostError> {
        self.tokens
            .get(uri)
            .cloned()
            .ok_or_else(|| HostError::new(crate::host_error::HostErrorKind::NotFound))
    }
}

/// Signed Status List Tokens (`T`: the JWT's compact `String`, or the CWT's bytes), each with the
/// claims it was made from: vc-status hands back the same claims (`Arc`) until the list changes,
/// so a list is signed once per version, not per request. Two requests racing right after a
/// change may both sign; both tokens are valid, the later kept.
#[derive(Debug)]
pub(crate) struct StatusTokenCache<T = String> {
    signed: std::sync::Mutex<HashMap<vc_status::StatusListId, (std::sync::Arc<Value>, T)>>,
}

impl<T> Default for StatusTokenCache<T> {
    fn default() -> Self {
        Self {
            signed: std::sync::Mutex::default(),
        }
    }
}

impl<T: Clone> StatusTokenCache<T> {
    fn map(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<vc_status::StatusListId, (std::sync::Arc<Value>, T)>>
    {
        // Each critical section is one lookup or insert: a poisoned lock holds no broken state.
        self.signed.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The token signed from exactly these `claims`, if any.
    pub(crate) fn get(
        &self,
        id: &vc_status::StatusListId,
        claims: &std::sync::Arc<Value>,
    ) -> Option<T> {
        self.map()
            .get(id)
            .filter(|(source, _)| std::sync::Arc::ptr_eq(source, claims))
            .map(|(_, token)| token.clone())
    }

    /// Keeps `token`, signed from `claims`.
    pub(crate) fn put(
        &self,
        id: &vc_status::StatusListId,
        claims: std::sync::Arc<Value>,
        token: T,
    ) {
        self.map().insert(id.clone(), (claims, token));
    }
}
