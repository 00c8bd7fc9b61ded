//! The one error of every store: status lists here, and the queue, exchange, pickup and status
//! index stores of vc-issue.

use std::borrow::Cow;
use std::fmt;

use crate::error::BoxError;

/// What a caller should do about a [`StoreError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The record (a list, a ticket, an exchange) does not exist, or one it refers to does not.
    NotFound,
    /// The record already exists (a racing creator won); re-read it.
    AlreadyExists,
    /// The store's data contradicts the request (e.g. corrupt or unexpected rows).
    Conflict,
    /// The store has no capacity left for the request.
    Exhausted,
    /// The store could not be reached, was busy or timed out: retry later.
    Unavailable,
    /// The store refused the credentials it was given.
    Unauthorized,
    /// The backend failed in a way a retry will not fix (schema mismatch, corrupt row, bug); see
    /// the source.
    Internal,
}

impl fmt::Display for StoreErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreErrorKind::NotFound => "not found",
            StoreErrorKind::AlreadyExists => "already exists",
            StoreErrorKind::Conflict => "conflict",
            StoreErrorKind::Exhausted => "exhausted",
            StoreErrorKind::Unavailable => "unavailable",
            StoreErrorKind::Unauthorized => "unauthorized",
            StoreErrorKind::Internal => "internal",
        })
    }
}

/// An error from a store, with a [`StoreErrorKind`] and the backend's source error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("store: {kind}: {context}")]
pub struct StoreError {
    kind: StoreErrorKind,
    context: Cow<'static, str>,
    #[source]
    source: Option<BoxError>,
}

impl StoreError {
    /// A store error of `kind`, with a short description of what was attempted.
    pub fn new(kind: StoreErrorKind, context: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            context: context.into(),
            source: None,
        }
    }

    /// Attaches the backend's error as the source.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(std::sync::Arc::new(source));
        self
    }

    /// What the caller should do.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The description of what was attempted.
    pub fn context(&self) -> &str {
        &self.context
    }
}
