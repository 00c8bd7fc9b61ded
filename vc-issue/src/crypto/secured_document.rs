//! What a proof suite secures: any JSON-LD document with proofs, not only a credential.
//!
//! Credentials, presentations (a DID Authentication response, say) and bare JSON-LD objects (the
//! DIDComm issuance protocol's `signatureChallenge`) are all signed the same way; a suite sees them
//! through [`SecuredDocument`], so none of them has to be dressed up as a [`Credential`] first.

use std::fmt::Debug;

use serde_json::{Map, Value};
use vc_core::parse::check_depth;
use vc_core::{Context, Credential, DataModelVersion, OneOrMany, ParseLimits, Presentation, Proof};

use crate::error::IssueError;

/// A document a proof suite can sign or check: its JSON, its contexts and the proofs it carries.
///
/// Implemented by [`Credential`], [`Presentation`] and [`JsonDocument`] (any JSON-LD object).
pub trait SecuredDocument: Send + Sync + Debug {
    /// The document as JSON, its `proof` member included (as the document serializes it).
    fn to_json(&self) -> Result<Value, IssueError>;

    /// The `@context` entries.
    fn contexts(&self) -> &[Context];

    /// The proofs the document already carries.
    fn proofs(&self) -> &[Proof];

    /// Adds `proof`, keeping those already there (a proof set).
    fn add_proof(&mut self, proof: Proof);

    /// The data model version its first `@context` entry selects, if it is a known base context.
    fn version(&self) -> Option<DataModelVersion> {
        self.contexts()
            .first()
            .and_then(Context::as_url)
            .and_then(DataModelVersion::from_base_context)
    }

    /// Whether `type` includes `type_`.
    fn has_type(&self, type_: &str) -> bool;
}

/// Credentials and presentations are secured the same way: vc-core's types, each with its own
/// `proof` member.
macro_rules! secured_by_vc_core {
    ($($document:ty),+) => {$(
        impl SecuredDocument for $document {
            fn to_json(&self) -> Result<Value, IssueError> {
                Ok(self.to_value()?)
            }

            fn contexts(&self) -> &[Context] {
                <$document>::contexts(self)
            }

            fn proofs(&self) -> &[Proof] {
                <$document>::proofs(self)
            }

            fn add_proof(&mut self, proof: Proof) {
                push(&mut self.proof, proof);
            }

            fn has_type(&self, type_: &str) -> bool {
                <$document>::has_type(self, type_)
            }
        }
    )+};
}

secured_by_vc_core!(Credential, Presentation);

/// Any JSON-LD object, kept exactly as it was given (member order included), with its
/// `@context` and `proof` members read once.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonDocument {
    members: Map<String, Value>,
    contexts: Vec<Context>,
    proofs: Vec<Proof>,
}

impl JsonDocument {
    /// The document `value`: a JSON object nesting at most
    /// [`ParseLimits::DEFAULT_MAX_DEPTH`] deep, whose `@context` and `proof` (if present) are
    /// well-formed.
    pub fn new(value: Value) -> Result<Self, IssueError> {
        check_depth(&value, ParseLimits::DEFAULT_MAX_DEPTH)?;
        let Value::Object(members) = value else {
            return Err(IssueError::InvalidRequest {
                reason: "a secured document is a JSON object".to_owned(),
            });
        };
        let contexts = member::<OneOrMany<Context>>(&members, "@context")?;
        let proofs = member::<OneOrMany<Proof>>(&members, "proof")?;
        Ok(Self {
            contexts: contexts.map(OneOrMany::into_vec).unwrap_or_default(),
            proofs: proofs.map(OneOrMany::into_vec).unwrap_or_default(),
            members,
        })
    }

    /// The document as JSON, with the proofs added since.
    pub fn into_value(self) -> Value {
        Value::Object(self.members)
    }
}

/// The member `name` of `members`, parsed.
fn member<T: serde::de::DeserializeOwned>(
    members: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<T>, IssueError> {
    members
        .get(name)
        .map(|value| T::deserialize(value))
        .transpose()
        .map_err(|e| IssueError::InvalidRequest {
            reason: format!("the document's {name} is malformed: {e}"),
        })
}

impl SecuredDocument for JsonDocument {
    fn to_json(&self) -> Result<Value, IssueError> {
        Ok(Value::Object(self.members.clone()))
    }

    fn contexts(&self) -> &[Context] {
        &self.contexts
    }

    fn proofs(&self) -> &[Proof] {
        &self.proofs
    }

    fn add_proof(&mut self, proof: Proof) {
        let value = serde_json::to_value(&proof);
        self.proofs.push(proof);
        // A `Proof` always serializes (its fields are strings, dates and JSON values).
        let Ok(value) = value else { return };
        match self.members.get_mut("proof") {
            Some(Value::Array(proofs)) => proofs.push(value),
            Some(one) => {
                let first = one.take();
                *one = Value::Array(vec![first, value]);
            }
            None => {
                self.members.insert("proof".to_owned(), value);
            }
        }
    }

    fn has_type(&self, type_: &str) -> bool {
        match self.members.get("type") {
            Some(Value::String(one)) => one == type_,
            Some(Value::Array(many)) => many.iter().any(|t| t.as_str() == Some(type_)),
            _ => false,
        }
    }
}

/// Adds `proof` to a `proof` member (one proof stays an object, two become an array).
fn push(proofs: &mut Option<OneOrMany<Proof>>, proof: Proof) {
    match proofs {
        Some(proofs) => proofs.push(proof),
        None => *proofs = Some(OneOrMany::One(proof)),
    }
}

/// The document without its `proof` member: what a proof covers.
pub(crate) fn unsecured_json(document: &dyn SecuredDocument) -> Result<Value, IssueError> {
    // Serializing and dropping `proof` avoids copying the whole document first.
    let mut value = document.to_json()?;
    if let Value::Object(members) = &mut value {
        members.shift_remove("proof");
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_json_document_keeps_its_members_and_gathers_proofs() {
        let mut document = JsonDocument::new(json!({
            "challenge": "c", "@context": ["https://www.w3.org/ns/credentials/v2"],
        }))
        .unwrap();
        assert_eq!(document.version(), Some(DataModelVersion::V2));
        assert!(document.proofs().is_empty());
        document.add_proof(Proof::new("DataIntegrityProof"));
        assert_eq!(
            document.to_json().unwrap()["proof"]["type"],
            "DataIntegrityProof"
        );
        document.add_proof(Proof::new("Ed25519Signature2020"));
        assert_eq!(document.proofs().len(), 2);
        let value = document.into_value();
        assert_eq!(value["proof"][1]["type"], "Ed25519Signature2020");
        // Member order as given, proofs last.
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["challenge", "@context", "proof"]);
    }

    #[test]
    fn a_json_document_is_an_object_with_well_formed_proofs() {
        assert!(JsonDocument::new(json!(["not", "an", "object"])).is_err());
        assert!(JsonDocument::new(json!({"proof": 7})).is_err());
    }
}
