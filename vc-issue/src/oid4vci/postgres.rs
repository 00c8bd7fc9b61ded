//! The PostgreSQL backend (feature `postgres`).

crate::sql_constructors::postgres_store! {
    /// An [`Oid4vciStore`](super::Oid4vciStore) in PostgreSQL, shared by issuers on several
    /// machines.
    ///
    /// The table `oid4vci_entries` lives in its own schema (`vc_issue` by default) and is
    /// migrated on connect. A take is one `DELETE ... RETURNING`: of concurrent takes of one
    /// entry, the first deletes the row and the others, waiting on its row lock, find nothing.
    pub struct PostgresOid4vciStore("./migrations/postgres/oid4vci", "oid4vci");
}

super::sql_store::sql_oid4vci_store!(PostgresOid4vciStore);
