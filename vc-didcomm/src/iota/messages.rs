//! The messages of `didcomm:iota/issuance/0.1`, with the rules that concern one message alone.
//!
//! Rules that need the protocol's state (a response's challenge equals the offer's, the issued
//! credential matches the offered one) are enforced by the [`issuer`](super::issuer) and
//! [`holder`](super::holder) roles.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use vc_core::{Credential, DateTime, Did};

use super::signature::{ChallengeSignature, SignatureChallenge};
use super::{
    ISSUANCE, ISSUANCE_ACKNOWLEDGMENT, ISSUANCE_OFFER, ISSUANCE_REQUEST, ISSUANCE_RESPONSE,
};
use crate::error::{Error, Result};
use crate::message::{Message, MessageBuilder};
use crate::problem_report::{ProblemReport, PROBLEM_REPORT_TYPE};

/// `issuance-request`: the holder asks for one credential of some type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssuanceRequest {
    /// The DID of the credential subject.
    pub subject: Did,
    /// JSON-LD contexts defining the requested types.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Vec<String>>,
    /// The requested credential types (at least one); the issued credential should have all.
    #[serde(rename = "type")]
    pub types: Vec<String>,
    /// Issuers the holder would accept; the issuer must be one of them when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_issuers: Option<Vec<String>>,
    /// Any other property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IssuanceRequest {
    /// A request for `types` about `subject`.
    pub fn new(subject: Did, types: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            subject,
            context: None,
            types: types.into_iter().map(Into::into).collect(),
            trusted_issuers: None,
            extra: Map::new(),
        }
    }

    /// Sets the issuers the holder would accept.
    #[must_use]
    pub fn with_trusted_issuers(
        mut self,
        issuers: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.trusted_issuers = Some(issuers.into_iter().map(Into::into).collect());
        self
    }

    /// `type` must name at least one type.
    pub fn validate(&self) -> Result<()> {
        if self.types.is_empty() || self.types.iter().any(String::is_empty) {
            return Err(Error::invalid_field("type", "must list at least one type"));
        }
        Ok(())
    }
}

/// `issuance-offer`: the issuer offers one unsigned credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssuanceOffer {
    /// The offered credential; it must not contain a `proof`.
    pub unsigned_credential: Credential,
    /// When present, the holder must sign its acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_challenge: Option<SignatureChallenge>,
    /// Until when the offer stands (UTC, whole seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<DateTime>,
    /// Any other property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IssuanceOffer {
    /// The offer's own rules: no `proof`, a `credentialHash` that hashes the credential, a
    /// normalized `expiry`.
    pub fn validate(&self) -> Result<()> {
        if self.unsigned_credential.proof.is_some() {
            return Err(Error::ProofInOffer);
        }
        if let Some(challenge) = &self.signature_challenge {
            challenge.check_hash(&self.unsigned_credential)?;
        }
        check_expiry(self.expiry.as_ref())
    }
}

/// `issuance-response`: the holder accepts or disputes an offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssuanceResponse {
    /// Whether the holder accepts the offered credential.
    pub accepted: bool,
    /// `DisputeCredential`s about claims of the offered credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disputes: Option<Vec<Credential>>,
    /// The holder's signature over the offer's `signatureChallenge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ChallengeSignature>,
    /// Any other property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IssuanceResponse {
    /// The disputes (empty when there are none).
    pub fn disputes(&self) -> &[Credential] {
        self.disputes.as_deref().unwrap_or_default()
    }

    /// `accepted` must be `false` when there are disputes.
    pub fn validate(&self) -> Result<()> {
        if self.accepted && !self.disputes().is_empty() {
            return Err(Error::AcceptedWithDisputes);
        }
        Ok(())
    }
}

/// `issuance`: the issuer sends the signed credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Issuance {
    /// The signed credential.
    pub signed_credential: Credential,
    /// When present, the holder must sign its acknowledgment; the hash covers the credential
    /// including its proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_challenge: Option<SignatureChallenge>,
    /// Until when the issuer waits for the acknowledgment (UTC, whole seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<DateTime>,
    /// Any other property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Issuance {
    /// The issuance's own rules: a proof, a `credentialHash` over the credential with its proof, a
    /// normalized `expiry`.
    pub fn validate(&self) -> Result<()> {
        if self.signed_credential.proofs().is_empty() {
            return Err(Error::CredentialNotVerified { source: None });
        }
        if let Some(challenge) = &self.signature_challenge {
            challenge.check_hash(&self.signed_credential)?;
        }
        check_expiry(self.expiry.as_ref())
    }
}

