//! `POST /credentials/pickup` and the pickup stores.

use crate::http_api::server::status_and_code;
use std::sync::Arc;

use serde_json::{json, Value};
use time::macros::datetime;
use vc_core::FixedClock;
use vc_issue::http::BODY_LIMIT;
use vc_issue::pickup::{MemoryPickupStore, PickupStore};
use vc_issue::testing::pickup as testing;

use crate::http_api::server::{json_of, start, Options, Server};

async fn with_pickup(store: Arc<dyn PickupStore>) -> (Server, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(datetime!(2025-06-01 12:00 UTC)));
    let server = start(Options {
        pickup: Some((store, clock.clone())),
        ..Options::default()
    })
    .await;
    (server, clock)
}

/// Issues a credential and stores it for pickup; returns the credential and the link's token.
async fn issue_for_pickup(server: &Server, ttl: time::Duration) -> (Value, String) {
    let response = server.issuer.issue(server.request("gold")).await.unwrap();
    let vc = serde_json::to_value(&response.credential).unwrap();
    let link = server
        .pickup
        .as_ref()
        .unwrap()
        .create_pickup(response.credential, ttl)
        .await
        .unwrap();
    let (endpoint, token) = link.url().split_once("#token=").unwrap();
    assert_eq!(endpoint, server.url("/credentials/pickup"));
    assert_eq!(token, link.token().expose());
    (vc, token.to_owned())
}

