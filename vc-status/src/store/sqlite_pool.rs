//! A pool on one SQLite file, as every SQLite store of the workspace opens it (they may share the
//! file).

use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::StoreError;

/// How long a writer waits for another process's write lock before giving up with
/// [`StoreErrorKind::Unavailable`](super::StoreErrorKind::Unavailable).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A pool of four connections with `options` and, on top of them, WAL (readers never wait for
/// the writer), `synchronous = FULL`, foreign keys enforced and a 30 s wait for another process's
/// write lock.
///
/// `FULL` because what the stores commit must survive a power loss, not only a crash: in WAL
/// mode `NORMAL` does not sync the log at each commit, so the last commits can vanish, and with
/// them a status list's allocation counter (indexes already written into signed credentials
/// would be handed out again), an approved request or a ticket marked issued. BENCHMARKS.md has
/// the cost. To run with another setting, build the pool yourself and pass it to the store's
/// `from_pool`.
pub async fn sqlite_pool(options: SqliteConnectOptions) -> Result<SqlitePool, StoreError> {
    let options = options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "connect to SQLite"))
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqliteConnectOptions;

    #[tokio::test]
    async fn every_connection_of_the_pool_syncs_each_commit() {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("stores.db"))
            .create_if_missing(true)
            // What a caller asks for does not weaken what the stores need.
            .synchronous(sqlx::sqlite::SqliteSynchronous::Off)
            .foreign_keys(false);
        let pool = super::sqlite_pool(options).await.unwrap();
        // Hold all four connections at once, so that each one is a fresh one that was checked.
        let mut connections = Vec::new();
        for _ in 0..4 {
            connections.push(pool.acquire().await.unwrap());
        }
        for connection in &mut connections {
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(synchronous, 2, "FULL");
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(mode, "wal");
            let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(foreign_keys, 1);
        }
    }
}
