//! The registry over the in-memory store.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use time::macros::datetime;
use vc_core::FixedClock;
use vc_status::store::{
    ListRecord, ListSnapshot, MemoryStore, ReservationRecord, SetOutcome, StatusListStore,
    StoreError,
};
use vc_status::{
    Bitstring, DecodeOptions, ListFormat, ReservationOwner, StatusEntry, StatusListId,
    StatusMessage, StatusPurpose, StatusRegistry, StatusSize,
};

const TEMPLATE: &str = "https://issuer.example/status/{list}";

fn registry(store: Arc<dyn StatusListStore>) -> StatusRegistry {
    StatusRegistry::builder()
        .store(store)
        .list_url_template(TEMPLATE)
        .issuer("did:example:issuer")
        .build()
        .unwrap()
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<StatusRegistry>();
    check::<StatusEntry>();
    check::<Bitstring>();
    check::<vc_status::Error>();
    check::<Arc<dyn StatusListStore>>();
    check::<vc_status::Permutation>();
}

/// Counts the calls that reach the store.
#[derive(Debug, Default)]
struct Counting {
    inner: MemoryStore,
    reserve: AtomicUsize,
    all: AtomicUsize,
}

#[async_trait]
impl StatusListStore for Counting {
    async fn create_list(&self, list: &ListRecord) -> Result<(), StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.inner.create_list(list).await
    }
    async fn get_list(&self, id: &StatusListId) -> Result<ListRecord, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.inner.get_list(id).await
    }
    async fn latest_list(&self, series: &str) -> Result<Option<ListRecord>, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.inner.latest_list(series).await
    }
    async fn reserve(&self, id: &StatusListId, n: u64) -> Result<Range<u64>, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.reserve.fetch_add(1, Ordering::SeqCst);
        self.inner.reserve(id, n).await
    }
    async fn reserve_owned(
        &self,
        owner: &ReservationOwner,
        id: &StatusListId,
        n: u64,
    ) -> Result<ReservationRecord, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.reserve.fetch_add(1, Ordering::SeqCst);
        self.inner.reserve_owned(owner, id, n).await
    }
    async fn reservation(
        &self,
        owner: &ReservationOwner,
    ) -> Result<Option<ReservationRecord>, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.inner.reservation(owner).await
    }
    async fn release_reservation(&self, owner: &ReservationOwner) -> Result<bool, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.inner.release_reservation(owner).await
    }
    async fn set_entries(
        &self,
        changes: &[vc_status::store::EntryChange],
    ) -> Result<Vec<SetOutcome>, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.inner.set_entries(changes).await
    }
    async fn snapshot(&self, id: &StatusListId) -> Result<ListSnapshot, StoreError> {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.inner.snapshot(id).await
    }
}

#[tokio::test]
async fn a_batch_of_ten_thousand_is_one_store_round_trip() {
    let store = Arc::new(Counting::default());
    let reg = registry(store.clone());
    let first = reg
        .allocate(StatusPurpose::Revocation, 10_000)
        .await
        .unwrap();
    assert_eq!(first.len(), 10_000);
    assert_eq!(store.reserve.load(Ordering::SeqCst), 1);
    // The first call also found no list and created one.
    assert_eq!(store.all.load(Ordering::SeqCst), 3);
    let before = store.all.load(Ordering::SeqCst);
    let second = reg
        .allocate(StatusPurpose::Revocation, 10_000)
        .await
        .unwrap();
    assert_eq!(store.all.load(Ordering::SeqCst) - before, 1);
    let unique: HashSet<_> = first.iter().chain(&second).map(|e| e.index()).collect();
    assert_eq!(unique.len(), 20_000);
}

#[tokio::test]
async fn an_owned_allocation_is_one_store_round_trip() {
    let store = Arc::new(Counting::default());
    let reg = registry(store.clone());
    let owner = ReservationOwner::new("ticket-1").unwrap();
    let first = reg
        .allocate_owned(&owner, StatusPurpose::Revocation)
        .await
        .unwrap();
    let before = store.all.load(Ordering::SeqCst);
    let again = reg
        .allocate_owned(&owner, StatusPurpose::Revocation)
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(store.all.load(Ordering::SeqCst) - before, 1);
    assert_eq!(store.reserve.load(Ordering::SeqCst), 2);
    // The entry is what `allocate` would have built: same URL, purpose and size.
    let plain = reg.allocate(StatusPurpose::Revocation, 1).await.unwrap();
    assert_eq!(plain[0].list_credential(), first.list_credential());
    assert_eq!(plain[0].to_value()["type"], first.to_value()["type"]);
    assert_ne!(plain[0].index(), first.index());
}

