//! Shared helpers of the integration tests.

use std::path::PathBuf;

/// The shared folder next to the repository (`../shared` from the repo root).
pub(crate) fn shared(path: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")).join(path)
}

#[cfg(feature = "postgres")]
/// The PostgreSQL URL for tests, or `None` (with a printed notice) when it is not set outside CI.
/// Under `CI` a missing URL fails the test.
pub(crate) fn postgres_url() -> Option<String> {
    match std::env::var("VC_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!("VC_TEST_POSTGRES_URL must be set when CI is set");
            }
            println!("notice: VC_TEST_POSTGRES_URL is not set; skipping a PostgreSQL test");
            None
        }
    }
}

#[cfg(feature = "postgres")]
/// A schema name unique to this test and run.
pub(crate) fn unique_schema(tag: &str) -> String {
    use rand::RngCore;
    format!("vc_status_test_{tag}_{:08x}", rand::rngs::OsRng.next_u32())
}

/// Drops a test schema.
#[cfg(feature = "postgres")]
pub(crate) async fn drop_schema(url: &str, schema: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .execute(&mut conn)
        .await
        .unwrap();
}
