//! The SQLite backend (features `http` and `sqlite`).

crate::sql_constructors::sqlite_store! {
    /// A [`CredentialStatusIndex`](super::CredentialStatusIndex) in one SQLite file (it may share the file with the issuance queue,
    /// the status lists and the pickups), so that `POST /credentials/status` by credential id works
    /// after a restart.
    ///
    /// The table `credential_status_index` is migrated on connect; an entry recorded twice
    /// is kept once (`ON CONFLICT DO NOTHING` on a unique key), and entries come back in the order they
    /// were first recorded.
    pub struct SqliteCredentialStatusIndex("./migrations/sqlite/status_index", "credential status index");
}

super::sql_store::sql_status_index!(SqliteCredentialStatusIndex);
