//! The error type of the issuance pipeline.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Value};
use vc_core::ErrorCode;

use crate::host_error::{HostError, HostErrorKind};

/// A source error kept for logs and `Error::source()`, never shown on the wire.
pub type BoxError = Arc<dyn std::error::Error + Send + Sync>;

/// One JSON Schema violation: where, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaViolation {
    /// JSON pointer (RFC 6901) into the claims.
    pub instance_path: String,
    /// JSON pointer into the schema, naming the keyword that failed.
    pub schema_path: String,
    /// A human-readable message.
    pub message: String,
}

/// Everything that stops an issuance, each with a stable [`code`](IssueError::code).
///
/// The pipeline stops at the first failing step; nothing is allocated or signed after a failure.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The request itself is malformed (bad DID syntax, unknown data model, bad dates).
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong with it.
        reason: String,
    },
    /// A document (claims, a credential) nests arrays and objects deeper than the limit that
    /// applies, which keeps every recursive stage (JSON-LD expansion, canonicalization) safe.
    #[error("the document nests deeper than {limit} levels at {pointer:?}")]
    NestingTooDeep {
        /// The limit, in levels.
        limit: usize,
        /// JSON pointer to the container past the limit.
        pointer: String,
    },
    /// The issuer DID does not resolve.
    #[error("issuer {did} not found")]
    IssuerNotFound {
        /// The issuer DID.
        did: String,
    },
    /// The issuer DID is deactivated.
    #[error("issuer {did} is deactivated")]
    IssuerDeactivated {
        /// The issuer DID.
        did: String,
    },
    /// The issuer has no assertion method usable with the proof type, or no signer for it.
    #[error("no assertionMethod key of {did} can sign {proof_type}")]
    KeyNotFound {
        /// The issuer DID.
        did: String,
        /// The requested proof type.
        proof_type: String,
    },
    /// The schema id is unknown.
    #[error("schema {schema_id} not found")]
    SchemaNotFound {
        /// The schema id.
        schema_id: String,
    },
    /// The schema restricts its issuers and this one is not among them.
    #[error("issuer {did} is not authorized to issue {schema_id}")]
    IssuerNotAuthorized {
        /// The issuer DID.
        did: String,
        /// The schema id.
        schema_id: String,
    },
    /// The claims do not satisfy the schema.
    #[error("claims do not match schema {schema_id}: {} violation(s)", violations.len())]
    SchemaValidationFailed {
        /// The schema id.
        schema_id: String,
        /// Every violation, not just the first.
        violations: Vec<SchemaViolation>,
    },
    /// The request names its holder wrongly: a `holderDid` that is not a DID, a `subjectId` that
    /// is not an absolute URL (or is a DID), both, or neither (see
    /// [`holder`](crate::pipeline::holder)).
    #[error("invalid holder at {pointer}: {reason}")]
    InvalidHolder {
        /// JSON pointer to the member at fault (`/holderDid`, `/subjectId`).
        pointer: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The holder DID does not resolve.
    #[error("holder {did} not found")]
    HolderNotFound {
        /// The holder DID.
        did: String,
    },
    /// The constructed credential breaks a rule of the data model (a schema entry or claims produced
    /// something invalid).
    #[error("the constructed credential is invalid: {0}")]
    InvalidCredential(#[from] vc_core::ValidationErrors),
    /// A status entry could not be allocated.
    #[error("status registration failed")]
    StatusRegistrationFailed {
        /// The registry's error.
        #[source]
        source: BoxError,
    },
    /// Signing failed. Deliberately opaque: no key material or internals in the message.
    #[error("signing failed")]
    SigningFailed {
        /// The signer's error, for logs only.
        #[source]
        source: Option<BoxError>,
    },
    /// The signer (or the key store in front of it) could not be reached or was busy: the
    /// [`HostErrorKind::Unavailable`] of a [`HostError`]. Retryable; as opaque as
    /// [`SigningFailed`](Self::SigningFailed).
    #[error("the signer is unavailable")]
    SignerUnavailable {
        /// The signer's error, for logs only.
        #[source]
        source: BoxError,
    },
    /// The schema registry could not be reached or was busy. Retryable.
    #[error("the schema registry is unavailable")]
    SchemaRegistryUnavailable {
        /// The registry's error, for logs only.
        #[source]
        source: BoxError,
    },
    /// The proof type is not supported (or not compiled in); the message names the alternative.
    #[error("unsupported proof type {proof_type}{}", hint.map(|h| format!(": {h}")).unwrap_or_default())]
    UnsupportedProofType {
        /// The requested proof type.
        proof_type: String,
        /// What to use instead, when there is a successor.
        hint: Option<&'static str>,
    },
    /// A JSON-LD context is not bundled; contexts are never fetched at sign time.
    #[error("unknown JSON-LD context {url}")]
    UnknownContext {
        /// The context URL.
        url: String,
    },
    /// The issuer exceeded its rate limit.
    #[error("rate limit exceeded for {did}; retry after {retry_after:?}")]
    RateLimitExceeded {
        /// The issuer DID.
        did: String,
        /// When a retry can succeed.
        retry_after: Duration,
    },
    /// A DID could not be resolved because the resolver failed (network, storage), which is not the
    /// same as "not found".
    #[error("DID resolution failed for {did}")]
    ResolutionFailed {
        /// The DID.
        did: String,
        /// The resolver's error.
        #[source]
        source: BoxError,
    },
    /// A mandatory JSON pointer of a `bbs-2023` base proof is malformed or selects nothing in the
    /// credential.
    #[error("mandatory pointer {pointer:?}: {reason}")]
    MandatoryPointerInvalid {
        /// The pointer.
        pointer: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A selective JSON pointer given to derive a `bbs-2023` proof is malformed or selects nothing in
    /// the credential.
    #[error("selective pointer {pointer:?}: {reason}")]
    SelectivePointerInvalid {
        /// The pointer.
        pointer: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The credential to derive from has no usable `bbs-2023` base proof (missing, or a
    /// `proofValue` that does not decode).
    #[error("no usable bbs-2023 base proof: {reason}")]
    BaseProofInvalid {
        /// What is wrong.
        reason: &'static str,
    },
    /// A `relatedResource` the issuer can read (through its
    /// [`ResourceLoader`](crate::pipeline::related_resources::ResourceLoader)) does not hash to
    /// the digest the credential gives for it.
    #[error("the relatedResource {id} does not have the digest given at {pointer}")]
    RelatedResourceDigestMismatch {
        /// The resource's URL.
        id: String,
        /// JSON pointer of the entry.
        pointer: String,
    },
    /// The host's resource loader could not be reached.
    #[error("the resource loader is unavailable")]
    ResourceLoaderUnavailable {
        /// The loader's error.
        #[source]
        source: BoxError,
    },
    /// An internal step failed (serialization, canonicalization). Not the caller's fault.
    #[error("internal error: {context}")]
    Internal {
        /// Which step.
        context: &'static str,
        /// The underlying error.
        #[source]
        source: Option<BoxError>,
    },
}

impl IssueError {
    /// A stable, upper-snake-case code for the error kind.
    pub fn code(&self) -> ErrorCode {
        match self {
            IssueError::InvalidRequest { .. } => ErrorCode::INVALID_REQUEST,
            IssueError::NestingTooDeep { .. } => ErrorCode::NESTING_TOO_DEEP,
            IssueError::IssuerNotFound { .. } => ErrorCode::ISSUER_NOT_FOUND,
            IssueError::IssuerDeactivated { .. } => ErrorCode::ISSUER_DEACTIVATED,
            IssueError::KeyNotFound { .. } => ErrorCode::KEY_NOT_FOUND,
            IssueError::SchemaNotFound { .. } => ErrorCode::SCHEMA_NOT_FOUND,
            IssueError::IssuerNotAuthorized { .. } => ErrorCode::ISSUER_NOT_AUTHORIZED,
            IssueError::SchemaValidationFailed { .. } => ErrorCode::SCHEMA_VALIDATION_FAILED,
            IssueError::InvalidHolder { .. } => ErrorCode::INVALID_REQUEST,
            IssueError::HolderNotFound { .. } => ErrorCode::HOLDER_NOT_FOUND,
            IssueError::InvalidCredential(_) => ErrorCode::CREDENTIAL_INVALID,
            IssueError::StatusRegistrationFailed { .. } => ErrorCode::STATUS_REGISTRATION_FAILED,
            IssueError::SigningFailed { .. } => ErrorCode::SIGNING_FAILED,
            IssueError::SignerUnavailable { .. } => ErrorCode::SIGNER_UNAVAILABLE,
            IssueError::SchemaRegistryUnavailable { .. } => ErrorCode::SCHEMA_REGISTRY_UNAVAILABLE,
            IssueError::UnsupportedProofType { .. } => ErrorCode::UNSUPPORTED_PROOF_TYPE,
            IssueError::UnknownContext { .. } => ErrorCode::UNKNOWN_CONTEXT,
            IssueError::RateLimitExceeded { .. } => ErrorCode::RATE_LIMIT_EXCEEDED,
            IssueError::ResolutionFailed { .. } => ErrorCode::RESOLUTION_FAILED,
            IssueError::MandatoryPointerInvalid { .. } => ErrorCode::MANDATORY_POINTER_INVALID,
            IssueError::SelectivePointerInvalid { .. } => ErrorCode::SELECTIVE_POINTER_INVALID,
            IssueError::BaseProofInvalid { .. } => ErrorCode::BASE_PROOF_INVALID,
            IssueError::RelatedResourceDigestMismatch { .. } => {
                ErrorCode::RELATED_RESOURCE_DIGEST_MISMATCH
            }
            IssueError::ResourceLoaderUnavailable { .. } => ErrorCode::RESOURCE_LOADER_UNAVAILABLE,
            IssueError::Internal { .. } => ErrorCode::INTERNAL_ERROR,
        }
    }

    /// Whether retrying the same request later may succeed (rate limits, a signer, resolver or
    /// store that is down): what the code's class says.
    pub fn is_transient(&self) -> bool {
        self.code().class().is_retryable()
    }

    /// Machine-readable details for the wire (violations, retry-after), or `null`.
    pub fn details(&self) -> Value {
        match self {
            IssueError::SchemaValidationFailed { violations, .. } => {
                json!({ "violations": violations })
            }
            IssueError::InvalidCredential(errors) => json!({
                "violations": errors.errors().iter().map(|e| json!({
                    "pointer": e.pointer, "code": e.code(), "message": e.rule.to_string()
                })).collect::<Vec<_>>()
            }),
            IssueError::NestingTooDeep { limit, pointer } => {
                json!({ "limit": limit, "pointer": pointer })
            }
            IssueError::RelatedResourceDigestMismatch { pointer, .. }
            | IssueError::InvalidHolder { pointer, .. } => json!({ "pointer": pointer }),
            IssueError::RateLimitExceeded { retry_after, .. } => {
                json!({ "retryAfterSeconds": retry_after.as_secs_f64().ceil() as u64 })
            }
            IssueError::UnsupportedProofType {
                hint: Some(hint), ..
            } => json!({ "use": hint }),
            _ => Value::Null,
        }
    }

    /// `{ "code": ..., "message": ..., "details": ... }`, the shape hosts put on the wire. Internal
    /// and signing errors say nothing about internals.
    pub fn to_json(&self) -> Value {
        json!({ "code": self.code(), "message": self.to_string(), "details": self.details() })
    }

    /// A signer's or key store's failure: an outage is `SIGNER_UNAVAILABLE` (retried), anything
    /// else `SIGNING_FAILED` (not retried).
    pub(crate) fn signing(error: HostError) -> Self {
        let kind = error.kind();
        let source: BoxError = Arc::new(error);
        match kind {
            HostErrorKind::Unavailable => IssueError::SignerUnavailable { source },
            _ => IssueError::SigningFailed {
                source: Some(source),
            },
        }
    }

    /// A DID resolver's failure: an outage is `RESOLUTION_FAILED` (retried), anything else an
    /// internal error (not retried).
    pub(crate) fn resolution(did: &vc_core::Did, error: HostError) -> Self {
        match error.kind() {
            HostErrorKind::Unavailable => IssueError::ResolutionFailed {
                did: did.to_string(),
                source: Arc::new(error),
            },
            _ => IssueError::internal("DID resolver", error),
        }
    }

    /// A schema registry's failure: an outage is `SCHEMA_REGISTRY_UNAVAILABLE` (retried),
    /// anything else an internal error (not retried).
    pub(crate) fn schema_registry(error: HostError) -> Self {
        match error.kind() {
            HostErrorKind::Unavailable => IssueError::SchemaRegistryUnavailable {
                source: Arc::new(error),
            },
            _ => IssueError::internal("schema registry", error),
        }
    }

    /// A resource loader's failure: an outage is `RESOURCE_LOADER_UNAVAILABLE` (retried),
    /// anything else an internal error (not retried).
    pub(crate) fn resource_loader(error: HostError) -> Self {
        match error.kind() {
            HostErrorKind::Unavailable => IssueError::ResourceLoaderUnavailable {
                source: Arc::new(error),
            },
            _ => IssueError::internal("resource loader", error),
        }
    }

    pub(crate) fn internal(
        context: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        IssueError::Internal {
            context,
            source: Some(Arc::new(source)),
        }
    }
}

impl Serialize for IssueError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl From<vc_core::Error> for IssueError {
    fn from(err: vc_core::Error) -> Self {
        match err {
            vc_core::Error::Invalid(errors) => IssueError::InvalidCredential(errors),
            vc_core::Error::NestingTooDeep { limit, pointer } => {
                IssueError::NestingTooDeep { limit, pointer }
            }
            other => IssueError::internal("data model", other),
        }
    }
}
