//! The credential issuance pipeline of vc-issuer-rs.
//!
//! A host hands an [`IssuanceRequest`] to an [`Issuer`] and gets back a signed credential, or a typed
//! [`IssueError`] with a stable code. The pipeline runs in a fixed order and stops at the first
//! failure: issuer (resolvable, active, with a usable `assertionMethod` key), schema (known, the
//! issuer authorized), claims (JSON Schema, every violation reported), holder, construction, status
//! registration (only for revocable requests), signing.
//!
//! ```
//! use std::sync::Arc;
//! use serde_json::json;
//! use vc_issue::{
//!     CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry,
//!     IssuanceRequest, Issuer, ProofType, SchemaEntry,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The issuer's key: local here; a KMS or HSM implements the same `Signer` trait.
//! let key = Arc::new(Ed25519Signer::generate());
//! let keys = Arc::new(InMemoryKeyStore::new());
//! keys.insert(key.verification_method_id(), key.clone());
//!
//! let schemas = Arc::new(InMemorySchemaRegistry::new());
//! schemas.insert(SchemaEntry::new(
//!     "membership-v1",
//!     json!({"type": "object", "required": ["level"], "properties": {"level": {"enum": ["gold", "silver"]}}}),
//!     vec!["MembershipCredential".into()],
//!     vec![],
//! ));
//! let dids = Arc::new(InMemoryDidRegistry::new()); // resolves did:key out of the box
//! let issuer = Issuer::builder().resolver(dids.clone()).schemas(schemas).keys(keys).build()?;
//!
//! let holder = Ed25519Signer::generate().did();
//! let claims = json!({"level": "gold"}).as_object().cloned().unwrap_or_default();
//! let request = IssuanceRequest::new("membership-v1", key.did(), holder, claims)
//!     .with_proof_type(ProofType::EddsaJcs2022);
//! let response = issuer.issue(request).await?;
//!
//! let credential = response.credential.as_credential().expect("an embedded proof");
//! CredentialVerifier::new(dids).verify(credential).await?;
//!
//! // A request that breaks the schema fails with every violation, before anything is signed.
//! let bad = IssuanceRequest::new("membership-v1", key.did(), Ed25519Signer::generate().did(),
//!     json!({"level": "platinum"}).as_object().cloned().unwrap_or_default());
//! assert_eq!(issuer.issue(bad).await.unwrap_err().code(), "SCHEMA_VALIDATION_FAILED");
//! # Ok(())
//! # }
//! ```
//!
//! # Modules, by actor
//! - [`pipeline`]: the issuing pipeline ([`Issuer`], [`IssuanceRequest`], [`pipeline::batch`]) and
//!   what feeds its checks: DID resolution ([`DidResolver`]: [`InMemoryDidRegistry`],
//!   [`DidKeyResolver`]), schemas ([`SchemaRegistry`]: [`InMemorySchemaRegistry`], loads JSON
//!   files), [`pipeline::delegation`] (the built-in `agent-delegation-v1` schema and the chain
//!   checker), claims rules and rate limits.
//! - [`crypto`]: keys and proofs. [`Signer`] ([`Ed25519Signer`], [`P256Signer`],
//!   [`P384Signer`]; keys zeroized on drop, never printed; `Pkcs11Signer` for keys in an HSM,
//!   feature `pkcs11`), [`KeyStore`] ([`InMemoryKeyStore`]),
//!   the proof suites ([`crypto::suites`]): `eddsa-jcs-2022`, `ecdsa-jcs-2019`,
//!   `JcsEd25519Signature2020`, and with the default `rdfc` feature `eddsa-rdfc-2022`,
//!   `Ed25519Signature2020`, `ecdsa-rdfc-2019` (the `ecdsa-*` suites with P-256 and P-384;
//!   bundled JSON-LD contexts, never fetched); `vc+jwt` with the `jwt` feature; `bbs-2023`
//!   (selective disclosure: base proofs, `crypto::suites::bbs::derive_proof` for holders,
//!   derived-proof verification)
//!   with the `bbs` feature and a `BbsSigner` such as `Bls12381G2Signer`. `BbsBlsSignature2020`
//!   is refused with a pointer to `bbs-2023`. [`CredentialVerifier`] checks an issuer-authorized
//!   key and every proof, keeping "invalid" apart from "could not check"; given a
//!   [`ResourceLoader`] ([`CredentialVerifier::with_status_loader`]), also every
//!   `credentialStatus` entry against its signed status list ([`crypto::status_check`]:
//!   revoked, suspended, or unknown when the list cannot be fetched).
//! - [`queue`]: asynchronous issuance with approvals: tickets, an approval policy, workers, and
//!   stores on memory, SQLite or PostgreSQL.
//! - [`exchange`]: the VCALM (VC API) workflow service wallets talk to: workflows of DID
//!   Authentication and issue steps, exchanges with optimistic concurrency.
//! - [`pickup`]: one-time credential pickup by token.
//! - [`status_index`]: which status entries a credential got, by credential id (what the VC API's
//!   status updates look up).
//! - `http` (feature `http`): the VC API, exchange and pickup routes as an `axum::Router`, and
//!   the one place where error codes become HTTP statuses (`http::status_of`).
//! - [`host_error`]: [`HostError`], what a host's signer, key store, DID resolver or schema
//!   registry reports, with a kind that says whether a retry can help.
//! - `coordinator` (feature `client`): the client side of VCALM exchanges.
//! - `oid4vci` (feature `oid4vci`): OpenID for Verifiable Credential Issuance 1.0, the issuer
//!   today's wallets talk to (its routes are `http::oid4vci_routes`).
//! - `testing` (feature `testing`): the conformance suites host implementations run.
//! - [`telemetry`]: the `tracing` spans and (feature `metrics`) metrics an operator reads.
//!
//! # Features
//! Each feature adds the files of one folder or suite (and the line registering a suite in
//! `Suites::default()`):
//! - `rdfc` (default): the RDF-canonicalized suites, through `ssi-json-ld` and `ssi-rdf`
//!   (`crypto/suites/rdfc*.rs`, `deep_stack.rs`).
//! - `jwt`: `vc+jwt` through josekit, links OpenSSL (`crypto/jwt.rs`: `VcJwtSuite`, which
//!   `Suites::default()` registers, and `CredentialVerifier::verify_jwt`).
//! - `bbs`: `bbs-2023` through zkryptium, implies `rdfc` (`crypto/suites/bbs/`, the BLS12-381
//!   signer, and its conformance check in `testing/`).
//! - `sqlite`, `postgres`: the `sqlite.rs`/`postgres.rs` stores of `queue/`, `exchange/`,
//!   `pickup/` and `status_index/`.
//! - `testing`: `testing/`, conformance suites for host implementations of the traits.
//! - `http`: `http/` (and the `Authorizer` suite in `testing/`).
//! - `client`: `coordinator/`, the client for VCALM exchanges (reqwest), with QR codes.
//! - `oid4vci`: `oid4vci/` and `http/oid4vci.rs` (implies `http`, `jwt` and `client`, for the
//!   QR codes of offers and token introspection; OpenSSL, linked by `jwt` already, checks the
//!   `x5c` chains of key proofs).
//! - `metrics`: the counters, histograms and gauges of [`telemetry`] through the `metrics`
//!   facade (spans and events through `tracing` are always there).

