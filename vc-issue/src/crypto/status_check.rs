//! The verifier's status check: a credential's `credentialStatus` entries against the status
//! lists they point to.
//!
//! Every entry (one or several) must be a `BitstringStatusListEntry` (VC Data Model 2.0) or a
//! `StatusList2021Entry` (1.1); any other type is `UNSUPPORTED_STATUS_TYPE`, because a verifier
//! that skipped a status it cannot read would pass a revoked credential. For each entry the list
//! credential at `statusListCredential` is fetched through the host's
//! [`ResourceLoader`] (once per URL and verification), and must be:
//!
//! - a credential of the entry's list type (`BitstringStatusListCredential`,
//!   `StatusList2021Credential`) whose `id`, when it has one, is the URL it was fetched from (a
//!   list served in place of another is refused);
//! - issued by the credential's issuer and signed by it, checked with the same verifier (proofs
//!   only: a list's own `credentialStatus` is not followed);
//! - inside its validity period (`validFrom`/`validUntil`, `issuanceDate`/`expirationDate`);
//! - of the entry's `statusPurpose` (a string, or an array holding it), with an `encodedList` that
//!   decodes under vc-status' limits (GZIP bombs stop at 16 MiB of output; lists shorter than the
//!   herd-privacy minimum are refused) into entries of the entry's `statusSize`, and long enough
//!   for the entry's index.
//!
//! Outcomes: a set `revocation` entry is `CREDENTIAL_REVOKED`, a set `suspension` entry
//! `CREDENTIAL_SUSPENDED` (both "checked and invalid"); a list the loader cannot reach is
//! `STATUS_LIST_UNAVAILABLE` (the status is unknown, which is not "revoked"; retry later); a list
//! that breaks any rule above is `STATUS_LIST_CREDENTIAL_INVALID`; a malformed entry in the
//! credential is `STATUS_ENTRY_INVALID`. `refresh` and `message` entries fail nothing: their
//! value (and its `statusMessage` text) is reported in [`StatusResult`]. A revocation or
//! suspension found by any entry wins over an unreachable list of another entry.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use time::OffsetDateTime;
use vc_core::{Credential, ParseLimits};
use vc_status::{Bitstring, DecodeOptions, ListFormat, StatusEntry, StatusPurpose};

use crate::crypto::verify::{CredentialVerifier, VerifyError};
use crate::pipeline::related_resources::ResourceLoader;

/// What one `credentialStatus` entry of a verified credential says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatusResult {
    /// The `statusListCredential` URL.
    pub list: String,
    /// The entry's `statusPurpose`.
    pub purpose: StatusPurpose,
    /// The entry's `statusListIndex`.
    pub index: u64,
    /// The value at that index (0 when not set).
    pub value: u8,
    /// The `statusMessage` text of that value, when the entry has a table.
    pub message: Option<String>,
}

/// Checks every `credentialStatus` entry of `credential` (none passes), fetching lists through
/// `loader`, at `now`.
pub(crate) async fn check_status(
    verifier: &CredentialVerifier,
    loader: &dyn ResourceLoader,
    credential: &Credential,
    now: OffsetDateTime,
) -> Result<Vec<StatusResult>, VerifyError> {
    let mut lists: HashMap<String, Arc<Credential>> = HashMap::new();
    let mut results = Vec::new();
    // An unreachable list leaves the status unknown; another entry may still prove the
    // credential revoked, which is the more useful answer.
    let mut unknown = None;
    for resource in credential.statuses() {
        let entry = entry_of(resource)?;
        let url = entry.list_credential().to_owned();
        let list = match lists.get(&url) {
            Some(list) => list.clone(),
            None => match fetch_list(verifier, loader, credential, &entry, now).await {
                Ok(list) => {
                    let list = Arc::new(list);
                    lists.insert(url.clone(), list.clone());
                    list
                }
                Err(error @ VerifyError::StatusListUnavailable { .. }) => {
                    unknown.get_or_insert(error);
                    continue;
                }
                Err(error) => return Err(error),
            },
        };
        let result = read_entry(&list, &entry)?;
        match (result.purpose, result.value) {
            (_, 0) | (StatusPurpose::Refresh | StatusPurpose::Message, _) => results.push(result),
            (StatusPurpose::Revocation, _) => {
                return Err(VerifyError::Revoked {
                    list: url,
                    index: result.index,
                })
            }
            (StatusPurpose::Suspension, _) => {
                return Err(VerifyError::Suspended {
                    list: url,
                    index: result.index,
                })
            }
        }
    }
    match unknown {
        Some(error) => Err(error),
        None => Ok(results),
    }
}

