//! `credentialSubject`: the entity the claims are about.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One credential subject: an optional `id` (usually the holder's DID) and the claims, kept as JSON.
///
/// Claims stay `serde_json` values on purpose: the data model must not force a schema on issuers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CredentialSubject {
    /// The subject's identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Every other property of the subject.
    #[serde(flatten)]
    pub claims: Map<String, Value>,
}

impl CredentialSubject {
    /// A subject with an id and claims.
    pub fn new(id: impl Into<String>, claims: Map<String, Value>) -> Self {
        Self {
            id: Some(id.into()),
            claims,
        }
    }

    /// Whether the subject says nothing at all (no `id`, no claims).
    pub fn is_empty(&self) -> bool {
        self.id.is_none() && self.claims.is_empty()
    }
}

impl TryFrom<Value> for CredentialSubject {
    type Error = crate::Error;
    /// Takes a JSON object; its `id`, if any, must be a string.
    fn try_from(value: Value) -> Result<Self, Self::Error> {
        serde_json::from_value(value).map_err(crate::Error::from_json)
    }
}
