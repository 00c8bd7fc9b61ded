//! Asynchronous issuance: transitions, approvals, information requests, expiry, workers, leases,
//! owned status reservations, and the store conformance suite on every backend.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use serde_json::json;
use time::macros::datetime;
use time::Duration;
use vc_core::FixedClock;
use vc_issue::queue::{
    AlwaysApprove, AlwaysHold, ClaimTest, Decision, IssuanceObserver, IssuanceQueue, IssuanceStore,
    Lease, MemoryIssuanceStore, QueueError, Rule, RulePolicy, Ticket, TicketState, TransitionEvent,
};
use vc_issue::testing::queue as testing;
use vc_issue::{BatchItem, BatchRequest, CredentialVerifier, IssuanceRequest};
use vc_status::store::{MemoryStore, StatusListStore};
use vc_status::{ReservationOwner, StatusPurpose, StatusRegistry};

use crate::fixtures::{degree_claims, Setup};

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[path = "queue_crash.rs"]
mod crash;

const T0: time::OffsetDateTime = datetime!(2024-06-01 12:00 UTC);

#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<(Option<TicketState>, TicketState, String)>>);

#[async_trait]
impl IssuanceObserver for Recorder {
    async fn on_transition(&self, e: &TransitionEvent) {
        self.0.lock().unwrap().push((e.from, e.to, e.actor.clone()));
    }
}

impl Recorder {
    fn states(&self) -> Vec<TicketState> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, to, _)| *to)
            .collect()
    }
}

struct World {
    setup: Setup,
    queue: IssuanceQueue,
    clock: Arc<FixedClock>,
    store: Arc<MemoryIssuanceStore>,
    observer: Arc<Recorder>,
}

fn world(
    policy: Arc<dyn vc_issue::queue::ApprovalPolicy>,
    customize: impl FnOnce(
        vc_issue::queue::IssuanceQueueBuilder,
    ) -> vc_issue::queue::IssuanceQueueBuilder,
) -> World {
    world_with(Setup::new(), policy, customize)
}

fn world_with(
    setup: Setup,
    policy: Arc<dyn vc_issue::queue::ApprovalPolicy>,
    customize: impl FnOnce(
        vc_issue::queue::IssuanceQueueBuilder,
    ) -> vc_issue::queue::IssuanceQueueBuilder,
) -> World {
    let clock = Arc::new(FixedClock::new(T0));
    let store = Arc::new(MemoryIssuanceStore::new());
    let observer = Arc::new(Recorder::default());
    let builder = IssuanceQueue::builder()
        .issuer(setup.issuer.clone())
        .store(store.clone())
        .policy(policy)
        .observer(observer.clone())
        .clock(clock.clone())
        .approval_deadline(Duration::days(7))
        .lease(Duration::seconds(30))
        .backoff(StdDuration::from_secs(1), StdDuration::from_secs(60));
    World {
        queue: customize(builder).build().unwrap(),
        setup,
        clock,
        store,
        observer,
    }
}

impl World {
    /// Submits the degree request with a revocation status entry.
    async fn submit_revocable(&self) -> Ticket {
        self.queue
            .submit(request(&self.setup).revocable(true), None)
            .await
            .unwrap()
    }
}

fn request(setup: &Setup) -> IssuanceRequest {
    setup.degree_request()
}

#[test]
fn the_transition_table_is_exactly_the_documented_one() {
    use TicketState::*;
    let allowed: HashSet<(TicketState, TicketState)> = [
        (PendingApproval, Approved),
        (PendingApproval, Rejected),
        (PendingApproval, NeedsInformation),
        (PendingApproval, Expired),
        (NeedsInformation, PendingApproval),
        (NeedsInformation, Approved),
        (NeedsInformation, Rejected),
        (NeedsInformation, Expired),
        (Approved, Issuing),
        (Issuing, Issuing),
        (Issuing, Issued),
        (Issuing, Failed),
    ]
    .into_iter()
    .collect();
    for from in TicketState::ALL {
        for to in TicketState::ALL {
            assert_eq!(
                from.can_become(to),
                allowed.contains(&(from, to)),
                "{from} -> {to}"
            );
        }
        if from.is_terminal() {
            assert!(TicketState::ALL.iter().all(|&to| !from.can_become(to)));
        }
        assert_eq!(from.as_str().parse::<TicketState>().unwrap(), from);
        assert_eq!(serde_json::to_value(from).unwrap(), json!(from.as_str()));
    }
    assert!("bogus".parse::<TicketState>().is_err());
}

