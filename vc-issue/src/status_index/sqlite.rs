//! The SQLite backend (features `http` and `sqlite`).

use std::path::Path;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use vc_status::StatusEntry;

use super::sql::{decode_entries, encode_entry, sql_error};
use super::{CredentialStatusIndex, StatusIndexError};

const CREATE: &str = "\
CREATE TABLE IF NOT EXISTS credential_status_index (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    credential_id TEXT NOT NULL,
    entry TEXT NOT NULL,
    UNIQUE (credential_id, entry)
);";

/// A [`CredentialStatusIndex`] in one SQLite file (it may share the file with the issuance queue,
/// the status lists and the pickups), so that `POST /credentials/status` by credential id works
/// after a restart.
///
/// The table `credential_status_index` is created on connect if missing; an entry recorded twice
/// is kept once (`INSERT OR IGNORE` on a unique key), and entries come back in the order they
/// were first recorded.
#[derive(Debug, Clone)]
pub struct SqliteCredentialStatusIndex {
    pool: SqlitePool,
}

impl SqliteCredentialStatusIndex {
    /// Opens (creating if missing) the database file at `path` and creates the table.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StatusIndexError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        let pool = crate::queue::sql::sqlite_pool(options)
            .await
            .map_err(|e| sql_error(e, "connect to SQLite"))?;
        Self::from_pool(pool).await
    }

    /// Uses an existing pool and creates the table.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StatusIndexError> {
        sqlx::raw_sql(CREATE)
            .execute(&pool)
            .await
            .map_err(|e| sql_error(e, "create the credential status index table"))?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl CredentialStatusIndex for SqliteCredentialStatusIndex {
    async fn record(
        &self,
        credential_id: &str,
        entries: &[StatusEntry],
    ) -> Result<(), StatusIndexError> {
        let ctx = "record status entries";
        let mut tx = self.pool.begin().await.map_err(|e| sql_error(e, ctx))?;
        for entry in entries {
            sqlx::query(
                "INSERT OR IGNORE INTO credential_status_index (credential_id, entry) VALUES (?1, ?2)",
            )
            .bind(credential_id)
            .bind(encode_entry(entry)?)
            .execute(&mut *tx)
            .await
            .map_err(|e| sql_error(e, ctx))?;
        }
        tx.commit().await.map_err(|e| sql_error(e, ctx))
    }

    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StatusIndexError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT entry FROM credential_status_index WHERE credential_id = ?1 ORDER BY seq",
        )
        .bind(credential_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| sql_error(e, "read status entries"))?;
        decode_entries(rows)
    }
}
