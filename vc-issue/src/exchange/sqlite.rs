//! The SQLite exchange store (feature `sqlite`): exchanges in one file shared by several
//! processes.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteRow};

use super::error::StoreError;

/// An [`ExchangeStore`](super::ExchangeStore) in one SQLite file (WAL mode, with a busy timeout).
///
/// An update is one `UPDATE ... WHERE id = ? AND sequence = ?`, atomic under SQLite's write lock:
/// of two writers holding the same sequence, one changes the row and the other changes nothing
/// and gets [`StoreErrorKind::Conflict`](super::StoreErrorKind::Conflict). The table is
/// migrated on connect; the file can be shared
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

super::sql_store::sql_exchange_store!(SqliteExchangeStore, SqliteRow, purge_lock = "");
