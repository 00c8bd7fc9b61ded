//! The constructors every SQL store of this crate has, written once: a SQLite store opens a file,
//! connects with options or takes a pool; a PostgreSQL store connects to a URL, in the `vc_issue`
//! schema or one of the host's. Each migrates its own tables on connect, through
//! [`vc_status::store::migrate`], the one migration strategy of the workspace.

/// The schema the PostgreSQL stores of this crate put their tables in unless told otherwise.
#[cfg(feature = "postgres")]
pub(crate) const DEFAULT_SCHEMA: &str = "vc_issue";

/// The SQLite store `$store` (its one field the pool) with `open`, `connect_with`, `from_pool` and
/// `pool`, migrating with the migrations in `$dir`; `prepare`, when given, runs on
/// the pool before the migrations (the queue adopts a previous release's migration records).
#[cfg(feature = "sqlite")]
macro_rules! sqlite_store {
    (
        $(#[$meta:meta])*
        pub struct $store:ident($dir:literal, $what:literal $(, prepare = $prepare:path)?);
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $store {
            pool: sqlx::sqlite::SqlitePool,
        }

        impl $store {
            /// Opens (creating if missing) the database file at `path` and migrates it.
            pub async fn open(
                path: impl AsRef<std::path::Path>,
            ) -> Result<Self, vc_status::store::StoreError> {
                Self::connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new()
                        .filename(path)
                        .create_if_missing(true),
                )
                .await
            }

            /// Connects with `options` (WAL mode, `synchronous = FULL` and a busy timeout are set
            /// on top of them) and migrates the database.
            pub async fn connect_with(
                options: sqlx::sqlite::SqliteConnectOptions,
            ) -> Result<Self, vc_status::store::StoreError> {
                Self::from_pool(vc_status::store::sqlite_pool(options).await?).await
            }

            /// Uses an existing pool and migrates its database.
            pub async fn from_pool(
                pool: sqlx::sqlite::SqlitePool,
            ) -> Result<Self, vc_status::store::StoreError> {
                let ctx = concat!("migrate the SQLite ", $what, " schema");
                $($prepare(&pool, ctx).await?;)?
                vc_status::store::migrate::sqlite(&pool, sqlx::migrate!($dir), ctx).await?;
                Ok(Self { pool })
            }

            /// The connection pool.
            pub fn pool(&self) -> &sqlx::sqlite::SqlitePool {
                &self.pool
            }
        }
    };
}
#[cfg(feature = "sqlite")]
pub(crate) use sqlite_store;

/// The PostgreSQL store `$store` (its one field the pool) with `connect`, `connect_with_schema`
/// and `pool`, migrating with the migrations in `$dir`.
#[cfg(feature = "postgres")]
macro_rules! postgres_store {
    (
        $(#[$meta:meta])*
        pub struct $store:ident($dir:literal, $what:literal);
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $store {
            pool: sqlx::postgres::PgPool,
        }

        impl $store {
            /// Connects to `url`, creates the `vc_issue` schema if needed and migrates it.
            pub async fn connect(url: &str) -> Result<Self, vc_status::store::StoreError> {
                Self::connect_with_schema(url, $crate::sql_constructors::DEFAULT_SCHEMA).await
            }

            /// Like [`connect`](Self::connect), with the tables in `schema` (lowercase letters,
            /// digits and `_`, at most 63 bytes).
            pub async fn connect_with_schema(
                url: &str,
                schema: &str,
            ) -> Result<Self, vc_status::store::StoreError> {
                let pool = vc_status::store::postgres_pool(url, schema).await?;
                vc_status::store::migrate::postgres(
                    &pool,
                    sqlx::migrate!($dir),
                    concat!("migrate the ", $what, " schema"),
                )
                .await?;
                Ok(Self { pool })
            }

            /// The connection pool (its `search_path` is the store's schema).
            pub fn pool(&self) -> &sqlx::postgres::PgPool {
                &self.pool
            }
        }
    };
}
#[cfg(feature = "postgres")]
pub(crate) use postgres_store;
