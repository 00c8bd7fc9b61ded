//! The SQLite exchange store (feature `sqlite`): exchanges in one file shared by several
//! processes.

use std::path::Path;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteRow};
use sqlx::Row;
use time::OffsetDateTime;

use super::error::{StoreError, StoreErrorKind};
use super::id::{ExchangeId, WorkflowId};
use super::record::{to_millis, ExchangeRecord};
use super::sql::{limit, map_err, sequence, Columns, COLUMNS, TABLE};
use super::store::{check_successor, ExchangeStore};

/// An [`ExchangeStore`] in one SQLite file (WAL mode, with a busy timeout).
///
/// An update is one `UPDATE ... WHERE id = ? AND sequence = ?`, atomic under SQLite's write lock:
/// of two writers holding the same sequence, one changes the row and the other changes nothing
/// and gets [`StoreErrorKind::Conflict`]. The table is created on connect; the file can be shared
/// with the issuance queue's and vc-status's stores.
#[derive(Debug, Clone)]
pub struct SqliteExchangeStore {
    pool: SqlitePool,
}

impl SqliteExchangeStore {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true),
        )
        .await
    }

    /// Connects with `options` (WAL mode, `synchronous = FULL` and the busy timeout are set on
    /// top of them) and migrates it.
    pub async fn connect_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        Self::from_pool(vc_status::store::sqlite_pool(options).await?).await
    }

    /// Uses an existing pool and migrates its database.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        vc_status::store::migrate::sqlite(
            &pool,
            sqlx::migrate!("./migrations/sqlite/exchange"),
            "migrate the SQLite exchanges schema",
        )
        .await?;
        Ok(Self { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

fn record(row: &SqliteRow) -> Result<ExchangeRecord, StoreError> {
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
impl ExchangeStore for SqliteExchangeStore {
    async fn insert(&self, r: &ExchangeRecord) -> Result<(), StoreError> {
        let c = Columns::of(r)?;
        sqlx::query(&format!(
            "INSERT INTO {TABLE} ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
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
            "SELECT {COLUMNS} FROM {TABLE} WHERE id = ?1 AND workflow_id = ?2"
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
            "UPDATE {TABLE} SET sequence = ?1, expires = ?2, state = ?3, data = ?4 \
             WHERE id = ?5 AND workflow_id = ?6 AND sequence = ?7"
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
            "SELECT sequence FROM {TABLE} WHERE id = ?1 AND workflow_id = ?2"
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
             (SELECT id FROM {TABLE} WHERE expires <= ?1 ORDER BY expires LIMIT ?2)"
        ))
        .bind(to_millis(before))
        .bind(limit(n))
        .execute(&self.pool)
        .await
        .map_err(|e| map_err(e, "purge expired exchanges"))?;
        Ok(done.rows_affected())
    }
}
