//! The store conformance suites report a broken backend as a `ConformanceError` naming the
//! check, instead of panicking: each store below breaks one contract and is caught.

use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;
use vc_issue::exchange::{
    ExchangeId, ExchangeRecord, ExchangeStore, MemoryExchangeStore, WorkflowId,
};
use vc_issue::pickup::{MemoryPickupStore, PickupRecord, PickupStore, TokenDigest};
use vc_issue::queue::{
    Inserted, IssuanceStore, Lease, MemoryIssuanceStore, StoreError, TicketId, TicketRecord,
    TicketState,
};
use vc_issue::status_index::{CredentialStatusIndex, MemoryCredentialStatusIndex};
use vc_issue::testing::ConformanceError;
use vc_issue::IssuedCredential;
use vc_status::StatusEntry;

fn contract(error: &ConformanceError, wanted: &str) -> bool {
    matches!(error, ConformanceError::Contract { check, .. } if check.contains(wanted))
}

/// Hands a credential out on every take: a store that forgets to delete.
#[derive(Debug, Default)]
struct TakesTwice(MemoryPickupStore);

#[async_trait]
impl PickupStore for TakesTwice {
    async fn insert(&self, record: &PickupRecord) -> Result<(), StoreError> {
        self.0.insert(record).await
    }

    async fn take(
        &self,
        digest: &TokenDigest,
        now: OffsetDateTime,
    ) -> Result<Option<IssuedCredential>, StoreError> {
        let taken = self.0.take(digest, now).await?;
        if let Some(credential) = &taken {
            let forever = now + time::Duration::days(365);
            let again = PickupRecord::new(*digest, credential.clone(), forever);
            self.0.insert(&again).await?;
        }
        Ok(taken)
    }

    async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        self.0.purge_expired(now).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pickup_store_that_hands_a_credential_out_twice_is_caught() {
    let error = vc_issue::testing::pickup::run_conformance(Arc::new(TakesTwice::default()))
        .await
        .unwrap_err();
    assert!(contract(&error, "taken once"), "{error}");
}

/// Answers every lookup with each entry twice.
#[derive(Debug, Default)]
struct Duplicates(MemoryCredentialStatusIndex);

#[async_trait]
impl CredentialStatusIndex for Duplicates {
    async fn record(&self, credential_id: &str, entries: &[StatusEntry]) -> Result<(), StoreError> {
        self.0.record(credential_id, entries).await
    }

    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StoreError> {
        let once = self.0.entries(credential_id).await?;
        Ok(once.iter().chain(&once).cloned().collect())
    }
}

#[tokio::test]
async fn a_status_index_that_duplicates_entries_is_caught() {
    let error = vc_issue::testing::status_index::status_index_conformance(&Duplicates::default())
        .await
        .unwrap_err();
    assert!(contract(&error, "without duplicates"), "{error}");
}

/// Acknowledges every update without writing it: lost updates.
#[derive(Debug, Default)]
struct LosesUpdates(MemoryExchangeStore);

#[async_trait]
impl ExchangeStore for LosesUpdates {
    async fn insert(&self, record: &ExchangeRecord) -> Result<(), StoreError> {
        self.0.insert(record).await
    }

    async fn get(
        &self,
        workflow: &WorkflowId,
        id: &ExchangeId,
    ) -> Result<Option<ExchangeRecord>, StoreError> {
        self.0.get(workflow, id).await
    }

    async fn update(
        &self,
        _record: &ExchangeRecord,
        _expected_sequence: u64,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    async fn purge_expired(&self, before: OffsetDateTime, limit: usize) -> Result<u64, StoreError> {
        self.0.purge_expired(before, limit).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exchange_store_that_loses_updates_is_caught() {
    let error = vc_issue::testing::exchange::run_conformance(Arc::new(LosesUpdates::default()))
        .await
        .unwrap_err();
    assert!(contract(&error, "keeps every field"), "{error}");
}

/// Claims tickets in any state: a queue that would issue what nobody approved.
#[derive(Debug, Default)]
struct ClaimsAnything(MemoryIssuanceStore);

#[async_trait]
impl IssuanceStore for ClaimsAnything {
    async fn insert(&self, record: &TicketRecord) -> Result<Inserted, StoreError> {
        let mut approved = record.clone();
        if approved.state == TicketState::PendingApproval {
            approved.state = TicketState::Approved;
        }
        self.0.insert(&approved).await
    }

    async fn get(&self, id: &TicketId) -> Result<Option<TicketRecord>, StoreError> {
        self.0.get(id).await
    }

    async fn update(&self, record: &TicketRecord) -> Result<u64, StoreError> {
        self.0.update(record).await
    }

    async fn claim(
        &self,
        now: OffsetDateTime,
        lease: &Lease,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        self.0.claim(now, lease, limit).await
    }

    async fn overdue(
        &self,
        now: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        self.0.overdue(now, limit).await
    }

    async fn count(&self, state: TicketState) -> Result<u64, StoreError> {
        self.0.count(state).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_issuance_store_that_approves_on_its_own_is_caught() {
    let error = vc_issue::testing::queue::run_conformance(Arc::new(ClaimsAnything::default()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, ConformanceError::Contract { .. }),
        "{error}"
    );
}
