//! Verifiable credentials of the VC Data Model 2.0 and 1.1.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::builder::CredentialBuilder;
use crate::context::{Context, DataModelVersion};
use crate::datetime::DateTime;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::language::LanguageValue;
use crate::one_or_many::OneOrMany;
use crate::parse::{check_depth, parse_value, ParseLimits};
use crate::preserve;
use crate::proof::Proof;
use crate::resource::TypedResource;
use crate::subject::CredentialSubject;
use crate::validation::{self, ValidationErrors};

/// The type every credential must have.
pub const VERIFIABLE_CREDENTIAL: &str = "VerifiableCredential";

/// A verifiable credential (VC Data Model 2.0 or 1.1), signed or not.
///
/// Every property of the data model has a field; anything else is kept in
/// [`properties`](Self::properties), and each property keeps the form it was written in (one value or
/// an array), so parsing and serializing again loses nothing. Required properties are `Option`s so that
/// a document that lacks them still loads and [`validate`](Self::validate) can list every problem.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Credential {
    /// `@context`: the base context of the version first, then the rest.
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<OneOrMany<Context>>,
    /// The credential's identifier (a URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: `VerifiableCredential` and more specific types.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub types: Option<OneOrMany<String>>,
    /// A name for the credential, possibly per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LanguageValue>,
    /// A description of the credential, possibly per language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageValue>,
    /// Who issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Entity>,
    /// 2.0: from when the credential is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime>,
    /// 2.0: until when the credential is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime>,
    /// 1.1: when the credential was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuance_date: Option<DateTime>,
    /// 1.1: when the credential expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime>,
    /// The subject(s) and their claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_subject: Option<OneOrMany<CredentialSubject>>,
    /// Where to check whether the credential was revoked or suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<OneOrMany<TypedResource>>,
    /// The schema(s) the credential follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_schema: Option<OneOrMany<TypedResource>>,
    /// Evidence the issuer relied on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<OneOrMany<TypedResource>>,
    /// Terms of use set by the issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_use: Option<OneOrMany<TypedResource>>,
    /// Where the holder can get a fresh copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_service: Option<OneOrMany<TypedResource>>,
    /// Every other property, in document order.
    #[serde(flatten)]
    pub properties: Map<String, Value>,
    /// The proof(s); absent on an unsigned credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<OneOrMany<Proof>>,
}

impl Credential {
    /// A builder for a new VC 2.0 credential (call [`CredentialBuilder::version`] for 1.1).
    pub fn builder() -> CredentialBuilder {
        CredentialBuilder::new()
    }

    /// Parses a credential from JSON text under [`ParseLimits::default`] (size, nesting, duplicate
    /// keys: see [`parse`](crate::parse)).
    ///
    /// Malformed JSON is [`Error::MalformedJson`]; well-formed JSON of the wrong shape is
    /// [`Error::InvalidDocument`]. Parsing does not [`validate`](Self::validate), but it refuses
    /// what the credential could not write back as it was sent (a `null`, a language value object
    /// with a key besides `@value`, `@language` and `@direction`) as [`Error::Invalid`], with the
    /// pointer: what is signed must be what was sent.
    pub fn from_json(json: &str) -> Result<Self> {
        Self::from_json_with_limits(json.as_bytes(), &ParseLimits::default())
    }

    /// Parses a credential from JSON bytes under explicit limits.
    pub fn from_json_with_limits(json: &[u8], limits: &ParseLimits) -> Result<Self> {
        Self::from_sent(&parse_value(json, limits)?)
    }

    /// Converts a JSON value into a credential, refusing one that nests deeper than
    /// [`ParseLimits::DEFAULT_MAX_DEPTH`] ([`Error::NestingTooDeep`]).
    pub fn from_value(value: Value) -> Result<Self> {
        Self::from_value_with_limits(value, &ParseLimits::default())
    }

    /// Converts a JSON value into a credential under `limits.max_depth`.
    pub fn from_value_with_limits(value: Value, limits: &ParseLimits) -> Result<Self> {
        check_depth(&value, limits.max_depth)?;
        Self::from_sent(&value)
    }

