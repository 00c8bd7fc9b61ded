//! The queue itself: submit, decide, approve, claim, issue, expire.

use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use vc_core::{Clock, CredentialId, ErrorCode, SystemClock};
use vc_status::{ReservationOwner, StatusEntry, StatusPurpose};

use super::error::{QueueError, StoreErrorKind};
use super::policy::{
    AlwaysHold, ApprovalPolicy, Decision, IssuanceObserver, NoObserver, TransitionEvent,
};
use super::state::{
    BatchPosition, HistoryEntry, InformationRequest, Lease, Ticket, TicketFailure, TicketId,
    TicketRecord, TicketState, TicketStatus,
};
use super::store::{Inserted, IssuanceStore};
use crate::error::IssueError;
use crate::pipeline::batch::{item_request, BatchRequest, MAX_BATCH_ITEMS};
use crate::pipeline::issuer::Issuer;
use crate::pipeline::request::IssuanceRequest;
use tracing::Instrument;

/// How often a compare-and-set update is retried after losing to a concurrent writer.
const CAS_ATTEMPTS: usize = 8;
/// The longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The path a ticket is polled at, below the service's base URL (`GET /credentials/issue/{id}`
/// in the VC API router), and the default start of [`Ticket::location`].
pub const TICKET_PATH: &str = "/credentials/issue/";

/// The asynchronous issuance engine: accepts requests now (`202 Accepted`), lets people and
/// policies decide, and lets workers issue later. Cheap to clone.
///
/// See the [module documentation](super) for the life cycle and the crash guarantees.
#[derive(Debug, Clone)]
pub struct IssuanceQueue {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    issuer: Issuer,
    store: Arc<dyn IssuanceStore>,
    policy: Arc<dyn ApprovalPolicy>,
    observer: Arc<dyn IssuanceObserver>,
    clock: Arc<dyn Clock>,
    approval_deadline: Option<time::Duration>,
    lease: time::Duration,
    max_attempts: u32,
    backoff: (Duration, Duration),
    location_prefix: String,
}

/// Builds an [`IssuanceQueue`]; `issuer` and `store` are required.
#[derive(Debug, Default)]
pub struct IssuanceQueueBuilder {
    issuer: Option<Issuer>,
    store: Option<Arc<dyn IssuanceStore>>,
    policy: Option<Arc<dyn ApprovalPolicy>>,
    observer: Option<Arc<dyn IssuanceObserver>>,
    clock: Option<Arc<dyn Clock>>,
    approval_deadline: Option<time::Duration>,
    lease: Option<time::Duration>,
    max_attempts: Option<u32>,
    backoff: Option<(Duration, Duration)>,
    location_prefix: Option<String>,
}

