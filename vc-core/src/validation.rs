//! The rules of the VC data model, checked all at once.
//!
//! [`Credential::validate`](crate::Credential::validate) and
//! [`Presentation::validate`](crate::Presentation::validate) return every broken rule, each a
//! [`ValidationError`] with a stable code and the JSON pointer of the offending property.

use std::fmt;

use crate::context::{Context, DataModelVersion};
use crate::credential::{Credential, VERIFIABLE_CREDENTIAL};
use crate::datetime::DateTime;
use crate::entity::Entity;
use crate::error_code::ErrorCode;
use crate::one_or_many::OneOrMany;
use crate::presentation::{Presentation, VERIFIABLE_PRESENTATION};
use crate::proof::{Proof, DATA_INTEGRITY_PROOF};
use crate::related_resource;
use crate::resource::TypedResource;
use crate::uri;

/// One broken rule of the data model, and where in the document it is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {rule}", if pointer.is_empty() { "/" } else { pointer.as_str() })]
#[non_exhaustive]
pub struct ValidationError {
    /// JSON pointer (RFC 6901) of the offending property; empty for the document itself.
    pub pointer: String,
    /// The rule that is broken.
    pub rule: Rule,
}

impl ValidationError {
    pub(crate) fn new(pointer: impl Into<String>, rule: Rule) -> Self {
        Self {
            pointer: pointer.into(),
            rule,
        }
    }

    /// A stable, upper-snake-case code for the rule (see [`Rule::code`]).
    pub fn code(&self) -> ErrorCode {
        self.rule.code()
    }
}

/// The rules of the data model that [`ValidationError`] reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rule {
    /// `@context` is missing or empty.
    #[error("@context is missing")]
    MissingContext,
    /// The first `@context` entry is not the base context of a known data model version.
    #[error("the first @context entry must be a VC base context, found {found:?}")]
    InvalidBaseContext {
        /// What was found (`<object>` for an inline definition).
        found: String,
    },
    /// `type` does not include `VerifiableCredential` (or `VerifiablePresentation`).
    #[error("type must include {expected}")]
    MissingType {
        /// The type that is required.
        expected: &'static str,
    },
    /// `issuer` is missing.
    #[error("issuer is missing")]
    MissingIssuer,
    /// A property that must be a URL is missing or is not one.
    #[error("must be a URL: {reason}")]
    InvalidUrl {
        /// Why it is not a URL.
        reason: &'static str,
    },
    /// A date property is not an XML Schema `dateTime` with a time zone.
    #[error("not a dateTime with a time zone: {reason}")]
    InvalidDateTime {
        /// Which rule of the lexical form it breaks.
        reason: &'static str,
    },
    /// A VC 1.1 credential has no `issuanceDate`.
    #[error("issuanceDate is required in a VC 1.1 credential")]
    MissingIssuanceDate,
    /// A property of one data model version is used in the other.
    #[error("not defined by the VC {version:?} data model")]
    PropertyNotInVersion {
        /// The document's version.
        version: DataModelVersion,
    },
    /// The credential stops being valid before it starts; the pointer names the end date.
    #[error("ends before {from_pointer}")]
    InvalidValidityPeriod {
        /// JSON pointer of the start (`/validFrom` or `/issuanceDate`).
        from_pointer: &'static str,
    },
    /// `credentialSubject` is missing or an empty array.
    #[error("credentialSubject is missing")]
    MissingSubject,
    /// A credential subject has no property at all.
    #[error("the subject is empty")]
    EmptySubject,
    /// A `credentialStatus`, `credentialSchema`, `evidence`, `termsOfUse` or `refreshService` entry
    /// has no `type`.
    #[error("has no type")]
    MissingResourceType,
    /// A `credentialSchema` entry has no `id`.
    #[error("has no id")]
    MissingResourceId,
    /// A proof lacks a property its type requires.
    #[error("{reason}")]
    InvalidProof {
        /// What is missing or wrong.
        reason: &'static str,
    },
    /// A credential embedded in a presentation does not parse as a credential.
    #[error("not a credential")]
    InvalidEmbeddedCredential,
    /// A language value object (`name`, `description`, or any object with `@value` and
    /// `@language` or `@direction`) holds another key, or a malformed value.
    #[error("not a language value object: {reason}")]
    InvalidLanguageValue {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A value the credential type cannot hold as it was sent (a `null`, say): parsing would drop
    /// or change it, so what is signed would not be what was sent.
    #[error("would not be kept as sent: {reason}")]
    NotPreserved {
        /// What would happen to it.
        reason: &'static str,
    },
    /// A `relatedResource` entry breaks VC Data Model 2.0 section 5.3.
    #[error("relatedResource: {reason}")]
    InvalidRelatedResource {
        /// Which rule it breaks.
        reason: &'static str,
    },
}