#[tokio::test]
async fn indexes_are_unpredictable_and_entries_ready_to_embed() {
    let reg = registry(Arc::new(MemoryStore::new()));
    let entries = reg.allocate(StatusPurpose::Revocation, 100).await.unwrap();
    let indexes: Vec<u64> = entries.iter().map(|e| e.index().get()).collect();
    assert!(
        indexes.windows(2).any(|w| w[0] > w[1]),
        "not in issuance order"
    );
    assert!(indexes.iter().any(|&i| i > 100_000), "spread over the list");
    let e = &entries[0];
    let v = e.to_value();
    let url = "https://issuer.example/status/revocation-1";
    assert_eq!(v["id"], format!("{url}#{}", e.index()));
    assert_eq!(v["type"], "BitstringStatusListEntry");
    assert_eq!(v["statusPurpose"], "revocation");
    assert_eq!(v["statusListIndex"], e.index().to_string());
    assert_eq!(v["statusListCredential"], url);
    assert!(v.get("statusSize").is_none());
    // What we write we read back.
    assert_eq!(&StatusEntry::from_value(v).unwrap(), e);
}

#[tokio::test]
async fn rollover_opens_the_next_list_without_repeating_an_entry() {
    let reg = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template(TEMPLATE)
        .issuer("did:example:issuer")
        .test_list_size(100)
        .build()
        .unwrap();
    let mut seen = HashSet::new();
    for _ in 0..7 {
        for e in reg.allocate(StatusPurpose::Suspension, 45).await.unwrap() {
            assert!(seen.insert((e.list_credential().to_owned(), e.index())));
        }
    }
    assert_eq!(seen.len(), 315);
    let lists: HashSet<_> = seen.iter().map(|(l, _)| l.clone()).collect();
    assert_eq!(lists.len(), 4);
    assert_eq!(
        reg.active_list_id(StatusPurpose::Suspension)
            .await
            .unwrap()
            .as_str(),
        "suspension-4"
    );
    // Full lists hold every index exactly once.
    let full: HashSet<u64> = seen
        .iter()
        .filter(|(l, _)| l.ends_with("suspension-1"))
        .map(|(_, i)| i.get())
        .collect();
    assert_eq!(full, (0..100).collect());
}

#[tokio::test]
async fn a_reservation_split_across_lists_yields_what_allocate_would() {
    let registry = |store: Arc<MemoryStore>| {
        StatusRegistry::builder()
            .store(store)
            .list_url_template(TEMPLATE)
            .issuer("did:example:issuer")
            .test_list_size(100)
            .build()
            .unwrap()
    };
    // Two registries over equal stores with equal seeds would differ (seeds are random), so the
    // reference is the same registry: allocate 70, then reserve 70 more across the rollover.
    let reg = registry(Arc::new(MemoryStore::new()));
    let first = reg.allocate(StatusPurpose::Revocation, 70).await.unwrap();
    let mut reserved = reg.reserve(StatusPurpose::Revocation, 70).await.unwrap();
    assert_eq!(reserved.len(), 70);
    // Shares that cut through both runs (30 left on list 1, 40 on list 2).
    let shares: Vec<_> = [10, 25, 0, 35]
        .into_iter()
        .map(|n| reserved.take_first(n))
        .collect();
    assert!(reserved.is_empty());
    assert_eq!(
        shares.iter().map(|s| s.len()).collect::<Vec<_>>(),
        [10, 25, 0, 35]
    );
    let second: Vec<_> = shares.into_iter().flatten().collect();
    assert_eq!(second.len(), 70);
    let on_list = |entries: &[vc_status::StatusEntry], list: &str| {
        entries
            .iter()
            .filter(|e| e.list_credential().ends_with(list))
            .map(|e| e.index().get())
            .collect::<HashSet<u64>>()
    };
    // List 1 holds every index exactly once over both calls; list 2 got the other 40.
    let mut list1 = on_list(&first, "revocation-1");
    let second_on_1 = on_list(&second, "revocation-1");
    assert_eq!(second_on_1.len(), 30);
    assert!(list1.is_disjoint(&second_on_1));
    list1.extend(second_on_1);
    assert_eq!(list1, (0..100).collect());
    assert_eq!(on_list(&second, "revocation-2").len(), 40);
    // Input order is kept: the list-1 entries come first.
    assert!(second[..30]
        .iter()
        .all(|e| e.list_credential().ends_with("revocation-1")));
    for entry in &second {
        assert_eq!(
            entry.id(),
            Some(format!("{}#{}", entry.list_credential(), entry.index()).as_str())
        );
        reg.status(entry).await.unwrap();
    }
}

