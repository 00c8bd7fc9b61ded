//! `POST /credentials/status`: revoke, suspend or unsuspend an issued credential.
//!
//! The body is the VC API's `UpdateCredentialStatusRequest`:
//!
//! ```json
//! {"credentialId": "urn:uuid:...", "credentialStatus": {"type": "BitstringStatusListEntry",
//!  "statusPurpose": "revocation"}, "status": true}
//! ```
//!
//! The entry to change is found one of two ways:
//! - the `credentialStatus` object is the full entry from the credential (with `statusListIndex`
//!   and `statusListCredential`): it is used as it is, no lookup;
//! - otherwise the entry of that `statusPurpose` recorded for `credentialId` in the
//!   [`CredentialStatusIndex`](super::CredentialStatusIndex) (the router records the entries of
//!   every credential it issues).
//!
//! `status: true` sets the entry (revoke, suspend), `false` clears it (unsuspend). The earlier
//! draft's array form, `"credentialStatus": [{"type": ..., "status": "revoked"}]`, is accepted
//! too, with `status` one of `revoked`, `suspended`, `unsuspended` (or a boolean next to a
//! `statusPurpose`). Every item is checked before any is applied.
//!
//! Answers: `200` with the entries and their new state; `400` for a malformed request, `404` for
//! an unknown credential or list, `409` for un-revoking (revocation is for good).

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Map, Value};
use vc_core::ErrorCode;
use vc_status::{StatusEntry, StatusPurpose};

use super::body::JsonBody;
use super::error_status::{index_error, status_error};
use super::instance::{InstancePath, IssuerInstance};
use super::router::ApiState;
use super::ApiError;

/// One change to apply.
#[derive(Debug)]
struct Change {
    entry: StatusEntry,
    set: bool,
}

/// One item of the request, before its entry is found.
#[derive(Debug)]
struct Item {
    purpose: StatusPurpose,
    set: bool,
    entry: Option<StatusEntry>,
}

pub(crate) async fn update(
    State(state): State<Arc<ApiState>>,
    target: InstancePath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<Value>, ApiError> {
    let principal = state.authorizer.authorize(&headers).await?;
    let instance = &state.instances.for_principal(&target, &principal)?.config;
    let body = body.value()?;
    let Value::Object(body) = body else {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    };
    let credential_id = match body.get("credentialId") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "credentialId must be a non-empty string",
            ))
        }
    };
    let items = parse_items(&body)?;
    let mut changes = Vec::with_capacity(items.len());
    for item in items {
        let entry = match item.entry {
            Some(entry) => entry,
            None => find_entry(instance, credential_id.as_deref(), item.purpose).await?,
        };
        changes.push(Change {
            entry,
            set: item.set,
        });
    }
    // Token Status List entries (SD-JWT VCs) change in the issuer's Token Status List registry,
    // every other entry in the W3C one; one request changes entries of one registry.
    let token_format = vc_status::ListFormat::TokenStatusList;
    let tokens = changes
        .iter()
        .filter(|c| c.entry.format() == token_format)
        .count();
    if tokens != 0 && tokens != changes.len() {
        return Err(ApiError::bad_request(
            "Token Status List entries and other entries cannot change in one request",
        ));
    }
    let registry = if tokens == 0 {
        instance.issuer.status_registry()
    } else {
        instance.issuer.token_status_registry()
    }
    .ok_or_else(|| {
        ApiError::new(
            ErrorCode::STATUS_NOT_SUPPORTED,
            "this issuer keeps no status lists of that format",
        )
    })?;
    // All or nothing: the registry checks every change, then the store applies them in one
    // transaction. A set entry holds its format's value (SUSPENDED is 0x02 in a Token Status List).
    let updates: Vec<(&StatusEntry, u8)> = changes
        .iter()
        .map(|change| {
            let value = match change.set {
                true => registry.format().set_value(change.entry.purpose()),
                false => 0,
            };
            (&change.entry, value)
        })
        .collect();
    registry
        .set_statuses(&updates)
        .await
        .map_err(status_error)?;
    let applied: Vec<Value> = changes
        .iter()
        .map(|change| {
            let mut value = change.entry.to_value();
            if let Value::Object(map) = &mut value {
                map.insert("status".into(), Value::Bool(change.set));
            }
            value
        })
        .collect();
    Ok(Json(json!({
        "credentialId": credential_id,
        "credentialStatus": applied,
    })))
}

#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
)]
fn parse_items(body: &Map<String, Value>) -> Result<Vec<Item>, ApiError> {
    let items: Vec<&Value> = match body.get("credentialStatus") {
        Some(Value::Array(items)) if !items.is_empty() => items.iter().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => {
            return Err(ApiError::bad_request(
                "credentialStatus must be an entry object or a non-empty array of them",
            ))
        }
    };
    let top_status = body.get("status");
    items
        .into_iter()
        .map(|item| parse_item(item, top_status))
        .collect()
}

#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
)]
fn parse_item(item: &Value, top_status: Option<&Value>) -> Result<Item, ApiError> {
    let Value::Object(item) = item else {
        return Err(ApiError::bad_request(
            "each credentialStatus item must be an object",
        ));
    };
    let (set, implied_purpose) = match item.get("status").or(top_status) {
        Some(Value::Bool(set)) => (*set, None),
        Some(Value::String(word)) => match word.as_str() {
            "revoked" => (true, Some(StatusPurpose::Revocation)),
            "suspended" => (true, Some(StatusPurpose::Suspension)),
            "unsuspended" => (false, Some(StatusPurpose::Suspension)),
            _ => {
                return Err(ApiError::bad_request(
                    "status must be a boolean or one of revoked, suspended, unsuspended",
                ))
            }
        },
        _ => return Err(ApiError::bad_request("status is missing")),
    };
    let purpose = match item.get("statusPurpose") {
        Some(Value::String(p)) => {
            let purpose: StatusPurpose = p.parse().map_err(status_error)?;
            if implied_purpose.is_some_and(|implied| implied != purpose) {
                return Err(ApiError::bad_request("status and statusPurpose disagree"));
            }
            purpose
        }
        Some(_) => return Err(ApiError::bad_request("statusPurpose must be a string")),
        None => implied_purpose.ok_or_else(|| ApiError::bad_request("statusPurpose is missing"))?,
    };
    let entry = if item.contains_key("statusListCredential") || item.contains_key("statusListIndex")
    {
        let mut value = item.clone();
        value.remove("status");
        value.insert(
            "statusPurpose".into(),
            Value::String(purpose.as_str().into()),
        );
        Some(StatusEntry::from_value(Value::Object(value)).map_err(status_error)?)
    } else {
        None
    };
    Ok(Item {
        purpose,
        set,
        entry,
    })
}

async fn find_entry(
    instance: &IssuerInstance,
    credential_id: Option<&str>,
    purpose: StatusPurpose,
) -> Result<StatusEntry, ApiError> {
    let id = credential_id.ok_or_else(|| {
        ApiError::bad_request(
            "credentialId is required unless credentialStatus is the full entry \
             (statusListIndex, statusListCredential)",
        )
    })?;
    let entries = instance
        .status_index
        .entries(id)
        .await
        .map_err(index_error)?;
    entries
        .into_iter()
        .find(|e| e.purpose() == purpose)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::CREDENTIAL_NOT_FOUND,
                format!("no {purpose} status entry is known for this credential"),
            )
        })
}
