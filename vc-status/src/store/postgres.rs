//! The PostgreSQL backend (feature `postgres`): for issuers running on several machines.

use sqlx::postgres::{PgPool, PgRow};

use super::StoreError;

/// The schema the tables live in unless told otherwise.
pub const DEFAULT_SCHEMA: &str = "vc_status";

/// A [`StatusListStore`](super::StatusListStore) in PostgreSQL.
///
/// The tables (and sqlx's migrations table) live in their own schema, `vc_status` by default, so
/// they never meet the host application's tables or migrations. The allocation counter is advanced
/// by a single `UPDATE ... RETURNING` (for an owned reservation, in one transaction with the
/// owner's record); entry updates lock the list row (`SELECT ... FOR UPDATE`)
/// so that concurrent writers on any machine queue instead of losing updates; snapshots read in
/// one `REPEATABLE READ` transaction.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://...`), creates the `vc_status` schema if needed and migrates
    /// it.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Like [`connect`](Self::connect), with the tables in `schema` (lowercase letters, digits and
    /// `_`, at most 63 bytes).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        Self::from_pool(super::postgres_pool(url, schema).await?).await
    }

    /// Uses an existing pool (its `search_path` decides the schema) and migrates the database.
    pub async fn from_pool(pool: PgPool) -> Result<Self, StoreError> {
        super::migrate::postgres(
            &pool,
            sqlx::migrate!("./migrations/postgres"),
            "migrate the PostgreSQL status list schema",
        )
        .await?;
        Ok(PostgresStore { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

super::sql_store::sql_status_list_store!(
    PostgresStore,
    sqlx::Postgres,
    PgRow,
    write_begin = "BEGIN",
    read_begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    lock = " FOR UPDATE"
);
