//! Status lists for vc-issuer-rs: W3C Bitstring Status List v1.0, StatusList2021 and the IETF
//! Token Status List (for SD-JWT VCs), and a registry that many issuer processes can share.
//!
//! ```
//! use std::sync::Arc;
//! use vc_status::{store::MemoryStore, StatusPurpose, StatusRegistry};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), vc_status::Error> {
//! let registry = StatusRegistry::builder()
//!     .store(Arc::new(MemoryStore::new()))
//!     .list_url_template("https://issuer.example/status/{list}")
//!     .issuer("did:example:issuer")
//!     .build()?;
//!
//! // Two entries, ready to embed as `credentialStatus`; indexes are unique and unpredictable.
//! let entries = registry.allocate(StatusPurpose::Revocation, 2).await?;
//! let json = entries[0].to_value();
//! assert_eq!(json["type"], "BitstringStatusListEntry");
//! assert_eq!(json["statusListCredential"], "https://issuer.example/status/revocation-1");
//!
//! registry.revoke(&entries[0]).await?;
//! assert_eq!(registry.status(&entries[0]).await?, 1);
//! assert_eq!(registry.status(&entries[1]).await?, 0);
//!
//! // The unsigned list credential, for the issuer to sign and the host to serve.
//! let list = registry
//!     .list_credential_for_url(entries[0].list_credential())
//!     .await?;
//! assert_eq!(list["type"][1], "BitstringStatusListCredential");
//! let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap_or_default();
//! let bits = vc_status::Bitstring::decode(encoded, &vc_status::DecodeOptions::new())?;
//! assert_eq!(bits.get(entries[0].index().get())?, 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Parts
//! - [`Bitstring`]: the list itself; `encodedList` encoding (GZIP + multibase base64url) and
//!   decoding with typed errors (`STATUS_LIST_LENGTH_ERROR`, `RANGE_ERROR`, bad prefix, bad GZIP,
//!   GZIP bombs).
//! - [`TokenStatusList`]: the IETF Token Status List (`status_list` with `bits` and a zlib `lst`)
//!   and the claims of its Status List Token ([`status_list_token_claims`]); the CBOR
//!   `status_list` of its CWT form ([`TokenStatusList::to_cbor`], [`TokenStatusList::from_cbor`],
//!   [`status_list_cbor_from_json`] for the registry's cached JSON claims); a registry with
//!   [`ListFormat::TokenStatusList`] allocates its entries from the same store and allocator.
//! - [`StatusEntry`]: a `BitstringStatusListEntry` / `StatusList2021Entry`, parsed and validated.
//! - [`Permutation`]: the keyed bijection that turns an allocation counter into an index.
//! - [`store::StatusListStore`]: the small async trait backends implement; [`store::MemoryStore`],
//!   `store::SqliteStore` (feature `sqlite`), `store::PostgresStore` (feature `postgres`).
//! - [`StatusRegistry`]: allocation with rollover, revoke/suspend/message, list credentials.
//! - [`ReservationOwner`]: owned allocation ([`StatusRegistry::allocate_owned`]), for work that may
//!   crash and be retried elsewhere: the index and the record of who holds it are one atomic store
//!   step, and a repeat for the same owner returns the same entry.
//! - `testing` (feature `testing`): the conformance suite for store backends.
//!
//! # Sharing a registry between processes and machines
//! Give every issuer process a registry over the same store: an `SqliteStore` file on one
//! machine, a `PostgresStore` for several machines (`PostgresStore::connect(url)` keeps its tables
//! in the `vc_status` schema and migrates on connect). Nothing else is shared: every process may
//! allocate, roll over, revoke and build list credentials. Indexes are never handed out twice
//! because each batch is one atomic counter step in the store, mapped through the list's keyed
//! permutation (whose seed is stored with the list); a full list is followed by the next list of
//! the series, which the first process to need it creates (a racing creator gets `AlreadyExists`
//! and reads the winner's list). Status changes are one row per entry, so concurrent revocations
//! from several processes are never lost; each change bumps the list's version, and a process
//! re-encodes a list credential only when the version it sees has changed. An owned reservation
//! is that counter step plus a row naming its owner, written in one transaction: a process killed
//! at any instant leaves either nothing taken or a reservation any other process turns back into
//! the same entry.
//!
//! # Features
//! - `sqlite`: the embedded SQLite backend (bundled SQLite via `sqlx`, WAL mode); the recommended
//!   backend for a single machine.
//! - `postgres`: the PostgreSQL backend, for issuers on several machines.
//! - `testing`: the conformance suite and test-only small lists.
#![forbid(unsafe_code)]
// On docs.rs (and `.ci/run`'s docs step) every item says which feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

mod bitstring;
mod builder;
mod credential;
mod entry;
mod error;
mod format;
mod group_commit;
mod index;
mod list_id;
mod message;
mod owner;
mod permutation;
mod purpose;
mod registry;
mod reservation;
mod status_size;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod token_status_list;
mod token_status_list_cbor;

// The crates whose items this crate's public API names (DIDs and datetimes, the store trait's
// `#[async_trait]`), so that a host implementing a store needs no other dependency.
pub use async_trait::async_trait;
pub use vc_core;

pub use bitstring::{Bitstring, DecodeOptions, DEFAULT_MAX_BYTES, MIN_ENTRIES};
pub use builder::{StatusRegistryBuilder, LIST_PLACEHOLDER};
pub use credential::{format_datetime, list_credential, ListCredentialParams};
pub use entry::StatusEntry;
pub use error::{BoxError, Error, Result};
pub use format::{ListFormat, STATUS_LIST_2021_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT};
pub use group_commit::GroupCommit;
pub use index::StatusListIndex;
pub use list_id::{StatusListId, MAX_LIST_ID_LEN};
pub use message::{validate_status_messages, StatusMessage};
pub use owner::{ReservationOwner, MAX_OWNER_LEN};
pub use permutation::{Permutation, MAX_DOMAIN};
pub use purpose::StatusPurpose;
pub use registry::{StatusRegistry, MAX_BATCH};
pub use reservation::Reservation;
pub use status_size::StatusSize;
pub use token_status_list::{
    status_list_reference, status_list_token_claims, StatusListTokenParams, TokenStatusList,
    TOKEN_STATUS_INVALID, TOKEN_STATUS_SUSPENDED, TOKEN_STATUS_VALID,
};
pub use token_status_list_cbor::status_list_cbor_from_json;
