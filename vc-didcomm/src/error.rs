//! The error type of `vc-didcomm`.

use std::sync::Arc;

use vc_core::ErrorCode;

/// A source error kept for logs and `Error::source()`, never put on the wire.
pub type BoxError = Arc<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong while parsing DIDComm messages or running an issuance protocol.
///
/// Each variant has a stable [`code`](Error::code) for hosts that log or forward errors; the `Display`
/// text is for people and may change. Errors are cheap to clone (sources are shared), because a
/// state machine both returns them and keeps the one that made it answer with a problem report
/// ([`Step::rejection`](crate::Step::rejection)).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed JSON.
    #[error("malformed JSON")]
    MalformedJson {
        /// The parser's error.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// The input is larger than the configured limit (checked before parsing).
    #[error("message of {size} bytes exceeds the limit of {limit} bytes")]
    MessageTooLarge {
        /// Size of the input in bytes (or of the part that is over the limit).
        size: usize,
        /// The limit that applied.
        limit: usize,
    },
    /// The strict JSON parser refused the input: it nests deeper than the configured limit
    /// (`NESTING_TOO_DEEP`) or an object gives one key twice (`DUPLICATE_KEY`). The code is the
    /// parser's own, so a host sees the same code whichever crate parsed the input.
    #[error(transparent)]
    Parse(vc_core::Error),
    /// The message `type` is not one this crate knows (or not one the receiving role expects).
    #[error("unknown message type {message_type:?}")]
    UnknownMessageType {
        /// The type, truncated to a safe length.
        message_type: String,
    },
    /// A required field is missing.
    #[error("missing required field `{field}`")]
    MissingField {
        /// The field name.
        field: String,
    },
    /// A field has the wrong type or an invalid value.
    #[error("invalid field `{field}`: {reason}")]
    InvalidField {
        /// The field name (or `body` when the deserializer did not name one).
        field: String,
        /// What is wrong with it.
        reason: String,
        /// The deserializer's error, when there is one.
        #[source]
        source: Option<Arc<serde_json::Error>>,
    },
    /// The message does not fit the state of the protocol (for example an `issuance` before any
    /// `issuance-response`). The state is unchanged.
    #[error("{message_type} is not expected in state {state}")]
    OutOfOrder {
        /// The message type received.
        message_type: String,
        /// The state of the role that received it.
        state: &'static str,
    },
    /// A message with this `id` was already processed in this thread. The state is unchanged.
    #[error("message {id} was already processed")]
    ReplayedMessage {
        /// The message id.
        id: String,
    },
    /// The message belongs to another thread (`thid`/`pthid` do not name this protocol instance).
    #[error("message belongs to thread {found:?}, not {expected}")]
    ThreadMismatch {
        /// This instance's thread id.
        expected: String,
        /// The message's thread id.
        found: Option<String>,
    },
    /// The message's `from` is not the peer of this protocol instance.
    #[error("message is from {found}, not from {expected}")]
    SenderMismatch {
        /// The peer DID.
        expected: String,
        /// The sender DID.
        found: String,
    },
    /// The message's own `expires_time` has passed.
    #[error("message expired at {expires_time} (unix seconds)")]
    MessageExpired {
        /// The `expires_time` header.
        expires_time: u64,
    },
    /// A `credentialHash` does not match the credential it claims to hash.
    #[error("credentialHash does not match the credential")]
    HashMismatch,
    /// The offer (or issuance) `expiry` has passed.
    #[error("expired at {expiry}")]
    OfferExpired {
        /// The expiry, as sent.
        expiry: String,
    },
    /// An `expiry` that is not an XML dateTime normalized to UTC without sub-seconds.
    #[error("expiry {expiry:?} is not a UTC dateTime without sub-seconds")]
    InvalidExpiry {
        /// The value received.
        expiry: String,
    },
    /// A `signatureChallenge` in a response or acknowledgment differs from the one sent.
    #[error("signatureChallenge does not match the one sent")]
    ChallengeMismatch,
    /// A signature was required (a `signatureChallenge` was sent) but none came back.
    #[error("a signature over the signatureChallenge is required")]
    SignatureMissing,
    /// The holder's signature does not verify. Deliberately opaque; the source is for logs.
    #[error("invalid signature")]
    InvalidSignature {
        /// Why, for logs only.
        #[source]
        source: Option<BoxError>,
    },
    /// A DID could not be resolved, so a signature could not be checked ("could not check", retry).
    #[error("could not resolve {did}")]
    ResolutionFailed {
        /// The DID.
        did: String,
        /// The resolver's error.
        #[source]
        source: Option<BoxError>,
    },
    /// An offered `unsignedCredential` carries a `proof`.
    #[error("an offered unsignedCredential must not contain a proof")]
    ProofInOffer,
    /// The issued credential differs from the offered one (other than by its proof).
    #[error("the issued credential does not match the offer")]
    CredentialMismatch,
    /// The issued credential's proof does not verify.
    #[error("the issued credential does not verify")]
    CredentialNotVerified {
        /// The verifier's error.
        #[source]
        source: Option<BoxError>,
    },
    /// The credential's issuer is not one the holder trusts.
    #[error("issuer {issuer:?} is not trusted")]
    UntrustedIssuer {
        /// The issuer found in the credential.
        issuer: String,
    },
    /// A requested credential `type` is not one this issuer issues.
    #[error("credential type {type_:?} is not issued here")]
    UnsupportedCredentialType {
        /// The first unsupported type.
        type_: String,
    },
    /// None of the requested `trustedIssuers` is this issuer.
    #[error("none of the requested trustedIssuers is this issuer")]
    UnsupportedTrustedIssuer,
    /// A response has `accepted: true` together with disputes.
    #[error("a response with disputes must have accepted = false")]
    AcceptedWithDisputes,
    /// The holder declined the offer (with or without disputes); the protocol ends.
    #[error("the holder declined the offer")]
    OfferDeclined,
    /// The peer ended the protocol with a problem report.
    #[error("the peer reported a problem: {code}")]
    ProblemReported {
        /// The problem code.
        code: String,
    },
    /// An attachment is missing, of an unsupported format, or does not decode.
    #[error("attachment {attachment:?}: {reason}")]
    InvalidAttachment {
        /// The attachment id, when known.
        attachment: Option<String>,
        /// What is wrong with it.
        reason: String,
    },
    /// Signing failed (the credential signer or the holder's key). Opaque; the source is for logs.
    #[error("signing failed")]
    SigningFailed {
        /// The signer's error.
        #[source]
        source: Option<BoxError>,
    },
    /// A local misuse: the role was asked to do something its state does not allow (for example
    /// to respond before receiving an offer). The state is unchanged.
    #[error("{action} is not possible in state {state}")]
    InvalidState {
        /// What was asked.
        action: &'static str,
        /// The current state.
        state: &'static str,
    },
    /// A builder was missing a required part or its parts are inconsistent.
    #[error("invalid configuration: {reason}")]
    InvalidConfiguration {
        /// What is missing or wrong.
        reason: &'static str,
    },
    /// A credential or DID could not be handled by `vc-core` (canonicalization, DID syntax).
    #[error("data model error: {source}")]
    DataModel {
        /// The `vc-core` error.
        #[source]
        source: vc_core::Error,
    },
    /// The transport failed to send or receive.
    #[error("transport failed")]
    Transport {
        /// The transport's error.
        #[source]
        source: BoxError,
    },
}