    /// Reads a credential that must write back to what was sent: a language value object that
    /// breaks its rules, or anything else the typed form would drop or change (a `null`), is
    /// refused as [`Error::Invalid`] with its pointer.
    fn from_sent(sent: &Value) -> Result<Self> {
        validation::finish(preserve::raw_rules(sent))?;
        let credential = Credential::deserialize(sent).map_err(Error::from_json)?;
        let kept = serde_json::to_value(&credential).map_err(Error::from_json)?;
        validation::finish(preserve::difference(sent, &kept).into_iter().collect())?;
        Ok(credential)
    }

    /// The credential as a JSON value.
    pub fn to_value(&self) -> Result<Value> {
        serde_json::to_value(self).map_err(Error::from_json)
    }

    /// The credential as compact JSON text.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(Error::from_json)
    }

    /// The credential as indented JSON text.
    pub fn to_json_pretty(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(Error::from_json)
    }

    /// The data model version its first `@context` entry selects, if it is a known base context.
    pub fn version(&self) -> Option<DataModelVersion> {
        self.contexts()
            .first()
            .and_then(Context::as_url)
            .and_then(DataModelVersion::from_base_context)
    }

    /// The `@context` entries.
    pub fn contexts(&self) -> &[Context] {
        self.context.as_ref().map_or(&[], OneOrMany::as_slice)
    }

    /// The `type` values.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.types.iter().flat_map(|t| t.iter().map(String::as_str))
    }

    /// Whether `type` includes `type_`.
    pub fn has_type(&self, type_: &str) -> bool {
        self.types().any(|t| t == type_)
    }

    /// The issuer's identifier.
    pub fn issuer_id(&self) -> Option<&str> {
        self.issuer.as_ref().and_then(Entity::id)
    }

    /// The credential subjects.
    pub fn subjects(&self) -> &[CredentialSubject] {
        self.credential_subject
            .as_ref()
            .map_or(&[], OneOrMany::as_slice)
    }

    /// The `credentialStatus` entries.
    pub fn statuses(&self) -> &[TypedResource] {
        self.credential_status
            .as_ref()
            .map_or(&[], OneOrMany::as_slice)
    }

    /// The `credentialSchema` entries.
    pub fn schemas(&self) -> &[TypedResource] {
        self.credential_schema
            .as_ref()
            .map_or(&[], OneOrMany::as_slice)
    }

    /// The proofs.
    pub fn proofs(&self) -> &[Proof] {
        self.proof.as_ref().map_or(&[], OneOrMany::as_slice)
    }

    /// Adds a proof, keeping any that are already there (a proof set).
    pub fn add_proof(&mut self, proof: Proof) {
        match &mut self.proof {
            Some(proofs) => proofs.push(proof),
            None => self.proof = Some(OneOrMany::One(proof)),
        }
    }

    /// A copy without its proof(s): what a proof signs and what an offer carries.
    pub fn without_proof(&self) -> Self {
        Self {
            proof: None,
            ..self.clone()
        }
    }

    /// When the credential starts being valid: `validFrom` (2.0) or `issuanceDate` (1.1).
    pub fn valid_from_or_issued(&self) -> Option<&DateTime> {
        self.valid_from.as_ref().or(self.issuance_date.as_ref())
    }

    /// When the credential stops being valid: `validUntil` (2.0) or `expirationDate` (1.1).
    pub fn valid_until_or_expires(&self) -> Option<&DateTime> {
        self.valid_until.as_ref().or(self.expiration_date.as_ref())
    }

    /// Checks every rule of the data model and reports all that are broken.
    ///
    /// Signatures are not checked here; that is the job of a proof suite.
    pub fn validate(&self) -> std::result::Result<(), ValidationErrors> {
        validation::validate_credential(self)
    }

    /// The JCS (RFC 8785) canonical form of the credential.
    pub fn canonicalize(&self) -> Result<String> {
        crate::jcs::canonicalize(self)
    }

    /// The `credentialHash` of the DIDComm issuance protocol: base58 of SHA-256 of the JCS form,
    /// computed over the credential as it is (with its proof, if it has one).
    pub fn credential_hash(&self) -> Result<String> {
        crate::jcs::credential_hash(self)
    }
}

impl std::str::FromStr for Credential {
    type Err = Error;
    fn from_str(json: &str) -> Result<Self> {
        Self::from_json(json)
    }
}

impl TryFrom<Value> for Credential {
    type Error = Error;
    fn try_from(value: Value) -> Result<Self> {
        Self::from_value(value)
    }
}
