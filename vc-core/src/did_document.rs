//! DID documents, as far as issuing and verifying credentials needs them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::one_or_many::OneOrMany;
use crate::public_key::PublicKey;

/// A DID document: verification methods and the relationships that authorize them.
///
/// Properties not modelled here (services, `alsoKnownAs`, ...) are kept in
/// [`properties`](Self::properties).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DidDocument {
    /// `@context`, if any.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The DID.
    pub id: String,
    /// The controller(s) of the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<OneOrMany<String>>,
    /// The verification methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_method: Vec<VerificationMethod>,
    /// Methods that may authenticate as the DID subject (DID Authentication).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication: Vec<VerificationRelationship>,
    /// Methods that may issue credentials (assertions) for the DID subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertion_method: Vec<VerificationRelationship>,
    /// Key agreement methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_agreement: Vec<VerificationRelationship>,
    /// Methods that may invoke capabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_invocation: Vec<VerificationRelationship>,
    /// Methods that may delegate capabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_delegation: Vec<VerificationRelationship>,
    /// Every other property.
    #[serde(flatten)]
    pub properties: Map<String, Value>,
}

/// A verification method: a key and who controls it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerificationMethod {
    /// The method's id, a DID URL (may be relative, such as `#key-1`).
    pub id: String,
    /// `Multikey`, `Ed25519VerificationKey2020`, `JsonWebKey2020`, ...
    #[serde(rename = "type")]
    pub type_: String,
    /// The DID that controls the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// The key as a Multikey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
    /// The key as a JWK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<Value>,
    /// Every other property.
    #[serde(flatten)]
    pub properties: Map<String, Value>,
}

impl VerificationMethod {
    /// The public key, from `publicKeyMultibase` or `publicKeyJwk`.
    pub fn public_key(&self) -> Result<PublicKey> {
        match (&self.public_key_multibase, &self.public_key_jwk) {
            (Some(multikey), _) => PublicKey::from_multikey(multikey),
            (None, Some(jwk)) => PublicKey::from_jwk(jwk),
            (None, None) => Err(Error::InvalidDidKey {
                reason: format!("verification method {} publishes no key", self.id),
            }),
        }
    }
}

/// An entry of a verification relationship: a reference to a method, or an embedded method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VerificationRelationship {
    /// A reference (absolute DID URL or relative `#fragment`) to a method in `verificationMethod`.
    Reference(String),
    /// A method defined in place.
    Embedded(Box<VerificationMethod>),
}

impl DidDocument {
    /// Parses a DID document from JSON.
    pub fn from_value(value: Value) -> Result<Self> {
        serde_json::from_value(value).map_err(Error::from_json)
    }

    /// The methods authorized for `assertionMethod`, references resolved against this document.
    pub fn assertion_methods(&self) -> Vec<&VerificationMethod> {
        self.resolve_relationship(&self.assertion_method)
    }

    /// The methods authorized for `authentication`, references resolved against this document.
    pub fn authentication_methods(&self) -> Vec<&VerificationMethod> {
        self.resolve_relationship(&self.authentication)
    }

    /// Finds a verification method by id (absolute or relative to this document).
    pub fn verification_method(&self, id: &str) -> Option<&VerificationMethod> {
        self.verification_method
            .iter()
            .find(|method| self.same_id(&method.id, id))
    }

    /// The absolute form of a method id (relative `#fragment` ids are joined to the DID).
    pub fn absolute_id(&self, id: &str) -> String {
        if id.starts_with('#') {
            format!("{}{id}", self.id)
        } else {
            id.to_owned()
        }
    }

    fn same_id(&self, a: &str, b: &str) -> bool {
        a == b || self.absolute_id(a) == self.absolute_id(b)
    }

    fn resolve_relationship<'a>(
        &'a self,
        entries: &'a [VerificationRelationship],
    ) -> Vec<&'a VerificationMethod> {
        entries
            .iter()
            .filter_map(|entry| match entry {
                VerificationRelationship::Embedded(method) => Some(method.as_ref()),
                VerificationRelationship::Reference(id) => self.verification_method(id),
            })
            .collect()
    }
}

impl From<&crate::did_key::DidKey> for DidDocument {
    /// The `did:key` document, built directly (the same content as
    /// [`DidKey::did_document`](crate::did_key::DidKey::did_document), without a JSON round trip,
    /// because resolution of `did:key` issuers and holders is on the issuance hot path).
    fn from(key: &crate::did_key::DidKey) -> Self {
        let did = key.did().into_string();
        let method_id = key.verification_method_id().into_string();
        let reference = || vec![VerificationRelationship::Reference(method_id.clone())];
        Self {
            context: Some(Value::from(crate::did_key::DID_DOCUMENT_CONTEXT.to_vec())),
            verification_method: vec![VerificationMethod {
                id: method_id.clone(),
                type_: "Multikey".to_owned(),
                controller: Some(did.clone()),
                public_key_multibase: Some(key.multikey()),
                public_key_jwk: None,
                properties: Map::new(),
            }],
            authentication: reference(),
            assertion_method: reference(),
            capability_invocation: reference(),
            capability_delegation: reference(),
            key_agreement: Vec::new(),
            controller: None,
            properties: Map::new(),
            id: did,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::did_key::DidKey;

    #[test]
    fn direct_did_key_document_equals_the_json_one() {
        let key =
            DidKey::parse("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2").unwrap();
        let direct = DidDocument::from(&key);
        let parsed = DidDocument::from_value(key.did_document()).unwrap();
        assert_eq!(direct, parsed);
        assert_eq!(direct.assertion_methods().len(), 1);
        assert_eq!(
            direct.assertion_methods()[0]
                .public_key()
                .unwrap()
                .as_bytes(),
            key.public_key()
        );
    }
}
