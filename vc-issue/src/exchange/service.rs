//! The workflow service: creates exchanges for coordinators and walks wallets through them.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::Duration;
use vc_core::{Clock, DataModelVersion, DateTime, Did, SystemClock};

use super::did_auth::{verify_did_authentication, DidAuthExpectation};
use super::error::{ExchangeError, StoreErrorKind};
use super::id::{random_token, ExchangeId, WorkflowId};
use super::messages::{
    CreateExchangeRequest, VerifiablePresentationRequest, WalletMessage, WalletResponse,
};
use super::record::{Exchange, ExchangeRecord, ExchangeState, LastError};
use super::store::{ExchangeStore, MemoryExchangeStore};
use super::template::VariableProblem;
use super::workflow::{StepKind, Workflow};
use crate::crypto::suites::Suites;
use crate::pipeline::issuer::Issuer;
use crate::pipeline::request::IssuedCredential;
use crate::pipeline::resolver::{DidKeyResolver, DidResolver};

/// The lifetime of an exchange created without `ttl` or `expires`: 15 minutes.
pub const DEFAULT_TTL: u64 = 900;

/// The longest lifetime an exchange may have: 48 hours.
pub const MAX_TTL: u64 = 48 * 60 * 60;

/// Where each step's result goes in the exchange's variables.
const RESULTS: &str = "results";

/// The holder the variables are checked with when an exchange is created (the wallet's DID is
/// known only once it authenticated); any DID does, since templates cannot set `holderDid`.
const STAND_IN_HOLDER: &str = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";

/// How often a `{}` from a wallet re-reads an exchange that another request changed meanwhile.
const MAX_REREADS: usize = 4;

/// The protocols an exchange can be continued with: `{"vcapi": "<exchange url>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Protocols {
    /// The exchange's URL for VC API (VCALM) wallets.
    pub vcapi: String,
}

/// The VCALM workflow service: coordinators create exchanges on its workflows; wallets post to an
/// exchange until they hold their credentials.
///
/// Every change to an exchange is a compare-and-set on its `sequence`, so of two concurrent
/// wallet requests carrying the same presentation exactly one advances the exchange (and gets
/// the credentials); the other is refused with `CONCURRENT_UPDATE` or, once the first finished,
/// `EXCHANGE_COMPLETE`. Before issuing, the winner moves the exchange to the issue step (the
/// claim); credentials are signed only after that write succeeded, so nothing is issued twice.
///
/// A wallet's failed attempt is recorded as `lastError` and the exchange stays open, so the
/// wallet can try again with a corrected presentation until the exchange expires. A failed
/// issuance makes the exchange `invalid` (its coordinator creates a new one); a service that
/// stops between the claim and the end of issuance leaves the exchange at its issue step, where
/// wallets are refused (`STEP_IN_PROGRESS`) until it expires.
#[derive(Debug)]
pub struct ExchangeService {
    store: Arc<dyn ExchangeStore>,
    issuer: Issuer,
    resolver: Arc<dyn DidResolver>,
    suites: Suites,
    workflows: HashMap<WorkflowId, Arc<Workflow>>,
    domain: String,
    base_url: String,
    clock: Arc<dyn Clock>,
}

impl ExchangeService {
    /// A builder.
    pub fn builder() -> ExchangeServiceBuilder {
        ExchangeServiceBuilder::default()
    }

    /// The domain wallets' DID Authentication proofs must carry.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The public base URL (no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The workflow `id`.
    pub fn workflow(&self, id: &WorkflowId) -> Result<&Arc<Workflow>, ExchangeError> {
        self.workflows
            .get(id)
            .ok_or_else(|| ExchangeError::WorkflowNotFound {
                id: id.as_str().to_owned(),
            })
    }

    /// `<base>/workflows/<workflow>/exchanges/<exchange>`.
    pub fn exchange_url(&self, workflow: &WorkflowId, id: &ExchangeId) -> String {
        format!("{}/workflows/{workflow}/exchanges/{id}", self.base_url)
    }

