//! `POST /credentials/issue` and `GET /credentials/issue/{ticketId}`.
//!
//! Two bodies are accepted: the VC API's `IssueCredentialRequest` (`{credential, options}`: a
//! credential the host built, signed as it is) and this crate's [`IssuanceRequest`] (`schemaId`,
//! `issuerDid`, `holderDid` or `subjectId` (see [`holder`](crate::pipeline::holder)), `claims`,
//! ...: built, checked and signed by the pipeline). Both answer
//! `201 {"verifiableCredential": ...}`. With a queue, an `IssuanceRequest` is accepted with
//! `202` and a `Location` to poll instead; an `Idempotency-Key` header makes retries safe.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use vc_core::{Credential, DateTime, Did, ErrorCode, OneOrMany, ParseLimits};
use vc_status::{ListFormat, StatusEntry, StatusPurpose, STATUS_LIST_2021_CONTEXT, VC_V2_CONTEXT};

use super::body::JsonBody;
use super::error_status::{core_error, index_error, queue_error, status_error};
use super::instance::{InstancePath, IssuerInstance, ServedInstance};
use super::router::ApiState;
use super::suite_choice::{suite_not_allowed, SuiteOptions};
use super::ApiError;
use crate::crypto::proof_type::ProofType;
use crate::error::IssueError;
use crate::pipeline::holder::Holder;
use crate::pipeline::issuer::SigningOptions;
use crate::pipeline::request::{IssuanceRequest, IssuedCredential};
use crate::queue::{TicketId, TICKET_PATH};

/// The VC API `IssueCredentialRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IssueCredentialRequest {
    credential: Value,
    #[serde(default)]
    options: IssueCredentialOptions,
}

/// The VC API `IssueCredentialOptions`, with the suite named the ways common implementations
/// name it ([`SuiteOptions`]). Member names are checked before (serde cannot deny unknown fields
/// next to a flattened struct).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IssueCredentialOptions {
    /// How APIs (`/credentials/status`) refer to the credential; `credential.id` otherwise.
    credential_id: Option<String>,
    /// Asks the issuer for status entries (`{"type": "BitstringStatusListEntry", "statusPurpose":
    /// "revocation"}`; the purpose may be a list, and is `revocation` when absent).
    credential_status: Option<StatusRequest>,
    #[serde(flatten)]
    suite: SuiteOptions,
    /// The proof's `created` (the issuer's clock otherwise).
    created: Option<DateTime>,
    /// A `challenge` for the proof.
    challenge: Option<String>,
    /// The `domain` the proof is bound to.
    domain: Option<OneOrMany<String>>,
    /// Selective disclosure's mandatory reveals (`bbs-2023`, `ecdsa-sd-2023`).
    mandatory_pointers: Option<Vec<String>>,
}

/// Every member `options` may have; another is `400 UNSUPPORTED_OPTION`, naming it.
const KNOWN_OPTIONS: [&str; 9] = [
    "credentialId",
    "credentialStatus",
    "proofType",
    "type",
    "cryptosuite",
    "created",
    "challenge",
    "domain",
    "mandatoryPointers",
];

/// `options.credentialStatus`: which entries to allocate.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusRequest {
    #[serde(rename = "type")]
    type_: String,
    #[serde(default)]
    status_purpose: Option<OneOrMany<String>>,
}

