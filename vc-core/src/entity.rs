//! Issuers and holders: a URL, or an object with an `id` and more properties.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::context::json_kind;

/// The value of `issuer` (and of a presentation's `holder`): a URL, or an object whose `id` is the URL
/// and whose other properties (`name`, `description`, `image`, ...) describe the party.
#[derive(Debug, Clone, PartialEq)]
pub enum Entity {
    /// Just the identifier, usually a DID.
    Url(String),
    /// An object; `id` is kept apart from the other properties, which are kept as they are.
    Object {
        /// The `id` property (absent ids are kept absent so that validation can report them).
        id: Option<String>,
        /// Every other property, in document order.
        properties: Map<String, Value>,
    },
}

impl Entity {
    /// The identifier: the URL itself, or the object's `id`.
    pub fn id(&self) -> Option<&str> {
        match self {
            Entity::Url(url) => Some(url),
            Entity::Object { id, .. } => id.as_deref(),
        }
    }
}

impl From<&str> for Entity {
    fn from(url: &str) -> Self {
        Entity::Url(url.to_owned())
    }
}

impl From<String> for Entity {
    fn from(url: String) -> Self {
        Entity::Url(url)
    }
}

impl From<crate::did::Did> for Entity {
    fn from(did: crate::did::Did) -> Self {
        Entity::Url(did.into_string())
    }
}

impl From<&crate::did::Did> for Entity {
    fn from(did: &crate::did::Did) -> Self {
        Entity::Url(did.as_str().to_owned())
    }
}

impl Serialize for Entity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Entity::Url(url) => serializer.serialize_str(url),
            Entity::Object { id, properties } => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(properties.len() + 1))?;
                if let Some(id) = id {
                    map.serialize_entry("id", id)?;
                }
                for (key, value) in properties {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(deserializer)? {
            Value::String(url) => Ok(Entity::Url(url)),
            Value::Object(mut properties) => {
                let id = match properties.shift_remove("id") {
                    None => None,
                    Some(Value::String(id)) => Some(id),
                    Some(other) => {
                        return Err(D::Error::custom(format_args!(
                            "an `id` must be a string, found {}",
                            json_kind(&other)
                        )))
                    }
                };
                Ok(Entity::Object { id, properties })
            }
            other => Err(D::Error::custom(format_args!(
                "expected a URL or an object with an `id`, found {}",
                json_kind(&other)
            ))),
        }
    }
}
