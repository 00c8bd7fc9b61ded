//! The `credentialStatus` entry embedded in an issued credential.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use vc_core::TypedResource;

use crate::message::validate_status_messages;
use crate::{Error, ListFormat, Result, StatusListIndex, StatusMessage, StatusPurpose, StatusSize};

/// A `BitstringStatusListEntry` (or `StatusList2021Entry`): where a credential's status lives.
///
/// Parsed entries are validated once: `statusSize` in `1..=8`, a `statusMessage` table of
/// `2^statusSize` rows where one is needed, purposes the format supports. Unknown properties are
/// kept and written back.
///
/// ```
/// use vc_status::{StatusEntry, StatusPurpose};
///
/// let entry = StatusEntry::from_value(serde_json::json!({
///     "id": "https://example.com/credentials/status/3#94567",
///     "type": "BitstringStatusListEntry",
///     "statusPurpose": "revocation",
///     "statusListIndex": "94567",
///     "statusListCredential": "https://example.com/credentials/status/3"
/// }))?;
/// assert_eq!(entry.purpose(), StatusPurpose::Revocation);
/// assert_eq!(entry.index().get(), 94567);
/// # Ok::<(), vc_status::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EntryRepr", into = "EntryRepr")]
pub struct StatusEntry {
    id: Option<String>,
    format: ListFormat,
    purpose: StatusPurpose,
    index: StatusListIndex,
    list_credential: String,
    status_size: Option<StatusSize>,
    status_message: Option<Vec<StatusMessage>>,
    extra: Map<String, Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(rename = "type")]
    entry_type: String,
    status_purpose: StatusPurpose,
    status_list_index: StatusListIndex,
    status_list_credential: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_size: Option<StatusSize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_message: Option<Vec<StatusMessage>>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl TryFrom<EntryRepr> for StatusEntry {
    type Error = Error;

    fn try_from(r: EntryRepr) -> Result<Self> {
        let format = ListFormat::from_entry_type(&r.entry_type).ok_or(Error::InvalidEntry {
            reason: "type is neither BitstringStatusListEntry nor StatusList2021Entry",
            source: None,
        })?;
        let entry = StatusEntry {
            id: r.id,
            format,
            purpose: r.status_purpose,
            index: r.status_list_index,
            list_credential: r.status_list_credential,
            status_size: r.status_size,
            status_message: r.status_message,
            extra: r.extra,
        };
        entry.validate()?;
        Ok(entry)
    }
}

impl From<StatusEntry> for EntryRepr {
    fn from(e: StatusEntry) -> Self {
        EntryRepr {
            id: e.id,
            entry_type: e.format.entry_type().to_owned(),
            status_purpose: e.purpose,
            status_list_index: e.index,
            status_list_credential: e.list_credential,
            status_size: e.status_size,
            status_message: e.status_message,
            extra: e.extra,
        }
    }
}

impl StatusEntry {
    /// An entry for `index` in the list at `list_credential`, with the id `<list url>#<index>`.
    ///
    /// `statusSize` is written only when it is not 1; `messages` is required for sizes above 1.
    pub fn new(
        format: ListFormat,
        purpose: StatusPurpose,
        index: StatusListIndex,
        list_credential: impl Into<String>,
        status_size: StatusSize,
        messages: Option<Vec<StatusMessage>>,
    ) -> Result<Self> {
        let list_credential = list_credential.into();
        let entry = StatusEntry {
            id: Some(format!("{list_credential}#{index}")),
            format,
            purpose,
            index,
            list_credential,
            status_size: (status_size != StatusSize::ONE).then_some(status_size),
            status_message: messages,
            extra: Map::new(),
        };
        entry.validate()?;
        Ok(entry)
    }

    /// This entry for another index of the same list (already validated).
    pub(crate) fn with_index(&self, index: StatusListIndex) -> Self {
        let mut entry = self.clone();
        entry.id = Some(format!("{}#{index}", self.list_credential));
        entry.index = index;
        entry
    }

