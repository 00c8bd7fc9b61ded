//! The in-memory reference store.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::{
    EntryChange, ListRecord, ListSnapshot, ReservationRecord, SetOutcome, StatusListStore,
    StoreError, StoreErrorKind,
};
use crate::{ReservationOwner, StatusListId};

/// A [`StatusListStore`] in process memory: for tests, examples and single-process issuers that do
/// not need their lists to survive a restart.
#[derive(Debug, Default)]
pub struct MemoryStore {
    // Lists and owned reservations under one lock: an owned reservation's counter step and its
    // record are one update.
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    lists: HashMap<StatusListId, MemoryList>,
    owners: HashMap<ReservationOwner, Owned>,
}

/// An owner's counters; a released reservation stays, settled, so that the owner never gets a
/// second index (see `StatusListStore::release_reservation`).
#[derive(Debug)]
struct Owned {
    record: ReservationRecord,
    settled: bool,
}

#[derive(Debug)]
struct MemoryList {
    record: ListRecord,
    next: u64,
    version: u64,
    entries: BTreeMap<u64, u8>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave a list half-updated (every update is a
        // single assignment after all checks), so a poisoned lock is safe to reuse.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Advances the counter of list `id` by up to `n`.
fn advance(
    lists: &mut HashMap<StatusListId, MemoryList>,
    id: &StatusListId,
    n: u64,
) -> Result<Range<u64>, StoreError> {
    let list = lists.get_mut(id).ok_or_else(|| not_found(id))?;
    let start = list.next;
    let end = start.saturating_add(n).min(list.record.capacity);
    list.next = end;
    Ok(start..end)
}

fn not_found(id: &StatusListId) -> StoreError {
    StoreError::new(StoreErrorKind::NotFound, format!("status list {id}"))
}

#[async_trait]
impl StatusListStore for MemoryStore {
    async fn create_list(&self, list: &ListRecord) -> Result<(), StoreError> {
        let lists = &mut self.lock().lists;
        let taken = lists.contains_key(&list.id)
            || lists
                .values()
                .any(|l| l.record.series == list.series && l.record.sequence == list.sequence);
        if taken {
            return Err(StoreError::new(
                StoreErrorKind::AlreadyExists,
                format!("status list {}", list.id),
            ));
        }
        lists.insert(
            list.id.clone(),
            MemoryList {
                record: list.clone(),
                next: 0,
                version: 0,
                entries: BTreeMap::new(),
            },
        );
        Ok(())
    }

    async fn get_list(&self, id: &StatusListId) -> Result<ListRecord, StoreError> {
        self.lock()
            .lists
            .get(id)
            .map(|l| l.record.clone())
            .ok_or_else(|| not_found(id))
    }

    async fn latest_list(&self, series: &str) -> Result<Option<ListRecord>, StoreError> {
        Ok(self
            .lock()
            .lists
            .values()
            .filter(|l| l.record.series == series)
            .max_by_key(|l| l.record.sequence)
            .map(|l| l.record.clone()))
    }

    async fn reserve(&self, id: &StatusListId, n: u64) -> Result<Range<u64>, StoreError> {
        advance(&mut self.lock().lists, id, n)
    }

    async fn reserve_owned(
        &self,
        owner: &ReservationOwner,
        id: &StatusListId,
        n: u64,
    ) -> Result<ReservationRecord, StoreError> {
        let mut state = self.lock();
        if let Some(held) = state.owners.get(owner) {
            return Ok(held.record.clone());
        }
        let counters = advance(&mut state.lists, id, n)?;
        let record = ReservationRecord {
            list: id.clone(),
            counters,
        };
        if !record.counters.is_empty() {
            state.owners.insert(
                owner.clone(),
                Owned {
                    record: record.clone(),
                    settled: false,
                },
            );
        }
        Ok(record)
    }

    async fn reservation(
        &self,
        owner: &ReservationOwner,
    ) -> Result<Option<ReservationRecord>, StoreError> {
        Ok(self
            .lock()
            .owners
            .get(owner)
            .filter(|held| !held.settled)
            .map(|held| held.record.clone()))
    }

    async fn release_reservation(&self, owner: &ReservationOwner) -> Result<bool, StoreError> {
        Ok(match self.lock().owners.get_mut(owner) {
            Some(held) if !held.settled => {
                held.settled = true;
                true
            }
            _ => false,
        })
    }

    async fn set_entries(&self, changes: &[EntryChange]) -> Result<Vec<SetOutcome>, StoreError> {
        let lists = &mut self.lock().lists;
        // Every change is checked under the lock before the first is applied.
        for change in changes {
            let list = lists
                .get(&change.list)
                .ok_or_else(|| not_found(&change.list))?;
            if change.index >= list.record.capacity {
                return Err(StoreError::new(
                    StoreErrorKind::Conflict,
                    format!(
                        "index {} is outside status list {}",
                        change.index, change.list
                    ),
                ));
            }
        }
        let mut outcomes = Vec::with_capacity(changes.len());
        for change in changes {
            let list = lists
                .get_mut(&change.list)
                .ok_or_else(|| not_found(&change.list))?;
            let old = list.entries.get(&change.index).copied().unwrap_or(0);
            if old == change.value {
                outcomes.push(SetOutcome {
                    changed: false,
                    version: list.version,
                });
                continue;
            }
            if change.value == 0 {
                list.entries.remove(&change.index);
            } else {
                list.entries.insert(change.index, change.value);
            }
            list.version += 1;
            outcomes.push(SetOutcome {
                changed: true,
                version: list.version,
            });
        }
        Ok(outcomes)
    }

    async fn snapshot(&self, id: &StatusListId) -> Result<ListSnapshot, StoreError> {
        let state = self.lock();
        let list = state.lists.get(id).ok_or_else(|| not_found(id))?;
        Ok(ListSnapshot {
            version: list.version,
            allocated: list.next,
            entries: list.entries.iter().map(|(&i, &v)| (i, v)).collect(),
        })
    }
}