impl IssuanceQueueBuilder {
    /// The pipeline that validates and issues (required).
    pub fn issuer(mut self, issuer: Issuer) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Where tickets live (required).
    pub fn store(mut self, store: Arc<dyn IssuanceStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Decides at submit time ([`AlwaysHold`] by default).
    pub fn policy(mut self, policy: Arc<dyn ApprovalPolicy>) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Called on every transition (nothing by default).
    pub fn observer(mut self, observer: Arc<dyn IssuanceObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The clock for deadlines and leases (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How long a ticket may wait for a person (approval or information) before it expires (no
    /// deadline by default).
    pub fn approval_deadline(mut self, deadline: time::Duration) -> Self {
        self.approval_deadline = Some(deadline);
        self
    }

    /// How long a worker's claim lasts before another worker may take the ticket over (30 s by
    /// default). Choose it well above the time one issuance takes.
    pub fn lease(mut self, lease: time::Duration) -> Self {
        self.lease = Some(lease);
        self
    }

    /// How many claims a ticket gets before transient errors fail it (5 by default).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// The wait after the first transient error, doubling up to `max` (1 s and 5 min by default).
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff = Some((base, max));
        self
    }

    /// What [`Ticket::location`] starts with ([`TICKET_PATH`], where the VC API router polls
    /// tickets, by default; a host that mounts the router elsewhere or serves tickets itself sets
    /// its own).
    pub fn location_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.location_prefix = Some(prefix.into());
        self
    }

    /// Checks the configuration and builds the queue.
    pub fn build(self) -> Result<IssuanceQueue, QueueError> {
        let lease = self.lease.unwrap_or(time::Duration::seconds(30));
        if !lease.is_positive() {
            return Err(QueueError::Config {
                reason: "the lease must be positive",
            });
        }
        if self.approval_deadline.is_some_and(|d| !d.is_positive()) {
            return Err(QueueError::Config {
                reason: "the approval deadline must be positive",
            });
        }
        let max_attempts = self.max_attempts.unwrap_or(5);
        if max_attempts == 0 {
            return Err(QueueError::Config {
                reason: "max_attempts must be at least 1",
            });
        }
        Ok(IssuanceQueue {
            inner: Arc::new(Inner {
                issuer: self.issuer.ok_or(QueueError::Config {
                    reason: "IssuanceQueue::builder() needs an issuer",
                })?,
                store: self.store.ok_or(QueueError::Config {
                    reason: "IssuanceQueue::builder() needs a store",
                })?,
                policy: self.policy.unwrap_or_else(|| Arc::new(AlwaysHold)),
                observer: self.observer.unwrap_or_else(|| Arc::new(NoObserver)),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                approval_deadline: self.approval_deadline,
                lease,
                max_attempts,
                backoff: self
                    .backoff
                    .unwrap_or((Duration::from_secs(1), Duration::from_secs(300))),
                location_prefix: self
                    .location_prefix
                    .unwrap_or_else(|| TICKET_PATH.to_owned()),
            }),
        })
    }
}

/// The tickets of an asynchronously submitted batch, one per item in input order; an item that
/// failed validation has its error instead.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchTickets {
    /// The batch's id (derived from the idempotency key when given).
    pub batch_id: String,
    /// One outcome per item.
    pub items: Vec<Result<Ticket, QueueError>>,
}

/// What one [`Worker::run_once`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkReport {
    /// Tickets claimed.
    pub claimed: usize,
    /// Tickets issued.
    pub issued: usize,
    /// Tickets failed for good.
    pub failed: usize,
    /// Tickets put back for a retry after a transient error.
    pub retried: usize,
    /// Tickets whose lease was lost to another worker (their result was discarded).
    pub lost: usize,
    /// Tickets given back unfinished at shutdown (see [`Worker::run`]), for another worker to
    /// claim at once; a release does not count as an attempt.
    pub released: usize,
}

