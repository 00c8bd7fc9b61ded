//! The one migration strategy of the workspace's SQL stores (features `sqlite`, `postgres`):
//! versioned `sqlx::migrate!` directories per backend and store, applied on connect.
//!
//! Several stores may share one SQLite file or one PostgreSQL schema, and with it sqlx's
//! `_sqlx_migrations` table; each store's migrator therefore ignores the versions it does not
//! know (the other stores'), and versions are unique across the stores that may share a table.

use sqlx::migrate::Migrator;

use super::StoreError;

/// Applies `migrator`'s pending migrations to a SQLite database.
///
/// The whole run holds SQLite's write lock (`BEGIN IMMEDIATE`), so processes starting together
/// apply each migration once: the others wait (up to the pool's busy timeout) and then find it
/// applied. `context` names the store in errors.
#[cfg(feature = "sqlite")]
pub async fn sqlite(
    pool: &sqlx::SqlitePool,
    mut migrator: Migrator,
    context: &'static str,
) -> Result<(), StoreError> {
    migrator.set_ignore_missing(true);
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| StoreError::from_sqlx(e, context))?;
    // Each migration runs in a savepoint of this transaction, recorded with it.
    migrator
        .run_direct(&mut *tx)
        .await
        .map_err(|e| StoreError::from_migrate(e, context))?;
    tx.commit()
        .await
        .map_err(|e| StoreError::from_sqlx(e, context))
}

/// Applies `migrator`'s pending migrations to the schema a PostgreSQL pool's `search_path`
/// names (see [`postgres_pool`](super::postgres_pool)).
///
/// sqlx serialises migrations across processes with an advisory lock. `context` names the store
/// in errors.
#[cfg(feature = "postgres")]
pub async fn postgres(
    pool: &sqlx::PgPool,
    mut migrator: Migrator,
    context: &'static str,
) -> Result<(), StoreError> {
    migrator.set_ignore_missing(true);
    migrator
        .run(pool)
        .await
        .map_err(|e| StoreError::from_migrate(e, context))
}
