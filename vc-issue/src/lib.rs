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
//! # Parts
//! - Host-facing traits, each with a reference implementation and a conformance helper (feature
//!   `testing`): [`DidResolver`] ([`InMemoryDidRegistry`], [`DidKeyResolver`]), [`SchemaRegistry`]
//!   ([`InMemorySchemaRegistry`], loads JSON files), [`KeyStore`] ([`InMemoryKeyStore`]), [`Signer`]
//!   ([`Ed25519Signer`], [`P256Signer`]; keys zeroized on drop, never printed).
//! - Proof suites ([`suites`]): `eddsa-jcs-2022`, `JcsEd25519Signature2020`, and with the default
//!   `rdfc` feature `eddsa-rdfc-2022`, `Ed25519Signature2020`, `ecdsa-rdfc-2019` (bundled JSON-LD
//!   contexts, never fetched); `vc+jwt` with the `jwt` feature; `bbs-2023` (selective disclosure:
//!   base proofs, `suites::bbs::derive_proof` for holders, derived-proof verification) with the
//!   `bbs` feature and a `BbsSigner` such as `Bls12381G2Signer`. `BbsBlsSignature2020` is
//!   refused with a pointer to `bbs-2023`.
//! - [`batch`]: many holders in one call, per-item results, one status allocation, parallel signing.
//! - [`delegation`]: the built-in `agent-delegation-v1` schema and the delegation chain checker.
//! - [`verify`]: [`CredentialVerifier`] (issuer-authorized key, every proof), keeping "invalid" apart
//!   from "could not check".
//! - [`exchange`]: the VCALM (VC API) workflow service wallets talk to: workflows of DID
//!   Authentication and issue steps, exchanges with optimistic concurrency over memory, SQLite or
//!   PostgreSQL stores; its HTTP routes are in `http::exchanges` (feature `http`).
//!
//! Guides for hosts (a KMS signer, issuers on several machines) are in `guide` (built with the
//! `postgres` and `testing` features, as on docs.rs).
//!
//! # Features
//! - `rdfc` (default): the RDF-canonicalized suites, through `ssi-json-ld` and `ssi-rdf`.
//! - `jwt`: `vc+jwt` through josekit (links OpenSSL).
//! - `bbs`: `bbs-2023` through zkryptium (implies `rdfc`).
//! - `sqlite`, `postgres`: stores for asynchronous issuance.
//! - `testing`: conformance helpers for host implementations of the traits.
//! - `client`: the `coordinator` client for VCALM exchanges (reqwest), with QR codes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod batch;
pub mod claims_rule;
#[cfg(feature = "client")]
pub mod coordinator;
pub mod delegation;
pub mod error;
pub mod exchange;
// The guide's examples use the PostgreSQL store and the conformance helpers.
#[cfg(all(feature = "postgres", feature = "testing"))]
pub mod guide;
#[cfg(feature = "http")]
pub mod http;
pub mod issuer;
#[cfg(feature = "jwt")]
pub mod jwt;
pub mod keystore;
#[cfg(feature = "http")]
pub mod pickup;
pub mod proof_type;
pub mod queue;
pub mod rate_limit;
pub mod request;
pub mod resolver;
pub mod schema;
pub mod signer;
pub mod suites;
pub mod verify;

pub use batch::{
    BatchItem, BatchItemResult, BatchRequest, BatchResult, ItemStatus, MAX_BATCH_ITEMS,
};
pub use claims_rule::ClaimsRule;
pub use error::{BoxError, IssueError, SchemaViolation};
pub use issuer::{CheckedRequest, Issuer, IssuerBuilder};
pub use keystore::{InMemoryKeyStore, KeyStore};
pub use proof_type::ProofType;
pub use queue::{IssuanceQueue, IssuanceStore, Ticket, TicketId, TicketState};
pub use rate_limit::RateLimit;
pub use request::{IssuanceRequest, IssuanceResponse, IssuedCredential};
pub use resolver::{DidKeyResolver, DidResolver, InMemoryDidRegistry, ResolvedDid};
pub use schema::{InMemorySchemaRegistry, SchemaEntry, SchemaRegistry};
#[cfg(feature = "bbs")]
pub use signer::{BbsSigner, Bls12381G2Signer};
pub use signer::{Ed25519Signer, P256Signer, SignatureAlgorithm, Signer};
pub use suites::{ProofOptions, ProofSuite, Suites};
pub use verify::{CredentialVerifier, VerifyError};
