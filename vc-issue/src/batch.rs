//! Batch issuance: many holders under one schema and issuer, in one call.
//!
//! The issuer and schema are checked once; each item's claims and holder are checked on their own,
//! so one bad item never fails the batch. Status entries for every valid item come from one registry
//! call, and signing is spread over all cores.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use vc_core::{CredentialId, DataModelVersion, DateTime, Did};
use vc_status::StatusEntry;

use crate::error::IssueError;
use crate::issuer::{CheckedRequest, Issuer, Prepared};
use crate::proof_type::ProofType;
use crate::request::{IssuanceRequest, IssuanceResponse, IssuedCredential};

/// The most items one batch may hold.
pub const MAX_BATCH_ITEMS: usize = 10_000;

/// Many credentials of one schema from one issuer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchRequest {
    /// The schema of every credential.
    pub schema_id: String,
    /// The issuer of every credential.
    pub issuer_did: Did,
    /// The proof to attach.
    #[serde(default)]
    pub proof_type: ProofType,
    /// Whether every credential gets a revocation status entry.
    #[serde(default)]
    pub revocable: bool,
    /// The data model version.
    #[serde(default)]
    pub data_model: DataModelVersion,
    /// When the credentials stop being valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime>,
    /// One entry per credential, at most [`MAX_BATCH_ITEMS`].
    pub items: Vec<BatchItem>,
}

/// One credential of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchItem {
    /// The holder; kept as text so that a malformed DID fails this item only.
    pub holder_did: String,
    /// The claims about the holder.
    pub claims: Map<String, Value>,
    /// A fixed credential id (a fresh `urn:uuid` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<CredentialId>,
}

impl BatchItem {
    /// An item for `holder_did` with `claims`.
    pub fn new(holder_did: impl Into<String>, claims: Map<String, Value>) -> Self {
        Self {
            holder_did: holder_did.into(),
            claims,
            credential_id: None,
        }
    }
}

/// Whether an item was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    /// The credential was issued.
    Issued,
    /// The item failed; see its error.
    Failed,
}

/// The outcome of one item, in input order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchItemResult {
    /// The holder, as given.
    pub holder_did: String,
    /// Issued or failed.
    pub status: ItemStatus,
    /// The credential's id, when issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<CredentialId>,
    /// The status list index, when issued revocable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_list_index: Option<u64>,
    /// The credential, when issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<IssuedCredential>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<IssueError>,
}

/// The outcome of a batch: per-item results in input order, and totals.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchResult {
    /// An id for the batch (a `urn:uuid`).
    pub batch_id: String,
    /// How many credentials were issued.
    pub issued: usize,
    /// How many items failed.
    pub failed: usize,
    /// One result per item, in input order.
    pub items: Vec<BatchItemResult>,
}

impl Issuer {
    /// Issues a batch. Fails as a whole only when what every item shares fails (issuer, schema,
    /// proof type, key, status registration, or more than [`MAX_BATCH_ITEMS`] items); every other
    /// failure is reported on its item.
    pub async fn issue_batch(&self, mut batch: BatchRequest) -> Result<BatchResult, IssueError> {
        if batch.items.len() > MAX_BATCH_ITEMS {
            return Err(IssueError::InvalidRequest {
                reason: format!(
                    "a batch holds at most {MAX_BATCH_ITEMS} items, not {}",
                    batch.items.len()
                ),
            });
        }
        self.check_rate_limit(&batch.issuer_did)?;
        let prepared = Arc::new(
            self.prepare(&batch.issuer_did, &batch.schema_id, &batch.proof_type)
                .await?,
        );
        let holders: Vec<String> = batch
            .items
            .iter()
            .map(|item| item.holder_did.clone())
            .collect();
        // The items move into the checks (not copied): a 10,000-item batch is held once.
        let items = std::mem::take(&mut batch.items);
        let mut outcomes = self.check_items(Arc::new(batch), items, &prepared).await;
        let valid: Vec<usize> = (0..outcomes.len())
            .filter(|&i| outcomes[i].is_ok())
            .collect();
        let mut statuses = self.allocate_for(&outcomes, valid.len()).await?.into_iter();
        let mut jobs = Vec::with_capacity(valid.len());
        for &i in &valid {
            let slot = std::mem::replace(
                &mut outcomes[i],
                Err(IssueError::Internal {
                    context: "batch",
                    source: None,
                }),
            );
            if let Ok(checked) = slot {
                jobs.push((i, checked, statuses.next()));
            }
        }
        let signed = self.sign_parallel(jobs).await;
        let mut results: Vec<Option<Result<IssuanceResponse, IssueError>>> =
            outcomes.into_iter().map(|o| o.err().map(Err)).collect();
        for (i, result) in signed {
            results[i] = Some(result);
        }
        Ok(summarize(holders, results))
    }

