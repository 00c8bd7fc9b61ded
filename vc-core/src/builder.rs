//! Building new credentials.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::clock::{Clock, SystemClock};
use crate::context::{Context, DataModelVersion};
use crate::credential::{Credential, VERIFIABLE_CREDENTIAL};
use crate::credential_id::CredentialId;
use crate::datetime::DateTime;
use crate::entity::Entity;
use crate::error::{Error, Result};
use crate::language::LanguageValue;
use crate::one_or_many::OneOrMany;
use crate::resource::TypedResource;
use crate::subject::CredentialSubject;

/// Builds a credential, fills in what an issuer always sets (base context, `VerifiableCredential`
/// type, a `urn:uuid` id, the issuance time from the clock) and validates the result.
///
/// ```
/// use vc_core::{Credential, CredentialSubject, DataModelVersion};
/// use serde_json::json;
///
/// let vc = Credential::builder()
///     .context("https://www.w3.org/ns/credentials/examples/v2")
///     .type_("ExampleDegreeCredential")
///     .issuer("did:example:issuer")
///     .subject_value(json!({"id": "did:example:holder", "degree": {"name": "BSc"}}))
///     .build()?;
/// assert_eq!(vc.version(), Some(DataModelVersion::V2));
/// assert!(vc.id.as_deref().is_some_and(|id| id.starts_with("urn:uuid:")));
/// assert!(vc.valid_from.is_some());
/// # Ok::<(), vc_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct CredentialBuilder {
    version: DataModelVersion,
    id: Option<CredentialId>,
    without_id: bool,
    contexts: Vec<Context>,
    types: Vec<String>,
    name: Option<LanguageValue>,
    description: Option<LanguageValue>,
    issuer: Option<Entity>,
    subjects: Vec<SubjectInput>,
    valid_from: Option<DateTime>,
    valid_until: Option<DateTime>,
    statuses: Vec<TypedResource>,
    schemas: Vec<TypedResource>,
    evidence: Vec<TypedResource>,
    terms_of_use: Vec<TypedResource>,
    refresh_services: Vec<TypedResource>,
    properties: Map<String, Value>,
    clock: Option<Arc<dyn Clock>>,
}

impl CredentialBuilder {
    /// A builder for a VC 2.0 credential.
    pub fn new() -> Self {
        Self::default()
    }

    /// Chooses the data model version (2.0 by default). For 1.1 the dates become `issuanceDate` and
    /// `expirationDate`.
    pub fn version(mut self, version: DataModelVersion) -> Self {
        self.version = version;
        self
    }

    /// Sets the credential id (a fresh `urn:uuid` otherwise).
    pub fn id(mut self, id: CredentialId) -> Self {
        self.id = Some(id);
        self
    }

    /// Leaves the credential without an `id` (allowed by the data model, useful for bearer-less or
    /// privacy-preserving credentials).
    pub fn without_id(mut self) -> Self {
        self.without_id = true;
        self
    }

    /// Adds a context after the base context (duplicates are skipped).
    pub fn context(mut self, context: impl Into<Context>) -> Self {
        let context = context.into();
        if !self.contexts.contains(&context) {
            self.contexts.push(context);
        }
        self
    }

    /// Adds a type after `VerifiableCredential` (duplicates are skipped).
    pub fn type_(mut self, type_: impl Into<String>) -> Self {
        let type_ = type_.into();
        if type_ != VERIFIABLE_CREDENTIAL && !self.types.contains(&type_) {
            self.types.push(type_);
        }
        self
    }

