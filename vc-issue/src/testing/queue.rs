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
//! A broken expectation or a store error is returned as a [`ConformanceError`] naming the check.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;
use time::{Duration, OffsetDateTime};
use vc_core::Did;

use super::failure::{conform, conform_eq, At, ConformanceError};
use crate::pipeline::request::IssuanceRequest;
use crate::queue::StoreErrorKind;
use crate::queue::{HistoryEntry, Lease, TicketRecord, TicketState};
use crate::queue::{Inserted, IssuanceStore};

/// Runs every check of the suite against an empty `store`.
pub async fn run_conformance(store: Arc<dyn IssuanceStore>) -> Result<(), ConformanceError> {
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
pub fn sample_record(state: TicketState) -> Result<TicketRecord, ConformanceError> {
    let did = |s: &str| Did::parse(s).at("the sample DIDs parse");
    let claims = json!({"name": "Alice", "n": 1})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let request = IssuanceRequest::new(
        "schema-1",
        did("did:example:issuer")?,
        did("did:example:holder")?,
        claims,
    );
    Ok(TicketRecord::new(
        request,
        "fp".into(),
        state,
        t0(),
        "policy",
    ))
}

fn lease(worker: &str, until: OffsetDateTime) -> Lease {
    Lease {
        token: format!("token-{worker}"),
        worker: worker.into(),
        until,
    }
}

/// A stored ticket reads back equal (version 0); an unknown id reads as `None`.
pub async fn insert_and_get(store: &dyn IssuanceStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "a stored ticket reads back equal, an unknown one as None";
    let mut r = sample_record(TicketState::PendingApproval)?;
    r.deadline = Some(t0() + Duration::hours(1));
    r.history.push(HistoryEntry::new(
        TicketState::PendingApproval,
        t0(),
        "x",
        Some("n".into()),
    ));
    conform_eq!(CHECK, store.insert(&r).await.at(CHECK)?, Inserted::New);
    conform_eq!(CHECK, store.get(&r.id).await.at(CHECK)?.as_ref(), Some(&r));
    let other = sample_record(TicketState::Approved)?;
    conform!(CHECK, store.get(&other.id).await.at(CHECK)?.is_none());
    Ok(())
}

/// A second ticket with the same idempotency key is not stored; the first one is returned.
pub async fn idempotent_insert(store: &dyn IssuanceStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "a second ticket with the same idempotency key returns the first";
    let mut a = sample_record(TicketState::PendingApproval)?;
    a.idempotency_key = Some(format!("key-{}", a.id));
    conform_eq!(CHECK, store.insert(&a).await.at(CHECK)?, Inserted::New);
    let mut b = sample_record(TicketState::Approved)?;
    b.idempotency_key = a.idempotency_key.clone();
    match store.insert(&b).await.at(CHECK)? {
        Inserted::Existing(existing) => conform_eq!(CHECK, existing.id, a.id),
        other => {
            return Err(ConformanceError::contract(
                CHECK,
                format!("expected the existing ticket, got {other:?}"),
            ))
        }
    }
    conform!(
        CHECK,
        store.get(&b.id).await.at(CHECK)?.is_none(),
        "the duplicate was stored"
    );
    Ok(())
}

/// Updates succeed only at the stored version, bump it by one, and keep every field.
pub async fn compare_and_set(store: &dyn IssuanceStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "an update at the stored version bumps it and keeps every field";
    const STALE: &str = "an update from a stale version is a Conflict";
    const MISSING: &str = "an update of an unknown ticket is NotFound";
    let r = sample_record(TicketState::PendingApproval)?;
    store.insert(&r).await.at(CHECK)?;
    let mut next = r.clone();
    next.state = TicketState::Approved;
    next.deadline = None;
    next.history.push(HistoryEntry::new(
        TicketState::Approved,
        t0(),
        "approver",
        None,
    ));
    conform_eq!(CHECK, store.update(&next).await.at(CHECK)?, 1);
    let stored = store.get(&r.id).await.at(CHECK)?;
    next.version = 1;
    conform_eq!(CHECK, stored.as_ref(), Some(&next));
    // A stale writer loses.
    let mut stale = r.clone();
    stale.state = TicketState::Rejected;
    let err = store.update(&stale).await.err().map(|e| e.kind());
    conform_eq!(STALE, err, Some(StoreErrorKind::Conflict));
    // An unknown ticket is not found.
    let missing = sample_record(TicketState::Approved)?;
    let err = store.update(&missing).await.err().map(|e| e.kind());
    conform_eq!(MISSING, err, Some(StoreErrorKind::NotFound));
    // Leave nothing claimable behind for the claim checks.
    next.state = TicketState::Rejected;
    conform_eq!(CHECK, store.update(&next).await.at(CHECK)?, 2);
    Ok(())
}

/// Claims take approved tickets oldest first and tickets whose lease ran out, never a ticket
/// under a running lease or in another state; each claim bumps the version and the attempts.
pub async fn claim_and_lease(store: &dyn IssuanceStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "a claim takes approved tickets oldest first, under a lease";
    const RUNNING: &str = "a ticket under a running lease is not claimed";
    const TAKEOVER: &str = "a ticket whose lease ran out is taken over";
    const ZOMBIE: &str = "the result of a worker whose lease was taken over is a Conflict";
    let held = sample_record(TicketState::PendingApproval)?;
    store.insert(&held).await.at(CHECK)?;
    let a = sample_record(TicketState::Approved)?;
    let b = sample_record(TicketState::Approved)?;
    store.insert(&a).await.at(CHECK)?;
    store.insert(&b).await.at(CHECK)?;
    let now = t0();
    let got = store
        .claim(now, &lease("w1", now + Duration::seconds(30)), 1)
        .await
        .at(CHECK)?;
    let first = match got.as_slice() {
        [first] => first,
        _ => {
            return Err(ConformanceError::contract(
                CHECK,
                format!("a claim of one took {}", got.len()),
            ))
        }
    };
    conform_eq!("oldest first", first.id, a.id);
    conform_eq!(CHECK, first.state, TicketState::Issuing);
    conform_eq!(CHECK, first.attempts, 1);
    conform_eq!(CHECK, first.version, 1);
    conform_eq!(
        CHECK,
        first.lease.as_ref().map(|l| l.worker.as_str()),
        Some("w1")
    );
    let got = store
        .claim(now, &lease("w2", now + Duration::seconds(30)), 10)
        .await
        .at(CHECK)?;
    conform_eq!(
        CHECK,
        got.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![b.id.clone()]
    );
    // Both leases run: nothing to claim.
    let later = now + Duration::seconds(10);
    conform!(
        RUNNING,
        store
            .claim(later, &lease("w3", later + Duration::seconds(30)), 10)
            .await
            .at(RUNNING)?
            .is_empty()
    );
    // a's lease ran out: w3 takes it over.
    let after = now + Duration::seconds(31);
    let got = store
        .claim(after, &lease("w3", after + Duration::seconds(30)), 10)
        .await
        .at(TAKEOVER)?;
    conform_eq!(TAKEOVER, got.len(), 2);
    let a2 =
        got.iter().find(|r| r.id == a.id).cloned().ok_or_else(|| {
            ConformanceError::contract(TAKEOVER, "the first ticket was not taken")
        })?;
    conform_eq!(TAKEOVER, a2.attempts, 2);
    conform_eq!(TAKEOVER, a2.version, 2);
    // The first owner's result is refused; the new owner's is stored.
    let mut zombie = a.clone();
    zombie.version = 1;
    zombie.state = TicketState::Issued;
    conform_eq!(
        ZOMBIE,
        store.update(&zombie).await.err().map(|e| e.kind()),
        Some(StoreErrorKind::Conflict)
    );
    let mut done = a2.clone();
    done.state = TicketState::Issued;
    done.lease = None;
    conform_eq!(TAKEOVER, store.update(&done).await.at(TAKEOVER)?, 3);
    let mut done_b = got
        .into_iter()
        .find(|r| r.id == b.id)
        .ok_or_else(|| ConformanceError::contract(TAKEOVER, "the second ticket was not taken"))?;
    done_b.state = TicketState::Failed;
    done_b.lease = None;
    store.update(&done_b).await.at(TAKEOVER)?;
    let far = now + Duration::days(1);
    conform!(
        "finished tickets are not claimed",
        store
            .claim(far, &lease("w4", far), 10)
            .await
            .at(CHECK)?
            .is_empty()
    );
    // The held ticket was never claimed.
    conform_eq!(
        "a ticket that is not approved is not claimed",
        store.get(&held.id).await.at(CHECK)?.map(|r| r.state),
        Some(TicketState::PendingApproval)
    );
    Ok(())
}

/// Concurrent claimers never get the same ticket, and together get every one.
pub async fn concurrent_claims(store: Arc<dyn IssuanceStore>) -> Result<(), ConformanceError> {
    const CHECK: &str = "concurrent claimers get every approved ticket exactly once";
    let mut ids = HashSet::new();
    for _ in 0..200 {
        let r = sample_record(TicketState::Approved)?;
        ids.insert(r.id.clone());
        store.insert(&r).await.at(CHECK)?;
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
                    .await
                    .at(CHECK)?;
                if batch.is_empty() {
                    return Ok::<_, ConformanceError>(got);
                }
                got.extend(batch.into_iter().map(|r| r.id));
            }
        }));
    }
    let mut seen = HashSet::new();
    for task in tasks {
        for id in task.await.at(CHECK)?? {
            conform!(CHECK, seen.insert(id.clone()), "ticket {id} claimed twice");
        }
    }
    conform_eq!(CHECK, seen, ids);
    Ok(())
}

