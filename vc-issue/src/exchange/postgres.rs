//! The PostgreSQL exchange store (feature `postgres`): exchanges shared by service instances on
//! several machines.

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::Row;
use time::OffsetDateTime;

use super::error::{StoreError, StoreErrorKind};
use super::id::{ExchangeId, WorkflowId};
use super::record::{to_millis, ExchangeRecord};
use super::sql::{limit, map_err, sequence, Columns, COLUMNS, TABLE};
use super::store::{check_successor, ExchangeStore};

/// The schema the exchanges table lives in unless told otherwise (the issuance queue's).
pub const DEFAULT_SCHEMA: &str = "vc_issue";

/// An [`ExchangeStore`] in PostgreSQL.
///
/// The table lives in its own schema (`vc_issue` by default) and is created on connect, under a
/// transaction-scoped advisory lock so that instances starting together do not collide. An update
/// is one `UPDATE ... WHERE id = $ AND sequence = $`: under PostgreSQL's row locking, of two
/// writers holding the same sequence exactly one matches the row.
#[derive(Debug, Clone)]
pub struct PostgresExchangeStore {
    pool: PgPool,
}

impl PostgresExchangeStore {
    /// Connects to `url` and creates the `vc_issue` schema and the table if needed.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Like [`connect`](Self::connect), with the table in `schema` (lowercase letters, digits
    /// and `_`, at most 63 bytes).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let pool = vc_status::store::postgres_pool(url, schema).await?;
        vc_status::store::migrate::postgres(
            &pool,
            sqlx::migrate!("./migrations/postgres/exchange"),
            "migrate the exchanges schema",
        )
        .await?;
        Ok(Self { pool })
    }

    /// The connection pool (its `search_path` is the store's schema).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn record(row: &PgRow) -> Result<ExchangeRecord, StoreError> {
    let columns = (|| {
        Ok::<_, sqlx::Error>(Columns {
            id: row.try_get("id")?,
            workflow_id: row.try_get("workflow_id")?,
            sequence: row.try_get("sequence")?,
            expires: row.try_get("expires")?,
            state: row.try_get("state")?,
            data: row.try_get("data")?,
        })
    })()
    .map_err(|e| map_err(e, "read an exchange row"))?;
    columns.into_record()
}

#[async_trait]
impl ExchangeStore for PostgresExchangeStore {
    async fn insert(&self, r: &ExchangeRecord) -> Result<(), StoreError> {
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
        workflow: &WorkflowId,
        id: &ExchangeId,
    ) -> Result<Option<ExchangeRecord>, StoreError> {
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

    async fn update(&self, r: &ExchangeRecord, expected_sequence: u64) -> Result<(), StoreError> {
        check_successor(r, expected_sequence)?;
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

    async fn purge_expired(&self, before: OffsetDateTime, n: usize) -> Result<u64, StoreError> {
        let done = sqlx::query(&format!(
            "DELETE FROM {TABLE} WHERE id IN \
             (SELECT id FROM {TABLE} WHERE expires <= $1 ORDER BY expires LIMIT $2 \
              FOR UPDATE SKIP LOCKED)"
        ))
        .bind(to_millis(before))
        .bind(limit(n))
        .execute(&self.pool)
        .await
        .map_err(|e| map_err(e, "purge expired exchanges"))?;
        Ok(done.rows_affected())
    }
}
