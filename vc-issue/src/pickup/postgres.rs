//! The PostgreSQL backend (feature `postgres`).

use async_trait::async_trait;
use sqlx::postgres::PgPool;
use time::OffsetDateTime;
use vc_status::store::StoreError;

use super::sql::{decode, encode, to_millis};
use super::store::{PickupRecord, PickupStore};
use super::token::TokenDigest;
use crate::pipeline::request::IssuedCredential;

/// The schema the pickup table lives in unless told otherwise (the issuance queue's).
const DEFAULT_SCHEMA: &str = "vc_issue";

/// A [`PickupStore`] in PostgreSQL, shared by issuers on several machines.
///
/// The table `credential_pickups` lives in its own schema (`vc_issue` by default) and is migrated
/// on connect (sqlx serialises migrations across processes with an advisory lock). A take is one `DELETE ... RETURNING`: of concurrent takes of one
/// token, the first deletes the row and the others, waiting on its row lock, find nothing.
#[derive(Debug, Clone)]
pub struct PostgresPickupStore {
    pool: PgPool,
}

impl PostgresPickupStore {
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

#[async_trait]
impl PickupStore for PostgresPickupStore {
    async fn insert(&self, record: &PickupRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO credential_pickups (digest, credential, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(record.digest.as_bytes().as_slice())
        .bind(encode(&record.credential)?)
        .bind(to_millis(record.expires_at))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "insert a pickup"))?;
        Ok(())
    }

    async fn take(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<IssuedCredential>, StoreError> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "DELETE FROM credential_pickups WHERE digest = $1 RETURNING credential, expires_at",
        )
        .bind(digest.as_bytes().as_slice())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "take a pickup"))?;
        match row {
            Some((credential, expires_at)) => decode(&credential, expires_at, now),
            None => Ok(None),
        }
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM credential_pickups WHERE expires_at <= $1")
            .bind(to_millis(now))
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "purge expired pickups"))?;
        Ok(done.rows_affected())
    }
}
