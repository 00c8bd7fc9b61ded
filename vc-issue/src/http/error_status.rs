//! Which HTTP status each wire code leaves with ([`status_of`], the one mapping), and the library's
//! errors as [`ApiError`]s. Client mistakes keep their message; server-side failures keep only
//! their code, never their cause.

use axum::http::StatusCode;
use serde_json::{json, Value};
use vc_core::{ErrorClass, ErrorCode};

use super::ApiError;
use crate::error::IssueError;
use crate::pickup::PickupError;
use crate::queue::QueueError;
use crate::status_index::StatusIndexError;

/// The HTTP status a response with `code` carries: the one place that maps the registry
/// ([`vc_core::error_code`]) onto HTTP.
///
/// The status follows the code's [`ErrorClass`]; the edge's protocol-level codes keep the status
/// HTTP defines for them (`405`, `406`, `408`, `415`). `docs/ERROR_CODES.md` lists every code with it.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::METHOD_NOT_ALLOWED => StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::REQUEST_TIMEOUT => StatusCode::REQUEST_TIMEOUT,
        ErrorCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::NOT_ACCEPTABLE => StatusCode::NOT_ACCEPTABLE,
        _ => status_of_class(code.class()),
    }
}

fn status_of_class(class: ErrorClass) -> StatusCode {
    match class {
        ErrorClass::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorClass::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorClass::Forbidden => StatusCode::FORBIDDEN,
        ErrorClass::NotFound => StatusCode::NOT_FOUND,
        ErrorClass::Conflict | ErrorClass::Contended => StatusCode::CONFLICT,
        ErrorClass::Gone => StatusCode::GONE,
        ErrorClass::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorClass::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorClass::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorClass::Upstream => StatusCode::BAD_GATEWAY,
        // `ErrorClass` may grow; a class this version does not know is the server's problem.
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `error` with `code`: a client mistake with its message and `details`, a server-side failure
/// with only `server_message`, its cause logged with the whole source chain (inside the
/// request's span, so with its request id) and kept out of the body.
pub(crate) fn domain_error(
    error: &(dyn std::error::Error + 'static),
    code: ErrorCode,
    details: Value,
    server_message: &'static str,
) -> ApiError {
    crate::telemetry::log_failure(code, error, "the request");
    if code.class().is_server_side() {
        return ApiError::new(code, server_message);
    }
    ApiError::new(code, error.to_string()).with_details(details)
}

const ISSUER_FAILED: &str = "the issuer could not complete the request";

/// An error of the asynchronous issuance queue.
pub(crate) fn queue_error(error: QueueError) -> ApiError {
    if let QueueError::Issue(e) = error {
        return ApiError::from(e);
    }
    let details = error.to_json()["details"].take();
    domain_error(&error, error.code(), details, ISSUER_FAILED)
}

/// An error of the status registry.
pub(crate) fn status_error(error: vc_status::Error) -> ApiError {
    domain_error(&error, error.code(), Value::Null, ISSUER_FAILED)
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
    domain_error(&error, error.code(), details, ISSUER_FAILED)
}

/// An error of the pickup service.
pub(crate) fn pickup_error(error: PickupError) -> ApiError {
    domain_error(&error, error.code(), Value::Null, ISSUER_FAILED)
}

/// An error of the credential status index.
pub(crate) fn index_error(error: impl Into<StatusIndexError>) -> ApiError {
    let error = error.into();
    domain_error(&error, error.code(), Value::Null, ISSUER_FAILED)
}

impl From<IssueError> for ApiError {
    fn from(error: IssueError) -> Self {
        let api = domain_error(&error, error.code(), error.details(), ISSUER_FAILED);
        match &error {
            IssueError::RateLimitExceeded { retry_after, .. } => api.with_retry_after(*retry_after),
            _ => api,
        }
    }
}