impl Rule {
    /// A stable, upper-snake-case code for the rule.
    pub fn code(&self) -> ErrorCode {
        match self {
            Rule::MissingContext => ErrorCode::CONTEXT_MISSING,
            Rule::InvalidBaseContext { .. } => ErrorCode::INVALID_BASE_CONTEXT,
            Rule::MissingType { .. } => ErrorCode::TYPE_MISSING,
            Rule::MissingIssuer => ErrorCode::ISSUER_MISSING,
            Rule::InvalidUrl { .. } => ErrorCode::INVALID_URL,
            Rule::InvalidDateTime { .. } => ErrorCode::INVALID_DATETIME,
            Rule::MissingIssuanceDate => ErrorCode::ISSUANCE_DATE_MISSING,
            Rule::PropertyNotInVersion { .. } => ErrorCode::PROPERTY_NOT_IN_VERSION,
            Rule::InvalidValidityPeriod { .. } => ErrorCode::INVALID_VALIDITY_PERIOD,
            Rule::MissingSubject => ErrorCode::SUBJECT_MISSING,
            Rule::EmptySubject => ErrorCode::SUBJECT_EMPTY,
            Rule::MissingResourceType => ErrorCode::RESOURCE_TYPE_MISSING,
            Rule::MissingResourceId => ErrorCode::RESOURCE_ID_MISSING,
            Rule::InvalidProof { .. } => ErrorCode::INVALID_PROOF,
            Rule::InvalidEmbeddedCredential => ErrorCode::INVALID_EMBEDDED_CREDENTIAL,
            Rule::InvalidLanguageValue { .. } => ErrorCode::LANGUAGE_VALUE_INVALID,
            Rule::NotPreserved { .. } => ErrorCode::VALUE_NOT_PRESERVED,
            Rule::InvalidRelatedResource { .. } => ErrorCode::RELATED_RESOURCE_INVALID,
        }
    }
}

/// Every rule a document breaks (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// The broken rules, in document order.
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }

    /// The codes of the broken rules.
    pub fn codes(&self) -> Vec<ErrorCode> {
        self.0.iter().map(ValidationError::code).collect()
    }

    /// Whether `code` is among the broken rules.
    pub fn contains(&self, code: &str) -> bool {
        self.0.iter().any(|e| e.code() == code)
    }

    /// The broken rules, by value.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the document breaks {} rule(s) of the data model: ",
            self.0.len()
        )?;
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error} [{}]", error.code())?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

pub(crate) fn finish(errors: Vec<ValidationError>) -> Result<(), ValidationErrors> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

pub(crate) fn validate_credential(credential: &Credential) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    credential_rules(credential, &Pointer::Root, &mut errors);
    finish(errors)
}

pub(crate) fn validate_presentation(presentation: &Presentation) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    let root = Pointer::Root;
    check_context(presentation.contexts(), &root, &mut errors);
    if !presentation.has_type(VERIFIABLE_PRESENTATION) {
        errors.push(ValidationError::new(
            "/type",
            Rule::MissingType {
                expected: VERIFIABLE_PRESENTATION,
            },
        ));
    }
    check_optional_url(presentation.id.as_deref(), &root.child("id"), &mut errors);
    if let Some(holder) = &presentation.holder {
        check_entity(holder, &root.child("holder"), &mut errors);
    }
    if let Some(credentials) = &presentation.verifiable_credential {
        let property = root.child("verifiableCredential");
        for (i, value) in credentials.iter().enumerate() {
            let pointer = element(credentials, &property, i);
            match Credential::from_value(value.clone()) {
                Ok(credential) => credential_rules(&credential, &pointer, &mut errors),
                // An enveloped credential (a JWT string) is not ours to validate here.
                Err(_) if value.is_string() => {}
                Err(_) => errors.push(ValidationError::new(
                    pointer.render(),
                    Rule::InvalidEmbeddedCredential,
                )),
            }
        }
    }
    check_proofs(presentation.proof.as_ref(), &root, &mut errors);
    finish(errors)
}

