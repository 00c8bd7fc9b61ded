//! The crate's one error type.

use std::sync::Arc;

use vc_core::ErrorCode;

use crate::store::{StoreError, StoreErrorKind};
use crate::{StatusListId, StatusListIndex, StatusPurpose};

/// A boxed, shareable source error.
pub type BoxError = Arc<dyn std::error::Error + Send + Sync>;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `vc-status`.
///
/// Every variant has a stable machine-readable [`code`](Error::code); the spec's own codes
/// (`STATUS_LIST_LENGTH_ERROR`, `RANGE_ERROR`) are used where the spec defines one.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The `encodedList` does not start with the expected multibase prefix (`u`, base64url without
    /// padding).
    #[error("encodedList must start with the multibase base64url prefix 'u'")]
    EncodedListPrefix,

    /// The `encodedList` is not valid unpadded base64url.
    #[error("encodedList is not valid base64url")]
    EncodedListBase64(#[source] base64::DecodeError),

    /// The `encodedList` is not a valid, complete GZIP stream.
    #[error("encodedList is not a valid GZIP stream")]
    EncodedListGzip(#[source] BoxError),

    /// The encoded or decompressed list exceeds the size this decoder accepts (a GZIP bomb is
    /// refused before it is fully inflated).
    #[error("status list exceeds the maximum of {max_bytes} bytes")]
    ListTooLarge {
        /// The maximum accepted size in bytes.
        max_bytes: usize,
    },

    /// The list has fewer entries than the minimum required for herd privacy.
    #[error("status list has {entries} entries, fewer than the minimum of {minimum}")]
    ListLength {
        /// Entries in the list (bits / statusSize).
        entries: u64,
        /// The minimum required.
        minimum: u64,
    },

    /// An index lies outside the list.
    #[error("status list index {index} is outside the list of {entries} entries")]
    Range {
        /// The index asked for.
        index: u64,
        /// Entries in the list.
        entries: u64,
    },

    /// `statusSize` is not in `1..=8`.
    #[error("statusSize {0} is not in 1..=8")]
    StatusSize(u64),

    /// A status value does not fit into `statusSize` bits.
    #[error("status value {value} does not fit into {status_size} bits")]
    StatusValue {
        /// The value.
        value: u64,
        /// The entry size in bits.
        status_size: u8,
    },

    /// A revoked entry cannot be un-revoked.
    #[error("revocation is irreversible: a revocation entry cannot be reset")]
    Irreversible,

    /// The operation does not fit the entry's or list's status purpose.
    #[error("operation needs status purpose {expected}, the entry has {found}")]
    PurposeMismatch {
        /// The purpose the operation needs.
        expected: StatusPurpose,
        /// The purpose found.
        found: StatusPurpose,
    },

    /// A `statusMessage` table is missing, of the wrong length, or malformed.
    #[error("invalid statusMessage: {reason}")]
    StatusMessage {
        /// What is wrong.
        reason: &'static str,
    },

    /// A credential status entry is malformed.
    #[error("invalid credential status entry: {reason}")]
    InvalidEntry {
        /// What is wrong.
        reason: &'static str,
        /// The parse error, if any.
        #[source]
        source: Option<BoxError>,
    },

    /// A `statusListIndex` string is not a canonical non-negative decimal integer.
    #[error("statusListIndex is not a canonical decimal integer")]
    InvalidIndex,

    /// A status list identifier is empty or uses characters outside `[A-Za-z0-9._-]`.
    #[error("invalid status list id")]
    InvalidListId,

    /// A reservation owner is empty, longer than
    /// [`MAX_OWNER_LEN`](crate::MAX_OWNER_LEN) bytes, or holds control characters.
    #[error("invalid reservation owner")]
    InvalidOwner,

    /// The entry's `statusListCredential` is not a list of this registry.
    #[error("statusListCredential {url} is not a list served by this registry")]
    ForeignList {
        /// The URL found in the entry.
        url: String,
    },

    /// The list is in this registry's store but belongs to another issuer's registry (another
    /// namespace): its entries are not this issuer's to change or serve.
    #[error("status list {list} belongs to another issuer")]
    ListOfAnotherIssuer {
        /// The list's id.
        list: StatusListId,
    },

    /// The entry does not match the list it points to (status size or index).
    #[error("entry does not match its status list: {reason}")]
    EntryMismatch {
        /// What differs.
        reason: &'static str,
        /// The index of the entry.
        index: StatusListIndex,
    },

    /// A Token Status List's `status_list` is malformed (`bits`, `lst` or its zlib stream).
    #[error("invalid Token Status List: {reason}")]
    TokenStatusList {
        /// What is wrong.
        reason: &'static str,
        /// The decoding error, if any.
        #[source]
        source: Option<BoxError>,
    },

    /// The registry or decoder was configured inconsistently.
    #[error("invalid configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: &'static str,
    },

    /// The operating system's random source failed (needed for a new list's permutation seed).
    #[error("the random source failed")]
    Randomness(#[source] BoxError),

    /// The status list store failed; its [`StoreErrorKind`] says what to do.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::EncodedListPrefix => ErrorCode::ENCODED_LIST_PREFIX_ERROR,
            Error::EncodedListBase64(_) => ErrorCode::ENCODED_LIST_BASE64_ERROR,
            Error::EncodedListGzip(_) => ErrorCode::ENCODED_LIST_GZIP_ERROR,
            Error::ListTooLarge { .. } => ErrorCode::STATUS_LIST_TOO_LARGE,
            Error::ListLength { .. } => ErrorCode::STATUS_LIST_LENGTH_ERROR,
            Error::Range { .. } => ErrorCode::RANGE_ERROR,
            Error::StatusSize(_) => ErrorCode::STATUS_SIZE_ERROR,
            Error::StatusValue { .. } => ErrorCode::STATUS_VALUE_ERROR,
            Error::Irreversible => ErrorCode::STATUS_IRREVERSIBLE,
            Error::PurposeMismatch { .. } => ErrorCode::STATUS_PURPOSE_MISMATCH,
            Error::StatusMessage { .. } => ErrorCode::STATUS_MESSAGE_ERROR,
            Error::InvalidEntry { .. } => ErrorCode::STATUS_ENTRY_INVALID,
            Error::InvalidIndex => ErrorCode::STATUS_INDEX_INVALID,
            Error::InvalidListId => ErrorCode::STATUS_LIST_ID_INVALID,
            Error::InvalidOwner => ErrorCode::STATUS_RESERVATION_OWNER_INVALID,
            Error::ForeignList { .. } => ErrorCode::STATUS_LIST_FOREIGN,
            Error::ListOfAnotherIssuer { .. } => ErrorCode::STATUS_LIST_OF_ANOTHER_ISSUER,
            Error::EntryMismatch { .. } => ErrorCode::STATUS_ENTRY_MISMATCH,
            Error::TokenStatusList { .. } => ErrorCode::TOKEN_STATUS_LIST_INVALID,
            Error::Config { .. } => ErrorCode::STATUS_CONFIG_ERROR,
            Error::Randomness(_) => ErrorCode::RANDOMNESS_UNAVAILABLE,
            Error::Store(e) => match e.kind() {
                StoreErrorKind::NotFound => ErrorCode::STORE_NOT_FOUND,
                StoreErrorKind::AlreadyExists => ErrorCode::STORE_ALREADY_EXISTS,
                StoreErrorKind::Conflict => ErrorCode::STORE_CONFLICT,
                StoreErrorKind::Exhausted => ErrorCode::STORE_EXHAUSTED,
                StoreErrorKind::Unavailable => ErrorCode::STORE_UNAVAILABLE,
                StoreErrorKind::Unauthorized => ErrorCode::STORE_UNAUTHORIZED,
                StoreErrorKind::Internal => ErrorCode::STORE_INTERNAL,
            },
        }
    }

    /// The store error kind, when this is a store error.
    pub fn store_kind(&self) -> Option<StoreErrorKind> {
        match self {
            Error::Store(e) => Some(e.kind()),
            _ => None,
        }
    }
}
