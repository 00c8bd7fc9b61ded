//! Ticket states, the transition rules, and the records the stores keep.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::pipeline::request::{IssuanceRequest, IssuanceResponse};

/// The identifier of a ticket: a random UUID (version 4), in its hyphenated lowercase form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketId(String);

impl TicketId {
    /// A fresh random id.
    pub fn new() -> Self {
        let mut b = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
        TicketId(format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ))
    }

    /// Parses an id as found in a URL: 1 to 64 ASCII letters, digits, `-` or `_`.
    pub fn parse(s: &str) -> Option<Self> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| TicketId(s.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for TicketId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a request is in its life.
///
/// ```text
///            submit
///   ┌──────────┼─────────────────┐
///   v          v                 v
/// rejected  pending_approval ──> approved ──> issuing ──> issued
///   ^        │   ^    │                        │  ^  └──> failed
///   │        v   │    v                        └──┘ (lease expired / retry)
///   └── needs_information ──> expired <── (pending_approval)
/// ```
///
/// [`can_become`](Self::can_become) is the whole rule set; every store update goes through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TicketState {
    /// Waiting for a person to approve or reject it.
    PendingApproval,
    /// Waiting for the requester to provide more information.
    NeedsInformation,
    /// Approved, waiting for a worker.
    Approved,
    /// Rejected by the policy or a person (terminal).
    Rejected,
    /// A worker holds it (with a lease) and is issuing it.
    Issuing,
    /// Issued; the credential is on the ticket (terminal).
    Issued,
    /// Issuance failed with a permanent error, or too many transient ones (terminal).
    Failed,
    /// Waited past its deadline (terminal).
    Expired,
}

impl TicketState {
    /// Every state, in life-cycle order.
    pub const ALL: [TicketState; 8] = [
        TicketState::PendingApproval,
        TicketState::NeedsInformation,
        TicketState::Approved,
        TicketState::Rejected,
        TicketState::Issuing,
        TicketState::Issued,
        TicketState::Failed,
        TicketState::Expired,
    ];

    /// The wire name (`pending_approval`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketState::PendingApproval => "pending_approval",
            TicketState::NeedsInformation => "needs_information",
            TicketState::Approved => "approved",
            TicketState::Rejected => "rejected",
            TicketState::Issuing => "issuing",
            TicketState::Issued => "issued",
            TicketState::Failed => "failed",
            TicketState::Expired => "expired",
        }
    }

    /// Whether nothing can happen to the ticket any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TicketState::Rejected
                | TicketState::Issued
                | TicketState::Failed
                | TicketState::Expired
        )
    }

    /// Whether the ticket waits for a person (and so can expire).
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            TicketState::PendingApproval | TicketState::NeedsInformation
        )
    }

    /// The transition rules. `Issuing -> Issuing` is a worker taking over an expired lease or
    /// retrying after a transient error; `NeedsInformation -> Approved | Rejected` is the policy
    /// deciding again on the completed request.
    pub fn can_become(self, next: TicketState) -> bool {
        use TicketState::*;
        matches!(
            (self, next),
            (
                PendingApproval,
                Approved | Rejected | NeedsInformation | Expired
            ) | (
                NeedsInformation,
                PendingApproval | Approved | Rejected | Expired
            ) | (Approved, Issuing)
                | (Issuing, Issuing | Issued | Failed)
        )
    }
}

impl fmt::Display for TicketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an unknown state name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown ticket state {0:?}")]
pub struct UnknownState(pub String);

impl FromStr for TicketState {
    type Err = UnknownState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TicketState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| UnknownState(s.to_owned()))
    }
}

/// A worker's hold on an `issuing` ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    /// Random, fresh per claim.
    pub token: String,
    /// The worker's name.
    pub worker: String,
    /// When the lease runs out and another worker may take the ticket.
    #[serde(with = "rfc3339")]
    pub until: OffsetDateTime,
}

/// One step of a ticket's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HistoryEntry {
    /// The state the ticket entered.
    pub state: TicketState,
    /// When.
    #[serde(with = "rfc3339")]
    pub at: OffsetDateTime,
    /// Who caused it: an approver, `policy`, `requester`, a worker's name, `clock`.
    pub actor: String,
    /// The approver's note, the rejection reason, the message to the requester, the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The authenticated caller that made the change, when it came through an authenticated
    /// API (over HTTP, the name of the `http::Authorizer`'s principal):
    /// `actor` is who the caller said decided, this is who it proved to be. Tickets stored
    /// before it was recorded read as `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
}

impl HistoryEntry {
    /// A history entry.
    pub fn new(
        state: TicketState,
        at: OffsetDateTime,
        actor: impl Into<String>,
        note: Option<String>,
    ) -> Self {
        Self {
            state,
            at,
            actor: actor.into(),
            note,
            principal: None,
        }
    }

    /// The same entry, made by the authenticated `principal` (if known).
    #[must_use]
    pub fn by_principal(mut self, principal: Option<&str>) -> Self {
        self.principal = principal.map(str::to_owned);
        self
    }
}

