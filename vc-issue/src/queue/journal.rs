//! The status-index reservation journal: what makes "allocated once, never leaked" hold across
//! crashes.
//!
//! A worker allocates a ticket's status entry through the ordinary [`StatusRegistry`], but over a
//! journaled status store (a [`StatusListStore`] decorator). While the queue allocates for a
//! ticket it names the ticket as the *owner* of the allocation (a task-local value); the
//! decorator's `reserve` then advances the list's counter **and** records `(owner, list, counter
//! range)` in one database transaction. Either both happen or neither does, so a worker killed at
//! any instant leaves either no reservation (nothing leaked) or a journaled one, which the next
//! worker finds and turns back into the very same [`StatusEntry`] (the list's keyed permutation is
//! deterministic). The journal's owner key is unique, so two workers racing on one ticket cannot
//! both reserve: the loser's transaction (counter step included) rolls back.
//!
//! Backends: [`JournaledStatusStore`] here (in-process, over any status store), and the SQLite and
//! PostgreSQL issuance stores' `journaled_status_store`, which share the database of vc-status's
//! store.

use std::collections::HashMap;
use std::fmt::Debug;
use std::future::Future;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use vc_status::store::{ListRecord, ListSnapshot, SetOutcome, StatusListStore};
use vc_status::{Permutation, StatusEntry, StatusListId, StatusListIndex, StatusRegistry};

use super::error::StoreError;

tokio::task_local! {
    static OWNER: String;
}

/// Runs `f` with `owner` as the owner of every reservation a journaled status store makes in it
/// (the queue does this around each allocation; tests of journaled stores do it by hand).
pub async fn with_reservation_owner<F: Future>(owner: String, f: F) -> F::Output {
    OWNER.scope(owner, f).await
}

/// The owner of reservations made on this task now, if any (for journaled status store backends).
pub fn current_owner() -> Option<String> {
    OWNER.try_with(Clone::clone).ok()
}

/// A journaled reservation: counters `start..end` of list `list_id`, owned by one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The list.
    pub list_id: StatusListId,
    /// The counter values reserved (one for one ticket).
    pub counters: Range<u64>,
}

/// Reads the reservations a journaled status store made.
#[async_trait]
pub trait ReservationJournal: Send + Sync + Debug + 'static {
    /// The reservation owned by `owner`, if one was made.
    async fn reservation(&self, owner: &str) -> Result<Option<Reservation>, StoreError>;
}

/// Rebuilds the entry `registry` handed out for the first counter of `reservation` (the same list
/// URL, index, purpose and size).
pub(crate) async fn rebuild_entry(
    registry: &StatusRegistry,
    reservation: &Reservation,
) -> Result<StatusEntry, vc_status::Error> {
    let record = registry.store().get_list(&reservation.list_id).await?;
    let permutation = Permutation::new(&record.seed, record.capacity)?;
    let index = permutation.apply(reservation.counters.start)?;
    StatusEntry::new(
        registry.format(),
        record.purpose,
        StatusListIndex::new(index),
        registry.list_url(&reservation.list_id),
        record.status_size,
        None,
    )
}

/// An in-process journaled status store over any [`StatusListStore`].
///
/// Reservation and journal entry happen under one lock, so they are atomic within the process;
/// a crash loses both (use it with a store that lives and dies with the process, like
/// `MemoryStore`). For stores shared by several processes use the SQL issuance stores'
/// journaled status stores, which write both in one database transaction.
#[derive(Debug)]
pub struct JournaledStatusStore {
    inner: Arc<dyn StatusListStore>,
    journal: tokio::sync::Mutex<HashMap<String, Reservation>>,
    reserved: Mutex<u64>,
}

impl JournaledStatusStore {
    /// Journals reservations made on `inner`.
    pub fn new(inner: Arc<dyn StatusListStore>) -> Self {
        Self {
            inner,
            journal: tokio::sync::Mutex::default(),
            reserved: Mutex::new(0),
        }
    }

    /// How many counter values were reserved through this store, journaled or not.
    pub fn reserved(&self) -> u64 {
        *self.reserved.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl StatusListStore for JournaledStatusStore {
    async fn create_list(&self, list: &ListRecord) -> Result<(), vc_status::store::StoreError> {
        self.inner.create_list(list).await
    }

    async fn get_list(
        &self,
        id: &StatusListId,
    ) -> Result<ListRecord, vc_status::store::StoreError> {
        self.inner.get_list(id).await
    }

    async fn latest_list(
        &self,
        series: &str,
    ) -> Result<Option<ListRecord>, vc_status::store::StoreError> {
        self.inner.latest_list(series).await
    }

    async fn reserve(
        &self,
        id: &StatusListId,
        n: u64,
    ) -> Result<Range<u64>, vc_status::store::StoreError> {
        let Some(owner) = current_owner() else {
            let r = self.inner.reserve(id, n).await?;
            *self.reserved.lock().unwrap_or_else(|e| e.into_inner()) += r.end - r.start;
            return Ok(r);
        };
        let mut journal = self.journal.lock().await;
        if journal.contains_key(&owner) {
            return Err(vc_status::store::StoreError::new(
                vc_status::store::StoreErrorKind::Conflict,
                format!("{owner} already holds a reservation"),
            ));
        }
        let r = self.inner.reserve(id, n).await?;
        *self.reserved.lock().unwrap_or_else(|e| e.into_inner()) += r.end - r.start;
        if !r.is_empty() {
            journal.insert(
                owner,
                Reservation {
                    list_id: id.clone(),
                    counters: r.clone(),
                },
            );
        }
        Ok(r)
    }

    async fn set_entries(
        &self,
        changes: &[vc_status::store::EntryChange],
    ) -> Result<Vec<SetOutcome>, vc_status::store::StoreError> {
        self.inner.set_entries(changes).await
    }

    async fn snapshot(
        &self,
        id: &StatusListId,
    ) -> Result<ListSnapshot, vc_status::store::StoreError> {
        self.inner.snapshot(id).await
    }
}

#[async_trait]
impl ReservationJournal for JournaledStatusStore {
    async fn reservation(&self, owner: &str) -> Result<Option<Reservation>, StoreError> {
        Ok(self.journal.lock().await.get(owner).cloned())
    }
}
