//! The PostgreSQL exchange store (feature `postgres`): exchanges shared by service instances on
//! several machines.

use sqlx::postgres::{PgPool, PgRow};

use super::error::StoreError;

/// The schema the exchanges table lives in unless told otherwise (the issuance queue's).
pub const DEFAULT_SCHEMA: &str = "vc_issue";

/// An [`ExchangeStore`](super::ExchangeStore) in PostgreSQL.
///
/// The table lives in its own schema (`vc_issue` by default) and is migrated on connect (sqlx serialises
/// migrations across processes with an advisory lock). An update
/// is one `UPDATE ... WHERE id = $ AND sequence = $`: under PostgreSQL's row locking, of two
/// writers holding the same sequence exactly one matches the row.
#[derive(Debug, Clone)]
pub struct PostgresExchangeStore {
    pool: PgPool,
}

impl PostgresExchangeStore {
    /// Connects to `url`, creates the `vc_issue` schema if needed and migrates it.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Like [`connect`](Self::connect), with the table in `schema` (lowercase letters, digits
    /// and `_`, at most 63 bytes).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let pool = vc_status::store::postgres_pool(url, schema).await?;
        vc_status::store::migrate::postgres(
            &pool,
            sqlx::migrate!("./migrations/postgres/exchange"),
            "migrate the exchanges schema",
        )
        .await?;
        Ok(Self { pool })
    }

    /// The connection pool (its `search_path` is the store's schema).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

super::sql_store::sql_exchange_store!(
    PostgresExchangeStore,
    PgRow,
    purge_lock = " FOR UPDATE SKIP LOCKED"
);
