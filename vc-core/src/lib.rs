//! The W3C Verifiable Credentials data model for vc-issuer-rs.
//!
//! `vc-core` holds the types every other crate of the workspace speaks: credentials and presentations
//! of the VC Data Model 2.0 and 1.1, Data Integrity and legacy proofs, DIDs and DID URLs, `did:key`,
//! XML Schema `dateTime`s, JSON Canonicalization (RFC 8785) and the `credentialHash` of the DIDComm
//! issuance protocol. It does no I/O and needs no async runtime.
//!
//! # Build, validate and hash a credential
//!
//! ```
//! use std::sync::Arc;
//! use serde_json::json;
//! use time::macros::datetime;
//! use vc_core::{Credential, CredentialId, FixedClock};
//!
//! let vc = Credential::builder()
//!     .id(CredentialId::parse("http://university.example/credentials/3732")?)
//!     .context("https://www.w3.org/ns/credentials/examples/v2")
//!     .type_("ExampleDegreeCredential")
//!     .issuer("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
//!     .subject_value(json!({
//!         "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
//!         "degree": {"type": "ExampleBachelorDegree", "name": "Bachelor of Science and Arts"}
//!     }))
//!     .clock(Arc::new(FixedClock::new(datetime!(2024-01-01 00:00 UTC))))
//!     .build()?; // `build` validates; a broken rule is an error listing all of them
//!
//! assert_eq!(vc.valid_from.as_ref().map(|t| t.as_str()), Some("2024-01-01T00:00:00Z"));
//!
//! // Parse → serialize is lossless, and the credentialHash is stable.
//! let again = Credential::from_json(&vc.to_json()?)?;
//! assert_eq!(again, vc);
//! assert_eq!(again.credential_hash()?, vc.credential_hash()?);
//!
//! // Validation reports every broken rule with a stable code.
//! let mut broken = vc.clone();
//! broken.issuer = None;
//! broken.valid_until = Some(vc_core::DateTime::lenient("tomorrow"));
//! let errors = broken.validate().unwrap_err();
//! assert_eq!(errors.codes(), ["ISSUER_MISSING", "INVALID_DATETIME"]);
//! # Ok::<(), vc_core::Error>(())
//! ```
//!
//! # Modules
//! - [`credential`], [`presentation`], [`proof`] and their parts ([`context`], [`entity`],
//!   [`subject`], [`resource`], [`language`], [`one_or_many`]): the documents, lossless.
//! - [`validation`]: the data model's rules, all reported at once.
//! - [`did`], [`did_key`], [`multibase`], [`multicodec`]: identifiers and key encodings.
//! - [`datetime`], [`clock`]: time, with an injectable clock.
//! - [`jcs`]: RFC 8785 canonicalization and `credentialHash`.
//! - [`error_code`]: every wire code of the workspace, with its meaning and class.
#![forbid(unsafe_code)]
// On docs.rs (and `.ci/run`'s docs step) every item says which feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

pub mod builder;
pub mod clock;
pub mod context;
pub mod credential;
pub mod credential_id;
pub mod datetime;
pub mod did;
pub mod did_document;
pub mod did_key;
pub mod entity;
pub mod error;
pub mod error_code;
pub mod jcs;
pub mod language;
pub mod multibase;
pub mod multicodec;
pub mod one_or_many;
pub mod parse;
pub mod presentation;
mod preserve;
pub mod proof;
pub mod public_key;
pub mod related_resource;
pub mod resource;
pub mod subject;
pub mod uri;
pub mod validation;

pub use builder::CredentialBuilder;
pub use clock::{Clock, FixedClock, SystemClock};
pub use context::{Context, DataModelVersion};
pub use credential::Credential;
pub use credential_id::CredentialId;
pub use datetime::DateTime;
pub use did::{Did, DidUrl};
pub use did_document::{DidDocument, VerificationMethod, VerificationRelationship};
pub use did_key::{DidKey, KeyType};
pub use entity::Entity;
pub use error::{Error, Result};
pub use error_code::{ErrorClass, ErrorCode};
pub use language::{LanguageString, LanguageValue};
pub use one_or_many::OneOrMany;
pub use parse::ParseLimits;
pub use presentation::Presentation;
pub use proof::Proof;
pub use public_key::PublicKey;
pub use resource::{CredentialSchema, CredentialStatus, TypedResource};
pub use subject::CredentialSubject;
pub use validation::{Rule, ValidationError, ValidationErrors};
