//! The errors of the workflow service and its stores.

/// The exchange stores fail with the one store error of the workspace.
pub use vc_status::store::{StoreError, StoreErrorKind};

use std::borrow::Cow;

use serde_json::{json, Value};
use vc_core::ErrorCode;

use super::template::VariableProblem;
use crate::crypto::verify::VerifyError;
use crate::error::{BoxError, IssueError};

/// Everything that can go wrong in the workflow service, each with a stable
/// [`code`](ExchangeError::code) (whose class says what to answer with).
///
/// A wallet's failed attempt (a wrong challenge, a bad signature) is reported to the wallet and
/// recorded as the exchange's `lastError`; it does not end the exchange, so a wallet that signed
/// with the wrong key or for a stale request can try again until the exchange expires.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// A workflow or exchange id is not 1 to 128 unreserved URL characters.
    #[error("invalid {what}")]
    InvalidIdentifier {
        /// Which identifier.
        what: &'static str,
    },
    /// No workflow has this id.
    #[error("workflow {id} not found")]
    WorkflowNotFound {
        /// The id asked for.
        id: String,
    },
    /// No exchange of this workflow has this id.
    #[error("exchange {id} not found")]
    ExchangeNotFound {
        /// The id asked for.
        id: String,
    },
    /// Both `ttl` and `expires` were given; an exchange takes one or the other.
    #[error("give either ttl or expires, not both")]
    TtlAndExpires,
    /// `ttl` is zero or longer than the maximum.
    #[error("ttl must be between 1 and {max} seconds, got {ttl}")]
    InvalidTtl {
        /// The ttl asked for.
        ttl: u64,
        /// The maximum.
        max: u64,
    },
    /// `expires` is not a date-time, already passed, or further away than the maximum ttl.
    #[error("invalid expires: {reason}")]
    InvalidExpires {
        /// What is wrong.
        reason: &'static str,
    },
    /// The request body is malformed (not an object, `variables` not an object, reserved names).
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong.
        reason: Cow<'static, str>,
    },
    /// The exchange expired; it accepts nothing any more.
    #[error("exchange {id} expired")]
    ExchangeExpired {
        /// The exchange.
        id: String,
    },
    /// The exchange completed; it accepts nothing any more.
    #[error("exchange {id} is complete")]
    ExchangeComplete {
        /// The exchange.
        id: String,
    },
    /// The exchange was invalidated (its issuance failed); it accepts nothing any more.
    #[error("exchange {id} is invalid")]
    ExchangeInvalid {
        /// The exchange.
        id: String,
    },
    /// Another request changed the exchange first (a concurrent wallet POST won).
    #[error("exchange {id} was changed concurrently")]
    ConcurrentUpdate {
        /// The exchange.
        id: String,
    },
    /// The exchange's current step is being processed by another request (or that request
    /// failed half-way); the wallet cannot act on it now.
    #[error("exchange {id} is busy with step {step}")]
    StepInProgress {
        /// The exchange.
        id: String,
        /// The step.
        step: String,
    },
    /// The presentation is malformed or its proof does not verify. Deliberately unspecific about
    /// signatures: it says that the check failed, not why.
    #[error("invalid presentation: {reason}")]
    InvalidPresentation {
        /// What is wrong, in general terms.
        reason: &'static str,
        /// The verifier's error, for logs.
        #[source]
        source: Option<BoxError>,
    },
    /// The proof's `challenge` is not the one this exchange step issued.
    #[error("the presentation's challenge is not the one issued for this exchange")]
    WrongChallenge,
    /// The proof's `domain` is not this service's.
    #[error("the presentation's domain is not {expected}")]
    WrongDomain {
        /// The service's domain.
        expected: String,
    },
    /// The presentation's `holder` is not the DID that signed it.
    #[error("the presentation's holder is not the DID that signed it")]
    HolderMismatch,
    /// The signing DID's method is not among the step's accepted methods.
    #[error("DID method {method} is not accepted")]
    UnsupportedDidMethod {
        /// The method found.
        method: String,
    },
    /// The presentation could not be checked (the DID did not resolve, the suite is not
    /// compiled in): not a verdict on the presentation, and worth retrying.
    #[error("the presentation could not be checked")]
    PresentationNotChecked {
        /// Why.
        #[source]
        source: VerifyError,
    },
    /// The variables given to create an exchange cannot fill its workflow's credential
    /// templates: checked when the exchange is created, so nothing is stored and no wallet is
    /// sent to an exchange that would fail after authenticating. Each problem is in
    /// [`details`](Self::details) with a JSON pointer into the request.
    #[error("the variables cannot fill the workflow's templates ({} problem(s))", problems.len())]
    VariablesInvalid {
        /// Every variable that is missing or unusable.
        problems: Vec<VariableProblem>,
    },
    /// A credential template could not be filled at issuance (a variable its check at creation
    /// could not foresee), or cannot be filled whatever the variables (the workflow's fault).
    #[error("credential template: {reason}")]
    Template {
        /// What is wrong.
        reason: String,
    },
    /// The workflow definition is inconsistent (unknown `next`, no initial step, cycles through
    /// an issue step, a template that sets `holderDid`).
    #[error("invalid workflow: {reason}")]
    InvalidWorkflow {
        /// What is wrong.
        reason: String,
    },
    /// The service is misconfigured.
    #[error("exchange service configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: &'static str,
    },
    /// Issuing a credential failed.
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExchangeError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ExchangeError::InvalidIdentifier { .. } => ErrorCode::INVALID_IDENTIFIER,
            ExchangeError::WorkflowNotFound { .. } => ErrorCode::WORKFLOW_NOT_FOUND,
            ExchangeError::ExchangeNotFound { .. } => ErrorCode::EXCHANGE_NOT_FOUND,
            ExchangeError::TtlAndExpires => ErrorCode::TTL_AND_EXPIRES,
            ExchangeError::InvalidTtl { .. } => ErrorCode::INVALID_TTL,
            ExchangeError::InvalidExpires { .. } => ErrorCode::INVALID_EXPIRES,
            ExchangeError::InvalidRequest { .. } => ErrorCode::INVALID_REQUEST,
            ExchangeError::ExchangeExpired { .. } => ErrorCode::EXCHANGE_EXPIRED,
            ExchangeError::ExchangeComplete { .. } => ErrorCode::EXCHANGE_COMPLETE,
            ExchangeError::ExchangeInvalid { .. } => ErrorCode::EXCHANGE_INVALID,
            ExchangeError::ConcurrentUpdate { .. } => ErrorCode::CONCURRENT_UPDATE,
            ExchangeError::StepInProgress { .. } => ErrorCode::STEP_IN_PROGRESS,
            ExchangeError::InvalidPresentation { .. } => ErrorCode::INVALID_PRESENTATION,
            ExchangeError::WrongChallenge => ErrorCode::WRONG_CHALLENGE,
            ExchangeError::WrongDomain { .. } => ErrorCode::WRONG_DOMAIN,
            ExchangeError::HolderMismatch => ErrorCode::HOLDER_MISMATCH,
            ExchangeError::UnsupportedDidMethod { .. } => ErrorCode::UNSUPPORTED_DID_METHOD,
            ExchangeError::PresentationNotChecked { .. } => ErrorCode::PRESENTATION_NOT_CHECKED,
            ExchangeError::VariablesInvalid { .. } => ErrorCode::EXCHANGE_VARIABLES_INVALID,
            ExchangeError::Template { .. } => ErrorCode::TEMPLATE_FAILED,
            ExchangeError::InvalidWorkflow { .. } => ErrorCode::INVALID_WORKFLOW,
            ExchangeError::Config { .. } => ErrorCode::SERVICE_CONFIGURATION,
            ExchangeError::Issue(e) => e.code(),
            ExchangeError::Store(e) if e.kind() == StoreErrorKind::Unavailable => {
                ErrorCode::STORE_UNAVAILABLE
            }
            ExchangeError::Store(_) => ErrorCode::STORE_ERROR,
        }
    }

    /// Machine-readable details: for `EXCHANGE_VARIABLES_INVALID`,
    /// `{"violations": [{"pointer": "/variables/...", "code", "message"}, ...]}` (the shape of
    /// the issuer's `violations`; `VARIABLE_UNUSABLE` adds the request's `field`); `null`
    /// otherwise.
    pub fn details(&self) -> Value {
        match self {
            ExchangeError::VariablesInvalid { problems } => json!({
                "violations": problems.iter().map(VariableProblem::to_json).collect::<Vec<_>>()
            }),
            _ => Value::Null,
        }
    }

    /// Whether the wallet's presentation was checked and refused (as opposed to the exchange
    /// being unusable or the service failing). Such failures are recorded as `lastError`.
    pub fn is_rejected_presentation(&self) -> bool {
        matches!(
            self,
            ExchangeError::InvalidPresentation { .. }
                | ExchangeError::WrongChallenge
                | ExchangeError::WrongDomain { .. }
                | ExchangeError::HolderMismatch
                | ExchangeError::UnsupportedDidMethod { .. }
        )
    }

    pub(crate) fn invalid_request(reason: impl Into<Cow<'static, str>>) -> Self {
        ExchangeError::InvalidRequest {
            reason: reason.into(),
        }
    }
}
