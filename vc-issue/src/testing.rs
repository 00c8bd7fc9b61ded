//! Conformance suites for host implementations of this crate's traits (feature `testing`).
//!
//! A host that brings its own store, key custody or DID resolution runs the suite of that trait
//! against its implementation in its own tests; the in-memory, SQLite and PostgreSQL
//! implementations shipped here run the same suites. Every suite returns a [`ConformanceError`]
//! naming the check that failed: [`Contract`](ConformanceError::Contract) when the
//! implementation answered against the trait's contract (with what it answered),
//! [`Backend`](ConformanceError::Backend) when it failed where the contract asks it to answer.
//! None panics, so a host can run them wherever it runs its own checks.
//!
//! | trait | suite |
//! |---|---|
//! | [`Signer`](crate::Signer), `BbsSigner` (feature `bbs`) | [`signer`] |
//! | [`DidResolver`](crate::DidResolver) | [`resolver`] |
//! | [`Canonicalizer`](crate::crypto::suites::Canonicalizer) | [`canonicalizer`] |
//! | `http::Authorizer` (feature `http`) | `authorizer` |
//! | [`ProofSuite`](crate::ProofSuite), [`EnvelopingSuite`](crate::crypto::suites::EnvelopingSuite) | [`suite`] |
//! | [`KeyStore`](crate::KeyStore) | [`keystore`] |
//! | [`SchemaRegistry`](crate::SchemaRegistry) | [`schema`] |
//! | [`ResourceLoader`](crate::ResourceLoader) | [`resource_loader`] |
//! | [`IssuanceStore`](crate::queue::IssuanceStore) | [`queue`] |
//! | [`ExchangeStore`](crate::exchange::ExchangeStore) | [`exchange`] |
//! | [`PickupStore`](crate::pickup::PickupStore) | [`pickup`] |
//! | `oid4vci::Oid4vciStore` (feature `oid4vci`) | `oid4vci` |
//! | [`CredentialStatusIndex`](crate::status_index::CredentialStatusIndex) | [`status_index`] |
//! | `sd_jwt::StatusListTokenLoader` (feature `sd-jwt`) | `status_list_token` |

#[cfg(feature = "http")]
pub mod authorizer;
pub mod canonicalizer;
pub mod exchange;
mod failure;
pub mod keystore;
#[cfg(feature = "oid4vci")]
pub mod oid4vci;
pub mod pickup;
pub mod queue;
pub mod resolver;
pub mod resource_loader;
pub mod schema;
pub mod signer;
pub mod status_index;
#[cfg(feature = "sd-jwt")]
pub mod status_list_token;
pub mod suite;

pub use failure::ConformanceError;

// `ClaimsRule`, `ApprovalPolicy`, `IssuanceObserver` and `oid4vci::UserAuthenticator` have no
// suite: they are the host's own decisions, and the traits ask nothing of an answer that a suite
// could check (the issuer checks what an authenticator grants against the request itself).
