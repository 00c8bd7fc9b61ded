//! The PostgreSQL exchange store (feature `postgres`): exchanges shared by service instances on
//! several machines.

use sqlx::postgres::PgRow;

/// The schema the exchanges table lives in unless told otherwise (the issuance queue's).
pub const DEFAULT_SCHEMA: &str = crate::sql_constructors::DEFAULT_SCHEMA;

crate::sql_constructors::postgres_store! {
    /// An [`ExchangeStore`](super::ExchangeStore) in PostgreSQL.
    ///
    /// The table lives in its own schema (`vc_issue` by default) and is migrated on connect (sqlx serialises
    /// migrations across processes with an advisory lock). An update
    /// is one `UPDATE ... WHERE id = $ AND sequence = $`: under PostgreSQL's row locking, of two
    /// writers holding the same sequence exactly one matches the row.
    pub struct PostgresExchangeStore("./migrations/postgres/exchange", "exchanges");
}

super::sql_store::sql_exchange_store!(
    PostgresExchangeStore,
    PgRow,
    purge_lock = " FOR UPDATE SKIP LOCKED"
);
