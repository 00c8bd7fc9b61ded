//! The SQLite backend (feature `sqlite`).

use sqlx::sqlite::SqlitePool;

/// A [`PickupStore`](super::PickupStore) in one SQLite file (it may share the file with the issuance queue and the
/// status lists).
///
/// The table `credential_pickups` is migrated on connect. A take is one
/// `DELETE ... RETURNING`, atomic under SQLite's write lock, so one token yields its credential
/// once even when processes race.
#[derive(Debug, Clone)]
pub struct SqlitePickupStore {
    pool: SqlitePool,
}

crate::sql_constructors::sqlite_constructors!(
    SqlitePickupStore,
    "./migrations/sqlite/pickup",
    "pickup"
);

super::sql_store::sql_pickup_store!(SqlitePickupStore);
