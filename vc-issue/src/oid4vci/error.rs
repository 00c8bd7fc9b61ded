//! The error type of the OpenID4VCI issuer: each variant has a registered code and the OAuth /
//! OpenID4VCI error name the wire carries.

use vc_core::ErrorCode;
use vc_status::store::{StoreError, StoreErrorKind};

use crate::error::{BoxError, IssueError};
use crate::queue::QueueError;

/// Everything that can go wrong at the OpenID4VCI endpoints, each with a stable
/// [`code`](Oid4vciError::code) and the [`oauth_error`](Oid4vciError::oauth_error) of the
/// specification.
///
/// What a caller cannot learn from an error is deliberate: an unknown, a used and an expired
/// pre-authorized code are the same `invalid_grant`, and a wrong `tx_code` too.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Oid4vciError {
    /// The request is malformed (a form field missing or given twice, a body that is not the
    /// shape of the endpoint's request).
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong with it.
        reason: String,
    },
    /// The token request's `grant_type` is neither the pre-authorized code grant nor (with an
    /// authenticator) `authorization_code`.
    #[error("unsupported grant type")]
    UnsupportedGrantType,
    /// The pre-authorized or authorization code is unknown, used or expired, or the `tx_code`,
    /// `client_id`, `redirect_uri` or `code_verifier` does not match it.
    #[error(
        "the code is not valid, or not for this tx_code, client, redirect_uri or code_verifier"
    )]
    InvalidGrant,
    /// The authorization request's `client_id` is not registered, or its `redirect_uri` is not
    /// exactly one registered for the client. Answered to the browser, never redirected: the
    /// redirect URI is not trusted.
    #[error("invalid client: {reason}")]
    InvalidClient {
        /// What is wrong.
        reason: String,
    },
    /// The authorization request's `response_type` is not `code`.
    #[error("unsupported response type")]
    UnsupportedResponseType,
    /// A `scope` value of the authorization request names no credential configuration.
    #[error("a scope value names no credential configuration")]
    InvalidScope,
    /// The `authorization_details` are malformed or name an unknown configuration.
    #[error("invalid authorization_details: {reason}")]
    InvalidAuthorizationDetails {
        /// What is wrong with them.
        reason: String,
    },
    /// The user was not authenticated, refused, or may not receive what the wallet asked for.
    #[error("access denied")]
    AccessDenied,
    /// The DPoP proof carries no nonce, or not a current one (RFC 9449 §8, §9): the wallet
    /// retries with `nonce`, sent in the `DPoP-Nonce` header.
    #[error("use the DPoP nonce given")]
    UseDpopNonce {
        /// The nonce to use.
        nonce: String,
    },
    /// The host's [`AccessTokenVerifier`](super::AccessTokenVerifier) failed.
    #[error("the access token verifier failed")]
    TokenVerifier(#[source] BoxError),
    /// The host's [`UserAuthenticator`](super::UserAuthenticator) failed.
    #[error("the user authenticator failed")]
    Authenticator(#[source] BoxError),
    /// The access token is missing, unknown or expired.
    #[error("the access token is not valid")]
    InvalidToken,
    /// The credential request is malformed or asks for what the access token does not cover.
    #[error("invalid credential request: {reason}")]
    InvalidCredentialRequest {
        /// What is wrong with it.
        reason: String,
    },
    /// The `credential_configuration_id` is not one of this issuer's.
    #[error("unknown credential configuration")]
    UnknownCredentialConfiguration,
    /// The `credential_identifier` is not one the access token covers.
    #[error("unknown credential identifier")]
    UnknownCredentialIdentifier,
    /// A key proof is missing, malformed, or does not verify. Signature failures say no more.
    #[error("invalid proof: {reason}")]
    InvalidProof {
        /// What is wrong with it.
        reason: String,
    },
    /// A DPoP proof is missing where the token or the configuration requires one, malformed,
    /// replayed, or does not fit the request or the token's key.
    #[error("invalid DPoP proof: {reason}")]
    InvalidDpopProof {
        /// What is wrong with it.
        reason: String,
    },
    /// A key proof's `nonce` is not a fresh `c_nonce` of this issuer (used, expired, unknown).
    #[error("the proof's nonce is not a fresh c_nonce")]
    InvalidNonce,
    /// The deferred `transaction_id` is unknown, delivered or expired.
    #[error("unknown transaction_id")]
    InvalidTransactionId,
    /// The deferred credential was rejected, failed or expired in review.
    #[error("the credential request was denied")]
    CredentialRequestDenied,
    /// The `notification_id` is unknown or was used.
    #[error("unknown notification_id")]
    InvalidNotificationId,
    /// No offer is served under this id.
    #[error("no credential offer under this id")]
    OfferNotFound,
    /// The issuer was configured inconsistently.
    #[error("OpenID4VCI configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// A credential offer's QR code could not be drawn (the offer is too long for a QR code).
    #[error("the offer could not be rendered as a QR code")]
    Qr(#[source] BoxError),
    /// The operating system's random source failed.
    #[error("the random source failed")]
    Randomness(#[source] BoxError),
    /// The pipeline refused or failed: its own code (the same as every other issuing path).
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// The approval queue refused or failed.
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The store failed; its kind says whether a retry can help.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Oid4vciError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidRequest { .. } => ErrorCode::OID4VCI_INVALID_REQUEST,
            Self::UnsupportedGrantType => ErrorCode::OID4VCI_UNSUPPORTED_GRANT_TYPE,
            Self::InvalidGrant => ErrorCode::OID4VCI_INVALID_GRANT,
            Self::InvalidToken => ErrorCode::OID4VCI_INVALID_TOKEN,
            Self::InvalidCredentialRequest { .. } => ErrorCode::OID4VCI_INVALID_CREDENTIAL_REQUEST,
            Self::UnknownCredentialConfiguration => {
                ErrorCode::OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION
            }
            Self::UnknownCredentialIdentifier => ErrorCode::OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER,
            Self::InvalidProof { .. } => ErrorCode::OID4VCI_INVALID_PROOF,
            Self::InvalidNonce => ErrorCode::OID4VCI_INVALID_NONCE,
            Self::InvalidDpopProof { .. } => ErrorCode::OID4VCI_INVALID_DPOP_PROOF,
            Self::InvalidTransactionId => ErrorCode::OID4VCI_INVALID_TRANSACTION_ID,
            Self::CredentialRequestDenied => ErrorCode::OID4VCI_CREDENTIAL_REQUEST_DENIED,
            Self::InvalidNotificationId => ErrorCode::OID4VCI_INVALID_NOTIFICATION_ID,
            Self::OfferNotFound => ErrorCode::OID4VCI_OFFER_NOT_FOUND,
            Self::Config { .. } => ErrorCode::OID4VCI_CONFIGURATION,
            Self::InvalidClient { .. } => ErrorCode::OID4VCI_INVALID_CLIENT,
            Self::UnsupportedResponseType => ErrorCode::OID4VCI_UNSUPPORTED_RESPONSE_TYPE,
            Self::InvalidScope => ErrorCode::OID4VCI_INVALID_SCOPE,
            Self::InvalidAuthorizationDetails { .. } => {
                ErrorCode::OID4VCI_INVALID_AUTHORIZATION_DETAILS
            }
            Self::AccessDenied => ErrorCode::OID4VCI_ACCESS_DENIED,
            Self::UseDpopNonce { .. } => ErrorCode::OID4VCI_USE_DPOP_NONCE,
            Self::Authenticator(_) => ErrorCode::OID4VCI_AUTHENTICATOR_FAILED,
            Self::TokenVerifier(_) => ErrorCode::OID4VCI_TOKEN_VERIFIER_FAILED,
            Self::Qr(_) => ErrorCode::QR_ENCODING_FAILED,
            Self::Randomness(_) => ErrorCode::RANDOMNESS_UNAVAILABLE,
            Self::Issue(e) => e.code(),
            Self::Queue(e) => e.code(),
            Self::Store(e) => match e.kind() {
                StoreErrorKind::AlreadyExists => ErrorCode::STORE_ALREADY_EXISTS,
                StoreErrorKind::Unavailable => ErrorCode::STORE_UNAVAILABLE,
                _ => ErrorCode::STORE_ERROR,
            },
        }
    }

    /// The error name of the specifications (RFC 6749 §4.1.2.1, §5.2, RFC 6750 §3.1, RFC 9396 §5,
    /// OpenID4VCI 1.0 §8.3.1, §9.3, §11.3, RFC 9449 §7.1, §8): what a wallet acts on. Errors of the pipeline the caller can fix are
    /// `invalid_credential_request`; failures on this side are `server_error`.
    pub fn oauth_error(&self) -> &'static str {
        match self {
            Self::InvalidRequest { .. } => "invalid_request",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidToken => "invalid_token",
            Self::InvalidCredentialRequest { .. } => "invalid_credential_request",
            Self::UnknownCredentialConfiguration => "unknown_credential_configuration",
            Self::UnknownCredentialIdentifier => "unknown_credential_identifier",
            Self::InvalidProof { .. } => "invalid_proof",
            Self::InvalidNonce => "invalid_nonce",
            Self::InvalidDpopProof { .. } => "invalid_dpop_proof",
            Self::InvalidTransactionId => "invalid_transaction_id",
            Self::CredentialRequestDenied => "credential_request_denied",
            Self::InvalidNotificationId => "invalid_notification_id",
            Self::OfferNotFound => "invalid_request",
            Self::InvalidClient { .. } => "invalid_client",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidAuthorizationDetails { .. } => "invalid_authorization_details",
            Self::AccessDenied => "access_denied",
            Self::UseDpopNonce { .. } => "use_dpop_nonce",
            _ if self.code().class().is_server_side() => "server_error",
            Self::Issue(_) | Self::Queue(_) => "invalid_credential_request",
            _ => "server_error",
        }
    }

    /// Whether trying again later may succeed: what the code's class says.
    pub fn is_transient(&self) -> bool {
        self.code().class().is_retryable()
    }

    pub(crate) fn invalid_request(reason: impl Into<String>) -> Self {
        Self::InvalidRequest {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_credential_request(reason: impl Into<String>) -> Self {
        Self::InvalidCredentialRequest {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_proof(reason: impl Into<String>) -> Self {
        Self::InvalidProof {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_dpop_proof(reason: impl Into<String>) -> Self {
        Self::InvalidDpopProof {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_client(reason: impl Into<String>) -> Self {
        Self::InvalidClient {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_authorization_details(reason: impl Into<String>) -> Self {
        Self::InvalidAuthorizationDetails {
            reason: reason.into(),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        Self::Config {
            reason: reason.into(),
        }
    }
}