/// `overdue` lists waiting tickets past their deadline only; `count` counts by state.
pub async fn overdue_and_count(store: &dyn IssuanceStore) -> Result<(), ConformanceError> {
    const OVERDUE: &str = "overdue lists the waiting tickets past their deadline only";
    const COUNT: &str = "count counts the tickets in a state";
    let before = store.count(TicketState::NeedsInformation).await.at(COUNT)?;
    let mut due = sample_record(TicketState::NeedsInformation)?;
    due.deadline = Some(t0() + Duration::minutes(5));
    let mut later = sample_record(TicketState::PendingApproval)?;
    later.deadline = Some(t0() + Duration::hours(5));
    let mut approved = sample_record(TicketState::Rejected)?;
    approved.deadline = Some(t0());
    for r in [&due, &later, &approved] {
        store.insert(r).await.at(OVERDUE)?;
    }
    let found = store
        .overdue(t0() + Duration::minutes(5), 100)
        .await
        .at(OVERDUE)?;
    let ids: Vec<_> = found.iter().map(|r| r.id.clone()).collect();
    conform!(
        OVERDUE,
        ids.contains(&due.id),
        "a due ticket is not overdue"
    );
    conform!(
        OVERDUE,
        !ids.contains(&later.id),
        "a ticket before its deadline is overdue"
    );
    conform!(
        OVERDUE,
        !ids.contains(&approved.id),
        "a terminal ticket is overdue"
    );
    conform_eq!(
        COUNT,
        store.count(TicketState::NeedsInformation).await.at(COUNT)?,
        before + 1
    );
    Ok(())
}
