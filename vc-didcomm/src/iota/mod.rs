//! `didcomm:iota/issuance/0.1`: the IOTA Issuance protocol, version 0.1.
//!
//! Source: the IOTA Identity DIDComm specification, "Issuance" protocol, version 0.1 (status
//! IN-PROGRESS, last updated 2021-09-17), `documentation/docs/specs/didcomm/protocols/issuance.md`
//! in `iotaledger/identity.rs`. That revision names the message types
//! `didcomm:iota/issuance/0.1/<message>` and the fields `subject`, `@context`, `type`,
//! `trustedIssuers`, `unsignedCredential`, `signatureChallenge`, `expiry`, `accepted`, `disputes`,
//! `signature`, `signedCredential`, with the problem codes `e.p.prot.iota.issuance.*`; later
//! revisions renamed several of them (`credentialInfo`, `offerChallenge`, ...), which this module
//! does not speak.
//!
//! - [`messages`]: the five messages, with their structural rules.
//! - [`signature`]: the holder's signature over a `signatureChallenge`.
//! - [`problem`]: the protocol's problem codes.
//! - [`issuer`] and [`holder`]: the two roles as state machines.

pub mod holder;
pub mod issuer;
pub mod messages;
pub mod problem;
pub mod signature;

pub use holder::{HolderConfig, HolderConfigBuilder, HolderSession, HolderState};
pub use issuer::{IssuerConfig, IssuerConfigBuilder, IssuerSession, IssuerState};
pub use messages::{
    IotaMessage, Issuance, IssuanceAcknowledgment, IssuanceOffer, IssuanceRequest, IssuanceResponse,
};
pub use problem::IotaProblemCode;
pub use signature::{ChallengeSignature, HolderKey, SignatureChallenge};

/// The protocol identifier (the prefix of every message type).
pub const PROTOCOL: &str = "didcomm:iota/issuance/0.1";
/// `issuance-request` (holder → issuer).
pub const ISSUANCE_REQUEST: &str = "didcomm:iota/issuance/0.1/issuance-request";
/// `issuance-offer` (issuer → holder).
pub const ISSUANCE_OFFER: &str = "didcomm:iota/issuance/0.1/issuance-offer";
/// `issuance-response` (holder → issuer).
pub const ISSUANCE_RESPONSE: &str = "didcomm:iota/issuance/0.1/issuance-response";
/// `issuance` (issuer → holder).
pub const ISSUANCE: &str = "didcomm:iota/issuance/0.1/issuance";
/// `issuance-acknowledgment` (holder → issuer).
pub const ISSUANCE_ACKNOWLEDGMENT: &str = "didcomm:iota/issuance/0.1/issuance-acknowledgment";
