//! Reading a JSON request body into the error shape every endpoint shares.
//!
//! axum's own `Json` extractor answers bad bodies with plain text; reading the bytes ourselves
//! keeps every refusal in the `{code, message, details}` shape, including the size limit's `413`.

use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde_json::Value;
use vc_core::parse::{parse_value, ParseLimits};
use vc_core::ErrorCode;

use super::edge::{parse_limits, too_large};
use super::error_status::core_error;
use super::ApiError;

/// The body as a JSON value: `413 BODY_TOO_LARGE` over [`BODY_LIMIT`](super::BODY_LIMIT),
/// `400 MALFORMED_JSON` when it does not parse, `400 DUPLICATE_KEY` for a key given twice in an
/// object (the last would win, so `issuer` could be given twice), `400 NESTING_TOO_DEEP` past
/// the ceiling.
///
/// The edge in front of every route has already applied the router's own nesting limit (which
/// may be lower) with the same codes; the ceiling here is the bound no configuration exceeds, so
/// that this parse is safe on its own.
#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
)]
pub(crate) fn json_body(body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(
                ErrorCode::MALFORMED_JSON,
                "the request body could not be read",
            )
        }
    })?;
    parse_value(&bytes, &parse_limits(ParseLimits::MAX_DEPTH_CEILING)).map_err(core_error)
}

/// The body the edge's JSON gate parsed, handed to the handler in the request's extensions so
/// that the body is parsed once (the bytes stay in the request too, unchanged).
#[derive(Debug, Clone)]
pub(crate) struct GatedBody(pub(crate) Value);

/// A handler's JSON request body: the value the edge parsed, or, on a route without the gate,
/// [`json_body`] of its bytes. It never rejects: the handler takes the outcome with
/// [`value`](Self::value) where it would have read the body, after its own checks (the caller's
/// authorization first).
pub(crate) struct JsonBody(Result<Value, ApiError>);

impl JsonBody {
    /// The body, or the refusal [`json_body`] gives.
    #[expect(
        clippy::result_large_err,
        reason = "ApiError is built once, on the refusal path of a request"
    )]
    pub(crate) fn value(self) -> Result<Value, ApiError> {
        self.0
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Infallible;

    async fn from_request(mut request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(GatedBody(value)) = request.extensions_mut().remove::<GatedBody>() {
            return Ok(JsonBody(Ok(value)));
        }
        Ok(JsonBody(json_body(
            Bytes::from_request(request, state).await,
        )))
    }
}
