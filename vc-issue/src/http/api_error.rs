//! The one error shape every endpoint answers with.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::error::IssueError;
use crate::http::Unauthorized;

/// An HTTP error: a status code and the JSON body `{ "code", "message", "details" }`.
///
/// Built from the library's typed errors, so the machine-readable `code` is the same one a host
/// sees in-process. Server-side failures keep their cause out of the body.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Value,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// An error with an explicit status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Value::Null,
            retry_after: None,
        }
    }

    /// Adds machine-readable details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// Adds a `Retry-After` header (rounded up to whole seconds).
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// `400 INVALID_REQUEST`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
    }

    /// `404 NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// `500 INTERNAL_ERROR` with a fixed message: the cause stays in the server's logs.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            "internal error",
        )
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl From<Unauthorized> for ApiError {
    fn from(_: Unauthorized) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "authentication required",
        )
    }
}

impl From<IssueError> for ApiError {
    fn from(error: IssueError) -> Self {
        let status = issue_status(&error);
        let retry_after = match &error {
            IssueError::RateLimitExceeded { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        if status.is_server_error() {
            return Self::new(
                status,
                error.code(),
                "the issuer could not complete the request",
            );
        }
        Self {
            status,
            code: error.code(),
            message: error.to_string(),
            details: error.details(),
            retry_after,
        }
    }
}

fn issue_status(error: &IssueError) -> StatusCode {
    match error {
        IssueError::IssuerNotFound { .. }
        | IssueError::HolderNotFound { .. }
        | IssueError::SchemaNotFound { .. } => StatusCode::NOT_FOUND,
        IssueError::IssuerNotAuthorized { .. } => StatusCode::FORBIDDEN,
        IssueError::RateLimitExceeded { .. } => StatusCode::TOO_MANY_REQUESTS,
        IssueError::IssuerDeactivated { .. } => StatusCode::CONFLICT,
        IssueError::StatusRegistrationFailed { .. }
        | IssueError::SigningFailed { .. }
        | IssueError::ResolutionFailed { .. }
        | IssueError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "details": self.details });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(after) = self.retry_after {
            let seconds = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}
