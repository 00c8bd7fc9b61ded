//! The stores: the conformance suite on memory, SQLite and PostgreSQL, and codes and nonces
//! raced through several pools, and several servers, sharing one database.

use std::sync::Arc;

use vc_issue::oid4vci::{MemoryOid4vciStore, Oid4vciStore};
use vc_issue::testing::oid4vci as testing;

use super::harness::{start_sharing, Harness, LDP};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_passes_the_conformance_suite() {
    testing::run_conformance(Arc::new(MemoryOid4vciStore::new()))
        .await
        .unwrap();
}

/// Two servers (two processes, for the wallet) on one store: a code raced across both is
/// redeemed once.
async fn a_code_raced_across_two_servers_is_redeemed_once(
    a: Arc<dyn Oid4vciStore>,
    b: Arc<dyn Oid4vciStore>,
) {
    let status = Arc::new(vc_status::store::MemoryStore::new());
    let one = Arc::new(start_sharing(a, status.clone()).await);
    let two = Arc::new(start_sharing(b, status).await);
    for _ in 0..3 {
        let (code, tx) = one.offer(LDP, true).await;
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let server: Arc<Harness> = if i % 2 == 0 { one.clone() } else { two.clone() };
                let (code, tx) = (code.clone(), tx.clone());
                tokio::spawn(async move { server.token(&code, tx.as_deref()).await.0 })
            })
            .collect();
        let mut won = 0;
        for task in tasks {
            won += usize::from(task.await.unwrap() == 200);
        }
        assert_eq!(won, 1);
    }
}

/// The conformance suite on `a`, then codes raced through `a` and `b` (two pools on one database):
/// directly, and through two servers.
async fn two_pools_conform(a: Arc<dyn Oid4vciStore>, b: Arc<dyn Oid4vciStore>) {
    testing::run_conformance(a.clone()).await.unwrap();
    testing::concurrent_redeem(a.clone(), b.clone())
        .await
        .unwrap();
    a_code_raced_across_two_servers_is_redeemed_once(a, b).await;
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use vc_issue::oid4vci::SqliteOid4vciStore;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_store_passes_the_conformance_suite_and_two_pools_redeem_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("issuer.db");
        // The table shares the file with the queue and the pickups.
        vc_issue::queue::SqliteIssuanceStore::open(&path)
            .await
            .unwrap();
        vc_issue::pickup::SqlitePickupStore::open(&path)
            .await
            .unwrap();
        let (a, b) = tokio::join!(
            SqliteOid4vciStore::open(&path),
            SqliteOid4vciStore::open(&path)
        );
        two_pools_conform(Arc::new(a.unwrap()), Arc::new(b.unwrap())).await;
    }

    /// `kind, digest, payload, check_digest` of a row.
    type Row = (String, Vec<u8>, String, Option<Vec<u8>>);

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_digests_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            SqliteOid4vciStore::open(dir.path().join("oid4vci.db"))
                .await
                .unwrap(),
        );
        let h = start_sharing(
            store.clone(),
            Arc::new(vc_status::store::MemoryStore::new()),
        )
        .await;
        let (code, tx) = h.offer(LDP, true).await;
        let tx = tx.unwrap();
        let rows: Vec<Row> =
            sqlx::query_as("SELECT kind, digest, payload, check_digest FROM oid4vci_entries")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(rows.len(), 1);
        let (kind, digest, payload, check) = &rows[0];
        assert_eq!(kind, "pre_authorized_code");
        use sha2::Digest as _;
        assert_eq!(digest, &sha2::Sha256::digest(code.as_bytes()).to_vec());
        assert!(!payload.contains(&code));
        assert_eq!(check.as_ref().map(Vec::len), Some(32));
        let (_, token) = h.token(&code, Some(&tx)).await;
        let access = token["access_token"].as_str().unwrap();
        let rows: Vec<(String,)> = sqlx::query_as("SELECT payload FROM oid4vci_entries")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert!(rows
            .iter()
            .all(|(p,)| !p.contains(access) && !p.contains(&code)));
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use vc_issue::oid4vci::PostgresOid4vciStore;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_store_passes_the_conformance_suite_and_two_pools_redeem_once() {
        crate::fresh_schema::two_in_fresh_schema("oid4vci", |a: Arc<PostgresOid4vciStore>, b| {
            two_pools_conform(a, b)
        })
        .await;
    }
}
