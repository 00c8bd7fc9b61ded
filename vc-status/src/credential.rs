//! The unsigned status list credential that the issuer signs and the host serves.
//!
//! It is built as a `serde_json::Value` in one place ([`list_credential`]); the tests check that it
//! parses and validates as a `vc_core::Credential`.

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::{Bitstring, Error, ListFormat, Result, StatusPurpose};

/// What goes into a status list credential.
#[derive(Debug, Clone)]
pub struct ListCredentialParams<'a> {
    /// Bitstring Status List (VC 2.0) or StatusList2021 (VC 1.1).
    pub format: ListFormat,
    /// The URL the list credential is served at (its `id`).
    pub url: &'a str,
    /// The `issuer` (a DID string or an object with an `id`).
    pub issuer: &'a Value,
    /// The list's purpose.
    pub purpose: StatusPurpose,
    /// The list.
    pub bitstring: &'a Bitstring,
    /// `validFrom` (`issuanceDate` for VC 1.1).
    pub valid_from: OffsetDateTime,
    /// `validUntil` (`expirationDate` for VC 1.1).
    pub valid_until: Option<OffsetDateTime>,
    /// `ttl` in milliseconds (Bitstring Status List only).
    pub ttl_ms: Option<u64>,
}

/// Formats a date as an XML Schema `dateTime` in UTC with whole seconds (`2024-01-01T00:00:00Z`),
/// the form `vc_core::DateTime` writes.
pub fn format_datetime(at: OffsetDateTime) -> String {
    vc_core::DateTime::from(at).to_string()
}

/// Builds the unsigned list credential.
///
/// ```
/// use vc_status::{list_credential, Bitstring, ListCredentialParams, ListFormat, StatusPurpose, StatusSize};
/// use time::macros::datetime;
///
/// let bits = Bitstring::new(131_072, StatusSize::ONE)?;
/// let issuer = serde_json::json!("did:example:issuer");
/// let vc = list_credential(&ListCredentialParams {
///     format: ListFormat::BitstringStatusList,
///     url: "https://example.com/status/1",
///     issuer: &issuer,
///     purpose: StatusPurpose::Revocation,
///     bitstring: &bits,
///     valid_from: datetime!(2025-01-01 00:00 UTC),
///     valid_until: None,
///     ttl_ms: Some(300_000),
/// })?;
/// assert_eq!(vc["type"][1], "BitstringStatusListCredential");
/// assert_eq!(vc["validFrom"], "2025-01-01T00:00:00Z");
/// assert_eq!(vc["credentialSubject"]["id"], "https://example.com/status/1#list");
/// # Ok::<(), vc_status::Error>(())
/// ```
pub fn list_credential(p: &ListCredentialParams<'_>) -> Result<Value> {
    if !p.format.supports(p.purpose) {
        return Err(Error::Config {
            reason: "StatusList2021 supports only revocation and suspension",
        });
    }
    let (encoded, from_key, until_key) = match p.format {
        ListFormat::BitstringStatusList => (p.bitstring.encode(), "validFrom", "validUntil"),
        ListFormat::StatusList2021 => (
            p.bitstring.encode_status_list_2021(),
            "issuanceDate",
            "expirationDate",
        ),
        ListFormat::TokenStatusList => {
            return Err(Error::Config {
                reason: "a Token Status List is served as a Status List Token, not a credential",
            })
        }
    };
    let mut subject = Map::new();
    subject.insert("id".into(), Value::String(format!("{}#list", p.url)));
    subject.insert("type".into(), p.format.subject_type().into());
    subject.insert("statusPurpose".into(), p.purpose.as_str().into());
    subject.insert("encodedList".into(), Value::String(encoded));
    if let (Some(ttl), ListFormat::BitstringStatusList) = (p.ttl_ms, p.format) {
        subject.insert("ttl".into(), ttl.into());
    }

    let mut vc = Map::new();
    vc.insert("@context".into(), json!(p.format.contexts()));
    vc.insert("id".into(), p.url.into());
    vc.insert(
        "type".into(),
        json!(["VerifiableCredential", p.format.credential_type()]),
    );
    vc.insert("issuer".into(), p.issuer.clone());
    vc.insert(from_key.into(), format_datetime(p.valid_from).into());
    if let Some(until) = p.valid_until {
        vc.insert(until_key.into(), format_datetime(until).into());
    }
    vc.insert("credentialSubject".into(), Value::Object(subject));
    Ok(Value::Object(vc))
}