#![forbid(unsafe_code)]
// On docs.rs (and `.ci/run`'s docs step) every item says which feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

// The workspace README's snippets, compiled and run as doctests (they use the HTTP router and
// the conformance suites).
#[cfg(all(doctest, feature = "http", feature = "testing"))]
#[doc = include_str!("../../README.md")]
struct ReadmeSnippets;

#[cfg(feature = "client")]
pub mod coordinator;
pub mod crypto;
pub mod error;
pub mod exchange;
// The guide's examples use the PostgreSQL store and the conformance helpers.
#[cfg(all(feature = "postgres", feature = "testing"))]
pub mod guide;
pub mod host_error;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "oid4vci")]
pub mod oid4vci;
pub mod pickup;
pub mod pipeline;
pub mod queue;
#[cfg(feature = "sd-jwt")]
pub mod sd_jwt;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_constructors;
pub mod status_index;
pub mod telemetry;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

// The crates whose types this crate's public API names (credentials, DIDs, status entries, claims
// as JSON, the host traits' `#[async_trait]`), so that a user needs one dependency, at the versions
// this crate was built with.
pub use async_trait::async_trait;
#[cfg(feature = "http")]
pub use axum;
pub use serde_json;
pub use vc_core;
pub use vc_status;

pub use crypto::keystore::{InMemoryKeyStore, KeyStore};
pub use crypto::proof_type::ProofType;
#[cfg(feature = "pkcs11")]
pub use crypto::signer::pkcs11::{Pkcs11Error, Pkcs11Signer};
#[cfg(feature = "bbs")]
pub use crypto::signer::{BbsSigner, Bls12381G2Signer};
pub use crypto::signer::{Ed25519Signer, P256Signer, P384Signer, SignatureAlgorithm, Signer};
pub use crypto::status_check::StatusResult;
pub use crypto::suites::{ProofOptions, ProofSuite, Suites};
pub use crypto::verify::{Check, CredentialVerifier, Verification, VerifyError, VerifyWarning};
pub use error::{BoxError, IssueError, SchemaViolation};
pub use host_error::{HostError, HostErrorKind};
pub use pipeline::batch::{
    BatchItem, BatchItemResult, BatchRequest, BatchResult, ItemStatus, MAX_BATCH_ITEMS,
};
pub use pipeline::claims_rule::ClaimsRule;
pub use pipeline::holder::{Holder, SubjectUrl};
pub use pipeline::issuer::{CheckedRequest, Issuer, IssuerBuilder, SigningOptions};
pub use pipeline::rate_limit::RateLimit;
pub use pipeline::related_resources::{ResourceLoader, StaticResources};
pub use pipeline::request::{IssuanceRequest, IssuanceResponse, IssuedCredential};
pub use pipeline::resolver::{
    DidJwkResolver, DidKeyResolver, DidResolver, InMemoryDidRegistry, ResolvedDid,
};
pub use pipeline::schema::{InMemorySchemaRegistry, SchemaEntry, SchemaRegistry};
pub use queue::{IssuanceQueue, IssuanceStore, Ticket, TicketId, TicketState};