#[tokio::test]
async fn two_registries_on_one_store_share_lists_and_never_collide() {
    let store: Arc<dyn StatusListStore> = Arc::new(MemoryStore::new());
    let mk = || {
        Arc::new(
            StatusRegistry::builder()
                .store(store.clone())
                .list_url_template(TEMPLATE)
                .issuer("did:example:issuer")
                .test_list_size(500)
                .build()
                .unwrap(),
        )
    };
    let (a, b) = (mk(), mk());
    let mut tasks = Vec::new();
    for (k, reg) in [a.clone(), b.clone(), a, b].into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..50 {
                out.extend(
                    reg.allocate(StatusPurpose::Revocation, 1 + (i + k) % 13)
                        .await
                        .unwrap(),
                );
            }
            out
        }));
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    for t in tasks {
        for e in t.await.unwrap() {
            total += 1;
            assert!(seen.insert((e.list_credential().to_owned(), e.index())));
        }
    }
    assert_eq!(seen.len(), total);
}

#[tokio::test]
async fn revoke_suspend_and_their_rules() {
    let reg = registry(Arc::new(MemoryStore::new()));
    let rev = reg
        .allocate(StatusPurpose::Revocation, 1)
        .await
        .unwrap()
        .remove(0);
    let sus = reg
        .allocate(StatusPurpose::Suspension, 1)
        .await
        .unwrap()
        .remove(0);

    reg.revoke(&rev).await.unwrap();
    reg.revoke(&rev).await.unwrap(); // idempotent
    assert_eq!(reg.status(&rev).await.unwrap(), 1);
    assert_eq!(
        reg.set_status(&rev, 0).await.unwrap_err().code(),
        "STATUS_IRREVERSIBLE"
    );
    assert_eq!(reg.status(&rev).await.unwrap(), 1);

    reg.suspend(&sus).await.unwrap();
    assert_eq!(reg.status(&sus).await.unwrap(), 1);
    reg.unsuspend(&sus).await.unwrap();
    assert_eq!(reg.status(&sus).await.unwrap(), 0);

    assert_eq!(
        reg.suspend(&rev).await.unwrap_err().code(),
        "STATUS_PURPOSE_MISMATCH"
    );
    assert_eq!(
        reg.revoke(&sus).await.unwrap_err().code(),
        "STATUS_PURPOSE_MISMATCH"
    );
    assert_eq!(
        reg.set_status(&sus, 2).await.unwrap_err().code(),
        "STATUS_VALUE_ERROR"
    );
    assert_eq!(
        reg.set_message(&sus, 1).await.unwrap_err().code(),
        "STATUS_PURPOSE_MISMATCH"
    );

    // An entry that claims another purpose than its list.
    let mut forged = rev.to_value();
    forged["statusPurpose"] = "suspension".into();
    let forged = StatusEntry::from_value(forged).unwrap();
    assert_eq!(
        reg.unsuspend(&forged).await.unwrap_err().code(),
        "STATUS_PURPOSE_MISMATCH"
    );

    // Out of range, foreign and unknown lists.
    let mut far = rev.to_value();
    far["statusListIndex"] = "131072".into();
    let far = StatusEntry::from_value(far).unwrap();
    assert_eq!(reg.revoke(&far).await.unwrap_err().code(), "RANGE_ERROR");
    let mut foreign = rev.to_value();
    foreign["statusListCredential"] = "https://elsewhere.example/status/revocation-1".into();
    let foreign = StatusEntry::from_value(foreign).unwrap();
    assert_eq!(
        reg.revoke(&foreign).await.unwrap_err().code(),
        "STATUS_LIST_FOREIGN"
    );
    let mut unknown = rev.to_value();
    unknown["statusListCredential"] = "https://issuer.example/status/revocation-99".into();
    let unknown = StatusEntry::from_value(unknown).unwrap();
    let err = reg.status(&unknown).await.unwrap_err();
    assert_eq!(err.code(), "STORE_NOT_FOUND");
    assert_eq!(
        err.store_kind(),
        Some(vc_status::store::StoreErrorKind::NotFound)
    );
}

fn messages() -> Vec<StatusMessage> {
    ["pending", "accepted", "rejected", "undefined"]
        .iter()
        .enumerate()
        .map(|(i, m)| StatusMessage::new(i as u8, *m))
        .collect()
}

