//! The SQLite backend (feature `sqlite`): tickets in one SQLite file shared by worker processes.

use sqlx::migrate::{Migrate, Migrator};
use sqlx::sqlite::{SqlitePool, SqliteRow};

use super::error::StoreError;

/// The queue's migrations (their versions are unique among the stores that may share the file,
/// vc-status's included, since they share sqlx's `_sqlx_migrations`).
fn migrator() -> Migrator {
    sqlx::migrate!("./migrations/sqlite/queue")
}

/// The table in which releases before the one migration strategy recorded the queue's SQLite
/// migrations, and the version each one recorded has now (the second collided with one of
/// vc-status's in the shared `_sqlx_migrations` and was renumbered).
const LEGACY_MIGRATIONS_TABLE: &str = "vc_issue_migrations";
const LEGACY_VERSIONS: [(i64, i64); 2] = [
    (20250701000001, 20250701000001),
    (20250801000001, 20250801000002),
];

crate::sql_constructors::sqlite_store! {
    /// An [`IssuanceStore`](super::IssuanceStore) in one SQLite file, shared safely by several worker processes.
    ///
    /// WAL mode with a busy timeout; a claim is a single `UPDATE ... RETURNING` (atomic under SQLite's
    /// write lock), updates are compare-and-set on the version. The migrations ship with the crate and
    /// run on connect (see [`vc_status::store::migrate`]), so that vc-status's store and the other
    /// stores of this crate can share the file.
    pub struct SqliteIssuanceStore("./migrations/sqlite/queue", "issuance queue", prepare = adopt_legacy_migrations);
}

/// Records the migrations a previous release applied and recorded in its own table
/// ([`LEGACY_MIGRATIONS_TABLE`]) in sqlx's table, under their versions of today, so that sqlx
/// does not apply them again. The legacy table stays (a previous release still finds it).
async fn adopt_legacy_migrations(pool: &SqlitePool, ctx: &'static str) -> Result<(), StoreError> {
    // Under the write lock: racing processes adopt once and no migration runs meanwhile.
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| StoreError::from_sqlx(e, ctx))?;
    let legacy: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1")
            .bind(LEGACY_MIGRATIONS_TABLE)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, ctx))?;
    if legacy.is_none() {
        return tx.commit().await.map_err(|e| StoreError::from_sqlx(e, ctx));
    }
    let applied: Vec<i64> =
        sqlx::query_scalar(&format!("SELECT version FROM {LEGACY_MIGRATIONS_TABLE}"))
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, ctx))?;
    tx.ensure_migrations_table()
        .await
        .map_err(|e| StoreError::from_migrate(e, ctx))?;
    let migrator = migrator();
    for (old, new) in LEGACY_VERSIONS {
        let Some(migration) = migrator.iter().find(|m| m.version == new) else {
            continue;
        };
        if !applied.contains(&old) {
            continue;
        }
        sqlx::query(
            "INSERT OR IGNORE INTO _sqlx_migrations \
             (version, description, success, checksum, execution_time) \
             VALUES (?1, ?2, TRUE, ?3, 0)",
        )
        .bind(migration.version)
        .bind(migration.description.as_ref())
        .bind(migration.checksum.as_ref())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(e, ctx))?;
    }
    tx.commit().await.map_err(|e| StoreError::from_sqlx(e, ctx))
}

super::sql_store::sql_issuance_store!(
    SqliteIssuanceStore,
    SqliteRow,
    // Under SQLite's write lock the subquery and the update are one atomic step.
    claim = format!(
        "UPDATE issuance_tickets SET state = 'issuing', version = version + 1, \
         lease_token = $1, lease_worker = $2, lease_until = $3, attempts = attempts + 1 \
         WHERE seq IN (SELECT seq FROM issuance_tickets \
           WHERE state IN ('approved', 'issuing') \
           AND (state = 'approved' OR lease_until IS NULL OR lease_until <= $4) \
           ORDER BY seq LIMIT $5) \
         RETURNING {COLUMNS}"
    )
);
