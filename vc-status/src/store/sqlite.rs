//! The SQLite backend (feature `sqlite`): the embedded default.

use std::ops::Range;
use std::path::Path;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteRow};
use sqlx::Row;

use super::sql::{
    corrupt, granted, map_err, to_i64, to_u64, ListColumns, ReservationColumns, LIST_COLUMNS,
    RESERVATION_COLUMNS,
};
use super::{
    EntryChange, ListRecord, ListSnapshot, ReservationRecord, SetOutcome, StatusListStore,
    StoreError, StoreErrorKind,
};
use crate::{ReservationOwner, StatusListId};

/// A [`StatusListStore`] in one SQLite file, shared safely by several processes.
///
/// The database runs in WAL mode with a busy timeout. The allocation counter is advanced by a
/// single `UPDATE ... RETURNING` (atomic under SQLite's write lock); owned reservations and entry
/// updates run in `BEGIN IMMEDIATE` transactions, so concurrent writers queue instead of losing
/// updates. The schema migrations ship with the crate and run on connect.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true),
        )
        .await
    }

    /// Connects with `options` (WAL mode, `synchronous = FULL`, foreign keys and the busy
    /// timeout are set on top of them) and migrates the database.
    ///
    /// `FULL`, because the allocation counter lives here: in WAL mode `NORMAL` does not sync the
    /// log at each commit, so a power loss (not a crash of the process, which `NORMAL` survives)
    /// can roll back the last commits, counter included, and indexes already written into signed
    /// credentials would be handed out again. `FULL` syncs the log at every commit; its cost is
    /// in BENCHMARKS.md. To measure or run with another setting, build the pool yourself and
    /// pass it to [`from_pool`](Self::from_pool).
    pub async fn connect_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        Self::from_pool(super::sqlite_pool(options).await?).await
    }

    /// Uses an existing pool and migrates its database.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        super::migrate::sqlite(
            &pool,
            sqlx::migrate!("./migrations/sqlite"),
            "migrate the SQLite status list schema",
        )
        .await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

fn list_columns(row: &SqliteRow) -> Result<ListColumns, sqlx::Error> {
    Ok(ListColumns {
        list_id: row.try_get("list_id")?,
        series: row.try_get("series")?,
        sequence: row.try_get("sequence")?,
        purpose: row.try_get("purpose")?,
        status_size: row.try_get("status_size")?,
        capacity: row.try_get("capacity")?,
        seed: row.try_get("seed")?,
        created_at: row.try_get("created_at")?,
    })
}

fn record(row: &SqliteRow) -> Result<ListRecord, StoreError> {
    list_columns(row)
        .map_err(|e| map_err(e, "read a status list row"))?
        .into_record()
}

/// The counters of a reservation of `n`, from the row its counter step returned.
fn counters_granted(row: &SqliteRow, n: u64) -> Result<Range<u64>, StoreError> {
    let next = row
        .try_get("next_counter")
        .map_err(|e| map_err(e, "read"))?;
    let capacity = row.try_get("capacity").map_err(|e| map_err(e, "read"))?;
    granted(next, capacity, n)
}

fn reservation(row: &SqliteRow) -> Result<ReservationRecord, StoreError> {
    let read = |e| map_err(e, "read a status reservation row");
    ReservationColumns {
        list_id: row.try_get("list_id").map_err(read)?,
        start_counter: row.try_get("start_counter").map_err(read)?,
        end_counter: row.try_get("end_counter").map_err(read)?,
    }
    .into_record()
}

fn not_found(id: &StatusListId) -> StoreError {
    StoreError::new(StoreErrorKind::NotFound, format!("status list {id}"))
}

