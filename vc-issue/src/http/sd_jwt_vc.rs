//! (features `http` and `sd-jwt`) What SD-JWT VC verifiers fetch, without authentication:
//! `GET /statuslists/{listId}`, the signed Token Status List token, and `GET
//! /.well-known/jwt-vc-issuer`, the JWT VC Issuer Metadata (`issuer`, `jwks`) of the issuer DID
//! the API was given.
//!
//! The Status List Token is served in both forms the draft defines, by content negotiation on
//! `Accept` (its "Status List Request" section, RFC 9110): `application/statuslist+jwt` (the
//! compact JWS; the default, also for no `Accept`, `*/*`, or a tie) or
//! `application/statuslist+cwt` (the CWT, a binary body). An `Accept` that admits neither is
//! answered `406 NOT_ACCEPTABLE`: RFC 9110 lets a server either refuse or ignore it, and a client
//! that asked for something else (JSON, say) is better told than handed a token it did not ask
//! for. Responses carry `Vary: Accept`, so that a shared cache keeps the two forms apart. Each form
//! is signed once per list version (a status change through `POST /credentials/status` or the
//! registry makes the next GET sign the new list) and is otherwise the same bytes on every GET.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use vc_core::ErrorCode;

use super::accept::negotiate;
use super::router::ApiState;
use super::status_lists::unsigned_list;
use super::ApiError;
use crate::sd_jwt::{STATUS_LIST_CWT_MEDIA_TYPE, STATUS_LIST_JWT_MEDIA_TYPE};

/// What `GET /statuslists/{listId}` serves, the default first.
const STATUS_LIST_TOKEN_TYPES: [&str; 2] = [STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_CWT_MEDIA_TYPE];

pub(crate) async fn status_list_token(
    State(state): State<Arc<ApiState>>,
    Path(list_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let issuer = default_issuer(&state)?;
    let (id, _) = unsigned_list(issuer.token_status_registry(), list_id).await?;
    let Some(choice) = negotiate(&headers, &STATUS_LIST_TOKEN_TYPES) else {
        return Err(ApiError::new(
            ErrorCode::NOT_ACCEPTABLE,
            "Accept admits neither application/statuslist+jwt nor application/statuslist+cwt",
        ));
    };
    let vary = (header::VARY, HeaderValue::from_static("accept"));
    Ok(if choice == 0 {
        let token = issuer.status_list_token(&id).await?;
        let content_type = HeaderValue::from_static(STATUS_LIST_JWT_MEDIA_TYPE);
        ([(header::CONTENT_TYPE, content_type), vary], token).into_response()
    } else {
        let token = issuer.status_list_token_cwt(&id).await?;
        let content_type = HeaderValue::from_static(STATUS_LIST_CWT_MEDIA_TYPE);
        ([(header::CONTENT_TYPE, content_type), vary], token).into_response()
    })
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
