//! The SQLite backend (feature `sqlite`).

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use vc_status::store::StoreError;

/// A [`PickupStore`](super::PickupStore) in one SQLite file (it may share the file with the issuance queue and the
/// status lists).
///
/// The table `credential_pickups` is migrated on connect. A take is one
/// `DELETE ... RETURNING`, atomic under SQLite's write lock, so one token yields its credential
/// once even when processes race.
#[derive(Debug, Clone)]
pub struct SqlitePickupStore {
    pool: SqlitePool,
}

impl SqlitePickupStore {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true),
        )
        .await
    }

    /// Connects with `options` (WAL mode, `synchronous = FULL` and a busy timeout are set on top
    /// of them) and migrates it.
    pub async fn connect_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        Self::from_pool(vc_status::store::sqlite_pool(options).await?).await
    }

    /// Uses an existing pool and migrates its database.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        vc_status::store::migrate::sqlite(
            &pool,
            sqlx::migrate!("./migrations/sqlite/pickup"),
            "migrate the SQLite pickup schema",
        )
        .await?;
        Ok(Self { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

super::sql_store::sql_pickup_store!(SqlitePickupStore);