#[tokio::test]
async fn held_request_is_approved_issued_and_polled_with_history() {
    let w = world(Arc::new(AlwaysHold), |b| b);
    let ticket = w.queue.submit(request(&w.setup), None).await.unwrap();
    assert_eq!(ticket.state, TicketState::PendingApproval);
    assert_eq!(ticket.location, format!("/credentials/issue/{}", ticket.id));
    // Nothing to do for a worker yet.
    let idle = w.queue.worker("w1").run_once(10).await.unwrap();
    assert_eq!(idle.claimed, 0);

    w.clock.advance(Duration::minutes(5));
    let approved = w
        .queue
        .approve(
            &ticket.id,
            "alice@university.example",
            Some("checked the transcript"),
        )
        .await
        .unwrap();
    assert_eq!(approved.state, TicketState::Approved);
    let report = w.queue.worker("w1").run_until_idle(10).await.unwrap();
    assert_eq!((report.claimed, report.issued), (1, 1));

    let status = w.queue.status(&ticket.id).await.unwrap();
    assert_eq!(status.state, TicketState::Issued);
    let states: Vec<_> = status.history.iter().map(|h| h.state).collect();
    assert_eq!(
        states,
        [
            TicketState::PendingApproval,
            TicketState::Approved,
            TicketState::Issuing,
            TicketState::Issued
        ]
    );
    assert_eq!(status.history[1].actor, "alice@university.example");
    assert_eq!(status.history[1].at, T0 + Duration::minutes(5));
    assert_eq!(
        status.history[1].note.as_deref(),
        Some("checked the transcript")
    );
    let response = status.response.unwrap();
    let credential = response.credential.as_credential().unwrap();
    CredentialVerifier::new(w.setup.dids.clone())
        .verify(credential)
        .await
        .unwrap();
    assert_eq!(
        credential.id.as_deref(),
        Some(response.credential_id.as_str())
    );
    assert_eq!(
        w.observer.states(),
        [
            TicketState::PendingApproval,
            TicketState::Approved,
            TicketState::Issuing,
            TicketState::Issued
        ]
    );
    // The wire form of the status.
    let wire = serde_json::to_value(w.queue.status(&ticket.id).await.unwrap()).unwrap();
    assert_eq!(wire["state"], "issued");
    assert_eq!(wire["history"][1]["actor"], "alice@university.example");
    assert!(wire["response"]["credential"]["proof"].is_object());
}

