//! A database made by the release before the one migration strategy (its schema is in
//! `upgrade/*.sql`) opens with today's stores: every store finds its rows and works.

use std::sync::Arc;

use serde_json::json;
use time::OffsetDateTime;
use vc_issue::exchange::ExchangeStore;
use vc_issue::pickup::{PickupStore, PickupToken, TokenDigest};
use vc_issue::queue::IssuanceStore;
use vc_issue::status_index::CredentialStatusIndex;
use vc_status::store::StatusListStore;
use vc_status::{StatusEntry, StatusListId};

/// The status list and queue tables of that release, made from the migration files it ran: the
/// fixtures pin those files by the checksums that release recorded, so a changed file fails here.
#[cfg(feature = "sqlite")]
const OLD_SQLITE_DDL: [&str; 4] = [
    include_str!("../../../vc-status/migrations/sqlite/20250601000001_status_lists.sql"),
    include_str!("../../../vc-status/migrations/sqlite/20250801000001_status_reservations.sql"),
    include_str!("../../migrations/sqlite/queue/20250701000001_issuance_queue.sql"),
    include_str!("../../migrations/sqlite/queue/20250801000002_drop_status_reservations.sql"),
];

/// The same on PostgreSQL: vc-status' schema, then vc-issue's.
#[cfg(feature = "postgres")]
const OLD_POSTGRES_STATUS_DDL: [&str; 2] = [
    include_str!("../../../vc-status/migrations/postgres/20250601000001_status_lists.sql"),
    include_str!("../../../vc-status/migrations/postgres/20250801000001_status_reservations.sql"),
];
#[cfg(feature = "postgres")]
const OLD_POSTGRES_ISSUE_DDL: [&str; 2] = [
    include_str!("../../migrations/postgres/queue/20250701000001_issuance_queue.sql"),
    include_str!("../../migrations/postgres/queue/20250801000001_drop_status_reservations.sql"),
];

/// The stores of one upgraded database.
struct Stores {
    status: Arc<dyn StatusListStore>,
    queue: Arc<dyn IssuanceStore>,
    exchanges: Arc<dyn ExchangeStore>,
    pickups: Arc<dyn PickupStore>,
    index: Arc<dyn CredentialStatusIndex>,
}

/// Far in the future (2100), in Unix milliseconds, so that no purge takes the old rows.
const LATER: i64 = 4_102_444_800_000;

fn entry(index: u32) -> StatusEntry {
    StatusEntry::from_value(json!({
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": "https://issuer.example/status-lists/upgrade-1",
    }))
    .unwrap()
}

