//! [`HostError`]: what a host's capability ([`Signer`](crate::Signer),
//! [`KeyStore`](crate::KeyStore), [`DidResolver`](crate::DidResolver),
//! [`SchemaRegistry`](crate::SchemaRegistry)) reports when it fails, with a kind that tells the
//! pipeline (and the queue) whether trying again can help.

use std::fmt;
use std::sync::Arc;

use crate::error::BoxError;

/// What kind of failure a host capability reports: the pipeline picks the wire code from it, and
/// the queue retries only [`Unavailable`](HostErrorKind::Unavailable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostErrorKind {
    /// The service behind it (a KMS, an HSM, a ledger, a database) could not be reached, was busy
    /// or timed out: the same call may succeed later.
    Unavailable,
    /// The service answered and refused (access denied, a disabled key, a policy): retrying will
    /// not help until someone changes something.
    Refused,
    /// The service does not know what was asked for (a key deleted in the KMS).
    NotFound,
    /// The service considers what it was given malformed.
    Invalid,
    /// Anything else that a retry will not fix (a bug, a corrupt answer).
    Internal,
}

impl HostErrorKind {
    /// Whether the same call may succeed later.
    pub fn is_retryable(self) -> bool {
        self == HostErrorKind::Unavailable
    }
}

impl fmt::Display for HostErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostErrorKind::Unavailable => "unavailable",
            HostErrorKind::Refused => "refused",
            HostErrorKind::NotFound => "not found",
            HostErrorKind::Invalid => "invalid",
            HostErrorKind::Internal => "internal",
        })
    }
}

/// A failure of a host capability: a [`HostErrorKind`] and, for logs, the host's own error.
/// Never shown on the wire.
///
/// ```
/// use vc_issue::{HostError, HostErrorKind};
///
/// let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "KMS timed out");
/// let error = HostError::unavailable(io);
/// assert_eq!(error.kind(), HostErrorKind::Unavailable);
/// assert!(error.kind().is_retryable());
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("host capability failed: {kind}")]
pub struct HostError {
    kind: HostErrorKind,
    #[source]
    source: Option<BoxError>,
}

impl HostError {
    /// A failure of `kind` without a source.
    pub fn new(kind: HostErrorKind) -> Self {
        Self { kind, source: None }
    }

    /// A failure of `kind` caused by `source`.
    pub fn with_source(
        kind: HostErrorKind,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            kind,
            source: Some(Arc::new(source)),
        }
    }

    /// [`HostErrorKind::Unavailable`] caused by `source`: retry later.
    pub fn unavailable(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::with_source(HostErrorKind::Unavailable, source)
    }

    /// [`HostErrorKind::Refused`] caused by `source`: don't retry.
    pub fn refused(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::with_source(HostErrorKind::Refused, source)
    }

    /// [`HostErrorKind::Internal`] caused by `source`: don't retry.
    pub fn internal(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::with_source(HostErrorKind::Internal, source)
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> HostErrorKind {
        self.kind
    }
}

/// A bare source error is [`HostErrorKind::Internal`] (not retried); say
/// [`HostError::unavailable`] for an outage.
impl From<BoxError> for HostError {
    fn from(source: BoxError) -> Self {
        Self {
            kind: HostErrorKind::Internal,
            source: Some(source),
        }
    }
}
