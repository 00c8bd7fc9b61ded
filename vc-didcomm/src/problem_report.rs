//! DIDComm v2 problem reports (`https://didcomm.org/report-problem/2.0/problem-report`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::identifier::ThreadId;
use crate::message::{Message, MessageBuilder};

/// The DIDComm v2 problem-report message type.
pub const PROBLEM_REPORT_TYPE: &str = "https://didcomm.org/report-problem/2.0/problem-report";

/// The body of a problem report.
///
/// The message that carries it names the thread it reports on in `pthid` (and, for the state
/// machines of this crate, in `thid` too, so that it also ends that thread).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProblemReport {
    /// The problem code, such as `e.p.prot.iota.issuance.reject-vc`.
    pub code: String,
    /// A human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Values for `{1}`, `{2}`, ... placeholders in `comment`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Where to escalate (a URI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<String>,
    /// Any other property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ProblemReport {
    /// A report with this code.
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            comment: None,
            args: Vec::new(),
            escalate_to: None,
            extra: Map::new(),
        }
    }

    /// Sets the comment.
    #[must_use]
    pub fn with_comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Whether this is an error (`e.`) rather than a warning (`w.`).
    pub fn is_error(&self) -> bool {
        self.code.starts_with("e.")
    }

    /// Reads a problem report from a message of [`PROBLEM_REPORT_TYPE`] (or of a protocol's own
    /// `problem-report` type).
    pub fn from_message(message: &Message) -> Result<Self> {
        if !message.type_.ends_with("/problem-report") {
            return Err(Error::UnknownMessageType {
                message_type: message.type_excerpt(),
            });
        }
        let report: ProblemReport = message.body_as()?;
        if report.code.is_empty() {
            return Err(Error::invalid_field("code", "must not be empty"));
        }
        Ok(report)
    }

    /// A message of `type_` carrying this report about `thread`.
    pub fn into_message(self, type_: &str, thread: &ThreadId) -> MessageBuilder {
        let body = serde_json::to_value(&self).unwrap_or_else(|_| json!({ "code": self.code }));
        Message::builder(type_, body)
            .pthid(thread.clone())
            .thid(thread.clone())
    }
}
