//! How a conformance suite reports: a broken contract or a backend that failed.

use crate::error::BoxError;

/// Why a conformance suite failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConformanceError {
    /// The implementation answered, but not as the trait's contract says.
    #[error("{check}: {detail}")]
    Contract {
        /// The contract that was checked.
        check: &'static str,
        /// What was seen instead.
        detail: String,
    },
    /// The implementation failed where the contract asks it to answer.
    #[error("{check}: the implementation failed")]
    Backend {
        /// The contract that was checked.
        check: &'static str,
        /// What the implementation returned.
        #[source]
        source: BoxError,
    },
}

impl ConformanceError {
    pub(crate) fn contract(check: &'static str, detail: impl Into<String>) -> Self {
        Self::Contract {
            check,
            detail: detail.into(),
        }
    }

    pub(crate) fn backend(check: &'static str) -> impl FnOnce(BoxError) -> Self {
        move |source| Self::Backend { check, source }
    }
}
