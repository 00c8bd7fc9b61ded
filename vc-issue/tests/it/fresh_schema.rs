//! PostgreSQL stores in a fresh schema of the test server, dropped afterwards whatever happens
//! (`vc_status::testing::postgres::in_fresh_schema`): what every PostgreSQL test of this binary
//! starts with.

use std::future::Future;
use std::sync::Arc;

use vc_status::store::StoreError;

/// A PostgreSQL store that lives in a schema of its own.
pub trait SchemaStore: Sized + Send + Sync + 'static {
    /// Connects to the server at `url`, in `schema` (creating its tables there).
    fn connect(url: &str, schema: &str) -> impl Future<Output = Result<Self, StoreError>> + Send;
}

macro_rules! schema_store {
    ($($store:ty),* $(,)?) => {$(
        impl SchemaStore for $store {
            fn connect(
                url: &str,
                schema: &str,
            ) -> impl Future<Output = Result<Self, StoreError>> + Send {
                <$store>::connect_with_schema(url, schema)
            }
        }
    )*};
}
schema_store!(
    vc_status::store::PostgresStore,
    vc_issue::queue::PostgresIssuanceStore,
    vc_issue::exchange::PostgresExchangeStore,
    vc_issue::pickup::PostgresPickupStore,
    vc_issue::status_index::PostgresCredentialStatusIndex,
);
#[cfg(feature = "oid4vci")]
schema_store!(vc_issue::oid4vci::PostgresOid4vciStore);

/// Runs `test` on one `S` in a fresh schema (`tag` names it); skips without a test server.
pub async fn one_in_fresh_schema<S, F, Fut>(tag: &str, test: F)
where
    S: SchemaStore,
    F: FnOnce(S) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    vc_status::testing::postgres::in_fresh_schema("vc_issue_test", tag, |url, schema| async move {
        test(S::connect(&url, &schema).await.unwrap()).await;
    })
    .await;
}

/// Runs `test` on two `S` (two pools, as of two processes) that connected at once to a fresh
/// schema: creating the tables must not collide.
pub async fn two_in_fresh_schema<S, F, Fut>(tag: &str, test: F)
where
    S: SchemaStore,
    F: FnOnce(Arc<S>, Arc<S>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    vc_status::testing::postgres::in_fresh_schema("vc_issue_test", tag, |url, schema| async move {
        let (a, b) = tokio::join!(S::connect(&url, &schema), S::connect(&url, &schema));
        test(Arc::new(a.unwrap()), Arc::new(b.unwrap())).await;
    })
    .await;
}