    /// Creates an exchange on `workflow`, expiring after `ttl` seconds, at `expires`, or after
    /// [`DEFAULT_TTL`] seconds.
    ///
    /// The variables are checked against every credential template of the workflow first, by
    /// filling each one as issuance will: variables that are missing or cannot be used where
    /// their placeholders are refuse the exchange with
    /// [`VariablesInvalid`](ExchangeError::VariablesInvalid) (`400`), and nothing is stored.
    pub async fn create_exchange(
        &self,
        workflow_id: &WorkflowId,
        request: CreateExchangeRequest,
    ) -> Result<Exchange, ExchangeError> {
        let workflow = self.workflow(workflow_id)?;
        let now = self.clock.now();
        let expires = match (request.ttl, request.expires) {
            (Some(_), Some(_)) => return Err(ExchangeError::TtlAndExpires),
            (Some(ttl), None) => {
                if ttl == 0 || ttl > MAX_TTL {
                    return Err(ExchangeError::InvalidTtl { ttl, max: MAX_TTL });
                }
                now + seconds(ttl)
            }
            (None, Some(text)) => {
                let at = DateTime::parse(&text)
                    .and_then(|d| d.instant())
                    .map_err(|_| ExchangeError::InvalidExpires {
                        reason: "not an XML Schema dateTime with a time zone",
                    })?;
                if at <= now {
                    return Err(ExchangeError::InvalidExpires {
                        reason: "the time has already passed",
                    });
                }
                if at > now + seconds(MAX_TTL) {
                    return Err(ExchangeError::InvalidExpires {
                        reason: "more than 48 hours away",
                    });
                }
                at
            }
            (None, None) => now + seconds(DEFAULT_TTL),
        };
        let variables = request.variables.unwrap_or_default();
        if variables.contains_key(RESULTS) {
            return Err(ExchangeError::invalid_request(
                "variables.results is reserved for the results of the steps",
            ));
        }
        check_variables(workflow, &variables)?;
        let step = workflow.initial_step();
        let challenge = self.challenge_for(workflow, step);
        let exchange = Exchange::new(ExchangeId::generate(), expires, step, variables);
        let record = ExchangeRecord::new(workflow_id.clone(), exchange, challenge);
        self.store.insert(&record).await?;
        Ok(record.exchange)
    }

    /// The exchange `id` of `workflow` as it is now.
    pub async fn exchange(
        &self,
        workflow: &WorkflowId,
        id: &ExchangeId,
    ) -> Result<Exchange, ExchangeError> {
        self.workflow(workflow)?;
        let mut exchange = self.load(workflow, id).await?.exchange;
        // An exchange that ran out of time before completing is over, whatever was stored last:
        // coordinators see it as invalid (and stop polling) rather than active forever.
        let open = matches!(
            exchange.state,
            ExchangeState::Pending | ExchangeState::Active
        );
        if open && self.clock.now() >= exchange.expires {
            exchange.state = ExchangeState::Invalid;
            exchange.last_error = Some(LastError::new(
                "EXCHANGE_EXPIRED",
                "the exchange expired before it completed",
            ));
        }
        Ok(exchange)
    }

    /// The protocols the exchange can be continued with.
    pub async fn protocols(
        &self,
        workflow: &WorkflowId,
        id: &ExchangeId,
    ) -> Result<Protocols, ExchangeError> {
        self.exchange(workflow, id).await?;
        Ok(Protocols {
            vcapi: self.exchange_url(workflow, id),
        })
    }

    /// Deletes up to `limit` exchanges that have expired, and returns how many it deleted.
    pub async fn purge_expired(&self, limit: usize) -> Result<u64, ExchangeError> {
        Ok(self.store.purge_expired(self.clock.now(), limit).await?)
    }