/// The entry `resource` holds, if it is one of the two W3C list types.
fn entry_of(resource: &vc_core::TypedResource) -> Result<StatusEntry, VerifyError> {
    let types: Vec<&str> = resource
        .types
        .iter()
        .flat_map(|t| t.iter())
        .map(String::as_str)
        .collect();
    let known = [ListFormat::BitstringStatusList, ListFormat::StatusList2021];
    if !types
        .iter()
        .any(|t| known.iter().any(|f| f.entry_type() == *t))
    {
        return Err(VerifyError::UnsupportedStatusType {
            status_type: types.join(" "),
        });
    }
    let value = serde_json::to_value(resource).map_err(|e| VerifyError::StatusEntryInvalid {
        source: Arc::new(e),
    })?;
    StatusEntry::from_value(value).map_err(|e| VerifyError::StatusEntryInvalid {
        source: Arc::new(e),
    })
}

/// The list credential `entry` points to, fetched, parsed and checked (everything but the
/// entry's own index and purpose, which [`read_entry`] reads).
async fn fetch_list(
    verifier: &CredentialVerifier,
    loader: &dyn ResourceLoader,
    credential: &Credential,
    entry: &StatusEntry,
    now: OffsetDateTime,
) -> Result<Credential, VerifyError> {
    let url = entry.list_credential();
    let invalid = |reason: &str| VerifyError::StatusListInvalid {
        list: url.to_owned(),
        reason: reason.to_owned(),
        source: None,
    };
    let bytes = match loader.load(url).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return Err(VerifyError::StatusListUnavailable {
                list: url.to_owned(),
                source: None,
            })
        }
        Err(e) => {
            return Err(VerifyError::StatusListUnavailable {
                list: url.to_owned(),
                source: Some(Arc::new(e)),
            })
        }
    };
    let list = Credential::from_json_with_limits(&bytes, &ParseLimits::default()).map_err(|e| {
        VerifyError::StatusListInvalid {
            list: url.to_owned(),
            reason: "not a JSON credential".to_owned(),
            source: Some(Arc::new(e)),
        }
    })?;
    let format = entry.format();
    if !list.has_type(format.credential_type()) {
        return Err(invalid(&format!("not a {}", format.credential_type())));
    }
    if list.id.as_deref().is_some_and(|id| id != url) {
        return Err(invalid("its id is not the URL it was fetched from"));
    }
    if list.issuer_id().is_none() || list.issuer_id() != credential.issuer_id() {
        return Err(invalid("not issued by the credential's issuer"));
    }
    // Proofs only: following the list's own credentialStatus could loop between lists.
    if let Err(error) = verifier.verify_proofs(&list).await {
        if !error.is_invalid() {
            return Err(error);
        }
        return Err(VerifyError::StatusListInvalid {
            list: url.to_owned(),
            reason: "its proof does not verify".to_owned(),
            source: Some(Arc::new(error)),
        });
    }
    let instant = |date: &vc_core::DateTime| {
        date.instant()
            .map_err(|_| invalid("its validity dates are not XML dateTimes"))
    };
    if let Some(from) = list.valid_from_or_issued() {
        if instant(from)? > now {
            return Err(invalid("not valid yet"));
        }
    }
    if let Some(until) = list.valid_until_or_expires() {
        if instant(until)? <= now {
            return Err(invalid("expired"));
        }
    }
    Ok(list)
}

/// The value of `entry` in `list` (a list already checked by [`fetch_list`]).
fn read_entry(list: &Credential, entry: &StatusEntry) -> Result<StatusResult, VerifyError> {
    let url = entry.list_credential();
    let invalid =
        |reason: String, source: Option<vc_status::Error>| VerifyError::StatusListInvalid {
            list: url.to_owned(),
            reason,
            source: source.map(|e| Arc::new(e) as crate::error::BoxError),
        };
    let [subject] = list.subjects() else {
        return Err(invalid("it has not exactly one subject".into(), None));
    };
    let format = entry.format();
    let holds = |value: Option<&Value>, wanted: &str| match value {
        Some(Value::String(s)) => s == wanted,
        Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(wanted)),
        _ => false,
    };
    if !holds(subject.claims.get("type"), format.subject_type()) {
        return Err(invalid(
            format!("its subject is not a {}", format.subject_type()),
            None,
        ));
    }
    let purpose = entry.purpose();
    if !holds(subject.claims.get("statusPurpose"), purpose.as_str()) {
        return Err(invalid(
            format!("its statusPurpose is not the entry's {purpose}"),
            None,
        ));
    }
    let Some(Value::String(encoded)) = subject.claims.get("encodedList") else {
        return Err(invalid(
            "its subject has no encodedList string".into(),
            None,
        ));
    };
    let options = match format {
        ListFormat::StatusList2021 => DecodeOptions::status_list_2021(),
        _ => DecodeOptions::new(),
    }
    .status_size(entry.status_size());
    let bits = Bitstring::decode(encoded, &options)
        .map_err(|e| invalid(format!("encodedList: {e}"), Some(e)))?;
    let index = entry.index().get();
    let value = bits
        .get(index)
        .map_err(|e| invalid("statusListIndex is beyond the list".into(), Some(e)))?;
    let message = entry.status_message().and_then(|table| {
        table
            .iter()
            .find(|row| row.value().ok() == Some(value))
            .map(|row| row.message.clone())
    });
    Ok(StatusResult {
        list: url.to_owned(),
        purpose,
        index,
        value,
        message,
    })
}
