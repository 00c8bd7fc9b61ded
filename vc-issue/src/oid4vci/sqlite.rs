//! The SQLite backend (feature `sqlite`).

crate::sql_constructors::sqlite_store! {
    /// An [`Oid4vciStore`](super::Oid4vciStore) in one SQLite file (it may share the file with
    /// the issuance queue and the status lists).
    ///
    /// The table `oid4vci_entries` is migrated on connect. A take is one `DELETE ... RETURNING`,
    /// atomic under SQLite's write lock, so a code or nonce is redeemed once even when processes
    /// race.
    pub struct SqliteOid4vciStore("./migrations/sqlite/oid4vci", "oid4vci");
}

super::sql_store::sql_oid4vci_store!(SqliteOid4vciStore);
