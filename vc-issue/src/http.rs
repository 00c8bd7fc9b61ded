//! The HTTP side of an issuer (feature `http`): VC API issuer endpoints, the VCALM workflow
//! service that wallets talk to, and one-time credential pickup, as an [`axum::Router`] the host
//! mounts next to its own routes.
//!
//! Every error leaves as the JSON shape `{ "code", "message", "details" }` ([`ApiError`]), with
//! the status code a client can act on; internals never reach the wire. That includes what axum
//! itself would answer: every router built here (`VcApi::router`, [`exchanges::routes`],
//! [`pickup_routes`]) answers an unknown path with `404 NOT_FOUND`, a wrong method with
//! `405 METHOD_NOT_ALLOWED` (and `Allow`), a path that does not percent-decode to UTF-8 with
//! `400 INVALID_PATH`.
//!
//! What is refused before a handler runs, each with its own code:
//!
//! | limit | code |
//! |---|---|
//! | a body's `Content-Type` is `application/json` (`charset=utf-8` allowed; no `+json` types) | `415 UNSUPPORTED_MEDIA_TYPE` |
//! | a body is at most [`BODY_LIMIT`] bytes | `413 BODY_TOO_LARGE` |
//! | a body is JSON | `400 MALFORMED_JSON` |
//! | no object gives a key twice | `400 DUPLICATE_KEY` (`details.pointer`, `details.key`) |
//! | a body nests at most [`VcApiBuilder::max_nesting`] levels (32 by default) | `400 NESTING_TOO_DEEP` (`details.pointer`, `details.limit`) |
//!
//! and, by [`serve`] ([`ServeLimits`]), a request head within a timeout (the connection is
//! closed), a whole request within a timeout (`408 REQUEST_TIMEOUT` while the body arrives,
//! `503 PROCESSING_TIMEOUT` after), a cap on connections, graceful shutdown. Messages and details
//! that quote the caller are cut to a bounded length ([`ApiError`]).
//!
//! Every request runs in an `http.request` span with a request id (the caller's `X-Request-Id`
//! when it is a short token, a fresh one otherwise), which the response carries back in
//! [`REQUEST_ID_HEADER`]; a server-side failure is logged in that span with its whole source
//! chain while the body says only its code (see [`telemetry`](crate::telemetry)).

#[cfg(feature = "sd-jwt")]
mod accept;
mod api_error;
pub mod approvals;
mod auth;
mod body;
mod credential_status;
mod edge;
mod error_status;
pub mod exchanges;
pub mod instance;
mod issuer_api;
#[cfg(feature = "oid4vci")]
mod oid4vci;
mod pickup;
mod request_trace;
mod router;
#[cfg(feature = "sd-jwt")]
mod sd_jwt_vc;
mod serve;
mod status_lists;
mod suite_choice;
mod verifier_api;

pub use api_error::ApiError;
pub use auth::{Authorizer, BearerTokens, Principal, Unauthorized};
pub use error_status::status_of;
pub use instance::{InstanceConfigError, InstanceId, IssuerInstance, IssuerInstanceBuilder};
#[cfg(feature = "oid4vci")]
pub use oid4vci::oid4vci_routes;
pub use pickup::pickup_routes;
pub use request_trace::{MAX_REQUEST_ID_LEN, REQUEST_ID_HEADER};
pub use router::{ConfigError, VcApi, VcApiBuilder};
pub use serve::{serve, Serve, ServeLimits};
pub use verifier_api::verifier_routes;

/// The largest request body any endpoint reads (256 KiB): a credential request or a wallet's
/// presentation is a few KiB, and a bound keeps a hostile client from filling memory.
pub const BODY_LIMIT: usize = 256 * 1024;