/// What the issuer asked the requester for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InformationRequest {
    /// The claims wanted (names or JSON pointers, free-form for the requester's UI).
    pub fields: Vec<String>,
    /// A message for the requester.
    pub message: String,
}

/// Why a ticket failed: the stable code and message of the pipeline's error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketFailure {
    /// The error's stable code (`SCHEMA_VALIDATION_FAILED`, `SIGNING_FAILED`, ...).
    pub code: String,
    /// Its message.
    pub message: String,
    /// Its machine-readable details, or `null`.
    #[serde(default)]
    pub details: Value,
}

impl From<&crate::error::IssueError> for TicketFailure {
    fn from(e: &crate::error::IssueError) -> Self {
        Self {
            code: e.code().into(),
            message: e.to_string(),
            details: e.details(),
        }
    }
}

/// A ticket's place in an asynchronously submitted batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchPosition {
    /// The batch's id.
    pub batch_id: String,
    /// The item's position in the batch, from 0.
    pub item: usize,
}

/// Everything a store keeps about one ticket.
///
/// `state`, `version`, `lease`, `attempts` and `deadline` are what stores index and update in
/// place ([`IssuanceStore::claim`](super::IssuanceStore::claim)); the rest is opaque to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TicketRecord {
    /// The ticket's id.
    pub id: TicketId,
    /// Its state.
    pub state: TicketState,
    /// Increases by one with every stored change; compare-and-set updates name the version they
    /// read.
    pub version: u64,
    /// The idempotency key it was submitted with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// SHA-256 (hex) of the request as submitted, to tell a replay from a different request under
    /// the same key.
    pub fingerprint: String,
    /// The request, with its credential id fixed at submit time.
    pub request: IssuanceRequest,
    /// When it was submitted.
    #[serde(with = "rfc3339")]
    pub created_at: OffsetDateTime,
    /// When a waiting ticket expires.
    #[serde(default, with = "rfc3339_opt", skip_serializing_if = "Option::is_none")]
    pub deadline: Option<OffsetDateTime>,
    /// The worker's lease while `issuing` (also the retry time after a transient error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease: Option<Lease>,
    /// How many times a worker claimed it.
    #[serde(default)]
    pub attempts: u32,
    /// The status entry allocated for it (saved before signing, reused by every retry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_entry: Option<Value>,
    /// The outstanding request for information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information: Option<InformationRequest>,
    /// The result, once issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<IssuanceResponse>,
    /// Why it failed or was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<TicketFailure>,
    /// Its place in a batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchPosition>,
    /// Every state it entered, oldest first.
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

impl TicketRecord {
    /// A new ticket in `state`, version 0, with one history entry.
    pub fn new(
        request: IssuanceRequest,
        fingerprint: String,
        state: TicketState,
        now: OffsetDateTime,
        actor: &str,
    ) -> Self {
        Self {
            id: TicketId::new(),
            state,
            version: 0,
            idempotency_key: None,
            fingerprint,
            request,
            created_at: now,
            deadline: None,
            lease: None,
            attempts: 0,
            status_entry: None,
            information: None,
            response: None,
            failure: None,
            batch: None,
            history: vec![HistoryEntry::new(state, now, actor, None)],
        }
    }
}

/// What `submit` answers: enough for a `202 Accepted` with a `Location` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ticket {
    /// The ticket's id.
    pub id: TicketId,
    /// Its state at the time of the answer.
    pub state: TicketState,
    /// Where to poll (`<location prefix><id>`).
    pub location: String,
}

/// What `status` answers: the state, the history, and the credential once issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TicketStatus {
    /// The ticket's id.
    pub id: TicketId,
    /// Its state.
    pub state: TicketState,
    /// Every state it entered, with who and when.
    pub history: Vec<HistoryEntry>,
    /// The outstanding request for information.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub information: Option<InformationRequest>,
    /// The credential, once issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<IssuanceResponse>,
    /// Why it failed or was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<TicketFailure>,
    /// Its place in a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchPosition>,
    /// The claims currently on the request (after provided information).
    pub claims: Map<String, Value>,
}

impl From<TicketRecord> for TicketStatus {
    fn from(r: TicketRecord) -> Self {
        Self {
            id: r.id,
            state: r.state,
            history: r.history,
            information: r.information,
            response: r.response,
            failure: r.failure,
            batch: r.batch,
            claims: r.request.claims,
        }
    }
}

/// Unix milliseconds, as the SQL stores keep instants.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// An instant from unix milliseconds.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn from_millis(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

pub(crate) mod rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::format_description::well_known::Rfc3339;
    use time::OffsetDateTime;

    pub(crate) fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        let text = t.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339).map_err(serde::de::Error::custom)
    }
}

pub(crate) mod rfc3339_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub(crate) fn serialize<S: Serializer>(
        t: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::rfc3339::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::rfc3339")] OffsetDateTime);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}