pub(crate) async fn issue(
    State(state): State<Arc<ApiState>>,
    target: InstancePath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let principal = state.authorizer.authorize(&headers).await?;
    let instance = state.instances.for_principal(&target, &principal)?;
    let body = body.value()?;
    let is_vc_api = body
        .as_object()
        .is_some_and(|o| o.contains_key("credential"));
    if is_vc_api {
        check_option_names(&body)?;
        let request: IssueCredentialRequest = serde_json::from_value(body)
            .map_err(|e| ApiError::bad_request(format!("not an IssueCredentialRequest: {e}")))?;
        return issue_credential(instance, request).await;
    }
    // A request that names no suite gets the instance's default, not the crate's.
    let names_suite = body.get("proofType").is_some_and(|v| !v.is_null());
    // The holder first, so that a malformed one is refused naming its member (serde's message
    // would not point at it).
    if let Some(object) = body.as_object() {
        Holder::from_json(object)?;
    }
    let mut request: IssuanceRequest = serde_json::from_value(body).map_err(|e| {
        ApiError::bad_request(format!(
            "expected an IssueCredentialRequest ({{credential, options}}) or an IssuanceRequest: {e}"
        ))
    })?;
    let config = &instance.config;
    if !names_suite {
        request.proof_type = config.suites.default.clone();
    }
    check_issuer(config, &request.issuer_did, "/issuerDid")?;
    if !config.suites.allows(&request.proof_type) {
        return Err(suite_not_allowed(&request.proof_type, "/proofType"));
    }
    // The queue works for the default instance; a named instance issues at once.
    let queue = state.queue.as_ref().filter(|_| target.is_default());
    match queue {
        Some(queue) => {
            let key = idempotency_key(&headers)?;
            let ticket = queue
                .submit(request, key.as_deref())
                .await
                .map_err(queue_error)?;
            let location = format!("{}{TICKET_PATH}{}", state.base_url, ticket.id);
            let mut response = (
                StatusCode::ACCEPTED,
                Json(json!({"id": ticket.id, "state": ticket.state, "location": location})),
            )
                .into_response();
            let value = HeaderValue::from_str(&location).map_err(|_| ApiError::internal())?;
            response.headers_mut().insert(header::LOCATION, value);
            Ok(response)
        }
        None => {
            if let (true, Some(id)) = (request.revocable, &request.credential_id) {
                ensure_unrecorded(config, id.as_str()).await?;
            }
            let response = config.issuer.issue(request).await?;
            let entries = entries_of_value(response.credential_status.as_ref());
            record(config, response.credential_id.as_str(), &entries).await?;
            Ok(issued(
                StatusCode::CREATED,
                &response.credential,
                Map::new(),
            ))
        }
    }
}

/// Refuses an `options` member this endpoint does not know, naming it (serde would only say
/// that one was unknown, and as `INVALID_REQUEST`).
#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
)]
fn check_option_names(body: &Value) -> Result<(), ApiError> {
    let Some(Value::Object(options)) = body.get("options") else {
        return Ok(());
    };
    match options
        .keys()
        .find(|name| !KNOWN_OPTIONS.contains(&name.as_str()))
    {
        None => Ok(()),
        Some(name) => Err(ApiError::new(
            ErrorCode::UNSUPPORTED_OPTION,
            format!("this issuer does not support the option {name:?}"),
        )
        .with_details(json!({"option": name, "pointer": format!("/options/{name}")}))),
    }
}

/// Refuses a credential or request whose issuer is not the DID the instance issues as.
#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
)]
fn check_issuer(instance: &IssuerInstance, issuer: &Did, pointer: &str) -> Result<(), ApiError> {
    match instance.did() {
        Some(did) if did != issuer => Err(ApiError::new(
            ErrorCode::INSTANCE_ISSUER_MISMATCH,
            format!("this issuer instance issues as {did}"),
        )
        .with_details(json!({"pointer": pointer}))),
        _ => Ok(()),
    }
}

