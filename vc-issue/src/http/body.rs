//! Reading a JSON request body into the error shape every endpoint shares.
//!
//! axum's own `Json` extractor answers bad bodies with plain text; reading the bytes ourselves
//! keeps every refusal in the `{code, message, details}` shape, including the size limit's `413`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde_json::Value;

use super::ApiError;

/// The body as a JSON value: `413 BODY_TOO_LARGE` over [`BODY_LIMIT`](super::BODY_LIMIT),
/// `400 MALFORMED_JSON` when it does not parse.
// ApiError (136 bytes, the shared skeleton's) is built once, on the refusal path of a request;
// boxing it here would buy nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn json_body(body: Result<Bytes, BytesRejection>) -> Result<Value, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BODY_TOO_LARGE",
                format!("the request body exceeds {} bytes", super::BODY_LIMIT),
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "MALFORMED_JSON",
                "the request body could not be read",
            )
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "MALFORMED_JSON",
            format!("the request body is not JSON: {e}"),
        )
    })
}
