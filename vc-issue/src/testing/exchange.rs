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
//! A broken expectation or a store error is returned as a [`ConformanceError`] naming the check.

use std::sync::Arc;

use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use super::failure::{conform, conform_eq, At, ConformanceError};
use crate::exchange::ExchangeStore;
use crate::exchange::{Exchange, ExchangeRecord, ExchangeState, LastError};
use crate::exchange::{ExchangeId, WorkflowId};
use crate::exchange::{StoreError, StoreErrorKind};

/// Runs every check of the suite against an empty `store`.
pub async fn run_conformance(store: Arc<dyn ExchangeStore>) -> Result<(), ConformanceError> {
    insert_and_get(store.as_ref()).await?;
    compare_and_set(store.as_ref()).await?;
    concurrent_updates(store.clone()).await?;
    purge_expired(store.as_ref()).await?;
    Ok(())
}

fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn workflow(name: &str) -> Result<WorkflowId, ConformanceError> {
    WorkflowId::parse(name).at("the sample workflow id parses")
}

/// A fresh pending exchange of workflow `w`, expiring at `expires`, with a few variables.
pub fn sample_record(w: &str, expires: OffsetDateTime) -> Result<ExchangeRecord, ConformanceError> {
    let variables = json!({"name": "Ada", "nested": {"n": 1, "list": [true, null]}})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let exchange = Exchange::new(ExchangeId::generate(), expires, "ownerBinding", variables);
    Ok(ExchangeRecord::new(
        workflow(w)?,
        exchange,
        Some("challenge-1".into()),
    ))
}

fn kind<T>(result: Result<T, StoreError>) -> Option<StoreErrorKind> {
    result.err().map(|e| e.kind())
}

/// A stored exchange reads back equal, only under its own workflow; ids are unique.
pub async fn insert_and_get(store: &dyn ExchangeStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "a stored exchange reads back equal";
    const OWN: &str = "an exchange is found only under its own workflow";
    const UNIQUE: &str = "exchange ids are unique across workflows";
    let r = sample_record("w1", t0() + Duration::milliseconds(1_234))?;
    store.insert(&r).await.at(CHECK)?;
    conform_eq!(
        CHECK,
        store.get(&r.workflow_id, &r.exchange.id).await.at(CHECK)?,
        Some(r.clone())
    );
    conform_eq!(
        OWN,
        store.get(&workflow("w2")?, &r.exchange.id).await.at(OWN)?,
        None
    );
    conform_eq!(
        CHECK,
        store
            .get(&r.workflow_id, &ExchangeId::generate())
            .await
            .at(CHECK)?,
        None
    );
    let mut twin = sample_record("w2", t0())?;
    twin.exchange.id = r.exchange.id.clone();
    conform_eq!(
        UNIQUE,
        kind(store.insert(&twin).await),
        Some(StoreErrorKind::AlreadyExists)
    );
    Ok(())
}

/// Updates succeed only at the stored sequence, must advance it by one, and keep every field.
pub async fn compare_and_set(store: &dyn ExchangeStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "an update at the stored sequence keeps every field";
    const STALE: &str = "an update from a stale sequence is a Conflict";
    const STEP: &str = "an update advances the sequence by exactly one";
    const MISSING: &str = "an update of an unknown exchange is NotFound";
    let r = sample_record("w1", t0())?;
    store.insert(&r).await.at(CHECK)?;
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
    store.update(&next, 0).await.at(CHECK)?;
    conform_eq!(
        CHECK,
        store.get(&r.workflow_id, &r.exchange.id).await.at(CHECK)?,
        Some(next.clone())
    );
    // A writer that read sequence 0 lost.
    let mut stale = r.clone();
    stale.exchange.sequence = 1;
    stale.exchange.state = ExchangeState::Invalid;
    conform_eq!(
        STALE,
        kind(store.update(&stale, 0).await),
        Some(StoreErrorKind::Conflict)
    );
    // The new sequence must be the expected one plus one.
    let mut skip = next.clone();
    skip.exchange.sequence = 3;
    conform!(
        STEP,
        store.update(&skip, 1).await.is_err(),
        "a sequence jump was stored"
    );
    let mut same = next.clone();
    same.exchange.sequence = 1;
    conform!(
        STEP,
        store.update(&same, 1).await.is_err(),
        "a sequence repeat was stored"
    );
    // Unknown exchanges, and exchanges of another workflow, are not found.
    let mut missing = sample_record("w1", t0())?;
    missing.exchange.sequence = 1;
    conform_eq!(
        MISSING,
        kind(store.update(&missing, 0).await),
        Some(StoreErrorKind::NotFound)
    );
    let mut other = next.clone();
    other.workflow_id = workflow("w2")?;
    other.exchange.sequence = 2;
    conform_eq!(
        MISSING,
        kind(store.update(&other, 1).await),
        Some(StoreErrorKind::NotFound)
    );
    // Final states round-trip.
    let mut done = next.clone();
    done.exchange.sequence = 2;
    done.exchange.state = ExchangeState::Complete;
    done.exchange.last_error = None;
    store.update(&done, 1).await.at(CHECK)?;
    conform_eq!(
        CHECK,
        store.get(&r.workflow_id, &r.exchange.id).await.at(CHECK)?,
        Some(done)
    );
    Ok(())
}