#[tokio::test]
async fn submit_validates_like_synchronous_issuance() {
    let w = world(Arc::new(AlwaysHold), |b| b);
    let mut bad = request(&w.setup);
    bad.claims = json!({"degree": {"type": "X"}})
        .as_object()
        .unwrap()
        .clone();
    let err = w.queue.submit(bad.clone(), None).await.unwrap_err();
    let sync = w.setup.issuer.issue(bad).await.unwrap_err();
    assert_eq!(err.code(), "SCHEMA_VALIDATION_FAILED");
    assert_eq!(err.code(), sync.code());
    assert_eq!(err.to_json(), sync.to_json());
    let mut unknown = request(&w.setup);
    unknown.schema_id = "nope".into();
    assert_eq!(
        w.queue.submit(unknown, None).await.unwrap_err().code(),
        "SCHEMA_NOT_FOUND"
    );
    assert_eq!(
        w.store.count(TicketState::PendingApproval).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_same_ticket_and_one_credential() {
    let w = world(Arc::new(AlwaysApprove), |b| b);
    let a = w
        .queue
        .submit(request(&w.setup), Some("k-1"))
        .await
        .unwrap();
    let b = w
        .queue
        .submit(request(&w.setup), Some("k-1"))
        .await
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.state, TicketState::Approved);
    let report = w.queue.worker("w").run_until_idle(10).await.unwrap();
    assert_eq!(report.issued, 1);
    // After issuance the replay still answers the same ticket, now issued.
    let c = w
        .queue
        .submit(request(&w.setup), Some("k-1"))
        .await
        .unwrap();
    assert_eq!((c.id.clone(), c.state), (a.id.clone(), TicketState::Issued));
    assert_eq!(w.queue.worker("w").run_once(10).await.unwrap().claimed, 0);
    assert_eq!(w.store.count(TicketState::Issued).await.unwrap(), 1);
    // A different request under the same key is refused.
    let mut other = request(&w.setup);
    other.claims.insert("gpa".into(), json!(2.0));
    let err = w.queue.submit(other, Some("k-1")).await.unwrap_err();
    assert_eq!(err.code(), "IDEMPOTENCY_KEY_REUSED");
    // The status an HTTP host answers with: the one mapping, under `http`.
    #[cfg(feature = "http")]
    assert_eq!(vc_issue::http::status_of(err.code()), 409);
    // Bad keys.
    assert_eq!(
        w.queue
            .submit(request(&w.setup), Some(""))
            .await
            .unwrap_err()
            .code(),
        "INVALID_REQUEST"
    );
}

#[tokio::test]
async fn information_requested_provided_approved_issued() {
    let w = world(Arc::new(AlwaysHold), |b| b);
    let mut req = request(&w.setup);
    req.claims.remove("gpa");
    let t = w.queue.submit(req, None).await.unwrap();
    let asked = w
        .queue
        .request_information(&t.id, vec!["/gpa".into()], "Please add your GPA")
        .await
        .unwrap();
    assert_eq!(asked.state, TicketState::NeedsInformation);
    let status = w.queue.status(&t.id).await.unwrap();
    assert_eq!(status.information.as_ref().unwrap().fields, ["/gpa"]);
    // Invalid information is refused and the ticket keeps waiting.
    let err = w
        .queue
        .provide_information(&t.id, json!({"gpa": 9}).as_object().unwrap().clone())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "SCHEMA_VALIDATION_FAILED");
    assert_eq!(
        w.queue.status(&t.id).await.unwrap().state,
        TicketState::NeedsInformation
    );
    let back = w
        .queue
        .provide_information(&t.id, json!({"gpa": 3.9}).as_object().unwrap().clone())
        .await
        .unwrap();
    assert_eq!(back.state, TicketState::PendingApproval);
    assert_eq!(
        w.queue.status(&t.id).await.unwrap().claims["gpa"],
        json!(3.9)
    );
    w.queue.approve(&t.id, "bob", None).await.unwrap();
    w.queue.worker("w").run_until_idle(5).await.unwrap();
    let status = w.queue.status(&t.id).await.unwrap();
    assert_eq!(status.state, TicketState::Issued);
    let credential = status.response.unwrap();
    let vc = credential.credential.as_credential().unwrap();
    assert_eq!(
        serde_json::to_value(vc).unwrap()["credentialSubject"]["gpa"],
        json!(3.9)
    );
    assert_eq!(
        w.observer.states(),
        [
            TicketState::PendingApproval,
            TicketState::NeedsInformation,
            TicketState::PendingApproval,
            TicketState::Approved,
            TicketState::Issuing,
            TicketState::Issued
        ]
    );
}

#[tokio::test]
async fn rejection_keeps_the_reason_and_ends_the_ticket() {
    let w = world(Arc::new(AlwaysHold), |b| b);
    let t = w.queue.submit(request(&w.setup), None).await.unwrap();
    let r = w
        .queue
        .reject(&t.id, "carol", "the degree is not on file")
        .await
        .unwrap();
    assert_eq!(r.state, TicketState::Rejected);
    let status = w.queue.status(&t.id).await.unwrap();
    let failure = status.failure.unwrap();
    assert_eq!(failure.code, "REJECTED");
    assert_eq!(failure.message, "the degree is not on file");
    assert_eq!(status.history.last().unwrap().actor, "carol");
    // Nothing more can happen.
    for err in [
        w.queue.approve(&t.id, "carol", None).await.unwrap_err(),
        w.queue.reject(&t.id, "carol", "again").await.unwrap_err(),
        w.queue
            .request_information(&t.id, vec![], "more")
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.code(), "ILLEGAL_TRANSITION");
        // The status an HTTP host answers with: the one mapping, under `http`.
        #[cfg(feature = "http")]
        assert_eq!(vc_issue::http::status_of(err.code()), 409);
    }
    assert_eq!(w.queue.worker("w").run_once(5).await.unwrap().claimed, 0);
}

