//! The PostgreSQL backend (feature `postgres`).

use sqlx::postgres::PgPool;
use vc_status::store::StoreError;

/// The schema the pickup table lives in unless told otherwise (the issuance queue's).
const DEFAULT_SCHEMA: &str = "vc_issue";

/// A [`PickupStore`](super::PickupStore) in PostgreSQL, shared by issuers on several machines.
///
/// The table `credential_pickups` lives in its own schema (`vc_issue` by default) and is migrated
/// on connect (sqlx serialises migrations across processes with an advisory lock). A take is one `DELETE ... RETURNING`: of concurrent takes of one
/// token, the first deletes the row and the others, waiting on its row lock, find nothing.
#[derive(Debug, Clone)]
pub struct PostgresPickupStore {
    pool: PgPool,
}

impl PostgresPickupStore {
    /// Connects to `url`, creates the `vc_issue` schema if needed and migrates it.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Like [`connect`](Self::connect), with the table in `schema` (lowercase letters, digits and
    /// `_`, at most 63 bytes).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let pool = vc_status::store::postgres_pool(url, schema).await?;
        vc_status::store::migrate::postgres(
            &pool,
            sqlx::migrate!("./migrations/postgres/pickup"),
            "migrate the pickup schema",
        )
        .await?;
        Ok(Self { pool })
    }

    /// The connection pool (its `search_path` is the pickup table's schema).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

super::sql_store::sql_pickup_store!(PostgresPickupStore);
