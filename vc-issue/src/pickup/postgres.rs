//! The PostgreSQL backend (feature `postgres`).

crate::sql_constructors::postgres_store! {
    /// A [`PickupStore`](super::PickupStore) in PostgreSQL, shared by issuers on several machines.
    ///
    /// The table `credential_pickups` lives in its own schema (`vc_issue` by default) and is migrated
    /// on connect (sqlx serialises migrations across processes with an advisory lock). A take is one `DELETE ... RETURNING`: of concurrent takes of one
    /// token, the first deletes the row and the others, waiting on its row lock, find nothing.
    pub struct PostgresPickupStore("./migrations/postgres/pickup", "pickup");
}

super::sql_store::sql_pickup_store!(PostgresPickupStore);
