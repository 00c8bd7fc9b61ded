//! The SQLite backend (feature `sqlite`): tickets in one SQLite file shared by worker processes.

use std::path::Path;

use async_trait::async_trait;
use sqlx::migrate::{Migrate, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqliteRow};
use sqlx::Row;
use time::OffsetDateTime;

use super::error::{StoreError, StoreErrorKind};
use super::sql::{corrupt, map_err, Columns, Values, COLUMNS};
use super::state::{to_millis, Lease, TicketId, TicketRecord, TicketState};
use super::store::{Inserted, IssuanceStore};

/// The queue's migrations (their versions are unique among the stores that may share the file,
/// vc-status's included, since they share sqlx's `_sqlx_migrations`).
fn migrator() -> Migrator {
    sqlx::migrate!("./migrations/sqlite/queue")
}

/// The table in which releases before the one migration strategy recorded the queue's SQLite
/// migrations, and the version each one recorded has now (the second collided with one of
/// vc-status's in the shared `_sqlx_migrations` and was renumbered).
const LEGACY_MIGRATIONS_TABLE: &str = "vc_issue_migrations";
const LEGACY_VERSIONS: [(i64, i64); 2] = [
    (20250701000001, 20250701000001),
    (20250801000001, 20250801000002),
];

/// An [`IssuanceStore`] in one SQLite file, shared safely by several worker processes.
///
/// WAL mode with a busy timeout; a claim is a single `UPDATE ... RETURNING` (atomic under SQLite's
/// write lock), updates are compare-and-set on the version. The migrations ship with the crate and
/// run on connect (see [`vc_status::store::migrate`]), so that vc-status's store and the other
/// stores of this crate can share the file.
#[derive(Debug, Clone)]
pub struct SqliteIssuanceStore {
    pool: SqlitePool,
}

impl SqliteIssuanceStore {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::connect_with(
            SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true),
        )
        .await
    }

    /// Connects with `options` (WAL mode, `synchronous = FULL` and the busy timeout are set on
    /// top of them) and migrates the database.
    pub async fn connect_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        Self::from_pool(vc_status::store::sqlite_pool(options).await?).await
    }

    /// Uses an existing pool and migrates its database.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, StoreError> {
        let ctx = "migrate the SQLite issuance queue schema";
        adopt_legacy_migrations(&pool, ctx).await?;
        vc_status::store::migrate::sqlite(&pool, migrator(), ctx).await?;
        Ok(Self { pool })
    }

    /// The connection pool.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Records the migrations a previous release applied and recorded in its own table
/// ([`LEGACY_MIGRATIONS_TABLE`]) in sqlx's table, under their versions of today, so that sqlx
/// does not apply them again. The legacy table stays (a previous release still finds it).
async fn adopt_legacy_migrations(pool: &SqlitePool, ctx: &'static str) -> Result<(), StoreError> {
    // Under the write lock: racing processes adopt once and no migration runs meanwhile.
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(|e| map_err(e, ctx))?;
    let legacy: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1")
            .bind(LEGACY_MIGRATIONS_TABLE)
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| map_err(e, ctx))?;
    if legacy.is_none() {
        return tx.commit().await.map_err(|e| map_err(e, ctx));
    }
    let applied: Vec<i64> =
        sqlx::query_scalar(&format!("SELECT version FROM {LEGACY_MIGRATIONS_TABLE}"))
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| map_err(e, ctx))?;
    tx.ensure_migrations_table()
        .await
        .map_err(|e| StoreError::from_migrate(e, ctx))?;
    let migrator = migrator();
    for (old, new) in LEGACY_VERSIONS {
        let Some(migration) = migrator.iter().find(|m| m.version == new) else {
            continue;
        };
        if !applied.contains(&old) {
            continue;
        }
        sqlx::query(
            "INSERT OR IGNORE INTO _sqlx_migrations              (version, description, success, checksum, execution_time)              VALUES (?1, ?2, TRUE, ?3, 0)",
        )
        .bind(migration.version)
        .bind(migration.description.as_ref())
        .bind(migration.checksum.as_ref())
        .execute(&mut *tx)
        .await
        .map_err(|e| map_err(e, ctx))?;
    }
    tx.commit().await.map_err(|e| map_err(e, ctx))
}

fn columns(row: &SqliteRow) -> Result<Columns, sqlx::Error> {
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

fn record(row: &SqliteRow) -> Result<TicketRecord, StoreError> {
    columns(row)
        .map_err(|e| map_err(e, "read a ticket row"))?
        .into_record()
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[async_trait]
impl IssuanceStore for SqliteIssuanceStore {
    async fn insert(&self, r: &TicketRecord) -> Result<Inserted, StoreError> {
        let mut stored = r.clone();
        stored.version = 0;
        let v = Values::of(&stored)?;
        let inserted = sqlx::query(
            "INSERT INTO issuance_tickets (id, state, version, idempotency_key, lease_token, \
             lease_worker, lease_until, attempts, deadline, data) \
             VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                    "SELECT {COLUMNS} FROM issuance_tickets WHERE idempotency_key = ?1"
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
            "SELECT {COLUMNS} FROM issuance_tickets WHERE id = ?1"
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
            "UPDATE issuance_tickets SET state = ?1, version = version + 1, lease_token = ?2, \
             lease_worker = ?3, lease_until = ?4, attempts = ?5, deadline = ?6, data = ?7 \
             WHERE id = ?8 AND version = ?9",
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
            sqlx::query_scalar("SELECT version FROM issuance_tickets WHERE id = ?1")
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
            "UPDATE issuance_tickets SET state = 'issuing', version = version + 1, \
             lease_token = ?1, lease_worker = ?2, lease_until = ?3, attempts = attempts + 1 \
             WHERE seq IN (SELECT seq FROM issuance_tickets \
               WHERE state IN ('approved', 'issuing') \
               AND (state = 'approved' OR lease_until IS NULL OR lease_until <= ?4) \
               ORDER BY seq LIMIT ?5) \
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
             AND deadline IS NOT NULL AND deadline <= ?1 ORDER BY seq LIMIT ?2"
        ))
        .bind(to_millis(now))
        .bind(limit(n))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| map_err(e, "find overdue tickets"))?;
        rows.iter().map(record).collect()
    }

    async fn count(&self, state: TicketState) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM issuance_tickets WHERE state = ?1")
            .bind(state.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(|e| map_err(e, "count tickets"))?;
        u64::try_from(n).map_err(|_| corrupt("negative count"))
    }
}
