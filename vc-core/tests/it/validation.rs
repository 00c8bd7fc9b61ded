//! One invalid credential per rule of the data model, each with its own error code and pointer.

use serde_json::{json, Value};
use vc_core::Credential;

fn valid_v2() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "https://vc.example/issuers/5678",
        "validFrom": "2023-01-01T00:00:00Z",
        "validUntil": "2033-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
        "credentialStatus": {
            "id": "https://example.com/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/status/3"
        },
        "credentialSchema": {"id": "https://example.org/schemas/alumni.json", "type": "JsonSchema"}
    })
}

fn valid_v1() -> Value {
    json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": {"id": "did:example:issuer", "name": "Issuer"},
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder"}
    })
}

fn set(mut doc: Value, pointer: &str, value: Value) -> Value {
    *doc.pointer_mut(pointer).unwrap() = value;
    doc
}

fn remove(mut doc: Value, key: &str) -> Value {
    doc.as_object_mut().unwrap().remove(key);
    doc
}

#[test]
fn valid_documents_pass() {
    Credential::from_value(valid_v2())
        .unwrap()
        .validate()
        .unwrap();
    Credential::from_value(valid_v1())
        .unwrap()
        .validate()
        .unwrap();
}

#[test]
fn each_rule_has_its_own_error() {
    let dtp = json!({"type": "DataIntegrityProof", "proofPurpose": "assertionMethod",
                     "verificationMethod": "did:example:issuer#k", "proofValue": "z1"});
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "no @context",
            remove(valid_v2(), "@context"),
            "CONTEXT_MISSING",
            "/@context",
        ),
        (
            "empty @context",
            set(valid_v2(), "/@context", json!([])),
            "CONTEXT_MISSING",
            "/@context",
        ),
        (
            "base context not first",
            set(
                valid_v2(),
                "/@context",
                json!([
                    "https://www.w3.org/ns/credentials/examples/v2",
                    "https://www.w3.org/ns/credentials/v2"
                ]),
            ),
            "INVALID_BASE_CONTEXT",
            "/@context",
        ),
        (
            "no VerifiableCredential type",
            set(valid_v2(), "/type", json!(["AlumniCredential"])),
            "TYPE_MISSING",
            "/type",
        ),
        (
            "no type",
            remove(valid_v2(), "type"),
            "TYPE_MISSING",
            "/type",
        ),
        (
            "no issuer",
            remove(valid_v2(), "issuer"),
            "ISSUER_MISSING",
            "/issuer",
        ),
        (
            "issuer not a URL",
            set(valid_v2(), "/issuer", json!("vc.example issuer")),
            "INVALID_URL",
            "/issuer",
        ),
        (
            "issuer object without id",
            set(valid_v2(), "/issuer", json!({"name": "X"})),
            "INVALID_URL",
            "/issuer/id",
        ),
        (
            "id not a URL",
            set(valid_v2(), "/id", json!("58172aac")),
            "INVALID_URL",
            "/id",
        ),
        (
            "subject id not a URL",
            set(valid_v2(), "/credentialSubject/id", json!("abc def")),
            "INVALID_URL",
            "/credentialSubject/id",
        ),
        (
            "validFrom without time",
            set(valid_v2(), "/validFrom", json!("2023-01-01")),
            "INVALID_DATETIME",
            "/validFrom",
        ),
        (
            "validUntil without zone",
            set(valid_v2(), "/validUntil", json!("2033-01-01T00:00:00")),
            "INVALID_DATETIME",
            "/validUntil",
        ),
        (
            "validUntil before validFrom",
            set(valid_v2(), "/validUntil", json!("2022-12-31T23:59:59Z")),
            "INVALID_VALIDITY_PERIOD",
            "/validUntil",
        ),
        (
            "1.1 without issuanceDate",
            remove(valid_v1(), "issuanceDate"),
            "ISSUANCE_DATE_MISSING",
            "/issuanceDate",
        ),
        (
            "1.1 expirationDate before issuanceDate",
            set(valid_v1(), "/issuer", json!("did:example:issuer"))
                .as_object()
                .cloned()
                .map(|mut m| {
                    m.insert("expirationDate".into(), json!("2019-01-01T00:00:00Z"));
                    Value::Object(m)
                })
                .unwrap(),
            "INVALID_VALIDITY_PERIOD",
            "/expirationDate",
        ),
        (
            "2.0 with issuanceDate",
            valid_v2()
                .as_object()
                .cloned()
                .map(|mut m| {
                    m.insert("issuanceDate".into(), json!("2023-01-01T00:00:00Z"));
                    Value::Object(m)
                })
                .unwrap(),
            "PROPERTY_NOT_IN_VERSION",
            "/issuanceDate",
        ),
        (
            "no subject",
            remove(valid_v2(), "credentialSubject"),
            "SUBJECT_MISSING",
            "/credentialSubject",
        ),
        (
            "empty subject array",
            set(valid_v2(), "/credentialSubject", json!([])),
            "SUBJECT_MISSING",
            "/credentialSubject",
        ),
        (
            "empty subject object",
            set(
                valid_v2(),
                "/credentialSubject",
                json!([{"id": "did:example:1"}, {}]),
            ),
            "SUBJECT_EMPTY",
            "/credentialSubject/1",
        ),
        (
            "status without type",
            set(
                valid_v2(),
                "/credentialStatus",
                json!({"id": "https://example.com/s#1"}),
            ),
            "RESOURCE_TYPE_MISSING",
            "/credentialStatus",
        ),
        (
            "schema without type",
            set(
                valid_v2(),
                "/credentialSchema",
                json!([{"id": "https://example.org/s.json"}]),
            ),
            "RESOURCE_TYPE_MISSING",
            "/credentialSchema/0",
        ),
        (
            "schema without id",
            set(
                valid_v2(),
                "/credentialSchema",
                json!({"type": "JsonSchema"}),
            ),
            "RESOURCE_ID_MISSING",
            "/credentialSchema",
        ),
        (
            "DataIntegrityProof without cryptosuite",
            valid_v2()
                .as_object()
                .cloned()
                .map(|mut m| {
                    m.insert("proof".into(), dtp.clone());
                    Value::Object(m)
                })
                .unwrap(),
            "INVALID_PROOF",
            "/proof",
        ),
    ];
    for (what, doc, code, pointer) in cases {
        let credential = Credential::from_value(doc).unwrap_or_else(|e| panic!("{what}: {e}"));
        let errors = credential.validate().expect_err(what).into_vec();
        assert_eq!(errors.len(), 1, "{what}: {errors:?}");
        assert_eq!(errors[0].code(), code, "{what}");
        assert_eq!(errors[0].pointer, pointer, "{what}");
    }
}

#[test]
fn every_broken_rule_is_reported_at_once() {
    let doc = json!({
        "@context": ["https://example.com/not-a-base"],
        "type": "Foo",
        "validFrom": "soon",
        "credentialSubject": {}
    });
    let errors = Credential::from_value(doc).unwrap().validate().unwrap_err();
    assert_eq!(
        errors.codes(),
        [
            "INVALID_BASE_CONTEXT",
            "TYPE_MISSING",
            "ISSUER_MISSING",
            "INVALID_DATETIME",
            "SUBJECT_EMPTY"
        ]
    );
    let text = errors.to_string();
    assert!(text.contains("/validFrom"), "{text}");
}
