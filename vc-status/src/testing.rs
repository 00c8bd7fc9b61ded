//! The conformance suite for [`StatusListStore`] backends (feature `testing`).
//!
//! Every backend in this crate runs it against itself, and a host that writes its own backend
//! should too:
//!
//! ```no_run
//! # async fn f(store: std::sync::Arc<dyn vc_status::store::StatusListStore>) -> vc_status::Result<()> {
//! // inside a multi-threaded tokio runtime, e.g. #[tokio::test(flavor = "multi_thread")]
//! vc_status::testing::run_conformance(store).await?;
//! # Ok(()) }
//! ```
//!
//! The checks use fresh, randomly named lists, so they can run against a store that holds other
//! data, several times, and in parallel. A failed expectation panics (like `assert!`); a store
//! error is returned.

#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod processes;

use std::collections::HashSet;
use std::sync::Arc;

use rand::RngCore;
use time::OffsetDateTime;

use crate::store::{EntryChange, ListRecord, ReservationRecord, StatusListStore, StoreErrorKind};
use crate::{ReservationOwner, Result, StatusListId, StatusPurpose, StatusRegistry, StatusSize};

/// Runs every check of the suite against `store`.
pub async fn run_conformance(store: Arc<dyn StatusListStore>) -> Result<()> {
    create_and_read(store.as_ref()).await?;
    racing_create(store.as_ref()).await?;
    latest_list(store.as_ref()).await?;
    missing_lists(store.as_ref()).await?;
    reserve_until_full(store.as_ref()).await?;
    concurrent_reserve(store.clone()).await?;
    set_entry_is_idempotent(store.as_ref()).await?;
    concurrent_set_entry(store.clone()).await?;
    set_entries_all_or_nothing(store.as_ref()).await?;
    owned_reservation_is_idempotent(store.as_ref()).await?;
    owned_reservation_release(store.as_ref()).await?;
    owned_reservation_at_the_end_of_a_list(store.as_ref()).await?;
    concurrent_owned_reserve(store.clone()).await?;
    registry_rollover(store.clone()).await?;
    registry_owned_rollover(store.clone()).await?;
    registries_of_two_issuers(store).await?;
    Ok(())
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{:016x}", rand::rngs::OsRng.next_u64())
}

fn owner(prefix: &str) -> Result<ReservationOwner> {
    ReservationOwner::new(unique(prefix))
}