    /// Steps 3 and 4 for every item, on all cores (claims validation is CPU work).
    async fn check_items(
        &self,
        template: Arc<BatchRequest>,
        items: Vec<BatchItem>,
        prepared: &Arc<Prepared>,
    ) -> Vec<Result<CheckedRequest, IssueError>> {
        let issuer = self.clone();
        let prepared = prepared.clone();
        let checked = on_all_cores(items, move |item: BatchItem| {
            let (issuer, prepared, template) = (issuer.clone(), prepared.clone(), template.clone());
            async move {
                match item_request(&template, &item) {
                    Ok(request) => issuer.check_item(request, &prepared).await,
                    Err(err) => Err(err),
                }
            }
        })
        .await;
        checked
            .into_iter()
            .map(|outcome| outcome.unwrap_or_else(|| Err(lost())))
            .collect()
    }

    async fn allocate_for(
        &self,
        outcomes: &[Result<CheckedRequest, IssueError>],
        n: usize,
    ) -> Result<Vec<StatusEntry>, IssueError> {
        match outcomes.iter().find_map(|o| o.as_ref().ok()) {
            Some(first) => self.allocate_status(first, n).await,
            None => Ok(Vec::new()),
        }
    }

    /// Signs on all cores; results keep the jobs' order.
    async fn sign_parallel(
        &self,
        jobs: Vec<(usize, CheckedRequest, Option<StatusEntry>)>,
    ) -> Vec<(usize, Result<IssuanceResponse, IssueError>)> {
        let positions: Vec<usize> = jobs.iter().map(|(i, _, _)| *i).collect();
        let issuer = self.clone();
        let signed = on_all_cores(jobs, move |(_, checked, status)| {
            let issuer = issuer.clone();
            async move { issuer.sign(checked, status).await }
        })
        .await;
        positions
            .into_iter()
            .zip(signed)
            .map(|(i, result)| (i, result.unwrap_or_else(|| Err(lost()))))
            .collect()
    }
}

/// The error for an item whose task panicked (a host signer or resolver that panics).
fn lost() -> IssueError {
    IssueError::Internal {
        context: "batch task panicked",
        source: None,
    }
}

/// Runs `work` over `items` with one task per core, each taking a contiguous chunk, and returns
/// the results in input order (`None` for the items of a chunk whose task panicked).
async fn on_all_cores<T, R, F, Fut>(items: Vec<T>, work: F) -> Vec<Option<R>>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = R> + Send,
{
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = items.len().div_ceil(workers).max(1);
    let mut items = items.into_iter();
    let mut tasks = Vec::new();
    loop {
        let part: Vec<T> = items.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        let len = part.len();
        let work = work.clone();
        let task = tokio::spawn(async move {
            let mut done = Vec::with_capacity(part.len());
            for item in part {
                done.push(work(item).await);
            }
            done
        });
        tasks.push((len, task));
    }
    let mut results = Vec::new();
    for (len, task) in tasks {
        match task.await {
            Ok(done) => results.extend(done.into_iter().map(Some)),
            Err(_) => results.extend(std::iter::repeat_with(|| None).take(len)),
        }
    }
    results
}

fn item_request(batch: &BatchRequest, item: &BatchItem) -> Result<IssuanceRequest, IssueError> {
    let holder = Did::parse(&item.holder_did).map_err(|e| IssueError::InvalidRequest {
        reason: format!("holderDid: {e}"),
    })?;
    let mut request = IssuanceRequest::new(
        batch.schema_id.clone(),
        batch.issuer_did.clone(),
        holder,
        item.claims.clone(),
    )
    .with_proof_type(batch.proof_type.clone())
    .revocable(batch.revocable)
    .with_data_model(batch.data_model);
    request.expiration_date = batch.expiration_date.clone();
    request.credential_id = item.credential_id.clone();
    Ok(request)
}

fn summarize(
    holders: Vec<String>,
    results: Vec<Option<Result<IssuanceResponse, IssueError>>>,
) -> BatchResult {
    let items: Vec<BatchItemResult> = holders
        .into_iter()
        .zip(results)
        .map(|(holder_did, result)| {
            let result = result.unwrap_or(Err(IssueError::SigningFailed { source: None }));
            match result {
                Ok(response) => BatchItemResult {
                    holder_did,
                    status: ItemStatus::Issued,
                    credential_id: Some(response.credential_id),
                    status_list_index: response.status_list_index,
                    credential: Some(response.credential),
                    error: None,
                },
                Err(error) => BatchItemResult {
                    holder_did,
                    status: ItemStatus::Failed,
                    credential_id: None,
                    status_list_index: None,
                    credential: None,
                    error: Some(error),
                },
            }
        })
        .collect();
    let issued = items
        .iter()
        .filter(|i| i.status == ItemStatus::Issued)
        .count();
    BatchResult {
        batch_id: CredentialId::new_uuid().into_string(),
        issued,
        failed: items.len() - issued,
        items,
    }
}
