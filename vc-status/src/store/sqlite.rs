//! The SQLite backend (feature `sqlite`): the embedded default.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteRow};

use super::StoreError;

/// A [`StatusListStore`](super::StatusListStore) in one SQLite file, shared safely by several
/// processes.
///
/// The database runs in WAL mode with a busy timeout. The allocation counter is advanced by a
/// single `UPDATE ... RETURNING` (atomic under SQLite's write lock); owned reservations and entry
/// updates run in `BEGIN IMMEDIATE` transactions, so concurrent writers queue instead of losing
/// updates. The schema migrations ship with the crate and run on connect.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true),
        )
        .await
    }

    /// Connects with `options` (WAL mode, `synchronous = FULL`, foreign keys and the busy
    /// timeout are set on top of them) and migrates the database.
    ///
    /// `FULL`, because the allocation counter lives here: in WAL mode `NORMAL` does not sync the
    /// log at each commit, so a power loss (not a crash of the process, which `NORMAL` survives)
    /// can roll back the last commits, counter included, and indexes already written into signed
    /// credentials would be handed out again. `FULL` syncs the log at every commit; its cost is
    /// in BENCHMARKS.md. To measure or run with another setting, build the pool yourself and
    /// pass it to [`from_pool`](Self::from_pool).
    pub async fn connect_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        Self::from_pool(super::sqlite_pool(options).await?).await
    }

    /// Uses an existing pool and migrates its database.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        super::migrate::sqlite(
            &pool,
            sqlx::migrate!("./migrations/sqlite"),
            "migrate the SQLite status list schema",
        )
        .await?;
        Ok(SqliteStore { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

super::sql_store::sql_status_list_store!(
    SqliteStore,
    sqlx::Sqlite,
    SqliteRow,
    write_begin = "BEGIN IMMEDIATE",
    read_begin = "BEGIN",
    lock = ""
);
