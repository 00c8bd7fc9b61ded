//! A worker's draining shutdown: tickets in flight finish within the grace, or are released so
//! that a second worker claims them at once (without waiting for the lease), on every store.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use time::Duration;
use vc_core::PublicKey;
use vc_issue::queue::{
    AlwaysApprove, IssuanceQueue, IssuanceStore, MemoryIssuanceStore, TicketId, TicketState,
};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, HostError, InMemoryKeyStore, SignatureAlgorithm, Signer,
};

use crate::fixtures::Setup;

/// A signer whose first call hangs (a KMS that stopped answering) or takes `delay`; later calls
/// sign at once.
#[derive(Debug)]
struct SlowFirst {
    inner: Arc<Ed25519Signer>,
    delay: Option<StdDuration>,
    called: AtomicBool,
}

#[async_trait]
impl Signer for SlowFirst {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.inner.algorithm()
    }

    fn public_key(&self) -> &PublicKey {
        self.inner.public_key()
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
        if !self.called.swap(true, Ordering::SeqCst) {
            match self.delay {
                Some(delay) => tokio::time::sleep(delay).await,
                None => std::future::pending::<()>().await,
            }
        }
        self.inner.sign(message).await
    }
}

fn queue_on(store: Arc<dyn IssuanceStore>, delay: Option<StdDuration>) -> (Setup, IssuanceQueue) {
    let inner = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(
        inner.verification_method_id(),
        Arc::new(SlowFirst {
            inner: inner.clone(),
            delay,
            called: AtomicBool::new(false),
        }),
    );
    let setup = Setup::with(|b| b.keys(keys));
    let queue = IssuanceQueue::builder()
        .issuer(setup.issuer.clone())
        .store(store)
        .policy(Arc::new(AlwaysApprove))
        // Far longer than the test: only a release lets the second worker in.
        .lease(Duration::minutes(10))
        .build()
        .unwrap();
    (setup, queue)
}

/// Runs worker `a` until `t` is in flight, stops it, and returns what its run did.
async fn stop_while_in_flight(
    queue: &IssuanceQueue,
    t: &TicketId,
    grace: StdDuration,
) -> vc_issue::queue::WorkReport {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = queue.worker("a").drain_grace(grace);
    let running = tokio::spawn(async move {
        worker
            .run(4, StdDuration::from_millis(10), async {
                let _ = stopped.await;
            })
            .await
    });
    loop {
        let record = queue.store().get(t).await.unwrap().unwrap();
        if record.state == TicketState::Issuing {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    stop.send(()).unwrap();
    tokio::time::timeout(StdDuration::from_secs(30), running)
        .await
        .expect("the worker stops")
        .unwrap()
}

async fn in_flight_work_is_released_and_taken_over(store: Arc<dyn IssuanceStore>) {
    let (setup, queue) = queue_on(store.clone(), None);
    let t = queue.submit(setup.degree_request(), None).await.unwrap();
    let report = stop_while_in_flight(&queue, &t.id, StdDuration::from_millis(20)).await;
    assert_eq!((report.claimed, report.released), (1, 1), "{report:?}");

    let released = store.get(&t.id).await.unwrap().unwrap();
    assert_eq!(released.state, TicketState::Issuing);
    assert_eq!(released.lease, None, "claimable now");
    assert_eq!(released.attempts, 0, "a release is not an attempt");

    // The second worker claims it at once: no clock moved, the 10 minute lease did not run out.
    let r = queue.worker("b").run_once(4).await.unwrap();
    assert_eq!((r.claimed, r.issued), (1, 1), "{r:?}");
    let status = queue.status(&t.id).await.unwrap();
    assert_eq!(status.state, TicketState::Issued);
    assert!(status
        .history
        .iter()
        .any(|h| h.actor == "a" && h.note.as_deref() == Some("released at shutdown")));
    let credential = status.response.unwrap().credential;
    CredentialVerifier::new(setup.dids.clone())
        .verify(credential.as_credential().unwrap())
        .await
        .unwrap();
    assert_eq!(store.get(&t.id).await.unwrap().unwrap().attempts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_in_flight_work_is_released_at_shutdown() {
    in_flight_work_is_released_and_taken_over(Arc::new(MemoryIssuanceStore::new())).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_flight_work_is_released_at_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let store = vc_issue::queue::SqliteIssuanceStore::open(dir.path().join("queue.db"))
        .await
        .unwrap();
    in_flight_work_is_released_and_taken_over(Arc::new(store)).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_in_flight_work_is_released_at_shutdown() {
    crate::fresh_schema::one_in_fresh_schema(
        "drain",
        |store: vc_issue::queue::PostgresIssuanceStore| async move {
            in_flight_work_is_released_and_taken_over(Arc::new(store)).await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_work_finishes_within_the_grace() {
    let store: Arc<dyn IssuanceStore> = Arc::new(MemoryIssuanceStore::new());
    let (setup, queue) = queue_on(store.clone(), Some(StdDuration::from_millis(200)));
    let t = queue.submit(setup.degree_request(), None).await.unwrap();
    let report = stop_while_in_flight(&queue, &t.id, StdDuration::from_secs(20)).await;
    assert_eq!(
        (report.claimed, report.issued, report.released),
        (1, 1, 0),
        "{report:?}"
    );
    assert_eq!(
        queue.status(&t.id).await.unwrap().state,
        TicketState::Issued
    );
}
