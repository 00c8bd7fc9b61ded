//! JSON-LD `@context` entries and the data model version they select.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The base context of the VC Data Model 2.0.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// The base context of the VC Data Model 1.1.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// The examples context of the VC Data Model 2.0 (defines example terms; not for production).
pub const CREDENTIALS_EXAMPLES_V2: &str = "https://www.w3.org/ns/credentials/examples/v2";
/// The Data Integrity context, needed by VC 1.1 credentials that carry a `DataIntegrityProof`.
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
/// The Ed25519Signature2020 suite context.
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

/// Which version of the W3C Verifiable Credentials Data Model a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DataModelVersion {
    /// VC Data Model 1.1 (`issuanceDate`, `expirationDate`).
    #[serde(rename = "1.1", alias = "v1", alias = "V1", alias = "1")]
    V1,
    /// VC Data Model 2.0 (`validFrom`, `validUntil`), the default.
    #[default]
    #[serde(rename = "2.0", alias = "v2", alias = "V2", alias = "2")]
    V2,
}

impl DataModelVersion {
    /// The base context that must come first in `@context`.
    pub fn base_context(self) -> &'static str {
        match self {
            DataModelVersion::V1 => CREDENTIALS_V1,
            DataModelVersion::V2 => CREDENTIALS_V2,
        }
    }

    /// The version a base context URL selects, if it is one.
    pub fn from_base_context(url: &str) -> Option<Self> {
        match url {
            CREDENTIALS_V2 => Some(DataModelVersion::V2),
            CREDENTIALS_V1 => Some(DataModelVersion::V1),
            _ => None,
        }
    }
}

/// One `@context` entry: a URL or an embedded context definition.
#[derive(Debug, Clone, PartialEq)]
pub enum Context {
    /// A context referenced by URL.
    Url(String),
    /// An inline context definition (an object).
    Definition(Map<String, Value>),
}

impl Context {
    /// The URL, when this entry is one.
    pub fn as_url(&self) -> Option<&str> {
        match self {
            Context::Url(url) => Some(url),
            Context::Definition(_) => None,
        }
    }
}

impl From<&str> for Context {
    fn from(url: &str) -> Self {
        Context::Url(url.to_owned())
    }
}

impl From<String> for Context {
    fn from(url: String) -> Self {
        Context::Url(url)
    }
}

impl From<Map<String, Value>> for Context {
    fn from(definition: Map<String, Value>) -> Self {
        Context::Definition(definition)
    }
}

impl Serialize for Context {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Context::Url(url) => serializer.serialize_str(url),
            Context::Definition(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Context {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(url) => Ok(Context::Url(url)),
            Value::Object(map) => Ok(Context::Definition(map)),
            other => Err(serde::de::Error::custom(format_args!(
                "an @context entry must be a URL string or an object, found {}",
                json_kind(&other)
            ))),
        }
    }
}

/// A short name of a JSON value's kind, for error messages that must not echo the value.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