#[tokio::test]
async fn every_illegal_action_is_refused_with_its_states() {
    let w = world(Arc::new(AlwaysApprove), |b| b);
    let t = w.queue.submit(request(&w.setup), None).await.unwrap();
    let claims = json!({"gpa": 3.0}).as_object().unwrap().clone();
    let check = |err: QueueError, from: TicketState, to: TicketState| match err {
        QueueError::IllegalTransition { from: f, to: t, .. } => {
            assert_eq!((f, t), (from, to))
        }
        other => panic!("expected ILLEGAL_TRANSITION, got {other:?}"),
    };
    // approved
    check(
        w.queue.approve(&t.id, "a", None).await.unwrap_err(),
        TicketState::Approved,
        TicketState::Approved,
    );
    check(
        w.queue.reject(&t.id, "a", "no").await.unwrap_err(),
        TicketState::Approved,
        TicketState::Rejected,
    );
    check(
        w.queue
            .request_information(&t.id, vec![], "?")
            .await
            .unwrap_err(),
        TicketState::Approved,
        TicketState::NeedsInformation,
    );
    check(
        w.queue
            .provide_information(&t.id, claims.clone())
            .await
            .unwrap_err(),
        TicketState::Approved,
        TicketState::PendingApproval,
    );
    // issuing (claimed, not finished)
    let lease = Lease {
        token: "t".into(),
        worker: "w".into(),
        until: T0 + Duration::seconds(30),
    };
    w.store.claim(T0, &lease, 1).await.unwrap();
    check(
        w.queue.approve(&t.id, "a", None).await.unwrap_err(),
        TicketState::Issuing,
        TicketState::Approved,
    );
    // pending: provide without a request for information
    let held = world(Arc::new(AlwaysHold), |b| b);
    let h = held.queue.submit(request(&held.setup), None).await.unwrap();
    check(
        held.queue
            .provide_information(&h.id, claims)
            .await
            .unwrap_err(),
        TicketState::PendingApproval,
        TicketState::PendingApproval,
    );
    // unknown ticket, empty approver
    let missing = vc_issue::TicketId::new();
    assert_eq!(
        w.queue.status(&missing).await.unwrap_err().code(),
        "TICKET_NOT_FOUND"
    );
    assert_eq!(
        held.queue
            .approve(&h.id, " ", None)
            .await
            .unwrap_err()
            .code(),
        "INVALID_REQUEST"
    );
}

#[tokio::test]
async fn waiting_requests_expire_after_the_deadline_without_sleeping() {
    let w = world(Arc::new(AlwaysHold), |b| b);
    let a = w.queue.submit(request(&w.setup), None).await.unwrap();
    let b = w.queue.submit(request(&w.setup), None).await.unwrap();
    let c = w.queue.submit(request(&w.setup), None).await.unwrap();
    w.queue
        .request_information(&b.id, vec!["gpa".into()], "GPA?")
        .await
        .unwrap();
    w.queue.approve(&c.id, "x", None).await.unwrap();
    w.clock.advance(Duration::days(7) - Duration::seconds(1));
    assert_eq!(w.queue.expire_overdue(100).await.unwrap(), 0);
    w.clock.advance(Duration::seconds(1));
    // `a` reaches its deadline; `b`'s restarted when information was requested (same instant here).
    assert_eq!(w.queue.expire_overdue(100).await.unwrap(), 2);
    for id in [&a.id, &b.id] {
        let status = w.queue.status(id).await.unwrap();
        assert_eq!(status.state, TicketState::Expired);
        assert_eq!(status.history.last().unwrap().actor, "clock");
    }
    assert_eq!(
        w.queue.approve(&a.id, "x", None).await.unwrap_err().code(),
        "ILLEGAL_TRANSITION"
    );
    // The approved ticket does not expire.
    assert_eq!(
        w.queue.status(&c.id).await.unwrap().state,
        TicketState::Approved
    );
}

#[tokio::test]
async fn an_overdue_ticket_expires_when_it_is_read() {
    let w = world(Arc::new(AlwaysHold), |b| b);
    let a = w.queue.submit(request(&w.setup), None).await.unwrap();
    w.clock.advance(Duration::days(8));
    let err = w.queue.approve(&a.id, "late", None).await.unwrap_err();
    match err {
        QueueError::IllegalTransition { from, .. } => assert_eq!(from, TicketState::Expired),
        other => panic!("{other:?}"),
    }
    assert_eq!(w.store.count(TicketState::Expired).await.unwrap(), 1);
}

#[tokio::test]
async fn rule_policy_decides_by_schema_and_claims() {
    let policy = RulePolicy::new(Decision::Hold)
        .rule(
            Rule::new(Decision::Reject {
                reason: "GPA too low".into(),
            })
            .schema("university-degree-v1")
            .claim("/gpa", ClaimTest::AtMost(1.0)),
        )
        .rule(
            Rule::new(Decision::Hold)
                .schema("university-degree-v1")
                .claim("/degree/type", ClaimTest::Equals(json!("DoctorateDegree"))),
        )
        .rule(Rule::new(Decision::Approve).schema("university-degree-v1"));
    let w = world(Arc::new(policy), |b| b);
    let bachelor = w.queue.submit(request(&w.setup), None).await.unwrap();
    assert_eq!(bachelor.state, TicketState::Approved);
    let mut phd = request(&w.setup);
    phd.claims["degree"]["type"] = json!("DoctorateDegree");
    assert_eq!(
        w.queue.submit(phd, None).await.unwrap().state,
        TicketState::PendingApproval
    );
    let mut low = request(&w.setup);
    low.claims["gpa"] = json!(0.5);
    let rejected = w.queue.submit(low, None).await.unwrap();
    assert_eq!(rejected.state, TicketState::Rejected);
    let status = w.queue.status(&rejected.id).await.unwrap();
    assert_eq!(status.failure.unwrap().message, "GPA too low");
}

