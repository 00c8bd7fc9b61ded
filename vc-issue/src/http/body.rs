//! Reading a JSON request body into the error shape every endpoint shares.
//!
//! axum's own `Json` extractor answers bad bodies with plain text; reading the bytes ourselves
//! keeps every refusal in the `{code, message, details}` shape, including the size limit's `413`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
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
