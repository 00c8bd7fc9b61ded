//! (features `http` and `sd-jwt`) What SD-JWT VC verifiers fetch, without authentication:
//! `GET /statuslists/{listId}`, the signed Token Status List token (`application/statuslist+jwt`,
//! signed once per list version: a status change through `POST /credentials/status` or the
//! registry makes the next GET sign the new list), and `GET /.well-known/jwt-vc-issuer`, the JWT
//! VC Issuer Metadata (`issuer`, `jwks`) of the issuer DID the API was given.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use vc_core::ErrorCode;

use super::router::ApiState;
use super::status_lists::unsigned_list;
use super::ApiError;
use crate::sd_jwt::STATUS_LIST_JWT_MEDIA_TYPE;

pub(crate) async fn status_list_token(
    State(state): State<Arc<ApiState>>,
    Path(list_id): Path<String>,
) -> Result<Response, ApiError> {
    let issuer = default_issuer(&state)?;
    let (id, _) = unsigned_list(issuer.token_status_registry(), list_id).await?;
    let token = issuer.status_list_token(&id).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(STATUS_LIST_JWT_MEDIA_TYPE),
        )],
        token,
    )
        .into_response())
}

pub(crate) async fn jwt_vc_issuer(
    State(state): State<Arc<ApiState>>,
) -> Result<Json<Value>, ApiError> {
    let did = state.jwt_vc_issuer.as_ref().ok_or_else(|| {
        ApiError::new(
            ErrorCode::NOT_FOUND,
            "this API publishes no JWT VC issuer metadata",
        )
    })?;
    let jwks = default_issuer(&state)?.jwt_vc_issuer_jwks(did).await?;
    Ok(Json(json!({"issuer": did.as_str(), "jwks": jwks})))
}

/// The issuer of the default instance, whose Token Status Lists and keys these routes publish.
#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
)]
fn default_issuer(state: &ApiState) -> Result<&crate::Issuer, ApiError> {
    state
        .instances
        .default_instance()
        .map(|instance| &instance.config.issuer)
        .ok_or_else(|| ApiError::new(ErrorCode::NOT_FOUND, "this API has no default issuer"))
}
