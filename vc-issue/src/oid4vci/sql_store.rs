//! The body of the SQL backends, written once: SQLite and PostgreSQL take the same statements
//! (`$n` parameters, `DELETE ... RETURNING`, `UPDATE ... RETURNING`).

use serde_json::Value;
use time::OffsetDateTime;
use vc_status::store::{StoreError, StoreErrorKind};

/// Unix milliseconds, as the SQL stores keep instants.
pub(super) fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub(super) fn decode(payload: &str) -> Result<Value, StoreError> {
    serde_json::from_str(payload).map_err(|e| {
        StoreError::new(StoreErrorKind::Internal, "corrupt OpenID4VCI entry").with_source(e)
    })
}

/// Implements `Oid4vciStore` for `$store` (a struct with a `pool` of the backend).
macro_rules! sql_oid4vci_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl super::store::Oid4vciStore for $store {
            async fn insert(
                &self,
                entry: &super::store::Entry,
            ) -> Result<(), vc_status::store::StoreError> {
                sqlx::query(
                    "INSERT INTO oid4vci_entries \
                     (kind, digest, payload, check_digest, attempts, expires_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(entry.kind.as_str())
                .bind(entry.digest.as_bytes().as_slice())
                .bind(entry.payload.to_string())
                .bind(entry.check.as_ref().map(|c| c.as_bytes().to_vec()))
                .bind(i64::from(entry.attempts))
                .bind(super::sql_store::to_millis(entry.expires_at))
                .execute(&self.pool)
                .await
                .map_err(|e| {
                    vc_status::store::StoreError::from_sqlx(e, "insert an OpenID4VCI entry")
                })?;
                Ok(())
            }

            async fn get(
                &self,
                kind: super::store::EntryKind,
                digest: &crate::pickup::TokenDigest,
                now: time::OffsetDateTime,
            ) -> Result<Option<serde_json::Value>, vc_status::store::StoreError> {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT payload FROM oid4vci_entries \
                     WHERE kind = $1 AND digest = $2 AND expires_at > $3",
                )
                .bind(kind.as_str())
                .bind(digest.as_bytes().as_slice())
                .bind(super::sql_store::to_millis(now))
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| {
                    vc_status::store::StoreError::from_sqlx(e, "read an OpenID4VCI entry")
                })?;
                row.map(|(payload,)| super::sql_store::decode(&payload))
                    .transpose()
            }

            async fn take(
                &self,
                kind: super::store::EntryKind,
                digest: &crate::pickup::TokenDigest,
                now: time::OffsetDateTime,
            ) -> Result<Option<serde_json::Value>, vc_status::store::StoreError> {
                let row: Option<(String, i64)> = sqlx::query_as(
                    "DELETE FROM oid4vci_entries WHERE kind = $1 AND digest = $2 \
                     RETURNING payload, expires_at",
                )
                .bind(kind.as_str())
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| {
                    vc_status::store::StoreError::from_sqlx(e, "take an OpenID4VCI entry")
                })?;
                match row {
                    Some((payload, expires_at))
                        if expires_at > super::sql_store::to_millis(now) =>
                    {
                        super::sql_store::decode(&payload).map(Some)
                    }
                    _ => Ok(None),
                }
            }

            async fn take_checked(
                &self,
                kind: super::store::EntryKind,
                digest: &crate::pickup::TokenDigest,
                check: Option<&crate::pickup::TokenDigest>,
                now: time::OffsetDateTime,
            ) -> Result<super::store::Checked, vc_status::store::StoreError> {
                let context = "take a checked OpenID4VCI entry";
                let now = super::sql_store::to_millis(now);
                let check = check.map(|c| c.as_bytes().to_vec());
                // One statement takes the entry if the check matches: atomic on both backends.
                let taken: Option<(String,)> = sqlx::query_as(
                    "DELETE FROM oid4vci_entries \
                     WHERE kind = $1 AND digest = $2 AND expires_at > $3 \
                     AND ((check_digest IS NULL AND $4 IS NULL) OR check_digest = $4) \
                     RETURNING payload",
                )
                .bind(kind.as_str())
                .bind(digest.as_bytes().as_slice())
                .bind(now)
                .bind(check.clone())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| vc_status::store::StoreError::from_sqlx(e, context))?;
                if let Some((payload,)) = taken {
                    return super::sql_store::decode(&payload).map(super::store::Checked::Taken);
                }
                // A mismatch (or nothing): count the attempt, one statement per attempt.
                let left: Option<(i64,)> = sqlx::query_as(
                    "UPDATE oid4vci_entries SET attempts = attempts - 1 \
                     WHERE kind = $1 AND digest = $2 AND expires_at > $3 \
                     RETURNING attempts",
                )
                .bind(kind.as_str())
                .bind(digest.as_bytes().as_slice())
                .bind(now)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| vc_status::store::StoreError::from_sqlx(e, context))?;
                let Some((left,)) = left else {
                    return Ok(super::store::Checked::Missing);
                };
                if left <= 0 {
                    sqlx::query(
                        "DELETE FROM oid4vci_entries \
                         WHERE kind = $1 AND digest = $2 AND attempts <= 0",
                    )
                    .bind(kind.as_str())
                    .bind(digest.as_bytes().as_slice())
                    .execute(&self.pool)
                    .await
                    .map_err(|e| vc_status::store::StoreError::from_sqlx(e, context))?;
                }
                Ok(super::store::Checked::Mismatch {
                    attempts_left: u32::try_from(left.max(0)).unwrap_or(0),
                })
            }

            async fn purge_expired(
                &self,
                now: time::OffsetDateTime,
            ) -> Result<u64, vc_status::store::StoreError> {
                let done = sqlx::query("DELETE FROM oid4vci_entries WHERE expires_at <= $1")
                    .bind(super::sql_store::to_millis(now))
                    .execute(&self.pool)
                    .await
                    .map_err(|e| {
                        vc_status::store::StoreError::from_sqlx(e, "purge OpenID4VCI entries")
                    })?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(super) use sql_oid4vci_store;