#[tokio::test]
async fn message_lists_carry_size_and_table() {
    let reg = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template(TEMPLATE)
        .issuer("did:example:issuer")
        .messages(StatusSize::new(2).unwrap(), messages())
        .build()
        .unwrap();
    let e = reg
        .allocate(StatusPurpose::Message, 1)
        .await
        .unwrap()
        .remove(0);
    let v = e.to_value();
    assert_eq!(v["statusSize"], 2);
    assert_eq!(
        v["statusMessage"][2],
        serde_json::json!({"status": "0x2", "message": "rejected"})
    );
    reg.set_message(&e, 2).await.unwrap();
    assert_eq!(reg.status(&e).await.unwrap(), 2);
    reg.set_message(&e, 0).await.unwrap();
    assert_eq!(reg.status(&e).await.unwrap(), 0);
    assert_eq!(
        reg.set_message(&e, 4).await.unwrap_err().code(),
        "STATUS_VALUE_ERROR"
    );
    reg.set_message(&e, 3).await.unwrap();
    let id = reg.list_id_from_url(e.list_credential()).unwrap();
    let vc = reg.list_credential(&id).await.unwrap();
    let bits = Bitstring::decode(
        vc["credentialSubject"]["encodedList"].as_str().unwrap(),
        &DecodeOptions::new().status_size(StatusSize::new(2).unwrap()),
    )
    .unwrap();
    assert_eq!(bits.get(e.index().get()).unwrap(), 3);
    assert_eq!(bits.entries(), 131_072);
}

#[tokio::test]
async fn list_credential_is_re_encoded_only_when_the_list_changed() {
    let clock = Arc::new(FixedClock::new(datetime!(2025-06-01 12:00 UTC)));
    let reg = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template(TEMPLATE)
        .issuer("did:example:issuer")
        .clock(clock.clone())
        .validity(time::Duration::hours(24))
        .ttl_ms(300_000)
        .build()
        .unwrap();
    let e = reg.allocate(StatusPurpose::Revocation, 3).await.unwrap();
    let id = reg.list_id_from_url(e[0].list_credential()).unwrap();
    let first = reg.list_credential(&id).await.unwrap();
    assert_eq!(first["validFrom"], "2025-06-01T12:00:00Z");
    assert_eq!(first["validUntil"], "2025-06-02T12:00:00Z");
    assert_eq!(first["credentialSubject"]["ttl"], 300_000);

    clock.advance(time::Duration::hours(1));
    let same = reg.list_credential(&id).await.unwrap();
    assert!(Arc::ptr_eq(&first, &same), "unchanged list: cached");

    reg.revoke(&e[1]).await.unwrap();
    let changed = reg.list_credential(&id).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &changed));
    assert_eq!(changed["validFrom"], "2025-06-01T13:00:00Z");
    let bits = Bitstring::decode(
        changed["credentialSubject"]["encodedList"]
            .as_str()
            .unwrap(),
        &DecodeOptions::new(),
    )
    .unwrap();
    assert_eq!(bits.get(e[1].index().get()).unwrap(), 1);
    assert_eq!(bits.count_nonzero(), 1);

    // Half the validity later the credential is renewed even without a change.
    clock.advance(time::Duration::hours(13));
    let renewed = reg.list_credential(&id).await.unwrap();
    assert_eq!(renewed["validFrom"], "2025-06-02T02:00:00Z");
    assert_eq!(renewed["credentialSubject"], changed["credentialSubject"]);
}

