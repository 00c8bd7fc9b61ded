//! The conformance suite for [`ExchangeStore`] backends (feature `testing`).
//!
//! Every backend in this crate runs it against itself, and a host that writes its own backend
//! should too, against an **empty** store (the purge check counts what it deletes):
//!
//! ```no_run
//! # async fn f(store: std::sync::Arc<dyn vc_issue::exchange::ExchangeStore>) {
//! // inside a multi-threaded tokio runtime, e.g. #[tokio::test(flavor = "multi_thread")]
//! vc_issue::testing::exchange::run_conformance(store).await.unwrap();
//! # }
//! ```
//!
//! A failed expectation panics (like `assert!`); a store error is returned.

// A failed expectation panics, like the `assert!`s around it: that is how the suite reports.
#![allow(clippy::panic)]

use std::sync::Arc;

use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::exchange::ExchangeStore;
use crate::exchange::{Exchange, ExchangeRecord, ExchangeState, LastError};
use crate::exchange::{ExchangeId, WorkflowId};
use crate::exchange::{ExchangeStoreError, StoreErrorKind};

/// Runs every check of the suite against an empty `store`.
pub async fn run_conformance(store: Arc<dyn ExchangeStore>) -> Result<(), ExchangeStoreError> {
    insert_and_get(store.as_ref()).await?;
    compare_and_set(store.as_ref()).await?;
    concurrent_updates(store.clone()).await?;
    purge_expired(store.as_ref()).await?;
    Ok(())
}

fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn workflow(name: &str) -> WorkflowId {
    WorkflowId::parse(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A fresh pending exchange of workflow `w`, expiring at `expires`, with a few variables.
pub fn sample_record(w: &str, expires: OffsetDateTime) -> ExchangeRecord {
    let variables = json!({"name": "Ada", "nested": {"n": 1, "list": [true, null]}})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let exchange = Exchange::new(ExchangeId::generate(), expires, "ownerBinding", variables);
    ExchangeRecord::new(workflow(w), exchange, Some("challenge-1".into()))
}

fn kind<T>(result: Result<T, ExchangeStoreError>) -> Option<StoreErrorKind> {
    result.err().map(|e| e.kind())
}

/// A stored exchange reads back equal, only under its own workflow; ids are unique.
pub async fn insert_and_get(store: &dyn ExchangeStore) -> Result<(), ExchangeStoreError> {
    let r = sample_record("w1", t0() + Duration::milliseconds(1_234));
    store.insert(&r).await?;
    assert_eq!(
        store.get(&r.workflow_id, &r.exchange.id).await?,
        Some(r.clone())
    );
    assert_eq!(
        store.get(&workflow("w2"), &r.exchange.id).await?,
        None,
        "an exchange is found only under its own workflow"
    );
    assert_eq!(
        store.get(&r.workflow_id, &ExchangeId::generate()).await?,
        None
    );
    let mut twin = sample_record("w2", t0());
    twin.exchange.id = r.exchange.id.clone();
    assert_eq!(
        kind(store.insert(&twin).await),
        Some(StoreErrorKind::AlreadyExists),
        "exchange ids are unique across workflows"
    );
    Ok(())
}

/// Updates succeed only at the stored sequence, must advance it by one, and keep every field.
pub async fn compare_and_set(store: &dyn ExchangeStore) -> Result<(), ExchangeStoreError> {
    let r = sample_record("w1", t0());
    store.insert(&r).await?;
    let mut next = r.clone();
    next.exchange.sequence = 1;
    next.exchange.state = ExchangeState::Active;
    next.exchange.step = "issue".into();
    next.exchange.last_error = Some(LastError::new("WRONG_CHALLENGE", "try again"));
    next.exchange.variables.insert(
        "results".into(),
        json!({"ownerBinding": {"did": "did:key:z6Mk"}}),
    );
    next.challenge = None;
    store.update(&next, 0).await?;
    assert_eq!(
        store.get(&r.workflow_id, &r.exchange.id).await?,
        Some(next.clone())
    );
    // A writer that read sequence 0 lost.
    let mut stale = r.clone();
    stale.exchange.sequence = 1;
    stale.exchange.state = ExchangeState::Invalid;
    assert_eq!(
        kind(store.update(&stale, 0).await),
        Some(StoreErrorKind::Conflict)
    );
    // The new sequence must be the expected one plus one.
    let mut skip = next.clone();
    skip.exchange.sequence = 3;
    assert!(
        store.update(&skip, 1).await.is_err(),
        "a sequence jump was stored"
    );
    let mut same = next.clone();
    same.exchange.sequence = 1;
    assert!(
        store.update(&same, 1).await.is_err(),
        "a sequence repeat was stored"
    );
    // Unknown exchanges, and exchanges of another workflow, are not found.
    let mut missing = sample_record("w1", t0());
    missing.exchange.sequence = 1;
    assert_eq!(
        kind(store.update(&missing, 0).await),
        Some(StoreErrorKind::NotFound)
    );
    let mut other = next.clone();
    other.workflow_id = workflow("w2");
    other.exchange.sequence = 2;
    assert_eq!(
        kind(store.update(&other, 1).await),
        Some(StoreErrorKind::NotFound)
    );
    // Final states round-trip.
    let mut done = next.clone();
    done.exchange.sequence = 2;
    done.exchange.state = ExchangeState::Complete;
    done.exchange.last_error = None;
    store.update(&done, 1).await?;
    assert_eq!(store.get(&r.workflow_id, &r.exchange.id).await?, Some(done));
    Ok(())
}

/// Of writers racing from the same sequence exactly one wins; writers that retry on conflict
/// lose no update.
pub async fn concurrent_updates(store: Arc<dyn ExchangeStore>) -> Result<(), ExchangeStoreError> {
    let r = sample_record("w1", t0());
    store.insert(&r).await?;
    let mut racers = Vec::new();
    for n in 0..8 {
        let (store, r) = (store.clone(), r.clone());
        racers.push(tokio::spawn(async move {
            let mut next = r.clone();
            next.exchange.sequence = 1;
            next.exchange.variables.insert("winner".into(), json!(n));
            store.update(&next, 0).await
        }));
    }
    let mut wins = 0;
    for racer in racers {
        match join(racer).await {
            Ok(()) => wins += 1,
            Err(e) if e.kind() == StoreErrorKind::Conflict => {}
            Err(e) => return Err(e),
        }
    }
    assert_eq!(wins, 1, "exactly one of the racing writers wins");

    const TASKS: u64 = 4;
    const EACH: u64 = 10;
    let mut counters = Vec::new();
    for _ in 0..TASKS {
        let (store, w, id) = (store.clone(), r.workflow_id.clone(), r.exchange.id.clone());
        counters.push(tokio::spawn(async move {
            let mut done = 0;
            while done < EACH {
                let Some(current) = store.get(&w, &id).await? else {
                    panic!("the exchange disappeared");
                };
                let mut next = current.clone();
                let count = next.exchange.variables.get("count").and_then(Value::as_u64);
                next.exchange
                    .variables
                    .insert("count".into(), json!(count.unwrap_or(0) + 1));
                next.exchange.sequence += 1;
                match store.update(&next, current.exchange.sequence).await {
                    Ok(()) => done += 1,
                    Err(e) if e.kind() == StoreErrorKind::Conflict => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        }));
    }
    for counter in counters {
        join(counter).await?;
    }
    let Some(last) = store.get(&r.workflow_id, &r.exchange.id).await? else {
        panic!("the exchange disappeared");
    };
    assert_eq!(
        last.exchange.variables.get("count"),
        Some(&json!(TASKS * EACH))
    );
    assert_eq!(
        last.exchange.sequence,
        1 + TASKS * EACH,
        "one step per update"
    );
    Ok(())
}

async fn join<T>(
    task: tokio::task::JoinHandle<Result<T, ExchangeStoreError>>,
) -> Result<T, ExchangeStoreError> {
    match task.await {
        Ok(result) => result,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// `purge_expired` deletes exchanges that expired at or before the given time, and only those,
/// up to the limit.
pub async fn purge_expired(store: &dyn ExchangeStore) -> Result<(), ExchangeStoreError> {
    let long_ago = t0() - Duration::days(3650);
    let old: Vec<_> = (0..3)
        .map(|i| sample_record("w1", long_ago + Duration::seconds(i)))
        .collect();
    let live = sample_record("w1", long_ago + Duration::days(1));
    for r in old.iter().chain([&live]) {
        store.insert(r).await?;
    }
    let cutoff = long_ago + Duration::seconds(2);
    assert_eq!(store.purge_expired(cutoff, 2).await?, 2, "the limit holds");
    assert_eq!(store.purge_expired(cutoff, 10).await?, 1);
    assert_eq!(store.purge_expired(cutoff, 10).await?, 0);
    for r in &old {
        assert_eq!(store.get(&r.workflow_id, &r.exchange.id).await?, None);
    }
    assert!(store
        .get(&live.workflow_id, &live.exchange.id)
        .await?
        .is_some());
    Ok(())
}
