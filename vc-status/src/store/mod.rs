//! The storage trait behind the registry, and its backends.
//!
//! A [`StatusListStore`] keeps the state that several issuer processes must agree on: the lists,
//! an atomic allocation counter per list, the entries that are set, and the reservations held by
//! an owner (see [`reserve_owned`](StatusListStore::reserve_owned)). It is deliberately small;
//! all status list logic (permutation, rollover, purposes) lives in
//! [`StatusRegistry`](crate::StatusRegistry).
//!
//! Every store of the workspace (these, and vc-issue's queue, exchange, pickup and status index
//! stores) fails with one [`StoreError`], whose [`StoreErrorKind`] says what to do; the SQL
//! stores map sqlx's errors with [`StoreError::from_sqlx`] and migrate with [`migrate`].
//!
//! Backends: [`MemoryStore`] (one process), `SqliteStore` (feature `sqlite`), `PostgresStore`
//! (feature `postgres`). Every backend, including a host's own, should pass the conformance suite
//! in `vc_status::testing` (feature `testing`).

use std::fmt::{self, Debug};
use std::ops::Range;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{ReservationOwner, StatusListId, StatusPurpose, StatusSize};

mod error;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod migrate;
#[cfg(feature = "postgres")]
mod pg_pool;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_store;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_pool;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sqlx_error;

pub use error::{StoreError, StoreErrorKind};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use pg_pool::{postgres_pool, valid_schema};
#[cfg(feature = "postgres")]
pub use postgres::{PostgresStore, DEFAULT_SCHEMA as POSTGRES_DEFAULT_SCHEMA};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
#[cfg(feature = "sqlite")]
pub use sqlite_pool::sqlite_pool;

/// The immutable description of one status list.
#[derive(Clone, PartialEq, Eq)]
pub struct ListRecord {
    /// The list's identifier (unique in the store).
    pub id: StatusListId,
    /// The series the list belongs to (lists of one series roll over into each other).
    pub series: String,
    /// The list's position in its series, from 1; `(series, sequence)` is unique in the store.
    pub sequence: u64,
    /// What the list expresses.
    pub purpose: StatusPurpose,
    /// Bits per entry.
    pub status_size: StatusSize,
    /// The number of entries.
    pub capacity: u64,
    /// The secret seed of the list's index permutation.
    pub seed: [u8; 32],
    /// When the list was created (whole seconds are stored).
    pub created_at: OffsetDateTime,
}

impl Debug for ListRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The seed links indexes to issuance order; keep it out of logs.
        f.debug_struct("ListRecord")
            .field("id", &self.id)
            .field("series", &self.series)
            .field("sequence", &self.sequence)
            .field("purpose", &self.purpose)
            .field("status_size", &self.status_size)
            .field("capacity", &self.capacity)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// The state of a list at one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSnapshot {
    /// Increases by one with every change of an entry's value.
    pub version: u64,
    /// How many counter values have been handed out (at most the capacity).
    pub allocated: u64,
    /// `(index, value)` of every entry whose value is not 0, by ascending index.
    pub entries: Vec<(u64, u8)>,
}

/// One change of [`StatusListStore::set_entries`]: the entry at `index` of list `list` becomes
/// `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryChange {
    /// The list.
    pub list: StatusListId,
    /// The entry's index in the list.
    pub index: u64,
    /// Its new value.
    pub value: u8,
}

/// Counters of one list taken by [`StatusListStore::reserve_owned`]: what its owner holds until it
/// releases them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRecord {
    /// The list the counters belong to.
    pub list: StatusListId,
    /// The counter values (empty when the list was full and nothing was taken).
    pub counters: Range<u64>,
}

/// The result of [`StatusListStore::set_entry`] (one per change of
/// [`set_entries`](StatusListStore::set_entries)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetOutcome {
    /// Whether the value changed (setting the value an entry already has changes nothing).
    pub changed: bool,
    /// The list's version after the call.
    pub version: u64,
}

