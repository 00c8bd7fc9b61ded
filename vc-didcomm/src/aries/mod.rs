//! Aries Issue Credential 3.0 (DIDComm v2): `https://didcomm.org/issue-credential/3.0`.
//!
//! Source: "Issue Credential Protocol 3.0" (`issue_credential/README.md` in
//! `decentralized-identity/waci-didcomm`, status PROPOSED, since 2021-10-27), which aligns Aries
//! RFC 0453 (issue-credential 2.x) with DIDComm v2 attachments. As in RFC 0453, each message lists
//! its attachments' formats in `formats` (`[{attach_id, format}]`); this crate writes it in the
//! `body` (DIDComm v2 keeps protocol fields there) and also sets each attachment's own `format`.
//! The credential preview follows RFC 0453: `{type, attributes: [{name, value, mime-type?}]}`.
//!
//! Formats supported: `aries/ld-proof-vc-detail@v1.0` (RFC 0593: the credential to be issued and
//! its proof options) in proposals, offers and requests; `aries/ld-proof-vc@v1.0` (a JSON-LD
//! credential with embedded proof) and `vc+jwt` (a compact JWS, base64-encoded) in issuances.

pub mod format;
pub mod from_request;
pub mod holder;
pub mod issuer;
pub mod messages;
pub mod preview;

pub use format::{CredentialDetail, DetailOptions, FormatSpec};
pub use from_request::{issue_from_issued, offer_from_request};
pub use holder::{AriesHolder, AriesHolderState};
pub use issuer::{AriesIssuer, AriesIssuerState};
pub use messages::{
    Ack, AriesMessage, IssueCredential, OfferCredential, ProposeCredential, RequestCredential,
};
pub use preview::{CredentialPreview, PreviewAttribute};

/// The protocol identifier.
pub const PROTOCOL: &str = "https://didcomm.org/issue-credential/3.0";
/// `propose-credential` (holder → issuer).
pub const PROPOSE_CREDENTIAL: &str = "https://didcomm.org/issue-credential/3.0/propose-credential";
/// `offer-credential` (issuer → holder).
pub const OFFER_CREDENTIAL: &str = "https://didcomm.org/issue-credential/3.0/offer-credential";
/// `request-credential` (holder → issuer).
pub const REQUEST_CREDENTIAL: &str = "https://didcomm.org/issue-credential/3.0/request-credential";
/// `issue-credential` (issuer → holder).
pub const ISSUE_CREDENTIAL: &str = "https://didcomm.org/issue-credential/3.0/issue-credential";
/// `ack` (holder → issuer).
pub const ACK: &str = "https://didcomm.org/issue-credential/3.0/ack";
/// The protocol's `problem-report` (the generic DIDComm v2 type is accepted too).
pub const PROBLEM_REPORT: &str = "https://didcomm.org/issue-credential/3.0/problem-report";
/// The problem code that abandons the protocol.
pub const ISSUANCE_ABANDONED: &str = "e.p.issuance-abandoned";
