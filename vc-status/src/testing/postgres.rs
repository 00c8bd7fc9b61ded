//! What every test that needs a PostgreSQL server shares (features `testing` and `postgres`):
//! where the server is, a schema of its own per test, and dropping it afterwards.
//!
//! Tests run concurrently against one server, so each works in a schema with a random name and
//! drops it at the end, whether it passed or not.

use rand::RngCore;
use sqlx::Connection;

/// The environment variable that names the test server (`postgres://user@host:port/db`).
pub const URL_VAR: &str = "VC_TEST_POSTGRES_URL";

/// The test server's URL from [`URL_VAR`], or `None` (with a notice on stdout) when it is not
/// set: the test then skips. Under `CI` a missing URL fails the test instead, so that CI never
/// skips the PostgreSQL tests silently.
pub fn url() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            #[expect(
                clippy::panic,
                reason = "CI must run the PostgreSQL tests, not skip them"
            )]
            if std::env::var_os("CI").is_some() {
                panic!("{URL_VAR} must be set when CI is set");
            }
            #[expect(
                clippy::print_stdout,
                reason = "the skip notice is for whoever runs the tests"
            )]
            {
                println!("notice: {URL_VAR} is not set; skipping a PostgreSQL test");
            }
            None
        }
    }
}

/// A schema name unique to one test and run: `{prefix}_{tag}_` and eight random hex digits.
pub fn unique_schema(prefix: &str, tag: &str) -> String {
    format!("{prefix}_{tag}_{:08x}", rand::rngs::OsRng.next_u32())
}

/// Drops `schemas` (and everything in them) on the server at `url`.
pub async fn drop_schemas(url: &str, schemas: &[&str]) -> Result<(), sqlx::Error> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    for schema in schemas {
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await
}

/// Creates `schema` on the server at `url` and returns a pool that works in it (its
/// `search_path`): for a test that builds a database by hand, such as one of an older schema.
pub async fn create_schema(url: &str, schema: &str) -> Result<sqlx::PgPool, sqlx::Error> {
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::query(&format!("CREATE SCHEMA \"{schema}\""))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let options: sqlx::postgres::PgConnectOptions = url.parse()?;
    sqlx::PgPool::connect_with(options.options([("search_path", schema)])).await
}

/// Runs `test` with the server's URL and a fresh schema (named from `prefix` and `tag`), then
/// drops the schema whether the test passed or panicked, and re-raises its panic. Does nothing
/// when [`url`] is `None`.
pub async fn in_fresh_schema<F, Fut>(prefix: &str, tag: &str, test: F)
where
    F: FnOnce(String, String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let Some(url) = url() else {
        return;
    };
    let schema = unique_schema(prefix, tag);
    // On its own task, so that a panicking test still reaches the cleanup below.
    let result = tokio::spawn(test(url.clone(), schema.clone())).await;
    let dropped = drop_schemas(&url, &[&schema]).await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
    #[expect(
        clippy::expect_used,
        reason = "a test helper: a schema left behind is a failed test"
    )]
    dropped.expect("the test's schema is dropped");
}
