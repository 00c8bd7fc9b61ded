//! `POST /credentials/pickup`: a holder's wallet redeems a one-time token.
//!
//! No authentication: the token is the capability. The body is `{"token": "..."}`; the answer is
//! `200 {"verifiableCredential": ...}` once, and `410 Gone` (`PICKUP_GONE`) for a token that was
//! used, expired or never existed: one response for all three, so a caller learns nothing about
//! which tokens exist.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use vc_core::ErrorCode;

use super::body::JsonBody;
use super::error_status::pickup_error;
use super::issuer_api::no_store;
use super::ApiError;
use crate::pickup::PickupService;

/// The pickup route alone, for hosts that serve it without the rest of [`VcApi`](super::VcApi),
/// with the same edge: every error in the JSON shape, bodies checked for type, size,
/// duplicate keys and nesting (the default depth; a [`VcApi`](super::VcApi) it is merged into
/// applies its own).
pub fn pickup_routes(service: PickupService) -> Router {
    super::edge::library_routes(
        Router::new()
            .route(crate::pickup::PICKUP_PATH, post(redeem))
            .with_state(service),
    )
}

async fn redeem(
    State(service): State<PickupService>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let body = body.value()?;
    let Some(Value::String(token)) = body.get("token") else {
        return Err(ApiError::bad_request(
            "the body must be {\"token\": \"...\"}",
        ));
    };
    let credential = service
        .redeem(token)
        .await
        .map_err(pickup_error)?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::PICKUP_GONE,
                "no credential can be picked up with this token",
            )
        })?;
    let vc = serde_json::to_value(&credential).map_err(|_| ApiError::internal())?;
    Ok(no_store(
        (StatusCode::OK, Json(json!({ "verifiableCredential": vc }))).into_response(),
    ))
}
