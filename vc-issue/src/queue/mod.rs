//! Asynchronous issuance: accept a request now (`202 Accepted`), approve it, issue it later.
//!
//! ```
//! use std::sync::Arc;
//! use vc_issue::queue::{AlwaysHold, IssuanceQueue, MemoryIssuanceStore, TicketState};
//! # use vc_issue::{Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry,
//! #     IssuanceRequest, Issuer, SchemaEntry};
//! # use serde_json::json;
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let signer = Arc::new(Ed25519Signer::from_seed(&[1; 32]));
//! # let keys = Arc::new(InMemoryKeyStore::new());
//! # keys.insert(signer.verification_method_id(), signer.clone());
//! # let schemas = Arc::new(InMemorySchemaRegistry::new());
//! # schemas.insert(SchemaEntry::new("badge", json!({"type": "object"}),
//! #     vec!["BadgeCredential".into()], vec!["https://www.w3.org/ns/credentials/examples/v2".into()]));
//! # let issuer = Issuer::builder().resolver(Arc::new(InMemoryDidRegistry::new()))
//! #     .schemas(schemas).keys(keys).build()?;
//! # let holder = Ed25519Signer::from_seed(&[2; 32]).did();
//! # let claims = json!({"name": "Rust"}).as_object().cloned().unwrap_or_default();
//! let queue = IssuanceQueue::builder()
//!     .issuer(issuer)
//!     .store(Arc::new(MemoryIssuanceStore::new()))
//!     .policy(Arc::new(AlwaysHold))
//!     .build()?;
//!
//! // The requester: validated at once, answered with a ticket to poll.
//! let request = IssuanceRequest::new("badge", signer.did(), holder, claims);
//! let ticket = queue.submit(request, Some("request-42")).await?;
//! assert_eq!(ticket.state, TicketState::PendingApproval);
//!
//! // A reviewer approves; a worker issues.
//! queue.approve(&ticket.id, "reviewer@issuer.example", Some("looks right")).await?;
//! queue.worker("worker-1").run_until_idle(16).await?;
//!
//! let status = queue.status(&ticket.id).await?;
//! assert_eq!(status.state, TicketState::Issued);
//! assert!(status.response.is_some());
//! # Ok(()) }
//! ```
//!
//! # Life cycle
//! [`IssuanceQueue::submit`] validates what can be validated at once (issuer, schema, claims,
//! holder: the errors of synchronous issuance), fixes the request's credential id, and asks the
//! [`ApprovalPolicy`] (ship: [`AlwaysApprove`], [`AlwaysHold`], [`RulePolicy`]): the ticket starts
//! `approved`, `pending_approval` or `rejected`. People act through
//! [`approve`](IssuanceQueue::approve), [`reject`](IssuanceQueue::reject) and
//! [`request_information`](IssuanceQueue::request_information); the requester answers with
//! [`provide_information`](IssuanceQueue::provide_information) (validated again, then the policy
//! decides again). Each has an `_as` twin ([`approve_as`](IssuanceQueue::approve_as), ...) that
//! records the authenticated caller beside the named actor ([`HistoryEntry::principal`], and
//! [`TransitionEvent::principal`] for the observer); the HTTP routes use them with the
//! `http::Authorizer`'s principal. A ticket's holder is whatever its request
//! names (a DID, another URL, nobody: see [`holder`](crate::pipeline::holder)).
//! [`Worker`]s claim approved tickets with a lease and issue them through the
//! pipeline. Waiting tickets expire after the configured deadline. The rules are
//! [`TicketState::can_become`]; anything else is [`QueueError::IllegalTransition`]. The
//! [`IssuanceObserver`] hears every transition after it is stored.
//!
//! # Crashes, retries and the status index
//! - **Claims** are leases: a store hands a ticket to one worker at a time (`FOR UPDATE SKIP
//!   LOCKED` on PostgreSQL, a single `UPDATE ... RETURNING` under SQLite's write lock); a crashed
//!   worker's ticket is claimable again once its lease ends.
//! - **Results** are recorded with compare-and-set on the ticket's version, which every claim
//!   bumps: a worker whose lease ran out and was taken over cannot overwrite the new owner's
//!   result (its update fails and its credential is discarded). Exactly one `issued` record, with
//!   one credential, per ticket.
//! - **The credential id** is fixed at submit, so every attempt signs the same id.
//! - **The status index** is allocated once per ticket and reused by every retry. The worker
//!   allocates it with [`StatusRegistry::allocate_owned`](vc_status::StatusRegistry::allocate_owned),
//!   the ticket id as owner: the status store takes the index and records which ticket holds it in
//!   **one atomic step** (one database transaction on SQLite and PostgreSQL), so a worker killed
//!   at any instant leaves either nothing taken, or a reservation that the next worker, in any
//!   process, gets back as the very same entry. The entry is saved on the ticket with the
//!   attempt's result, after which the worker releases the reservation
//!   ([`release_owned`](vc_status::StatusRegistry::release_owned)), which settles it: a worker
//!   whose lease ran out and that asks for the ticket's entry after another finished the ticket
//!   gets the same entry back, not a new one. No index is allocated and left unused, and no
//!   ticket gets two.
//! - **Transient errors** (resolver, store, KMS) put the ticket back with exponential backoff (the
//!   lease is extended to the retry time); after `max_attempts` claims, or on a permanent error,
//!   the ticket is `failed` with the error's code.
//! - **Shutdown** drains ([`Worker::run`]): no new claims; tickets in flight get
//!   [`Worker::drain_grace`] to finish, then are released (claimable at once, the attempt not
//!   counted), so a second worker takes them over without waiting for their lease.
//!
//! # Webhooks and notifications
//! The [`IssuanceObserver`] is called after each transition is stored, with the ticket id, the
//! states and the actor (never the claims): a host posts that to a webhook, or puts it on its
//! own outbox table to deliver with retries. It runs inline, so a slow observer slows the
//! queue; hand slow deliveries to a task or a channel. Polling is the fallback a webhook
//! receiver uses to fill gaps: `GET /credentials/issue/{ticketId}` answers the state and history.
//!
//! # Stores
//! [`IssuanceStore`] is small: insert (idempotent by key), get, compare-and-set update, claim,
//! overdue, count. [`MemoryIssuanceStore`], `SqliteIssuanceStore` (feature `sqlite`) and
//! `PostgresIssuanceStore` (feature `postgres`) pass the conformance suite in `testing::queue`
//! (feature `testing`).
//!
//! The issuer's status registry may keep its lists in the same database (vc-status's
//! `SqliteStore` on the same file, `PostgresStore` in its own schema); the queue reads and writes
//! only its own tables and asks the registry for everything about status lists.

mod engine;
mod error;
mod policy;
mod state;
mod store;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_store;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use engine::{
    BatchTickets, IssuanceQueue, IssuanceQueueBuilder, WorkReport, Worker, MAX_IDEMPOTENCY_KEY_LEN,
    TICKET_PATH,
};
pub use error::{QueueError, StoreError, StoreErrorKind};
pub use policy::{
    AlwaysApprove, AlwaysHold, ApprovalPolicy, ClaimTest, Decision, IssuanceObserver, NoObserver,
    Rule, RulePolicy, TransitionEvent,
};
#[cfg(feature = "postgres")]
pub use postgres::{PostgresIssuanceStore, DEFAULT_SCHEMA};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteIssuanceStore;
pub use state::{
    BatchPosition, HistoryEntry, InformationRequest, Lease, Ticket, TicketFailure, TicketId,
    TicketRecord, TicketState, TicketStatus, UnknownState,
};
pub use store::{Inserted, IssuanceStore, MemoryIssuanceStore};
