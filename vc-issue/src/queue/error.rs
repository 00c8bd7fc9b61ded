//! The errors of the issuance queue and its stores.

use serde_json::{json, Value};
use vc_core::ErrorCode;
/// The queue's stores fail with the one store error of the workspace.
pub use vc_status::store::{StoreError, StoreErrorKind};

use super::state::{TicketId, TicketState};
use crate::error::IssueError;

/// Everything that can go wrong in the queue, each with a stable [`code`](QueueError::code).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum QueueError {
    /// The request failed validation (or issuance failed): the same error as synchronous issuance.
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// No ticket has this id.
    #[error("ticket {id} not found")]
    TicketNotFound {
        /// The id asked for.
        id: String,
    },
    /// The ticket's state does not allow the action.
    #[error("ticket {id} cannot go from {from} to {to}")]
    IllegalTransition {
        /// The ticket.
        id: TicketId,
        /// Its current state.
        from: TicketState,
        /// The state the action leads to.
        to: TicketState,
    },
    /// The worker's lease ran out and another worker took the ticket; the result was discarded.
    #[error("the lease on ticket {id} was lost")]
    LeaseLost {
        /// The ticket.
        id: TicketId,
    },
    /// The idempotency key was used before for a different request.
    #[error("idempotency key {key:?} was used for a different request")]
    IdempotencyConflict {
        /// The key.
        key: String,
    },
    /// Concurrent updates kept winning over this one.
    #[error("ticket {id} was changed concurrently; try again")]
    Contended {
        /// The ticket.
        id: TicketId,
    },
    /// An argument is malformed (an empty approver, a too large batch, an unusable key).
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// The queue is misconfigured.
    #[error("queue configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: &'static str,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl QueueError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            QueueError::Issue(e) => e.code(),
            QueueError::TicketNotFound { .. } => ErrorCode::TICKET_NOT_FOUND,
            QueueError::IllegalTransition { .. } => ErrorCode::ILLEGAL_TRANSITION,
            QueueError::LeaseLost { .. } => ErrorCode::LEASE_LOST,
            QueueError::IdempotencyConflict { .. } => ErrorCode::IDEMPOTENCY_KEY_REUSED,
            QueueError::Contended { .. } => ErrorCode::CONCURRENT_UPDATE,
            QueueError::InvalidInput { .. } => ErrorCode::INVALID_REQUEST,
            QueueError::Config { .. } => ErrorCode::QUEUE_CONFIGURATION,
            QueueError::Store(e) if e.kind() == StoreErrorKind::Unavailable => {
                ErrorCode::STORE_UNAVAILABLE
            }
            QueueError::Store(_) => ErrorCode::STORE_ERROR,
        }
    }

    /// Whether trying again later may succeed: what the code's class says.
    pub fn is_transient(&self) -> bool {
        self.code().class().is_retryable()
    }

    /// `{ "code", "message", "details" }` for the wire; store errors say nothing about internals.
    pub fn to_json(&self) -> Value {
        match self {
            QueueError::Issue(e) => e.to_json(),
            QueueError::Store(_) => {
                json!({ "code": self.code(), "message": "issuance store error", "details": null })
            }
            QueueError::IllegalTransition { from, to, .. } => json!({
                "code": self.code(), "message": self.to_string(),
                "details": { "from": from, "to": to }
            }),
            _ => json!({ "code": self.code(), "message": self.to_string(), "details": null }),
        }
    }
}
