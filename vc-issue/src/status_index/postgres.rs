//! The PostgreSQL backend (features `http` and `postgres`).

crate::sql_constructors::postgres_store! {
    /// A [`CredentialStatusIndex`](super::CredentialStatusIndex) in PostgreSQL, shared by issuers on several machines: any of them
    /// can change the status of a credential another one issued.
    ///
    /// The table `credential_status_index` lives in its own schema (`vc_issue` by default) and is
    /// migrated on connect (sqlx serialises migrations across processes with an advisory lock). An entry recorded twice, by any process, is kept once
    /// (`ON CONFLICT DO NOTHING` on a unique key); entries come back in the order first recorded.
    pub struct PostgresCredentialStatusIndex("./migrations/postgres/status_index", "credential status index");
}

super::sql_store::sql_status_index!(PostgresCredentialStatusIndex);