/// Where status lists live. Object-safe: hold it as `Arc<dyn StatusListStore>`.
///
/// Every method is atomic on its own; a backend shared by several processes must keep that true
/// across them.
#[async_trait]
pub trait StatusListStore: Send + Sync + Debug + 'static {
    /// Creates a list with its counter at 0, version 0 and no entries set.
    ///
    /// Fails with [`StoreErrorKind::AlreadyExists`] if a list with the same id, or the same
    /// `(series, sequence)`, exists; the caller then re-reads it.
    async fn create_list(&self, list: &ListRecord) -> Result<(), StoreError>;

    /// Reads a list's record ([`StoreErrorKind::NotFound`] if there is none).
    async fn get_list(&self, id: &StatusListId) -> Result<ListRecord, StoreError>;

    /// The list of `series` with the highest sequence number, if any.
    async fn latest_list(&self, series: &str) -> Result<Option<ListRecord>, StoreError>;

    /// Atomically advances the list's counter by up to `n` and returns the counter values granted:
    /// `start..end` with `end - start <= n`, shorter when the list fills up, empty when it is full.
    /// No value is ever granted twice.
    async fn reserve(&self, id: &StatusListId, n: u64) -> Result<Range<u64>, StoreError>;

    /// Like [`reserve`](Self::reserve) for `owner`, and recorded under its name: the counter step
    /// and the record of `(owner, list, counters)` happen together or not at all, so a caller that
    /// dies at any instant leaves either nothing taken or a reservation that
    /// [`reservation`](Self::reservation) finds.
    ///
    /// Idempotent per owner: if `owner` already holds a reservation, or held one and released it,
    /// that one is returned (whatever `id` and `n` say) and no counter moves; of several callers
    /// racing for one owner, one advances the counter and the others get its reservation. An owner
    /// thus takes counters once in its life: a late caller (a worker whose lease ran out while
    /// another finished the owner's work) gets the owner's counters back, never new ones that
    /// nothing would use. When the list is full the result
    /// has empty counters and nothing is recorded (the caller moves on to the next list).
    async fn reserve_owned(
        &self,
        owner: &ReservationOwner,
        id: &StatusListId,
        n: u64,
    ) -> Result<ReservationRecord, StoreError>;

    /// The reservation `owner` holds, if any (a released one is not held).
    async fn reservation(
        &self,
        owner: &ReservationOwner,
    ) -> Result<Option<ReservationRecord>, StoreError>;

    /// Releases `owner`'s reservation, once the owner keeps its entries itself (or gives them up);
    /// returns whether it held one. The reservation stays in the store, settled: the counters are
    /// never handed out to anyone else, and [`reserve_owned`](Self::reserve_owned) for `owner`
    /// returns them again (one row per owner, kept).
    async fn release_reservation(&self, owner: &ReservationOwner) -> Result<bool, StoreError>;

    /// Applies every change, in order, or none: if any change fails (its list is missing, its
    /// index is outside the list) or the store fails part-way, no entry of any list has changed
    /// when the call returns the error. Returns one outcome per change.
    ///
    /// Each change is idempotent: setting an entry's current value changes nothing and does not
    /// bump its list's version. Updates from several writers are never lost. Backends shared by
    /// several processes lock the lists they touch in one order (by id), so that two batches
    /// never wait on each other.
    async fn set_entries(&self, changes: &[EntryChange]) -> Result<Vec<SetOutcome>, StoreError>;

    /// Sets the entry at `index` to `value`: [`set_entries`](Self::set_entries) of one change.
    async fn set_entry(
        &self,
        id: &StatusListId,
        index: u64,
        value: u8,
    ) -> Result<SetOutcome, StoreError> {
        let change = EntryChange {
            list: id.clone(),
            index,
            value,
        };
        self.set_entries(std::slice::from_ref(&change))
            .await?
            .pop()
            .ok_or_else(|| {
                StoreError::new(StoreErrorKind::Internal, "the store returned no outcome")
            })
    }

    /// A consistent snapshot of the list's entries with its version.
    async fn snapshot(&self, id: &StatusListId) -> Result<ListSnapshot, StoreError>;
}