#[async_trait]
impl StatusListStore for SqliteStore {
    async fn create_list(&self, list: &ListRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO status_lists \
             (list_id, series, sequence, purpose, status_size, capacity, seed, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(list.id.as_str())
        .bind(&list.series)
        .bind(to_i64(list.sequence)?)
        .bind(list.purpose.as_str())
        .bind(i64::from(list.status_size.bits()))
        .bind(to_i64(list.capacity)?)
        .bind(&list.seed[..])
        .bind(list.created_at.unix_timestamp())
        .execute(&self.pool)
        .await
        .map_err(|e| map_err(e, format!("create status list {}", list.id)))?;
        Ok(())
    }

    async fn get_list(&self, id: &StatusListId) -> Result<ListRecord, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM status_lists WHERE list_id = ?1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_err(e, format!("read status list {id}")))?;
        record(&row.ok_or_else(|| not_found(id))?)
    }

    async fn latest_list(&self, series: &str) -> Result<Option<ListRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM status_lists WHERE series = ?1 \
             ORDER BY sequence DESC LIMIT 1"
        ))
        .bind(series)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_err(e, format!("find the latest list of {series}")))?;
        row.as_ref().map(record).transpose()
    }

    async fn reserve(&self, id: &StatusListId, n: u64) -> Result<Range<u64>, StoreError> {
        // Capacities are at most 2^62, so counter + n stays below 2^63.
        let n = n.min(crate::permutation::MAX_DOMAIN);
        let row = sqlx::query(
            "UPDATE status_lists SET next_counter = next_counter + ?2 \
             WHERE list_id = ?1 AND next_counter < capacity \
             RETURNING next_counter, capacity",
        )
        .bind(id.as_str())
        .bind(to_i64(n)?)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_err(e, format!("reserve in status list {id}")))?;
        match row {
            Some(row) => counters_granted(&row, n),
            None => {
                let list = self.get_list(id).await?;
                Ok(list.capacity..list.capacity)
            }
        }
    }

    async fn reserve_owned(
        &self,
        owner: &ReservationOwner,
        id: &StatusListId,
        n: u64,
    ) -> Result<ReservationRecord, StoreError> {
        let ctx = || format!("reserve in status list {id} for {owner}");
        let n = n.min(crate::permutation::MAX_DOMAIN);
        // BEGIN IMMEDIATE takes the write lock before the owner is looked up: a racing caller for
        // the same owner, in any process, waits and then finds this reservation. A failure at any
        // step drops the transaction, counter step included.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_err(e, ctx()))?;
        let held = sqlx::query(&format!(
            "SELECT {RESERVATION_COLUMNS} FROM status_reservations WHERE owner = ?1"
        ))
        .bind(owner.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| map_err(e, ctx()))?;
        if let Some(row) = held {
            tx.commit().await.map_err(|e| map_err(e, ctx()))?;
            return reservation(&row);
        }
        let row = sqlx::query(
            "UPDATE status_lists SET next_counter = next_counter + ?2 \
             WHERE list_id = ?1 AND next_counter < capacity \
             RETURNING next_counter, capacity",
        )
        .bind(id.as_str())
        .bind(to_i64(n)?)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| map_err(e, ctx()))?;
        let counters = match row {
            Some(row) => counters_granted(&row, n)?,
            None => {
                let capacity: i64 =
                    sqlx::query_scalar("SELECT capacity FROM status_lists WHERE list_id = ?1")
                        .bind(id.as_str())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| map_err(e, ctx()))?
                        .ok_or_else(|| not_found(id))?;
                let capacity = to_u64(capacity)?;
                capacity..capacity
            }
        };
        if !counters.is_empty() {
            sqlx::query(
                "INSERT INTO status_reservations (owner, list_id, start_counter, end_counter) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(owner.as_str())
            .bind(id.as_str())
            .bind(to_i64(counters.start)?)
            .bind(to_i64(counters.end)?)
            .execute(&mut *tx)
            .await
            .map_err(|e| map_err(e, ctx()))?;
        }
        tx.commit().await.map_err(|e| map_err(e, ctx()))?;
        Ok(ReservationRecord {
            list: id.clone(),
            counters,
        })
    }

    async fn reservation(
        &self,
        owner: &ReservationOwner,
    ) -> Result<Option<ReservationRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {RESERVATION_COLUMNS} FROM status_reservations WHERE owner = ?1"
        ))
        .bind(owner.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_err(e, format!("read the reservation of {owner}")))?;
        row.as_ref().map(reservation).transpose()
    }

    async fn release_reservation(&self, owner: &ReservationOwner) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM status_reservations WHERE owner = ?1")
            .bind(owner.as_str())
            .execute(&self.pool)
            .await
            .map_err(|e| map_err(e, format!("release the reservation of {owner}")))?;
        Ok(done.rows_affected() > 0)
    }

    async fn set_entries(&self, changes: &[EntryChange]) -> Result<Vec<SetOutcome>, StoreError> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let ctx = || format!("set {} status entries", changes.len());
        // BEGIN IMMEDIATE takes the write lock at once: the batch is checked and applied by one
        // writer, and any failure rolls every change back (the transaction is dropped).
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| map_err(e, ctx()))?;
        let mut outcomes = Vec::with_capacity(changes.len());
        for change in changes {
            outcomes.push(set_one(&mut tx, change).await?);
        }
        tx.commit().await.map_err(|e| map_err(e, ctx()))?;
        Ok(outcomes)
    }

    async fn snapshot(&self, id: &StatusListId) -> Result<ListSnapshot, StoreError> {
        let ctx = || format!("read a snapshot of status list {id}");
        // One read transaction: in WAL mode both queries see the same database state.
        let mut tx = self.pool.begin().await.map_err(|e| map_err(e, ctx()))?;
        let row = sqlx::query(
            "SELECT version, MIN(next_counter, capacity) AS allocated \
             FROM status_lists WHERE list_id = ?1",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| map_err(e, ctx()))?
        .ok_or_else(|| not_found(id))?;
        let version = to_u64(row.try_get("version").map_err(|e| map_err(e, ctx()))?)?;
        let allocated = to_u64(row.try_get("allocated").map_err(|e| map_err(e, ctx()))?)?;
        let rows = sqlx::query(
            "SELECT idx, value FROM status_entries WHERE list_id = ?1 AND value <> 0 ORDER BY idx",
        )
        .bind(id.as_str())
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| map_err(e, ctx()))?;
        tx.commit().await.map_err(|e| map_err(e, ctx()))?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let idx: i64 = row.try_get("idx").map_err(|e| map_err(e, ctx()))?;
            let value: i64 = row.try_get("value").map_err(|e| map_err(e, ctx()))?;
            let value = u8::try_from(value).map_err(|_| corrupt("entry value out of range"))?;
            entries.push((to_u64(idx)?, value));
        }
        Ok(ListSnapshot {
            version,
            allocated,
            entries,
        })
    }
}

