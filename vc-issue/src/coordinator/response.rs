//! Turning the workflow service's HTTP answers into values or typed errors.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{header, Response, StatusCode};
use serde_json::Value;
use url::Url;

use super::error::CoordinatorError;

/// The largest response body read: an exchange with its results (a presentation and a few
/// credentials) is tens of KiB; the bound keeps a broken or hostile service from filling memory.
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// The largest error body read for its `code` and `message`.
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// What the request was for, which decides what a `404` means.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// `POST <workflow>/exchanges`: the workflow is unknown.
    Workflow,
    /// `GET <exchange>`: the exchange is unknown (or gone).
    Exchange,
}

/// A transport failure: a timeout, or anything else that kept the request from an answer.
pub(crate) fn transport_error(url: &Url, error: reqwest::Error) -> CoordinatorError {
    if error.is_timeout() {
        CoordinatorError::RequestTimeout {
            url: url.to_string(),
        }
    } else {
        CoordinatorError::Unreachable {
            url: url.to_string(),
            // Without the URL: it is already in the error, and a query may carry more than needed.
            source: Arc::new(error.without_url()),
        }
    }
}

/// Passes a `2xx` response through; maps every other status to its error.
pub(crate) async fn check_status(
    response: Response,
    url: &Url,
    target: Target,
) -> Result<Response, CoordinatorError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => CoordinatorError::Unauthorized {
            status: status.as_u16(),
        },
        StatusCode::NOT_FOUND | StatusCode::GONE => match target {
            Target::Workflow => CoordinatorError::WorkflowNotFound {
                url: url.to_string(),
            },
            Target::Exchange => CoordinatorError::ExchangeNotFound {
                url: url.to_string(),
            },
        },
        StatusCode::TOO_MANY_REQUESTS
        | StatusCode::BAD_GATEWAY
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => CoordinatorError::ServiceUnavailable {
            status: status.as_u16(),
            retry_after: retry_after(&response),
        },
        _ if status.is_client_error() => rejection(response).await,
        _ if status.is_server_error() => CoordinatorError::ServiceError {
            status: status.as_u16(),
        },
        // 1xx never reach here; 3xx do when redirects are not followed.
        _ => CoordinatorError::MalformedResponse {
            url: url.to_string(),
            reason: "unexpected status",
            source: None,
        },
    })
}

/// Reads a JSON body of at most [`MAX_RESPONSE_BYTES`].
pub(crate) async fn read_json(response: Response, url: &Url) -> Result<Value, CoordinatorError> {
    let body =
        read_limited(response, MAX_RESPONSE_BYTES)
            .await
            .map_err(|failure| match failure {
                ReadFailure::Transport(error) => transport_error(url, error),
                ReadFailure::TooLarge => CoordinatorError::MalformedResponse {
                    url: url.to_string(),
                    reason: "response body too large",
                    source: None,
                },
            })?;
    // The service is remote: its answer is held to the same strict parse as a request (no key
    // twice, bounded nesting), so a credential read from it is the one it signed.
    let limits = vc_core::ParseLimits::max_bytes(MAX_RESPONSE_BYTES);
    vc_core::parse::parse_value(&body, &limits).map_err(|e| CoordinatorError::MalformedResponse {
        url: url.to_string(),
        reason: "response body is not JSON within the parse limits",
        source: Some(Arc::new(e)),
    })
}

/// The `Location` of a created resource, resolved against the request's URL (RFC 9110,
/// section 10.2.2).
pub(crate) fn location(response: &Response, request_url: &Url) -> Option<Url> {
    let value = response.headers().get(header::LOCATION)?.to_str().ok()?;
    request_url.join(value.trim()).ok()
}

/// A `4xx` with the VC API error body (`{code, message}`) when the service sent one.
async fn rejection(response: Response) -> CoordinatorError {
    let status = response.status();
    let body = read_limited(response, MAX_ERROR_BYTES).await.ok();
    let parsed: Option<Value> = body.and_then(|b| {
        vc_core::parse::parse_value(&b, &vc_core::ParseLimits::max_bytes(MAX_ERROR_BYTES)).ok()
    });
    let text = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    CoordinatorError::Rejected {
        status: status.as_u16(),
        code: text("code"),
        message: text("message")
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("rejected").to_owned()),
    }
}

/// `Retry-After` in delta-seconds; the HTTP-date form is ignored (backoff applies instead).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Why a body could not be read.
pub(crate) enum ReadFailure {
    /// The connection failed or timed out.
    Transport(reqwest::Error),
    /// The body is longer than the limit.
    TooLarge,
}

/// Reads the body of `response`, of at most `limit` bytes (also the OpenID4VCI token
/// introspection's reader).
pub(crate) async fn read_limited(
    mut response: Response,
    limit: usize,
) -> Result<Vec<u8>, ReadFailure> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(ReadFailure::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadFailure::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(ReadFailure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
