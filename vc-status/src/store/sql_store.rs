//! The [`StatusListStore`](super::StatusListStore) of both SQL backends: one body, with the
//! statements written once (`$N` placeholders, which SQLite reads too). The backends differ only
//! in how a transaction begins and whether rows are locked:
//!
//! - SQLite: writers begin with `BEGIN IMMEDIATE`, which takes the database's write lock at once,
//!   so that concurrent writers (in any process) queue; nothing else is locked. A snapshot is one
//!   read transaction (in WAL mode both of its queries see the same state).
//! - PostgreSQL: writers lock the list rows they change (`SELECT ... FOR UPDATE`), in one order
//!   (by id), so that two batches never wait on each other; a snapshot reads in one
//!   `REPEATABLE READ` transaction.
//!
//! Owned reservations look the owner up, step the counter and record the owner in one
//! transaction; two callers for one owner that both miss the lookup (PostgreSQL only: SQLite's
//! write lock orders them) are told apart by the owner's primary key, and the loser tries again
//! and finds the winner's reservation.

/// Implements `StatusListStore` for `$store` (a struct with a `pool` of database `$db`, whose
/// rows are `$row`). `$write_begin` and `$read_begin` begin a writing and a snapshot
/// transaction; `$lock` is appended to the reads that must lock a list row.
macro_rules! sql_status_list_store {
    (
        $store:ty,
        $db:ty,
        $row:ty,
        write_begin = $write_begin:literal,
        read_begin = $read_begin:literal,
        lock = $lock:literal
    ) => {
        use std::ops::Range;

        use sqlx::Row;

        use super::sql::{
            corrupt, granted, map_err, to_i64, to_u64, ListColumns, ReservationColumns,
            LIST_COLUMNS, OWNER_RACE_ATTEMPTS, RESERVATION_COLUMNS, STEP_COUNTER,
        };
        use super::{
            EntryChange, ListRecord, ListSnapshot, ReservationRecord, SetOutcome,
            StatusListStore, StoreErrorKind,
        };
        use crate::{ReservationOwner, StatusListId};

        fn list_columns(row: &$row) -> Result<ListColumns, sqlx::Error> {
            Ok(ListColumns {
                list_id: row.try_get("list_id")?,
                series: row.try_get("series")?,
                sequence: row.try_get("sequence")?,
                purpose: row.try_get("purpose")?,
                status_size: i64::from(row.try_get::<i16, _>("status_size")?),
                capacity: row.try_get("capacity")?,
                seed: row.try_get("seed")?,
                created_at: row.try_get("created_at")?,
            })
        }

        fn record(row: &$row) -> Result<ListRecord, StoreError> {
            list_columns(row)
                .map_err(|e| map_err(e, "read a status list row"))?
                .into_record()
        }

        fn not_found(id: &StatusListId) -> StoreError {
            StoreError::new(StoreErrorKind::NotFound, format!("status list {id}"))
        }

        #[async_trait::async_trait]
        impl StatusListStore for $store {
            async fn create_list(&self, list: &ListRecord) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO status_lists \
                     (list_id, series, sequence, purpose, status_size, capacity, seed, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(list.id.as_str())
                .bind(&list.series)
                .bind(to_i64(list.sequence)?)
                .bind(list.purpose.as_str())
                .bind(i16::from(list.status_size.bits()))
                .bind(to_i64(list.capacity)?)
                .bind(&list.seed[..])
                .bind(list.created_at.unix_timestamp())
                .execute(&self.pool)
                .await
                .map_err(|e| map_err(e, format!("create status list {}", list.id)))?;
                Ok(())
            }

            async fn get_list(&self, id: &StatusListId) -> Result<ListRecord, StoreError> {
                let sql = format!("SELECT {LIST_COLUMNS} FROM status_lists WHERE list_id = $1");
                let row = self
                    .row_by(&sql, id.as_str(), || format!("read status list {id}"))
                    .await?;
                record(&row.ok_or_else(|| not_found(id))?)
            }

            async fn latest_list(&self, series: &str) -> Result<Option<ListRecord>, StoreError> {
                let sql = format!(
                    "SELECT {LIST_COLUMNS} FROM status_lists WHERE series = $1 \
                     ORDER BY sequence DESC LIMIT 1"
                );
                let row = self
                    .row_by(&sql, series, || format!("find the latest list of {series}"))
                    .await?;
                row.as_ref().map(record).transpose()
            }

            async fn reserve(&self, id: &StatusListId, n: u64) -> Result<Range<u64>, StoreError> {
                // Capacities are at most 2^62, so counter + n stays below 2^63.
                let n = n.min(crate::permutation::MAX_DOMAIN);
                let row = sqlx::query(STEP_COUNTER)
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
                let mut attempt = 1;
                loop {
                    match self.try_reserve_owned(owner, id, n).await {
                        // Another caller for the same owner committed first: its transaction holds the
                        // owner's key, ours rolled back (counter step included). The next try returns
                        // the winner's reservation.
                        Err(e)
                            if e.kind() == StoreErrorKind::AlreadyExists
                                && attempt < OWNER_RACE_ATTEMPTS =>
                        {
                            attempt += 1
                        }
                        result => return result,
                    }
                }
            }

            async fn reservation(
                &self,
                owner: &ReservationOwner,
            ) -> Result<Option<ReservationRecord>, StoreError> {
                let sql = format!(
                    "SELECT {RESERVATION_COLUMNS} FROM status_reservations \
                     WHERE owner = $1 AND NOT settled"
                );
                let row = self
                    .row_by(&sql, owner.as_str(), || format!("read the reservation of {owner}"))
                    .await?;
                row.as_ref().map(reservation).transpose()
            }

            async fn release_reservation(&self, owner: &ReservationOwner) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "UPDATE status_reservations SET settled = TRUE WHERE owner = $1 AND NOT settled",
                )
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
                let mut tx = self
                    .pool
                    .begin_with($write_begin)
                    .await
                    .map_err(|e| map_err(e, ctx()))?;
                // The lists are locked in one order (by id) before any change, so that two batches
                // touching the same lists never wait on each other; any failure rolls every change back
                // (the transaction is dropped).
                let mut ids: Vec<&StatusListId> = changes.iter().map(|c| &c.list).collect();
                ids.sort();
                ids.dedup();
                for id in ids {
                    sqlx::query(&format!("SELECT 1 FROM status_lists WHERE list_id = $1{}", $lock))
                        .bind(id.as_str())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| map_err(e, ctx()))?
                        .ok_or_else(|| not_found(id))?;
                }
                let mut outcomes = Vec::with_capacity(changes.len());
                for change in changes {
                    outcomes.push(set_one(&mut tx, change).await?);
                }
                tx.commit().await.map_err(|e| map_err(e, ctx()))?;
                Ok(outcomes)
            }

            async fn snapshot(&self, id: &StatusListId) -> Result<ListSnapshot, StoreError> {
                let ctx = || format!("read a snapshot of status list {id}");
                let mut tx = self
                    .pool
                    .begin_with($read_begin)
                    .await
                    .map_err(|e| map_err(e, ctx()))?;
                let row = sqlx::query(
                    "SELECT version, CASE WHEN next_counter < capacity THEN next_counter ELSE capacity END AS allocated \
                     FROM status_lists WHERE list_id = $1",
                )
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| map_err(e, ctx()))?
                .ok_or_else(|| not_found(id))?;
                let version = to_u64(row.try_get("version").map_err(|e| map_err(e, ctx()))?)?;
                let allocated = to_u64(row.try_get("allocated").map_err(|e| map_err(e, ctx()))?)?;
                let rows = sqlx::query(
                    "SELECT idx, value FROM status_entries WHERE list_id = $1 AND value <> 0 ORDER BY idx",
                )
                .bind(id.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| map_err(e, ctx()))?;
                tx.commit().await.map_err(|e| map_err(e, ctx()))?;
                let mut entries = Vec::with_capacity(rows.len());
                for row in rows {
                    let idx: i64 = row.try_get("idx").map_err(|e| map_err(e, ctx()))?;
                    let value: i16 = row.try_get("value").map_err(|e| map_err(e, ctx()))?;
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

        impl $store {
            /// The row that `sql` selects by its one parameter, `key`, if any; `what` says what
            /// was read when the database fails.
            async fn row_by(
                &self,
                sql: &str,
                key: &str,
                what: impl FnOnce() -> String,
            ) -> Result<Option<$row>, StoreError> {
                sqlx::query(sql)
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| map_err(e, what()))
            }

            /// One try of [`reserve_owned`](StatusListStore::reserve_owned): the owner's lookup, the
            /// counter step and the owner's record in one transaction. Two callers for one owner may
            /// both miss the lookup; the counter's row lock orders their steps and the owner's primary
            /// key fails the later insert, whose transaction then rolls back.
            async fn try_reserve_owned(
                &self,
                owner: &ReservationOwner,
                id: &StatusListId,
                n: u64,
            ) -> Result<ReservationRecord, StoreError> {
                let ctx = || format!("reserve in status list {id} for {owner}");
                let n = n.min(crate::permutation::MAX_DOMAIN);
                let mut tx = self
                    .pool
                    .begin_with($write_begin)
                    .await
                    .map_err(|e| map_err(e, ctx()))?;
                let held = sqlx::query(&format!(
                    "SELECT {RESERVATION_COLUMNS} FROM status_reservations WHERE owner = $1"
                ))
                .bind(owner.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| map_err(e, ctx()))?;
                // Held or settled, the owner's counters are the owner's: never a second index.
                if let Some(row) = held {
                    tx.commit().await.map_err(|e| map_err(e, ctx()))?;
                    return reservation(&row);
                }
                let row = sqlx::query(STEP_COUNTER)
                    .bind(id.as_str())
                    .bind(to_i64(n)?)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| map_err(e, ctx()))?;
                let counters = match row {
                    Some(row) => counters_granted(&row, n)?,
                    None => {
                        let capacity: i64 =
                            sqlx::query_scalar("SELECT capacity FROM status_lists WHERE list_id = $1")
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
                         VALUES ($1, $2, $3, $4)",
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
        }

        /// The counters of a reservation of `n`, from the row its counter step returned.
        fn counters_granted(row: &$row, n: u64) -> Result<Range<u64>, StoreError> {
            let next = row
                .try_get("next_counter")
                .map_err(|e| map_err(e, "read"))?;
            let capacity = row.try_get("capacity").map_err(|e| map_err(e, "read"))?;
            granted(next, capacity, n)
        }

        fn reservation(row: &$row) -> Result<ReservationRecord, StoreError> {
            let read = |e| map_err(e, "read a status reservation row");
            ReservationColumns {
                list_id: row.try_get("list_id").map_err(read)?,
                start_counter: row.try_get("start_counter").map_err(read)?,
                end_counter: row.try_get("end_counter").map_err(read)?,
            }
            .into_record()
        }

        /// One change of a batch, inside its transaction.
        async fn set_one(
            tx: &mut sqlx::Transaction<'_, $db>,
            change: &EntryChange,
        ) -> Result<SetOutcome, StoreError> {
            let (id, index, value) = (&change.list, change.index, change.value);
            let ctx = || format!("set entry {index} of status list {id}");
            let row =
                sqlx::query(&format!(
                    "SELECT capacity, version FROM status_lists WHERE list_id = $1{}",
                    $lock
                ))
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
            let old: Option<i16> =
                sqlx::query_scalar("SELECT value FROM status_entries WHERE list_id = $1 AND idx = $2")
                    .bind(id.as_str())
                    .bind(to_i64(index)?)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(|e| map_err(e, ctx()))?;
            if old.unwrap_or(0) == i16::from(value) {
                return Ok(SetOutcome {
                    changed: false,
                    version,
                });
            }
            let write = if value == 0 {
                sqlx::query("DELETE FROM status_entries WHERE list_id = $1 AND idx = $2")
            } else {
                sqlx::query(
                    "INSERT INTO status_entries (list_id, idx, value) VALUES ($1, $2, $3) \
                     ON CONFLICT (list_id, idx) DO UPDATE SET value = EXCLUDED.value",
                )
            };
            write
                .bind(id.as_str())
                .bind(to_i64(index)?)
                .bind(i16::from(value))
                .execute(&mut **tx)
                .await
                .map_err(|e| map_err(e, ctx()))?;
            let version: i64 = sqlx::query_scalar(
                "UPDATE status_lists SET version = version + 1 WHERE list_id = $1 RETURNING version",
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
    };
}

pub(super) use sql_status_list_store;
