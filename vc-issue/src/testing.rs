//! Conformance suites for host implementations of this crate's traits (feature `testing`).
//!
//! A host that brings its own store, key custody or DID resolution runs the suite of that trait
//! against its implementation in its own tests; the in-memory, SQLite and PostgreSQL
//! implementations shipped here run the same suites. The suites of the key store and the schema
//! registry return a [`ConformanceError`] naming the contract that broke; the older ones still
//! panic on a broken contract and return backend errors.
//!
//! | trait | suite |
//! |---|---|
//! | [`Signer`](crate::Signer) | [`signer`] |
//! | [`DidResolver`](crate::DidResolver) | [`resolver`] |
//! | [`KeyStore`](crate::KeyStore) | [`keystore`] |
//! | [`SchemaRegistry`](crate::SchemaRegistry) | [`schema`] |
//! | [`IssuanceStore`](crate::queue::IssuanceStore) | [`queue`] |
//! | [`ExchangeStore`](crate::exchange::ExchangeStore) | [`exchange`] |
//! | [`PickupStore`](crate::pickup::PickupStore) | [`pickup`] |
//! | [`CredentialStatusIndex`](crate::status_index::CredentialStatusIndex) | [`status_index`] |

pub mod exchange;
mod failure;
pub mod keystore;
pub mod pickup;
pub mod queue;
pub mod resolver;
pub mod schema;
pub mod signer;
pub mod status_index;

pub use failure::ConformanceError;
