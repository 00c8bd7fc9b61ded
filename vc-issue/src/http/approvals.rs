//! Decisions on held tickets over HTTP: a reviewer approves, rejects or asks for information; the
//! requester answers with the information asked for. Each is authorized like every other
//! endpoint of the issuer and answers `200` with the ticket (`{id, state, location}`); a decision
//! the ticket's state does not allow is `409 ILLEGAL_TRANSITION`.
//!
//! | route | body |
//! |---|---|
//! | `POST /credentials/issue/{ticketId}/approve` | `{"approver", "note"?}` |
//! | `POST /credentials/issue/{ticketId}/reject` | `{"approver", "reason"}` |
//! | `POST /credentials/issue/{ticketId}/request-information` | `{"fields": [..], "message"}` |
//! | `POST /credentials/issue/{ticketId}/information` | `{"claims": {..}}` (validated again) |
//!
//! The approver is named in the body and recorded in the ticket's history: the
//! [`Authorizer`](super::Authorizer) says whether the caller may act, not who it is.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use vc_core::ErrorCode;

use super::body::JsonBody;
use super::error_status::queue_error;
use super::router::ApiState;
use super::ApiError;
use crate::queue::{IssuanceQueue, Ticket, TicketId, TICKET_PATH};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Approve {
    approver: String,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Reject {
    approver: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AskInformation {
    fields: Vec<String>,
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProvideInformation {
    claims: Map<String, Value>,
}

/// The caller authorized, the queue and the ticket id; then the body as `T`.
async fn decision<T: DeserializeOwned>(
    state: &ApiState,
    headers: &HeaderMap,
    ticket_id: &str,
    body: JsonBody,
) -> Result<(IssuanceQueue, TicketId, T), ApiError> {
    state.authorizer.authorize(headers).await?;
    let not_found = || ApiError::new(ErrorCode::TICKET_NOT_FOUND, "no such ticket");
    let queue = state.queue.clone().ok_or_else(not_found)?;
    let id = TicketId::parse(ticket_id).ok_or_else(not_found)?;
    let body = serde_json::from_value(body.value()?)
        .map_err(|e| ApiError::bad_request(format!("the decision body is not valid: {e}")))?;
    Ok((queue, id, body))
}

/// `200 {id, state, location}`, the location absolute as in the `202` of a submission.
fn answer(state: &ApiState, ticket: Ticket) -> Response {
    let location = format!("{}{TICKET_PATH}{}", state.base_url, ticket.id);
    let body = json!({"id": ticket.id, "state": ticket.state, "location": location});
    (StatusCode::OK, Json(body)).into_response()
}

pub(crate) async fn approve(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (queue, id, body) = decision::<Approve>(&state, &headers, &ticket_id, body).await?;
    let ticket = queue
        .approve(&id, &body.approver, body.note.as_deref())
        .await
        .map_err(queue_error)?;
    Ok(answer(&state, ticket))
}

pub(crate) async fn reject(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (queue, id, body) = decision::<Reject>(&state, &headers, &ticket_id, body).await?;
    let ticket = queue
        .reject(&id, &body.approver, &body.reason)
        .await
        .map_err(queue_error)?;
    Ok(answer(&state, ticket))
}

pub(crate) async fn request_information(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (queue, id, body) = decision::<AskInformation>(&state, &headers, &ticket_id, body).await?;
    let ticket = queue
        .request_information(&id, body.fields, &body.message)
        .await
        .map_err(queue_error)?;
    Ok(answer(&state, ticket))
}

pub(crate) async fn provide_information(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (queue, id, body) =
        decision::<ProvideInformation>(&state, &headers, &ticket_id, body).await?;
    let ticket = queue
        .provide_information(&id, body.claims)
        .await
        .map_err(queue_error)?;
    Ok(answer(&state, ticket))
}
