//! The storage trait of the queue and its in-memory backend.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;

use super::error::{StoreError, StoreErrorKind};
use super::state::{Lease, TicketId, TicketRecord, TicketState};

/// The result of [`IssuanceStore::insert`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Inserted {
    /// The ticket was stored.
    New,
    /// A ticket with the same idempotency key exists; nothing was stored. This is that ticket.
    Existing(Box<TicketRecord>),
}

/// Where tickets live. Object-safe: hold it as `Arc<dyn IssuanceStore>`.
///
/// Every method is atomic on its own, across every process sharing the store. Changes are
/// compare-and-set on the record's `version`, so two writers never both win.
#[async_trait]
pub trait IssuanceStore: Send + Sync + Debug + 'static {
    /// Stores a new ticket (its `version` is 0). If a ticket with the same idempotency key
    /// exists, stores nothing and returns that ticket.
    async fn insert(&self, record: &TicketRecord) -> Result<Inserted, StoreError>;

    /// Reads a ticket.
    async fn get(&self, id: &TicketId) -> Result<Option<TicketRecord>, StoreError>;

    /// Replaces the ticket with `record` if the stored version is still `record.version`, and
    /// returns the new version (`record.version + 1`). Fails with [`StoreErrorKind::Conflict`] if
    /// the version moved on and with [`StoreErrorKind::NotFound`] if there is no such ticket.
    async fn update(&self, record: &TicketRecord) -> Result<u64, StoreError>;

    /// Takes up to `limit` tickets that are `approved`, or `issuing` with a lease that ran out at
    /// or before `now`, oldest first: each becomes `issuing` with `lease`, one more attempt and a
    /// new version, and is returned as stored. Concurrent claimers (in any process) never get the
    /// same ticket while its lease runs (SQL backends skip rows locked by another claimer).
    async fn claim(
        &self,
        now: OffsetDateTime,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError>;

    /// Up to `limit` tickets waiting for a person (`pending_approval`, `needs_information`) whose
    /// deadline is at or before `now`.
    async fn overdue(
        &self,
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError>;

    /// How many tickets are in `state`.
    async fn count(&self, state: TicketState) -> Result<u64, StoreError>;
}

/// A claimable ticket: approved, or issuing with a lease that ran out.
pub(crate) fn claimable(r: &TicketRecord, now: OffsetDateTime) -> bool {
    match r.state {
        TicketState::Approved => true,
        TicketState::Issuing => r.lease.as_ref().is_none_or(|l| l.until <= now),
        _ => false,
    }
}

#[derive(Debug, Default)]
struct Tables {
    seq: u64,
    records: HashMap<TicketId, (u64, TicketRecord)>,
    keys: HashMap<String, TicketId>,
    /// Tickets that are approved or issuing, by submission order.
    work: BTreeMap<u64, TicketId>,
}

/// An [`IssuanceStore`] in memory, for one process (tests, single-instance issuers that can lose
/// their queue on restart).
#[derive(Debug, Default)]
pub struct MemoryIssuanceStore {
    tables: Mutex<Tables>,
}

impl MemoryIssuanceStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        // Every update below completes before the guard drops; a poisoned lock holds whole records.
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn works(state: TicketState) -> bool {
    matches!(state, TicketState::Approved | TicketState::Issuing)
}

#[async_trait]
impl IssuanceStore for MemoryIssuanceStore {
    async fn insert(&self, record: &TicketRecord) -> Result<Inserted, StoreError> {
        let mut t = self.lock();
        if let Some(key) = &record.idempotency_key {
            if let Some(id) = t.keys.get(key) {
                if let Some((_, existing)) = t.records.get(id) {
                    return Ok(Inserted::Existing(Box::new(existing.clone())));
                }
            }
        }
        if t.records.contains_key(&record.id) {
            return Err(StoreError::new(
                StoreErrorKind::AlreadyExists,
                format!("ticket {}", record.id),
            ));
        }
        t.seq += 1;
        let seq = t.seq;
        let mut stored = record.clone();
        stored.version = 0;
        if works(stored.state) {
            t.work.insert(seq, stored.id.clone());
        }
        if let Some(key) = &stored.idempotency_key {
            t.keys.insert(key.clone(), stored.id.clone());
        }
        t.records.insert(stored.id.clone(), (seq, stored));
        Ok(Inserted::New)
    }

    async fn get(&self, id: &TicketId) -> Result<Option<TicketRecord>, StoreError> {
        Ok(self.lock().records.get(id).map(|(_, r)| r.clone()))
    }

    async fn update(&self, record: &TicketRecord) -> Result<u64, StoreError> {
        let mut t = self.lock();
        let (seq, stored) = t.records.get(&record.id).cloned().ok_or_else(|| {
            StoreError::new(StoreErrorKind::NotFound, format!("ticket {}", record.id))
        })?;
        if stored.version != record.version {
            return Err(StoreError::new(
                StoreErrorKind::Conflict,
                format!("ticket {} changed concurrently", record.id),
            ));
        }
        let mut next = record.clone();
        next.version = record.version + 1;
        next.idempotency_key = stored.idempotency_key;
        if works(next.state) {
            t.work.insert(seq, next.id.clone());
        } else {
            t.work.remove(&seq);
        }
        let version = next.version;
        t.records.insert(next.id.clone(), (seq, next));
        Ok(version)
    }

    async fn claim(
        &self,
        now: OffsetDateTime,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let mut guard = self.lock();
        let t = &mut *guard;
        let mut out = Vec::new();
        for id in t.work.values() {
            if out.len() >= limit {
                break;
            }
            if let Some((_, r)) = t.records.get_mut(id) {
                if claimable(r, now) {
                    r.state = TicketState::Issuing;
                    r.version += 1;
                    r.attempts += 1;
                    r.lease = Some(lease.clone());
                    out.push(r.clone());
                }
            }
        }
        Ok(out)
    }

    async fn overdue(
        &self,
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let t = self.lock();
        let mut due: Vec<(u64, TicketRecord)> = t
            .records
            .values()
            .filter(|(_, r)| r.state.is_waiting() && r.deadline.is_some_and(|d| d <= now))
            .cloned()
            .collect();
        due.sort_by_key(|(seq, _)| *seq);
        Ok(due.into_iter().take(limit).map(|(_, r)| r).collect())
    }

    async fn count(&self, state: TicketState) -> Result<u64, StoreError> {
        Ok(self
            .lock()
            .records
            .values()
            .filter(|(_, r)| r.state == state)
            .count() as u64)
    }
}
