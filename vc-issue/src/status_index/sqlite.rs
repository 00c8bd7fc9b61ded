//! The SQLite backend (features `http` and `sqlite`).

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use vc_status::store::StoreError;

/// A [`CredentialStatusIndex`](super::CredentialStatusIndex) in one SQLite file (it may share the file with the issuance queue,
/// the status lists and the pickups), so that `POST /credentials/status` by credential id works
/// after a restart.
///
/// The table `credential_status_index` is migrated on connect; an entry recorded twice
/// is kept once (`ON CONFLICT DO NOTHING` on a unique key), and entries come back in the order they
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

super::sql_store::sql_status_index!(SqliteCredentialStatusIndex);
