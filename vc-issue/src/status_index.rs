//! Which status entries a credential got, by credential id: what `POST /credentials/status`
//! needs when the caller names a credential instead of sending its status entry.
//!
//! Neither the issuer nor vc-status keeps a credential-to-entry map (the registry hands out
//! entries and forgets whom to). The VC API's `UpdateCredentialStatus` request, though, names a
//! credential (`credentialId`) and a purpose, so the router records the entries of every
//! credential it issues here. A caller may also send the full entry (`statusListIndex`,
//! `statusListCredential`), as found in the credential, and then no index is consulted.
//!
//! What gets recorded: credentials issued synchronously through `POST /credentials/issue` (an
//! `IssuanceRequest` under its credential id; a VC API body under `options.credentialId`, else
//! `credential.id`), and credentials of the queue when their ticket is polled through the router.
//! A host that issues elsewhere (in-process, a worker nobody polls) records them itself with
//! [`CredentialStatusIndex::record`] on the index it gave the router.

mod grouped;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_store;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use vc_core::ErrorCode;
use vc_status::store::{StoreError, StoreErrorKind};
use vc_status::StatusEntry;

pub use grouped::GroupedStatusIndex;
#[cfg(feature = "postgres")]
pub use postgres::PostgresCredentialStatusIndex;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteCredentialStatusIndex;

/// A failure of the credential status index, as the router reports it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StatusIndexError {
    /// The backend failed; its kind says whether a retry can help.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl StatusIndexError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            StatusIndexError::Store(e) => match e.kind() {
                StoreErrorKind::Unavailable => ErrorCode::STORE_UNAVAILABLE,
                _ => ErrorCode::STORE_ERROR,
            },
        }
    }

    /// The backend's error kind.
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            StatusIndexError::Store(e) => e.kind(),
        }
    }
}

/// Remembers the status entries of issued credentials by credential id. Object-safe: hold it as
/// `Arc<dyn CredentialStatusIndex>`.
///
/// [`MemoryCredentialStatusIndex`] is the reference implementation (one process);
/// `SqliteCredentialStatusIndex` (feature `sqlite`) survives restarts and
/// `PostgresCredentialStatusIndex` (feature `postgres`) serves issuers on several machines. Other
/// backends run `testing::status_index`'s conformance check (feature `testing`) against themselves.
#[async_trait]
pub trait CredentialStatusIndex: Send + Sync + Debug + 'static {
    /// Adds `entries` to those of `credential_id` (an entry already recorded is not duplicated).
    async fn record(&self, credential_id: &str, entries: &[StatusEntry]) -> Result<(), StoreError>;

    /// Records the entries of several credentials, as [`record`](Self::record) does for each: what
    /// the router calls when requests arrive together (group commit), so that a backend with a
    /// costly commit writes them in one transaction. The default records them one by one; on an
    /// error some may be recorded and others not (recording again is harmless).
    async fn record_many(&self, records: &[(String, Vec<StatusEntry>)]) -> Result<(), StoreError> {
        for (credential_id, entries) in records {
            self.record(credential_id, entries).await?;
        }
        Ok(())
    }

    /// The entries recorded for `credential_id` (empty when none).
    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StoreError>;
}

/// A [`CredentialStatusIndex`] in memory.
#[derive(Debug, Default)]
pub struct MemoryCredentialStatusIndex {
    entries: Mutex<HashMap<String, Vec<StatusEntry>>>,
}

impl MemoryCredentialStatusIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty index, shared.
    pub fn shared() -> Arc<Self> {
        Arc::new(Self::new())
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, Vec<StatusEntry>>> {
        // Each critical section is one push or clone: a poisoned lock holds no broken state.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl CredentialStatusIndex for MemoryCredentialStatusIndex {
    async fn record(&self, credential_id: &str, entries: &[StatusEntry]) -> Result<(), StoreError> {
        let mut map = self.map();
        let known = map.entry(credential_id.to_owned()).or_default();
        for entry in entries {
            if !known.contains(entry) {
                known.push(entry.clone());
            }
        }
        Ok(())
    }

    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StoreError> {
        Ok(self.map().get(credential_id).cloned().unwrap_or_default())
    }
}