#[tokio::test]
async fn status_list_2021_registry() {
    let reg = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template("https://issuer.example/sl/{list}.json")
        .issuer("did:example:issuer")
        .format(ListFormat::StatusList2021)
        .build()
        .unwrap();
    let e = reg
        .allocate(StatusPurpose::Revocation, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(e.to_value()["type"], "StatusList2021Entry");
    assert_eq!(
        e.list_credential(),
        "https://issuer.example/sl/revocation-1.json"
    );
    reg.revoke(&e).await.unwrap();
    let vc = reg
        .list_credential_for_url(e.list_credential())
        .await
        .unwrap();
    assert_eq!(vc["type"][1], "StatusList2021Credential");
    let bits = Bitstring::decode(
        vc["credentialSubject"]["encodedList"].as_str().unwrap(),
        &DecodeOptions::status_list_2021(),
    )
    .unwrap();
    assert_eq!(bits.get(e.index().get()).unwrap(), 1);
    assert_eq!(
        reg.allocate(StatusPurpose::Refresh, 1)
            .await
            .unwrap_err()
            .code(),
        "STATUS_CONFIG_ERROR"
    );
}

#[test]
fn builder_checks_its_configuration() {
    let store: Arc<dyn StatusListStore> = Arc::new(MemoryStore::new());
    let base = || {
        StatusRegistry::builder()
            .store(store.clone())
            .issuer("did:example:issuer")
    };
    let code = |r: vc_status::Result<StatusRegistry>| r.unwrap_err().code();
    assert_eq!(code(base().build()), "STATUS_CONFIG_ERROR");
    assert_eq!(
        code(base().list_url_template("https://x/status").build()),
        "STATUS_CONFIG_ERROR"
    );
    assert_eq!(
        code(base().list_url_template("/status/{list}").build()),
        "STATUS_CONFIG_ERROR"
    );
    assert_eq!(
        code(base().list_url_template("https://x/{list}/{list}").build()),
        "STATUS_CONFIG_ERROR"
    );
    let ok = || base().list_url_template(TEMPLATE);
    assert_eq!(code(ok().list_size(1000).build()), "STATUS_CONFIG_ERROR");
    assert_eq!(code(ok().namespace("a b").build()), "STATUS_CONFIG_ERROR");
    assert_eq!(
        code(
            ok().messages(StatusSize::ONE, messages()[..2].to_vec())
                .build()
        ),
        "STATUS_CONFIG_ERROR"
    );
    assert_eq!(
        code(
            ok().messages(StatusSize::new(2).unwrap(), messages()[..3].to_vec())
                .build()
        ),
        "STATUS_MESSAGE_ERROR"
    );
    assert_eq!(
        code(
            ok().format(ListFormat::StatusList2021)
                .messages(StatusSize::new(2).unwrap(), messages())
                .build()
        ),
        "STATUS_CONFIG_ERROR"
    );
    assert_eq!(
        code(ok().list_size(200_000_000).build()),
        "STATUS_CONFIG_ERROR"
    );
    assert_eq!(
        code(
            StatusRegistry::builder()
                .store(store.clone())
                .list_url_template(TEMPLATE)
                .build()
        ),
        "STATUS_CONFIG_ERROR"
    );
    assert!(ok().list_size(1 << 20).build().is_ok());
}

#[tokio::test]
async fn zero_and_oversized_batches() {
    let reg = registry(Arc::new(MemoryStore::new()));
    assert!(reg
        .allocate(StatusPurpose::Revocation, 0)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        reg.allocate(StatusPurpose::Revocation, vc_status::MAX_BATCH + 1)
            .await
            .unwrap_err()
            .code(),
        "STATUS_CONFIG_ERROR"
    );
    assert_eq!(
        reg.allocate(StatusPurpose::Message, 1)
            .await
            .unwrap_err()
            .code(),
        "STATUS_CONFIG_ERROR"
    );
}

#[tokio::test]
async fn set_statuses_applies_all_or_nothing() {
    let reg = registry(Arc::new(MemoryStore::new()));
    let revs = reg.allocate(StatusPurpose::Revocation, 3).await.unwrap();
    let sus = reg
        .allocate(StatusPurpose::Suspension, 1)
        .await
        .unwrap()
        .remove(0);
    reg.revoke(&revs[2]).await.unwrap();
    let with = |entry: &StatusEntry, key: &str, value: &str| {
        let mut v = entry.to_value();
        v[key] = value.into();
        StatusEntry::from_value(v).unwrap()
    };
    let far = with(&revs[0], "statusListIndex", "131072");
    let foreign = with(
        &revs[0],
        "statusListCredential",
        "https://elsewhere.example/status/revocation-1",
    );
    let unknown = with(
        &revs[0],
        "statusListCredential",
        "https://issuer.example/status/revocation-99",
    );
    // Every way one item can fail: out of range, a foreign or unknown list, resetting a
    // revocation, a value over statusSize.
    let failing: [(&StatusEntry, u8, &str); 5] = [
        (&far, 1, "RANGE_ERROR"),
        (&foreign, 1, "STATUS_LIST_FOREIGN"),
        (&unknown, 1, "STORE_NOT_FOUND"),
        (&revs[2], 0, "STATUS_IRREVERSIBLE"),
        (&sus, 2, "STATUS_VALUE_ERROR"),
    ];
    let good: [(&StatusEntry, u8); 3] = [(&revs[0], 1), (&sus, 1), (&revs[1], 1)];
    for (entry, value, code) in failing {
        for position in 0..=good.len() {
            let mut batch = good.to_vec();
            batch.insert(position, (entry, value));
            let err = reg.set_statuses(&batch).await.unwrap_err();
            assert_eq!(err.code(), code, "at {position}");
            for (entry, _) in good {
                assert_eq!(reg.status(entry).await.unwrap(), 0, "{code} at {position}");
            }
        }
    }
    reg.set_statuses(&good).await.unwrap();
    for (entry, _) in good {
        assert_eq!(reg.status(entry).await.unwrap(), 1);
    }
}
