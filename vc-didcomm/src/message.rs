//! DIDComm v2 plaintext messages: the envelope every protocol message travels in.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use vc_core::{DidUrl, ParseLimits};

use crate::attachment::Attachment;
use crate::error::{excerpt, Error, Result};
use crate::identifier::{MessageId, ThreadId};

/// The media type of a DIDComm v2 plaintext message (`typ`).
pub const PLAINTEXT_MEDIA_TYPE: &str = "application/didcomm-plain+json";

/// Bounds on untrusted messages, checked while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessageLimits {
    /// The largest accepted message, in bytes.
    pub max_bytes: usize,
    /// The most attachments a message may carry.
    pub max_attachments: usize,
    /// The most recipients (`to`) a message may name.
    pub max_recipients: usize,
    /// The deepest nesting of arrays and objects (the whole message, attachments included).
    pub max_depth: usize,
}

impl MessageLimits {
    /// 1 MiB, 32 attachments, 64 recipients, 32 levels: far above any issuance message seen in
    /// practice. A message nests four levels above an attached credential
    /// (message, `attachments`, attachment, `data`), so a credential deeper than 28 levels is only
    /// accepted with a higher `max_depth`.
    pub const DEFAULT: MessageLimits = MessageLimits {
        max_bytes: 1024 * 1024,
        max_attachments: 32,
        max_recipients: 64,
        max_depth: ParseLimits::DEFAULT_MAX_DEPTH,
    };

    /// The same limits with another nesting limit (capped as
    /// [`ParseLimits::with_max_depth`] caps it).
    pub fn with_max_depth(self, max_depth: usize) -> Self {
        Self {
            max_depth: ParseLimits::default().with_max_depth(max_depth).max_depth,
            ..self
        }
    }

    /// The default limits with another size cap.
    pub fn max_bytes(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            ..Self::DEFAULT
        }
    }
}

impl Default for MessageLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A DIDComm v2 plaintext message.
///
/// `{ id, type, from?, to[], thid?, pthid?, created_time?, expires_time?, body, attachments[] }`;
/// unknown headers are kept in [`extra`](Self::extra), so a parsed message serializes back to the
/// same JSON. Encryption and signing (JWE/JWS envelopes) are the host's, see
/// [`Transport`](crate::Transport).
///
/// ```
/// use serde_json::json;
/// use vc_didcomm::Message;
///
/// let request = Message::builder("https://didcomm.org/trust-ping/2.0/ping", json!({}))
///     .from("did:example:alice".parse()?)
///     .to("did:example:bob".parse()?)
///     .build()?;
/// let reply = request.reply("https://didcomm.org/trust-ping/2.0/ping-response", json!({})).build()?;
/// assert_eq!(reply.thread_id(), request.thread_id());
/// assert_eq!(reply.to[0].as_str(), "did:example:alice");
///
/// let again = Message::from_slice(reply.to_json()?.as_bytes())?;
/// assert_eq!(again, reply);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// The message id, unique per sender.
    pub id: MessageId,
    /// `typ`: the media type, normally [`PLAINTEXT_MEDIA_TYPE`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// The message type URI, which names protocol, version and message.
    #[serde(rename = "type")]
    pub type_: String,
    /// The sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DidUrl>,
    /// The recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<DidUrl>,
    /// The thread this message belongs to (absent on the message that starts a thread).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thid: Option<ThreadId>,
    /// The parent thread (problem reports name the thread they report on here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pthid: Option<ThreadId>,
    /// When the message was created (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<u64>,
    /// When the message expires (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_time: Option<u64>,
    /// The protocol-specific content, a JSON object.
    pub body: Value,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Every other header, in document order.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Message {
    /// Starts a message of `type_` with `body` (a JSON object) and a fresh random id.
    pub fn builder(type_: impl Into<String>, body: Value) -> MessageBuilder {
        MessageBuilder {
            message: Message {
                id: MessageId::random(),
                typ: Some(PLAINTEXT_MEDIA_TYPE.to_owned()),
                type_: type_.into(),
                from: None,
                to: Vec::new(),
                thid: None,
                pthid: None,
                created_time: None,
                expires_time: None,
                body,
                attachments: Vec::new(),
                extra: Map::new(),
            },
        }
    }

    /// Parses a message under [`MessageLimits::DEFAULT`].
    pub fn from_slice(json: &[u8]) -> Result<Self> {
        Self::from_slice_with_limits(json, &MessageLimits::DEFAULT)
    }

    /// Parses a message under explicit limits. Never panics; every problem is a typed error: too
    /// large, too deep (`NESTING_TOO_DEEP`), a key given twice (`DUPLICATE_KEY`), malformed.
    pub fn from_slice_with_limits(json: &[u8], limits: &MessageLimits) -> Result<Self> {
        if json.len() > limits.max_bytes {
            return Err(Error::MessageTooLarge {
                size: json.len(),
                limit: limits.max_bytes,
            });
        }
        let parse_limits =
            ParseLimits::max_bytes(limits.max_bytes).with_max_depth(limits.max_depth);
        let value = vc_core::parse::parse_value(json, &parse_limits).map_err(Error::from_core)?;
        let message: Message = serde_json::from_value(value).map_err(Error::from_json)?;
        message.check(limits)?;
        Ok(message)
    }

    /// Converts a JSON value into a message (no size check: the value is already in memory; the
    /// default nesting limit applies).
    pub fn from_value(value: Value) -> Result<Self> {
        vc_core::parse::check_depth(&value, MessageLimits::DEFAULT.max_depth)
            .map_err(Error::from_core)?;
        let message: Message = serde_json::from_value(value).map_err(Error::from_json)?;
        message.check(&MessageLimits::DEFAULT)?;
        Ok(message)
    }

    fn check(&self, limits: &MessageLimits) -> Result<()> {
        if !self.body.is_object() {
            return Err(Error::invalid_field("body", "must be a JSON object"));
        }
        if self.type_.is_empty() {
            return Err(Error::invalid_field("type", "must not be empty"));
        }
        if self.attachments.len() > limits.max_attachments {
            return Err(Error::MessageTooLarge {
                size: self.attachments.len(),
                limit: limits.max_attachments,
            });
        }
        if self.to.len() > limits.max_recipients {
            return Err(Error::MessageTooLarge {
                size: self.to.len(),
                limit: limits.max_recipients,
            });
        }
        Ok(())
    }

    /// The message as compact JSON text.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(Error::from_json)
    }

    /// The message as a JSON value.
    pub fn to_value(&self) -> Result<Value> {
        serde_json::to_value(self).map_err(Error::from_json)
    }

    /// The thread the message belongs to: its `thid`, or its own `id` when it starts a thread.
    pub fn thread_id(&self) -> ThreadId {
        self.thid
            .clone()
            .unwrap_or_else(|| ThreadId::from(&self.id))
    }

    /// Reads the body as a `T`: a missing field is [`Error::MissingField`], a wrong type
    /// [`Error::InvalidField`].
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(&self.body).map_err(Error::from_json)
    }

    /// Starts a reply in the same thread, addressed to this message's sender, from its first
    /// recipient.
    pub fn reply(&self, type_: impl Into<String>, body: Value) -> MessageBuilder {
        let mut builder = Message::builder(type_, body).thid(self.thread_id());
        if let Some(from) = &self.from {
            builder = builder.to(from.clone());
        }
        if let Some(me) = self.to.first() {
            builder = builder.from(me.clone());
        }
        builder
    }

    /// The attachment with this `id`.
    pub fn attachment(&self, id: &str) -> Option<&Attachment> {
        self.attachments
            .iter()
            .find(|a| a.id.as_deref() == Some(id))
    }

    /// The message type, shortened for error messages.
    pub(crate) fn type_excerpt(&self) -> String {
        excerpt(&self.type_)
    }
}