#[tokio::test]
async fn batch_submission_gives_per_item_tickets() {
    let w = world(Arc::new(AlwaysApprove), |b| b);
    let mut items: Vec<BatchItem> = (0..5)
        .map(|_| BatchItem::new(w.setup.holder.to_string(), degree_claims()))
        .collect();
    items[2].holder_did = Some("not a did".into());
    items[3].claims = json!({"degree": {}}).as_object().unwrap().clone();
    let batch: BatchRequest = serde_json::from_value(json!({
        "schemaId": "university-degree-v1",
        "issuerDid": w.setup.ed25519.did(),
        "items": items,
    }))
    .unwrap();
    let tickets = w
        .queue
        .submit_batch(batch.clone(), Some("batch-1"))
        .await
        .unwrap();
    let codes: Vec<_> = tickets
        .items
        .iter()
        .map(|t| {
            t.as_ref()
                .map(|t| t.state.as_str())
                .unwrap_or_else(|e| e.code().as_str())
        })
        .collect();
    assert_eq!(
        codes,
        [
            "approved",
            "approved",
            "INVALID_REQUEST",
            "SCHEMA_VALIDATION_FAILED",
            "approved"
        ]
    );
    // Replaying the batch returns the same tickets.
    let again = w.queue.submit_batch(batch, Some("batch-1")).await.unwrap();
    assert_eq!(again.batch_id, tickets.batch_id);
    for (a, b) in tickets.items.iter().zip(&again.items) {
        if let (Ok(a), Ok(b)) = (a, b) {
            assert_eq!(a.id, b.id);
        }
    }
    assert_eq!(
        w.queue.worker("w").run_until_idle(10).await.unwrap().issued,
        3
    );
    let first = tickets.items[4].as_ref().unwrap();
    let status = w.queue.status(&first.id).await.unwrap();
    assert_eq!(status.batch.unwrap().item, 4);
}

#[tokio::test]
async fn transient_errors_retry_with_backoff_then_fail_with_the_code() {
    // Revocable, but the issuer has no status registry: STATUS_REGISTRATION_FAILED is transient.
    let w = world(Arc::new(AlwaysApprove), |b| b.max_attempts(3));
    let t = w.submit_revocable().await;
    let worker = w.queue.worker("w");
    let r = worker.run_once(5).await.unwrap();
    assert_eq!((r.claimed, r.retried), (1, 1));
    // Not claimable before the backoff (1 s) ends.
    assert_eq!(worker.run_once(5).await.unwrap().claimed, 0);
    w.clock.advance(Duration::seconds(1));
    assert_eq!(worker.run_once(5).await.unwrap().retried, 1);
    w.clock.advance(Duration::seconds(1));
    assert_eq!(
        worker.run_once(5).await.unwrap().claimed,
        0,
        "backoff doubled"
    );
    w.clock.advance(Duration::seconds(1));
    let r = worker.run_once(5).await.unwrap();
    assert_eq!(r.failed, 1);
    let status = w.queue.status(&t.id).await.unwrap();
    assert_eq!(status.state, TicketState::Failed);
    assert_eq!(status.failure.unwrap().code, "STATUS_REGISTRATION_FAILED");
}

#[tokio::test]
async fn permanent_errors_fail_at_once() {
    let w = world(Arc::new(AlwaysApprove), |b| b);
    let t = w.queue.submit(request(&w.setup), None).await.unwrap();
    // The schema stops authorizing this issuer between approval and issuance.
    w.setup
        .schemas
        .insert(crate::fixtures::degree_schema().with_authorized_issuers(vec![w.setup.p256.did()]));
    let r = w.queue.worker("w").run_once(5).await.unwrap();
    assert_eq!(r.failed, 1);
    let status = w.queue.status(&t.id).await.unwrap();
    assert_eq!(status.state, TicketState::Failed);
    assert_eq!(status.failure.unwrap().code, "ISSUER_NOT_AUTHORIZED");
}

