//! The conformance suite for [`IssuanceStore`] backends (feature `testing`).
//!
//! Every backend in this crate runs it against itself, and a host that writes its own backend
//! should too, against an **empty** store (the claim checks count what they get):
//!
//! ```no_run
//! # async fn f(store: std::sync::Arc<dyn vc_issue::queue::IssuanceStore>) {
//! // inside a multi-threaded tokio runtime, e.g. #[tokio::test(flavor = "multi_thread")]
//! vc_issue::testing::queue::run_conformance(store).await.unwrap();
//! # }
//! ```
//!
//! A failed expectation panics (like `assert!`); a store error is returned.

// A failed expectation panics, like the `assert!`s around it: that is how the suite reports.
#![allow(clippy::panic)]

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;
use time::{Duration, OffsetDateTime};
use vc_core::Did;

use crate::pipeline::request::IssuanceRequest;
use crate::queue::{HistoryEntry, Lease, TicketRecord, TicketState};
use crate::queue::{Inserted, IssuanceStore};
use crate::queue::{StoreError, StoreErrorKind};

/// Runs every check of the suite against an empty `store`.
pub async fn run_conformance(store: Arc<dyn IssuanceStore>) -> Result<(), StoreError> {
    insert_and_get(store.as_ref()).await?;
    idempotent_insert(store.as_ref()).await?;
    compare_and_set(store.as_ref()).await?;
    claim_and_lease(store.as_ref()).await?;
    concurrent_claims(store.clone()).await?;
    overdue_and_count(store.as_ref()).await?;
    Ok(())
}

fn t0() -> OffsetDateTime {
    // Stores keep milliseconds.
    OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A ticket in `state` with a small valid request.
pub fn sample_record(state: TicketState) -> TicketRecord {
    let did = |s: &str| Did::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    let claims = json!({"name": "Alice", "n": 1})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let request = IssuanceRequest::new(
        "schema-1",
        did("did:example:issuer"),
        did("did:example:holder"),
        claims,
    );
    TicketRecord::new(request, "fp".into(), state, t0(), "policy")
}

fn lease(worker: &str, until: OffsetDateTime) -> Lease {
    Lease {
        token: format!("token-{worker}"),
        worker: worker.into(),
        until,
    }
}

/// A stored ticket reads back equal (version 0); an unknown id reads as `None`.
pub async fn insert_and_get(store: &dyn IssuanceStore) -> Result<(), StoreError> {
    let mut r = sample_record(TicketState::PendingApproval);
    r.deadline = Some(t0() + Duration::hours(1));
    r.history.push(HistoryEntry::new(
        TicketState::PendingApproval,
        t0(),
        "x",
        Some("n".into()),
    ));
    assert_eq!(store.insert(&r).await?, Inserted::New);
    assert_eq!(store.get(&r.id).await?.as_ref(), Some(&r));
    let other = sample_record(TicketState::Approved);
    assert!(store.get(&other.id).await?.is_none());
    Ok(())
}

/// A second ticket with the same idempotency key is not stored; the first one is returned.
pub async fn idempotent_insert(store: &dyn IssuanceStore) -> Result<(), StoreError> {
    let mut a = sample_record(TicketState::PendingApproval);
    a.idempotency_key = Some(format!("key-{}", a.id));
    assert_eq!(store.insert(&a).await?, Inserted::New);
    let mut b = sample_record(TicketState::Approved);
    b.idempotency_key = a.idempotency_key.clone();
    match store.insert(&b).await? {
        Inserted::Existing(existing) => assert_eq!(existing.id, a.id),
        other => panic!("expected the existing ticket, got {other:?}"),
    }
    assert!(
        store.get(&b.id).await?.is_none(),
        "the duplicate was stored"
    );
    Ok(())
}

/// Updates succeed only at the stored version, bump it by one, and keep every field.
pub async fn compare_and_set(store: &dyn IssuanceStore) -> Result<(), StoreError> {
    let r = sample_record(TicketState::PendingApproval);
    store.insert(&r).await?;
    let mut next = r.clone();
    next.state = TicketState::Approved;
    next.deadline = None;
    next.history.push(HistoryEntry::new(
        TicketState::Approved,
        t0(),
        "approver",
        None,
    ));
    assert_eq!(store.update(&next).await?, 1);
    let stored = store.get(&r.id).await?;
    next.version = 1;
    assert_eq!(stored.as_ref(), Some(&next));
    // A stale writer loses.
    let mut stale = r.clone();
    stale.state = TicketState::Rejected;
    let err = store.update(&stale).await.err().map(|e| e.kind());
    assert_eq!(err, Some(StoreErrorKind::Conflict));
    // An unknown ticket is not found.
    let missing = sample_record(TicketState::Approved);
    let err = store.update(&missing).await.err().map(|e| e.kind());
    assert_eq!(err, Some(StoreErrorKind::NotFound));
    // Leave nothing claimable behind for the claim checks.
    next.state = TicketState::Rejected;
    assert_eq!(store.update(&next).await?, 2);
    Ok(())
}

/// Claims take approved tickets oldest first and tickets whose lease ran out, never a ticket
/// under a running lease or in another state; each claim bumps the version and the attempts.
pub async fn claim_and_lease(store: &dyn IssuanceStore) -> Result<(), StoreError> {
    let held = sample_record(TicketState::PendingApproval);
    store.insert(&held).await?;
    let a = sample_record(TicketState::Approved);
    let b = sample_record(TicketState::Approved);
    store.insert(&a).await?;
    store.insert(&b).await?;
    let now = t0();
    let got = store
        .claim(now, &lease("w1", now + Duration::seconds(30)), 1)
        .await?;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].id, a.id, "oldest first");
    assert_eq!(got[0].state, TicketState::Issuing);
    assert_eq!(got[0].attempts, 1);
    assert_eq!(got[0].version, 1);
    assert_eq!(got[0].lease.as_ref().map(|l| l.worker.as_str()), Some("w1"));
    let got = store
        .claim(now, &lease("w2", now + Duration::seconds(30)), 10)
        .await?;
    assert_eq!(
        got.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![b.id.clone()]
    );
    // Both leases run: nothing to claim.
    let later = now + Duration::seconds(10);
    assert!(store
        .claim(later, &lease("w3", later + Duration::seconds(30)), 10)
        .await?
        .is_empty());
    // a's lease ran out: w3 takes it over.
    let after = now + Duration::seconds(31);
    let got = store
        .claim(after, &lease("w3", after + Duration::seconds(30)), 10)
        .await?;
    assert_eq!(got.len(), 2, "both leases ran out");
    let a2 = got.iter().find(|r| r.id == a.id).cloned();
    let a2 = a2.unwrap_or_else(|| panic!("a was not taken over"));
    assert_eq!(a2.attempts, 2);
    assert_eq!(a2.version, 2);
    // The first owner's result is refused; the new owner's is stored.
    let mut zombie = a.clone();
    zombie.version = 1;
    zombie.state = TicketState::Issued;
    assert_eq!(
        store.update(&zombie).await.err().map(|e| e.kind()),
        Some(StoreErrorKind::Conflict)
    );
    let mut done = a2.clone();
    done.state = TicketState::Issued;
    done.lease = None;
    assert_eq!(store.update(&done).await?, 3);
    let mut done_b = got
        .into_iter()
        .find(|r| r.id == b.id)
        .unwrap_or_else(|| panic!("b"));
    done_b.state = TicketState::Failed;
    done_b.lease = None;
    store.update(&done_b).await?;
    let far = now + Duration::days(1);
    assert!(store.claim(far, &lease("w4", far), 10).await?.is_empty());
    // The held ticket was never claimed.
    assert_eq!(
        store.get(&held.id).await?.map(|r| r.state),
        Some(TicketState::PendingApproval)
    );
    Ok(())
}