/// `issuance-acknowledgment`: the holder confirms receipt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssuanceAcknowledgment {
    /// The holder's signature over the issuance's `signatureChallenge`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ChallengeSignature>,
    /// Any other property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `expiry` must be an XML dateTime normalized to UTC without sub-second precision.
pub fn check_expiry(expiry: Option<&DateTime>) -> Result<()> {
    match expiry {
        Some(expiry) if !expiry.is_valid() || expiry.as_str() != expiry.to_utc_seconds() => {
            Err(Error::InvalidExpiry {
                expiry: crate::error::excerpt(expiry.as_str()),
            })
        }
        _ => Ok(()),
    }
}

/// Any message of the protocol, read from a DIDComm message by its `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IotaMessage {
    /// `issuance-request`.
    Request(IssuanceRequest),
    /// `issuance-offer`.
    Offer(IssuanceOffer),
    /// `issuance-response`.
    Response(IssuanceResponse),
    /// `issuance`.
    Issuance(Issuance),
    /// `issuance-acknowledgment`.
    Acknowledgment(IssuanceAcknowledgment),
    /// A problem report about this protocol's thread.
    ProblemReport(ProblemReport),
}

impl IotaMessage {
    /// Reads the body of `message` by its `type` and checks the message's own rules (see each
    /// message's `validate`), except hashes and expiry, which the receiving role checks so that it
    /// can answer with a problem report.
    ///
    /// An unknown type is [`Error::UnknownMessageType`]; a missing field [`Error::MissingField`]; a
    /// wrong type [`Error::InvalidField`].
    pub fn from_message(message: &Message) -> Result<Self> {
        Ok(match message.type_.as_str() {
            ISSUANCE_REQUEST => {
                let request: IssuanceRequest = body(message)?;
                request.validate()?;
                IotaMessage::Request(request)
            }
            ISSUANCE_OFFER => IotaMessage::Offer(body(message)?),
            ISSUANCE_RESPONSE => {
                let response: IssuanceResponse = body(message)?;
                response.validate()?;
                IotaMessage::Response(response)
            }
            ISSUANCE => IotaMessage::Issuance(body(message)?),
            ISSUANCE_ACKNOWLEDGMENT => IotaMessage::Acknowledgment(body(message)?),
            PROBLEM_REPORT_TYPE => {
                IotaMessage::ProblemReport(ProblemReport::from_message(message)?)
            }
            _ => {
                return Err(Error::UnknownMessageType {
                    message_type: message.type_excerpt(),
                })
            }
        })
    }

    /// The message type URI.
    pub fn message_type(&self) -> &'static str {
        match self {
            IotaMessage::Request(_) => ISSUANCE_REQUEST,
            IotaMessage::Offer(_) => ISSUANCE_OFFER,
            IotaMessage::Response(_) => ISSUANCE_RESPONSE,
            IotaMessage::Issuance(_) => ISSUANCE,
            IotaMessage::Acknowledgment(_) => ISSUANCE_ACKNOWLEDGMENT,
            IotaMessage::ProblemReport(_) => PROBLEM_REPORT_TYPE,
        }
    }

    /// The body as JSON.
    pub fn body(&self) -> Result<Value> {
        let value = match self {
            IotaMessage::Request(m) => serde_json::to_value(m),
            IotaMessage::Offer(m) => serde_json::to_value(m),
            IotaMessage::Response(m) => serde_json::to_value(m),
            IotaMessage::Issuance(m) => serde_json::to_value(m),
            IotaMessage::Acknowledgment(m) => serde_json::to_value(m),
            IotaMessage::ProblemReport(m) => serde_json::to_value(m),
        };
        value.map_err(Error::from_json)
    }

    /// A new DIDComm message carrying this one (fresh id, no thread yet).
    pub fn to_message(&self) -> Result<MessageBuilder> {
        Ok(Message::builder(self.message_type(), self.body()?))
    }
}

fn body<T: DeserializeOwned>(message: &Message) -> Result<T> {
    message.body_as()
}
