//! Verifiable presentations: credentials (or nothing, for DID authentication) presented by a holder.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::context::{Context, DataModelVersion};
use crate::credential::Credential;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::one_or_many::OneOrMany;
use crate::parse::{check_depth, from_json_slice, ParseLimits};
use crate::proof::Proof;
use crate::validation::{self, ValidationErrors};

/// The type every presentation must have.
pub const VERIFIABLE_PRESENTATION: &str = "VerifiablePresentation";

/// A verifiable presentation (VC Data Model 2.0 or 1.1).
///
/// Credentials are kept as JSON values, because a presentation may carry enveloped credentials (JWT
/// strings) next to embedded ones; [`credentials`](Self::credentials) parses the embedded ones.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Presentation {
    /// `@context`, the base context first.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<OneOrMany<Context>>,
    /// The presentation's identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: `VerifiablePresentation` and more.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub types: Option<OneOrMany<String>>,
    /// Who presents (usually the DID that signs the proof).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Entity>,
    /// The presented credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifiable_credential: Option<OneOrMany<Value>>,
    /// Every other property, in document order.
    #[serde(flatten)]
    pub properties: Map<String, Value>,
    /// The holder's proof(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<OneOrMany<Proof>>,
}

impl Presentation {
    /// An empty presentation of the given version by `holder` (the shape of a DID Authentication
    /// response before it is signed).
    pub fn new(version: DataModelVersion, holder: impl Into<Entity>) -> Self {
        Self {
            context: Some(OneOrMany::Many(vec![Context::from(version.base_context())])),
            types: Some(OneOrMany::Many(vec![VERIFIABLE_PRESENTATION.to_owned()])),
            holder: Some(holder.into()),
            ..Self::default()
        }
    }

    /// Parses a presentation from JSON text under [`ParseLimits::default`] (size, nesting,
    /// duplicate keys: see [`parse`](crate::parse)).
    pub fn from_json(json: &str) -> Result<Self> {
        Self::from_json_with_limits(json.as_bytes(), &ParseLimits::default())
    }

    /// Parses a presentation from JSON bytes under explicit limits.
    pub fn from_json_with_limits(json: &[u8], limits: &ParseLimits) -> Result<Self> {
        from_json_slice(json, limits)
    }

    /// Converts a JSON value into a presentation, refusing one that nests deeper than
    /// [`ParseLimits::DEFAULT_MAX_DEPTH`] ([`Error::NestingTooDeep`]).
    pub fn from_value(value: Value) -> Result<Self> {
        check_depth(&value, ParseLimits::DEFAULT_MAX_DEPTH)?;
        serde_json::from_value(value).map_err(Error::from_json)
    }

    /// The presentation as a JSON value.
    pub fn to_value(&self) -> Result<Value> {
        serde_json::to_value(self).map_err(Error::from_json)
    }

    /// Adds an embedded credential.
    pub fn push_credential(&mut self, credential: &Credential) -> Result<()> {
        let value = credential.to_value()?;
        match &mut self.verifiable_credential {
            Some(credentials) => credentials.push(value),
            None => self.verifiable_credential = Some(OneOrMany::Many(vec![value])),
        }
        Ok(())
    }

    /// The `@context` entries.
    pub fn contexts(&self) -> &[Context] {
        self.context.as_ref().map_or(&[], OneOrMany::as_slice)
    }

    /// Whether `type` includes `type_`.
    pub fn has_type(&self, type_: &str) -> bool {
        self.types
            .as_ref()
            .is_some_and(|types| types.iter().any(|t| t == type_))
    }

    /// The holder's identifier.
    pub fn holder_id(&self) -> Option<&str> {
        self.holder.as_ref().and_then(Entity::id)
    }

    /// The embedded credentials, parsed (enveloped JWT strings are skipped).
    pub fn credentials(&self) -> Result<Vec<Credential>> {
        self.verifiable_credential
            .iter()
            .flat_map(OneOrMany::iter)
            .filter(|value| value.is_object())
            .map(|value| Credential::from_value(value.clone()))
            .collect()
    }

    /// The proofs.
    pub fn proofs(&self) -> &[Proof] {
        self.proof.as_ref().map_or(&[], OneOrMany::as_slice)
    }

    /// Checks the presentation and every embedded credential against the data model.
    pub fn validate(&self) -> std::result::Result<(), ValidationErrors> {
        validation::validate_presentation(self)
    }
}