/// Concurrent claimers never get the same ticket, and together get every one.
pub async fn concurrent_claims(store: Arc<dyn IssuanceStore>) -> Result<(), StoreError> {
    let mut ids = HashSet::new();
    for _ in 0..200 {
        let r = sample_record(TicketState::Approved);
        ids.insert(r.id.clone());
        store.insert(&r).await?;
    }
    let now = t0() + Duration::days(2);
    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let batch = store
                    .claim(now, &lease(&format!("c{w}"), now + Duration::hours(1)), 7)
                    .await?;
                if batch.is_empty() {
                    return Ok::<_, StoreError>(got);
                }
                got.extend(batch.into_iter().map(|r| r.id));
            }
        }));
    }
    let mut seen = HashSet::new();
    for task in tasks {
        let got = match task.await {
            Ok(got) => got?,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        for id in got {
            assert!(seen.insert(id.clone()), "ticket {id} claimed twice");
        }
    }
    assert_eq!(seen, ids, "every approved ticket claimed exactly once");
    Ok(())
}

/// `overdue` lists waiting tickets past their deadline only; `count` counts by state.
pub async fn overdue_and_count(store: &dyn IssuanceStore) -> Result<(), StoreError> {
    let before = store.count(TicketState::NeedsInformation).await?;
    let mut due = sample_record(TicketState::NeedsInformation);
    due.deadline = Some(t0() + Duration::minutes(5));
    let mut later = sample_record(TicketState::PendingApproval);
    later.deadline = Some(t0() + Duration::hours(5));
    let mut approved = sample_record(TicketState::Rejected);
    approved.deadline = Some(t0());
    for r in [&due, &later, &approved] {
        store.insert(r).await?;
    }
    let found = store.overdue(t0() + Duration::minutes(5), 100).await?;
    let ids: Vec<_> = found.iter().map(|r| r.id.clone()).collect();
    assert!(ids.contains(&due.id), "a due ticket is overdue");
    assert!(
        !ids.contains(&later.id),
        "a ticket before its deadline is not overdue"
    );
    assert!(
        !ids.contains(&approved.id),
        "a terminal ticket is never overdue"
    );
    assert_eq!(
        store.count(TicketState::NeedsInformation).await?,
        before + 1
    );
    Ok(())
}
