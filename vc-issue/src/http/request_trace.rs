//! Every request in an `http.request` span with a request id, echoed in [`REQUEST_ID_HEADER`].
//!
//! The id is the caller's `X-Request-Id` when it is a short token (1 to
//! [`MAX_REQUEST_ID_LEN`] characters of `A-Z a-z 0-9 . _ -`), so that a gateway's id follows the
//! request through; anything else is replaced by a fresh random one. The span names the route by
//! its template (`/workflows/{id}/exchanges/{exchange_id}`), never by the path that was asked
//! for: exchange URLs are capabilities a wallet holds, and query strings may carry anything.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use tracing::Instrument;

/// The header a request id arrives and leaves in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest caller-chosen request id kept.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// Marks a request the outermost layer has traced (a private type: no host extension stands in).
#[derive(Debug, Clone, Copy)]
struct Traced;

/// The layer: takes or makes the id, runs the request in its span, logs the outcome, echoes the id.
pub(crate) async fn trace_request(mut request: Request, next: Next) -> Response {
    if request.extensions().get::<Traced>().is_some() {
        // An outer router's layer (a VcApi this router was merged into) has done all of this.
        return next.run(request).await;
    }
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .filter(|v| acceptable(v.as_bytes()))
        .cloned()
        .unwrap_or_else(fresh_id);
    request.extensions_mut().insert(Traced);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!(
        "http.request",
        method = %request.method(),
        route = %route,
        request_id = id.to_str().unwrap_or_default(),
        status = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("status", status);
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if response.status().is_server_error() {
        tracing::warn!(parent: &span, status, millis, "request failed");
    } else {
        tracing::info!(parent: &span, status, millis, "request");
    }
    response.headers_mut().insert(REQUEST_ID_HEADER, id);
    response
}

fn acceptable(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn fresh_id() -> HeaderValue {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // Hex digits are always a valid header value.
    HeaderValue::from_str(&hex).unwrap_or_else(|_| HeaderValue::from_static("unknown"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_tokens_are_kept() {
        assert!(acceptable(b"abc-123_X.y"));
        assert!(!acceptable(b""));
        assert!(!acceptable(b"has space"));
        assert!(!acceptable(b"new\nline"));
        assert!(!acceptable("é".as_bytes()));
        assert!(!acceptable(&[b'a'; MAX_REQUEST_ID_LEN + 1]));
        assert!(acceptable(&[b'a'; MAX_REQUEST_ID_LEN]));
        let fresh = fresh_id();
        assert!(acceptable(fresh.as_bytes()) && fresh.len() == 32);
    }
}
