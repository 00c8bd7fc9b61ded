//! The [`PickupStore`](super::PickupStore) of both SQL backends: one body, with the statements
//! written once (`$N` placeholders, which SQLite reads too). A take is one
//! `DELETE ... RETURNING`: atomic under SQLite's write lock, and under PostgreSQL's row lock the
//! first of concurrent takes deletes the row and the others find nothing.

/// Implements `PickupStore` for `$store` (a struct with a `pool` of the backend).
macro_rules! sql_pickup_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl super::store::PickupStore for $store {
            async fn insert(
                &self,
                record: &super::store::PickupRecord,
            ) -> Result<(), vc_status::store::StoreError> {
                sqlx::query(
                    "INSERT INTO credential_pickups (digest, credential, expires_at) \
                     VALUES ($1, $2, $3)",
                )
                .bind(record.digest.as_bytes().as_slice())
                .bind(super::sql::encode(&record.credential)?)
                .bind(super::sql::to_millis(record.expires_at))
                .execute(&self.pool)
                .await
                .map_err(|e| vc_status::store::StoreError::from_sqlx(e, "insert a pickup"))?;
                Ok(())
            }

            async fn take(
                &self,
                digest: &super::token::TokenDigest,
                now: time::OffsetDateTime,
            ) -> Result<
                Option<crate::pipeline::request::IssuedCredential>,
                vc_status::store::StoreError,
            > {
                let row: Option<(String, i64)> = sqlx::query_as(
                    "DELETE FROM credential_pickups WHERE digest = $1 \
                     RETURNING credential, expires_at",
                )
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| vc_status::store::StoreError::from_sqlx(e, "take a pickup"))?;
                match row {
                    Some((credential, expires_at)) => {
                        super::sql::decode(&credential, expires_at, now)
                    }
                    None => Ok(None),
                }
            }

            async fn purge_expired(
                &self,
                now: time::OffsetDateTime,
            ) -> Result<u64, vc_status::store::StoreError> {
                let done = sqlx::query("DELETE FROM credential_pickups WHERE expires_at <= $1")
                    .bind(super::sql::to_millis(now))
                    .execute(&self.pool)
                    .await
                    .map_err(|e| {
                        vc_status::store::StoreError::from_sqlx(e, "purge expired pickups")
                    })?;
                Ok(done.rows_affected())
            }
        }
    };
}

pub(super) use sql_pickup_store;
