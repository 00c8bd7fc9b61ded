//! What can go wrong between a coordinator and the workflow service, each with a stable code.

use std::time::Duration;

use serde_json::Value;
use vc_core::ErrorCode;

use super::snapshot::ExchangeSnapshot;
use super::state::ExchangeState;
use crate::error::BoxError;

/// An error of the [`Coordinator`](super::Coordinator), with a stable [`code`](Self::code).
///
/// [`is_transient`](Self::is_transient) tells whether the same call may succeed later; polling
/// retries those by itself until its deadline.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CoordinatorError {
    /// A URL given to the coordinator is not an absolute `http(s)` URL.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The exchange's time to live is zero.
    #[error("an exchange needs a time to live of at least one second")]
    InvalidTtl,
    /// The request timeout is zero.
    #[error("the request timeout must be longer than zero")]
    InvalidTimeout,
    /// The bearer token cannot be sent in an HTTP header (control characters, non-ASCII).
    #[error("the bearer token contains characters an HTTP header cannot carry")]
    InvalidToken,
    /// The HTTP client could not be built (for example, no TLS backend could be initialized).
    #[error("the HTTP client could not be built")]
    ClientBuild {
        /// The client library's error.
        #[source]
        source: BoxError,
    },
    /// The workflow service could not be reached (connection refused, DNS, TLS, reset).
    #[error("the workflow service at {url} could not be reached")]
    Unreachable {
        /// The URL of the request.
        url: String,
        /// The transport's error.
        #[source]
        source: BoxError,
    },
    /// The workflow service did not answer within the request timeout.
    #[error("the workflow service at {url} did not answer in time")]
    RequestTimeout {
        /// The URL of the request.
        url: String,
    },
    /// The service refused the coordinator's credentials (`401`, or `403`).
    #[error("the workflow service refused the coordinator's credentials ({status})")]
    Unauthorized {
        /// The HTTP status (401 or 403).
        status: u16,
    },
    /// The service knows no workflow at this URL (`404` on create).
    #[error("no workflow at {url}")]
    WorkflowNotFound {
        /// The workflow URL.
        url: String,
    },
    /// The service knows no exchange at this URL (`404` or `410` on read): never created, or
    /// expired and removed.
    #[error("no exchange at {url}")]
    ExchangeNotFound {
        /// The exchange URL.
        url: String,
    },
    /// The exchange ended in state `invalid`: the wallet failed a step, or the exchange expired.
    ///
    /// [`last_error_code`](Self::last_error_code) gives the service's code for why.
    #[error("the exchange became invalid{}", describe_last_error(.last_error))]
    ExchangeInvalid {
        /// The service's `lastError`, when it gave one, as sent: `{"code", "message"}` from this
        /// crate's workflow service (`exchange::LastError`), `{"name", "message"}` from services
        /// that use the VC API's error shape.
        last_error: Option<Value>,
        /// The exchange as last read.
        exchange: Box<ExchangeSnapshot>,
    },
    /// Polling reached its deadline before the exchange completed or became invalid.
    #[error("the exchange did not finish within {waited:?} (last state: {})",
        last_state.map_or("unknown", ExchangeState::as_str))]
    PollTimeout {
        /// How long polling waited.
        waited: Duration,
        /// The last state read, if any read succeeded.
        last_state: Option<ExchangeState>,
    },
    /// The service answered `429`, `502`, `503` or `504`: busy or restarting.
    #[error("the workflow service is unavailable ({status})")]
    ServiceUnavailable {
        /// The HTTP status.
        status: u16,
        /// The service's `Retry-After`, when it sent one in seconds.
        retry_after: Option<Duration>,
    },
    /// The service rejected the request with another `4xx` (for example a `ttl` it does not allow).
    #[error("the workflow service rejected the request ({status}{}): {message}",
        code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// The service's machine-readable `code`, when its body had one.
        code: Option<String>,
        /// The service's `message`, or the status' reason phrase.
        message: String,
    },
    /// The service failed with another `5xx`.
    #[error("the workflow service failed ({status})")]
    ServiceError {
        /// The HTTP status.
        status: u16,
    },
    /// The service answered, but not with what the VC API defines.
    #[error("malformed response from {url}: {reason}")]
    MalformedResponse {
        /// The URL of the request.
        url: String,
        /// What was wrong.
        reason: &'static str,
        /// The parser's error, if one was involved.
        #[source]
        source: Option<BoxError>,
    },
    /// The service accepted an exchange but sent no usable `Location` header.
    #[error("the workflow service at {url} created an exchange but sent no usable Location")]
    MissingLocation {
        /// The URL of the request.
        url: String,
    },
    /// The interaction URL could not be rendered as a QR code (too long for the largest version).
    #[error("the interaction URL could not be rendered as a QR code")]
    QrEncoding {
        /// The encoder's error.
        #[source]
        source: BoxError,
    },
}

