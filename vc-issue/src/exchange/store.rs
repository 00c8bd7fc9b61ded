//! Where exchanges live: the storage trait and its in-memory backend.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;

use super::error::{StoreError, StoreErrorKind};
use super::id::{ExchangeId, WorkflowId};
use super::record::ExchangeRecord;

/// Where exchanges live. Object-safe: hold it as `Arc<dyn ExchangeStore>`.
///
/// Every method is atomic on its own, across every process sharing the store. Changes are
/// compare-and-set on the exchange's `sequence`, so of two concurrent writers exactly one wins
/// and the other learns it lost ([`StoreErrorKind::Conflict`]) instead of overwriting.
#[async_trait]
pub trait ExchangeStore: Send + Sync + Debug + 'static {
    /// Stores a new exchange. Fails with [`StoreErrorKind::AlreadyExists`] if its id is taken
    /// (in any workflow).
    async fn insert(&self, record: &ExchangeRecord) -> Result<(), StoreError>;

    /// Reads the exchange `id` of `workflow` (`None` if there is none, or it belongs to another
    /// workflow).
    async fn get(
        &self,
        workflow: &WorkflowId,
        id: &ExchangeId,
    ) -> Result<Option<ExchangeRecord>, StoreError>;

    /// Replaces the stored exchange with `record` if its stored `sequence` is still
    /// `expected_sequence`. `record.exchange.sequence` must be `expected_sequence + 1`.
    ///
    /// Fails with [`StoreErrorKind::Conflict`] if the sequence moved on, and with
    /// [`StoreErrorKind::NotFound`] if there is no such exchange.
    async fn update(
        &self,
        record: &ExchangeRecord,
        expected_sequence: u64,
    ) -> Result<(), StoreError>;

    /// Deletes up to `limit` exchanges that expired at or before `before`, and returns how many
    /// it deleted.
    async fn purge_expired(&self, before: OffsetDateTime, limit: usize) -> Result<u64, StoreError>;
}

/// Refuses an update whose new sequence does not follow the expected one: a caller bug that would
/// otherwise let two writers agree on the same next sequence.
pub(crate) fn check_successor(
    record: &ExchangeRecord,
    expected_sequence: u64,
) -> Result<(), StoreError> {
    if expected_sequence.checked_add(1) == Some(record.exchange.sequence) {
        Ok(())
    } else {
        Err(StoreError::new(
            StoreErrorKind::Internal,
            format!(
                "exchange {}: the new sequence must be the expected one plus one",
                record.exchange.id
            ),
        ))
    }
}

/// An [`ExchangeStore`] in memory, for one process (tests, single-instance services that may lose
/// open exchanges on restart).
#[derive(Debug, Default)]
pub struct MemoryExchangeStore {
    records: Mutex<HashMap<ExchangeId, ExchangeRecord>>,
}

impl MemoryExchangeStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ExchangeId, ExchangeRecord>> {
        // Every change below replaces a whole record before the guard drops, so a poisoned lock
        // still holds consistent records.
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl ExchangeStore for MemoryExchangeStore {
    async fn insert(&self, record: &ExchangeRecord) -> Result<(), StoreError> {
        let mut records = self.lock();
        let id = &record.exchange.id;
        if records.contains_key(id) {
            return Err(StoreError::new(
                StoreErrorKind::AlreadyExists,
                format!("exchange {id}"),
            ));
        }
        records.insert(id.clone(), record.clone());
        Ok(())
    }

    async fn get(
        &self,
        workflow: &WorkflowId,
        id: &ExchangeId,
    ) -> Result<Option<ExchangeRecord>, StoreError> {
        Ok(self
            .lock()
            .get(id)
            .filter(|r| &r.workflow_id == workflow)
            .cloned())
    }

    async fn update(
        &self,
        record: &ExchangeRecord,
        expected_sequence: u64,
    ) -> Result<(), StoreError> {
        check_successor(record, expected_sequence)?;
        let mut records = self.lock();
        let id = &record.exchange.id;
        let stored = records
            .get_mut(id)
            .filter(|r| r.workflow_id == record.workflow_id)
            .ok_or_else(|| StoreError::new(StoreErrorKind::NotFound, format!("exchange {id}")))?;
        if stored.exchange.sequence != expected_sequence {
            return Err(StoreError::new(
                StoreErrorKind::Conflict,
                format!("exchange {id} changed concurrently"),
            ));
        }
        *stored = record.clone();
        Ok(())
    }

    async fn purge_expired(&self, before: OffsetDateTime, limit: usize) -> Result<u64, StoreError> {
        let mut records = self.lock();
        let expired: Vec<ExchangeId> = records
            .values()
            .filter(|r| r.exchange.expires <= before)
            .map(|r| r.exchange.id.clone())
            .take(limit)
            .collect();
        for id in &expired {
            records.remove(id);
        }
        Ok(expired.len() as u64)
    }
}
