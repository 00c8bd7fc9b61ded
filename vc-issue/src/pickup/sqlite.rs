//! The SQLite backend (feature `sqlite`).

crate::sql_constructors::sqlite_store! {
    /// A [`PickupStore`](super::PickupStore) in one SQLite file (it may share the file with the issuance queue and the
    /// status lists).
    ///
    /// The table `credential_pickups` is migrated on connect. A take is one
    /// `DELETE ... RETURNING`, atomic under SQLite's write lock, so one token yields its credential
    /// once even when processes race.
    pub struct SqlitePickupStore("./migrations/sqlite/pickup", "pickup");
}

super::sql_store::sql_pickup_store!(SqlitePickupStore);