/// One change of a batch, inside its transaction.
async fn set_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    change: &EntryChange,
) -> Result<SetOutcome, StoreError> {
    let (id, index, value) = (&change.list, change.index, change.value);
    let ctx = || format!("set entry {index} of status list {id}");
    let row = sqlx::query("SELECT capacity, version FROM status_lists WHERE list_id = ?1")
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| map_err(e, ctx()))?
        .ok_or_else(|| not_found(id))?;
    let capacity = to_u64(row.try_get("capacity").map_err(|e| map_err(e, ctx()))?)?;
    let version = to_u64(row.try_get("version").map_err(|e| map_err(e, ctx()))?)?;
    if index >= capacity {
        return Err(StoreError::new(StoreErrorKind::Conflict, ctx()));
    }
    let old: Option<i64> =
        sqlx::query_scalar("SELECT value FROM status_entries WHERE list_id = ?1 AND idx = ?2")
            .bind(id.as_str())
            .bind(to_i64(index)?)
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| map_err(e, ctx()))?;
    if old.unwrap_or(0) == i64::from(value) {
        return Ok(SetOutcome {
            changed: false,
            version,
        });
    }
    let write = if value == 0 {
        sqlx::query("DELETE FROM status_entries WHERE list_id = ?1 AND idx = ?2")
    } else {
        sqlx::query(
            "INSERT INTO status_entries (list_id, idx, value) VALUES (?1, ?2, ?3) \
             ON CONFLICT (list_id, idx) DO UPDATE SET value = excluded.value",
        )
    };
    write
        .bind(id.as_str())
        .bind(to_i64(index)?)
        .bind(i64::from(value))
        .execute(&mut **tx)
        .await
        .map_err(|e| map_err(e, ctx()))?;
    let version: i64 = sqlx::query_scalar(
        "UPDATE status_lists SET version = version + 1 WHERE list_id = ?1 RETURNING version",
    )
    .bind(id.as_str())
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| map_err(e, ctx()))?;
    Ok(SetOutcome {
        changed: true,
        version: to_u64(version)?,
    })
}