async fn issue_credential(
    instance: &ServedInstance,
    request: IssueCredentialRequest,
) -> Result<Response, ApiError> {
    let config = &instance.config;
    let options = request.options;
    let proof_type = options.suite.choose(&config.suites)?;
    if let Some(Err(_)) = options.created.as_ref().map(DateTime::instant) {
        return Err(ApiError::new(
            ErrorCode::INVALID_DATETIME,
            "options.created is not a dateTime with a time zone",
        )
        .with_details(json!({"pointer": "/options/created"})));
    }
    let mandatory_pointers = options.mandatory_pointers.filter(|p| !p.is_empty());
    if mandatory_pointers.is_some()
        && !matches!(proof_type, ProofType::Bbs2023 | ProofType::EcdsaSd2023)
    {
        return Err(ApiError::new(
            ErrorCode::UNSUPPORTED_OPTION,
            format!("mandatoryPointers applies to selective disclosure suites, not {proof_type}"),
        )
        .with_details(
            json!({"option": "mandatoryPointers", "pointer": "/options/mandatoryPointers"}),
        ));
    }
    // The edge has held the whole body to the router's nesting limit; the credential inside is
    // one level shallower.
    let limits = ParseLimits::default().with_max_depth(ParseLimits::MAX_DEPTH_CEILING);
    let mut credential =
        Credential::from_value_with_limits(request.credential, &limits).map_err(core_error)?;
    if !credential.proofs().is_empty() {
        return Err(ApiError::bad_request(
            "the credential already has a proof; send it unsecured",
        ));
    }
    // The data model first: its refusals name the rule and the pointer.
    credential.validate().map_err(IssueError::from)?;
    let issuer = Did::parse(credential.issuer_id().unwrap_or_default()).map_err(|_| {
        ApiError::from(IssueError::InvalidRequest {
            reason: "the credential's issuer is not a DID".into(),
        })
    })?;
    check_issuer(config, &issuer, "/credential/issuer")?;
    // The same per-issuer limit as the pipeline's: signing is the expensive part.
    config.issuer.check_rate_limit(&issuer)?;
    let credential_id = options.credential_id.or_else(|| credential.id.clone());
    // Only the issuer writes status entries: one the caller wrote could be another
    // credential's, and the credential id that would tie it to "this" credential is the
    // caller's to choose too, so no written entry can be proven to be this credential's.
    if !credential.statuses().is_empty() {
        return Err(ApiError::new(
            ErrorCode::CREDENTIAL_STATUS_NOT_ALLOCATED,
            "credentialStatus is allocated by the issuer: send the credential without it and \
             ask for entries with options.credentialStatus",
        )
        .with_details(json!({"pointer": "/credential/credentialStatus"})));
    }
    let entries = match options.credential_status {
        Some(wanted) => {
            if let Some(id) = &credential_id {
                ensure_unrecorded(config, id).await?;
            }
            let entries = allocate(config, &credential, &wanted).await?;
            let mut resources: Vec<_> = entries.iter().map(StatusEntry::to_resource).collect();
            credential.credential_status = Some(match resources.len() {
                1 => OneOrMany::One(resources.remove(0)),
                _ => OneOrMany::Many(resources),
            });
            entries
        }
        None => Vec::new(),
    };
    let mut signing = SigningOptions::new(proof_type);
    signing.created = options.created;
    signing.challenge = options.challenge;
    signing.domain = options.domain;
    signing.mandatory_pointers = mandatory_pointers;
    let secured = config
        .issuer
        .sign_credential_with(credential, &signing)
        .await?;
    if let Some(id) = &credential_id {
        record(config, id, &entries).await?;
    }
    Ok(issued(StatusCode::CREATED, &secured, Map::new()))
}

/// Refuses a credential id that already has status entries: `POST /credentials/status` finds an
/// entry by id and purpose, so a second credential under the same id would make "revoke this
/// credential" ambiguous.
async fn ensure_unrecorded(instance: &IssuerInstance, credential_id: &str) -> Result<(), ApiError> {
    let recorded = instance
        .status_index
        .entries(credential_id)
        .await
        .map_err(index_error)?;
    if recorded.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::CREDENTIAL_ID_IN_USE, "status entries are already recorded under this credential id; give the credential an id of its own",
    ))
}

/// Allocates the entries `options.credentialStatus` asks for, one per purpose, after checking
/// that the credential's `@context` defines the entry type (nothing is added to what was sent but
/// the entries themselves).
async fn allocate(
    instance: &IssuerInstance,
    credential: &Credential,
    wanted: &StatusRequest,
) -> Result<Vec<StatusEntry>, ApiError> {
    let pointer = |p: &str| json!({"pointer": format!("/options/credentialStatus{p}")});
    let registry = instance.issuer.status_registry().ok_or_else(|| {
        ApiError::new(
            ErrorCode::STATUS_PURPOSE_NOT_SUPPORTED,
            "this issuer keeps no status lists",
        )
        .with_details(pointer(""))
    })?;
    let format = registry.format();
    if wanted.type_ != format.entry_type() {
        return Err(ApiError::new(
            ErrorCode::UNSUPPORTED_STATUS_TYPE,
            format!("this issuer's status entries are {}", format.entry_type()),
        )
        .with_details(pointer("/type")));
    }
    let needed = match format {
        ListFormat::BitstringStatusList => VC_V2_CONTEXT,
        ListFormat::StatusList2021 => STATUS_LIST_2021_CONTEXT,
        // Token Status List entries go into SD-JWT VCs, never into a W3C credentialStatus.
        ListFormat::TokenStatusList => {
            return Err(ApiError::new(
                ErrorCode::UNSUPPORTED_STATUS_TYPE,
                "this issuer's Token Status List entries are for SD-JWT VCs",
            )
            .with_details(pointer("/type")))
        }
    };
    if !credential
        .contexts()
        .iter()
        .any(|c| c.as_url() == Some(needed))
    {
        return Err(ApiError::bad_request(format!(
            "{} needs the context {needed} in the credential's @context",
            format.entry_type()
        ))
        .with_details(json!({"pointer": "/credential/@context"})));
    }
    let purposes: Vec<String> = match &wanted.status_purpose {
        None => vec![StatusPurpose::Revocation.as_str().to_owned()],
        Some(purposes) => purposes.iter().cloned().collect(),
    };
    let mut entries = Vec::with_capacity(purposes.len());
    for (i, purpose) in purposes.iter().enumerate() {
        let parsed: StatusPurpose = purpose
            .parse()
            .map_err(|e| status_error(e).with_details(pointer(&format!("/statusPurpose/{i}"))))?;
        if !registry.supports(parsed) {
            return Err(ApiError::new(
                ErrorCode::STATUS_PURPOSE_NOT_SUPPORTED,
                format!("this issuer keeps no {parsed} status lists"),
            )
            .with_details(pointer(&format!("/statusPurpose/{i}"))));
        }
        if entries.iter().any(|e: &StatusEntry| e.purpose() == parsed) {
            return Err(ApiError::bad_request("a statusPurpose is named twice")
                .with_details(pointer("/statusPurpose")));
        }
        let mut allocated = registry.allocate(parsed, 1).await.map_err(status_error)?;
        entries.append(&mut allocated);
    }
    Ok(entries)
}

