//! Batch issuance: per-item results in input order, one bad item never fails the batch.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use serde_json::json;
use vc_issue::{
    BatchItem, BatchRequest, CredentialVerifier, ItemStatus, ProofType, MAX_BATCH_ITEMS,
};
use vc_status::store::{
    EntryChange, ListRecord, ListSnapshot, MemoryStore, ReservationRecord, SetOutcome,
    StatusListStore, StoreError, StoreErrorKind,
};
use vc_status::{ReservationOwner, StatusListId, StatusPurpose, StatusRegistry};

use crate::fixtures::{degree_claims, Setup};

fn batch(setup: &Setup, items: Vec<BatchItem>) -> BatchRequest {
    serde_json::from_value(json!({
        "schemaId": "university-degree-v1",
        "issuerDid": setup.ed25519.did(),
        "proofType": "eddsa-jcs-2022",
        "revocable": true,
        "items": items,
    }))
    .unwrap()
}

/// One degree item for each holder seed in `seeds`.
fn degree_items(seeds: impl Iterator<Item = u8>) -> Vec<BatchItem> {
    seeds
        .map(|i| BatchItem::new(holder(i), degree_claims()))
        .collect()
}

fn holder(i: u8) -> String {
    vc_issue::Ed25519Signer::from_seed(&[i; 32])
        .did()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_items_fail_alone_and_results_keep_input_order() {
    let store = Arc::new(MemoryStore::new());
    let registry = Arc::new(
        StatusRegistry::builder()
            .store(store.clone())
            .list_url_template("https://university.example/status/{list}")
            .issuer("did:example:university")
            .build()
            .unwrap(),
    );
    let setup = Setup::with(|b| b.status_registry(registry.clone()));
    let mut items = degree_items(10..40);
    items[3].holder_did = Some("not a did".into());
    items[7].holder_did = Some("did:example:nobody".into());
    items[11].claims = json!({"degree": {"type": "X"}})
        .as_object()
        .unwrap()
        .clone();
    let result = setup
        .issuer
        .issue_batch(batch(&setup, items.clone()))
        .await
        .unwrap();

    assert_eq!((result.issued, result.failed), (27, 3));
    assert!(result.batch_id.starts_with("urn:uuid:"));
    let codes: Vec<_> = result
        .items
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == ItemStatus::Failed)
        .map(|(i, r)| (i, r.error.as_ref().unwrap().code().as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (3, "INVALID_REQUEST"),
            (7, "HOLDER_NOT_FOUND"),
            (11, "SCHEMA_VALIDATION_FAILED")
        ]
    );
    let verifier = CredentialVerifier::new(setup.dids.clone());
    let mut indexes = HashSet::new();
    for (item, result) in items.iter().zip(&result.items) {
        assert_eq!(item.holder_did, result.holder_did);
        if result.status == ItemStatus::Issued {
            let credential = result.credential.as_ref().unwrap().as_credential().unwrap();
            assert_eq!(
                credential.subjects()[0].id.as_deref(),
                item.holder_did.as_deref()
            );
            verifier.verify(credential).await.unwrap();
            assert!(
                indexes.insert(result.status_list_index.unwrap()),
                "indexes are distinct"
            );
        }
    }
    // Exactly the valid items got status entries: none for the failed ones.
    let list = registry
        .active_list_id(StatusPurpose::Revocation)
        .await
        .unwrap();
    assert_eq!(store.snapshot(&list).await.unwrap().allocated, 27);

    let wire = serde_json::to_value(&result).unwrap();
    assert_eq!(wire["items"][3]["status"], "failed");
    assert_eq!(wire["items"][3]["error"]["code"], "INVALID_REQUEST");
    assert_eq!(wire["items"][0]["status"], "issued");
}

#[tokio::test]
async fn shared_failures_fail_the_whole_batch() {
    let setup = Setup::new();
    let mut request = batch(&setup, vec![BatchItem::new(holder(1), degree_claims())]);
    request.revocable = false;
    request.schema_id = "missing".into();
    assert_eq!(refusal(&setup, request.clone()).await, "SCHEMA_NOT_FOUND");
    request.schema_id = "university-degree-v1".into();
    request.proof_type = ProofType::from("BbsBlsSignature2020");
    assert_eq!(
        refusal(&setup, request.clone()).await,
        "UNSUPPORTED_PROOF_TYPE"
    );
    request.proof_type = ProofType::EddsaJcs2022;
    request.items = vec![BatchItem::new(holder(1), degree_claims()); MAX_BATCH_ITEMS + 1];
    assert_eq!(refusal(&setup, request).await, "INVALID_REQUEST");
}

/// The code of the error that refuses the whole `request`.
async fn refusal(setup: &Setup, request: BatchRequest) -> vc_core::ErrorCode {
    setup.issuer.issue_batch(request).await.unwrap_err().code()
}

#[tokio::test]
async fn an_empty_batch_is_empty() {
    let setup = Setup::new();
    let result = setup
        .issuer
        .issue_batch(batch(&setup, vec![]))
        .await
        .unwrap();
    assert_eq!(
        (result.issued, result.failed, result.items.len()),
        (0, 0, 0)
    );
}