impl Error {
    /// A stable, upper-snake-case code for the error kind.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::MalformedJson { .. } => ErrorCode::MALFORMED_JSON,
            Error::Parse(source) => source.code(),
            Error::MessageTooLarge { .. } => ErrorCode::MESSAGE_TOO_LARGE,
            Error::UnknownMessageType { .. } => ErrorCode::UNKNOWN_MESSAGE_TYPE,
            Error::MissingField { .. } => ErrorCode::MISSING_FIELD,
            Error::InvalidField { .. } => ErrorCode::INVALID_FIELD,
            Error::OutOfOrder { .. } => ErrorCode::OUT_OF_ORDER,
            Error::ReplayedMessage { .. } => ErrorCode::REPLAYED_MESSAGE,
            Error::ThreadMismatch { .. } => ErrorCode::THREAD_MISMATCH,
            Error::SenderMismatch { .. } => ErrorCode::SENDER_MISMATCH,
            Error::MessageExpired { .. } => ErrorCode::MESSAGE_EXPIRED,
            Error::HashMismatch => ErrorCode::HASH_MISMATCH,
            Error::OfferExpired { .. } => ErrorCode::OFFER_EXPIRED,
            Error::InvalidExpiry { .. } => ErrorCode::INVALID_EXPIRY,
            Error::ChallengeMismatch => ErrorCode::CHALLENGE_MISMATCH,
            Error::SignatureMissing => ErrorCode::SIGNATURE_MISSING,
            Error::InvalidSignature { .. } => ErrorCode::INVALID_SIGNATURE,
            Error::ResolutionFailed { .. } => ErrorCode::RESOLUTION_FAILED,
            Error::ProofInOffer => ErrorCode::PROOF_IN_OFFER,
            Error::CredentialMismatch => ErrorCode::CREDENTIAL_MISMATCH,
            Error::CredentialNotVerified { .. } => ErrorCode::CREDENTIAL_NOT_VERIFIED,
            Error::UntrustedIssuer { .. } => ErrorCode::UNTRUSTED_ISSUER,
            Error::UnsupportedCredentialType { .. } => ErrorCode::UNSUPPORTED_CREDENTIAL_TYPE,
            Error::UnsupportedTrustedIssuer => ErrorCode::UNSUPPORTED_TRUSTED_ISSUER,
            Error::AcceptedWithDisputes => ErrorCode::ACCEPTED_WITH_DISPUTES,
            Error::OfferDeclined => ErrorCode::OFFER_DECLINED,
            Error::ProblemReported { .. } => ErrorCode::PROBLEM_REPORTED,
            Error::InvalidAttachment { .. } => ErrorCode::INVALID_ATTACHMENT,
            Error::SigningFailed { .. } => ErrorCode::SIGNING_FAILED,
            Error::InvalidState { .. } => ErrorCode::INVALID_STATE,
            Error::InvalidConfiguration { .. } => ErrorCode::INVALID_CONFIGURATION,
            Error::DataModel { .. } => ErrorCode::DATA_MODEL,
            Error::Transport { .. } => ErrorCode::TRANSPORT_FAILED,
        }
    }

    /// Maps an error of `vc-core`'s strict parser onto this crate's variants.
    pub(crate) fn from_core(err: vc_core::Error) -> Self {
        match err {
            vc_core::Error::MalformedJson { source } => Error::MalformedJson { source },
            vc_core::Error::DocumentTooLarge { size, limit } => {
                Error::MessageTooLarge { size, limit }
            }
            e @ (vc_core::Error::NestingTooDeep { .. } | vc_core::Error::DuplicateKey { .. }) => {
                Error::Parse(e)
            }
            other => Error::DataModel { source: other },
        }
    }

    /// Classifies a `serde_json` error from reading a message body: syntax errors are
    /// [`Error::MalformedJson`], a missing field is [`Error::MissingField`], anything else
    /// [`Error::InvalidField`].
    pub fn from_json(err: serde_json::Error) -> Self {
        use serde_json::error::Category;
        match err.classify() {
            Category::Syntax | Category::Eof | Category::Io => Error::MalformedJson {
                source: Arc::new(err),
            },
            Category::Data => {
                let text = err.to_string();
                if let Some(field) = text
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next())
                {
                    return Error::MissingField {
                        field: field.to_owned(),
                    };
                }
                let field = text
                    .split('`')
                    .nth(1)
                    .filter(|_| text.starts_with("unknown field") || text.contains("field `"))
                    .unwrap_or("body")
                    .to_owned();
                Error::InvalidField {
                    field,
                    reason: excerpt(&text),
                    source: Some(Arc::new(err)),
                }
            }
        }
    }

    /// An [`Error::InvalidField`] without a deserializer error.
    pub(crate) fn invalid_field(field: &str, reason: impl Into<String>) -> Self {
        Error::InvalidField {
            field: field.to_owned(),
            reason: reason.into(),
            source: None,
        }
    }

    /// Whether this error came from the peer's message breaking a protocol rule (and so deserves a
    /// problem report), as opposed to a local failure or a message that must simply be dropped.
    pub fn is_protocol_violation(&self) -> bool {
        matches!(
            self,
            Error::HashMismatch
                | Error::OfferExpired { .. }
                | Error::InvalidExpiry { .. }
                | Error::ChallengeMismatch
                | Error::SignatureMissing
                | Error::InvalidSignature { .. }
                | Error::ProofInOffer
                | Error::CredentialMismatch
                | Error::CredentialNotVerified { .. }
                | Error::UntrustedIssuer { .. }
                | Error::UnsupportedCredentialType { .. }
                | Error::UnsupportedTrustedIssuer
                | Error::AcceptedWithDisputes
                | Error::InvalidAttachment { .. }
        )
    }
}

impl From<vc_core::Error> for Error {
    fn from(source: vc_core::Error) -> Self {
        Error::DataModel { source }
    }
}

pub(crate) use vc_core::error::excerpt;

/// The result type of `vc-didcomm`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