/// A list record with a fresh series name.
pub fn sample_record(series: &str, sequence: u64, capacity: u64) -> Result<ListRecord> {
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    Ok(ListRecord {
        id: StatusListId::new(format!("{series}-{sequence}"))?,
        series: series.to_owned(),
        sequence,
        purpose: StatusPurpose::Revocation,
        status_size: StatusSize::ONE,
        capacity,
        seed,
        // Stores keep whole seconds.
        created_at: OffsetDateTime::from_unix_timestamp(1_700_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
    })
}

/// A created list reads back unchanged, with counter 0, version 0 and no entries.
pub async fn create_and_read(store: &dyn StatusListStore) -> Result<()> {
    let mut record = sample_record(&unique("cr"), 1, 1000)?;
    record.purpose = StatusPurpose::Message;
    record.status_size = StatusSize::new(4)?;
    store.create_list(&record).await?;
    assert_eq!(store.get_list(&record.id).await?, record);
    let snapshot = store.snapshot(&record.id).await?;
    assert_eq!(snapshot.version, 0);
    assert_eq!(snapshot.allocated, 0);
    assert!(snapshot.entries.is_empty());
    Ok(())
}

/// Creating an existing list (same id, or same series and sequence) fails with `AlreadyExists`
/// and leaves the first list (and its seed) in place.
pub async fn racing_create(store: &dyn StatusListStore) -> Result<()> {
    let series = unique("rc");
    let first = sample_record(&series, 1, 100)?;
    store.create_list(&first).await?;
    let second = sample_record(&series, 1, 100)?;
    let err = store.create_list(&second).await;
    assert!(
        matches!(&err, Err(e) if e.kind() == StoreErrorKind::AlreadyExists),
        "second create must fail with AlreadyExists, got {err:?}"
    );
    let mut other_id = sample_record(&series, 1, 100)?;
    other_id.id = StatusListId::new(format!("{series}-other"))?;
    let err = store.create_list(&other_id).await;
    assert!(
        matches!(&err, Err(e) if e.kind() == StoreErrorKind::AlreadyExists),
        "same (series, sequence) under another id must fail with AlreadyExists, got {err:?}"
    );
    assert_eq!(store.get_list(&first.id).await?.seed, first.seed);
    Ok(())
}

/// `latest_list` returns the highest sequence of a series and nothing for an unknown series.
pub async fn latest_list(store: &dyn StatusListStore) -> Result<()> {
    let series = unique("ll");
    assert!(store.latest_list(&series).await?.is_none());
    for seq in [1, 3, 2] {
        store.create_list(&sample_record(&series, seq, 10)?).await?;
    }
    let latest = store.latest_list(&series).await?;
    assert_eq!(latest.map(|r| r.sequence), Some(3));
    Ok(())
}

/// Operations on a missing list fail with `NotFound`.
pub async fn missing_lists(store: &dyn StatusListStore) -> Result<()> {
    let id = StatusListId::new(unique("missing"))?;
    let kind = |r: std::result::Result<(), crate::store::StoreError>| r.err().map(|e| e.kind());
    assert_eq!(
        kind(store.get_list(&id).await.map(drop)),
        Some(StoreErrorKind::NotFound)
    );
    assert_eq!(
        kind(store.reserve(&id, 1).await.map(drop)),
        Some(StoreErrorKind::NotFound)
    );
    assert_eq!(
        kind(store.set_entry(&id, 0, 1).await.map(drop)),
        Some(StoreErrorKind::NotFound)
    );
    assert_eq!(
        kind(store.snapshot(&id).await.map(drop)),
        Some(StoreErrorKind::NotFound)
    );
    Ok(())
}

/// An owner's reservation is recorded with its counter step; asking again for the same owner
/// returns it and takes nothing, whatever list and count the repeat names. Other owners, and plain
/// `reserve`, get disjoint counters.
pub async fn owned_reservation_is_idempotent(store: &dyn StatusListStore) -> Result<()> {
    let series = unique("oi");
    let record = sample_record(&series, 1, 100)?;
    let other = sample_record(&series, 2, 100)?;
    store.create_list(&record).await?;
    store.create_list(&other).await?;
    let (a, b) = (owner("oa")?, owner("ob")?);
    assert_eq!(store.reservation(&a).await?, None);
    let first = store.reserve_owned(&a, &record.id, 3).await?;
    let expected = ReservationRecord {
        list: record.id.clone(),
        counters: 0..3,
    };
    assert_eq!(first, expected);
    assert_eq!(store.reservation(&a).await?, Some(expected.clone()));
    assert_eq!(store.reserve_owned(&a, &record.id, 3).await?, expected);
    assert_eq!(store.reserve_owned(&a, &record.id, 7).await?, expected);
    assert_eq!(
        store.reserve_owned(&a, &other.id, 1).await?,
        expected,
        "the held reservation, not one in the list the repeat names"
    );
    let missing = StatusListId::new(unique("missing"))?;
    assert_eq!(store.reserve_owned(&a, &missing, 1).await?, expected);
    assert_eq!(
        store.snapshot(&record.id).await?.allocated,
        3,
        "repeats took nothing"
    );
    assert_eq!(store.snapshot(&other.id).await?.allocated, 0);
    let second = store.reserve_owned(&b, &record.id, 2).await?;
    assert_eq!(
        second.counters,
        3..5,
        "another owner gets the next counters"
    );
    assert_eq!(store.reserve(&record.id, 1).await?, 5..6);
    assert_eq!(store.reservation(&a).await?, Some(expected));
    assert_eq!(store.reservation(&b).await?, Some(second));
    let kind = store
        .reserve_owned(&owner("om")?, &missing, 1)
        .await
        .err()
        .map(|e| e.kind());
    assert_eq!(kind, Some(StoreErrorKind::NotFound));
    Ok(())
}

/// Releasing settles the owner's reservation: it is no longer held, its counters go to no one
/// else, and the owner's next reservation returns them again without taking new ones (a late
/// caller never burns an index). Releasing twice, or an owner that holds nothing, is not an
/// error.
pub async fn owned_reservation_release(store: &dyn StatusListStore) -> Result<()> {
    let record = sample_record(&unique("or"), 1, 100)?;
    store.create_list(&record).await?;
    let (a, b) = (owner("ra")?, owner("rb")?);
    assert_eq!(store.reserve_owned(&a, &record.id, 1).await?.counters, 0..1);
    assert_eq!(store.reserve_owned(&b, &record.id, 1).await?.counters, 1..2);
    assert!(store.release_reservation(&a).await?);
    assert_eq!(store.reservation(&a).await?, None);
    assert!(!store.release_reservation(&a).await?);
    assert!(!store.release_reservation(&owner("rn")?).await?);
    assert!(
        store.reservation(&b).await?.is_some(),
        "releasing one owner leaves the others"
    );
    assert_eq!(
        store.reserve_owned(&a, &record.id, 1).await?.counters,
        0..1,
        "a released owner gets its own counters back, not new ones"
    );
    assert_eq!(store.reservation(&a).await?, None, "and stays released");
    assert!(!store.release_reservation(&a).await?);
    let c = owner("rc")?;
    assert_eq!(
        store.reserve_owned(&c, &record.id, 1).await?.counters,
        2..3,
        "a released counter is never handed out to another owner"
    );
    assert_eq!(store.snapshot(&record.id).await?.allocated, 3);
    Ok(())
}

/// At the end of a list an owned reservation is short like `reserve`'s; on a full list it is empty
/// and nothing is recorded, so the owner can reserve in the next list.
pub async fn owned_reservation_at_the_end_of_a_list(store: &dyn StatusListStore) -> Result<()> {
    let series = unique("oe");
    let full = sample_record(&series, 1, 4)?;
    let next = sample_record(&series, 2, 4)?;
    store.create_list(&full).await?;
    store.create_list(&next).await?;
    assert_eq!(store.reserve(&full.id, 3).await?, 0..3);
    let (a, b) = (owner("ea")?, owner("eb")?);
    assert_eq!(store.reserve_owned(&a, &full.id, 5).await?.counters, 3..4);
    let empty = store.reserve_owned(&b, &full.id, 1).await?;
    assert_eq!(empty.list, full.id);
    assert!(empty.counters.is_empty(), "a full list grants nothing");
    assert_eq!(store.reservation(&b).await?, None, "nothing recorded");
    assert_eq!(store.snapshot(&full.id).await?.allocated, 4);
    let moved = store.reserve_owned(&b, &next.id, 1).await?;
    assert_eq!(
        moved,
        ReservationRecord {
            list: next.id.clone(),
            counters: 0..1
        }
    );
    assert_eq!(store.reservation(&b).await?, Some(moved));
    Ok(())
}

/// Concurrent owned reservations: callers racing for one owner all get one reservation and the
/// counter moves once; callers for different owners get disjoint counters.
pub async fn concurrent_owned_reserve(store: Arc<dyn StatusListStore>) -> Result<()> {
    let record = sample_record(&unique("co"), 1, 1_000)?;
    store.create_list(&record).await?;
    let shared = owner("cs")?;
    let mut tasks = Vec::new();
    for t in 0..16u64 {
        let store = store.clone();
        let id = record.id.clone();
        // Even tasks race for one owner, odd ones have their own.
        let owner = if t % 2 == 0 {
            shared.clone()
        } else {
            owner("cd")?
        };
        tasks.push(tokio::spawn(async move {
            let got = store.reserve_owned(&owner, &id, 1 + t % 3).await?;
            Ok::<_, crate::Error>((t, got))
        }));
    }
    let mut same = HashSet::new();
    let mut counters = HashSet::new();
    for task in tasks {
        let (t, got) = match task.await {
            Ok(got) => got?,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        assert_eq!(got.list, record.id);
        assert!(!got.counters.is_empty());
        if t % 2 == 0 {
            same.insert(got.counters);
        } else {
            for c in got.counters {
                assert!(counters.insert(c), "counter {c} granted twice");
            }
        }
    }
    assert_eq!(
        same.len(),
        1,
        "racing callers for one owner got different reservations"
    );
    let held = same.into_iter().flatten().collect::<Vec<_>>();
    for c in &held {
        assert!(counters.insert(*c), "counter {c} granted twice");
    }
    assert_eq!(
        store.snapshot(&record.id).await?.allocated,
        counters.len() as u64,
        "the counter moved for more than one caller of the shared owner"
    );
    Ok(())
}

/// `reserve` grants consecutive ranges, a short range at the end, then empty ranges.
pub async fn reserve_until_full(store: &dyn StatusListStore) -> Result<()> {
    let record = sample_record(&unique("rf"), 1, 10)?;
    store.create_list(&record).await?;
    assert_eq!(store.reserve(&record.id, 4).await?, 0..4);
    assert!(store.reserve(&record.id, 0).await?.is_empty());
    assert_eq!(store.reserve(&record.id, 4).await?, 4..8);
    assert_eq!(store.reserve(&record.id, 4).await?, 8..10);
    assert!(store.reserve(&record.id, 4).await?.is_empty());
    assert!(store.reserve(&record.id, 1).await?.is_empty());
    assert_eq!(store.snapshot(&record.id).await?.allocated, 10);
    Ok(())
}

/// Concurrent `reserve` calls never grant a counter value twice and lose none.
pub async fn concurrent_reserve(store: Arc<dyn StatusListStore>) -> Result<()> {
    let record = sample_record(&unique("cc"), 1, 5_000)?;
    store.create_list(&record).await?;
    let mut tasks = Vec::new();
    for t in 0..8u64 {
        let store = store.clone();
        let id = record.id.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let r = store.reserve(&id, 1 + t * 7).await?;
                if r.is_empty() {
                    return Ok::<_, crate::Error>(got);
                }
                got.extend(r);
            }
        }));
    }
    let mut all = HashSet::new();
    for task in tasks {
        let got = match task.await {
            Ok(got) => got?,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        for c in got {
            assert!(all.insert(c), "counter {c} granted twice");
        }
    }
    assert_eq!(all.len(), 5_000, "counters lost");
    assert!(all.iter().all(|&c| c < 5_000));
    Ok(())
}

