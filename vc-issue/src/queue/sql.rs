//! What the SQL backends share: error mapping and row conversion.

use std::borrow::Cow;

use super::error::{StoreError, StoreErrorKind};
use super::state::{from_millis, to_millis, Lease, TicketRecord, TicketState};

/// A pool on one SQLite file, as every vc-issue store opens it (they may share the file): WAL so
/// that readers never wait for the writer, `synchronous = FULL`, a 30 s wait for another
/// process's write lock, four connections. `options` come first; these settings go on top.
///
/// `FULL` because what these stores commit must survive a power loss, not only a crash: in WAL
/// mode `NORMAL` does not sync the log at each commit, so the last commits can vanish, and an
/// approved request would be lost, a ticket marked issued could go back to be issued again, and
/// the status index could forget which entry a credential holds. The status list store in
/// vc-status syncs the same way; BENCHMARKS.md has the cost.
#[cfg(feature = "sqlite")]
pub(crate) async fn sqlite_pool(
    options: sqlx::sqlite::SqliteConnectOptions,
) -> Result<sqlx::SqlitePool, sqlx::Error> {
    let options = options
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full)
        .busy_timeout(std::time::Duration::from_secs(30));
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
}

/// Whether `schema` may name a PostgreSQL schema the stores create and quote-free interpolate:
/// lowercase letters, digits and `_`, not starting with a digit, at most 63 bytes.
#[cfg(feature = "postgres")]
pub(crate) fn valid_schema(schema: &str) -> bool {
    let mut bytes = schema.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'_'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
        && schema.len() <= 63
}

/// What a caller should do about a sqlx error.
pub(crate) fn kind_of(e: &sqlx::Error) -> StoreErrorKind {
    match e {
        sqlx::Error::RowNotFound => StoreErrorKind::NotFound,
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            if db.is_unique_violation() {
                StoreErrorKind::AlreadyExists
            } else if let Ok(sqlite_code) = code.parse::<i32>() {
                // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                match sqlite_code & 0xff {
                    5 | 6 => StoreErrorKind::Unavailable,
                    _ => StoreErrorKind::Internal,
                }
            } else {
                match code.as_str() {
                    "40001" | "40P01" | "55P03" | "53300" | "57P01" | "57P02" | "57P03" => {
                        StoreErrorKind::Unavailable
                    }
                    "28000" | "28P01" => StoreErrorKind::Unauthorized,
                    _ => StoreErrorKind::Internal,
                }
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => StoreErrorKind::Unavailable,
        _ => StoreErrorKind::Internal,
    }
}

pub(super) fn map_err(e: sqlx::Error, context: impl Into<Cow<'static, str>>) -> StoreError {
    StoreError::new(kind_of(&e), context).with_source(e)
}

pub(super) fn corrupt(what: &'static str) -> StoreError {
    StoreError::new(StoreErrorKind::Internal, what)
}

pub(super) const COLUMNS: &str =
    "id, state, version, lease_token, lease_worker, lease_until, attempts, deadline, data";

/// A `issuance_tickets` row, as read from either backend.
pub(super) struct Columns {
    pub(super) id: String,
    pub(super) state: String,
    pub(super) version: i64,
    pub(super) lease_token: Option<String>,
    pub(super) lease_worker: Option<String>,
    pub(super) lease_until: Option<i64>,
    pub(super) attempts: i64,
    pub(super) deadline: Option<i64>,
    pub(super) data: String,
}

impl Columns {
    /// The record: `data`, with the columns (which claims update in place) winning.
    pub(super) fn into_record(self) -> Result<TicketRecord, StoreError> {
        let mut r: TicketRecord = serde_json::from_str(&self.data).map_err(|e| {
            StoreError::new(StoreErrorKind::Internal, "corrupt ticket data").with_source(e)
        })?;
        if r.id.as_str() != self.id {
            return Err(corrupt("ticket id and data disagree"));
        }
        r.state = self
            .state
            .parse::<TicketState>()
            .map_err(|_| corrupt("unknown ticket state"))?;
        r.version = u64::try_from(self.version).map_err(|_| corrupt("negative version"))?;
        r.attempts = u32::try_from(self.attempts).map_err(|_| corrupt("attempts out of range"))?;
        r.deadline = match self.deadline {
            Some(ms) => Some(from_millis(ms).ok_or(corrupt("invalid deadline"))?),
            None => None,
        };
        r.lease = match (self.lease_token, self.lease_worker, self.lease_until) {
            (Some(token), Some(worker), Some(until)) => Some(Lease {
                token,
                worker,
                until: from_millis(until).ok_or(corrupt("invalid lease time"))?,
            }),
            _ => None,
        };
        Ok(r)
    }
}

/// The values an insert or update writes.
pub(super) struct Values {
    pub(super) state: &'static str,
    pub(super) lease_token: Option<String>,
    pub(super) lease_worker: Option<String>,
    pub(super) lease_until: Option<i64>,
    pub(super) attempts: i64,
    pub(super) deadline: Option<i64>,
    pub(super) data: String,
    pub(super) version: i64,
}

impl Values {
    pub(super) fn of(r: &TicketRecord) -> Result<Self, StoreError> {
        let data = serde_json::to_string(r).map_err(|e| {
            StoreError::new(StoreErrorKind::Internal, "serialize a ticket").with_source(e)
        })?;
        Ok(Self {
            state: r.state.as_str(),
            lease_token: r.lease.as_ref().map(|l| l.token.clone()),
            lease_worker: r.lease.as_ref().map(|l| l.worker.clone()),
            lease_until: r.lease.as_ref().map(|l| to_millis(l.until)),
            attempts: i64::from(r.attempts),
            deadline: r.deadline.map(to_millis),
            data,
            version: i64::try_from(r.version).map_err(|_| corrupt("version out of range"))?,
        })
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use sqlx::sqlite::SqliteConnectOptions;

    #[tokio::test]
    async fn every_connection_of_the_pool_syncs_each_commit() {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("queue.db"))
            .create_if_missing(true)
            // What a caller asks for does not weaken what the stores need.
            .synchronous(sqlx::sqlite::SqliteSynchronous::Off);
        let pool = super::sqlite_pool(options).await.unwrap();
        // Hold all four connections at once, so that each one is a fresh one that was checked.
        let mut connections = Vec::new();
        for _ in 0..4 {
            connections.push(pool.acquire().await.unwrap());
        }
        for connection in &mut connections {
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(synchronous, 2, "FULL");
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(mode, "wal");
        }
    }
}