/// Signs with the fixture's Ed25519 key, counting signatures, and panics on the one numbered
/// `panic_at` (a host signer with a bug).
#[derive(Debug)]
struct FlakySigner {
    inner: Arc<vc_issue::Ed25519Signer>,
    signed: std::sync::atomic::AtomicUsize,
    panic_at: usize,
}

#[async_trait::async_trait]
impl vc_issue::Signer for FlakySigner {
    fn algorithm(&self) -> vc_issue::SignatureAlgorithm {
        self.inner.algorithm()
    }

    fn public_key(&self) -> &vc_core::PublicKey {
        self.inner.public_key()
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, vc_issue::HostError> {
        let n = self
            .signed
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        assert_ne!(n, self.panic_at, "signer bug");
        self.inner.sign(message).await
    }
}

fn flaky_setup(panic_at: usize, store: Arc<dyn StatusListStore>) -> (Setup, Arc<FlakySigner>) {
    let inner = Arc::new(vc_issue::Ed25519Signer::from_seed(&[7; 32]));
    let signer = Arc::new(FlakySigner {
        inner: inner.clone(),
        signed: Default::default(),
        panic_at,
    });
    let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
    keys.insert(inner.verification_method_id(), signer.clone());
    let registry = StatusRegistry::builder()
        .store(store)
        .list_url_template("https://university.example/status/{list}")
        .issuer("did:example:university")
        .build()
        .unwrap();
    let setup = Setup::with(|b| b.keys(keys).status_registry(Arc::new(registry)));
    (setup, signer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_signer_fails_its_item_only() {
    let (setup, signer) = flaky_setup(5, Arc::new(MemoryStore::new()));
    let items = degree_items(1..=12);
    let result = setup
        .issuer
        .issue_batch(batch(&setup, items))
        .await
        .unwrap();
    assert_eq!((result.issued, result.failed), (11, 1));
    let failed: Vec<_> = result
        .items
        .iter()
        .filter(|r| r.status == ItemStatus::Failed)
        .map(|r| r.error.as_ref().unwrap().code())
        .collect();
    assert_eq!(failed, ["INTERNAL_ERROR"]);
    assert_eq!(signer.signed.load(std::sync::atomic::Ordering::SeqCst), 12);
}

/// A store whose counter cannot be advanced (the database went away).
#[derive(Debug, Default)]
struct NoReserve(MemoryStore);

/// What a status store that cannot be reached answers.
fn connection_refused() -> StoreError {
    StoreError::new(StoreErrorKind::Unavailable, "connection refused")
}

#[async_trait::async_trait]
impl StatusListStore for NoReserve {
    async fn create_list(&self, list: &ListRecord) -> Result<(), StoreError> {
        self.0.create_list(list).await
    }

    async fn get_list(&self, id: &StatusListId) -> Result<ListRecord, StoreError> {
        self.0.get_list(id).await
    }

    async fn latest_list(&self, series: &str) -> Result<Option<ListRecord>, StoreError> {
        self.0.latest_list(series).await
    }

    async fn reserve(&self, _: &StatusListId, _: u64) -> Result<Range<u64>, StoreError> {
        Err(connection_refused())
    }

    async fn reserve_owned(
        &self,
        _: &ReservationOwner,
        _: &StatusListId,
        _: u64,
    ) -> Result<ReservationRecord, StoreError> {
        Err(connection_refused())
    }

    async fn reservation(
        &self,
        owner: &ReservationOwner,
    ) -> Result<Option<ReservationRecord>, StoreError> {
        self.0.reservation(owner).await
    }

    async fn release_reservation(&self, owner: &ReservationOwner) -> Result<bool, StoreError> {
        self.0.release_reservation(owner).await
    }

    async fn set_entries(&self, changes: &[EntryChange]) -> Result<Vec<SetOutcome>, StoreError> {
        self.0.set_entries(changes).await
    }

    async fn snapshot(&self, id: &StatusListId) -> Result<ListSnapshot, StoreError> {
        self.0.snapshot(id).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_status_reservation_fails_the_batch_before_any_signature() {
    let (setup, signer) = flaky_setup(usize::MAX, Arc::new(NoReserve::default()));
    let items = degree_items(1..=9);
    let error = setup
        .issuer
        .issue_batch(batch(&setup, items))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "STATUS_REGISTRATION_FAILED");
    assert_eq!(signer.signed.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_without_status_needs_no_registry() {
    let setup = Setup::new();
    let mut request = batch(&setup, degree_items(1..=5));
    request.revocable = false;
    let result = setup.issuer.issue_batch(request).await.unwrap();
    assert_eq!((result.issued, result.failed), (5, 0));
    assert!(result.items.iter().all(|r| r.status_list_index.is_none()
        && r.credential
            .as_ref()
            .unwrap()
            .as_credential()
            .unwrap()
            .credential_status
            .is_none()));
}