/// `set_entry` bumps the version once per change, not for a repeated value, and the snapshot
/// shows exactly the non-zero entries.
pub async fn set_entry_is_idempotent(store: &dyn StatusListStore) -> Result<()> {
    let record = sample_record(&unique("se"), 1, 100)?;
    store.create_list(&record).await?;
    let a = store.set_entry(&record.id, 7, 1).await?;
    assert!(a.changed);
    assert_eq!(a.version, 1);
    let b = store.set_entry(&record.id, 7, 1).await?;
    assert!(!b.changed);
    assert_eq!(b.version, 1);
    store.set_entry(&record.id, 3, 2).await?;
    store.set_entry(&record.id, 99, 1).await?;
    let snap = store.snapshot(&record.id).await?;
    assert_eq!(snap.version, 3);
    assert_eq!(snap.entries, vec![(3, 2), (7, 1), (99, 1)]);
    let c = store.set_entry(&record.id, 3, 0).await?;
    assert!(c.changed);
    assert_eq!(c.version, 4);
    let snap = store.snapshot(&record.id).await?;
    assert_eq!(snap.entries, vec![(7, 1), (99, 1)]);
    let out_of_range = store.set_entry(&record.id, 100, 1).await;
    assert!(
        out_of_range.is_err(),
        "index beyond capacity must be refused"
    );
    Ok(())
}

