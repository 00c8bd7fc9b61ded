//! The edge every router of this module puts in front of its routes: what is refused before a
//! handler runs, and the one error shape for what axum itself answers.
//!
//! Two layers, applied by [`library_routes`] (and by [`VcApi`](super::VcApi) over everything it
//! merges):
//!
//! - **shape** (outermost, over every route, merged ones and the 404 fallback included): a path
//!   whose percent-encoding does not decode to UTF-8 is `400 INVALID_PATH` (axum's own answer
//!   would be plain text from whichever route matched); every error response that is not already
//!   JSON (axum's empty `404` and `405`, an extractor's plain-text rejection, a merged router's
//!   text) is rewritten into the [`ApiError`] shape, keeping its status and headers (`Allow`
//!   among them). It also carries the nesting limit down to the JSON gates below it: merged
//!   routers can't each have their own fallback (axum refuses to merge two), but layers compose,
//!   and the outermost shape decides.
//! - **JSON gate** (over the library's own routes, not over routers a host merges in, which may
//!   take other bodies): a request that carries a body must say `Content-Type: application/json`
//!   (`415 UNSUPPORTED_MEDIA_TYPE`), be no larger than [`BODY_LIMIT`] (`413 BODY_TOO_LARGE`), and
//!   parse under [`vc_core::parse::parse_value`]: no key twice in an object (`400
//!   DUPLICATE_KEY`), no nesting deeper than the limit (`400 NESTING_TOO_DEEP`), well-formed
//!   (`400 MALFORMED_JSON`), each with the JSON pointer of the place in `details`. The body is
//!   then handed on unchanged, so what a handler signs is what was sent.
//!
//! `+json` media types (`application/ld+json`, `application/vc+ld+json`) are refused too: every
//! body these endpoints read is a VC API or VCALM request object, which is plain JSON, not a
//! JSON-LD document or a credential, and accepting a type whose processing rules this service
//! does not apply (remote contexts, for `ld+json`) would tell the caller it had been.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::Body as _;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;
use vc_core::parse::{parse_value, ParseLimits};
use vc_core::ErrorCode;

use super::body::GatedBody;
use super::error_status::core_error;
use super::{ApiError, BODY_LIMIT};

/// The limits of the JSON gates below an outermost shape layer, as a request extension (a
/// private type, so no host extension can stand in for it).
#[derive(Debug, Clone, Copy)]
struct Edge {
    limits: ParseLimits,
}

/// The parse limits of the edge: [`BODY_LIMIT`] bytes and `max_depth` levels (at most
/// [`ParseLimits::MAX_DEPTH_CEILING`], at least 1).
pub(crate) fn parse_limits(max_depth: usize) -> ParseLimits {
    ParseLimits::max_bytes(BODY_LIMIT).with_max_depth(max_depth.max(1))
}

/// A router of the library's own routes, with both layers and the default limits: what
/// [`exchanges::routes`](super::exchanges::routes) and [`pickup_routes`](super::pickup_routes)
/// return. Merged into a [`VcApi`](super::VcApi), the VcApi's limits apply instead.
pub(crate) fn library_routes(router: Router) -> Router {
    shape(json_gate(router), ParseLimits::DEFAULT_MAX_DEPTH)
}

/// Puts the JSON gate over the routes `router` has now.
pub(crate) fn json_gate<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router.layer(from_fn(gate))
}

/// Puts the shape layer over everything `router` has now (routes, merged routers, fallback).
pub(crate) fn shape(router: Router, max_depth: usize) -> Router {
    let edge = Edge {
        limits: parse_limits(max_depth),
    };
    router
        .layer(from_fn_with_state(edge, shape_layer))
        // Outermost: a request the shape layer refuses has its id and span too.
        .layer(from_fn(super::request_trace::trace_request))
}

async fn shape_layer(State(edge): State<Edge>, mut request: Request, next: Next) -> Response {
    if request.extensions().get::<Edge>().is_some() {
        // An outer shape layer (a VcApi this router was merged into) has checked the path, will
        // rewrite the response, and has set the limits.
        return next.run(request).await;
    }
    request.extensions_mut().insert(edge);
    if !vc_core::uri::percent_decodes_to_utf8(request.uri().path()) {
        return ApiError::new(
            ErrorCode::INVALID_PATH,
            "the request path is not percent-encoded UTF-8",
        )
        .into_response();
    }
    into_shape(next.run(request).await)
}

