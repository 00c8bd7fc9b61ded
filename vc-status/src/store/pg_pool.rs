//! A PostgreSQL pool on one schema, as every PostgreSQL store of the workspace opens it.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};

use super::{StoreError, StoreErrorKind};

/// Whether `schema` may name a PostgreSQL schema the stores create and interpolate without
/// quoting: lowercase letters, digits and `_`, not starting with a digit, at most 63 bytes.
pub fn valid_schema(schema: &str) -> bool {
    let mut bytes = schema.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'_'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
        && schema.len() <= 63
}

/// Connects to `url`, creates `schema` if needed and returns a pool of eight connections whose
/// `search_path` is `schema`, so that a store's unqualified table names (and sqlx's migrations
/// table) live there.
pub async fn postgres_pool(url: &str, schema: &str) -> Result<PgPool, StoreError> {
    if !valid_schema(schema) {
        return Err(StoreError::new(
            StoreErrorKind::Internal,
            "schema name must match [a-z_][a-z0-9_]{0,62}",
        ));
    }
    let base = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::from_sqlx(e, "parse the PostgreSQL URL"))?;
    let mut conn = PgConnection::connect_with(&base)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "connect to PostgreSQL"))?;
    // CREATE SCHEMA IF NOT EXISTS can still fail with a unique violation when two processes run
    // it at the same moment; the loser retries and finds the schema.
    let mut attempt = 0;
    loop {
        let created = sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .execute(&mut conn)
            .await;
        match created {
            Ok(_) => break,
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() && attempt < 3 => {
                attempt += 1
            }
            Err(e) => return Err(StoreError::from_sqlx(e, "create the schema")),
        }
    }
    conn.close()
        .await
        .map_err(|e| StoreError::from_sqlx(e, "close the setup connection"))?;
    PgPoolOptions::new()
        .max_connections(8)
        .connect_with(base.options([("search_path", schema)]))
        .await
        .map_err(|e| StoreError::from_sqlx(e, "connect to PostgreSQL"))
}
