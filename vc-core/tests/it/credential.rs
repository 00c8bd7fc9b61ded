//! The credential and presentation model: building, lossless round trips, both versions.

use std::sync::Arc;

use serde_json::{json, Value};
use time::macros::datetime;
use vc_core::{
    jcs, Credential, CredentialId, CredentialSubject, DataModelVersion, FixedClock, OneOrMany,
    Presentation, Proof, TypedResource,
};

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(datetime!(2024-03-01 12:00:00.75 UTC)))
}

#[test]
fn builder_v2_fills_in_the_defaults() {
    let vc = Credential::builder()
        .type_("UniversityDegreeCredential")
        .issuer("did:example:issuer")
        .subject(CredentialSubject::new(
            "did:example:holder",
            json!({"degree": "BSc"}).as_object().unwrap().clone(),
        ))
        .valid_until(vc_core::DateTime::parse("2030-01-01T00:00:00Z").unwrap())
        .status(
            TypedResource::new("BitstringStatusListEntry")
                .with_id("https://example.com/status/1#5")
                .with_property("statusPurpose", "revocation"),
        )
        .clock(clock())
        .build()
        .unwrap();
    let value = vc.to_value().unwrap();
    assert_eq!(
        value["@context"],
        json!(["https://www.w3.org/ns/credentials/v2"])
    );
    assert_eq!(
        value["type"],
        json!(["VerifiableCredential", "UniversityDegreeCredential"])
    );
    assert_eq!(value["validFrom"], "2024-03-01T12:00:00Z");
    assert_eq!(value["validUntil"], "2030-01-01T00:00:00Z");
    assert_eq!(value["credentialSubject"]["degree"], "BSc");
    assert_eq!(value["credentialStatus"]["statusPurpose"], "revocation");
    assert!(value.get("issuanceDate").is_none());
    assert!(value["id"].as_str().unwrap().starts_with("urn:uuid:"));
}

#[test]
fn builder_v1_uses_issuance_and_expiration_dates() {
    let vc = Credential::builder()
        .version(DataModelVersion::V1)
        .id(CredentialId::parse("https://example.com/credentials/1").unwrap())
        .issuer("did:example:issuer")
        .subject_value(json!({"id": "did:example:holder", "name": "Alice"}))
        .valid_until(vc_core::DateTime::parse("2030-01-01T00:00:00Z").unwrap())
        .clock(clock())
        .build()
        .unwrap();
    assert_eq!(vc.version(), Some(DataModelVersion::V1));
    let value = vc.to_value().unwrap();
    assert_eq!(value["issuanceDate"], "2024-03-01T12:00:00Z");
    assert_eq!(value["expirationDate"], "2030-01-01T00:00:00Z");
    assert!(value.get("validFrom").is_none());
    assert_eq!(value["id"], "https://example.com/credentials/1");
}

#[test]
fn builder_rejects_what_breaks_the_model() {
    let err = Credential::builder()
        .issuer("not a url")
        .clock(clock())
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_CREDENTIAL");
    let vc_core::Error::Invalid(errors) = err else {
        panic!("expected validation errors")
    };
    assert_eq!(errors.codes(), ["INVALID_URL", "SUBJECT_MISSING"]);

    let err = Credential::builder()
        .issuer("did:example:issuer")
        .subject_value(json!(["not", "an", "object"]))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_DOCUMENT");
}