/// `set_entries` applies a batch across lists, or nothing of it: a change naming a missing list or
/// an index outside its list, in any position of the batch, leaves every list as it was.
pub async fn set_entries_all_or_nothing(store: &dyn StatusListStore) -> Result<()> {
    let series = unique("sb");
    let a = sample_record(&series, 1, 100)?;
    let b = sample_record(&series, 2, 100)?;
    store.create_list(&a).await?;
    store.create_list(&b).await?;
    store.set_entry(&a.id, 1, 1).await?;
    let change = |list: &ListRecord, index, value| EntryChange {
        list: list.id.clone(),
        index,
        value,
    };
    let good = [change(&a, 5, 1), change(&b, 6, 1), change(&a, 1, 0)];
    let missing = StatusListId::new(unique("missing"))?;
    let bad = [
        change(&a, 100, 1),
        EntryChange {
            list: missing,
            index: 0,
            value: 1,
        },
    ];
    let before = (store.snapshot(&a.id).await?, store.snapshot(&b.id).await?);
    for failing in &bad {
        for position in 0..=good.len() {
            let mut batch = good.to_vec();
            batch.insert(position, failing.clone());
            assert!(
                store.set_entries(&batch).await.is_err(),
                "a batch with {failing:?} at {position} must fail"
            );
            let after = (store.snapshot(&a.id).await?, store.snapshot(&b.id).await?);
            assert_eq!(
                after, before,
                "{failing:?} at {position}: part of the batch was applied"
            );
        }
    }
    let outcomes = store.set_entries(&good).await?;
    let changed: Vec<bool> = outcomes.iter().map(|o| o.changed).collect();
    assert_eq!(changed, [true, true, true]);
    assert_eq!(
        outcomes.iter().map(|o| o.version).collect::<Vec<_>>(),
        [2, 1, 3]
    );
    assert_eq!(store.snapshot(&a.id).await?.entries, vec![(5, 1)]);
    assert_eq!(store.snapshot(&b.id).await?.entries, vec![(6, 1)]);
    // The same change again is idempotent; an empty batch is nothing.
    let again = store.set_entries(&good[..2]).await?;
    assert!(again.iter().all(|o| !o.changed));
    assert!(store.set_entries(&[]).await?.is_empty());
    Ok(())
}

