//! DIDComm v2 attachments: data carried next to a message body, inline (`json`, `base64`) or by
//! reference (`links` + `hash`).

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// One attachment of a [`Message`](crate::Message).
///
/// ```
/// use vc_didcomm::Attachment;
///
/// let a = Attachment::base64("cred-0", b"eyJhbGciOi...").with_format("vc+jwt");
/// assert_eq!(a.decode_base64()?, b"eyJhbGciOi...");
/// let json = serde_json::to_value(&a).unwrap();
/// assert_eq!(json["data"]["base64"], "ZXlKaGJHY2lPaS4uLg==");
/// # Ok::<(), vc_didcomm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Attachment {
    /// Identifies the attachment within the message (protocols refer to it, e.g. Aries `formats`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A file name hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// The media type of the content (`application/json`, `application/vc+jwt`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The format of the content, beyond its media type (`aries/ld-proof-vc@v1.0`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// When the content was last modified (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lastmod_time: Option<u64>,
    /// The size of the content in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byte_count: Option<u64>,
    /// The content.
    pub data: AttachmentData,
    /// Any other property, kept for lossless round trips.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `data` of an attachment: exactly one of `json`, `base64` or `links`, optionally with a `jws`
/// over it and a `hash` of it (required with `links`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawData", into = "RawData")]
#[non_exhaustive]
pub struct AttachmentData {
    /// The content.
    pub content: AttachmentContent,
    /// A JWS over the content, kept as is.
    pub jws: Option<Value>,
    /// A multihash of the content (required when it is only linked).
    pub hash: Option<String>,
}

/// Where an attachment's content is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AttachmentContent {
    /// Inline JSON.
    Json(Value),
    /// Inline bytes, base64-encoded (the text as sent, padded or not, standard or URL-safe).
    Base64(String),
    /// URLs the content can be fetched from (fetching is the host's business).
    Links(Vec<String>),
}

#[derive(Serialize, Deserialize)]
struct RawData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    links: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    // `Option<Value>` would read `"json": null` as absent; keep null as JSON content.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    json: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jws: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hash: Option<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

impl TryFrom<RawData> for AttachmentData {
    type Error = String;
    fn try_from(raw: RawData) -> std::result::Result<Self, String> {
        let content = match (raw.json, raw.base64, raw.links) {
            (Some(json), None, None) => AttachmentContent::Json(json),
            (None, Some(base64), None) => AttachmentContent::Base64(base64),
            (None, None, Some(links)) => {
                if raw.hash.is_none() {
                    return Err("attachment data with `links` requires `hash`".into());
                }
                AttachmentContent::Links(links)
            }
            (None, None, None) => {
                return Err("attachment data needs one of `json`, `base64`, `links`".into())
            }
            _ => {
                return Err("attachment data has more than one of `json`, `base64`, `links`".into())
            }
        };
        Ok(Self {
            content,
            jws: raw.jws,
            hash: raw.hash,
        })
    }
}

impl From<AttachmentData> for RawData {
    fn from(data: AttachmentData) -> Self {
        let (json, base64, links) = match data.content {
            AttachmentContent::Json(json) => (Some(json), None, None),
            AttachmentContent::Base64(text) => (None, Some(text), None),
            AttachmentContent::Links(links) => (None, None, Some(links)),
        };
        RawData {
            jws: data.jws,
            hash: data.hash,
            links,
            base64,
            json,
        }
    }
}

impl Attachment {
    fn new(id: impl Into<String>, content: AttachmentContent) -> Self {
        Self {
            id: Some(id.into()),
            description: None,
            filename: None,
            media_type: None,
            format: None,
            lastmod_time: None,
            byte_count: None,
            data: AttachmentData {
                content,
                jws: None,
                hash: None,
            },
            extra: Map::new(),
        }
    }

    /// An inline JSON attachment (`media_type` `application/json`).
    pub fn json(id: impl Into<String>, value: Value) -> Self {
        Self::new(id, AttachmentContent::Json(value)).with_media_type("application/json")
    }

    /// An inline binary attachment, base64-encoded (standard alphabet, padded).
    pub fn base64(id: impl Into<String>, bytes: &[u8]) -> Self {
        Self::new(id, AttachmentContent::Base64(STANDARD.encode(bytes)))
    }

    /// A linked attachment; `hash` is the multihash of the content.
    pub fn links(id: impl Into<String>, links: Vec<String>, hash: impl Into<String>) -> Self {
        let mut attachment = Self::new(id, AttachmentContent::Links(links));
        attachment.data.hash = Some(hash.into());
        attachment
    }

    /// Sets the `format`.
    #[must_use]
    pub fn with_format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }

    /// Sets the `media_type`.
    #[must_use]
    pub fn with_media_type(mut self, media_type: impl Into<String>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }

    /// Sets the `description`.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The inline JSON content, if that is what this attachment holds.
    pub fn as_json(&self) -> Option<&Value> {
        match &self.data.content {
            AttachmentContent::Json(value) => Some(value),
            _ => None,
        }
    }

    /// Decodes inline base64 content (padded or not, standard or URL-safe alphabet).
    pub fn decode_base64(&self) -> Result<Vec<u8>> {
        let AttachmentContent::Base64(text) = &self.data.content else {
            return Err(self.invalid("not base64 content"));
        };
        [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(text).ok())
            .ok_or_else(|| self.invalid("base64 content does not decode"))
    }

    /// The content as JSON: inline JSON as is, base64 content decoded and parsed as JSON text.
    pub fn json_content(&self) -> Result<Value> {
        match &self.data.content {
            AttachmentContent::Json(value) => Ok(value.clone()),
            AttachmentContent::Base64(_) => {
                let bytes = self.decode_base64()?;
                vc_core::parse::parse_value(&bytes, &vc_core::ParseLimits::default()).map_err(
                    |err| match err {
                        vc_core::Error::MalformedJson { .. }
                        | vc_core::Error::InvalidDocument { .. } => {
                            self.invalid("base64 content is not JSON")
                        }
                        other => Error::from_core(other),
                    },
                )
            }
            AttachmentContent::Links(_) => Err(self.invalid("linked content is not fetched")),
        }
    }

    pub(crate) fn invalid(&self, reason: &str) -> Error {
        Error::InvalidAttachment {
            attachment: self.id.clone(),
            reason: reason.to_owned(),
        }
    }
}