/// A status registry over an in-memory store, and the store.
fn memory_registry() -> (Arc<StatusRegistry>, Arc<MemoryStore>) {
    let memory = Arc::new(MemoryStore::new());
    let registry = StatusRegistry::builder()
        .store(memory.clone())
        .list_url_template("https://university.example/status/{list}")
        .issuer("did:example:university")
        .build()
        .unwrap();
    (Arc::new(registry), memory)
}

fn status_setup() -> (Setup, Arc<MemoryStore>) {
    let (registry, memory) = memory_registry();
    (Setup::with(|b| b.status_registry(registry)), memory)
}

#[tokio::test]
async fn a_crashed_worker_is_taken_over_and_its_index_reused() {
    let (setup, memory) = status_setup();
    let w = world_with(setup, Arc::new(AlwaysApprove), |b| b);
    let t = w.submit_revocable().await;
    // A worker claims the ticket, allocates its index, and dies before signing.
    let lease = Lease {
        token: "dead".into(),
        worker: "crashed".into(),
        until: T0 + Duration::seconds(30),
    };
    let claimed = w.store.claim(T0, &lease, 1).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let registry = w.setup.issuer.status_registry().unwrap().clone();
    let owner = ReservationOwner::new(t.id.as_str()).unwrap();
    let allocated = registry
        .allocate_owned(&owner, StatusPurpose::Revocation)
        .await
        .unwrap();
    assert!(memory.reservation(&owner).await.unwrap().is_some());
    // Another worker waits for the lease to end.
    let worker = w.queue.worker("w2");
    assert_eq!(worker.run_once(5).await.unwrap().claimed, 0);
    w.clock.advance(Duration::seconds(30));
    assert_eq!(worker.run_once(5).await.unwrap().issued, 1);
    let status = w.queue.status(&t.id).await.unwrap();
    let response = status.response.unwrap();
    assert_eq!(
        response.credential_status.unwrap(),
        allocated.to_value(),
        "the crashed worker's index was reused"
    );
    let list = registry
        .active_list_id(StatusPurpose::Revocation)
        .await
        .unwrap();
    assert_eq!(
        memory.snapshot(&list).await.unwrap().allocated,
        1,
        "no index leaked"
    );
    assert_eq!(
        memory.reservation(&owner).await.unwrap(),
        None,
        "released once the entry was saved on the ticket"
    );
    // The zombie's late result is refused.
    let mut zombie = claimed[0].clone();
    zombie.state = TicketState::Issued;
    assert!(w.store.update(&zombie).await.is_err());
    assert_eq!(w.store.count(TicketState::Issued).await.unwrap(), 1);
}

#[tokio::test]
async fn revocable_tickets_get_distinct_indexes_and_verify() {
    let (setup, memory) = status_setup();
    let w = world_with(setup, Arc::new(AlwaysApprove), |b| b);
    let mut ids = Vec::new();
    for _ in 0..20 {
        ids.push(w.submit_revocable().await.id);
    }
    let (wa, wb) = (w.queue.worker("a"), w.queue.worker("b"));
    let (a, b) = tokio::join!(wa.run_until_idle(3), wb.run_until_idle(3));
    assert_eq!(a.unwrap().issued + b.unwrap().issued, 20);
    let verifier = CredentialVerifier::new(w.setup.dids.clone());
    let mut indexes = HashSet::new();
    for id in &ids {
        let response = w.queue.status(id).await.unwrap().response.unwrap();
        assert!(indexes.insert(response.status_list_index.unwrap()));
        verifier
            .verify(response.credential.as_credential().unwrap())
            .await
            .unwrap();
    }
    let registry = w.setup.issuer.status_registry().unwrap();
    let list = registry
        .active_list_id(StatusPurpose::Revocation)
        .await
        .unwrap();
    assert_eq!(memory.snapshot(&list).await.unwrap().allocated, 20);
    for id in &ids {
        let owner = ReservationOwner::new(id.as_str()).unwrap();
        assert_eq!(
            memory.reservation(&owner).await.unwrap(),
            None,
            "every reservation released"
        );
    }
}

/// A signer that fails its first `failures` calls with `kind`, then signs; it counts its calls.
#[derive(Debug)]
struct Scripted {
    inner: Arc<vc_issue::Ed25519Signer>,
    kind: vc_issue::HostErrorKind,
    failures: usize,
    calls: std::sync::atomic::AtomicUsize,
}

#[async_trait]
impl vc_issue::Signer for Scripted {
    fn algorithm(&self) -> vc_issue::SignatureAlgorithm {
        self.inner.algorithm()
    }

