//! The HTTP side of an issuer (feature `http`): VC API issuer endpoints, the VCALM workflow
//! service that wallets talk to, and one-time credential pickup, as an [`axum::Router`] the host
//! mounts next to its own routes.
//!
//! Every error leaves as the JSON shape `{ "code", "message", "details" }` ([`ApiError`]), with
//! the status code a client can act on; internals never reach the wire.

mod api_error;
mod auth;
mod body;
mod credential_status;
mod error_status;
pub mod exchanges;
mod issuer_api;
mod pickup;
mod router;
mod status_index;
mod status_lists;
#[cfg(feature = "testing")]
pub mod testing;

pub use api_error::ApiError;
pub use auth::{Authorizer, BearerTokens, Unauthorized};
pub use pickup::pickup_routes;
pub use router::{ConfigError, VcApi, VcApiBuilder};
#[cfg(feature = "postgres")]
pub use status_index::PostgresCredentialStatusIndex;
#[cfg(feature = "sqlite")]
pub use status_index::SqliteCredentialStatusIndex;
pub use status_index::{CredentialStatusIndex, MemoryCredentialStatusIndex, StatusIndexError};

/// The largest request body any endpoint reads (256 KiB): a credential request or a wallet's
/// presentation is a few KiB, and a bound keeps a hostile client from filling memory.
pub const BODY_LIMIT: usize = 256 * 1024;
