//! [`SdJwtError`]: what goes wrong reading, presenting or verifying an SD-JWT VC.

use std::sync::Arc;

use vc_core::ErrorCode;

use crate::error::BoxError;

/// An SD-JWT (VC) that does not parse, present or verify.
///
/// "Could not check" ([`SdJwtError::StatusUnavailable`]) is kept apart from "checked and
/// invalid" (every other variant). Signature failures say only that they failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SdJwtError {
    /// Not `<JWT>~<disclosures>~[KB-JWT]`, or the issuer-signed JWT's header or payload is
    /// malformed.
    #[error("malformed SD-JWT: {reason}")]
    Malformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// A disclosure does not decode, fits neither its place nor a reserved name, or collides with
    /// a claim already there.
    #[error("malformed disclosure: {reason}")]
    DisclosureMalformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// A disclosure's digest appears nowhere in the issuer-signed payload: stray or tampered.
    #[error("a disclosure is not referenced by the issuer-signed payload")]
    DisclosureUnreferenced,
    /// A disclosure is presented twice, or a digest appears twice in the payload.
    #[error("a disclosure or digest appears twice")]
    DuplicateDigest,
    /// The issuer's signature (or the Status List Token's) does not verify, or no key of the
    /// issuer fits.
    #[error("invalid signature")]
    InvalidSignature,
    /// The `x5c` header is malformed or does not certify the signing key for this verifier.
    #[error("invalid x5c: {reason}")]
    X5c {
        /// What is wrong.
        reason: &'static str,
    },
    /// `exp` has passed.
    #[error("the SD-JWT VC expired")]
    Expired,
    /// `nbf` (or `iat`) lies in the future.
    #[error("the SD-JWT VC is not yet valid")]
    NotYetValid,
    /// A key binding JWT is required and missing.
    #[error("no key binding JWT")]
    KeyBindingMissing,
    /// The key binding JWT is malformed or does not fit the SD-JWT.
    #[error("invalid key binding JWT: {reason}")]
    KeyBindingInvalid {
        /// What is wrong.
        reason: &'static str,
    },
    /// The key binding JWT's `nonce` or `aud` is not the expected one.
    #[error("key binding JWT {claim} is not the expected one")]
    KeyBindingMismatch {
        /// `nonce` or `aud`.
        claim: &'static str,
    },
    /// The status list entry says INVALID.
    #[error("the credential is revoked")]
    Revoked,
    /// The status list entry says SUSPENDED.
    #[error("the credential is suspended")]
    Suspended,
    /// The status list entry holds another value.
    #[error("the credential's status is {value:#04x}")]
    StatusOther {
        /// The value.
        value: u8,
    },
    /// The Status List Token is malformed, not the issuer's, or not the one referenced.
    #[error("invalid Status List Token: {reason}")]
    StatusListToken {
        /// What is wrong.
        reason: &'static str,
    },
    /// The Status List Token could not be loaded: the status is unknown, not bad.
    #[error("the Status List Token could not be loaded")]
    StatusUnavailable(#[source] BoxError),
    /// A claim path to reveal is malformed.
    #[error("claim path {pointer:?} is malformed")]
    ClaimPath {
        /// The path.
        pointer: String,
    },
    /// The holder's key could not sign the key binding JWT.
    #[error("the holder's key could not sign the key binding JWT")]
    HolderSigning(#[source] BoxError),
    /// The status list (or the `status` reference) is malformed.
    #[error(transparent)]
    Status(#[from] vc_status::Error),
}

impl SdJwtError {
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            SdJwtError::Malformed { .. } => ErrorCode::SD_JWT_MALFORMED,
            SdJwtError::DisclosureMalformed { .. } => ErrorCode::SD_JWT_DISCLOSURE_MALFORMED,
            SdJwtError::DisclosureUnreferenced => ErrorCode::SD_JWT_DISCLOSURE_UNREFERENCED,
            SdJwtError::DuplicateDigest => ErrorCode::SD_JWT_DIGEST_DUPLICATE,
            SdJwtError::InvalidSignature => ErrorCode::INVALID_SIGNATURE,
            SdJwtError::X5c { .. } => ErrorCode::SD_JWT_X5C_INVALID,
            SdJwtError::Expired => ErrorCode::SD_JWT_EXPIRED,
            SdJwtError::NotYetValid => ErrorCode::SD_JWT_NOT_YET_VALID,
            SdJwtError::KeyBindingMissing => ErrorCode::KB_JWT_MISSING,
            SdJwtError::KeyBindingInvalid { .. } => ErrorCode::KB_JWT_INVALID,
            SdJwtError::KeyBindingMismatch { .. } => ErrorCode::KB_JWT_MISMATCH,
            SdJwtError::Revoked => ErrorCode::SD_JWT_REVOKED,
            SdJwtError::Suspended => ErrorCode::SD_JWT_SUSPENDED,
            SdJwtError::StatusOther { .. } => ErrorCode::SD_JWT_STATUS_UNKNOWN,
            SdJwtError::StatusListToken { .. } => ErrorCode::STATUS_LIST_TOKEN_INVALID,
            SdJwtError::StatusUnavailable(_) => ErrorCode::STATUS_LIST_UNAVAILABLE,
            SdJwtError::ClaimPath { .. } => ErrorCode::SELECTIVE_POINTER_INVALID,
            SdJwtError::HolderSigning(_) => ErrorCode::SIGNING_FAILED,
            SdJwtError::Status(e) => e.code(),
        }
    }

    pub(crate) fn unavailable(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        SdJwtError::StatusUnavailable(Arc::new(source))
    }
}
