//! The messages of Issue Credential 3.0.
//!
//! Each type is the message `body` plus the message's `attachments` (not serialized with the body;
//! [`AriesMessage::from_message`] fills them in and [`AriesMessage::to_message`] puts them back).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::format::FormatSpec;
use super::preview::CredentialPreview;
use super::{
    ACK, ISSUE_CREDENTIAL, OFFER_CREDENTIAL, PROBLEM_REPORT, PROPOSE_CREDENTIAL, REQUEST_CREDENTIAL,
};
use crate::attachment::Attachment;
use crate::error::{Error, Result};
use crate::message::{Message, MessageBuilder};
use crate::problem_report::{ProblemReport, PROBLEM_REPORT_TYPE};

/// Defines a message body that carries attachments: the given fields, then `formats`, any other
/// body property (`extra`) and the attachments, which are not part of the body. Field order is the
/// serialized order, so it is spelled out per message.
macro_rules! attached_body {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)*
        }
        attachments: $attachments_doc:literal
    ) => {
        $(#[$meta])*
        #[non_exhaustive]
        pub struct $name {
            /// The sender's goal.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub goal_code: Option<String>,
            $($(#[$field_meta])* pub $field: $ty,)*
            /// Attachment formats.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub formats: Vec<FormatSpec>,
            /// Any other body property.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
            #[doc = $attachments_doc]
            #[serde(skip)]
            pub attachments: Vec<Attachment>,
        }

        impl $name {
            /// Adds an attachment and its `formats` entry (it needs an `id` and a `format`).
            pub fn attach(mut self, attachment: Attachment) -> Result<Self> {
                let (Some(id), Some(format)) = (attachment.id.clone(), attachment.format.clone())
                else {
                    return Err(attachment.invalid("needs an id and a format"));
                };
                self.formats.push(FormatSpec::new(id, format));
                self.attachments.push(attachment);
                Ok(self)
            }
        }

        impl WithAttachments for $name {
            fn parts(&mut self) -> (&[FormatSpec], &mut Vec<Attachment>) {
                (&self.formats, &mut self.attachments)
            }
        }
    };
}

/// A body whose `formats` entries must each name one of the message's attachments.
trait WithAttachments: serde::de::DeserializeOwned {
    fn parts(&mut self) -> (&[FormatSpec], &mut Vec<Attachment>);

    /// Reads the body of `message`, takes its attachments and checks the `formats` entries.
    fn read(message: &Message) -> Result<Self> {
        let mut body: Self = message.body_as()?;
        let (formats, attachments) = body.parts();
        attachments.clone_from(&message.attachments);
        for spec in formats {
            if !attachments
                .iter()
                .any(|a| a.id.as_deref() == Some(spec.attach_id.as_str()))
            {
                return Err(Error::InvalidAttachment {
                    attachment: Some(crate::error::excerpt(&spec.attach_id)),
                    reason: "named in formats but not attached".into(),
                });
            }
        }
        Ok(body)
    }
}

attached_body! {
    /// `propose-credential`: what the holder hopes to receive.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct ProposeCredential {
        /// A human-readable comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
        /// The claims the holder would like.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub credential_preview: Option<CredentialPreview>,
    }
    attachments: "The attachments (filters, credential details)."
}

attached_body! {
    /// `offer-credential`: what the issuer intends to issue.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct OfferCredential {
        /// A human-readable comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
        /// Identifies a credential this one would replace.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replacement_id: Option<String>,
        /// The claims offered.
        pub credential_preview: CredentialPreview,
    }
    attachments: "The attachments (the credential detail)."
}

impl OfferCredential {
    /// An offer of the claims in `preview`, with no attachment yet.
    pub fn new(credential_preview: CredentialPreview) -> Self {
        Self {
            goal_code: None,
            comment: None,
            replacement_id: None,
            credential_preview,
            formats: Vec::new(),
            extra: Map::new(),
            attachments: Vec::new(),
        }
    }
}

attached_body! {
    /// `request-credential`: the holder asks for the credential.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct RequestCredential {
        /// A human-readable comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
    }
    attachments: "The attachments (the requested credential detail)."
}

attached_body! {
    /// `issue-credential`: the issued credential(s), one per format.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct IssueCredential {
        /// Identifies a credential this one replaces.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replacement_id: Option<String>,
        /// A human-readable comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub comment: Option<String>,
    }
    attachments: "The attachments (the credentials)."
}

/// `ack`: the holder accepted the credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ack {
    /// `OK` (or `PENDING`, `FAIL`).
    pub status: String,
    /// Any other body property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for Ack {
    fn default() -> Self {
        Self {
            status: "OK".into(),
            extra: Map::new(),
        }
    }
}

/// Any message of the protocol, read from a DIDComm message by its `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AriesMessage {
    /// `propose-credential`.
    Propose(ProposeCredential),
    /// `offer-credential`.
    Offer(OfferCredential),
    /// `request-credential`.
    Request(RequestCredential),
    /// `issue-credential`.
    Issue(IssueCredential),
    /// `ack`.
    Ack(Ack),
    /// `problem-report`.
    ProblemReport(ProblemReport),
}

impl AriesMessage {
    /// Reads `message` by its `type`, and checks that every `formats` entry names an attachment.
    pub fn from_message(message: &Message) -> Result<Self> {
        Ok(match message.type_.as_str() {
            PROPOSE_CREDENTIAL => AriesMessage::Propose(WithAttachments::read(message)?),
            OFFER_CREDENTIAL => AriesMessage::Offer(WithAttachments::read(message)?),
            REQUEST_CREDENTIAL => AriesMessage::Request(WithAttachments::read(message)?),
            ISSUE_CREDENTIAL => AriesMessage::Issue(WithAttachments::read(message)?),
            ACK => AriesMessage::Ack(message.body_as()?),
            PROBLEM_REPORT | PROBLEM_REPORT_TYPE => {
                AriesMessage::ProblemReport(ProblemReport::from_message(message)?)
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
            AriesMessage::Propose(_) => PROPOSE_CREDENTIAL,
            AriesMessage::Offer(_) => OFFER_CREDENTIAL,
            AriesMessage::Request(_) => REQUEST_CREDENTIAL,
            AriesMessage::Issue(_) => ISSUE_CREDENTIAL,
            AriesMessage::Ack(_) => ACK,
            AriesMessage::ProblemReport(_) => PROBLEM_REPORT,
        }
    }

    /// A new DIDComm message carrying this one, attachments included.
    pub fn to_message(&self) -> Result<MessageBuilder> {
        let (body, attachments) = match self {
            AriesMessage::Propose(m) => (serde_json::to_value(m), &m.attachments[..]),
            AriesMessage::Offer(m) => (serde_json::to_value(m), &m.attachments[..]),
            AriesMessage::Request(m) => (serde_json::to_value(m), &m.attachments[..]),
            AriesMessage::Issue(m) => (serde_json::to_value(m), &m.attachments[..]),
            AriesMessage::Ack(m) => (serde_json::to_value(m), &[][..]),
            AriesMessage::ProblemReport(m) => (serde_json::to_value(m), &[][..]),
        };
        let mut builder = Message::builder(self.message_type(), body.map_err(Error::from_json)?);
        for attachment in attachments {
            builder = builder.attachment(attachment.clone());
        }
        Ok(builder)
    }
}