/// A JSON pointer, written out only when an error needs it: valid documents (what an issuer
/// builds) are the common case, and formatting every property's pointer up front was half of
/// the allocations of building a credential.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pointer<'a> {
    /// The document itself.
    Root,
    /// A member of the parent object.
    Member(&'a Pointer<'a>, &'a str),
    /// An element of the parent array.
    Index(&'a Pointer<'a>, usize),
}

impl<'a> Pointer<'a> {
    pub(crate) fn child(&'a self, name: &'a str) -> Pointer<'a> {
        Pointer::Member(self, name)
    }

    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Pointer::Root => {}
            Pointer::Member(parent, name) => {
                parent.write(out);
                out.push('/');
                out.push_str(name);
            }
            Pointer::Index(parent, i) => {
                parent.write(out);
                out.push('/');
                out.push_str(&i.to_string());
            }
        }
    }
}

/// Checks a credential; `base` is its own pointer inside an enclosing document (the root at top
/// level).
fn credential_rules(credential: &Credential, base: &Pointer, errors: &mut Vec<ValidationError>) {
    let version = check_context(credential.contexts(), base, errors);
    if !credential.has_type(VERIFIABLE_CREDENTIAL) {
        errors.push(ValidationError::new(
            base.child("type").render(),
            Rule::MissingType {
                expected: VERIFIABLE_CREDENTIAL,
            },
        ));
    }
    check_optional_url(credential.id.as_deref(), &base.child("id"), errors);
    let issuer = base.child("issuer");
    match &credential.issuer {
        None => errors.push(ValidationError::new(issuer.render(), Rule::MissingIssuer)),
        Some(entity) => check_entity(entity, &issuer, errors),
    }
    check_dates(credential, version, base, errors);
    check_subjects(credential, base, errors);
    for (name, resources) in [
        ("credentialStatus", &credential.credential_status),
        ("credentialSchema", &credential.credential_schema),
        ("evidence", &credential.evidence),
        ("termsOfUse", &credential.terms_of_use),
        ("refreshService", &credential.refresh_service),
    ] {
        if let Some(resources) = resources {
            check_resources(name, resources, base, errors);
        }
    }
    if let Some(related) = credential.properties.get("relatedResource") {
        related_resource::check(related, &base.child("relatedResource"), errors);
    }
    check_proofs(credential.proof.as_ref(), base, errors);
}

/// Checks the base context and returns the version it selects (2.0 when it cannot tell, so that the
/// remaining rules still run).
fn check_context(
    contexts: &[Context],
    base: &Pointer,
    errors: &mut Vec<ValidationError>,
) -> DataModelVersion {
    let pointer = base.child("@context");
    let Some(first) = contexts.first() else {
        errors.push(ValidationError::new(pointer.render(), Rule::MissingContext));
        return DataModelVersion::V2;
    };
    match first.as_url().and_then(DataModelVersion::from_base_context) {
        Some(version) => version,
        None => {
            let found = first.as_url().unwrap_or("<object>").to_owned();
            errors.push(ValidationError::new(
                pointer.render(),
                Rule::InvalidBaseContext { found },
            ));
            DataModelVersion::V2
        }
    }
}

fn check_dates(
    credential: &Credential,
    version: DataModelVersion,
    base: &Pointer,
    errors: &mut Vec<ValidationError>,
) {
    let fields = [
        ("validFrom", &credential.valid_from, DataModelVersion::V2),
        ("validUntil", &credential.valid_until, DataModelVersion::V2),
        (
            "issuanceDate",
            &credential.issuance_date,
            DataModelVersion::V1,
        ),
        (
            "expirationDate",
            &credential.expiration_date,
            DataModelVersion::V1,
        ),
    ];
    for (name, value, defined_in) in fields {
        let Some(value) = value else { continue };
        let pointer = base.child(name);
        if defined_in != version {
            errors.push(ValidationError::new(
                pointer.render(),
                Rule::PropertyNotInVersion { version },
            ));
        }
        check_date_time(value, &pointer, errors);
    }
    if version == DataModelVersion::V1 && credential.issuance_date.is_none() {
        errors.push(ValidationError::new(
            base.child("issuanceDate").render(),
            Rule::MissingIssuanceDate,
        ));
    }
    let periods = [
        (
            "/validFrom",
            &credential.valid_from,
            "validUntil",
            &credential.valid_until,
        ),
        (
            "/issuanceDate",
            &credential.issuance_date,
            "expirationDate",
            &credential.expiration_date,
        ),
    ];
    for (from_pointer, from, until_name, until) in periods {
        let (Some(Ok(from)), Some(Ok(until))) = (
            from.as_ref().map(DateTime::instant),
            until.as_ref().map(DateTime::instant),
        ) else {
            continue;
        };
        if until < from {
            errors.push(ValidationError::new(
                base.child(until_name).render(),
                Rule::InvalidValidityPeriod { from_pointer },
            ));
        }
    }
}