fn fingerprint(request: &IssuanceRequest) -> Result<String, QueueError> {
    let bytes = serde_json::to_vec(request)
        .map_err(|e| QueueError::Issue(IssueError::internal("request fingerprint", e)))?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

fn random_token() -> String {
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn not_found(id: &TicketId) -> QueueError {
    QueueError::TicketNotFound { id: id.to_string() }
}

impl IssuanceQueue {
    /// Starts building a queue.
    pub fn builder() -> IssuanceQueueBuilder {
        IssuanceQueueBuilder::default()
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn IssuanceStore> {
        &self.inner.store
    }

    /// The issuer.
    pub fn issuer(&self) -> &Issuer {
        &self.inner.issuer
    }

    fn now(&self) -> OffsetDateTime {
        self.inner.clock.now()
    }

    fn ticket(&self, r: &TicketRecord) -> Ticket {
        Ticket {
            id: r.id.clone(),
            state: r.state,
            location: format!("{}{}", self.inner.location_prefix, r.id),
        }
    }

    async fn notify(
        &self,
        id: &TicketId,
        from: Option<TicketState>,
        to: TicketState,
        actor: &str,
        principal: Option<&str>,
    ) {
        tracing::info!(
            ticket = %id,
            from = from.map(TicketState::as_str),
            to = to.as_str(),
            actor,
            principal,
            "queue transition"
        );
        let event = TransitionEvent {
            ticket: id.clone(),
            from,
            to,
            at: self.now(),
            actor: actor.to_owned(),
            principal: principal.map(str::to_owned),
        };
        self.inner.observer.on_transition(&event).await;
    }

    /// Validates `request` at once (issuer, schema, claims, holder: the errors of synchronous
    /// issuance), fixes its credential id, lets the policy decide and stores it. The same
    /// `idempotency_key` returns the same ticket (and never a second credential); reusing a key
    /// for a different request is [`QueueError::IdempotencyConflict`].
    pub async fn submit(
        &self,
        request: IssuanceRequest,
        idempotency_key: Option<&str>,
    ) -> Result<Ticket, QueueError> {
        let record = self
            .prepare(request, idempotency_key.map(str::to_owned), None)
            .await?;
        self.insert(record).await
    }

    async fn prepare(
        &self,
        mut request: IssuanceRequest,
        key: Option<String>,
        batch: Option<BatchPosition>,
    ) -> Result<TicketRecord, QueueError> {
        if let Some(key) = &key {
            if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN {
                return Err(QueueError::InvalidInput {
                    reason: format!("an idempotency key has 1 to {MAX_IDEMPOTENCY_KEY_LEN} bytes"),
                });
            }
        }
        let fingerprint = fingerprint(&request)?;
        self.inner.issuer.check_rate_limit(&request.issuer_did)?;
        if request.credential_id.is_none() {
            request.credential_id = Some(CredentialId::new_uuid());
        }
        let checked = self.inner.issuer.check(request).await?;
        let request = checked.request().clone();
        let decision = self.inner.policy.decide(&request).await;
        let now = self.now();
        let (state, note) = decision_state(&decision);
        let mut record = TicketRecord::new(request, fingerprint, state, now, "policy");
        if let Some(h) = record.history.last_mut() {
            h.note = note.clone();
        }
        if let Decision::Reject { reason } = &decision {
            record.failure = Some(rejection(reason));
        }
        record.idempotency_key = key;
        record.batch = batch;
        if state.is_waiting() {
            record.deadline = self.inner.approval_deadline.map(|d| now + d);
        }
        Ok(record)
    }

    async fn insert(&self, record: TicketRecord) -> Result<Ticket, QueueError> {
        match self.inner.store.insert(&record).await? {
            Inserted::New => {
                self.notify(&record.id, None, record.state, "policy", None)
                    .await;
                Ok(self.ticket(&record))
            }
            Inserted::Existing(existing) => {
                if existing.fingerprint != record.fingerprint {
                    return Err(QueueError::IdempotencyConflict {
                        key: record.idempotency_key.unwrap_or_default(),
                    });
                }
                Ok(self.ticket(&existing))
            }
        }
    }

    /// Submits a batch: one ticket per item (an item that fails validation gets its error, the
    /// others go on). With an idempotency key, item `i` uses `<key>#<i>`, so a replay returns the
    /// same tickets.
    pub async fn submit_batch(
        &self,
        batch: BatchRequest,
        idempotency_key: Option<&str>,
    ) -> Result<BatchTickets, QueueError> {
        if batch.items.len() > MAX_BATCH_ITEMS {
            return Err(QueueError::InvalidInput {
                reason: format!("a batch holds at most {MAX_BATCH_ITEMS} items"),
            });
        }
        let batch_id = match idempotency_key {
            Some(key) => {
                let digest = Sha256::digest(key.as_bytes());
                let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
                format!("batch-{hex}")
            }
            None => format!("batch-{}", random_token()),
        };
        let mut items = Vec::with_capacity(batch.items.len());
        for (i, item) in batch.items.iter().enumerate() {
            let outcome = async {
                let request = item_request(&batch, item.clone()).1?;
                let key = idempotency_key.map(|k| format!("{k}#{i}"));
                let position = BatchPosition {
                    batch_id: batch_id.clone(),
                    item: i,
                };
                let record = self.prepare(request, key, Some(position)).await?;
                self.insert(record).await
            }
            .await;
            items.push(outcome);
        }
        Ok(BatchTickets { batch_id, items })
    }

    /// The state, history and (once issued) the credential of a ticket. A waiting ticket past its
    /// deadline is expired first.
    pub async fn status(&self, id: &TicketId) -> Result<TicketStatus, QueueError> {
        let record = self.load(id).await?;
        Ok(TicketStatus::from(record))
    }

    /// Reads a ticket, expiring it first if it waited past its deadline.
    async fn load(&self, id: &TicketId) -> Result<TicketRecord, QueueError> {
        let record = self
            .inner
            .store
            .get(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        if self.overdue(&record) {
            return match self.expire(record).await {
                Ok(r) => Ok(r),
                // Someone else changed it meanwhile: read what they stored.
                Err(_) => self.inner.store.get(id).await?.ok_or_else(|| not_found(id)),
            };
        }
        Ok(record)
    }

    fn overdue(&self, r: &TicketRecord) -> bool {
        r.state.is_waiting() && r.deadline.is_some_and(|d| d <= self.now())
    }

    async fn expire(&self, mut record: TicketRecord) -> Result<TicketRecord, QueueError> {
        let from = record.state;
        let now = self.now();
        record.state = TicketState::Expired;
        record.deadline = None;
        record.history.push(HistoryEntry::new(
            TicketState::Expired,
            now,
            "clock",
            Some("waited past its deadline".into()),
        ));
        record.version = self.inner.store.update(&record).await?;
        self.notify(&record.id, Some(from), TicketState::Expired, "clock", None)
            .await;
        Ok(record)
    }

    /// Expires up to `limit` tickets that waited past their deadline; returns how many.
    pub async fn expire_overdue(&self, limit: usize) -> Result<usize, QueueError> {
        let due = self.inner.store.overdue(self.now(), limit).await?;
        let mut n = 0;
        for record in due {
            match self.expire(record).await {
                Ok(_) => n += 1,
                Err(QueueError::Store(e)) if e.kind() == StoreErrorKind::Conflict => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    /// Applies `change` to the ticket with compare-and-set, re-reading and retrying when a
    /// concurrent writer won. `change` sets the new state; the rules are checked here.
    async fn transition(
        &self,
        id: &TicketId,
        actor: &str,
        principal: Option<&str>,
        change: &(dyn Fn(&mut TicketRecord) -> Result<(), QueueError> + Send + Sync),
    ) -> Result<TicketRecord, QueueError> {
        for _ in 0..CAS_ATTEMPTS {
            let mut next = self.load(id).await?;
            let from = next.state;
            change(&mut next)?;
            match self.commit(next, from, actor, principal).await? {
                Some(r) => return Ok(r),
                None => continue,
            }
        }
        Err(QueueError::Contended { id: id.clone() })
    }

    /// Stores `next` (read at state `from`) if the rules allow; `None` when a concurrent writer won.
    async fn commit(
        &self,
        mut next: TicketRecord,
        from: TicketState,
        actor: &str,
        principal: Option<&str>,
    ) -> Result<Option<TicketRecord>, QueueError> {
        if !from.can_become(next.state) {
            return Err(QueueError::IllegalTransition {
                id: next.id.clone(),
                from,
                to: next.state,
            });
        }
        match self.inner.store.update(&next).await {
            Ok(version) => {
                next.version = version;
                self.notify(&next.id, Some(from), next.state, actor, principal)
                    .await;
                Ok(Some(next))
            }
            Err(e) if e.kind() == StoreErrorKind::Conflict => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn require_state(
        r: &TicketRecord,
        allowed: &[TicketState],
        to: TicketState,
    ) -> Result<(), QueueError> {
        if allowed.contains(&r.state) {
            Ok(())
        } else {
            Err(QueueError::IllegalTransition {
                id: r.id.clone(),
                from: r.state,
                to,
            })
        }
    }

    /// A person approves a held ticket (`pending_approval` or `needs_information`).
    pub async fn approve(
        &self,
        id: &TicketId,
        approver: &str,
        note: Option<&str>,
    ) -> Result<Ticket, QueueError> {
        self.approve_as(id, None, approver, note).await
    }

    /// [`approve`](Self::approve) by an authenticated `principal`, recorded beside the approver
    /// in the ticket's history and given to the observer.
    pub async fn approve_as(
        &self,
        id: &TicketId,
        principal: Option<&str>,
        approver: &str,
        note: Option<&str>,
    ) -> Result<Ticket, QueueError> {
        non_empty("approver", approver)?;
        let now = self.now();
        let change = |r: &mut TicketRecord| {
            Self::require_state(
                r,
                &[TicketState::PendingApproval, TicketState::NeedsInformation],
                TicketState::Approved,
            )?;
            r.state = TicketState::Approved;
            r.deadline = None;
            r.information = None;
            r.history.push(
                HistoryEntry::new(
                    TicketState::Approved,
                    now,
                    approver,
                    note.map(str::to_owned),
                )
                .by_principal(principal),
            );
            Ok(())
        };
        let r = self.transition(id, approver, principal, &change).await?;
        Ok(self.ticket(&r))
    }

    /// A person rejects a held ticket, with a reason for the requester.
    pub async fn reject(
        &self,
        id: &TicketId,
        approver: &str,
        reason: &str,
    ) -> Result<Ticket, QueueError> {
        self.reject_as(id, None, approver, reason).await
    }

    /// [`reject`](Self::reject) by an authenticated `principal` (recorded as for
    /// [`approve_as`](Self::approve_as)).
    pub async fn reject_as(
        &self,
        id: &TicketId,
        principal: Option<&str>,
        approver: &str,
        reason: &str,
    ) -> Result<Ticket, QueueError> {
        non_empty("approver", approver)?;
        let now = self.now();
        let change = |r: &mut TicketRecord| {
            Self::require_state(
                r,
                &[TicketState::PendingApproval, TicketState::NeedsInformation],
                TicketState::Rejected,
            )?;
            r.state = TicketState::Rejected;
            r.deadline = None;
            r.failure = Some(rejection(reason));
            r.history.push(
                HistoryEntry::new(
                    TicketState::Rejected,
                    now,
                    approver,
                    Some(reason.to_owned()),
                )
                .by_principal(principal),
            );
            Ok(())
        };
        let r = self.transition(id, approver, principal, &change).await?;
        Ok(self.ticket(&r))
    }

    /// Asks the requester for more information (a `pending_approval` ticket becomes
    /// `needs_information`; its deadline starts again).
    pub async fn request_information(
        &self,
        id: &TicketId,
        fields: Vec<String>,
        message: &str,
    ) -> Result<Ticket, QueueError> {
        self.request_information_as(id, None, fields, message).await
    }

    /// [`request_information`](Self::request_information) by an authenticated `principal`
    /// (recorded as for [`approve_as`](Self::approve_as)).
    pub async fn request_information_as(
        &self,
        id: &TicketId,
        principal: Option<&str>,
        fields: Vec<String>,
        message: &str,
    ) -> Result<Ticket, QueueError> {
        let now = self.now();
        let deadline = self.inner.approval_deadline.map(|d| now + d);
        let change = |r: &mut TicketRecord| {
            Self::require_state(
                r,
                &[TicketState::PendingApproval],
                TicketState::NeedsInformation,
            )?;
            r.state = TicketState::NeedsInformation;
            r.deadline = deadline;
            r.information = Some(InformationRequest {
                fields: fields.clone(),
                message: message.to_owned(),
            });
            r.history.push(
                HistoryEntry::new(
                    TicketState::NeedsInformation,
                    now,
                    "issuer",
                    Some(message.to_owned()),
                )
                .by_principal(principal),
            );
            Ok(())
        };
        let r = self.transition(id, "issuer", principal, &change).await?;
        Ok(self.ticket(&r))
    }

    /// The requester provides information: `claims` are merged into the request's claims (a key
    /// given replaces that claim), the result is validated against the schema again (an invalid
    /// result is refused and the ticket keeps waiting), and the policy decides again.
    pub async fn provide_information(
        &self,
        id: &TicketId,
        claims: Map<String, Value>,
    ) -> Result<Ticket, QueueError> {
        self.provide_information_as(id, None, claims).await
    }

    /// [`provide_information`](Self::provide_information) by an authenticated `principal`
    /// (recorded as for [`approve_as`](Self::approve_as)).
    pub async fn provide_information_as(
        &self,
        id: &TicketId,
        principal: Option<&str>,
        claims: Map<String, Value>,
    ) -> Result<Ticket, QueueError> {
        for _ in 0..CAS_ATTEMPTS {
            let mut r = self.load(id).await?;
            let from = r.state;
            Self::require_state(
                &r,
                &[TicketState::NeedsInformation],
                TicketState::PendingApproval,
            )?;
            let mut request = r.request.clone();
            request.claims.extend(claims.clone());
            let checked = self.inner.issuer.check(request).await?;
            r.request = checked.request().clone();
            let decision = self.inner.policy.decide(&r.request).await;
            let (state, note) = decision_state(&decision);
            let now = self.now();
            r.state = state;
            r.information = None;
            r.deadline = if state.is_waiting() {
                self.inner.approval_deadline.map(|d| now + d)
            } else {
                None
            };
            if let Decision::Reject { reason } = &decision {
                r.failure = Some(rejection(reason));
            }
            r.history.push(
                HistoryEntry::new(
                    state,
                    now,
                    "requester",
                    note.or(Some("information provided".into())),
                )
                .by_principal(principal),
            );
            if let Some(r) = self.commit(r, from, "requester", principal).await? {
                return Ok(self.ticket(&r));
            }
        }
        Err(QueueError::Contended { id: id.clone() })
    }

    /// A worker named `name` (its name goes into leases and history).
    pub fn worker(&self, name: impl Into<String>) -> Worker {
        Worker {
            queue: self.clone(),
            name: name.into(),
            grace: Worker::DEFAULT_GRACE,
        }
    }

    fn backoff(&self, attempts: u32) -> time::Duration {
        let (base, max) = self.inner.backoff;
        let factor = 1u32 << attempts.saturating_sub(1).min(20);
        let wait = base.saturating_mul(factor).min(max);
        time::Duration::try_from(wait).unwrap_or(time::Duration::MAX)
    }

    /// The status entry of a claimed ticket: the one an earlier attempt saved on it, or the one the
    /// issuer's registry holds for the ticket, allocated now or by an attempt that died before
    /// saving it (see the module docs). It goes onto `record`, so this attempt's update saves it.
    async fn status_entry(
        &self,
        record: &mut TicketRecord,
    ) -> Result<Option<StatusEntry>, Outcome> {
        if !record.request.revocable {
            return Ok(None);
        }
        if let Some(value) = &record.status_entry {
            let entry = StatusEntry::from_value(value.clone())
                .map_err(|e| Outcome::Permanent(IssueError::internal("saved status entry", e)))?;
            return Ok(Some(entry));
        }
        let registry = self
            .inner
            .issuer
            .status_registry()
            .ok_or_else(|| registration_failed(NoRegistry))?;
        let entry = registry
            .allocate_owned(&reservation_owner(&record.id)?, StatusPurpose::Revocation)
            .await
            .map_err(registration_failed)?;
        record.status_entry = Some(entry.to_value());
        Ok(Some(entry))
    }

    /// Forgets the registry's reservation for a ticket that no longer needs it: its entry is
    /// saved on it, or it failed for good.
    async fn release_status_entry(&self, record: &TicketRecord) {
        let needed = record.status_entry.is_none() && record.state != TicketState::Failed;
        if !record.request.revocable || needed {
            return;
        }
        let Some(registry) = self.inner.issuer.status_registry() else {
            return;
        };
        if let Ok(owner) = reservation_owner(&record.id) {
            // The ticket's result is stored, which is what counts; a reservation a failed release
            // leaves behind costs one row in the status store, never an index.
            let _ = registry.release_owned(&owner).await;
        }
    }
}

/// The owner of a ticket's status reservation: the ticket.
fn reservation_owner(id: &TicketId) -> Result<ReservationOwner, Outcome> {
    ReservationOwner::new(id.as_str())
        .map_err(|e| Outcome::Permanent(IssueError::internal("ticket id as reservation owner", e)))
}

/// A status registration failure, transient like every other one (the next attempt may succeed).
fn registration_failed(e: impl std::error::Error + Send + Sync + 'static) -> Outcome {
    Outcome::Retry(IssueError::StatusRegistrationFailed {
        source: Arc::new(e),
    })
}

#[derive(Debug, thiserror::Error)]
#[error("the issuer has no status registry")]
struct NoRegistry;

impl WorkReport {
    fn add(&mut self, r: &WorkReport) {
        self.claimed += r.claimed;
        self.issued += r.issued;
        self.failed += r.failed;
        self.retried += r.retried;
        self.lost += r.lost;
        self.released += r.released;
    }
}

/// A failure of a worker's loop, which goes on after `idle`.
fn log_round_error(what: &'static str, error: &QueueError) {
    tracing::warn!(
        code = error.code().as_str(),
        error = %crate::telemetry::Chain(error),
        "{what} failed; retrying"
    );
}

fn non_empty(what: &str, value: &str) -> Result<(), QueueError> {
    if value.trim().is_empty() {
        return Err(QueueError::InvalidInput {
            reason: format!("{what} must not be empty"),
        });
    }
    Ok(())
}

fn rejection(reason: &str) -> TicketFailure {
    TicketFailure {
        code: ErrorCode::REJECTED.into(),
        message: reason.to_owned(),
        details: Value::Null,
    }
}

fn decision_state(decision: &Decision) -> (TicketState, Option<String>) {
    match decision {
        Decision::Approve => (TicketState::Approved, Some("approved by policy".into())),
        Decision::Hold => (TicketState::PendingApproval, None),
        Decision::Reject { reason } => (TicketState::Rejected, Some(reason.clone())),
    }
}

/// What went wrong while issuing one claimed ticket.
enum Outcome {
    Retry(IssueError),
    Permanent(IssueError),
}

impl Outcome {
    fn from_issue(e: IssueError) -> Self {
        if e.is_transient() {
            Outcome::Retry(e)
        } else {
            Outcome::Permanent(e)
        }
    }
}

enum Done {
    Issued,
    Failed,
    Retried,
    Lost,
    Released,
}

/// Claims approved tickets and issues them. Run as many as you like, in as many processes as
/// share the store.
#[derive(Debug, Clone)]
pub struct Worker {
    queue: IssuanceQueue,
    name: String,
    grace: Duration,
}

impl Worker {
    /// How long in-flight tickets may go on after shutdown by default (10 s).
    pub const DEFAULT_GRACE: Duration = Duration::from_secs(10);

    /// How long the tickets in flight when [`run`](Self::run)'s shutdown completes may go on
    /// before they are released ([`DEFAULT_GRACE`](Self::DEFAULT_GRACE) unless set). Zero
    /// releases them at once. Keep it below the time the host's supervisor waits after asking a
    /// process to stop.
    #[must_use]
    pub fn drain_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// The worker's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Claims up to `limit` tickets and issues them (concurrently), recording each result.
    pub async fn run_once(&self, limit: usize) -> Result<WorkReport, QueueError> {
        let (_keep, never) = tokio::sync::watch::channel(false);
        self.round(limit, never).await
    }

    /// [`run_once`](Self::run_once), releasing what is still in flight `grace` after `stop`
    /// turns true.
    async fn round(
        &self,
        limit: usize,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Result<WorkReport, QueueError> {
        let q = &self.queue;
        let now = q.now();
        let lease = Lease {
            token: random_token(),
            worker: self.name.clone(),
            until: now + q.inner.lease,
        };
        let claimed = q.inner.store.claim(now, &lease, limit).await?;
        let mut report = WorkReport {
            claimed: claimed.len(),
            ..WorkReport::default()
        };
        let results = futures::future::join_all(
            claimed
                .into_iter()
                .map(|record| self.process_or_release(record, now, stop.clone())),
        )
        .await;
        let mut first_error = None;
        for result in results {
            match result {
                Ok(Done::Issued) => report.issued += 1,
                Ok(Done::Failed) => report.failed += 1,
                Ok(Done::Retried) => report.retried += 1,
                Ok(Done::Lost) => report.lost += 1,
                Ok(Done::Released) => report.released += 1,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            // The tickets whose result could not be stored are taken over once their lease ends.
            Some(e)
                if report.issued
                    + report.failed
                    + report.retried
                    + report.lost
                    + report.released
                    == 0 =>
            {
                Err(e)
            }
            _ => Ok(report),
        }
    }

    /// Runs [`run_once`](Self::run_once) (with `batch` tickets a round) until a round claims
    /// nothing; returns the totals. Tickets whose lease is held by another worker are left alone.
    pub async fn run_until_idle(&self, batch: usize) -> Result<WorkReport, QueueError> {
        let mut total = WorkReport::default();
        loop {
            let r = self.run_once(batch).await?;
            if r.claimed == 0 {
                return Ok(total);
            }
            total.add(&r);
        }
    }

    /// Works until `shutdown` completes: rounds of `batch` tickets, expiring overdue tickets, and
    /// sleeping `idle` when there was nothing to do. Errors are logged (`WARN`, with their
    /// source chain) and retried after `idle`.
    ///
    /// Shutdown drains: no ticket is claimed after `shutdown` completes; the tickets in flight
    /// get [`drain_grace`](Self::drain_grace) to finish, and those still unfinished then are
    /// released: stored back as claimable at once, without counting the attempt, so that another
    /// worker takes them over without waiting for their lease to run out (a status entry an
    /// interrupted attempt reserved is reused by the next, as after a crash). Returns what the
    /// rounds did.
    pub async fn run(
        &self,
        batch: usize,
        idle: Duration,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> WorkReport {
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let signal = async {
            shutdown.await;
            tracing::info!(worker = %self.name, "worker draining");
            // The receivers live as long as `work`, which ends only after reading this.
            let _ = stop_tx.send(true);
        };
        let work = async {
            let mut total = WorkReport::default();
            while !*stop.borrow() {
                #[cfg(feature = "metrics")]
                self.report_depth().await;
                if let Err(e) = self.queue.expire_overdue(100).await {
                    log_round_error("expiring overdue tickets", &e);
                }
                let claimed = match self.round(batch, stop.clone()).await {
                    Ok(r) => {
                        total.add(&r);
                        r.claimed
                    }
                    Err(e) => {
                        log_round_error("a round of work", &e);
                        0
                    }
                };
                if claimed == 0 {
                    let mut wake = stop.clone();
                    tokio::select! {
                        () = tokio::time::sleep(idle) => {}
                        _ = wake.wait_for(|stopped| *stopped) => {}
                    }
                }
            }
            tracing::info!(worker = %self.name, released = total.released, "worker stopped");
            total
        };
        let ((), total) = tokio::join!(signal, work);
        total
    }

    /// Sets the queue depth gauges (`vc_issue_queue_depth{state}`) of the states a worker sees.
    #[cfg(feature = "metrics")]
    async fn report_depth(&self) {
        for state in [
            TicketState::PendingApproval,
            TicketState::NeedsInformation,
            TicketState::Approved,
            TicketState::Issuing,
        ] {
            if let Ok(n) = self.queue.inner.store.count(state).await {
                crate::telemetry::queue_depth(state.as_str(), n);
            }
        }
    }

    /// Issues one claimed ticket, unless `stop` turns true and `grace` passes first: then the
    /// ticket is released.
    async fn process_or_release(
        &self,
        record: TicketRecord,
        claimed_at: OffsetDateTime,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> Result<Done, QueueError> {
        let claimed = record.clone();
        let span = tracing::info_span!(
            "vc.queue.issue",
            ticket = %record.id,
            worker = %self.name,
            attempt = record.attempts,
        );
        let work = self.process(record, claimed_at).instrument(span.clone());
        let drained = async {
            if stop.wait_for(|stopped| *stopped).await.is_err() {
                // The round's sender is gone without a stop: never drain.
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(self.grace).await;
        };
        tokio::select! {
            done = work => done,
            () = drained => self.release(claimed).instrument(span).await,
        }
    }

    /// Gives a claimed ticket back: `issuing` without a lease (claimable now), the attempt not
    /// counted. Whatever the interrupted attempt did is redone by the next one: nothing was
    /// stored, and a status entry it reserved is held for the ticket by the registry.
    async fn release(&self, mut record: TicketRecord) -> Result<Done, QueueError> {
        let q = &self.queue;
        record.lease = None;
        record.attempts = record.attempts.saturating_sub(1);
        record.history.push(HistoryEntry::new(
            TicketState::Issuing,
            q.now(),
            &self.name,
            Some("released at shutdown".into()),
        ));
        match q.inner.store.update(&record).await {
            Ok(_) => {
                tracing::info!(ticket = %record.id, "ticket released at shutdown");
                Ok(Done::Released)
            }
            // Finished (or taken over) in the meantime: nothing to give back.
            Err(e) if e.kind() == StoreErrorKind::Conflict => Ok(Done::Lost),
            Err(e) => Err(e.into()),
        }
    }

    async fn process(
        &self,
        mut record: TicketRecord,
        claimed_at: OffsetDateTime,
    ) -> Result<Done, QueueError> {
        let q = &self.queue;
        let from = if record.attempts <= 1 {
            TicketState::Approved
        } else {
            TicketState::Issuing
        };
        q.notify(
            &record.id,
            Some(from),
            TicketState::Issuing,
            &self.name,
            None,
        )
        .await;
        let outcome = async {
            let checked = q
                .inner
                .issuer
                .check(record.request.clone())
                .await
                .map_err(Outcome::from_issue)?;
            let entry = q.status_entry(&mut record).await?;
            let response = q
                .inner
                .issuer
                .sign(checked, entry.clone())
                .await
                .map_err(Outcome::from_issue)?;
            Ok::<_, Outcome>((entry, response))
        }
        .await;
        let now = q.now();
        record.history.push(HistoryEntry::new(
            TicketState::Issuing,
            claimed_at,
            &self.name,
            None,
        ));
        let (state, note) = match outcome {
            Ok((entry, response)) => {
                record.status_entry = entry.as_ref().map(StatusEntry::to_value);
                record.response = Some(response);
                record.failure = None;
                (TicketState::Issued, None)
            }
            Err(Outcome::Retry(e)) if record.attempts < q.inner.max_attempts => {
                tracing::warn!(
                    code = e.code().as_str(),
                    error = %crate::telemetry::Chain(&e),
                    "issuance will be retried"
                );
                let failure = TicketFailure::from(&e);
                record.failure = Some(failure);
                if let Some(lease) = record.lease.as_mut() {
                    lease.until = now + q.backoff(record.attempts);
                }
                (
                    TicketState::Issuing,
                    Some(format!("retry after {}", e.code())),
                )
            }
            Err(Outcome::Retry(e) | Outcome::Permanent(e)) => {
                crate::telemetry::failed(e.code());
                crate::telemetry::log_failure(e.code(), &e, "a ticket's issuance");
                record.failure = Some(TicketFailure::from(&e));
                (TicketState::Failed, Some(e.code().into()))
            }
        };
        record.state = state;
        if state != TicketState::Issuing {
            record.lease = None;
        }
        record
            .history
            .push(HistoryEntry::new(state, now, &self.name, note));
        match q.inner.store.update(&record).await {
            Ok(_) => {}
            Err(e) if e.kind() == StoreErrorKind::Conflict => return Ok(Done::Lost),
            Err(e) => return Err(e.into()),
        }
        q.release_status_entry(&record).await;
        match state {
            TicketState::Issued => {
                q.notify(
                    &record.id,
                    Some(TicketState::Issuing),
                    state,
                    &self.name,
                    None,
                )
                .await;
                Ok(Done::Issued)
            }
            TicketState::Failed => {
                q.notify(
                    &record.id,
                    Some(TicketState::Issuing),
                    state,
                    &self.name,
                    None,
                )
                .await;
                Ok(Done::Failed)
            }
            _ => Ok(Done::Retried),
        }
    }
}
