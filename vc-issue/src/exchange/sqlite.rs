//! The SQLite exchange store (feature `sqlite`): exchanges in one file shared by several
//! processes.

use sqlx::sqlite::SqliteRow;

crate::sql_constructors::sqlite_store! {
    /// An [`ExchangeStore`](super::ExchangeStore) in one SQLite file (WAL mode, with a busy timeout).
    ///
    /// An update is one `UPDATE ... WHERE id = ? AND sequence = ?`, atomic under SQLite's write lock:
    /// of two writers holding the same sequence, one changes the row and the other changes nothing
    /// and gets [`StoreErrorKind::Conflict`](super::StoreErrorKind::Conflict). The table is
    /// migrated on connect; the file can be shared
    /// with the issuance queue's and vc-status's stores.
    pub struct SqliteExchangeStore("./migrations/sqlite/exchange", "exchanges");
}

super::sql_store::sql_exchange_store!(SqliteExchangeStore, SqliteRow, purge_lock = "");
