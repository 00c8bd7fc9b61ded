//! Every backend runs the public conformance suite.

use std::sync::Arc;

use vc_status::store::MemoryStore;
use vc_status::testing::run_conformance;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_conforms() {
    run_conformance(Arc::new(MemoryStore::new())).await.unwrap();
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = vc_status::store::SqliteStore::open(dir.path().join("status.db"))
        .await
        .unwrap();
    run_conformance(Arc::new(store)).await.unwrap();
    // Reopening runs the (already applied) migrations again and sees the same data.
    let again = vc_status::store::SqliteStore::open(dir.path().join("status.db"))
        .await
        .unwrap();
    run_conformance(Arc::new(again)).await.unwrap();
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_uses_wal() {
    let dir = tempfile::tempdir().unwrap();
    let store = vc_status::store::SqliteStore::open(dir.path().join("wal.db"))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

/// `synchronous = FULL` (2) on every connection, whatever the caller's options said: in WAL mode
/// `NORMAL` can lose the last commits on power loss, allocation counter included.
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_syncs_every_commit() {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("full.db"))
        .create_if_missing(true)
        .synchronous(SqliteSynchronous::Normal);
    let store = vc_status::store::SqliteStore::connect_with(options)
        .await
        .unwrap();
    // All four connections held at once: each was opened with the pragma.
    let mut connections = Vec::new();
    for _ in 0..4 {
        connections.push(store.pool().acquire().await.unwrap());
    }
    for connection in &mut connections {
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut **connection)
            .await
            .unwrap();
        assert_eq!(synchronous, 2);
    }
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_conforms() {
    let Some(url) = crate::support::postgres_url() else {
        return;
    };
    let schema = crate::support::unique_schema("conf");
    let store = vc_status::store::PostgresStore::connect_with_schema(&url, &schema)
        .await
        .unwrap();
    let result = run_conformance(Arc::new(store.clone())).await;
    store.pool().close().await;
    crate::support::drop_schema(&url, &schema).await;
    result.unwrap();
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_bad_url_or_schema_is_a_typed_error() {
    use vc_status::store::{PostgresStore, StoreErrorKind};
    let err = PostgresStore::connect_with_schema("postgres://localhost/x", "Bad-Schema")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Internal);
    // Nothing listens on port 1.
    let err = PostgresStore::connect("postgres://postgres@127.0.0.1:1/test")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Unavailable);
}