    /// Sets the name.
    pub fn name(mut self, name: impl Into<LanguageValue>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<LanguageValue>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the issuer (a DID or URL, or an object with an `id`).
    pub fn issuer(mut self, issuer: impl Into<Entity>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Adds a subject.
    pub fn subject(mut self, subject: CredentialSubject) -> Self {
        self.subjects.push(SubjectInput::Typed(subject));
        self
    }

    /// Adds a subject given as a JSON object; a non-object is reported by [`build`](Self::build).
    pub fn subject_value(mut self, subject: Value) -> Self {
        self.subjects.push(SubjectInput::Json(subject));
        self
    }

    /// Sets when the credential starts being valid (the issuance time from the clock otherwise).
    pub fn valid_from(mut self, at: impl Into<DateTime>) -> Self {
        self.valid_from = Some(at.into());
        self
    }

    /// Sets when the credential stops being valid.
    pub fn valid_until(mut self, at: impl Into<DateTime>) -> Self {
        self.valid_until = Some(at.into());
        self
    }

    /// Adds a `credentialStatus` entry.
    pub fn status(mut self, status: TypedResource) -> Self {
        self.statuses.push(status);
        self
    }

    /// Adds a `credentialSchema` entry.
    pub fn schema(mut self, schema: TypedResource) -> Self {
        self.schemas.push(schema);
        self
    }

    /// Adds an `evidence` entry.
    pub fn evidence(mut self, evidence: TypedResource) -> Self {
        self.evidence.push(evidence);
        self
    }

    /// Adds a `termsOfUse` entry.
    pub fn terms_of_use(mut self, terms: TypedResource) -> Self {
        self.terms_of_use.push(terms);
        self
    }

    /// Adds a `refreshService` entry.
    pub fn refresh_service(mut self, service: TypedResource) -> Self {
        self.refresh_services.push(service);
        self
    }

    /// Adds a property the data model does not define (it must be defined by one of the contexts).
    pub fn property(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.properties.insert(key.into(), value.into());
        self
    }

    /// The clock that gives the issuance time (the system clock otherwise).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Assembles and validates the credential.
    ///
    /// Fails with [`Error::InvalidDocument`] when a subject is not a JSON object and with
    /// [`Error::Invalid`] listing every broken data-model rule.
    pub fn build(self) -> Result<Credential> {
        let now = match &self.clock {
            Some(clock) => clock.now(),
            None => SystemClock.now(),
        };
        let mut contexts = vec![Context::from(self.version.base_context())];
        contexts.extend(self.contexts.into_iter().filter(|c| {
            c.as_url()
                .and_then(DataModelVersion::from_base_context)
                .is_none()
        }));
        let mut types = vec![VERIFIABLE_CREDENTIAL.to_owned()];
        types.extend(self.types);
        let subjects = self
            .subjects
            .into_iter()
            .map(SubjectInput::into_subject)
            .collect::<Result<Vec<_>>>()?;
        let id = match (self.without_id, self.id) {
            (true, _) => None,
            (false, Some(id)) => Some(id.into_string()),
            (false, None) => Some(CredentialId::new_uuid().into_string()),
        };
        let start = self.valid_from.unwrap_or_else(|| DateTime::from(now));
        let (valid_from, valid_until, issuance_date, expiration_date) = match self.version {
            DataModelVersion::V1 => (None, None, Some(start), self.valid_until),
            _ => (Some(start), self.valid_until, None, None),
        };
        let credential = Credential {
            context: Some(OneOrMany::Many(contexts)),
            id,
            types: Some(OneOrMany::Many(types)),
            name: self.name,
            description: self.description,
            issuer: self.issuer,
            valid_from,
            valid_until,
            issuance_date,
            expiration_date,
            credential_subject: one_or_many(subjects),
            credential_status: one_or_many(self.statuses),
            credential_schema: one_or_many(self.schemas),
            evidence: one_or_many(self.evidence),
            terms_of_use: one_or_many(self.terms_of_use),
            refresh_service: one_or_many(self.refresh_services),
            properties: self.properties,
            proof: None,
        };
        credential.validate()?;
        Ok(credential)
    }
}

/// A subject as given to the builder: typed, or JSON that is checked when the credential is built.
#[derive(Debug, Clone)]
enum SubjectInput {
    Typed(CredentialSubject),
    Json(Value),
}

impl SubjectInput {
    fn into_subject(self) -> Result<CredentialSubject> {
        match self {
            SubjectInput::Typed(subject) => Ok(subject),
            SubjectInput::Json(value) => serde_json::from_value(value).map_err(Error::from_json),
        }
    }
}

/// A single value stays single (the form the specification examples use); several become an array.
fn one_or_many<T>(mut values: Vec<T>) -> Option<OneOrMany<T>> {
    match values.len() {
        0 => None,
        1 => values.pop().map(OneOrMany::One),
        _ => Some(OneOrMany::Many(values)),
    }
}
