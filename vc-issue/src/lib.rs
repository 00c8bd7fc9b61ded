//! The credential issuance pipeline of vc-issuer-rs.
//!
//! (Crate documentation with a runnable example follows below once the pipeline is complete.)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod batch;
pub mod claims_rule;
pub mod delegation;
pub mod error;
pub mod issuer;
#[cfg(feature = "jwt")]
pub mod jwt;
pub mod keystore;
pub mod proof_type;
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
pub use rate_limit::RateLimit;
pub use request::{IssuanceRequest, IssuanceResponse, IssuedCredential};
pub use resolver::{DidKeyResolver, DidResolver, InMemoryDidRegistry, ResolvedDid};
pub use schema::{InMemorySchemaRegistry, SchemaEntry, SchemaRegistry};
pub use signer::{Ed25519Signer, P256Signer, SignatureAlgorithm, Signer};
pub use suites::{ProofOptions, ProofSuite, Suites};
pub use verify::{CredentialVerifier, VerifyError};
