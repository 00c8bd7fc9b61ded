//! The storage trait of credential pickup and its in-memory backend.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use time::OffsetDateTime;
use vc_status::store::{StoreError, StoreErrorKind};

use super::token::TokenDigest;
use crate::pipeline::request::IssuedCredential;

/// One credential waiting for its holder: stored under the digest of its token.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PickupRecord {
    /// The SHA-256 digest of the token (never the token).
    pub digest: TokenDigest,
    /// The signed credential.
    pub credential: IssuedCredential,
    /// After this instant the token is worthless.
    pub expires_at: OffsetDateTime,
}

impl PickupRecord {
    /// A record for `credential`, redeemable with the token of `digest` until `expires_at`.
    pub fn new(
        digest: TokenDigest,
        credential: IssuedCredential,
        expires_at: OffsetDateTime,
    ) -> Self {
        Self {
            digest,
            credential,
            expires_at,
        }
    }
}

/// Where pickups wait. Object-safe: hold it as `Arc<dyn PickupStore>`.
///
/// Every method is atomic on its own, across every process sharing the store.
#[async_trait]
pub trait PickupStore: Send + Sync + Debug + 'static {
    /// Stores a record. A record with the same digest already there is
    /// [`StoreErrorKind::AlreadyExists`] (and is left alone).
    async fn insert(&self, record: &PickupRecord) -> Result<(), StoreError>;

    /// Removes the record of `digest` and returns its credential if it had not expired at `now`
    /// (an expired record is removed too, and `None` returned). Atomic: of any number of
    /// concurrent calls with the same digest, at most one gets the credential.
    async fn take(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<IssuedCredential>, StoreError>;

    /// Removes every record that expired at or before `now`; returns how many.
    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, StoreError>;
}

/// Pickups in memory, for one process and for tests.
#[derive(Debug, Default)]
pub struct MemoryPickupStore {
    records: Mutex<HashMap<TokenDigest, PickupRecord>>,
}

impl MemoryPickupStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn records(&self) -> MutexGuard<'_, HashMap<TokenDigest, PickupRecord>> {
        // Every critical section is a single insert or remove: a poisoned lock holds no broken state.
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl PickupStore for MemoryPickupStore {
    async fn insert(&self, record: &PickupRecord) -> Result<(), StoreError> {
        let mut records = self.records();
        if records.contains_key(&record.digest) {
            return Err(StoreError::new(
                StoreErrorKind::AlreadyExists,
                "insert a pickup",
            ));
        }
        records.insert(record.digest, record.clone());
        Ok(())
    }

    async fn take(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<IssuedCredential>, StoreError> {
        let taken = self.records().remove(digest);
        Ok(taken.filter(|r| r.expires_at > now).map(|r| r.credential))
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let mut records = self.records();
        let before = records.len();
        records.retain(|_, r| r.expires_at > now);
        Ok((before - records.len()) as u64)
    }
}
