//! The SQLite backend (features `http` and `sqlite`).

use std::path::Path;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use vc_status::store::StoreError;
use vc_status::StatusEntry;

use super::sql::{decode_entries, encode_entry};
use super::CredentialStatusIndex;

/// A [`CredentialStatusIndex`] in one SQLite file (it may share the file with the issuance queue,
/// the status lists and the pickups), so that `POST /credentials/status` by credential id works
/// after a restart.
///
/// The table `credential_status_index` is migrated on connect; an entry recorded twice
/// is kept once (`INSERT OR IGNORE` on a unique key), and entries come back in the order they
/// were first recorded.
#[derive(Debug, Clone)]
pub struct SqliteCredentialStatusIndex {
    pool: SqlitePool,
}

impl SqliteCredentialStatusIndex {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        Self::from_pool(vc_status::store::sqlite_pool(options).await?).await
    }

    /// Uses an existing pool and migrates its database.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        vc_status::store::migrate::sqlite(
            &pool,
            sqlx::migrate!("./migrations/sqlite/status_index"),
            "migrate the SQLite credential status index schema",
        )
        .await?;
        Ok(Self { pool })
    }
}

#[async_trait]
impl CredentialStatusIndex for SqliteCredentialStatusIndex {
    async fn record(&self, credential_id: &str, entries: &[StatusEntry]) -> Result<(), StoreError> {
        let ctx = "record status entries";
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| StoreError::from_sqlx(e, ctx))?;
        for entry in entries {
            sqlx::query(
                "INSERT OR IGNORE INTO credential_status_index (credential_id, entry) VALUES (?1, ?2)",
            )
            .bind(credential_id)
            .bind(encode_entry(entry)?)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, ctx))?;
        }
        tx.commit().await.map_err(|e| StoreError::from_sqlx(e, ctx))
    }

    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT entry FROM credential_status_index WHERE credential_id = ?1 ORDER BY seq",
        )
        .bind(credential_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "read status entries"))?;
        decode_entries(rows)
    }
}
