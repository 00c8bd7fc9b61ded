//! The PostgreSQL backend (features `http` and `postgres`).

use sqlx::postgres::PgPool;
use vc_status::store::StoreError;

/// The schema the table lives in unless told otherwise (the issuance queue's).
const DEFAULT_SCHEMA: &str = "vc_issue";

/// A [`CredentialStatusIndex`](super::CredentialStatusIndex) in PostgreSQL, shared by issuers on several machines: any of them
/// can change the status of a credential another one issued.
///
/// The table `credential_status_index` lives in its own schema (`vc_issue` by default) and is
/// migrated on connect (sqlx serialises migrations across processes with an advisory lock). An entry recorded twice, by any process, is kept once
/// (`ON CONFLICT DO NOTHING` on a unique key); entries come back in the order first recorded.
#[derive(Debug, Clone)]
pub struct PostgresCredentialStatusIndex {
    pool: PgPool,
}

impl PostgresCredentialStatusIndex {
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
            sqlx::migrate!("./migrations/postgres/status_index"),
            "migrate the credential status index schema",
        )
        .await?;
        Ok(Self { pool })
    }
}

super::sql_store::sql_status_index!(PostgresCredentialStatusIndex);
