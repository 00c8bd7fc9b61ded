//! Typed auxiliary resources: `credentialStatus`, `credentialSchema`, `evidence`, `termsOfUse`,
//! `refreshService`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::one_or_many::OneOrMany;

/// An object with an optional `id`, a `type`, and properties specific to that type.
///
/// The data model requires a `type` on each of these; it is optional here so that a document missing
/// it still loads and [`validate`](crate::Credential::validate) can say exactly which entry lacks it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TypedResource {
    /// The resource's identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The resource's type(s), such as `BitstringStatusListEntry` or `JsonSchema`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub types: Option<OneOrMany<String>>,
    /// Every other property, in document order.
    #[serde(flatten)]
    pub properties: Map<String, Value>,
}

impl TypedResource {
    /// A resource with a type and no other property yet.
    pub fn new(type_: impl Into<String>) -> Self {
        Self {
            id: None,
            types: Some(OneOrMany::One(type_.into())),
            properties: Map::new(),
        }
    }

    /// Sets the `id`.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Adds (or replaces) a property.
    pub fn with_property(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.properties.insert(key.into(), value.into());
        self
    }

    /// Whether `type` names `type_`.
    pub fn has_type(&self, type_: &str) -> bool {
        self.types
            .as_ref()
            .is_some_and(|types| types.iter().any(|t| t == type_))
    }
}

/// A `credentialStatus` entry (for example a `BitstringStatusListEntry`).
pub type CredentialStatus = TypedResource;
/// A `credentialSchema` entry (for example a `JsonSchema`).
pub type CredentialSchema = TypedResource;