impl CoordinatorError {
    /// The stable, machine-readable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidUrl { .. } => ErrorCode::INVALID_URL,
            Self::InvalidTtl => ErrorCode::INVALID_TTL,
            Self::InvalidTimeout => ErrorCode::INVALID_TIMEOUT,
            Self::InvalidToken => ErrorCode::INVALID_TOKEN,
            Self::ClientBuild { .. } => ErrorCode::CLIENT_BUILD_FAILED,
            Self::Unreachable { .. } => ErrorCode::SERVICE_UNREACHABLE,
            Self::RequestTimeout { .. } => ErrorCode::SERVICE_TIMEOUT,
            Self::Unauthorized { .. } => ErrorCode::UNAUTHORIZED,
            Self::WorkflowNotFound { .. } => ErrorCode::WORKFLOW_NOT_FOUND,
            Self::ExchangeNotFound { .. } => ErrorCode::EXCHANGE_NOT_FOUND,
            Self::ExchangeInvalid { .. } => ErrorCode::EXCHANGE_INVALID,
            Self::PollTimeout { .. } => ErrorCode::POLL_TIMEOUT,
            Self::ServiceUnavailable { .. } => ErrorCode::SERVICE_UNAVAILABLE,
            Self::Rejected { .. } => ErrorCode::SERVICE_REJECTED,
            Self::ServiceError { .. } => ErrorCode::SERVICE_ERROR,
            Self::MalformedResponse { .. } => ErrorCode::MALFORMED_RESPONSE,
            Self::MissingLocation { .. } => ErrorCode::MISSING_LOCATION,
            Self::QrEncoding { .. } => ErrorCode::QR_ENCODING_FAILED,
        }
    }

    /// For `EXCHANGE_INVALID`: the service's machine-readable reason, the `code` of its
    /// `lastError` (`TEMPLATE_FAILED`, `SCHEMA_VALIDATION_FAILED`, ...), or its `name` when the
    /// service uses the VC API's `{name, message}` shape. `None` for every other error.
    pub fn last_error_code(&self) -> Option<&str> {
        match self {
            Self::ExchangeInvalid {
                last_error: Some(Value::Object(error)),
                ..
            } => error
                .get("code")
                .or_else(|| error.get("name"))
                .and_then(Value::as_str),
            _ => None,
        }
    }

    /// Whether the same call may succeed later: the service was unreachable, slow or busy.
    /// Everything else (credentials, unknown exchange, a refused request) needs a change first.
    /// What the code's class says.
    pub fn is_transient(&self) -> bool {
        self.code().class().is_retryable()
    }
}

/// `": <message>"` from a `lastError` (an object with `message`, or a string), followed by
/// `" (<code>)"` when it has a `code` (this crate's `{code, message}`), or nothing.
fn describe_last_error(last_error: &Option<Value>) -> String {
    let text = |error: &serde_json::Map<String, Value>, name: &str| {
        error.get(name).and_then(Value::as_str).map(str::to_owned)
    };
    let (message, code) = match last_error {
        Some(Value::String(message)) => (Some(message.clone()), None),
        Some(Value::Object(error)) => (
            text(error, "message").or_else(|| text(error, "name")),
            text(error, "code"),
        ),
        _ => (None, None),
    };
    match (message, code) {
        (Some(message), Some(code)) => format!(": {message} ({code})"),
        (Some(message), None) => format!(": {message}"),
        (None, Some(code)) => format!(" ({code})"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn invalid_exchange_names_the_service_message() {
        let error = CoordinatorError::ExchangeInvalid {
            last_error: Some(json!({"name": "DataError", "message": "challenge mismatch"})),
            exchange: Box::new(ExchangeSnapshot::from_json(&json!({"state": "invalid"})).unwrap()),
        };
        assert_eq!(error.code(), "EXCHANGE_INVALID");
        assert_eq!(
            error.to_string(),
            "the exchange became invalid: challenge mismatch"
        );
        assert!(!error.is_transient());
        assert_eq!(error.last_error_code(), Some("DataError"));
    }

    #[test]
    fn reads_the_code_of_this_crates_last_error() {
        let error = CoordinatorError::ExchangeInvalid {
            last_error: Some(json!({"code": "TEMPLATE_FAILED", "message": "template failed"})),
            exchange: Box::new(ExchangeSnapshot::from_json(&json!({"state": "invalid"})).unwrap()),
        };
        assert_eq!(error.last_error_code(), Some("TEMPLATE_FAILED"));
        assert_eq!(
            error.to_string(),
            "the exchange became invalid: template failed (TEMPLATE_FAILED)"
        );
        let bare = CoordinatorError::ExchangeInvalid {
            last_error: None,
            exchange: Box::new(ExchangeSnapshot::from_json(&json!({"state": "invalid"})).unwrap()),
        };
        assert_eq!(bare.last_error_code(), None);
        assert_eq!(bare.to_string(), "the exchange became invalid");
        assert_eq!(CoordinatorError::InvalidTtl.last_error_code(), None);
    }

    #[test]
    fn timeouts_report_the_last_state() {
        let error = CoordinatorError::PollTimeout {
            waited: Duration::from_secs(2),
            last_state: Some(ExchangeState::Active),
        };
        assert_eq!(error.code(), "POLL_TIMEOUT");
        assert!(error.to_string().contains("last state: active"));
    }

    #[test]
    fn rejections_carry_the_service_code() {
        let error = CoordinatorError::Rejected {
            status: 400,
            code: Some("INVALID_REQUEST".into()),
            message: "ttl too long".into(),
        };
        assert_eq!(
            error.to_string(),
            "the workflow service rejected the request (400 INVALID_REQUEST): ttl too long"
        );
    }
}
