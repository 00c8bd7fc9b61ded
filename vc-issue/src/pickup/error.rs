//! The error type of credential pickup.

use vc_core::ErrorCode;
use vc_status::store::{StoreError, StoreErrorKind};

use crate::error::BoxError;

/// Everything that can go wrong creating or redeeming a pickup, each with a stable
/// [`code`](PickupError::code).
///
/// A used, expired or unknown token is not an error: [`redeem`](super::PickupService::redeem)
/// answers `None` for all three alike.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PickupError {
    /// The time to live is not positive or longer than the service allows.
    #[error("invalid pickup ttl: {reason}")]
    InvalidTtl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The service was configured inconsistently (a base URL that is not an absolute http(s) URL).
    #[error("pickup configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: &'static str,
    },
    /// The operating system's random source failed, so no token could be made.
    #[error("the random source failed")]
    Randomness(#[source] BoxError),
    /// The store failed; its kind says whether a retry can help.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PickupError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            PickupError::InvalidTtl { .. } => ErrorCode::PICKUP_TTL_INVALID,
            PickupError::Config { .. } => ErrorCode::PICKUP_CONFIGURATION,
            PickupError::Randomness(_) => ErrorCode::RANDOMNESS_UNAVAILABLE,
            PickupError::Store(e) => match e.kind() {
                StoreErrorKind::AlreadyExists => ErrorCode::STORE_ALREADY_EXISTS,
                StoreErrorKind::Unavailable => ErrorCode::STORE_UNAVAILABLE,
                _ => ErrorCode::STORE_ERROR,
            },
        }
    }

    /// The store error's kind, when this is one.
    pub fn store_kind(&self) -> Option<StoreErrorKind> {
        match self {
            PickupError::Store(e) => Some(e.kind()),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: what the code's class says.
    pub fn is_transient(&self) -> bool {
        self.code().class().is_retryable()
    }
}
