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

/// A migrator holding the first `n` migrations of `backend`, in `dir`: the schema of an earlier
/// release (1: before owned reservations; 2: before settled reservations).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn earlier_schema(backend: &str, dir: &std::path::Path, n: usize) -> sqlx::migrate::Migrator {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<_> = std::fs::read_dir(&from)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert!(files.len() > n, "a later migration exists to upgrade to");
    for file in &files[..n] {
        std::fs::copy(from.join(file), dir.join(file)).unwrap();
    }
    sqlx::migrate::Migrator::new(dir).await.unwrap()
}

/// What the earlier schema of `n` migrations held before the upgrade: a list with its counter at
/// 7 and, from the second schema on, a reservation of counter 7 held by `before-upgrade` (so
/// the counter is at 8).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
const OLD_ROWS: [&str; 2] = [
    "INSERT INTO status_lists (list_id, series, sequence, purpose, status_size, capacity, seed, \
     created_at, next_counter) VALUES ('old-1', 'old', 1, 'revocation', 1, 100, $1, 0, 8)",
    "INSERT INTO status_reservations (owner, list_id, start_counter, end_counter) \
     VALUES ('before-upgrade', 'old-1', 7, 8)",
];

/// One of [`OLD_ROWS`] with its arguments (the list's seed).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn old_row<DB: sqlx::Database>(
    insert: &str,
) -> sqlx::query::Query<'_, DB, <DB as sqlx::Database>::Arguments<'_>>
where
    for<'a> &'a [u8]: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let query = sqlx::query(insert);
    if insert.contains("$1") {
        query.bind(&[9u8; 32][..])
    } else {
        query
    }
}

/// A database made by the previous schema upgrades on connect: its lists and counters are kept and
/// owned reservations work on them.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_upgrades_a_database_of_the_previous_schema() {
    for n in 1..=2 {
        let dir = tempfile::tempdir().unwrap();
        let migrations = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        earlier_schema("sqlite", migrations.path(), n)
            .await
            .run(&pool)
            .await
            .unwrap();
        for insert in &OLD_ROWS[..n] {
            old_row(insert).execute(&pool).await.unwrap();
        }
        pool.close().await;
        let store = vc_status::store::SqliteStore::open(&path).await.unwrap();
        upgraded(&store, n).await;
        run_conformance(Arc::new(store)).await.unwrap();
    }
}

/// The same on PostgreSQL.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_upgrades_a_database_of_the_previous_schema() {
    for n in 1..=2 {
        postgres_upgrade_from(n).await;
    }
}

#[cfg(feature = "postgres")]
async fn postgres_upgrade_from(n: usize) {
    let migrations = tempfile::tempdir().unwrap();
    vc_status::testing::postgres::in_fresh_schema(
        "vc_status_test",
        "upgrade",
        |url, schema| async move {
            let pool = vc_status::testing::postgres::create_schema(&url, &schema)
                .await
                .unwrap();
            earlier_schema("postgres", migrations.path(), n)
                .await
                .run(&pool)
                .await
                .unwrap();
            for insert in &OLD_ROWS[..n] {
                old_row(insert).execute(&pool).await.unwrap();
            }
            pool.close().await;
            let store = vc_status::store::PostgresStore::connect_with_schema(&url, &schema)
                .await
                .unwrap();
            upgraded(&store, n).await;
            run_conformance(Arc::new(store.clone())).await.unwrap();
            store.pool().close().await;
        },
    )
    .await;
}

/// What an upgraded store holds: the old list with its counter, the reservation held before the
/// upgrade (still held, released into a settled one), and owned reservations on the old list.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn upgraded(store: &dyn vc_status::store::StatusListStore, n: usize) {
    use vc_status::ReservationOwner;
    let id = vc_status::StatusListId::new("old-1").unwrap();
    assert_eq!(store.get_list(&id).await.unwrap().seed, [9u8; 32]);
    assert_eq!(store.snapshot(&id).await.unwrap().allocated, 8);
    if n >= 2 {
        let before = ReservationOwner::new("before-upgrade").unwrap();
        let held = store.reservation(&before).await.unwrap().unwrap();
        assert_eq!(held.counters, 7..8);
        assert!(store.release_reservation(&before).await.unwrap());
        assert_eq!(store.reservation(&before).await.unwrap(), None);
        assert_eq!(store.reserve_owned(&before, &id, 1).await.unwrap(), held);
    }
    let owner = ReservationOwner::new("after-upgrade").unwrap();
    let held = store.reserve_owned(&owner, &id, 1).await.unwrap();
    assert_eq!(held.counters, 8..9);
    assert_eq!(store.reservation(&owner).await.unwrap(), Some(held));
}
