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
    let Some(url) = vc_status::testing::postgres::url() else {
        return;
    };
    let schema = vc_status::testing::postgres::unique_schema("vc_status_test", "conf");
    let store = vc_status::store::PostgresStore::connect_with_schema(&url, &schema)
        .await
        .unwrap();
    let result = run_conformance(Arc::new(store.clone())).await;
    store.pool().close().await;
    vc_status::testing::postgres::drop_schemas(&url, &[&schema])
        .await
        .unwrap();
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

/// A migrator holding only the first migration of `backend`: the schema before owned reservations.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn first_schema(backend: &str, dir: &std::path::Path) -> sqlx::migrate::Migrator {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
        .join("20250601000001_status_lists.sql");
    std::fs::copy(&from, dir.join("20250601000001_status_lists.sql")).unwrap();
    sqlx::migrate::Migrator::new(dir).await.unwrap()
}

/// A database made by the previous schema upgrades on connect: its lists and counters are kept and
/// owned reservations work on them.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_upgrades_a_database_of_the_previous_schema() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    first_schema("sqlite", migrations.path())
        .await
        .run(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO status_lists (list_id, series, sequence, purpose, status_size, capacity, \
         seed, created_at, next_counter) VALUES ('old-1', 'old', 1, 'revocation', 1, 100, ?1, 0, 7)",
    )
    .bind(&[9u8; 32][..])
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let store = vc_status::store::SqliteStore::open(&path).await.unwrap();
    upgraded(&store).await;
    run_conformance(Arc::new(store)).await.unwrap();
}

/// The same on PostgreSQL.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_upgrades_a_database_of_the_previous_schema() {
    use sqlx::Connection;
    let migrations = tempfile::tempdir().unwrap();
    vc_status::testing::postgres::in_fresh_schema(
        "vc_status_test",
        "upgrade",
        |url, schema| async move {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query(&format!("CREATE SCHEMA \"{schema}\""))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            let options: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
            let pool = sqlx::PgPool::connect_with(options.options([("search_path", &schema)]))
                .await
                .unwrap();
            first_schema("postgres", migrations.path())
                .await
                .run(&pool)
                .await
                .unwrap();
            sqlx::query(
                "INSERT INTO status_lists (list_id, series, sequence, purpose, status_size, \
                 capacity, seed, created_at, next_counter) \
                 VALUES ('old-1', 'old', 1, 'revocation', 1, 100, $1, 0, 7)",
            )
            .bind(&[9u8; 32][..])
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
            let store = vc_status::store::PostgresStore::connect_with_schema(&url, &schema)
                .await
                .unwrap();
            upgraded(&store).await;
            run_conformance(Arc::new(store.clone())).await.unwrap();
            store.pool().close().await;
        },
    )
    .await;
}

/// What an upgraded store holds: the old list with its counter, and owned reservations on it.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn upgraded(store: &dyn vc_status::store::StatusListStore) {
    let id = vc_status::StatusListId::new("old-1").unwrap();
    assert_eq!(store.get_list(&id).await.unwrap().seed, [9u8; 32]);
    assert_eq!(store.snapshot(&id).await.unwrap().allocated, 7);
    let owner = vc_status::ReservationOwner::new("after-upgrade").unwrap();
    let held = store.reserve_owned(&owner, &id, 1).await.unwrap();
    assert_eq!(held.counters, 7..8);
    assert_eq!(store.reservation(&owner).await.unwrap(), Some(held));
}
