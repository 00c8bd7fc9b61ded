//! The error type of `vc-core`.

use std::sync::Arc;

use crate::error_code::ErrorCode;
use crate::validation::ValidationErrors;

/// Everything that can go wrong in `vc-core`.
///
/// Each variant has a stable, machine-readable [`code`](Error::code) for hosts that put errors on the
/// wire; the `Display` text is for people and may change.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed JSON (syntax error or truncated input).
    #[error("malformed JSON: {source}")]
    MalformedJson {
        /// The parser's error, with line and column.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// The JSON is well-formed but does not have the shape of the expected document
    /// (a property has the wrong type, a required property is missing).
    #[error("invalid document: {source}")]
    InvalidDocument {
        /// The deserializer's error, naming the offending property where it can.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// The input is larger than the limit the caller allowed.
    #[error("document of {size} bytes exceeds the limit of {limit} bytes")]
    DocumentTooLarge {
        /// Size of the input, in bytes.
        size: usize,
        /// The limit that applied, in bytes.
        limit: usize,
    },
    /// The input nests arrays and objects deeper than the limit the caller allowed.
    #[error("the document nests deeper than {limit} levels at {pointer:?}")]
    NestingTooDeep {
        /// The limit that applied, in levels.
        limit: usize,
        /// JSON pointer to the container that went past the limit (cut to a safe length).
        pointer: String,
    },
    /// An object gives the same key twice (JSON leaves this open; a signer must not guess which).
    #[error("duplicate key {key:?} in the object at {pointer:?}")]
    DuplicateKey {
        /// The repeated key (cut to a safe length).
        key: String,
        /// JSON pointer to the object (cut to a safe length).
        pointer: String,
    },
    /// A string is not a DID under the DID Core ABNF.
    #[error("invalid DID {input:?}: {reason}")]
    InvalidDid {
        /// The rejected input (truncated to a safe length).
        input: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A string is not a DID URL under the DID Core ABNF.
    #[error("invalid DID URL {input:?}: {reason}")]
    InvalidDidUrl {
        /// The rejected input (truncated to a safe length).
        input: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A `did:key` could not be decoded, or holds a key type this crate does not know.
    #[error("invalid did:key: {reason}")]
    InvalidDidKey {
        /// What is wrong with it.
        reason: String,
    },
    /// A string is not an absolute URI.
    #[error("invalid URI {input:?}: {reason}")]
    InvalidUri {
        /// The rejected input (truncated to a safe length).
        input: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A string is not an XML Schema `dateTime` with a time zone.
    #[error("invalid dateTime {input:?}: {reason}")]
    InvalidDateTime {
        /// The rejected input (truncated to a safe length).
        input: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// A multibase string has the wrong prefix or does not decode.
    #[error("invalid multibase value: {reason}")]
    InvalidMultibase {
        /// What is wrong with it.
        reason: String,
    },
    /// JSON Canonicalization Scheme (RFC 8785) serialization failed (for example on a number JCS cannot
    /// represent).
    #[error("JCS canonicalization failed: {source}")]
    Canonicalization {
        /// The serializer's error.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// A credential or presentation breaks one or more rules of the data model.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

impl Error {
    /// A stable, upper-snake-case code for the error kind (for example `INVALID_DID`).
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::MalformedJson { .. } => ErrorCode::MALFORMED_JSON,
            Error::InvalidDocument { .. } => ErrorCode::INVALID_DOCUMENT,
            Error::DocumentTooLarge { .. } => ErrorCode::DOCUMENT_TOO_LARGE,
            Error::NestingTooDeep { .. } => ErrorCode::NESTING_TOO_DEEP,
            Error::DuplicateKey { .. } => ErrorCode::DUPLICATE_KEY,
            Error::InvalidDid { .. } => ErrorCode::INVALID_DID,
            Error::InvalidDidUrl { .. } => ErrorCode::INVALID_DID_URL,
            Error::InvalidDidKey { .. } => ErrorCode::INVALID_DID_KEY,
            Error::InvalidUri { .. } => ErrorCode::INVALID_URI,
            Error::InvalidDateTime { .. } => ErrorCode::INVALID_DATETIME,
            Error::InvalidMultibase { .. } => ErrorCode::INVALID_MULTIBASE,
            Error::Canonicalization { .. } => ErrorCode::CANONICALIZATION_FAILED,
            Error::Invalid(_) => ErrorCode::INVALID_CREDENTIAL,
        }
    }

    /// Classifies a `serde_json` error: syntax and truncation are [`Error::MalformedJson`], everything
    /// else (types, missing fields) is [`Error::InvalidDocument`].
    pub fn from_json(err: serde_json::Error) -> Self {
        use serde_json::error::Category;
        match err.classify() {
            Category::Syntax | Category::Eof | Category::Io => Error::MalformedJson {
                source: Arc::new(err),
            },
            Category::Data => Error::InvalidDocument {
                source: Arc::new(err),
            },
        }
    }
}

/// Cuts user input down to a length that is safe to echo in an error message: at most 128 bytes,
/// cut at a character boundary, with `…` when something was cut.
///
/// ```
/// assert_eq!(vc_core::error::excerpt("short"), "short");
/// assert_eq!(vc_core::error::excerpt(&"é".repeat(100)).chars().count(), 65);
/// ```
pub fn excerpt(input: &str) -> String {
    const MAX: usize = 128;
    if input.len() <= MAX {
        return input.to_owned();
    }
    let mut end = MAX;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &input[..end])
}

/// The result type of `vc-core`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
