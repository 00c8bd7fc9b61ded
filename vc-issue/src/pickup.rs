//! Credential pickup by one-time token: the simplest way to hand a credential to
//! a wallet besides DIDComm and exchanges.
//!
//! The issuer signs a credential, calls [`PickupService::create_pickup`] and gives the holder the
//! link (or a QR code of it). The holder's wallet posts the token to `POST /credentials/pickup`
//! and receives the credential, exactly once.
//!
//! ```
//! use std::sync::Arc;
//! use vc_issue::pickup::{MemoryPickupStore, PickupService};
//! use vc_issue::IssuedCredential;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let pickups = PickupService::new(Arc::new(MemoryPickupStore::new()), "https://issuer.example")?;
//! let credential = IssuedCredential::Jwt("eyJ...".into()); // a signed credential
//! let link = pickups.create_pickup(credential, time::Duration::hours(1)).await?;
//! assert!(link.url().starts_with("https://issuer.example/credentials/pickup#token="));
//!
//! // The wallet redeems the token once; every later attempt finds nothing.
//! let token = link.token().expose().to_owned();
//! assert!(pickups.redeem(&token).await?.is_some());
//! assert!(pickups.redeem(&token).await?.is_none());
//! # Ok(()) }
//! ```
//!
//! # Security
//! - A token is 256 bits from the operating system's CSPRNG, base64url-encoded. Stores keep only
//!   its SHA-256 digest ([`TokenDigest`]), so a leaked database hands out no credentials.
//! - Redeeming is one atomic take (`DELETE ... RETURNING` in SQL): two concurrent requests with the
//!   same token get the credential at most once between them.
//! - A used, an expired and an unknown token look the same to the caller (`410 Gone` over HTTP).
//! - [`PickupToken`] and [`PickupLink`] redact the token in `Debug`; nothing here logs it.
//! - The link carries the token in the URL fragment (`#token=`), which browsers and HTTP clients
//!   never send to a server, so it stays out of access logs and proxies; the wallet reads it from
//!   the link and posts it in the request body.
//!
//! # Stores
//! [`PickupStore`] is small (insert, take, purge). [`MemoryPickupStore`], `SqlitePickupStore`
//! (feature `sqlite`) and `PostgresPickupStore` (feature `postgres`) pass the conformance suite in
//! `testing::pickup` (feature `testing`).

mod error;
mod service;
mod store;
mod token;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_store;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use error::PickupError;
#[cfg(feature = "postgres")]
pub use postgres::PostgresPickupStore;
#[cfg(feature = "http")]
pub(crate) use service::{normalize_base_url, PICKUP_PATH};
pub use service::{PickupLink, PickupService, DEFAULT_MAX_TTL};
#[cfg(feature = "sqlite")]
pub use sqlite::SqlitePickupStore;
pub use store::{MemoryPickupStore, PickupRecord, PickupStore};
pub use token::{PickupToken, TokenDigest};
