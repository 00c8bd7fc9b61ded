//! The SQLite backend (feature `sqlite`).

use std::path::Path;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use time::OffsetDateTime;
use vc_status::store::StoreError;

use super::sql::{decode, encode, to_millis};
use super::store::{PickupRecord, PickupStore};
use super::token::TokenDigest;
use crate::pipeline::request::IssuedCredential;

/// A [`PickupStore`] in one SQLite file (it may share the file with the issuance queue and the
/// status lists).
///
/// The table `credential_pickups` is migrated on connect. A take is one
/// `DELETE ... RETURNING`, atomic under SQLite's write lock, so one token yields its credential
/// once even when processes race.
#[derive(Debug, Clone)]
pub struct SqlitePickupStore {
    pool: SqlitePool,
}

impl SqlitePickupStore {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true),
        )
        .await
    }

    /// Connects with `options` (WAL mode, `synchronous = FULL` and a busy timeout are set on top
    /// of them) and migrates it.
    pub async fn connect_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        Self::from_pool(vc_status::store::sqlite_pool(options).await?).await
    }

    /// Uses an existing pool and migrates its database.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        vc_status::store::migrate::sqlite(
            &pool,
            sqlx::migrate!("./migrations/sqlite/pickup"),
            "migrate the SQLite pickup schema",
        )
        .await?;
        Ok(Self { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl PickupStore for SqlitePickupStore {
    async fn insert(&self, record: &PickupRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO credential_pickups (digest, credential, expires_at) VALUES (?1, ?2, ?3)",
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
            "DELETE FROM credential_pickups WHERE digest = ?1 RETURNING credential, expires_at",
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
        let done = sqlx::query("DELETE FROM credential_pickups WHERE expires_at <= ?1")
            .bind(to_millis(now))
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "purge expired pickups"))?;
        Ok(done.rows_affected())
    }
}