/// Concurrent `set_entry` calls on one list lose no update.
pub async fn concurrent_set_entry(store: Arc<dyn StatusListStore>) -> Result<()> {
    let record = sample_record(&unique("cs"), 1, 1_000)?;
    store.create_list(&record).await?;
    let mut tasks = Vec::new();
    for t in 0..4u64 {
        let store = store.clone();
        let id = record.id.clone();
        tasks.push(tokio::spawn(async move {
            for i in (t..200).step_by(4) {
                store.set_entry(&id, i * 5, 1).await?;
            }
            Ok::<_, crate::Error>(())
        }));
    }
    for task in tasks {
        match task.await {
            Ok(r) => r?,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    let snap = store.snapshot(&record.id).await?;
    assert_eq!(snap.entries.len(), 200, "updates lost");
    assert_eq!(snap.version, 200);
    Ok(())
}

/// A registry on the store allocates unique indexes across rollovers and reads back what it sets.
pub async fn registry_rollover(store: Arc<dyn StatusListStore>) -> Result<()> {
    let registry = StatusRegistry::builder()
        .store(store)
        .list_url_template("https://issuer.example/status/{list}")
        .issuer("did:example:issuer")
        .namespace(unique("rr"))
        .test_list_size(64)
        .build()?;
    let mut seen = HashSet::new();
    let mut lists = HashSet::new();
    for n in [1usize, 10, 63, 100, 26] {
        for e in registry.allocate(StatusPurpose::Revocation, n).await? {
            assert!(e.index().get() < 64);
            lists.insert(e.list_credential().to_owned());
            assert!(
                seen.insert((e.list_credential().to_owned(), e.index())),
                "entry handed out twice"
            );
        }
    }
    assert_eq!(seen.len(), 200);
    assert_eq!(
        lists.len(),
        4,
        "200 entries fill three lists of 64 and open a fourth"
    );
    let entry = registry.allocate(StatusPurpose::Revocation, 1).await?;
    let entry = entry
        .first()
        .ok_or(crate::Error::Config { reason: "no entry" })?;
    assert_eq!(registry.status(entry).await?, 0);
    registry.revoke(entry).await?;
    assert_eq!(registry.status(entry).await?, 1);
    Ok(())
}

/// A registry's owned allocation: a repeat returns the same entry, across a rollover and from
/// another registry on the store too; owners get distinct entries; the lists roll over as with
/// `allocate`; a released owner gets its own entry back; an owner holding one purpose's entry cannot take
/// another's.
pub async fn registry_owned_rollover(store: Arc<dyn StatusListStore>) -> Result<()> {
    let namespace = unique("ro");
    let registry = |store| {
        StatusRegistry::builder()
            .store(store)
            .list_url_template("https://issuer.example/status/{list}")
            .issuer("did:example:issuer")
            .namespace(namespace.clone())
            .test_list_size(64)
            .build()
    };
    let first = registry(store.clone())?;
    let purpose = StatusPurpose::Revocation;
    let owners = (0..100).map(|_| owner("rw")).collect::<Result<Vec<_>>>()?;
    let mut seen = HashSet::new();
    let mut entries = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        let entry = first.allocate_owned(owner, purpose).await?;
        assert!(entry.index().get() < 64);
        assert!(
            seen.insert((entry.list_credential().to_owned(), entry.index())),
            "entry handed out twice"
        );
        // Plain allocation in between never meets an owned entry.
        if i % 10 == 0 {
            for e in first.allocate(purpose, 3).await? {
                assert!(
                    seen.insert((e.list_credential().to_owned(), e.index())),
                    "entry handed out twice"
                );
            }
        }
        entries.push(entry);
    }
    assert_eq!(seen.len(), 130);
    let lists: HashSet<_> = seen.iter().map(|(list, _)| list.clone()).collect();
    assert_eq!(
        lists.len(),
        3,
        "130 entries fill two lists of 64 and open a third"
    );
    // Repeats, also of owners whose list is full by now, return the same entry and take nothing.
    let active = first.active_list_id(purpose).await?;
    let allocated = store.snapshot(&active).await?.allocated;
    for (owner, entry) in owners.iter().zip(&entries) {
        assert_eq!(&first.allocate_owned(owner, purpose).await?, entry);
    }
    assert_eq!(store.snapshot(&active).await?.allocated, allocated);
    // Another registry on the store (another process) rebuilds the same entry.
    let second = registry(store.clone())?;
    assert_eq!(
        second.allocate_owned(&owners[0], purpose).await?,
        entries[0]
    );
    assert!(first.release_owned(&owners[0]).await?);
    assert_eq!(store.reservation(&owners[0]).await?, None);
    assert!(!second.release_owned(&owners[0]).await?);
    let allocated = store.snapshot(&active).await?.allocated;
    assert_eq!(
        second.allocate_owned(&owners[0], purpose).await?,
        entries[0],
        "a released owner gets its own entry back, never a new one"
    );
    assert_eq!(store.snapshot(&active).await?.allocated, allocated);
    let refused = first
        .allocate_owned(&owners[1], StatusPurpose::Suspension)
        .await;
    assert_eq!(
        refused.err().and_then(|e| e.store_kind()),
        Some(StoreErrorKind::Conflict),
        "an owner holds one reservation"
    );
    Ok(())
}

/// Two issuers' registries on one store, with the same list URL template and their own
/// namespaces: each allocates from its own lists, and refuses to change or serve the other's
/// (`STATUS_LIST_OF_ANOTHER_ISSUER`), whatever URL the entry gives.
pub async fn registries_of_two_issuers(store: Arc<dyn StatusListStore>) -> Result<()> {
    let registry = |issuer: &str| {
        StatusRegistry::builder()
            .store(store.clone())
            .list_url_template("https://issuers.example/status/{list}")
            .issuer(issuer)
            .namespace(unique("ti"))
            .test_list_size(64)
            .build()
    };
    let first = registry("did:example:first")?;
    let second = registry("did:example:second")?;
    let purpose = StatusPurpose::Revocation;
    let mine = first.allocate(purpose, 1).await?.remove(0);
    let theirs = second.allocate(purpose, 1).await?.remove(0);
    assert_ne!(mine.list_credential(), theirs.list_credential());
    let list = first.list_id_from_url(mine.list_credential())?;
    for refused in [
        second.revoke(&mine).await.err(),
        second.set_statuses(&[(&theirs, 1), (&mine, 1)]).await.err(),
        second.list_credential(&list).await.err(),
    ] {
        assert_eq!(
            refused.map(|e| e.code()),
            Some(vc_core::ErrorCode::STATUS_LIST_OF_ANOTHER_ISSUER),
            "another issuer's list is refused"
        );
    }
    // All or nothing: the refused batch changed neither entry.
    assert_eq!(first.status(&mine).await?, 0);
    assert_eq!(second.status(&theirs).await?, 0);
    first.revoke(&mine).await?;
    assert_eq!(first.status(&mine).await?, 1);
    Ok(())
}
