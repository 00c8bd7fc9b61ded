//! An exchange as the VC API shows it, and the record a store keeps of it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::id::{ExchangeId, WorkflowId};

/// Where an exchange is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ExchangeState {
    /// Created; no wallet has talked to it yet.
    Pending,
    /// A wallet is working through its steps.
    Active,
    /// Every step is done. Final.
    Complete,
    /// Issuance failed; the exchange accepts nothing more. Final.
    Invalid,
}

impl ExchangeState {
    /// The state's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeState::Pending => "pending",
            ExchangeState::Active => "active",
            ExchangeState::Complete => "complete",
            ExchangeState::Invalid => "invalid",
        }
    }

    /// Parses a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(ExchangeState::Pending),
            "active" => Some(ExchangeState::Active),
            "complete" => Some(ExchangeState::Complete),
            "invalid" => Some(ExchangeState::Invalid),
            _ => None,
        }
    }

    /// Whether the state is final (`complete` or `invalid`).
    pub fn is_final(self) -> bool {
        matches!(self, ExchangeState::Complete | ExchangeState::Invalid)
    }
}

impl fmt::Display for ExchangeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The last error an exchange met: `{"code", "message"}`, the same code the wallet was answered
/// with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LastError {
    /// The stable error code (`WRONG_CHALLENGE`, `INVALID_PRESENTATION`, ...).
    pub code: String,
    /// A human-readable message (no internals).
    pub message: String,
}

impl LastError {
    /// An error record.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An exchange in the VC API JSON shape:
/// `{"id", "sequence", "expires", "step", "state", "lastError"?, "variables"}`.
///
/// `sequence` grows by one with every change; stores update with compare-and-set on it.
/// `variables` holds what the coordinator supplied and, under `results.<stepName>`, what each
/// completed step produced (`{did, verifiablePresentation}` for DID Authentication,
/// `{credentialIds}` for issuance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Exchange {
    /// The exchange id.
    pub id: ExchangeId,
    /// The number of changes so far.
    pub sequence: u64,
    /// When the exchange stops accepting wallet messages (RFC 3339, UTC, milliseconds).
    #[serde(with = "rfc3339")]
    pub expires: OffsetDateTime,
    /// The current step's name.
    pub step: String,
    /// The life-cycle state.
    pub state: ExchangeState,
    /// The last error, cleared when a step succeeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<LastError>,
    /// The exchange's variables, with step results under `results`.
    #[serde(default)]
    pub variables: Map<String, Value>,
}

impl Exchange {
    /// The result a completed step recorded (`variables.results.<step>`).
    pub fn result(&self, step: &str) -> Option<&Value> {
        self.variables.get("results")?.get(step)
    }
}

/// What a store keeps of an exchange: the exchange, its workflow, and the challenge of the
/// current DID Authentication step (kept out of [`Exchange`], which is what the coordinator sees).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExchangeRecord {
    /// The workflow the exchange runs.
    pub workflow_id: WorkflowId,
    /// The exchange.
    pub exchange: Exchange,
    /// The challenge the wallet must sign in the current step, if it is a DID Authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
}

impl ExchangeRecord {
    /// A record.
    pub fn new(workflow_id: WorkflowId, exchange: Exchange, challenge: Option<String>) -> Self {
        Self {
            workflow_id,
            exchange,
            challenge,
        }
    }
}

/// The part of a record the SQL stores keep as one JSON column (the rest are columns of their
/// own, for lookups and compare-and-set).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecordData {
    pub(crate) step: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_error: Option<LastError>,
    #[serde(default)]
    pub(crate) variables: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) challenge: Option<String>,
}

impl Exchange {
    /// A new exchange at `step`, sequence 0, `pending`.
    pub fn new(
        id: ExchangeId,
        expires: OffsetDateTime,
        step: impl Into<String>,
        variables: Map<String, Value>,
    ) -> Self {
        Self {
            id,
            sequence: 0,
            expires: truncate_to_millis(expires),
            step: step.into(),
            state: ExchangeState::Pending,
            last_error: None,
            variables,
        }
    }
}

/// Stores keep milliseconds; every instant the service records is cut to them first, so that what
/// is read back equals what was written.
pub(crate) fn truncate_to_millis(at: OffsetDateTime) -> OffsetDateTime {
    let nanos = at.nanosecond();
    at.replace_nanosecond(nanos - nanos % 1_000_000)
        .unwrap_or(at)
}

/// Milliseconds since the Unix epoch (saturating).
#[cfg(any(feature = "sqlite", feature = "postgres", test))]
pub(crate) fn to_millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The instant `millis` after the Unix epoch, if representable.
#[cfg(any(feature = "sqlite", feature = "postgres", test))]
pub(crate) fn from_millis(millis: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok()
}

mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::{OffsetDateTime, UtcOffset};

    pub(super) fn serialize<S: Serializer>(at: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        let text = at
            .to_offset(UtcOffset::UTC)
            .format(&Rfc3339)
            .map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn serializes_in_the_vc_api_shape() {
        let id = ExchangeId::parse("x1").unwrap();
        let mut exchange = Exchange::new(
            id,
            datetime!(2025-06-01 12:00:00.123456 UTC),
            "ownerBinding",
            json!({"name": "A"}).as_object().cloned().unwrap(),
        );
        let value = serde_json::to_value(&exchange).unwrap();
        assert_eq!(
            value,
            json!({"id": "x1", "sequence": 0, "expires": "2025-06-01T12:00:00.123Z",
                "step": "ownerBinding", "state": "pending", "variables": {"name": "A"}})
        );
        exchange.last_error = Some(LastError::new("WRONG_CHALLENGE", "m"));
        exchange.state = ExchangeState::Active;
        let value = serde_json::to_value(&exchange).unwrap();
        assert_eq!(
            value["lastError"],
            json!({"code": "WRONG_CHALLENGE", "message": "m"})
        );
        assert_eq!(value["state"], "active");
        let back: Exchange = serde_json::from_value(value).unwrap();
        assert_eq!(back, exchange);
        assert_eq!(
            from_millis(to_millis(exchange.expires)),
            Some(exchange.expires)
        );
    }
}
