//! The VCALM (VC API) workflow service: the side of credential exchanges that wallets talk to.
//!
//! A coordinator (the brand's own service) creates an exchange on a [`Workflow`], shares its URL
//! (a QR code on a product tag, a link), and polls it; the holder's wallet posts to the exchange
//! until it holds its credentials. This module is the domain and its stores; the HTTP endpoints
//! are `vc_issue::http::exchanges` (feature `http`).
//!
//! ```
//! use std::sync::Arc;
//! use serde_json::json;
//! use vc_issue::exchange::{
//!     CreateExchangeRequest, CredentialTemplate, ExchangeService, ExchangeState, Step,
//!     WalletMessage, Workflow, WorkflowId,
//! };
//! # use vc_issue::{Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry,
//! #     Issuer, SchemaEntry};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let key = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
//! # let keys = Arc::new(InMemoryKeyStore::new());
//! # keys.insert(key.verification_method_id(), key.clone());
//! # let schemas = Arc::new(InMemorySchemaRegistry::new());
//! # schemas.insert(SchemaEntry::new("ownership-v1", json!({"type": "object"}),
//! #     vec!["OwnershipCredential".into()], vec![]));
//! # let issuer = Issuer::builder().resolver(Arc::new(InMemoryDidRegistry::new()))
//! #     .schemas(schemas).keys(keys).build()?;
//! let template = CredentialTemplate::new(json!({
//!     "schemaId": "ownership-v1",
//!     "issuerDid": key.did(),
//!     "claims": {"product": "{{ variables.product }}"},
//!     "proofType": "eddsa-jcs-2022"
//! }))?;
//! let workflow = Workflow::builder(WorkflowId::parse("tag-ownership")?)
//!     .step("ownerBinding", Step::did_auth().next("issue"))
//!     .step("issue", Step::issue(vec![template]))
//!     .initial_step("ownerBinding")
//!     .build()?;
//! let service = ExchangeService::builder()
//!     .issuer(issuer)
//!     .workflow(workflow.clone())
//!     .base_url("https://issuer.example")
//!     .build()?;
//!
//! // The coordinator creates an exchange ...
//! let variables = json!({"product": "bag-42"}).as_object().cloned().unwrap_or_default();
//! let exchange = service
//!     .create_exchange(workflow.id(), CreateExchangeRequest::new().with_variables(variables))
//!     .await?;
//! assert_eq!(exchange.state, ExchangeState::Pending);
//!
//! // ... and a wallet asks what is wanted: a DID Authentication with a fresh challenge.
//! let reply = service.participate(workflow.id(), &exchange.id, WalletMessage::empty()).await?;
//! let request = reply.verifiable_presentation_request.expect("a DID Authentication request");
//! assert_eq!(request.domain, "issuer.example");
//! # Ok(()) }
//! ```
//!
//! # Life of an exchange
//! Created `pending` at the workflow's initial step, with a lifetime of `ttl` seconds (default
//! [`DEFAULT_TTL`], at most [`MAX_TTL`]) *or* until `expires`, never both. A wallet's `{}` makes it
//! `active` and gets the step's `verifiablePresentationRequest`. A `didAuth` step verifies the
//! wallet's presentation ([`verify_did_authentication`]) and records
//! `variables.results.<step> = {did, verifiablePresentation}`; the `issue` steps that follow run
//! in the same request, fill their [`CredentialTemplate`]s from the variables, issue through the
//! [`Issuer`](crate::Issuer) to the authenticated DID, and record
//! `variables.results.<step> = {credentialIds}`; the wallet gets the credentials in an unsigned
//! presentation. When no step follows, the exchange is `complete`.
//!
//! # Refusals (and their HTTP statuses)
//! An exchange whose variables cannot fill its workflow's templates is refused when it is
//! created, with `EXCHANGE_VARIABLES_INVALID` (`400`) naming each variable (a JSON pointer,
//! `VARIABLE_MISSING`, `VARIABLE_NOT_TEXT` or `VARIABLE_UNUSABLE`), and nothing is stored: the
//! check fills every template as issuance will, so a wallet is not sent to an exchange that
//! would fail only after it authenticated. After `complete` or `invalid`, every wallet message
//! is refused with `EXCHANGE_COMPLETE` or `EXCHANGE_INVALID` (`409 Conflict`); after expiry
//! with `EXCHANGE_EXPIRED` (`410 Gone`). A presentation that fails a check is refused with its
//! own code (`WRONG_CHALLENGE`, `WRONG_DOMAIN`, `HOLDER_MISMATCH`, `UNSUPPORTED_DID_METHOD`,
//! `INVALID_PRESENTATION`; `400`), recorded as the exchange's `lastError`, and **does not end
//! the exchange**: the wallet may try again until it expires (an attacker gains nothing by
//! retrying, since every attempt must be signed over this exchange's random challenge). A
//! failed issuance (the schema refusing the filled claims, say) ends it as `invalid`.
//!
//! # Concurrency
//! Every change is a compare-and-set on the exchange's `sequence` ([`ExchangeStore::update`]):
//! two wallet requests racing with the same presentation cannot both advance the exchange, and
//! credentials are signed only by the request whose claim of the issue step was stored.
//!
//! # Stores
//! [`MemoryExchangeStore`], `SqliteExchangeStore` (feature `sqlite`) and `PostgresExchangeStore`
//! (feature `postgres`) pass the conformance suite in `testing::exchange` (feature `testing`).

mod did_auth;
mod did_auth_presentation;
mod error;
mod id;
mod messages;
mod record;
mod service;
mod store;
mod template;
mod workflow;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_store;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use did_auth::{verify_did_authentication, DidAuthExpectation, AUTHENTICATION};
pub use did_auth_presentation::DidAuthPresentation;
pub use error::{ExchangeError, StoreError, StoreErrorKind};
pub use id::{ExchangeId, WorkflowId, MAX_ID_LEN};
pub use messages::{
    CreateExchangeRequest, VerifiablePresentationRequest, WalletMessage, WalletResponse,
};
#[cfg(feature = "postgres")]
pub use postgres::{PostgresExchangeStore, DEFAULT_SCHEMA};
pub use record::{Exchange, ExchangeRecord, ExchangeState, LastError};
pub use service::{ExchangeService, ExchangeServiceBuilder, Protocols, DEFAULT_TTL, MAX_TTL};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteExchangeStore;
pub use store::{ExchangeStore, MemoryExchangeStore};
pub use template::{CredentialTemplate, VariableProblem, VariableProblemKind};
pub use workflow::{Step, StepKind, Workflow, WorkflowBuilder};
