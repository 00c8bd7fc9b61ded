//! The coordinator client for VCALM (VC API) exchanges (feature `client`): the brand's own
//! service asks a workflow service for an exchange, shows the wallet an interaction URL (a link,
//! a QR code on a product tag), and polls until the wallet has been issued its credential.
//!
//! ```text
//! coordinator                       workflow service                     wallet
//!   create_exchange ── POST …/exchanges {ttl, variables} ──▶  204 + Location
//!   interaction ──── URL?iuv=1 / QR / payload ─────────────────────────────▶ scans
//!                                                   ◀── POST exchange (didAuth, issue)
//!   poll ─────────── GET exchange (backoff) ─────▶  {"exchange": {state, variables.results}}
//! ```
//!
//! [`Coordinator`] holds the HTTP client and the workflow service's bearer token (never printed);
//! every failure is a [`CoordinatorError`] with a stable code (`UNAUTHORIZED`,
//! `EXCHANGE_NOT_FOUND`, `EXCHANGE_INVALID`, `POLL_TIMEOUT`, `SERVICE_UNREACHABLE`, ...).
//!
//! The wire format is the VC API's: exchanges are created with `{"ttl": <seconds>, "variables":
//! {...}}`; reads accept both `{"exchange": {...}}` and a bare exchange object.

mod builder;
mod client;
mod error;
mod exchange_url;
mod interaction;
mod outcome;
mod poll;
pub(crate) mod qr;
pub(crate) mod response;
mod snapshot;
mod state;

pub use builder::{CoordinatorBuilder, DEFAULT_REQUEST_TIMEOUT};
pub use client::Coordinator;
pub use error::CoordinatorError;
pub use exchange_url::ExchangeUrl;
pub use interaction::Interaction;
pub use outcome::ExchangeOutcome;
pub use poll::PollOptions;
pub use qr::{MAX_PNG_SCALE, QUIET_ZONE};
pub use response::MAX_RESPONSE_BYTES;
pub use snapshot::ExchangeSnapshot;
pub use state::ExchangeState;