#[test]
fn unknown_properties_and_value_forms_survive_a_round_trip() {
    let input = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"@vocab": "https://example.com/vocab#", "custom": "https://example.com/custom"}
        ],
        "id": "http://example.com/credentials/1",
        "type": "VerifiableCredential",
        "name": [{"@value": "Diplôme", "@language": "fr"}, {"@value": "Degree", "@language": "en", "@direction": "ltr"}],
        "description": "plain",
        "issuer": {"id": "did:example:issuer", "name": "Example University", "image": "data:image/png;base64,AAAA"},
        "validFrom": "2010-01-01T19:23:24.500+01:00",
        "credentialSubject": [
            {"id": "did:example:1", "claims": {"nested": [1, 2.5, null, true, "x"]}},
            {"alumniOf": "The School"}
        ],
        "credentialSchema": [{"id": "https://example.com/schema/1", "type": "JsonSchema", "extra": 1}],
        "evidence": {"type": ["Evidence"], "verifier": "https://example.edu/issuers/14"},
        "termsOfUse": {"type": "TrustFrameworkPolicy", "trustFramework": "Employment"},
        "refreshService": {"type": "VerifiableCredentialRefreshService2021", "url": "https://example.com/refresh"},
        "custom": {"anything": ["goes", 1e300]},
        "zzz": -1,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": "did:example:issuer#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z5Dm",
            "domain": ["a.example", "b.example"],
            "unknownProofField": {"x": 1}
        }
    });
    let vc = Credential::from_value(input.clone()).unwrap();
    vc.validate().unwrap();
    assert!(matches!(vc.types, Some(OneOrMany::One(_))));
    assert!(matches!(vc.credential_subject, Some(OneOrMany::Many(_))));
    assert_eq!(vc.issuer_id(), Some("did:example:issuer"));
    assert_eq!(
        vc.proofs()[0].properties["unknownProofField"],
        json!({"x": 1})
    );
    assert_eq!(vc.properties["zzz"], json!(-1));
    let output = vc.to_value().unwrap();
    assert_eq!(
        jcs::canonicalize(&input).unwrap(),
        jcs::canonicalize(&output).unwrap()
    );
    // The validFrom text is kept verbatim, not normalized.
    assert_eq!(output["validFrom"], "2010-01-01T19:23:24.500+01:00");
}

#[test]
fn proof_sets_grow_and_hash_changes_with_the_proof() {
    let mut vc = Credential::builder()
        .issuer("did:example:issuer")
        .subject_value(json!({"id": "did:example:holder"}))
        .clock(clock())
        .build()
        .unwrap();
    let unsigned_hash = vc.credential_hash().unwrap();
    vc.add_proof(Proof::data_integrity("eddsa-jcs-2022"));
    assert!(matches!(vc.proof, Some(OneOrMany::One(_))));
    vc.add_proof(Proof::new("Ed25519Signature2020"));
    assert_eq!(vc.proofs().len(), 2);
    assert_ne!(vc.credential_hash().unwrap(), unsigned_hash);
    assert_eq!(vc.without_proof().credential_hash().unwrap(), unsigned_hash);
}

#[test]
fn presentations_carry_embedded_and_enveloped_credentials() {
    let vc = Credential::builder()
        .issuer("did:example:issuer")
        .subject_value(json!({"id": "did:example:holder", "x": 1}))
        .clock(clock())
        .build()
        .unwrap();
    let mut vp = Presentation::new(DataModelVersion::V2, "did:example:holder");
    vp.push_credential(&vc).unwrap();
    vp.verifiable_credential
        .as_mut()
        .unwrap()
        .push(Value::String("eyJhbGciOiJFZERTQSJ9.e30.sig".into()));
    vp.validate().unwrap();
    assert_eq!(vp.credentials().unwrap(), vec![vc]);
    assert_eq!(vp.holder_id(), Some("did:example:holder"));

    let round = Presentation::from_json(&serde_json::to_string(&vp).unwrap()).unwrap();
    assert_eq!(round, vp);
}

#[test]
fn presentation_errors_point_into_embedded_credentials() {
    let vp = Presentation::from_value(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:holder",
        "verifiableCredential": [{
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "validFrom": "yesterday",
            "credentialSubject": {"id": "did:example:holder"}
        }, 42]
    }))
    .unwrap();
    let errors = vp.validate().unwrap_err();
    let found: Vec<_> = errors
        .errors()
        .iter()
        .map(|e| (e.pointer.as_str(), e.code().as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("/verifiableCredential/0/validFrom", "INVALID_DATETIME"),
            ("/verifiableCredential/1", "INVALID_EMBEDDED_CREDENTIAL"),
        ]
    );
    let vp = Presentation::from_value(json!({"type": "Nope", "holder": "x y"})).unwrap();
    assert_eq!(
        vp.validate().unwrap_err().codes(),
        ["CONTEXT_MISSING", "TYPE_MISSING", "INVALID_URL"]
    );
}