/// The rows the old release wrote, one per table; `blob` writes a byte string literal of the
/// dialect.
fn old_rows(digest: &TokenDigest, blob: fn(&[u8]) -> String) -> String {
    let credential =
        serde_json::to_string(&vc_issue::testing::pickup::sample_credential().unwrap()).unwrap();
    let entry = serde_json::to_string(&entry(7)).unwrap();
    let data = json!({ "step": "didAuth", "variables": {} }).to_string();
    format!(
        "INSERT INTO status_lists (list_id, series, sequence, purpose, status_size, capacity, \
           seed, created_at, next_counter, version) \
         VALUES ('upgrade-1', 'upgrade', 1, 'revocation', 1, 1024, {seed}, 1700000000, 5, 1); \
         INSERT INTO status_entries (list_id, idx, value) VALUES ('upgrade-1', 3, 1); \
         INSERT INTO issuance_tickets (id, state, version, data) VALUES ('t-old', 'issued', 3, '{{}}'); \
         INSERT INTO vcalm_exchanges (id, workflow_id, sequence, expires, state, data) \
         VALUES ('x-old', 'w-old', 0, {LATER}, 'pending', '{data}'); \
         INSERT INTO credential_pickups (digest, credential, expires_at) \
         VALUES ({digest}, '{credential}', {LATER}); \
         INSERT INTO credential_status_index (credential_id, entry) VALUES ('urn:old', '{entry}');",
        seed = blob(&[7; 32]),
        digest = blob(digest.as_bytes()),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every store finds the old rows and keeps working.
async fn check(stores: Stores, digest: &TokenDigest, exchanges_of: impl Probe) {
    let list = StatusListId::new("upgrade-1").unwrap();
    let snapshot = stores.status.snapshot(&list).await.unwrap();
    assert_eq!((snapshot.version, snapshot.allocated), (1, 5));
    assert_eq!(snapshot.entries, vec![(3, 1)]);
    assert_eq!(stores.status.reserve(&list, 1).await.unwrap(), 5..6);

    let now = OffsetDateTime::now_utc();
    assert_eq!(
        stores.pickups.take(digest, now).await.unwrap(),
        Some(vc_issue::testing::pickup::sample_credential().unwrap())
    );

    assert_eq!(
        stores.index.entries("urn:old").await.unwrap(),
        vec![entry(7)]
    );
    stores.index.record("urn:old", &[entry(8)]).await.unwrap();
    assert_eq!(
        stores.index.entries("urn:old").await.unwrap(),
        vec![entry(7), entry(8)]
    );

    assert_eq!(exchanges_of.count("vcalm_exchanges", "x-old").await, 1);
    vc_issue::testing::exchange::run_conformance(stores.exchanges)
        .await
        .unwrap();
    assert_eq!(exchanges_of.count("issuance_tickets", "t-old").await, 1);
    vc_issue::testing::queue::run_conformance(stores.queue)
        .await
        .unwrap();
}

/// What the checks read from the database under test.
trait Probe {
    /// Counts the rows of `table` with `id`.
    async fn count(&self, table: &str, id: &str) -> i64;
    /// The versions of the migrations applied, in order.
    async fn migrations(&self) -> Vec<i64>;
}

/// One implementation per backend; both read `$1` placeholders.
macro_rules! probe {
    ($pool:ty, $feature:literal) => {
        #[cfg(feature = $feature)]
        impl Probe for $pool {
            async fn count(&self, table: &str, id: &str) -> i64 {
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE id = $1"))
                    .bind(id)
                    .fetch_one(self)
                    .await
                    .unwrap()
            }

            async fn migrations(&self) -> Vec<i64> {
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                    .fetch_all(self)
                    .await
                    .unwrap()
            }
        }
    };
}
probe!(sqlx::SqlitePool, "sqlite");
probe!(sqlx::PgPool, "postgres");

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_stores_open_a_database_of_the_previous_release() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let digest = PickupToken::generate().unwrap().digest();
    {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        for sql in OLD_SQLITE_DDL
            .into_iter()
            .chain([include_str!("upgrade/main_sqlite.sql")])
        {
            sqlx::raw_sql(sql).execute(&pool).await.unwrap();
        }
        sqlx::raw_sql(&old_rows(&digest, |b| format!("X'{}'", hex(b))))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    // Each store opens the file on its own, in an order that puts vc-issue's migrations into
    // sqlx's table before vc-status's migrator reads it.
    let queue = vc_issue::queue::SqliteIssuanceStore::open(&path)
        .await
        .unwrap();
    let pickups = vc_issue::pickup::SqlitePickupStore::open(&path)
        .await
        .unwrap();
    let exchanges = vc_issue::exchange::SqliteExchangeStore::open(&path)
        .await
        .unwrap();
    let index = vc_issue::status_index::SqliteCredentialStatusIndex::open(&path)
        .await
        .unwrap();
    let status = vc_status::store::SqliteStore::open(&path).await.unwrap();
    let pool = queue.pool().clone();
    let stores = Stores {
        status: Arc::new(status),
        queue: Arc::new(queue),
        exchanges: Arc::new(exchanges),
        pickups: Arc::new(pickups),
        index: Arc::new(index),
    };
    check(stores, &digest, pool.clone()).await;
    // Opening again applies nothing twice.
    vc_issue::queue::SqliteIssuanceStore::open(&path)
        .await
        .unwrap();
    vc_status::store::SqliteStore::open(&path).await.unwrap();
    assert_eq!(
        pool.migrations().await,
        vec![
            20250601000001,
            20250701000001,
            20250801000001,
            20250801000002,
            20251201000001,
            20251201000002,
            20251201000003,
            20261205000001
        ]
    );
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stores_open_a_database_of_the_previous_release() {
    let Some(url) = vc_status::testing::postgres::url() else {
        return;
    };
    let issue = vc_status::testing::postgres::unique_schema("vc_issue_test", "upgrade_issue");
    let status = format!("{issue}_status");
    let result = tokio::spawn({
        let (url, issue, status) = (url.clone(), issue.clone(), status.clone());
        async move {
            let digest = PickupToken::generate().unwrap().digest();
            let base: sqlx::postgres::PgConnectOptions = url.parse().unwrap();
            let on = |schema: &str| base.clone().options([("search_path", schema)]);
            for (schema, ddl, fixture) in [
                (
                    &status,
                    OLD_POSTGRES_STATUS_DDL,
                    include_str!("upgrade/main_postgres_status.sql"),
                ),
                (
                    &issue,
                    OLD_POSTGRES_ISSUE_DDL,
                    include_str!("upgrade/main_postgres_issue.sql"),
                ),
            ] {
                let pool = vc_status::testing::postgres::create_schema(&url, schema)
                    .await
                    .unwrap();
                let bookkeeping = include_str!("upgrade/sqlx_migrations_postgres.sql");
                for sql in ddl.into_iter().chain([bookkeeping, fixture]) {
                    sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                }
                pool.close().await;
            }
            // The old rows: the status list's into its schema, the rest into vc-issue's.
            let rows = old_rows(&digest, |b| format!("decode('{}', 'hex')", hex(b)));
            let (status_rows, issue_rows) =
                rows.split_at(rows.find("INSERT INTO issuance").unwrap());
            for (schema, rows) in [(&status, status_rows), (&issue, issue_rows)] {
                let pool = sqlx::PgPool::connect_with(on(schema)).await.unwrap();
                sqlx::raw_sql(rows).execute(&pool).await.unwrap();
                pool.close().await;
            }

            let queue = vc_issue::queue::PostgresIssuanceStore::connect_with_schema(&url, &issue)
                .await
                .unwrap();
            let pickups = vc_issue::pickup::PostgresPickupStore::connect_with_schema(&url, &issue)
                .await
                .unwrap();
            let exchanges =
                vc_issue::exchange::PostgresExchangeStore::connect_with_schema(&url, &issue)
                    .await
                    .unwrap();
            let index = vc_issue::status_index::PostgresCredentialStatusIndex::connect_with_schema(
                &url, &issue,
            )
            .await
            .unwrap();
            let status_store = vc_status::store::PostgresStore::connect_with_schema(&url, &status)
                .await
                .unwrap();
            let pool = queue.pool().clone();
            let stores = Stores {
                status: Arc::new(status_store),
                queue: Arc::new(queue),
                exchanges: Arc::new(exchanges),
                pickups: Arc::new(pickups),
                index: Arc::new(index),
            };
            check(stores, &digest, pool.clone()).await;
            assert_eq!(
                pool.migrations().await,
                vec![
                    20250701000001,
                    20250801000001,
                    20251201000001,
                    20251201000002,
                    20251201000003
                ]
            );
            pool.close().await;
        }
    })
    .await;
    vc_status::testing::postgres::drop_schemas(&url, &[&issue, &status])
        .await
        .unwrap();
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}