pub(crate) async fn poll(
    State(state): State<Arc<ApiState>>,
    headers: HeaderMap,
    Path(ticket_id): Path<String>,
) -> Result<Response, ApiError> {
    // The queue's tickets are the default instance's.
    super::approvals::queue_principal(&state, &headers).await?;
    let not_found = || ApiError::new(ErrorCode::TICKET_NOT_FOUND, "no such ticket");
    let queue = state.queue.as_ref().ok_or_else(not_found)?;
    let id = TicketId::parse(&ticket_id).ok_or_else(not_found)?;
    let status = queue.status(&id).await.map_err(queue_error)?;
    let Value::Object(ticket) = serde_json::to_value(&status).map_err(|_| ApiError::internal())?
    else {
        return Err(ApiError::internal());
    };
    match &status.response {
        Some(response) => {
            let entries = entries_of_value(response.credential_status.as_ref());
            let default = state
                .instances
                .default_instance()
                .ok_or_else(ApiError::internal)?;
            record(&default.config, response.credential_id.as_str(), &entries).await?;
            Ok(issued(StatusCode::OK, &response.credential, ticket))
        }
        None => Ok(no_store(
            (StatusCode::OK, Json(Value::Object(ticket))).into_response(),
        )),
    }
}

/// `{..extra, "verifiableCredential": credential}`, never cached.
fn issued(
    status: StatusCode,
    credential: &IssuedCredential,
    mut extra: Map<String, Value>,
) -> Response {
    /// Written straight from the credential, without building its JSON tree first.
    #[derive(Serialize)]
    struct Issued<'a> {
        #[serde(flatten)]
        extra: Map<String, Value>,
        #[serde(rename = "verifiableCredential")]
        credential: &'a IssuedCredential,
    }
    extra.remove("verifiableCredential");
    match serde_json::to_vec(&Issued { extra, credential }) {
        Ok(body) => no_store(
            (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
        ),
        Err(_) => ApiError::internal().into_response(),
    }
}

/// Marks a response that carries a credential as not to be stored by caches.
pub(crate) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
)]
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map(str::to_owned)
                .map_err(|_| ApiError::bad_request("the Idempotency-Key header is not text"))
        })
        .transpose()
}

fn entries_of_value(status: Option<&Value>) -> Vec<StatusEntry> {
    let values: Vec<Value> = match status {
        Some(Value::Array(items)) => items.clone(),
        Some(value @ Value::Object(_)) => vec![value.clone()],
        _ => Vec::new(),
    };
    values
        .into_iter()
        .filter_map(|v| StatusEntry::from_value(v).ok())
        .collect()
}

async fn record(
    instance: &IssuerInstance,
    credential_id: &str,
    entries: &[StatusEntry],
) -> Result<(), ApiError> {
    if entries.is_empty() {
        return Ok(());
    }
    instance
        .status_index
        .record(credential_id, entries)
        .await
        .map_err(index_error)
}
