//! `GET /status-lists/{listId}`: the signed status list credential, for verifiers (no
//! authentication: anyone checking a credential must be able to fetch its list).
//!
//! vc-status builds the unsigned list credential and re-encodes it only when the list changed
//! (it hands back the same `Arc` until then). The signed one is cached against that `Arc`, so a
//! list is signed once per version (and per validity refresh), not once per GET. Two GETs racing
//! right after a change may both sign; both signatures are valid and the later one is kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use vc_core::{Credential, ErrorCode};
use vc_status::StatusListId;

use super::error_status::{core_error, status_error};
use super::instance::InstancePath;
use super::router::ApiState;
use super::ApiError;
use crate::crypto::proof_type::ProofType;
use crate::pipeline::request::IssuedCredential;

/// A signed list credential, keyed by list, with the unsigned value it was made from.
type Signed = HashMap<StatusListId, (Arc<Value>, Arc<IssuedCredential>)>;

/// The signed list credentials, each with the unsigned value it was made from.
#[derive(Debug)]
pub(crate) struct SignedListCache {
    proof_type: ProofType,
    signed: Mutex<Signed>,
}

impl SignedListCache {
    pub(crate) fn new(proof_type: ProofType) -> Self {
        Self {
            proof_type,
            signed: Mutex::default(),
        }
    }

    fn map(&self) -> MutexGuard<'_, Signed> {
        // Each critical section is one lookup or insert: a poisoned lock holds no broken state.
        self.signed.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn cached(&self, id: &StatusListId, unsigned: &Arc<Value>) -> Option<Arc<IssuedCredential>> {
        self.map()
            .get(id)
            .filter(|(source, _)| Arc::ptr_eq(source, unsigned))
            .map(|(_, signed)| signed.clone())
    }
}

/// The unsigned list credential (or Token Status List claims) of `list_id` in `registry`, from
/// the registry's per-version cache: a missing registry, a malformed id and an unknown list are
/// all `404 STATUS_LIST_NOT_FOUND`.
pub(crate) async fn unsigned_list(
    registry: Option<&Arc<vc_status::StatusRegistry>>,
    list_id: String,
) -> Result<(StatusListId, Arc<Value>), ApiError> {
    let not_found = || ApiError::new(ErrorCode::STATUS_LIST_NOT_FOUND, "no such status list");
    let registry = registry.ok_or_else(not_found)?;
    let id = StatusListId::new(list_id).map_err(|_| not_found())?;
    let unsigned = registry.list_credential(&id).await.map_err(|e| {
        let error = status_error(e);
        // Another issuer's list (a store shared between instances) is not served here either.
        if error.status() == StatusCode::NOT_FOUND
            || error.code() == ErrorCode::STATUS_LIST_OF_ANOTHER_ISSUER
        {
            not_found()
        } else {
            error
        }
    })?;
    Ok((id, unsigned))
}

pub(crate) async fn serve(
    State(state): State<Arc<ApiState>>,
    target: InstancePath,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::new(ErrorCode::STATUS_LIST_NOT_FOUND, "no such status list");
    let instance = state.instances.public(&target).map_err(|_| not_found())?;
    let list_id = target.params.get("list_id").cloned().unwrap_or_default();
    let (id, unsigned) = unsigned_list(instance.config.issuer.status_registry(), list_id).await?;
    let cache = &instance.status_lists;
    let signed = match cache.cached(&id, &unsigned) {
        Some(signed) => signed,
        None => {
            let credential = Credential::from_value((*unsigned).clone()).map_err(core_error)?;
            let signed = Arc::new(
                instance
                    .config
                    .issuer
                    .sign_credential(credential, &cache.proof_type)
                    .await?,
            );
            cache.map().insert(id, (unsigned, signed.clone()));
            signed
        }
    };
    Ok(match signed.as_ref() {
        IssuedCredential::Embedded(credential) => Json(credential).into_response(),
        IssuedCredential::Jwt(jwt) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vc+jwt"),
            )],
            jwt.clone(),
        )
            .into_response(),
    })
}
