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

    /// The contract `check` could not be checked because the implementation failed with
    /// `source` (a [`BoxError`] or a host capability's [`HostError`](crate::HostError)).
    pub(crate) fn backend<E>(check: &'static str) -> impl FnOnce(E) -> Self
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        move |source| Self::Backend {
            check,
            source: std::sync::Arc::new(source),
        }
    }
}

/// A backend failure inside the check `check`, for any error type the traits return.
pub(crate) trait At<T> {
    /// `Ok` as it is; an error as [`ConformanceError::Backend`] of `check`.
    fn at(self, check: &'static str) -> Result<T, ConformanceError>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> At<T> for Result<T, E> {
    fn at(self, check: &'static str) -> Result<T, ConformanceError> {
        self.map_err(|e| ConformanceError::Backend {
            check,
            source: std::sync::Arc::new(e),
        })
    }
}

/// Returns a [`ConformanceError::Contract`] of `$check` unless `$cond` holds; the detail is the
/// condition's text, or the `format!` arguments that follow.
macro_rules! conform {
    ($check:expr, $cond:expr $(,)?) => {
        $crate::testing::failure::conform!($check, $cond, "not {}", stringify!($cond))
    };
    ($check:expr, $cond:expr, $($detail:tt)+) => {
        if !$cond {
            return Err($crate::testing::ConformanceError::contract(
                $check,
                format!($($detail)+),
            ));
        }
    };
}

/// Returns a [`ConformanceError::Contract`] of `$check` unless `$seen == $expected`, showing both.
macro_rules! conform_eq {
    ($check:expr, $seen:expr, $expected:expr $(,)?) => {
        match (&$seen, &$expected) {
            (seen, expected) => {
                if *seen != *expected {
                    return Err($crate::testing::ConformanceError::contract(
                        $check,
                        format!("expected {expected:?}, got {seen:?}"),
                    ));
                }
            }
        }
    };
}

pub(crate) use {conform, conform_eq};