    /// Handles a wallet's message: `{}` gets the current request; a presentation is verified
    /// and, if it passes, advances the exchange (issuing credentials on the way).
    pub async fn participate(
        &self,
        workflow_id: &WorkflowId,
        id: &ExchangeId,
        message: WalletMessage,
    ) -> Result<WalletResponse, ExchangeError> {
        let workflow = self.workflow(workflow_id)?;
        let mut record = self.load(workflow_id, id).await?;
        for _ in 0..MAX_REREADS {
            self.check_open(&record)?;
            let step = workflow.step(&record.exchange.step).ok_or_else(|| {
                ExchangeError::InvalidWorkflow {
                    reason: format!("the exchange is at unknown step {}", record.exchange.step),
                }
            })?;
            let accepted_methods = match step.kind() {
                StepKind::DidAuth { accepted_methods } => accepted_methods,
                _ => {
                    return Err(ExchangeError::StepInProgress {
                        id: id.as_str().to_owned(),
                        step: record.exchange.step.clone(),
                    })
                }
            };
            let challenge = record.challenge.clone().ok_or(ExchangeError::Config {
                reason: "a DID Authentication step without a challenge",
            })?;
            let Some(presentation) = &message.verifiable_presentation else {
                if record.exchange.state == ExchangeState::Pending {
                    let mut next = record.clone();
                    next.exchange.state = ExchangeState::Active;
                    next.exchange.sequence += 1;
                    match self.store.update(&next, record.exchange.sequence).await {
                        Ok(()) => {}
                        Err(e) if e.kind() == StoreErrorKind::Conflict => {
                            record = self.load(workflow_id, id).await?;
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                return Ok(WalletResponse {
                    verifiable_presentation: None,
                    verifiable_presentation_request: Some(
                        VerifiablePresentationRequest::did_authentication(
                            accepted_methods,
                            challenge,
                            &self.domain,
                        ),
                    ),
                });
            };
            let expected = DidAuthExpectation {
                challenge: &challenge,
                domain: &self.domain,
                accepted_methods,
            };
            return match verify_did_authentication(
                presentation,
                &expected,
                self.resolver.as_ref(),
                &self.suites,
            )
            .await
            {
                Ok(did) => self.advance(workflow, record, did, presentation).await,
                Err(e) if e.is_rejected_presentation() => {
                    self.record_failure(&record, &e, ExchangeState::Active)
                        .await?;
                    Err(e)
                }
                Err(e) => Err(e),
            };
        }
        Err(ExchangeError::ConcurrentUpdate {
            id: id.as_str().to_owned(),
        })
    }

    async fn load(
        &self,
        workflow: &WorkflowId,
        id: &ExchangeId,
    ) -> Result<ExchangeRecord, ExchangeError> {
        self.store
            .get(workflow, id)
            .await?
            .ok_or_else(|| ExchangeError::ExchangeNotFound {
                id: id.as_str().to_owned(),
            })
    }

    fn check_open(&self, record: &ExchangeRecord) -> Result<(), ExchangeError> {
        let id = || record.exchange.id.as_str().to_owned();
        match record.exchange.state {
            ExchangeState::Complete => Err(ExchangeError::ExchangeComplete { id: id() }),
            ExchangeState::Invalid => Err(ExchangeError::ExchangeInvalid { id: id() }),
            _ if self.clock.now() >= record.exchange.expires => {
                Err(ExchangeError::ExchangeExpired { id: id() })
            }
            _ => Ok(()),
        }
    }

    /// A fresh challenge if `step` is a DID Authentication step.
    fn challenge_for(&self, workflow: &Workflow, step: &str) -> Option<String> {
        match workflow.step(step).map(|s| s.kind()) {
            Some(StepKind::DidAuth { .. }) => Some(random_token()),
            _ => None,
        }
    }

    /// Records `error` as the exchange's `lastError` (and moves it to `state`). Losing the race
    /// to another writer is fine: its change is the newer truth.
    async fn record_failure(
        &self,
        record: &ExchangeRecord,
        error: &ExchangeError,
        state: ExchangeState,
    ) -> Result<(), ExchangeError> {
        let mut next = record.clone();
        next.exchange.sequence += 1;
        next.exchange.state = state;
        next.exchange.last_error = Some(last_error(error));
        if state.is_final() {
            next.challenge = None;
        }
        match self.store.update(&next, record.exchange.sequence).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == StoreErrorKind::Conflict => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The DID Authentication step of `record` passed for `did`: record the result and move on.
    async fn advance(
        &self,
        workflow: &Workflow,
        record: ExchangeRecord,
        did: Did,
        presentation: &Value,
    ) -> Result<WalletResponse, ExchangeError> {
        let expected = record.exchange.sequence;
        let mut next = record;
        let step = next.exchange.step.clone();
        set_result(
            &mut next.exchange.variables,
            &step,
            did_auth_result(&did, presentation),
        );
        next.exchange.sequence = expected + 1;
        next.exchange.state = ExchangeState::Active;
        next.exchange.last_error = None;
        let following = workflow
            .step(&step)
            .and_then(|s| s.next_step())
            .map(str::to_owned);
        let issuing = match &following {
            None => {
                next.exchange.state = ExchangeState::Complete;
                false
            }
            Some(name) => {
                next.exchange.step = name.clone();
                matches!(
                    workflow.step(name).map(|s| s.kind()),
                    Some(StepKind::Issue { .. })
                )
            }
        };
        next.challenge = following
            .as_deref()
            .and_then(|name| self.challenge_for(workflow, name));
        self.commit(&next, expected).await?;
        if issuing {
            // The write above is the claim: only this request issues.
            return self.issue(workflow, next, &did).await;
        }
        Ok(self.response(workflow, &next, None))
    }

    /// Runs the issue steps from the claimed exchange's current step on, then stores the outcome.
    async fn issue(
        &self,
        workflow: &Workflow,
        claimed: ExchangeRecord,
        holder: &Did,
    ) -> Result<WalletResponse, ExchangeError> {
        let expected = claimed.exchange.sequence;
        let mut next = claimed.clone();
        let mut issued = Vec::new();
        loop {
            let name = next.exchange.step.clone();
            let Some(step) = workflow.step(&name) else {
                break;
            };
            let StepKind::Issue { templates } = step.kind() else {
                break;
            };
            let mut ids = Vec::with_capacity(templates.len());
            for template in templates {
                let outcome = match template.render(&next.exchange.variables, holder) {
                    Ok(request) => self.issuer.issue(request).await.map_err(Into::into),
                    Err(e) => Err(e),
                };
                match outcome {
                    Ok(response) => {
                        ids.push(Value::String(response.credential_id.to_string()));
                        issued.push(response.credential);
                    }
                    Err(e) => {
                        self.record_failure(&claimed, &e, ExchangeState::Invalid)
                            .await?;
                        return Err(e);
                    }
                }
            }
            set_result(&mut next.exchange.variables, &name, issue_result(ids));
            match step.next_step() {
                None => {
                    next.exchange.state = ExchangeState::Complete;
                    break;
                }
                Some(following) => next.exchange.step = following.to_owned(),
            }
        }
        next.challenge = self.challenge_for(workflow, &next.exchange.step);
        if next.exchange.state == ExchangeState::Complete {
            next.challenge = None;
        }
        next.exchange.sequence = expected + 1;
        self.commit(&next, expected).await?;
        let delivery = delivery(&issued)?;
        Ok(self.response(workflow, &next, Some(delivery)))
    }

    async fn commit(&self, record: &ExchangeRecord, expected: u64) -> Result<(), ExchangeError> {
        match self.store.update(record, expected).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == StoreErrorKind::Conflict => {
                Err(ExchangeError::ConcurrentUpdate {
                    id: record.exchange.id.as_str().to_owned(),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The answer to the wallet after `record` was stored: the credentials, and the next request
    /// if the exchange waits for another DID Authentication.
    fn response(
        &self,
        workflow: &Workflow,
        record: &ExchangeRecord,
        delivery: Option<Value>,
    ) -> WalletResponse {
        let request = match (
            record.exchange.state,
            workflow.step(&record.exchange.step).map(|s| s.kind()),
            &record.challenge,
        ) {
            (ExchangeState::Active, Some(StepKind::DidAuth { accepted_methods }), Some(c)) => {
                Some(VerifiablePresentationRequest::did_authentication(
                    accepted_methods,
                    c.clone(),
                    &self.domain,
                ))
            }
            _ => None,
        };
        WalletResponse {
            verifiable_presentation: delivery,
            verifiable_presentation_request: request,
        }
    }
}

fn seconds(n: u64) -> Duration {
    Duration::seconds(i64::try_from(n).unwrap_or(i64::MAX))
}

/// What a DID Authentication step records under `variables.results.<step>`.
fn did_auth_result(did: &Did, presentation: &Value) -> Value {
    json!({ "did": did.as_str(), "verifiablePresentation": presentation })
}

/// What an issue step records under `variables.results.<step>`.
fn issue_result(credential_ids: Vec<Value>) -> Value {
    json!({ "credentialIds": credential_ids })
}

/// Fills every credential template of `workflow` from `variables` as issuance will, with
/// stand-ins for what only the steps produce: a holder DID, and under `results` a result of the
/// recorded shape for every step (any of them may have run before an issue step). The
/// coordinator's own variables that cannot be used are its error (`400`); a template that fails
/// on the stand-ins alone is the workflow's (`TEMPLATE_FAILED`).
fn check_variables(
    workflow: &Workflow,
    variables: &Map<String, Value>,
) -> Result<(), ExchangeError> {
    let issue_steps: Vec<_> = workflow
        .steps()
        .values()
        .filter_map(|step| match step.kind() {
            StepKind::Issue { templates } if !templates.is_empty() => Some(templates),
            _ => None,
        })
        .collect();
    if issue_steps.is_empty() {
        return Ok(());
    }
    let holder = Did::parse(STAND_IN_HOLDER).map_err(|_| ExchangeError::Config {
        reason: "the stand-in holder DID does not parse",
    })?;
    let mut results = Map::new();
    for (name, step) in workflow.steps() {
        let result = match step.kind() {
            StepKind::DidAuth { .. } => did_auth_result(&holder, &json!({})),
            StepKind::Issue { templates } => issue_result(
                templates
                    .iter()
                    .map(|_| Value::String("urn:uuid:00000000-0000-4000-8000-000000000000".into()))
                    .collect(),
            ),
        };
        results.insert(name.clone(), result);
    }
    let mut probe = variables.clone();
    probe.insert(RESULTS.to_owned(), Value::Object(results));
    let mut problems: Vec<VariableProblem> = Vec::new();
    for template in issue_steps.into_iter().flatten() {
        for problem in template.check(&probe, &holder)? {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    let (theirs, ours): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|p| p.path().split('.').next() != Some(RESULTS));
    if !theirs.is_empty() {
        return Err(ExchangeError::VariablesInvalid { problems: theirs });
    }
    match ours.first() {
        Some(problem) => Err(ExchangeError::Template {
            reason: problem.message(),
        }),
        None => Ok(()),
    }
}

fn set_result(variables: &mut Map<String, Value>, step: &str, result: Value) {
    let results = variables
        .entry(RESULTS)
        .or_insert_with(|| Value::Object(Map::new()));
    if !results.is_object() {
        *results = Value::Object(Map::new());
    }
    if let Value::Object(results) = results {
        results.insert(step.to_owned(), result);
    }
}

fn last_error(error: &ExchangeError) -> LastError {
    let message = if error.code().class().is_server_side() {
        "the service could not complete the step".to_owned()
    } else {
        error.to_string()
    };
    LastError::new(error.code(), message)
}

/// An unsigned presentation carrying the issued credentials (JWTs as enveloped credentials).
fn delivery(issued: &[IssuedCredential]) -> Result<Value, ExchangeError> {
    let all_v1 = !issued.is_empty()
        && issued.iter().all(|c| {
            c.as_credential()
                .is_some_and(|c| c.version() == Some(DataModelVersion::V1))
        });
    let version = if all_v1 {
        DataModelVersion::V1
    } else {
        DataModelVersion::V2
    };
    let credentials = issued
        .iter()
        .map(|c| match c {
            IssuedCredential::Embedded(credential) => credential
                .to_value()
                .map_err(|e| ExchangeError::Issue(crate::IssueError::from(e))),
            IssuedCredential::Jwt(jwt) => Ok(json!({
                "@context": [DataModelVersion::V2.base_context()],
                "id": format!("data:application/vc+jwt,{jwt}"),
                "type": "EnvelopedVerifiableCredential",
            })),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "@context": [version.base_context()],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": credentials,
    }))
}

/// Builds an [`ExchangeService`].
#[derive(Debug, Default)]
pub struct ExchangeServiceBuilder {
    store: Option<Arc<dyn ExchangeStore>>,
    issuer: Option<Issuer>,
    resolver: Option<Arc<dyn DidResolver>>,
    suites: Option<Suites>,
    workflows: Vec<Workflow>,
    domain: Option<String>,
    base_url: Option<String>,
    clock: Option<Arc<dyn Clock>>,
}

impl ExchangeServiceBuilder {
    /// Where exchanges live (default: a [`MemoryExchangeStore`], for one process).
    pub fn store(mut self, store: Arc<dyn ExchangeStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The issuer of the credentials (required).
    pub fn issuer(mut self, issuer: Issuer) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Resolves wallets' DIDs for DID Authentication (default: [`DidKeyResolver`]).
    pub fn resolver(mut self, resolver: Arc<dyn DidResolver>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// The suites wallets' proofs may use (default: every suite compiled in).
    pub fn suites(mut self, suites: Suites) -> Self {
        self.suites = Some(suites);
        self
    }

    /// Adds a workflow.
    pub fn workflow(mut self, workflow: Workflow) -> Self {
        self.workflows.push(workflow);
        self
    }

    /// The domain wallets' proofs must carry (default: the host of the base URL).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// The public base URL the service is reachable at, e.g. `https://issuer.example` or
    /// `https://issuer.example/vc` (required); exchange URLs are built on it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The clock expiry is judged by (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Checks the configuration and builds the service.
    pub fn build(self) -> Result<ExchangeService, ExchangeError> {
        let config = |reason| ExchangeError::Config { reason };
        let issuer = self.issuer.ok_or(config("an issuer is required"))?;
        let base = self.base_url.ok_or(config("a base URL is required"))?;
        let base = base.trim_end_matches('/').to_owned();
        let host = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"))
            .map(|rest| rest.split('/').next().unwrap_or_default())
            .filter(|host| !host.is_empty())
            .ok_or(config("the base URL must be an http(s) URL"))?;
        if base.contains(['?', '#', ' ']) {
            return Err(config(
                "the base URL must not have a query, a fragment or spaces",
            ));
        }
        let domain = match self.domain {
            Some(d) if d.is_empty() => return Err(config("the domain must not be empty")),
            Some(d) => d,
            None => host.to_owned(),
        };
        let mut workflows = HashMap::new();
        for workflow in self.workflows {
            let id = workflow.id().clone();
            if workflows.insert(id, Arc::new(workflow)).is_some() {
                return Err(config("two workflows have the same id"));
            }
        }
        Ok(ExchangeService {
            store: self
                .store
                .unwrap_or_else(|| Arc::new(MemoryExchangeStore::new())),
            issuer,
            resolver: self.resolver.unwrap_or_else(|| Arc::new(DidKeyResolver)),
            suites: self.suites.unwrap_or_default(),
            workflows,
            domain,
            base_url: base,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::{CredentialTemplate, Step, WorkflowId};

    fn workflow(claims: Value) -> Workflow {
        let template = CredentialTemplate::new(json!({
            "schemaId": "s", "issuerDid": "did:example:issuer", "claims": claims
        }))
        .unwrap();
        Workflow::builder(WorkflowId::parse("w").unwrap())
            .step("ownerBinding", Step::did_auth().next("issue"))
            .step("issue", Step::issue(vec![template]).next("again"))
            .step("again", Step::did_auth())
            .initial_step("ownerBinding")
            .build()
            .unwrap()
    }

    fn vars(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn results_of_the_steps_are_stood_in_for() {
        // What the steps record is there at issuance, so it is not asked of the coordinator.
        let w = workflow(json!({
            "owner": "{{ variables.results.ownerBinding.did }}",
            "presentation": "{{ variables.results.ownerBinding.verifiablePresentation }}",
            "note": "bound to {{ variables.results.again.did }}",
            "first": "{{ variables.results.issue.credentialIds.0 }}",
            "product": "{{ variables.product }}"
        }));
        check_variables(&w, &vars(json!({"product": "bag-42"}))).unwrap();
        let err = check_variables(&w, &Map::new()).unwrap_err();
        assert_eq!(err.code(), "EXCHANGE_VARIABLES_INVALID");
        assert_eq!(err.code().class(), vc_core::ErrorClass::InvalidInput);
        assert_eq!(
            err.details(),
            json!({"violations": [{"pointer": "/variables/product", "code": "VARIABLE_MISSING",
                "message": "variable variables.product is not set"}]})
        );
    }

    #[test]
    fn a_result_no_step_records_is_the_workflows_fault() {
        let w = workflow(json!({"x": "{{ variables.results.nowhere.did }}"}));
        let err = check_variables(&w, &Map::new()).unwrap_err();
        assert_eq!(err.code(), "TEMPLATE_FAILED");
        assert_eq!(err.details(), Value::Null);
        // The coordinator's own mistakes come first: those it can fix.
        let w = workflow(json!({
            "x": "{{ variables.results.nowhere.did }}", "y": "{{ variables.y }}"
        }));
        let err = check_variables(&w, &Map::new()).unwrap_err();
        assert_eq!(err.code(), "EXCHANGE_VARIABLES_INVALID");
        assert_eq!(err.details()["violations"][0]["pointer"], "/variables/y");
        assert_eq!(
            err.details()["violations"].as_array().map(Vec::len),
            Some(1)
        );
    }

    #[test]
    fn every_issue_step_and_template_is_checked_and_each_variable_named_once() {
        let template = |claims: Value| {
            CredentialTemplate::new(json!({
                "schemaId": "s", "issuerDid": "did:example:issuer", "claims": claims
            }))
            .unwrap()
        };
        let w = Workflow::builder(WorkflowId::parse("w").unwrap())
            .step("auth", Step::did_auth().next("one"))
            .step(
                "one",
                Step::issue(vec![
                    template(json!({"a": "{{ variables.a }}"})),
                    template(json!({"b": "{{ variables.b }}", "a": "{{ variables.a }}"})),
                ])
                .next("auth2"),
            )
            .step("auth2", Step::did_auth().next("two"))
            .step(
                "two",
                Step::issue(vec![template(json!({"c": "x {{ variables.c }}"}))]),
            )
            .initial_step("auth")
            .build()
            .unwrap();
        let err = check_variables(&w, &vars(json!({"c": [1]}))).unwrap_err();
        let pointers: Vec<_> = err.details()["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["pointer"].clone(), v["code"].clone()))
            .collect();
        assert_eq!(
            pointers,
            [
                (json!("/variables/a"), json!("VARIABLE_MISSING")),
                (json!("/variables/b"), json!("VARIABLE_MISSING")),
                (json!("/variables/c"), json!("VARIABLE_NOT_TEXT")),
            ]
        );
        check_variables(&w, &vars(json!({"a": 1, "b": {}, "c": "z"}))).unwrap();
    }
}
