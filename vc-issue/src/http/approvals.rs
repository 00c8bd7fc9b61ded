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
//! The approver is named in the body and recorded in the ticket's history as its `actor`; the
//! caller's authenticated identity, the name of the [`Authorizer`](super::Authorizer)'s
//! [`Principal`] when it has one, is recorded beside it as `principal` (what the
//! ticket's JSON shows, and what the queue's observer receives): the body says who decided, the
//! principal who proved to be calling. The queue issues for the default instance, so a principal
//! that may not act for it is `403 INSTANCE_FORBIDDEN`, as is polling a ticket.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use vc_core::ErrorCode;

use super::auth::Principal;
use super::body::JsonBody;
use super::error_status::queue_error;
use super::instance::InstanceId;
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

/// What a decision needs: the queue, the ticket, the body and the caller's name.
struct Decision<T> {
    queue: IssuanceQueue,
    id: TicketId,
    body: T,
    principal: Option<String>,
}

/// The caller authorized for the queue's (default) instance, the queue and the ticket id; then
/// the body as `T`.
async fn decision<T: DeserializeOwned>(
    state: &ApiState,
    headers: &HeaderMap,
    ticket_id: &str,
    body: JsonBody,
) -> Result<Decision<T>, ApiError> {
    let principal = queue_principal(state, headers).await?;
    let not_found = || ApiError::new(ErrorCode::TICKET_NOT_FOUND, "no such ticket");
    let queue = state.queue.clone().ok_or_else(not_found)?;
    let id = TicketId::parse(ticket_id).ok_or_else(not_found)?;
    let body = serde_json::from_value(body.value()?)
        .map_err(|e| ApiError::bad_request(format!("the decision body is not valid: {e}")))?;
    Ok(Decision {
        queue,
        id,
        body,
        principal: principal.name().map(str::to_owned),
    })
}

/// The caller, authorized and allowed to act for the default instance, whose queue this is.
pub(crate) async fn queue_principal(
    state: &ApiState,
    headers: &HeaderMap,
) -> Result<Principal, ApiError> {
    let principal = state.authorizer.authorize(headers).await?;
    if !principal.may_act_for(&InstanceId::DEFAULT) {
        return Err(ApiError::new(
            ErrorCode::INSTANCE_FORBIDDEN,
            "this token may not act for this issuer instance",
        ));
    }
    Ok(principal)
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
    let d = decision::<Approve>(&state, &headers, &ticket_id, body).await?;
    let ticket = d
        .queue
        .approve_as(
            &d.id,
            d.principal.as_deref(),
            &d.body.approver,
            d.body.note.as_deref(),
        )
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
    let d = decision::<Reject>(&state, &headers, &ticket_id, body).await?;
    let ticket = d
        .queue
        .reject_as(
            &d.id,
            d.principal.as_deref(),
            &d.body.approver,
            &d.body.reason,
        )
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
    let d = decision::<AskInformation>(&state, &headers, &ticket_id, body).await?;
    let ticket = d
        .queue
        .request_information_as(
            &d.id,
            d.principal.as_deref(),
            d.body.fields,
            &d.body.message,
        )
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
    let d = decision::<ProvideInformation>(&state, &headers, &ticket_id, body).await?;
    let ticket = d
        .queue
        .provide_information_as(&d.id, d.principal.as_deref(), d.body.claims)
        .await
        .map_err(queue_error)?;
    Ok(answer(&state, ticket))
}
