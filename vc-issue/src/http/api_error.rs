//! The one error shape every endpoint answers with.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use vc_core::ErrorCode;

use crate::http::Unauthorized;

/// An HTTP error: a status code and the JSON body `{ "code", "message", "details" }`.
///
/// Built from the library's typed errors, so the machine-readable `code` is the same one a host
/// sees in-process. Server-side failures keep their cause out of the body.
///
/// Messages and details often quote what the caller sent (an unknown field's name, a value a
/// schema refused), so the body is bounded when it is written, whatever built the error: the
/// message is cut to [`MAX_MESSAGE_LEN`](Self::MAX_MESSAGE_LEN) bytes, every string in `details`
/// (object keys included) to [`MAX_DETAIL_LEN`](Self::MAX_DETAIL_LEN), and `details` keeps at
/// most [`MAX_DETAIL_VALUES`](Self::MAX_DETAIL_VALUES) values, nested at most
/// [`MAX_DETAIL_DEPTH`](Self::MAX_DETAIL_DEPTH) deep; a cut string ends in `…`, and an object
/// `details` that lost values says `"truncated": true`.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    details: Value,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// The longest `message` written, in bytes (cut at a character boundary, then `…`).
    pub const MAX_MESSAGE_LEN: usize = 512;

    /// The longest string (or object key) written in `details`, in bytes.
    pub const MAX_DETAIL_LEN: usize = 256;

    /// The most values (strings, numbers, arrays, objects, ...) written in `details`; the rest
    /// is left out, in document order.
    pub const MAX_DETAIL_VALUES: usize = 256;

    /// The deepest nesting written in `details` (`details` itself is level 1); deeper values are
    /// left out.
    pub const MAX_DETAIL_DEPTH: usize = 6;

    /// An error with a registered code and a message; the status is the code's
    /// ([`status_of`](super::status_of)).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status: super::status_of(code),
            code,
            message: message.into(),
            details: Value::Null,
            retry_after: None,
        }
    }

    /// Answers with `status` instead of the code's own: for the edge, which puts a response that
    /// hyper or axum already gave a status into the shape and must not change what it says.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
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
        Self::new(ErrorCode::INVALID_REQUEST, message)
    }

    /// `404 NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NOT_FOUND, message)
    }

    /// `500 INTERNAL_ERROR` with a fixed message: the cause stays in the server's logs.
    pub fn internal() -> Self {
        Self::new(ErrorCode::INTERNAL_ERROR, "internal error")
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine-readable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message as it is written (bounded).
    pub fn message(&self) -> String {
        cut(&self.message, Self::MAX_MESSAGE_LEN)
    }

    /// The details as they are written (bounded).
    pub fn details(&self) -> Value {
        let mut budget = Self::MAX_DETAIL_VALUES;
        let mut truncated = false;
        let mut details = bounded(&self.details, 1, &mut budget, &mut truncated);
        if truncated {
            if let Value::Object(map) = &mut details {
                map.insert("truncated".into(), Value::Bool(true));
            }
        }
        details
    }
}

/// `text` cut to at most `max` bytes at a character boundary, with `…` when anything was cut.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A copy of `value` within the detail limits; `budget` counts the values still allowed, and
/// `truncated` is set when anything was cut or left out.
fn bounded(value: &Value, depth: usize, budget: &mut usize, truncated: &mut bool) -> Value {
    *budget = budget.saturating_sub(1);
    let mut cut_detail = |s: &str| {
        let out = cut(s, ApiError::MAX_DETAIL_LEN);
        *truncated |= out.len() != s.len();
        out
    };
    match value {
        Value::String(s) => Value::String(cut_detail(s)),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                if *budget == 0 || depth >= ApiError::MAX_DETAIL_DEPTH {
                    *truncated = true;
                    break;
                }
                out.push(bounded(item, depth + 1, budget, truncated));
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (key, item) in map {
                if *budget == 0 || depth >= ApiError::MAX_DETAIL_DEPTH {
                    *truncated = true;
                    break;
                }
                let short = cut(key, ApiError::MAX_DETAIL_LEN);
                *truncated |= short.len() != key.len();
                out.insert(short, bounded(item, depth + 1, budget, truncated));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

impl From<Unauthorized> for ApiError {
    fn from(_: Unauthorized) -> Self {
        Self::new(ErrorCode::UNAUTHORIZED, "authentication required")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            json!({ "code": self.code, "message": self.message(), "details": self.details() });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_details_are_bounded_when_written() {
        let long = "é".repeat(10_000);
        let details = json!({
            "field": long,
            "deep": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}},
            long.clone(): 1,
            "list": (0..1000).map(|i| json!({ "i": i })).collect::<Vec<_>>(),
        });
        let error = ApiError::bad_request(format!("unknown field `{long}`")).with_details(details);
        let message = error.message();
        assert!(
            message.len() <= ApiError::MAX_MESSAGE_LEN,
            "{}",
            message.len()
        );
        assert!(message.starts_with("unknown field `é") && message.ends_with('…'));
        let written = error.details();
        assert_eq!(written["truncated"], true);
        let field = written["field"].as_str().unwrap();
        assert!(field.len() <= ApiError::MAX_DETAIL_LEN && field.ends_with('…'));
        assert!(written["list"].as_array().unwrap().len() < ApiError::MAX_DETAIL_VALUES);
        assert!(
            written.to_string().len() < 16 * 1024,
            "{}",
            written.to_string().len()
        );
        assert_eq!(written["deep"]["a"]["b"]["c"]["d"], json!({}));
        assert!(written
            .as_object()
            .unwrap()
            .keys()
            .all(|k| k.len() <= ApiError::MAX_DETAIL_LEN));
    }

    #[test]
    fn short_text_is_written_as_it_is() {
        let error = ApiError::bad_request("short").with_details(json!({"pointer": "/a"}));
        assert_eq!(error.message(), "short");
        assert_eq!(error.details(), json!({"pointer": "/a"}));
    }
}
