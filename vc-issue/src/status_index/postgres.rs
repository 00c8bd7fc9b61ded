//! The PostgreSQL backend (features `http` and `postgres`).

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};
use vc_status::store::StoreErrorKind;
use vc_status::StatusEntry;

use super::sql::{decode_entries, encode_entry, sql_error};
use super::{CredentialStatusIndex, StatusIndexError};
use crate::queue::sql::valid_schema;

/// The schema the table lives in unless told otherwise (the issuance queue's).
const DEFAULT_SCHEMA: &str = "vc_issue";

/// A [`CredentialStatusIndex`] in PostgreSQL, shared by issuers on several machines: any of them
/// can change the status of a credential another one issued.
///
/// The table `credential_status_index` lives in its own schema (`vc_issue` by default) and is
/// created on connect if missing, under a transaction-scoped advisory lock so that processes
/// starting together do not collide. An entry recorded twice, by any process, is kept once
/// (`ON CONFLICT DO NOTHING` on a unique key); entries come back in the order first recorded.
#[derive(Debug, Clone)]
pub struct PostgresCredentialStatusIndex {
    pool: PgPool,
}

impl PostgresCredentialStatusIndex {
    /// Connects to `url` and creates the `vc_issue` schema and the table if needed.
    pub async fn connect(url: &str) -> Result<Self, StatusIndexError> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Like [`connect`](Self::connect), with the table in `schema` (lowercase letters, digits and
    /// `_`, at most 63 bytes).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StatusIndexError> {
        if !valid_schema(schema) {
            return Err(StatusIndexError::store(
                StoreErrorKind::Internal,
                "schema name must match [a-z_][a-z0-9_]{0,62}",
                None,
            ));
        }
        let base = PgConnectOptions::from_str(url)
            .map_err(|e| sql_error(e, "parse the PostgreSQL URL"))?;
        let mut conn = PgConnection::connect_with(&base)
            .await
            .map_err(|e| sql_error(e, "connect to PostgreSQL"))?;
        create_table(&mut conn, schema).await?;
        conn.close()
            .await
            .map_err(|e| sql_error(e, "close the setup connection"))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(base.options([("search_path", schema)]))
            .await
            .map_err(|e| sql_error(e, "connect to PostgreSQL"))?;
        Ok(Self { pool })
    }
}

async fn create_table(conn: &mut PgConnection, schema: &str) -> Result<(), StatusIndexError> {
    let ctx = "create the credential status index table";
    let mut tx = conn.begin().await.map_err(|e| sql_error(e, ctx))?;
    // CREATE ... IF NOT EXISTS is not safe against a concurrent creator; the lock serialises them.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('vc_issue.credential_status_index'))")
        .execute(&mut *tx)
        .await
        .map_err(|e| sql_error(e, ctx))?;
    let statements = [
        format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""),
        format!(
            "CREATE TABLE IF NOT EXISTS \"{schema}\".credential_status_index (\
             seq BIGSERIAL PRIMARY KEY, \
             credential_id TEXT NOT NULL, \
             entry TEXT NOT NULL, \
             UNIQUE (credential_id, entry))"
        ),
    ];
    for statement in &statements {
        sqlx::query(statement)
            .execute(&mut *tx)
            .await
            .map_err(|e| sql_error(e, ctx))?;
    }
    tx.commit().await.map_err(|e| sql_error(e, ctx))
}

#[async_trait]
impl CredentialStatusIndex for PostgresCredentialStatusIndex {
    async fn record(
        &self,
        credential_id: &str,
        entries: &[StatusEntry],
    ) -> Result<(), StatusIndexError> {
        let ctx = "record status entries";
        let mut tx = self.pool.begin().await.map_err(|e| sql_error(e, ctx))?;
        for entry in entries {
            sqlx::query(
                "INSERT INTO credential_status_index (credential_id, entry) VALUES ($1, $2) \
                 ON CONFLICT (credential_id, entry) DO NOTHING",
            )
            .bind(credential_id)
            .bind(encode_entry(entry)?)
            .execute(&mut *tx)
            .await
            .map_err(|e| sql_error(e, ctx))?;
        }
        tx.commit().await.map_err(|e| sql_error(e, ctx))
    }

    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StatusIndexError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT entry FROM credential_status_index WHERE credential_id = $1 ORDER BY seq",
        )
        .bind(credential_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| sql_error(e, "read status entries"))?;
        decode_entries(rows)
    }
}