    fn validate(&self) -> Result<()> {
        let invalid = |reason| Error::InvalidEntry {
            reason,
            source: None,
        };
        if self.list_credential.is_empty() {
            return Err(invalid("statusListCredential is empty"));
        }
        if !self.format.supports(self.purpose) {
            return Err(invalid("statusPurpose not supported by the list format"));
        }
        if self.format == ListFormat::TokenStatusList {
            if self.status_message.is_some() {
                return Err(invalid("TokenStatusListEntry has no statusMessage"));
            }
            if self.status_size() != self.format.status_size(self.purpose) {
                return Err(invalid("TokenStatusListEntry has the wrong statusSize"));
            }
            return Ok(());
        }
        let size = self.status_size();
        if self.format == ListFormat::StatusList2021
            && (self.status_size.is_some() || self.status_message.is_some())
        {
            return Err(invalid(
                "StatusList2021Entry has no statusSize or statusMessage",
            ));
        }
        if self.purpose == StatusPurpose::Message && size.bits() < 2 {
            return Err(invalid("statusPurpose message needs statusSize > 1"));
        }
        match &self.status_message {
            Some(messages) => validate_status_messages(messages, size)?,
            None if size.bits() > 1 => {
                return Err(Error::StatusMessage {
                    reason: "statusMessage is required when statusSize > 1",
                })
            }
            None => {}
        }
        Ok(())
    }

    /// Parses and validates an entry from JSON.
    pub fn from_value(value: Value) -> Result<Self> {
        serde_json::from_value(value).map_err(|e| Error::InvalidEntry {
            reason: "not a valid status list entry",
            source: Some(std::sync::Arc::new(e)),
        })
    }

    /// The entry as JSON.
    pub fn to_value(&self) -> Value {
        // Serializing plain strings, numbers and maps into a Value cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The entry as a `credentialStatus` resource of a credential: what
    /// `serde_json::from_value(entry.to_value())` gives, property for property, built directly
    /// (issuance embeds one per credential; the JSON round trip cost 26 allocations).
    pub fn to_resource(&self) -> TypedResource {
        let mut resource = TypedResource::new(self.format.entry_type());
        resource.id = self.id.clone();
        let properties = &mut resource.properties;
        properties.insert("statusPurpose".into(), self.purpose.as_str().into());
        properties.insert(
            "statusListIndex".into(),
            self.index.get().to_string().into(),
        );
        properties.insert(
            "statusListCredential".into(),
            self.list_credential.clone().into(),
        );
        if let Some(size) = self.status_size {
            properties.insert("statusSize".into(), u64::from(size).into());
        }
        if let Some(messages) = &self.status_message {
            // Serializing plain strings into a Value cannot fail.
            let messages = serde_json::to_value(messages).unwrap_or(Value::Null);
            properties.insert("statusMessage".into(), messages);
        }
        for (key, value) in &self.extra {
            properties.insert(key.clone(), value.clone());
        }
        resource
    }

    /// The `status` claim of a Referenced Token (an SD-JWT VC, say) pointing at this entry of a
    /// Token Status List: `{"status_list": {"idx": .., "uri": ..}}`.
    pub fn status_claim(&self) -> Value {
        let mut reference = Map::new();
        reference.insert("idx".into(), self.index.get().into());
        reference.insert("uri".into(), self.list_credential.clone().into());
        let mut status = Map::new();
        status.insert("status_list".into(), Value::Object(reference));
        Value::Object(status)
    }

    /// The entry's `id`, if any.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Bitstring Status List or StatusList2021.
    pub fn format(&self) -> ListFormat {
        self.format
    }

    /// The `statusPurpose`.
    pub fn purpose(&self) -> StatusPurpose {
        self.purpose
    }

    /// The `statusListIndex`.
    pub fn index(&self) -> StatusListIndex {
        self.index
    }

    /// The `statusListCredential` URL.
    pub fn list_credential(&self) -> &str {
        &self.list_credential
    }

    /// The `statusSize` (1 when absent).
    pub fn status_size(&self) -> StatusSize {
        self.status_size.unwrap_or_default()
    }

    /// The `statusMessage` table, if any.
    pub fn status_message(&self) -> Option<&[StatusMessage]> {
        self.status_message.as_deref()
    }

    /// Properties this crate does not interpret (kept for round trips).
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }
}