/// Builds a [`Message`].
#[derive(Debug, Clone)]
#[must_use]
pub struct MessageBuilder {
    message: Message,
}

impl MessageBuilder {
    /// Sets the id (a fresh random one otherwise).
    pub fn id(mut self, id: MessageId) -> Self {
        self.message.id = id;
        self
    }

    /// Sets the sender.
    pub fn from(mut self, from: DidUrl) -> Self {
        self.message.from = Some(from);
        self
    }

    /// Adds a recipient.
    pub fn to(mut self, to: DidUrl) -> Self {
        self.message.to.push(to);
        self
    }

    /// Sets the thread id.
    pub fn thid(mut self, thid: ThreadId) -> Self {
        self.message.thid = Some(thid);
        self
    }

    /// Sets the parent thread id.
    pub fn pthid(mut self, pthid: ThreadId) -> Self {
        self.message.pthid = Some(pthid);
        self
    }

    /// Sets `created_time` (unix seconds).
    pub fn created_time(mut self, at: u64) -> Self {
        self.message.created_time = Some(at);
        self
    }

    /// Sets `expires_time` (unix seconds).
    pub fn expires_time(mut self, at: u64) -> Self {
        self.message.expires_time = Some(at);
        self
    }

    /// Adds an attachment.
    pub fn attachment(mut self, attachment: Attachment) -> Self {
        self.message.attachments.push(attachment);
        self
    }

    /// Sets another header.
    pub fn header(mut self, name: impl Into<String>, value: Value) -> Self {
        self.message.extra.insert(name.into(), value);
        self
    }

    /// Checks the message (a non-empty type, an object body) and returns it.
    pub fn build(self) -> Result<Message> {
        self.message.check(&MessageLimits {
            max_bytes: usize::MAX,
            max_attachments: usize::MAX,
            max_recipients: usize::MAX,
            max_depth: usize::MAX,
        })?;
        Ok(self.message)
    }
}
