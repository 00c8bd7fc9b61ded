//! The [`CredentialStatusIndex`](super::CredentialStatusIndex) of both SQL backends: one body,
//! with the statements written once (`$N` placeholders and `ON CONFLICT ... DO NOTHING`, which
//! SQLite reads too). An entry recorded twice, by any process, is kept once (a unique key);
//! entries come back in the order first recorded.

/// Implements `CredentialStatusIndex` for `$store` (a struct with a `pool` of the backend).
macro_rules! sql_status_index {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl super::CredentialStatusIndex for $store {
            async fn record(
                &self,
                credential_id: &str,
                entries: &[vc_status::StatusEntry],
            ) -> Result<(), vc_status::store::StoreError> {
                self.record_many(&[(credential_id.to_owned(), entries.to_vec())])
                    .await
            }

            async fn record_many(
                &self,
                records: &[(String, Vec<vc_status::StatusEntry>)],
            ) -> Result<(), vc_status::store::StoreError> {
                use vc_status::store::StoreError;
                let ctx = "record status entries";
                let mut rows = Vec::new();
                for (credential_id, entries) in records {
                    for entry in entries {
                        rows.push((credential_id.as_str(), super::sql::encode_entry(entry)?));
                    }
                }
                // One multi-row statement per chunk, and one transaction for all of them: one
                // round trip to the connection and one commit (one sync on SQLite) for a turn
                // of the group commit.
                let chunks: Vec<_> = rows.chunks(super::sql::ROWS_PER_INSERT).collect();
                match chunks.as_slice() {
                    [] => Ok(()),
                    [one] => super::sql::insert_rows(one)
                        .build()
                        .execute(&self.pool)
                        .await
                        .map(drop)
                        .map_err(|e| StoreError::from_sqlx(e, ctx)),
                    many => {
                        let mut tx = self
                            .pool
                            .begin()
                            .await
                            .map_err(|e| StoreError::from_sqlx(e, ctx))?;
                        for chunk in many {
                            super::sql::insert_rows(chunk)
                                .build()
                                .execute(&mut *tx)
                                .await
                                .map_err(|e| StoreError::from_sqlx(e, ctx))?;
                        }
                        tx.commit().await.map_err(|e| StoreError::from_sqlx(e, ctx))
                    }
                }
            }

            async fn entries(
                &self,
                credential_id: &str,
            ) -> Result<Vec<vc_status::StatusEntry>, vc_status::store::StoreError> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT entry FROM credential_status_index WHERE credential_id = $1 \
                     ORDER BY seq",
                )
                .bind(credential_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| vc_status::store::StoreError::from_sqlx(e, "read status entries"))?;
                super::sql::decode_entries(rows)
            }
        }
    };
}

pub(super) use sql_status_index;
