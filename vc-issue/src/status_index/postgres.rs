//! The PostgreSQL backend (features `http` and `postgres`).

use async_trait::async_trait;
use sqlx::postgres::PgPool;
use vc_status::store::StoreError;
use vc_status::StatusEntry;

use super::sql::{decode_entries, encode_entry};
use super::CredentialStatusIndex;

/// The schema the table lives in unless told otherwise (the issuance queue's).
const DEFAULT_SCHEMA: &str = "vc_issue";

/// A [`CredentialStatusIndex`] in PostgreSQL, shared by issuers on several machines: any of them
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
    /// Connects to `url` and creates the `vc_issue` schema and the table if needed.
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

#[async_trait]
impl CredentialStatusIndex for PostgresCredentialStatusIndex {
    async fn record(&self, credential_id: &str, entries: &[StatusEntry]) -> Result<(), StoreError> {
        let ctx = "record status entries";
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|e| StoreError::from_sqlx(e, ctx))?;
        for entry in entries {
            sqlx::query(
                "INSERT INTO credential_status_index (credential_id, entry) VALUES ($1, $2) \
                 ON CONFLICT (credential_id, entry) DO NOTHING",
            )
            .bind(credential_id)
            .bind(encode_entry(entry)?)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(e, ctx))?;
        }
        tx.commit().await.map_err(|e| StoreError::from_sqlx(e, ctx))
    }

    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT entry FROM credential_status_index WHERE credential_id = $1 ORDER BY seq",
        )
        .bind(credential_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "read status entries"))?;
        decode_entries(rows)
    }
}
