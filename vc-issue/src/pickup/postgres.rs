//! The PostgreSQL backend (feature `postgres`).

use crate::queue::sql::valid_schema;
use std::str::FromStr;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};
use time::OffsetDateTime;
use vc_status::store::StoreErrorKind;

use super::error::PickupError;
use super::sql::{decode, encode, to_millis};
use super::store::{PickupRecord, PickupStore};
use super::token::TokenDigest;
use crate::pipeline::request::IssuedCredential;

/// The schema the pickup table lives in unless told otherwise (the issuance queue's).
const DEFAULT_SCHEMA: &str = "vc_issue";

/// A [`PickupStore`] in PostgreSQL, shared by issuers on several machines.
///
/// The table `credential_pickups` lives in its own schema (`vc_issue` by default) and is created
/// on connect if missing, under a transaction-scoped advisory lock so that processes starting
/// together do not collide. A take is one `DELETE ... RETURNING`: of concurrent takes of one
/// token, the first deletes the row and the others, waiting on its row lock, find nothing.
#[derive(Debug, Clone)]
pub struct PostgresPickupStore {
    pool: PgPool,
}

impl PostgresPickupStore {
    /// Connects to `url` and creates the `vc_issue` schema and the table if needed.
    pub async fn connect(url: &str) -> Result<Self, PickupError> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Like [`connect`](Self::connect), with the table in `schema` (lowercase letters, digits and
    /// `_`, at most 63 bytes).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, PickupError> {
        if !valid_schema(schema) {
            return Err(PickupError::store(
                StoreErrorKind::Internal,
                "schema name must match [a-z_][a-z0-9_]{0,62}",
            ));
        }
        let base = PgConnectOptions::from_str(url)
            .map_err(|e| PickupError::sql(e, "parse the PostgreSQL URL"))?;
        let mut conn = PgConnection::connect_with(&base)
            .await
            .map_err(|e| PickupError::sql(e, "connect to PostgreSQL"))?;
        create_table(&mut conn, schema).await?;
        conn.close()
            .await
            .map_err(|e| PickupError::sql(e, "close the setup connection"))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(base.options([("search_path", schema)]))
            .await
            .map_err(|e| PickupError::sql(e, "connect to PostgreSQL"))?;
        Ok(Self { pool })
    }

    /// The connection pool (its `search_path` is the pickup table's schema).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

async fn create_table(conn: &mut PgConnection, schema: &str) -> Result<(), PickupError> {
    let ctx = "create the pickup table";
    let mut tx = conn.begin().await.map_err(|e| PickupError::sql(e, ctx))?;
    // CREATE ... IF NOT EXISTS is not safe against a concurrent creator; the lock serialises them.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('vc_issue.credential_pickups'))")
        .execute(&mut *tx)
        .await
        .map_err(|e| PickupError::sql(e, ctx))?;
    let statements = [
        format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""),
        format!(
            "CREATE TABLE IF NOT EXISTS \"{schema}\".credential_pickups (\
             digest BYTEA NOT NULL PRIMARY KEY, \
             credential TEXT NOT NULL, \
             expires_at BIGINT NOT NULL)"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS credential_pickups_expires_at \
             ON \"{schema}\".credential_pickups (expires_at)"
        ),
    ];
    for statement in &statements {
        sqlx::query(statement)
            .execute(&mut *tx)
            .await
            .map_err(|e| PickupError::sql(e, ctx))?;
    }
    tx.commit().await.map_err(|e| PickupError::sql(e, ctx))
}

#[async_trait]
impl PickupStore for PostgresPickupStore {
    async fn insert(&self, record: &PickupRecord) -> Result<(), PickupError> {
        sqlx::query(
            "INSERT INTO credential_pickups (digest, credential, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(record.digest.as_bytes().as_slice())
        .bind(encode(&record.credential)?)
        .bind(to_millis(record.expires_at))
        .execute(&self.pool)
        .await
        .map_err(|e| PickupError::sql(e, "insert a pickup"))?;
        Ok(())
    }

    async fn take(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<IssuedCredential>, PickupError> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "DELETE FROM credential_pickups WHERE digest = $1 RETURNING credential, expires_at",
        )
        .bind(digest.as_bytes().as_slice())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| PickupError::sql(e, "take a pickup"))?;
        match row {
            Some((credential, expires_at)) => decode(&credential, expires_at, now),
            None => Ok(None),
        }
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, PickupError> {
        let done = sqlx::query("DELETE FROM credential_pickups WHERE expires_at <= $1")
            .bind(to_millis(now))
            .execute(&self.pool)
            .await
            .map_err(|e| PickupError::sql(e, "purge expired pickups"))?;
        Ok(done.rows_affected())
    }
}
