//! The [`IssuanceStore`](super::IssuanceStore) of both SQL backends: one body, with the
//! statements written once (`$N` placeholders, which SQLite reads too). The backends differ only
//! in how a claim takes its rows (SQLite: one `UPDATE ... WHERE seq IN (...)` under the write
//! lock; PostgreSQL: `FOR UPDATE SKIP LOCKED`, so that concurrent workers skip each other's rows),
//! which each passes in.

/// Implements `IssuanceStore` for `$store` (a struct with a `pool` of the backend), reading rows
/// of type `$row`; `$claim` is the claim statement (binds: lease token, worker, lease end, now,
/// limit; returns the claimed rows).
macro_rules! sql_issuance_store {
    ($store:ty, $row:ty, claim = $claim:expr) => {
        use sqlx::Row;
        use time::OffsetDateTime;

        use super::error::StoreErrorKind;
        use super::sql::{corrupt, map_err, Columns, COLUMNS};
        use super::state::{to_millis, Lease, TicketId, TicketRecord, TicketState};
        use super::store::{Inserted, IssuanceStore};

        fn columns(row: &$row) -> Result<Columns, sqlx::Error> {
            Ok(Columns {
                id: row.try_get("id")?,
                state: row.try_get("state")?,
                version: row.try_get("version")?,
                lease_token: row.try_get("lease_token")?,
                lease_worker: row.try_get("lease_worker")?,
                lease_until: row.try_get("lease_until")?,
                attempts: row.try_get("attempts")?,
                deadline: row.try_get("deadline")?,
                data: row.try_get("data")?,
            })
        }

        type Query<'q> = sqlx::query::Query<
            'q,
            <$row as Row>::Database,
            <<$row as Row>::Database as sqlx::Database>::Arguments<'q>,
        >;

        /// Binds what a write sets after the state, in the order both statements name it: the
        /// lease (token, worker, end), the attempts, the deadline and the data.
        fn bind_progress<'q>(query: Query<'q>, v: &'q Columns) -> Query<'q> {
            query
                .bind(&v.lease_token)
                .bind(&v.lease_worker)
                .bind(v.lease_until)
                .bind(v.attempts)
                .bind(v.deadline)
                .bind(&v.data)
        }

        fn record(row: &$row) -> Result<TicketRecord, StoreError> {
            columns(row)
                .map_err(|e| map_err(e, "read a ticket row"))?
                .into_record()
        }

        fn limit(n: usize) -> i64 {
            i64::try_from(n).unwrap_or(i64::MAX)
        }

        #[async_trait::async_trait]
        impl IssuanceStore for $store {
            async fn insert(&self, r: &TicketRecord) -> Result<Inserted, StoreError> {
                let mut stored = r.clone();
                stored.version = 0;
                let v = Columns::of(&stored)?;
                let inserted = sqlx::query(
                    "INSERT INTO issuance_tickets (id, state, version, idempotency_key, lease_token, \
                     lease_worker, lease_until, attempts, deadline, data) \
                     VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(r.id.as_str())
                .bind(&v.state)
                .bind(r.idempotency_key.as_deref());
                let inserted = bind_progress(inserted, &v).execute(&self.pool).await;
                match inserted {
                    Ok(_) => Ok(Inserted::New),
                    Err(e) => {
                        let e = map_err(e, format!("insert ticket {}", r.id));
                        let Some(key) = r.idempotency_key.as_deref() else {
                            return Err(e);
                        };
                        if e.kind() != StoreErrorKind::AlreadyExists {
                            return Err(e);
                        }
                        let row = sqlx::query(&format!(
                            "SELECT {COLUMNS} FROM issuance_tickets WHERE idempotency_key = $1"
                        ))
                        .bind(key)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| map_err(e, "read a ticket by idempotency key"))?;
                        match row {
                            Some(row) => Ok(Inserted::Existing(Box::new(record(&row)?))),
                            None => Err(e),
                        }
                    }
                }
            }

            async fn get(&self, id: &TicketId) -> Result<Option<TicketRecord>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM issuance_tickets WHERE id = $1"
                ))
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_err(e, format!("read ticket {id}")))?;
                row.as_ref().map(record).transpose()
            }

            async fn update(&self, r: &TicketRecord) -> Result<u64, StoreError> {
                let v = Columns::of(r)?;
                let done = sqlx::query(
                    "UPDATE issuance_tickets SET state = $1, version = version + 1, lease_token = $2, \
                     lease_worker = $3, lease_until = $4, attempts = $5, deadline = $6, data = $7 \
                     WHERE id = $8 AND version = $9",
                )
                .bind(&v.state);
                let done = bind_progress(done, &v)
                    .bind(r.id.as_str())
                    .bind(v.version)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| map_err(e, format!("update ticket {}", r.id)))?;
                if done.rows_affected() == 1 {
                    return Ok(r.version + 1);
                }
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM issuance_tickets WHERE id = $1")
                        .bind(r.id.as_str())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| map_err(e, format!("read ticket {}", r.id)))?;
                Err(match exists {
                    Some(_) => StoreError::new(
                        StoreErrorKind::Conflict,
                        format!("ticket {} changed concurrently", r.id),
                    ),
                    None => StoreError::new(StoreErrorKind::NotFound, format!("ticket {}", r.id)),
                })
            }

            async fn claim(
                &self,
                now: OffsetDateTime,
                lease: &Lease,
                n: usize,
            ) -> Result<Vec<TicketRecord>, StoreError> {
                if n == 0 {
                    return Ok(Vec::new());
                }
                let rows = sqlx::query(&$claim)
                .bind(&lease.token)
                .bind(&lease.worker)
                .bind(to_millis(lease.until))
                .bind(to_millis(now))
                .bind(limit(n))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_err(e, "claim tickets"))?;
                rows.iter().map(record).collect()
            }

            async fn overdue(
                &self,
                now: OffsetDateTime,
                n: usize,
            ) -> Result<Vec<TicketRecord>, StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM issuance_tickets \
                     WHERE state IN ('pending_approval', 'needs_information') \
                     AND deadline IS NOT NULL AND deadline <= $1 ORDER BY seq LIMIT $2"
                ))
                .bind(to_millis(now))
                .bind(limit(n))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| map_err(e, "find overdue tickets"))?;
                rows.iter().map(record).collect()
            }

            async fn count(&self, state: TicketState) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM issuance_tickets WHERE state = $1")
                    .bind(state.as_str())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| map_err(e, "count tickets"))?;
                u64::try_from(n).map_err(|_| corrupt("negative count"))
            }
        }
    };
}

pub(super) use sql_issuance_store;