    fn public_key(&self) -> &vc_core::PublicKey {
        self.inner.public_key()
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, vc_issue::HostError> {
        let call = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if call < self.failures {
            return Err(vc_issue::HostError::with_source(
                self.kind,
                std::io::Error::other("the KMS said no"),
            ));
        }
        self.inner.sign(message).await
    }
}

/// A key store holding the fixture's Ed25519 key behind a [`Scripted`] signer.
fn scripted_keys(
    kind: vc_issue::HostErrorKind,
    failures: usize,
) -> (Arc<vc_issue::InMemoryKeyStore>, Arc<Scripted>) {
    let inner = Arc::new(vc_issue::Ed25519Signer::from_seed(&[7; 32]));
    let signer = Arc::new(Scripted {
        inner: inner.clone(),
        kind,
        failures,
        calls: Default::default(),
    });
    let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
    keys.insert(inner.verification_method_id(), signer.clone());
    (keys, signer)
}

/// A queue whose issuer signs with a [`Scripted`] signer.
fn scripted_world(kind: vc_issue::HostErrorKind, failures: usize) -> (World, Arc<Scripted>) {
    let (keys, signer) = scripted_keys(kind, failures);
    let setup = Setup::with(|b| b.keys(keys));
    let w = world_with(setup, Arc::new(AlwaysApprove), |b| b.max_attempts(5));
    (w, signer)
}

#[tokio::test]
async fn a_retry_signs_with_the_entry_saved_by_the_failed_attempt() {
    let (registry, memory) = memory_registry();
    // The first signature fails: a KMS outage.
    let (keys, _) = scripted_keys(vc_issue::HostErrorKind::Unavailable, 1);
    let setup = Setup::with(|b| b.keys(keys).status_registry(registry.clone()));
    let w = world_with(setup, Arc::new(AlwaysApprove), |b| b);
    let t = w.submit_revocable().await;
    let worker = w.queue.worker("w");
    assert_eq!(worker.run_once(5).await.unwrap().retried, 1);
    let saved = w.store.get(&t.id).await.unwrap().unwrap().status_entry;
    assert!(saved.is_some(), "the entry is saved with the retry");
    let owner = ReservationOwner::new(t.id.as_str()).unwrap();
    assert_eq!(
        memory.reservation(&owner).await.unwrap(),
        None,
        "and the reservation released"
    );
    w.clock.advance(Duration::seconds(1));
    assert_eq!(worker.run_once(5).await.unwrap().issued, 1);
    let response = w.queue.status(&t.id).await.unwrap().response.unwrap();
    assert_eq!(response.credential_status, saved);
    let list = registry
        .active_list_id(StatusPurpose::Revocation)
        .await
        .unwrap();
    assert_eq!(memory.snapshot(&list).await.unwrap().allocated, 1);
}

#[tokio::test]
async fn builder_checks_its_configuration() {
    let setup = Setup::new();
    let err = IssuanceQueue::builder()
        .issuer(setup.issuer.clone())
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "QUEUE_CONFIGURATION");
    let err = IssuanceQueue::builder()
        .issuer(setup.issuer)
        .store(Arc::new(MemoryIssuanceStore::new()))
        .lease(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "QUEUE_CONFIGURATION");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_passes_the_conformance_suite() {
    testing::run_conformance(Arc::new(MemoryIssuanceStore::new()))
        .await
        .unwrap();
}

/// The queue's and the status lists' conformance suites, on stores that share one database.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
async fn both_conform(store: Arc<dyn IssuanceStore>, status: Arc<dyn StatusListStore>) {
    testing::run_conformance(store).await.unwrap();
    vc_status::testing::run_conformance(status).await.unwrap();
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("queue.db");
    let store = vc_issue::queue::SqliteIssuanceStore::open(&path)
        .await
        .unwrap();
    // vc-status's store shares the file (and its own migrations) without a clash, both ways.
    let status = vc_status::store::SqliteStore::from_pool(store.pool().clone())
        .await
        .unwrap();
    vc_status::store::SqliteStore::open(&path).await.unwrap();
    vc_issue::queue::SqliteIssuanceStore::open(&path)
        .await
        .unwrap();
    both_conform(Arc::new(store), Arc::new(status)).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_passes_the_conformance_suite() {
    let Some(url) = vc_status::testing::postgres::url() else {
        return;
    };
    let schema = vc_status::testing::postgres::unique_schema("vc_issue_test", "conf");
    let status_schema = format!("{schema}_status");
    let result = tokio::spawn({
        let (url, schema, status_schema) = (url.clone(), schema.clone(), status_schema.clone());
        async move {
            let store = vc_issue::queue::PostgresIssuanceStore::connect_with_schema(&url, &schema)
                .await
                .unwrap();
            let status = vc_status::store::PostgresStore::connect_with_schema(&url, &status_schema)
                .await
                .unwrap();
            both_conform(Arc::new(store), Arc::new(status)).await;
        }
    })
    .await;
    vc_status::testing::postgres::drop_schemas(&url, &[&schema, &status_schema])
        .await
        .unwrap();
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// A queue database made by the previous schema (with the queue's own reservation journal table)
/// upgrades on open: the journal table goes, tickets stay.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_queue_upgrades_a_database_of_the_previous_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    // What the previous release's migration runner left: its table, its one migration.
    sqlx::raw_sql(
        "CREATE TABLE vc_issue_migrations \
         (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL); \
         INSERT INTO vc_issue_migrations VALUES (20250701000001, 'issuance queue');",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::raw_sql(include_str!(
        "../../migrations/sqlite/queue/20250701000001_issuance_queue.sql"
    ))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::raw_sql(
        "INSERT INTO issuance_status_reservations VALUES ('t-1', 'revocation-1', 0, 1); \
         INSERT INTO issuance_tickets (id, state, version, data) VALUES ('t-1', 'issued', 3, '{}')",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let store = vc_issue::queue::SqliteIssuanceStore::open(&path)
        .await
        .unwrap();
    let journal: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE name = 'issuance_status_reservations'",
    )
    .fetch_optional(store.pool())
    .await
    .unwrap();
    assert_eq!(journal, None, "the queue's journal table is gone");
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM issuance_tickets")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(tickets, 1);
    testing::run_conformance(Arc::new(store)).await.unwrap();
}

/// The same on PostgreSQL.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_queue_upgrades_a_database_of_the_previous_schema() {
    let migrations = tempfile::tempdir().unwrap();
    vc_status::testing::postgres::in_fresh_schema(
        "vc_issue_test",
        "upgrade",
        |url, schema| async move {
            let pool = vc_status::testing::postgres::create_schema(&url, &schema)
                .await
                .unwrap();
            let file = "20250701000001_issuance_queue.sql";
            std::fs::copy(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations/postgres/queue")
                    .join(file),
                migrations.path().join(file),
            )
            .unwrap();
            sqlx::migrate::Migrator::new(migrations.path())
                .await
                .unwrap()
                .run(&pool)
                .await
                .unwrap();
            sqlx::query("INSERT INTO issuance_status_reservations VALUES ('t-1', 'l-1', 0, 1)")
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
            let store = vc_issue::queue::PostgresIssuanceStore::connect_with_schema(&url, &schema)
                .await
                .unwrap();
            let journal: Option<String> =
                sqlx::query_scalar("SELECT to_regclass('issuance_status_reservations')::text")
                    .fetch_one(store.pool())
                    .await
                    .unwrap();
            assert_eq!(journal, None, "the queue's journal table is gone");
            testing::run_conformance(Arc::new(store.clone()))
                .await
                .unwrap();
            store.pool().close().await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_signer_that_is_down_is_retried_until_it_signs() {
    let (w, signer) = scripted_world(vc_issue::HostErrorKind::Unavailable, 3);
    let t = w.queue.submit(request(&w.setup), None).await.unwrap();
    let worker = w.queue.worker("w");
    for attempt in 1..=3 {
        let r = worker.run_once(5).await.unwrap();
        assert_eq!((r.claimed, r.retried), (1, 1), "attempt {attempt}");
        let status = w.queue.status(&t.id).await.unwrap();
        assert_eq!(status.failure.unwrap().code, "SIGNER_UNAVAILABLE");
        w.clock.advance(Duration::seconds(60));
    }
    assert_eq!(worker.run_once(5).await.unwrap().issued, 1);
    let status = w.queue.status(&t.id).await.unwrap();
    assert_eq!(status.state, TicketState::Issued);
    assert_eq!(signer.calls.load(std::sync::atomic::Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_signer_that_refuses_fails_the_ticket_without_a_retry() {
    let (w, signer) = scripted_world(vc_issue::HostErrorKind::Refused, 1);
    let t = w.queue.submit(request(&w.setup), None).await.unwrap();
    let worker = w.queue.worker("w");
    let r = worker.run_once(5).await.unwrap();
    assert_eq!((r.claimed, r.retried, r.failed), (1, 0, 1));
    let status = w.queue.status(&t.id).await.unwrap();
    assert_eq!(status.state, TicketState::Failed);
    assert_eq!(status.failure.unwrap().code, "SIGNING_FAILED");
    w.clock.advance(Duration::seconds(60));
    assert_eq!(worker.run_once(5).await.unwrap().claimed, 0);
    assert_eq!(signer.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
}
