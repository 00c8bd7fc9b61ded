//! The one mapping of sqlx's errors onto [`StoreError`], used by every SQL store of the workspace
//! (features `sqlite`, `postgres`): a new store adds its queries, not a new mapping.

use std::borrow::Cow;

use sqlx::migrate::MigrateError;

use super::{StoreError, StoreErrorKind};

impl StoreErrorKind {
    /// What a caller should do about a sqlx error: a unique violation means the row exists, a
    /// foreign-key violation that the row it points to does not, a busy, locked or unreachable
    /// database (or a pool timeout) is worth a retry, refused credentials are `Unauthorized`, and
    /// anything else is `Internal`.
    pub fn of_sqlx(e: &sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreErrorKind::NotFound,
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                if db.is_unique_violation() {
                    StoreErrorKind::AlreadyExists
                } else if db.is_foreign_key_violation() {
                    StoreErrorKind::NotFound
                } else if let Ok(sqlite_code) = code.parse::<i32>() {
                    // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                    match sqlite_code & 0xff {
                        5 | 6 => StoreErrorKind::Unavailable,
                        _ => StoreErrorKind::Internal,
                    }
                } else {
                    match code.as_str() {
                        // serialization failure, deadlock, lock not available
                        "40001" | "40P01" | "55P03" => StoreErrorKind::Unavailable,
                        // too many connections, shutdown, cannot connect now
                        "53300" | "57P01" | "57P02" | "57P03" => StoreErrorKind::Unavailable,
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
}

impl StoreError {
    /// A sqlx error as a store error of the kind [`StoreErrorKind::of_sqlx`] gives, with
    /// `context` saying what was attempted and the sqlx error as the source.
    pub fn from_sqlx(e: sqlx::Error, context: impl Into<Cow<'static, str>>) -> Self {
        StoreError::new(StoreErrorKind::of_sqlx(&e), context).with_source(e)
    }

    /// A failed migration: a database error keeps its kind (a busy database is worth a retry);
    /// anything else (a changed or missing migration) is `Internal`.
    pub fn from_migrate(e: MigrateError, context: impl Into<Cow<'static, str>>) -> Self {
        match e {
            MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => {
                StoreError::from_sqlx(e, context)
            }
            e => StoreError::new(StoreErrorKind::Internal, context).with_source(e),
        }
    }
}