/// Of writers racing from the same sequence exactly one wins; writers that retry on conflict
/// lose no update.
pub async fn concurrent_updates(store: Arc<dyn ExchangeStore>) -> Result<(), ConformanceError> {
    const ONE_WINS: &str = "exactly one of the writers racing from one sequence wins";
    const NO_LOST: &str = "writers that retry on conflict lose no update";
    let r = sample_record("w1", t0())?;
    store.insert(&r).await.at(ONE_WINS)?;
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
        match racer.await.at(ONE_WINS)? {
            Ok(()) => wins += 1,
            Err(e) if e.kind() == StoreErrorKind::Conflict => {}
            Err(e) => return Err(e).at(ONE_WINS),
        }
    }
    conform_eq!(ONE_WINS, wins, 1);

    const TASKS: u64 = 4;
    const EACH: u64 = 10;
    let mut counters = Vec::new();
    for _ in 0..TASKS {
        let (store, w, id) = (store.clone(), r.workflow_id.clone(), r.exchange.id.clone());
        counters.push(tokio::spawn(async move {
            let mut done = 0;
            while done < EACH {
                let current = store.get(&w, &id).await.at(NO_LOST)?.ok_or_else(|| {
                    ConformanceError::contract(NO_LOST, "the exchange disappeared")
                })?;
                let mut next = current.clone();
                let count = next.exchange.variables.get("count").and_then(Value::as_u64);
                next.exchange
                    .variables
                    .insert("count".into(), json!(count.unwrap_or(0) + 1));
                next.exchange.sequence += 1;
                match store.update(&next, current.exchange.sequence).await {
                    Ok(()) => done += 1,
                    Err(e) if e.kind() == StoreErrorKind::Conflict => {}
                    Err(e) => return Err(e).at(NO_LOST),
                }
            }
            Ok(())
        }));
    }
    for counter in counters {
        counter.await.at(NO_LOST)??;
    }
    let last = store
        .get(&r.workflow_id, &r.exchange.id)
        .await
        .at(NO_LOST)?
        .ok_or_else(|| ConformanceError::contract(NO_LOST, "the exchange disappeared"))?;
    conform_eq!(
        NO_LOST,
        last.exchange.variables.get("count"),
        Some(&json!(TASKS * EACH))
    );
    conform_eq!(
        "one sequence step per update",
        last.exchange.sequence,
        1 + TASKS * EACH
    );
    Ok(())
}

/// `purge_expired` deletes exchanges that expired at or before the given time, and only those,
/// up to the limit.
pub async fn purge_expired(store: &dyn ExchangeStore) -> Result<(), ConformanceError> {
    const CHECK: &str = "purge_expired deletes exactly the expired exchanges, up to the limit";
    let long_ago = t0() - Duration::days(3650);
    let old = (0..3)
        .map(|i| sample_record("w1", long_ago + Duration::seconds(i)))
        .collect::<Result<Vec<_>, _>>()?;
    let live = sample_record("w1", long_ago + Duration::days(1))?;
    for r in old.iter().chain([&live]) {
        store.insert(r).await.at(CHECK)?;
    }
    let cutoff = long_ago + Duration::seconds(2);
    conform_eq!(
        "purge_expired keeps to its limit",
        store.purge_expired(cutoff, 2).await.at(CHECK)?,
        2
    );
    conform_eq!(CHECK, store.purge_expired(cutoff, 10).await.at(CHECK)?, 1);
    conform_eq!(CHECK, store.purge_expired(cutoff, 10).await.at(CHECK)?, 0);
    for r in &old {
        conform_eq!(
            CHECK,
            store.get(&r.workflow_id, &r.exchange.id).await.at(CHECK)?,
            None
        );
    }
    conform!(
        CHECK,
        store
            .get(&live.workflow_id, &live.exchange.id)
            .await
            .at(CHECK)?
            .is_some(),
        "a live exchange was purged"
    );
    Ok(())
}
