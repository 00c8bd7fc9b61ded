//! Group commit in front of any credential status index.

use std::sync::Arc;

use async_trait::async_trait;
use vc_status::store::StoreError;
use vc_status::{GroupCommit, StatusEntry};

use super::CredentialStatusIndex;

/// The most credentials recorded in one write.
const MAX_RECORDS_PER_WRITE: usize = 256;

/// A [`CredentialStatusIndex`] whose concurrent [`record`](CredentialStatusIndex::record) calls
/// share writes: the calls that arrive while one is being written become one
/// [`record_many`](CredentialStatusIndex::record_many) of the inner index (one transaction on the
/// SQL backends, so one commit and one sync for all of them). A caller returns once its own
/// entries are recorded, as with the inner index; when a shared write fails, each of its
/// credentials is recorded again on its own, so that a caller sees only its own error.
///
/// The VC API router puts every instance's index behind one of these; a host that records
/// elsewhere under load can do the same.
///
/// ```
/// use std::sync::Arc;
/// use vc_issue::status_index::{
///     CredentialStatusIndex, GroupedStatusIndex, MemoryCredentialStatusIndex,
/// };
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let index = GroupedStatusIndex::new(MemoryCredentialStatusIndex::shared());
/// index.record("urn:uuid:1", &[]).await?;
/// assert!(index.entries("urn:uuid:1").await?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct GroupedStatusIndex {
    inner: Arc<dyn CredentialStatusIndex>,
    commits: GroupCommit<(String, Vec<StatusEntry>), Result<(), StoreError>>,
}

impl GroupedStatusIndex {
    /// Groups the writes of `inner`.
    pub fn new(inner: Arc<dyn CredentialStatusIndex>) -> Self {
        Self {
            inner,
            commits: GroupCommit::new(MAX_RECORDS_PER_WRITE),
        }
    }

    /// The index it writes to.
    pub fn inner(&self) -> &Arc<dyn CredentialStatusIndex> {
        &self.inner
    }
}

#[async_trait]
impl CredentialStatusIndex for GroupedStatusIndex {
    async fn record(&self, credential_id: &str, entries: &[StatusEntry]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let inner = &self.inner;
        let item = (credential_id.to_owned(), entries.to_vec());
        self.commits
            .submit(item, 1, |records| async move {
                match inner.record_many(&records).await {
                    Ok(()) => records.iter().map(|_| Ok(())).collect(),
                    // Recording again what was recorded is harmless.
                    Err(_) => {
                        let mut outcomes = Vec::with_capacity(records.len());
                        for (credential_id, entries) in &records {
                            outcomes.push(inner.record(credential_id, entries).await);
                        }
                        outcomes
                    }
                }
            })
            .await
    }

    async fn record_many(&self, records: &[(String, Vec<StatusEntry>)]) -> Result<(), StoreError> {
        self.inner.record_many(records).await
    }

    async fn entries(&self, credential_id: &str) -> Result<Vec<StatusEntry>, StoreError> {
        self.inner.entries(credential_id).await
    }
}