async fn redeem(server: &Server, token: &str) -> (u16, Value) {
    let response = server
        .client
        .post(server.url("/credentials/pickup"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    json_of(response).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_yields_its_credential_once_and_then_the_same_410_as_unknown_or_expired() {
    let (server, clock) = with_pickup(Arc::new(MemoryPickupStore::new())).await;
    let (vc, token) = issue_for_pickup(&server, time::Duration::minutes(10)).await;

    let (status, body) = redeem(&server, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verifiableCredential"], vc);
    server.verify(&body["verifiableCredential"]).await;

    let (used_status, used) = redeem(&server, &token).await;
    let (unknown_status, unknown) =
        redeem(&server, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    let (_, expiring) = issue_for_pickup(&server, time::Duration::minutes(10)).await;
    clock.advance(time::Duration::minutes(10));
    let (expired_status, expired) = redeem(&server, &expiring).await;
    assert_eq!(
        (used_status, unknown_status, expired_status),
        (410, 410, 410)
    );
    assert_eq!(used["code"], "PICKUP_GONE");
    assert_eq!(used, unknown, "no hint which");
    assert_eq!(used, expired, "no hint which");

    // Malformed requests are told so (that says nothing about tokens).
    for body in [json!({}), json!({"token": 5}), json!("token")] {
        let response = server
            .client
            .post(server.url("/credentials/pickup"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            status_and_code(response).await,
            (400, "INVALID_REQUEST".to_owned())
        );
    }
    let response = server
        .client
        .post(server.url("/credentials/pickup"))
        .body(vec![b'x'; BODY_LIMIT + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_code(response).await,
        (413, "BODY_TOO_LARGE".to_owned())
    );
}

/// Many concurrent requests with one token: exactly one gets the credential.
async fn concurrent_redeem_yields_one(store: Arc<dyn PickupStore>) {
    const RACERS: usize = 6;
    let (server, _clock) = with_pickup(store).await;
    let server = Arc::new(server);
    for _round in 0..3 {
        let (vc, token) = issue_for_pickup(&server, time::Duration::minutes(5)).await;
        let barrier = Arc::new(tokio::sync::Barrier::new(RACERS));
        let tasks: Vec<_> = (0..RACERS)
            .map(|_| {
                let (server, barrier, token) = (server.clone(), barrier.clone(), token.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    redeem(&server, &token).await
                })
            })
            .collect();
        let mut delivered = Vec::new();
        for task in tasks {
            let (status, body) = task.await.unwrap();
            match status {
                200 => delivered.push(body),
                410 => assert_eq!(body["code"], "PICKUP_GONE"),
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(
            delivered.len(),
            1,
            "exactly one request gets the credential"
        );
        assert_eq!(delivered[0]["verifiableCredential"], vc);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_raced_by_concurrent_requests_is_delivered_once_memory() {
    concurrent_redeem_yields_one(Arc::new(MemoryPickupStore::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_pickup_store_passes_the_conformance_suite() {
    testing::run_conformance(Arc::new(MemoryPickupStore::new()))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_status_index_passes_the_conformance_check() {
    let index = vc_issue::status_index::MemoryCredentialStatusIndex::new();
    vc_issue::testing::status_index::status_index_conformance(&index)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouped_status_indexes_pass_the_conformance_check() {
    use vc_issue::status_index::{GroupedStatusIndex, MemoryCredentialStatusIndex};
    let grouped = GroupedStatusIndex::new(MemoryCredentialStatusIndex::shared());
    vc_issue::testing::status_index::status_index_conformance(&grouped)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = vc_issue::status_index::SqliteCredentialStatusIndex::open(dir.path().join("i.db"))
        .await
        .unwrap();
    let grouped = GroupedStatusIndex::new(Arc::new(sqlite));
    vc_issue::testing::status_index::status_index_conformance(&grouped)
        .await
        .unwrap();
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use vc_issue::pickup::SqlitePickupStore;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_pickup_store_passes_the_conformance_suite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pickup.db");
        // The table shares the file with the issuance queue and the status lists.
        vc_issue::queue::SqliteIssuanceStore::open(&path)
            .await
            .unwrap();
        vc_status::store::SqliteStore::open(&path).await.unwrap();
        let store = SqlitePickupStore::open(&path).await.unwrap();
        SqlitePickupStore::open(&path).await.unwrap();
        testing::run_conformance(Arc::new(store)).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_status_index_passes_the_conformance_check_and_survives_a_restart() {
        use vc_issue::status_index::{CredentialStatusIndex, SqliteCredentialStatusIndex};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("issuer.db");
        // The table shares the file with the pickups.
        SqlitePickupStore::open(&path).await.unwrap();
        let index = SqliteCredentialStatusIndex::open(&path).await.unwrap();
        vc_issue::testing::status_index::status_index_conformance(&index)
            .await
            .unwrap();
        let before = index.entries("conformance-a").await.unwrap();
        drop(index);
        let reopened = SqliteCredentialStatusIndex::open(&path).await.unwrap();
        assert_eq!(reopened.entries("conformance-a").await.unwrap(), before);
        assert_eq!(before.len(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_raced_by_concurrent_requests_is_delivered_once_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlitePickupStore::open(dir.path().join("pickup.db"))
            .await
            .unwrap();
        concurrent_redeem_yields_one(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_the_digest_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(
            SqlitePickupStore::open(dir.path().join("pickup.db"))
                .await
                .unwrap(),
        );
        let (server, _clock) = with_pickup(store.clone()).await;
        let (_, token) = issue_for_pickup(&server, time::Duration::minutes(5)).await;
        let rows: Vec<(Vec<u8>, String)> =
            sqlx::query_as("SELECT digest, credential FROM credential_pickups")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(rows.len(), 1);
        let token_bytes = token.as_bytes();
        assert_eq!(rows[0].0.len(), 32);
        assert!(!rows[0].1.contains(&token));
        assert!(rows[0]
            .0
            .windows(token_bytes.len())
            .all(|w| w != token_bytes));
        use sha2::Digest as _;
        assert_eq!(rows[0].0, sha2::Sha256::digest(token.as_bytes()).to_vec());
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use crate::fresh_schema::two_in_fresh_schema;
    use vc_issue::pickup::PostgresPickupStore;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_pickup_store_passes_the_conformance_suite() {
        two_in_fresh_schema(
            "pickup_conf",
            |store: Arc<PostgresPickupStore>, _| async move {
                testing::run_conformance(store).await.unwrap();
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_token_raced_by_concurrent_requests_is_delivered_once_postgres() {
        two_in_fresh_schema(
            "pickup_race",
            |store: Arc<PostgresPickupStore>, _| async move {
                concurrent_redeem_yields_one(store).await;
            },
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_status_index_is_shared_by_every_process() {
        use vc_issue::status_index::{CredentialStatusIndex, PostgresCredentialStatusIndex};
        use vc_issue::testing::status_index::status_index_conformance;
        two_in_fresh_schema(
            "status_index",
            |a: Arc<PostgresCredentialStatusIndex>, b| async move {
                status_index_conformance(&*a).await.unwrap();
                // What one issuer recorded, the other finds; both recording the same entry at
                // once keeps it once.
                assert_eq!(b.entries("conformance-a").await.unwrap().len(), 2);
                let entry = b.entries("conformance-b").await.unwrap();
                let (x, y) = tokio::join!(a.record("shared", &entry), b.record("shared", &entry));
                x.unwrap();
                y.unwrap();
                assert_eq!(a.entries("shared").await.unwrap(), entry);
            },
        )
        .await;
    }
}
