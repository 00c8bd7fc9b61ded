//! The [`ExchangeStore`](super::ExchangeStore) of both SQL backends: one body, with the
//! statements written once (`$N` placeholders, which SQLite reads too); the backends differ only
//! in the clause that locks the rows a purge takes.

/// Implements `ExchangeStore` for `$store` (a struct with a `pool` of the backend), reading rows
/// of type `$row`; `$purge_lock` is appended to the purge's subquery.
macro_rules! sql_exchange_store {
    ($store:ty, $row:ty, purge_lock = $purge_lock:literal) => {
        fn record(row: &$row) -> Result<super::record::ExchangeRecord, super::error::StoreError> {
            use sqlx::Row;
            let columns = (|| {
                Ok::<_, sqlx::Error>(super::sql::Columns {
                    id: row.try_get("id")?,
                    workflow_id: row.try_get("workflow_id")?,
                    sequence: row.try_get("sequence")?,
                    expires: row.try_get("expires")?,
                    state: row.try_get("state")?,
                    data: row.try_get("data")?,
                })
            })()
            .map_err(|e| super::sql::map_err(e, "read an exchange row"))?;
            columns.into_record()
        }

        #[async_trait::async_trait]
        impl super::store::ExchangeStore for $store {
            async fn insert(
                &self,
                r: &super::record::ExchangeRecord,
            ) -> Result<(), super::error::StoreError> {
                use super::sql::{map_err, Columns, COLUMNS, TABLE};
                let c = Columns::of(r)?;
                sqlx::query(&format!(
                    "INSERT INTO {TABLE} ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(&c.id)
                .bind(&c.workflow_id)
                .bind(c.sequence)
                .bind(c.expires)
                .bind(&c.state)
                .bind(&c.data)
                .execute(&self.pool)
                .await
                .map_err(|e| map_err(e, format!("insert exchange {}", c.id)))?;
                Ok(())
            }

            async fn get(
                &self,
                workflow: &super::id::WorkflowId,
                id: &super::id::ExchangeId,
            ) -> Result<Option<super::record::ExchangeRecord>, super::error::StoreError> {
                use super::sql::{map_err, COLUMNS, TABLE};
                let row = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM {TABLE} WHERE id = $1 AND workflow_id = $2"
                ))
                .bind(id.as_str())
                .bind(workflow.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_err(e, format!("read exchange {id}")))?;
                row.as_ref().map(record).transpose()
            }

            async fn update(
                &self,
                r: &super::record::ExchangeRecord,
                expected_sequence: u64,
            ) -> Result<(), super::error::StoreError> {
                use super::error::{StoreError, StoreErrorKind};
                use super::sql::{map_err, sequence, Columns, TABLE};
                super::store::check_successor(r, expected_sequence)?;
                let c = Columns::of(r)?;
                let done = sqlx::query(&format!(
                    "UPDATE {TABLE} SET sequence = $1, expires = $2, state = $3, data = $4 \
                     WHERE id = $5 AND workflow_id = $6 AND sequence = $7"
                ))
                .bind(c.sequence)
                .bind(c.expires)
                .bind(&c.state)
                .bind(&c.data)
                .bind(&c.id)
                .bind(&c.workflow_id)
                .bind(sequence(expected_sequence)?)
                .execute(&self.pool)
                .await
                .map_err(|e| map_err(e, format!("update exchange {}", c.id)))?;
                if done.rows_affected() == 1 {
                    return Ok(());
                }
                let exists: Option<i64> = sqlx::query_scalar(&format!(
                    "SELECT sequence FROM {TABLE} WHERE id = $1 AND workflow_id = $2"
                ))
                .bind(&c.id)
                .bind(&c.workflow_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_err(e, format!("read exchange {}", c.id)))?;
                Err(match exists {
                    Some(_) => StoreError::new(
                        StoreErrorKind::Conflict,
                        format!("exchange {} changed concurrently", c.id),
                    ),
                    None => StoreError::new(StoreErrorKind::NotFound, format!("exchange {}", c.id)),
                })
            }

            async fn purge_expired(
                &self,
                before: time::OffsetDateTime,
                n: usize,
            ) -> Result<u64, super::error::StoreError> {
                use super::sql::{limit, map_err, TABLE};
                let done = sqlx::query(&format!(
                    "DELETE FROM {TABLE} WHERE id IN \
                     (SELECT id FROM {TABLE} WHERE expires <= $1 ORDER BY expires LIMIT $2{})",
                    $purge_lock
                ))
                .bind(super::record::to_millis(before))
                .bind(limit(n))
                .execute(&self.pool)
                .await
                .map_err(|e| map_err(e, "purge expired exchanges"))?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(super) use sql_exchange_store;
