//! The PostgreSQL backend (feature `postgres`): tickets shared by workers on several machines.

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::Row;
use time::OffsetDateTime;

use super::error::{StoreError, StoreErrorKind};
use super::sql::{corrupt, map_err, Columns, Values, COLUMNS};
use super::state::{to_millis, Lease, TicketId, TicketRecord, TicketState};
use super::store::{Inserted, IssuanceStore};

/// The schema the queue's tables live in unless told otherwise.
pub const DEFAULT_SCHEMA: &str = "vc_issue";

/// An [`IssuanceStore`] in PostgreSQL.
///
/// The tables (and sqlx's migrations table) live in their own schema, `vc_issue` by default, so
/// they never meet vc-status's or the host's. Claims lock the rows they take with
/// `FOR UPDATE SKIP LOCKED`, so concurrent workers skip each other's rows instead of waiting;
/// updates are compare-and-set on the version.
#[derive(Debug, Clone)]
pub struct PostgresIssuanceStore {
    pool: PgPool,
}

impl PostgresIssuanceStore {
    /// Connects to `url`, creates the `vc_issue` schema if needed and migrates it.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_schema(url, DEFAULT_SCHEMA).await
    }

    /// Like [`connect`](Self::connect), with the tables in `schema` (lowercase letters, digits and
    /// `_`, at most 63 bytes).
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<Self, StoreError> {
        let pool = vc_status::store::postgres_pool(url, schema).await?;
        vc_status::store::migrate::postgres(
            &pool,
            sqlx::migrate!("./migrations/postgres/queue"),
            "migrate the issuance queue schema",
        )
        .await?;
        Ok(Self { pool })
    }

    /// The connection pool (its `search_path` is the queue's schema).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn columns(row: &PgRow) -> Result<Columns, sqlx::Error> {
    Ok(Columns {
        id: row.try_get("id")?,
        state: row.try_get("state")?,
        version: row.try_get("version")?,
        lease_token: row.try_get("lease_token")?,
        lease_worker: row.try_get("lease_worker")?,
        lease_until: row.try_get("lease_until")?,
        attempts: row.try_get("attempts")?,
        deadline: row.try_get("deadline")?,
        data: row.try_get("data")?,
    })
}

fn record(row: &PgRow) -> Result<TicketRecord, StoreError> {
    columns(row)
        .map_err(|e| map_err(e, "read a ticket row"))?
        .into_record()
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[async_trait]
impl IssuanceStore for PostgresIssuanceStore {
    async fn insert(&self, r: &TicketRecord) -> Result<Inserted, StoreError> {
        let mut stored = r.clone();
        stored.version = 0;
        let v = Values::of(&stored)?;
        let inserted = sqlx::query(
            "INSERT INTO issuance_tickets (id, state, version, idempotency_key, lease_token, \
             lease_worker, lease_until, attempts, deadline, data) \
             VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(r.id.as_str())
        .bind(v.state)
        .bind(r.idempotency_key.as_deref())
        .bind(v.lease_token)
        .bind(v.lease_worker)
        .bind(v.lease_until)
        .bind(v.attempts)
        .bind(v.deadline)
        .bind(v.data)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(Inserted::New),
            Err(e) => {
                let e = map_err(e, format!("insert ticket {}", r.id));
                let Some(key) = r.idempotency_key.as_deref() else {
                    return Err(e);
                };
                if e.kind() != StoreErrorKind::AlreadyExists {
                    return Err(e);
                }
                let row = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM issuance_tickets WHERE idempotency_key = $1"
                ))
                .bind(key)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_err(e, "read a ticket by idempotency key"))?;
                match row {
                    Some(row) => Ok(Inserted::Existing(Box::new(record(&row)?))),
                    None => Err(e),
                }
            }
        }
    }

    async fn get(&self, id: &TicketId) -> Result<Option<TicketRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM issuance_tickets WHERE id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| map_err(e, format!("read ticket {id}")))?;
        row.as_ref().map(record).transpose()
    }

    async fn update(&self, r: &TicketRecord) -> Result<u64, StoreError> {
        let v = Values::of(r)?;
        let done = sqlx::query(
            "UPDATE issuance_tickets SET state = $1, version = version + 1, lease_token = $2, \
             lease_worker = $3, lease_until = $4, attempts = $5, deadline = $6, data = $7 \
             WHERE id = $8 AND version = $9",
        )
        .bind(v.state)
        .bind(v.lease_token)
        .bind(v.lease_worker)
        .bind(v.lease_until)
        .bind(v.attempts)
        .bind(v.deadline)
        .bind(v.data)
        .bind(r.id.as_str())
        .bind(v.version)
        .execute(&self.pool)
        .await
        .map_err(|e| map_err(e, format!("update ticket {}", r.id)))?;
        if done.rows_affected() == 1 {
            return Ok(r.version + 1);
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT version FROM issuance_tickets WHERE id = $1")
                .bind(r.id.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| map_err(e, format!("read ticket {}", r.id)))?;
        Err(match exists {
            Some(_) => StoreError::new(
                StoreErrorKind::Conflict,
                format!("ticket {} changed concurrently", r.id),
            ),
            None => StoreError::new(StoreErrorKind::NotFound, format!("ticket {}", r.id)),
        })
    }

    async fn claim(
        &self,
        now: OffsetDateTime,
        lease: &Lease,
        n: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "UPDATE issuance_tickets AS t SET state = 'issuing', version = t.version + 1, \
             lease_token = $1, lease_worker = $2, lease_until = $3, attempts = t.attempts + 1 \
             FROM (SELECT seq FROM issuance_tickets \
               WHERE state IN ('approved', 'issuing') \
               AND (state = 'approved' OR lease_until IS NULL OR lease_until <= $4) \
               ORDER BY seq LIMIT $5 FOR UPDATE SKIP LOCKED) AS c \
             WHERE t.seq = c.seq \
             RETURNING {COLUMNS}"
        ))
        .bind(&lease.token)
        .bind(&lease.worker)
        .bind(to_millis(lease.until))
        .bind(to_millis(now))
        .bind(limit(n))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_err(e, "claim tickets"))?;
        rows.iter().map(record).collect()
    }

    async fn overdue(
        &self,
        now: OffsetDateTime,
        n: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM issuance_tickets \
             WHERE state IN ('pending_approval', 'needs_information') \
             AND deadline IS NOT NULL AND deadline <= $1 ORDER BY seq LIMIT $2"
        ))
        .bind(to_millis(now))
        .bind(limit(n))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_err(e, "find overdue tickets"))?;
        rows.iter().map(record).collect()
    }

    async fn count(&self, state: TicketState) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM issuance_tickets WHERE state = $1")
            .bind(state.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(|e| map_err(e, "count tickets"))?;
        u64::try_from(n).map_err(|_| corrupt("negative count"))
    }
}
