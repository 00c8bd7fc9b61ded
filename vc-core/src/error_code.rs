//! Every wire code of the workspace, registered once, with its meaning and its [`ErrorClass`].
//!
//! Each public error type of `vc-core`, `vc-status`, `vc-issue` and `vc-didcomm` has a `code()`
//! returning an [`ErrorCode`]; this module is the only place a code is defined. The class says
//! what a caller should do about it (fix the input, retry later, nothing) and is what an HTTP
//! layer turns into a status (`vc_issue::http` does so in one function). `docs/ERROR_CODES.md`
//! holds the same table for readers, and a test keeps it equal to [`ErrorCode::ALL`].
//!
//! ```
//! use vc_core::error_code::{ErrorClass, ErrorCode};
//!
//! let code = ErrorCode::STORE_UNAVAILABLE;
//! assert_eq!(code, "STORE_UNAVAILABLE");
//! assert_eq!(code.class(), ErrorClass::Unavailable);
//! assert!(code.class().is_retryable());
//! assert_eq!(ErrorCode::parse("STORE_UNAVAILABLE"), Some(code));
//! ```

use std::fmt;

/// What a caller should do about an error: the registry's status of a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The caller's input is malformed or breaks a rule: fix it, don't retry as is.
    InvalidInput,
    /// The caller did not authenticate, or its credentials were refused.
    Unauthenticated,
    /// The caller is known but may not do this.
    Forbidden,
    /// What the caller named does not exist.
    NotFound,
    /// The state of what the caller named does not allow the request.
    Conflict,
    /// Another request changed the same thing first: re-read and try again.
    Contended,
    /// What the caller named existed and is gone for good.
    Gone,
    /// The input is larger than a limit.
    TooLarge,
    /// The caller sent too many requests: retry after the time given.
    RateLimited,
    /// A dependency (store, KMS, resolver, network service) is down or busy: retry later.
    Unavailable,
    /// A remote service answered with something this client cannot use.
    Upstream,
    /// The server failed in a way a retry will not fix (configuration, a bug, a refusing dependency).
    Internal,
}

impl ErrorClass {
    /// Whether the same request may succeed later without a change.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorClass::Contended | ErrorClass::RateLimited | ErrorClass::Unavailable
        )
    }

    /// Whether the failure is on the serving side (not the caller's mistake): such errors say
    /// nothing about their cause on the wire.
    pub fn is_server_side(self) -> bool {
        matches!(
            self,
            ErrorClass::Unavailable | ErrorClass::Upstream | ErrorClass::Internal
        )
    }
}

/// The variant's name (`InvalidInput`), as the docs' table writes it.
impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A registered wire code: its upper-snake-case string, its [`ErrorClass`] and its meaning.
///
/// Only the associated constants exist (the fields are private), so every `code()` of the
/// workspace returns a registered code. Compares equal to its string (`code == "NOT_FOUND"`),
/// displays and serializes as it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode {
    code: &'static str,
    class: ErrorClass,
    meaning: &'static str,
}

impl ErrorCode {
    /// The wire string (`SCHEMA_VALIDATION_FAILED`).
    pub const fn as_str(self) -> &'static str {
        self.code
    }

    /// What the caller should do about it.
    pub const fn class(self) -> ErrorClass {
        self.class
    }

    /// What the code means, in one sentence.
    pub const fn meaning(self) -> &'static str {
        self.meaning
    }

    /// The registered code with this wire string, if there is one.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.code == code)
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.code, f)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.code
    }
}

impl From<ErrorCode> for &'static str {
    fn from(code: ErrorCode) -> Self {
        code.code
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> Self {
        code.code.to_owned()
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.code == other
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.code == *other
    }
}

impl PartialEq<ErrorCode> for str {
    fn eq(&self, other: &ErrorCode) -> bool {
        self == other.code
    }
}

