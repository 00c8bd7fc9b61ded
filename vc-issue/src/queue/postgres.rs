//! The PostgreSQL backend (feature `postgres`): tickets shared by workers on several machines.

use sqlx::postgres::PgRow;

use super::error::StoreError;

/// The schema the queue's tables live in unless told otherwise.
pub const DEFAULT_SCHEMA: &str = crate::sql_constructors::DEFAULT_SCHEMA;

crate::sql_constructors::postgres_store! {
    /// An [`IssuanceStore`](super::IssuanceStore) in PostgreSQL.
    ///
    /// The tables (and sqlx's migrations table) live in their own schema, `vc_issue` by default, so
    /// they never meet vc-status's or the host's. Claims lock the rows they take with
    /// `FOR UPDATE SKIP LOCKED`, so concurrent workers skip each other's rows instead of waiting;
    /// updates are compare-and-set on the version.
    pub struct PostgresIssuanceStore("./migrations/postgres/queue", "issuance queue");
}

super::sql_store::sql_issuance_store!(
    PostgresIssuanceStore,
    PgRow,
    // SKIP LOCKED: concurrent claimers skip each other's rows instead of waiting on them.
    claim = format!(
        "UPDATE issuance_tickets AS t SET state = 'issuing', version = t.version + 1, \
         lease_token = $1, lease_worker = $2, lease_until = $3, attempts = t.attempts + 1 \
         FROM (SELECT seq FROM issuance_tickets \
         WHERE state IN ('approved', 'issuing') \
         AND (state = 'approved' OR lease_until IS NULL OR lease_until <= $4) \
         ORDER BY seq LIMIT $5 FOR UPDATE SKIP LOCKED) AS c \
         WHERE t.seq = c.seq \
         RETURNING {COLUMNS}"
    )
);
