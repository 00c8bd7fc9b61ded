//! Which HTTP status each library error leaves with. Client mistakes keep their message;
//! server-side failures keep only their code, never their cause.

use axum::http::StatusCode;
use serde_json::{json, Value};
use vc_status::store::StoreErrorKind;

use super::ApiError;
use crate::error::IssueError;
use crate::pickup::PickupError;
use crate::queue::QueueError;
use crate::status_index::StatusIndexError;

fn server(status: StatusCode, code: &'static str) -> ApiError {
    ApiError::new(status, code, "the issuer could not complete the request")
}

fn store_status(kind: StoreErrorKind) -> StatusCode {
    match kind {
        StoreErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error of the asynchronous issuance queue.
pub(crate) fn queue_error(error: QueueError) -> ApiError {
    if let QueueError::Issue(e) = error {
        return ApiError::from(e);
    }
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        return server(status, error.code());
    }
    let body = error.to_json();
    ApiError::new(status, error.code(), error.to_string()).with_details(body["details"].clone())
}

/// An error of the status registry.
pub(crate) fn status_error(error: vc_status::Error) -> ApiError {
    use vc_status::Error as E;
    let status = match &error {
        E::Irreversible => StatusCode::CONFLICT,
        E::ForeignList { .. } | E::InvalidListId => StatusCode::NOT_FOUND,
        E::Store(e) if e.kind() == StoreErrorKind::NotFound => StatusCode::NOT_FOUND,
        E::Store(e) => store_status(e.kind()),
        E::Config { .. } | E::Randomness(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    if status.is_server_error() {
        return server(status, error.code());
    }
    ApiError::new(status, error.code(), error.to_string())
}

/// An error of a data model parse of caller input (a request body, a credential in it): always
/// the caller's mistake. `413` for size; `400` otherwise, with the pointer of a nesting or
/// duplicate-key refusal in `details`.
pub(crate) fn core_error(error: vc_core::Error) -> ApiError {
    use vc_core::Error as E;
    let details = match &error {
        E::Invalid(errors) => return ApiError::from(IssueError::InvalidCredential(errors.clone())),
        E::DocumentTooLarge { .. } => return super::edge::too_large(),
        E::NestingTooDeep { limit, pointer } => json!({ "limit": limit, "pointer": pointer }),
        E::DuplicateKey { key, pointer } => json!({ "key": key, "pointer": pointer }),
        _ => Value::Null,
    };
    ApiError::new(StatusCode::BAD_REQUEST, error.code(), error.to_string()).with_details(details)
}

/// An error of the pickup service.
pub(crate) fn pickup_error(error: PickupError) -> ApiError {
    match &error {
        PickupError::InvalidTtl { .. } => {
            ApiError::new(StatusCode::BAD_REQUEST, error.code(), error.to_string())
        }
        PickupError::Store(e) => server(store_status(e.kind()), error.code()),
        _ => server(StatusCode::INTERNAL_SERVER_ERROR, error.code()),
    }
}

/// An error of the credential status index.
pub(crate) fn index_error(error: impl Into<StatusIndexError>) -> ApiError {
    let error = error.into();
    server(store_status(error.kind()), error.code())
}