impl PartialEq<ErrorCode> for &str {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == other.code
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

/// Defines each code once: the constant (documented with its meaning) and its row in
/// [`ErrorCode::ALL`], so the two cannot drift apart.
macro_rules! registry {
    ($($name:ident: $class:ident, $meaning:literal;)*) => {
        impl ErrorCode {
            $(
                #[doc = $meaning]
                pub const $name: ErrorCode = ErrorCode {
                    code: stringify!($name),
                    class: ErrorClass::$class,
                    meaning: $meaning,
                };
            )*

            /// Every registered code, in the order of the table (grouped by where it arises).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name),*];
        }
    };
}

registry! {
    // Parsing and the data model (vc-core), shared by every crate that reads JSON.
    MALFORMED_JSON: InvalidInput, "The input is not well-formed JSON (a syntax error or truncated input).";
    INVALID_DOCUMENT: InvalidInput, "The JSON is well-formed but not the expected document (a property of the wrong type, a required one missing).";
    DOCUMENT_TOO_LARGE: TooLarge, "The document is larger than the limit that applies.";
    NESTING_TOO_DEEP: InvalidInput, "The document nests arrays and objects deeper than the limit that applies.";
    DUPLICATE_KEY: InvalidInput, "An object gives the same key twice.";
    INVALID_DID: InvalidInput, "A string is not a DID.";
    INVALID_DID_URL: InvalidInput, "A string is not a DID URL.";
    INVALID_DID_KEY: InvalidInput, "A did:key does not decode, or holds a key type that is not supported.";
    INVALID_URI: InvalidInput, "A string is not an absolute URI.";
    INVALID_DATETIME: InvalidInput, "A value is not an XML Schema dateTime with a time zone.";
    INVALID_MULTIBASE: InvalidInput, "A multibase value has the wrong prefix or does not decode.";
    CANONICALIZATION_FAILED: InvalidInput, "The document could not be canonicalized (JCS or RDF canonicalization).";
    INVALID_CREDENTIAL: InvalidInput, "A credential or presentation breaks one or more rules of the data model.";
    CONTEXT_MISSING: InvalidInput, "Rule: @context is missing or empty.";
    INVALID_BASE_CONTEXT: InvalidInput, "Rule: the first @context entry is not a VC base context.";
    TYPE_MISSING: InvalidInput, "Rule: type does not include VerifiableCredential (or VerifiablePresentation).";
    ISSUER_MISSING: InvalidInput, "Rule: issuer is missing.";
    INVALID_URL: InvalidInput, "A value that must be a URL is missing or is not one.";
    ISSUANCE_DATE_MISSING: InvalidInput, "Rule: a VC 1.1 credential has no issuanceDate.";
    PROPERTY_NOT_IN_VERSION: InvalidInput, "Rule: a property of one data model version is used in the other.";
    INVALID_VALIDITY_PERIOD: InvalidInput, "Rule: the credential stops being valid before it starts.";
    SUBJECT_MISSING: InvalidInput, "Rule: credentialSubject is missing.";
    SUBJECT_EMPTY: InvalidInput, "Rule: a credentialSubject is empty.";
    RESOURCE_TYPE_MISSING: InvalidInput, "Rule: a credentialStatus, credentialSchema or other typed resource has no type.";
    RESOURCE_ID_MISSING: InvalidInput, "Rule: a credentialSchema entry has no id.";
    INVALID_PROOF: InvalidInput, "Rule: a proof lacks a property its type requires.";
    INVALID_EMBEDDED_CREDENTIAL: InvalidInput, "Rule: a credential embedded in a presentation does not parse as a credential.";
    LANGUAGE_VALUE_INVALID: InvalidInput, "Rule: a language value object holds a key besides @value, @language and @direction, or one of them is malformed.";
    VALUE_NOT_PRESERVED: InvalidInput, "Rule: a value (null, or a shape the data model does not have) would not be signed as it was sent.";
    RELATED_RESOURCE_INVALID: InvalidInput, "Rule: a relatedResource entry is not an object with a URL id unique among them and a well-formed digestSRI or digestMultibase.";
    RELATED_RESOURCE_DIGEST_MISMATCH: InvalidInput, "A relatedResource the issuer can read does not have the digest the credential gives for it.";

    // Status lists (vc-status).
    ENCODED_LIST_PREFIX_ERROR: InvalidInput, "An encodedList does not start with the multibase base64url prefix u.";
    ENCODED_LIST_BASE64_ERROR: InvalidInput, "An encodedList is not valid unpadded base64url.";
    ENCODED_LIST_GZIP_ERROR: InvalidInput, "An encodedList is not a valid, complete GZIP stream.";
    STATUS_LIST_TOO_LARGE: InvalidInput, "A status list is larger than the decoder accepts.";
    STATUS_LIST_LENGTH_ERROR: InvalidInput, "A status list has fewer entries than herd privacy requires.";
    RANGE_ERROR: InvalidInput, "A status list index lies outside the list.";
    STATUS_SIZE_ERROR: InvalidInput, "A statusSize is not in 1..=8.";
    STATUS_VALUE_ERROR: InvalidInput, "A status value does not fit into statusSize bits.";
    STATUS_IRREVERSIBLE: Conflict, "A revoked entry cannot be un-revoked.";
    STATUS_PURPOSE_MISMATCH: InvalidInput, "The operation does not fit the entry's or list's status purpose.";
    STATUS_MESSAGE_ERROR: InvalidInput, "A statusMessage table is missing, of the wrong length, or malformed.";
    STATUS_ENTRY_INVALID: InvalidInput, "A credential status entry is malformed.";
    STATUS_INDEX_INVALID: InvalidInput, "A statusListIndex is not a canonical decimal integer.";
    STATUS_LIST_ID_INVALID: NotFound, "A status list id is empty or uses characters outside [A-Za-z0-9._-], so it names no list.";
    STATUS_RESERVATION_OWNER_INVALID: InvalidInput, "A status reservation owner is empty, too long, or holds control characters.";
    STATUS_LIST_FOREIGN: NotFound, "An entry's statusListCredential is not a list served by this registry.";
    STATUS_LIST_OF_ANOTHER_ISSUER: Forbidden, "The status list belongs to another issuer (another registry sharing the store): its entries are not this issuer's.";
    STATUS_ENTRY_MISMATCH: InvalidInput, "An entry does not match the list it points to (status size or index).";
    TOKEN_STATUS_LIST_INVALID: InvalidInput, "A Token Status List's status_list is malformed: bits not 1, 2, 4 or 8, lst not unpadded base64url (JSON) or not a byte string (CBOR), not one complete zlib stream, or a CBOR status_list with an unknown, repeated or missing key.";
    STATUS_CONFIG_ERROR: Internal, "The status registry or decoder is configured inconsistently.";
    RANDOMNESS_UNAVAILABLE: Unavailable, "The operating system's random source failed.";

    // Stores, whichever owns them.
    STORE_NOT_FOUND: NotFound, "The store holds no such record.";
    STORE_ALREADY_EXISTS: Internal, "The store already holds the record (a racing writer won).";
    STORE_CONFLICT: Internal, "The store's data contradicts the request (corrupt or unexpected rows).";
    STORE_EXHAUSTED: Internal, "The store has no capacity left for the request.";
    STORE_UNAVAILABLE: Unavailable, "The store could not be reached, was busy or timed out.";
    STORE_UNAUTHORIZED: Internal, "The store refused the credentials the server gave it.";
    STORE_INTERNAL: Internal, "The store failed in a way a retry will not fix.";
    STORE_ERROR: Internal, "A store failed (its kind is in the server's logs).";

    // The issuance pipeline (vc-issue).
    INVALID_REQUEST: InvalidInput, "The request is malformed.";
    ISSUER_NOT_FOUND: NotFound, "The issuer DID does not resolve.";
    ISSUER_DEACTIVATED: Conflict, "The issuer DID is deactivated.";
    KEY_NOT_FOUND: NotFound, "The issuer has no assertionMethod key, or no signer, for the proof type.";
    SCHEMA_NOT_FOUND: NotFound, "The schema id is unknown.";
    ISSUER_NOT_AUTHORIZED: Forbidden, "The schema restricts its issuers and this issuer is not among them.";
    SCHEMA_VALIDATION_FAILED: InvalidInput, "The claims do not satisfy the schema (every violation is in details).";
    HOLDER_NOT_FOUND: NotFound, "The holder DID does not resolve.";
    CREDENTIAL_INVALID: InvalidInput, "The credential the pipeline constructed breaks a rule of the data model.";
    STATUS_REGISTRATION_FAILED: Unavailable, "A status entry could not be allocated.";
    SIGNING_FAILED: Internal, "Signing failed, or the signer refused.";
    SIGNER_UNAVAILABLE: Unavailable, "The signer (a KMS, an HSM) could not be reached or was busy.";
    SCHEMA_REGISTRY_UNAVAILABLE: Unavailable, "The schema registry could not be reached or was busy.";
    RESOURCE_LOADER_UNAVAILABLE: Unavailable, "The host's loader of related resources could not be reached.";
    UNSUPPORTED_PROOF_TYPE: InvalidInput, "The proof type is not supported or not compiled in.";
    UNKNOWN_CONTEXT: InvalidInput, "A JSON-LD context is not bundled (contexts are never fetched at sign time).";
    RATE_LIMIT_EXCEEDED: RateLimited, "The issuer exceeded its rate limit.";
    RESOLUTION_FAILED: Unavailable, "A DID could not be resolved because the resolver failed (not the same as not found).";
    MANDATORY_POINTER_INVALID: InvalidInput, "A mandatory pointer of a bbs-2023 base proof is malformed or selects nothing.";
    SELECTIVE_POINTER_INVALID: InvalidInput, "A selective pointer (of a bbs-2023 derivation, or an SD-JWT VC claim path) is malformed, selects nothing, or is not allowed by the schema.";
    BASE_PROOF_INVALID: InvalidInput, "The credential has no usable bbs-2023 base proof.";
    INTERNAL_ERROR: Internal, "An internal step failed; the cause is in the server's logs.";

    // Proof verification and delegation (vc-issue).
    INVALID_SIGNATURE: InvalidInput, "A signature does not verify.";
    MALFORMED_PROOF: InvalidInput, "A proof is malformed.";

    // Status checks of W3C credentials by the verifier (vc-issue).
    CREDENTIAL_REVOKED: InvalidInput, "A credentialStatus entry of purpose revocation is set in its signed, valid status list: the credential is revoked.";
    CREDENTIAL_SUSPENDED: InvalidInput, "A credentialStatus entry of purpose suspension is set in its signed, valid status list: the credential is suspended.";
    STATUS_LIST_CREDENTIAL_INVALID: Upstream, "A status list credential is malformed, of the wrong type or purpose, not issued and signed by the credential's issuer, outside its validity period, or too short for the entry's index, so the status could not be checked.";
    STATUS_NOT_CHECKED: Internal, "A warning: the credential has a credentialStatus but the verifier has no status list loader, so its status was not checked.";

    // SD-JWT VCs (vc-issue, feature sd-jwt).
    SD_JWT_MALFORMED: InvalidInput, "An SD-JWT is not a JWT, its disclosures and an optional KB-JWT joined by `~`, or its header or payload is malformed (typ, alg, _sd_alg, _sd, ...).";
    SD_JWT_DISCLOSURE_MALFORMED: InvalidInput, "A disclosure is not base64url of a JSON array [salt, name, value] or [salt, value], fits neither its place nor a reserved name, or its claim name already exists.";
    SD_JWT_DISCLOSURE_UNREFERENCED: InvalidInput, "A disclosure's digest appears nowhere in the issuer-signed payload (a stray or tampered disclosure).";
    SD_JWT_DIGEST_DUPLICATE: InvalidInput, "A disclosure is presented twice, or a digest appears twice in the issuer-signed payload.";
    SD_JWT_EXPIRED: InvalidInput, "The SD-JWT VC's exp has passed.";
    SD_JWT_NOT_YET_VALID: InvalidInput, "The SD-JWT VC's nbf (or iat) lies in the future.";
    SD_JWT_REVOKED: InvalidInput, "The SD-JWT VC's Token Status List entry says INVALID (revoked).";
    SD_JWT_SUSPENDED: InvalidInput, "The SD-JWT VC's Token Status List entry says SUSPENDED.";
    SD_JWT_X5C_INVALID: InvalidInput, "The x5c header of an SD-JWT VC (or Status List Token) is malformed, its leaf certificate's key is not the key that signs, its chain does not lead to a trust anchor, or its leaf does not name the iss.";
    SD_JWT_STATUS_UNKNOWN: InvalidInput, "The SD-JWT VC's Token Status List entry holds a value other than VALID, INVALID or SUSPENDED.";
    KB_JWT_MISSING: InvalidInput, "A key binding JWT is required but the presentation has none.";
    KB_JWT_INVALID: InvalidInput, "The key binding JWT is malformed, not signed by the cnf key, not typ kb+jwt, or its sd_hash or iat is wrong.";
    KB_JWT_MISMATCH: InvalidInput, "The key binding JWT's nonce or aud is not what the verifier expects.";
    STATUS_LIST_TOKEN_INVALID: InvalidInput, "A Status List Token is malformed, not signed by the issuer, not typ statuslist+jwt (a CWT: not one COSE_Sign1_Tagged with typ application/statuslist+cwt, or tagged as a CWT), expired, or its sub is not the referenced uri.";
    STATUS_LIST_UNAVAILABLE: Unavailable, "A status list (a Status List Token, or a status list credential) could not be fetched, so the status could not be checked (unknown, not revoked).";
    NO_PROOF: InvalidInput, "The document has no proof.";
    UNAUTHORIZED_VERIFICATION_METHOD: InvalidInput, "The verification method is not authorized for the proof purpose.";
    KEY_TYPE_MISMATCH: InvalidInput, "The verification method's key type does not fit the proof suite.";
    UNSUPPORTED_SUITE: InvalidInput, "The proof suite is unknown or not compiled in.";
    DELEGATION_EMPTY_CHAIN: InvalidInput, "The delegation chain is empty.";
    DELEGATION_MALFORMED: InvalidInput, "A link of the chain is not a delegation credential.";
    DELEGATION_INVALID_PROOF: InvalidInput, "A link of the chain does not verify.";
    DELEGATION_BROKEN_LINK: InvalidInput, "A link is not issued by the previous link's delegate.";
    DELEGATION_SCOPE_WIDENED: InvalidInput, "A link grants a scope its parent does not have.";
    DELEGATION_CONSTRAINT_RELAXED: InvalidInput, "A link drops or changes a constraint of its parent.";
    DELEGATION_TOO_DEEP: InvalidInput, "The chain is deeper than an ancestor's maxDepth allows.";
    DELEGATION_EXPIRED: InvalidInput, "A link is expired or not yet valid.";

    // The issuance queue (vc-issue).
    TICKET_NOT_FOUND: NotFound, "No ticket has this id.";
    ILLEGAL_TRANSITION: Conflict, "The ticket's state does not allow the action.";
    LEASE_LOST: Conflict, "The worker's lease ran out and another worker took the ticket.";
    IDEMPOTENCY_KEY_REUSED: Conflict, "The idempotency key was used before for a different request.";
    CONCURRENT_UPDATE: Contended, "Another request changed the same record first; re-read and try again.";
    QUEUE_CONFIGURATION: Internal, "The issuance queue is misconfigured.";
    REJECTED: Forbidden, "A reviewer or the policy rejected the ticket.";

    // Workflows and exchanges (vc-issue).
    INVALID_IDENTIFIER: NotFound, "A workflow or exchange id is not 1 to 128 unreserved URL characters.";
    WORKFLOW_NOT_FOUND: NotFound, "No workflow has this id.";
    EXCHANGE_NOT_FOUND: NotFound, "No exchange of this workflow has this id.";
    TTL_AND_EXPIRES: InvalidInput, "Both ttl and expires were given.";
    INVALID_TTL: InvalidInput, "A time to live is zero or longer than the maximum.";
    INVALID_EXPIRES: InvalidInput, "expires is not a date-time, already passed, or too far away.";
    EXCHANGE_EXPIRED: Gone, "The exchange expired.";
    EXCHANGE_COMPLETE: Conflict, "The exchange completed and accepts nothing any more.";
    EXCHANGE_INVALID: Conflict, "The exchange was invalidated (its issuance failed).";
    STEP_IN_PROGRESS: Conflict, "The exchange's current step is being processed by another request.";
    INVALID_PRESENTATION: InvalidInput, "The presentation is malformed or its proof does not verify.";
    WRONG_CHALLENGE: InvalidInput, "The proof's challenge is not the one this exchange step issued.";
    WRONG_DOMAIN: InvalidInput, "The proof's domain is not this service's.";
    HOLDER_MISMATCH: InvalidInput, "The presentation's holder is not the DID that signed it.";
    UNSUPPORTED_DID_METHOD: InvalidInput, "The signing DID's method is not accepted by the step.";
    PRESENTATION_NOT_CHECKED: Unavailable, "The presentation could not be checked (not a verdict on it).";
    EXCHANGE_VARIABLES_INVALID: InvalidInput, "The variables cannot fill the workflow's credential templates.";
    VARIABLE_MISSING: InvalidInput, "A template placeholder references a variable that is not set.";
    VARIABLE_NOT_TEXT: InvalidInput, "A variable placed inside text is an object, an array or null.";
    VARIABLE_UNUSABLE: InvalidInput, "A variable makes a field of the issuance request invalid.";
    TEMPLATE_FAILED: Internal, "A credential template could not be filled.";
    INVALID_WORKFLOW: Internal, "The workflow definition is inconsistent.";
    SERVICE_CONFIGURATION: Internal, "The exchange service is misconfigured.";

    // Credential pickup (vc-issue).
    PICKUP_TTL_INVALID: InvalidInput, "A pickup time to live is zero or too long.";
    PICKUP_CONFIGURATION: Internal, "The pickup service is misconfigured.";
    PICKUP_GONE: Gone, "No credential can be picked up with this token (used, expired or unknown).";

    // OpenID for Verifiable Credential Issuance 1.0 (vc-issue, feature oid4vci). The OAuth error
    // each answers with is in `vc_issue::oid4vci::Oid4vciError::oauth_error`.
    OID4VCI_INVALID_REQUEST: InvalidInput, "An OpenID4VCI token or notification request is malformed (invalid_request).";
    OID4VCI_UNSUPPORTED_GRANT_TYPE: InvalidInput, "The token request's grant type is not supported (unsupported_grant_type).";
    OID4VCI_INVALID_GRANT: InvalidInput, "The pre-authorized or authorization code is unknown, used or expired, or the tx_code, client, redirect_uri or code_verifier does not match it (invalid_grant).";
    OID4VCI_INVALID_TOKEN: Unauthenticated, "The access token is missing, unknown or expired (invalid_token).";
    OID4VCI_INVALID_CREDENTIAL_REQUEST: InvalidInput, "The credential request is malformed or not covered by the access token (invalid_credential_request).";
    OID4VCI_UNKNOWN_CREDENTIAL_CONFIGURATION: InvalidInput, "The credential_configuration_id is not one this issuer supports (unknown_credential_configuration).";
    OID4VCI_UNKNOWN_CREDENTIAL_IDENTIFIER: InvalidInput, "The credential_identifier is not one the access token covers (unknown_credential_identifier).";
    OID4VCI_INVALID_PROOF: InvalidInput, "A key proof is missing, malformed, or does not verify (invalid_proof).";
    OID4VCI_INVALID_NONCE: InvalidInput, "A key proof's nonce is not a fresh c_nonce of this issuer (invalid_nonce).";
    OID4VCI_INVALID_DPOP_PROOF: Unauthenticated, "A DPoP proof is missing, malformed, replayed or not for this request and token (invalid_dpop_proof).";
    OID4VCI_INVALID_TRANSACTION_ID: InvalidInput, "The deferred transaction_id is unknown, delivered or expired (invalid_transaction_id).";
    OID4VCI_CREDENTIAL_REQUEST_DENIED: InvalidInput, "The deferred credential was refused, failed or expired in review (credential_request_denied).";
    OID4VCI_INVALID_NOTIFICATION_ID: InvalidInput, "The notification_id is unknown or was used (invalid_notification_id).";
    OID4VCI_OFFER_NOT_FOUND: NotFound, "No credential offer is served under this id (used, expired or unknown).";
    OID4VCI_CONFIGURATION: Internal, "The OpenID4VCI issuer is misconfigured.";
    OID4VCI_INVALID_CLIENT: InvalidInput, "The authorization request's client_id is not registered, or its redirect_uri is not one registered for it (not redirected).";
    OID4VCI_UNSUPPORTED_RESPONSE_TYPE: InvalidInput, "The authorization request's response_type is not code (unsupported_response_type).";
    OID4VCI_INVALID_SCOPE: InvalidInput, "The authorization request's scope names no credential configuration of this issuer (invalid_scope).";
    OID4VCI_INVALID_AUTHORIZATION_DETAILS: InvalidInput, "The authorization_details are malformed or name an unknown configuration (invalid_authorization_details).";
    OID4VCI_ACCESS_DENIED: Forbidden, "The user was not authenticated, refused, or may not receive the requested credentials (access_denied).";
    OID4VCI_USE_DPOP_NONCE: InvalidInput, "The DPoP proof carries no nonce, or not a current one of this server: retry with the DPoP-Nonce given (use_dpop_nonce).";
    OID4VCI_AUTHENTICATOR_FAILED: Unavailable, "The host's user authenticator failed (server_error).";
    OID4VCI_TOKEN_VERIFIER_FAILED: Unavailable, "The verifier of the host's OAuth server's access tokens failed (server_error).";

    // The HTTP edge (vc-issue, feature http).
    HTTP_CONFIG_MISSING: Internal, "VcApi::builder() lacks a required part.";
    HTTP_CONFIG_BASE_URL: Internal, "The public base URL is not an absolute http(s) URL without query or fragment.";
    INSTANCE_CONFIG_ERROR: Internal, "An issuer instance is configured inconsistently (a suite its issuer lacks, a default it does not allow, a name used twice).";
    INSTANCE_NOT_FOUND: NotFound, "No issuer instance of that name is served here.";
    INSTANCE_FORBIDDEN: Forbidden, "The caller's token may not act for this issuer instance.";
    INSTANCE_ISSUER_MISMATCH: Forbidden, "The credential or request names an issuer other than the DID this issuer instance issues as.";
    SUITE_NOT_ALLOWED: InvalidInput, "The issuer instance does not sign with the suite the request names.";
    UNAUTHORIZED: Unauthenticated, "Authentication is required, or the credentials were refused.";
    NOT_FOUND: NotFound, "Nothing is served at this path.";
    METHOD_NOT_ALLOWED: InvalidInput, "The path does not take this method.";
    INVALID_PATH: InvalidInput, "The request path is not percent-encoded UTF-8.";
    BODY_TOO_LARGE: TooLarge, "The request body exceeds the limit.";
    PAYLOAD_TOO_LARGE: TooLarge, "The exchange request body exceeds the limit.";
    UNSUPPORTED_MEDIA_TYPE: InvalidInput, "A request body was not sent as application/json.";
    NOT_ACCEPTABLE: InvalidInput, "The request's Accept header admits none of the media types the resource is served in.";
    REQUEST_TIMEOUT: InvalidInput, "The request (its body) did not arrive in time.";
    PROCESSING_TIMEOUT: Unavailable, "The request could not be answered in time.";
    SERVICE_UNAVAILABLE: Unavailable, "The service cannot answer now.";
    UNSUPPORTED_OPTION: InvalidInput, "The request uses an option this issuer does not support.";
    CREDENTIAL_STATUS_NOT_ALLOCATED: InvalidInput, "A status was asked for but this issuer allocates none.";
    CREDENTIAL_ID_IN_USE: Conflict, "A credential with this id was issued before.";
    STATUS_PURPOSE_NOT_SUPPORTED: InvalidInput, "The status purpose is not one this issuer supports.";
    UNSUPPORTED_STATUS_TYPE: InvalidInput, "The credential status type is not one this issuer (or, verifying, this verifier) supports.";
    STATUS_NOT_SUPPORTED: NotFound, "This issuer keeps no status lists.";
    CREDENTIAL_NOT_FOUND: NotFound, "No credential with this id has a recorded status entry.";
    STATUS_LIST_NOT_FOUND: NotFound, "No status list has this id.";

    // The client side of VCALM exchanges (vc-issue, feature client).
    INVALID_TIMEOUT: InvalidInput, "A request timeout is zero.";
    INVALID_TOKEN: InvalidInput, "A bearer token cannot be sent in an HTTP header.";
    CLIENT_BUILD_FAILED: Internal, "The HTTP client could not be built.";
    SERVICE_UNREACHABLE: Unavailable, "The remote service could not be reached.";
    SERVICE_TIMEOUT: Unavailable, "The remote service did not answer within the request timeout.";
    POLL_TIMEOUT: Upstream, "Polling reached its deadline before the exchange completed or became invalid.";
    SERVICE_REJECTED: Upstream, "The remote service rejected the request with a 4xx.";
    SERVICE_ERROR: Upstream, "The remote service failed with a 5xx.";
    MALFORMED_RESPONSE: Upstream, "The remote service answered, but not as the VC API defines.";
    MISSING_LOCATION: Upstream, "The remote service created an exchange but sent no usable Location.";
    QR_ENCODING_FAILED: InvalidInput, "The interaction URL is too long for a QR code.";

    // DIDComm issuance protocols (vc-didcomm).
    MESSAGE_TOO_LARGE: TooLarge, "A DIDComm message is larger than the configured limit.";
    UNKNOWN_MESSAGE_TYPE: InvalidInput, "The message type is unknown or not one the receiving role expects.";
    MISSING_FIELD: InvalidInput, "A required field of a message is missing.";
    INVALID_FIELD: InvalidInput, "A field of a message has the wrong type or an invalid value.";
    OUT_OF_ORDER: Conflict, "The message does not fit the protocol's state.";
    REPLAYED_MESSAGE: Conflict, "A message with this id was already processed in this thread.";
    THREAD_MISMATCH: InvalidInput, "The message belongs to another thread.";
    SENDER_MISMATCH: Forbidden, "The message's from is not the peer of this protocol instance.";
    MESSAGE_EXPIRED: Gone, "The message's own expires_time has passed.";
    HASH_MISMATCH: InvalidInput, "A credentialHash does not match the credential it claims to hash.";
    OFFER_EXPIRED: Gone, "The offer (or issuance) expiry has passed.";
    INVALID_EXPIRY: InvalidInput, "An expiry is not an XML dateTime normalized to UTC without sub-seconds.";
    CHALLENGE_MISMATCH: InvalidInput, "A signatureChallenge differs from the one sent.";
    SIGNATURE_MISSING: InvalidInput, "A signature was required but none came back.";
    PROOF_IN_OFFER: InvalidInput, "An offered unsignedCredential carries a proof.";
    CREDENTIAL_MISMATCH: InvalidInput, "The issued credential differs from the offered one.";
    CREDENTIAL_NOT_VERIFIED: InvalidInput, "The issued credential's proof does not verify.";
    UNTRUSTED_ISSUER: Forbidden, "The credential's issuer is not one the holder trusts.";
    UNSUPPORTED_CREDENTIAL_TYPE: InvalidInput, "A requested credential type is not one this issuer issues.";
    UNSUPPORTED_TRUSTED_ISSUER: InvalidInput, "None of the requested trustedIssuers is this issuer.";
    ACCEPTED_WITH_DISPUTES: InvalidInput, "A response is accepted together with disputes.";
    OFFER_DECLINED: Conflict, "The holder declined the offer; the protocol ends.";
    PROBLEM_REPORTED: Upstream, "The peer ended the protocol with a problem report.";
    INVALID_ATTACHMENT: InvalidInput, "An attachment is missing, of an unsupported format, or does not decode.";
    INVALID_STATE: Conflict, "The role was asked to do something its state does not allow.";
    INVALID_CONFIGURATION: Internal, "A builder lacks a required part or its parts are inconsistent.";
    DATA_MODEL: InvalidInput, "A credential or DID could not be handled by vc-core.";
    TRANSPORT_FAILED: Unavailable, "The transport failed to send or receive.";
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_code_is_registered_once_with_a_meaning() {
        let mut seen = BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} is registered twice");
            assert!(
                !code.meaning().trim().is_empty() && code.meaning().ends_with('.'),
                "{code} needs a one-sentence meaning"
            );
            let upper_snake = code
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            assert!(upper_snake, "{code} is not upper snake case");
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
        }
    }

    #[test]
    fn a_code_compares_and_serializes_as_its_string() {
        let code = ErrorCode::SIGNER_UNAVAILABLE;
        assert_eq!(code, "SIGNER_UNAVAILABLE");
        assert_eq!("SIGNER_UNAVAILABLE", code);
        assert_eq!(code.to_string(), "SIGNER_UNAVAILABLE");
        assert_eq!(format!("{code:?}"), "\"SIGNER_UNAVAILABLE\"");
        assert_eq!(
            serde_json::to_string(&code).ok().as_deref(),
            Some("\"SIGNER_UNAVAILABLE\"")
        );
        assert_eq!(ErrorCode::parse("NO_SUCH_CODE"), None);
    }
}