fn check_date_time(value: &DateTime, pointer: &Pointer, errors: &mut Vec<ValidationError>) {
    if let Err(crate::Error::InvalidDateTime { reason, .. }) = value.instant() {
        errors.push(ValidationError::new(
            pointer.render(),
            Rule::InvalidDateTime { reason },
        ));
    }
}

fn check_subjects(credential: &Credential, base: &Pointer, errors: &mut Vec<ValidationError>) {
    let property = base.child("credentialSubject");
    let Some(subjects) = credential
        .credential_subject
        .as_ref()
        .filter(|s| !s.is_empty())
    else {
        errors.push(ValidationError::new(
            property.render(),
            Rule::MissingSubject,
        ));
        return;
    };
    for (i, subject) in subjects.iter().enumerate() {
        let pointer = element(subjects, &property, i);
        if subject.is_empty() {
            errors.push(ValidationError::new(pointer.render(), Rule::EmptySubject));
            continue;
        }
        check_optional_url(subject.id.as_deref(), &pointer.child("id"), errors);
    }
}

fn check_resources(
    name: &str,
    resources: &OneOrMany<TypedResource>,
    base: &Pointer,
    errors: &mut Vec<ValidationError>,
) {
    let property = base.child(name);
    for (i, resource) in resources.iter().enumerate() {
        let pointer = element(resources, &property, i);
        if resource.types.as_ref().is_none_or(OneOrMany::is_empty) {
            errors.push(ValidationError::new(
                pointer.render(),
                Rule::MissingResourceType,
            ));
        }
        match &resource.id {
            None if name == "credentialSchema" => errors.push(ValidationError::new(
                pointer.render(),
                Rule::MissingResourceId,
            )),
            None => {}
            Some(id) => check_optional_url(Some(id), &pointer.child("id"), errors),
        }
    }
}

fn check_proofs(
    proofs: Option<&OneOrMany<Proof>>,
    base: &Pointer,
    errors: &mut Vec<ValidationError>,
) {
    let Some(proofs) = proofs else { return };
    let property = base.child("proof");
    for (i, proof) in proofs.iter().enumerate() {
        let pointer = element(proofs, &property, i);
        let mut invalid = |reason| {
            errors.push(ValidationError::new(
                pointer.render(),
                Rule::InvalidProof { reason },
            ))
        };
        if proof.type_.is_empty() {
            invalid("proof type is empty");
        }
        if proof.type_ == DATA_INTEGRITY_PROOF {
            if proof.cryptosuite.is_none() {
                invalid("a DataIntegrityProof needs a cryptosuite");
            }
            if proof.proof_purpose.is_none() {
                invalid("a DataIntegrityProof needs a proofPurpose");
            }
            if proof.verification_method.is_none() {
                invalid("a DataIntegrityProof needs a verificationMethod");
            }
        }
        for (name, value) in [("created", &proof.created), ("expires", &proof.expires)] {
            if let Some(value) = value {
                check_date_time(value, &pointer.child(name), errors);
            }
        }
    }
}

fn check_entity(entity: &Entity, pointer: &Pointer, errors: &mut Vec<ValidationError>) {
    match entity {
        Entity::Url(url) => check_optional_url(Some(url), pointer, errors),
        Entity::Object { id: None, .. } => errors.push(ValidationError::new(
            pointer.child("id").render(),
            Rule::InvalidUrl { reason: "missing" },
        )),
        Entity::Object { id: Some(id), .. } => {
            check_optional_url(Some(id), &pointer.child("id"), errors)
        }
    }
}

fn check_optional_url(value: Option<&str>, pointer: &Pointer, errors: &mut Vec<ValidationError>) {
    let Some(value) = value else { return };
    if let Err(crate::Error::InvalidUri { reason, .. }) = uri::check(value) {
        errors.push(ValidationError::new(
            pointer.render(),
            Rule::InvalidUrl { reason },
        ));
    }
}

/// The pointer of element `i`: `base` for a single value, `base/i` inside an array.
fn element<'a, T>(values: &OneOrMany<T>, base: &'a Pointer<'a>, i: usize) -> Pointer<'a> {
    match values {
        OneOrMany::One(_) => *base,
        OneOrMany::Many(_) => Pointer::Index(base, i),
    }
}