/// An error response that is not JSON, rewritten into the shape; anything else as it is.
fn into_shape(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(response.headers()) {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let error = match status {
        StatusCode::NOT_FOUND => {
            ApiError::new(ErrorCode::NOT_FOUND, "nothing is served at this path")
        }
        // axum adds `Allow` outside every layer a router can put around a route, after this.
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            ErrorCode::METHOD_NOT_ALLOWED,
            "this path does not take this method (see Allow)",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => unsupported_media_type(),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(
            ErrorCode::REQUEST_TIMEOUT,
            "the request did not arrive in time",
        ),
        status if status.is_client_error() => {
            ApiError::new(ErrorCode::INVALID_REQUEST, "the request could not be read")
                .with_status(status)
        }
        StatusCode::SERVICE_UNAVAILABLE => ApiError::new(
            ErrorCode::SERVICE_UNAVAILABLE,
            "the service cannot answer now",
        ),
        _ => ApiError::new(ErrorCode::INTERNAL_ERROR, "internal error").with_status(status),
    };
    let shaped = error.into_response();
    parts.headers.remove(CONTENT_LENGTH);
    for (name, value) in shaped.headers() {
        parts.headers.insert(name.clone(), value.clone());
    }
    Response::from_parts(parts, shaped.into_body())
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// `413 BODY_TOO_LARGE`.
pub(crate) fn too_large() -> ApiError {
    ApiError::new(
        ErrorCode::BODY_TOO_LARGE,
        format!("the request body exceeds {BODY_LIMIT} bytes"),
    )
    .with_details(json!({ "limit": BODY_LIMIT }))
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        ErrorCode::UNSUPPORTED_MEDIA_TYPE,
        "a request body must be sent as Content-Type: application/json",
    )
    .with_details(json!({ "accept": ["application/json"] }))
}

async fn gate(request: Request, next: Next) -> Response {
    match checked(request).await {
        Ok(request) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// The request with its body read and checked, or the refusal.
async fn checked(request: Request) -> Result<Request, ApiError> {
    if request.body().size_hint().exact() == Some(0) {
        // No body (no Content-Length, or 0): nothing to type or parse; the handler decides
        // whether it needs one.
        return Ok(request);
    }
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Checked before the type, from the head alone: a body that is too large is refused as such
    // whatever it claims to be, without reading it.
    if declared.is_some_and(|len| len > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    if !is_json_media_type(request.headers()) {
        return Err(unsupported_media_type());
    }
    let limits = request.extensions().get::<Edge>().map_or_else(
        || parse_limits(ParseLimits::DEFAULT_MAX_DEPTH),
        |e| e.limits,
    );
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => return Err(too_large()),
        Err(_) => {
            return Err(ApiError::new(
                ErrorCode::INVALID_REQUEST,
                "the request body could not be read",
            ))
        }
    };
    // An empty JSON body is the handler's to judge (the exchange endpoints read it as `{}`).
    let parsed = if bytes.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(parse_value(&bytes, &limits).map_err(core_error)?)
    };
    let mut request = Request::from_parts(parts, Body::from(bytes));
    if let Some(value) = parsed {
        // Handlers that read JSON take this value instead of parsing the bytes again.
        request.extensions_mut().insert(GatedBody(value));
    }
    Ok(request)
}

/// Whether the request's one `Content-Type` is `application/json`, with no parameter but an
/// optional `charset=utf-8` (JSON is UTF-8, RFC 8259 section 8.1; other parameters are ignored as
/// RFC 9110 lets a recipient do with unknown ones).
fn is_json_media_type(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|parameter| {
        let Some((name, value)) = parameter.split_once('=') else {
            return parameter.trim().is_empty();
        };
        !name.trim().eq_ignore_ascii_case("charset")
            || value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn content_type(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn only_application_json_is_a_json_media_type() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/json; foo=bar",
        ] {
            assert!(is_json_media_type(&content_type(ok)), "{ok}");
        }
        for refused in [
            "text/plain",
            "application/ld+json",
            "application/vc+ld+json",
            "application/json; charset=latin1",
            "application/jsonx",
            "application/json garbage",
            "",
        ] {
            assert!(!is_json_media_type(&content_type(refused)), "{refused}");
        }
        assert!(!is_json_media_type(&HeaderMap::new()));
        let mut two = content_type("application/json");
        two.append(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert!(!is_json_media_type(&two));
    }
}
