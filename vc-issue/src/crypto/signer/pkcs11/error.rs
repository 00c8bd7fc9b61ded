//! What can go wrong between the signer and a PKCS#11 token, typed.

use std::path::PathBuf;

use cryptoki::error::{Error as CryptokiError, RvError};
use vc_core::ErrorCode;

use crate::host_error::{HostError, HostErrorKind};
use crate::IssueError;

/// A failure of the PKCS#11 signer: while it is built (the module, the token, the PIN, the key)
/// or while it signs. Messages name modules, tokens and keys, never the PIN.
///
/// On the wire every one is the opaque `SIGNING_FAILED`, or `SIGNER_UNAVAILABLE` when the token
/// could not be reached (see [`code`](Self::code)); the error itself stays the source, for logs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// The builder was not told something it needs (the module, the token, the PIN, the key or
    /// the verification method).
    #[error("the PKCS#11 signer needs {0}")]
    Incomplete(&'static str),
    /// The module (the vendor's shared library) does not load, or does not initialize.
    #[error("the PKCS#11 module {} does not load", path.display())]
    ModuleLoad {
        /// The module's path.
        path: PathBuf,
        /// What the loader or `C_Initialize` said.
        #[source]
        source: CryptokiError,
    },
    /// No slot holds the token (no token with the label, or no token in the slot).
    #[error("no PKCS#11 token {token}")]
    TokenNotFound {
        /// The token as the builder named it (`label "…"` or `slot N`).
        token: String,
    },
    /// More than one token has the label.
    #[error("{count} PKCS#11 tokens have the label {label:?}: name the slot")]
    TokenAmbiguous {
        /// The label.
        label: String,
        /// How many tokens have it.
        count: usize,
    },
    /// The token refused the user PIN.
    #[error("the token refused the user PIN")]
    WrongPin,
    /// The token's user PIN is locked (or expired): its security officer must reset it.
    #[error("the token's user PIN is locked or expired")]
    PinLocked,
    /// The token holds no private key with the label or id.
    #[error("no private key {key} on the token")]
    KeyNotFound {
        /// The key as the builder named it (`label "…"` or `id 0a0b…`).
        key: String,
    },
    /// More than one private (or public) key has the label or id.
    #[error("{count} keys {key} on the token: name one by its id")]
    KeyAmbiguous {
        /// The key as the builder named it.
        key: String,
        /// How many objects matched.
        count: usize,
    },
    /// The token holds the private key but no public key object with the same label or id: the
    /// signer needs the public key to publish it and to check what the token signs.
    #[error("no public key {key} on the token")]
    PublicKeyNotFound {
        /// The key as the builder named it.
        key: String,
    },
    /// The key is not of the type the builder asked for.
    #[error("key {key} is {found}, not {expected}")]
    KeyTypeMismatch {
        /// The key as the builder named it.
        key: String,
        /// The key type the builder asked for.
        expected: &'static str,
        /// The key type on the token.
        found: &'static str,
    },
    /// The key is of a type this signer does not sign with (Ed25519, P-256 and P-384 keys only).
    #[error("key {key} is {found}: only Ed25519, P-256 and P-384 keys sign")]
    UnsupportedKey {
        /// The key as the builder named it.
        key: String,
        /// What the token says the key is.
        found: String,
    },
    /// The public key object's point or curve parameters do not decode.
    #[error("the public key {key} is malformed: {reason}")]
    PublicKeyInvalid {
        /// The key as the builder named it.
        key: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The verification method is a `did:key` of another key than the token's.
    #[error("the verification method {method} is not the key {key} of the token")]
    VerificationMethodMismatch {
        /// The verification method.
        method: String,
        /// The key as the builder named it.
        key: String,
    },
    /// What the token signed does not verify under the key's public key (a public key object
    /// of another pair under the same label, or a faulty token): never handed out.
    #[error("the token's signature with key {key} does not verify under its public key")]
    SignatureMismatch {
        /// The key as the builder named it.
        key: String,
    },
    /// A PKCS#11 call failed (the call and the token's return value are in the source).
    #[error("a PKCS#11 call failed")]
    Call(#[source] CryptokiError),
    /// The blocking task that talked to the token stopped before it answered.
    #[error("the PKCS#11 task stopped")]
    Task(#[source] tokio::task::JoinError),
}

impl Pkcs11Error {
    /// What kind of failure it is: whether the queue may retry it.
    ///
    /// A token that is absent, removed, out of memory or out of sessions is
    /// [`Unavailable`](HostErrorKind::Unavailable) (retried); a refused PIN or a key that may
    /// not sign is [`Refused`](HostErrorKind::Refused); a key that is not there is
    /// [`NotFound`](HostErrorKind::NotFound); a key of the wrong kind or a builder's mistake is
    /// [`Invalid`](HostErrorKind::Invalid); anything else is [`Internal`](HostErrorKind::Internal).
    pub fn kind(&self) -> HostErrorKind {
        match self {
            Pkcs11Error::TokenNotFound { .. } => HostErrorKind::Unavailable,
            Pkcs11Error::WrongPin | Pkcs11Error::PinLocked => HostErrorKind::Refused,
            Pkcs11Error::KeyNotFound { .. } | Pkcs11Error::PublicKeyNotFound { .. } => {
                HostErrorKind::NotFound
            }
            Pkcs11Error::Incomplete(_)
            | Pkcs11Error::TokenAmbiguous { .. }
            | Pkcs11Error::KeyAmbiguous { .. }
            | Pkcs11Error::KeyTypeMismatch { .. }
            | Pkcs11Error::UnsupportedKey { .. }
            | Pkcs11Error::VerificationMethodMismatch { .. } => HostErrorKind::Invalid,
            Pkcs11Error::Call(error) => call_kind(error),
            Pkcs11Error::ModuleLoad { .. }
            | Pkcs11Error::PublicKeyInvalid { .. }
            | Pkcs11Error::SignatureMismatch { .. }
            | Pkcs11Error::Task(_) => HostErrorKind::Internal,
        }
    }

    /// The registry's code for it, as the pipeline reports a signer's failure:
    /// `SIGNER_UNAVAILABLE` when the token could not be reached, else `SIGNING_FAILED`.
    pub fn code(&self) -> ErrorCode {
        IssueError::signing(HostError::new(self.kind())).code()
    }

    /// The failure of a call, with PIN refusals named.
    pub(super) fn call(error: CryptokiError) -> Self {
        match rv(&error) {
            Some(RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange) => {
                Pkcs11Error::WrongPin
            }
            Some(RvError::PinLocked | RvError::PinExpired) => Pkcs11Error::PinLocked,
            _ => Pkcs11Error::Call(error),
        }
    }
}

/// The token's return value, when the error is one.
pub(super) fn rv(error: &CryptokiError) -> Option<RvError> {
    match error {
        CryptokiError::Pkcs11(rv, _) => Some(*rv),
        _ => None,
    }
}

fn call_kind(error: &CryptokiError) -> HostErrorKind {
    match rv(error) {
        Some(
            RvError::DeviceError
            | RvError::DeviceMemory
            | RvError::DeviceRemoved
            | RvError::TokenNotPresent
            | RvError::TokenNotRecognized
            | RvError::SessionCount
            | RvError::HostMemory
            | RvError::FunctionCanceled
            | RvError::CantLock,
        ) => HostErrorKind::Unavailable,
        Some(
            RvError::KeyFunctionNotPermitted
            | RvError::UserNotLoggedIn
            | RvError::ActionProhibited
            | RvError::FunctionRejected,
        ) => HostErrorKind::Refused,
        Some(RvError::KeyHandleInvalid | RvError::ObjectHandleInvalid) => HostErrorKind::NotFound,
        Some(
            RvError::MechanismInvalid
            | RvError::MechanismParamInvalid
            | RvError::KeyTypeInconsistent
            | RvError::CurveNotSupported
            | RvError::DataLenRange,
        ) => HostErrorKind::Invalid,
        _ => HostErrorKind::Internal,
    }
}

/// The PKCS#11 failure as a host capability's failure, its kind from
/// [`Pkcs11Error::kind`] and the error kept as its source.
impl From<Pkcs11Error> for HostError {
    fn from(error: Pkcs11Error) -> Self {
        HostError::with_source(error.kind(), error)
    }
}

/// As the pipeline reports a signer's failure: `SIGNER_UNAVAILABLE` or `SIGNING_FAILED`, the
/// PKCS#11 error kept as the source (for logs, never on the wire).
impl From<Pkcs11Error> for IssueError {
    fn from(error: Pkcs11Error) -> Self {
        IssueError::signing(HostError::from(error))
    }
}
