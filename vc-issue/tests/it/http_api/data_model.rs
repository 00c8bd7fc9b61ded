//! Both data models through `POST /credentials/issue`: a VC 1.1 and a VC 2.0 credential signed
//! with each suite, with exactly the contexts the suite needs added and nothing else.

use serde_json::{json, Value};

use crate::http_api::server::{json_of, start, Options, Server};

const V1: &str = "https://www.w3.org/2018/credentials/v1";
const V1_EXAMPLES: &str = "https://www.w3.org/2018/credentials/examples/v1";
const V2: &str = "https://www.w3.org/ns/credentials/v2";
const V2_EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";
const DATA_INTEGRITY: &str = "https://w3id.org/security/data-integrity/v2";
const ED25519_2020: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

/// An unsigned VC 1.1 credential from `issuer`.
pub fn v1_credential(server: &Server, issuer: &str) -> Value {
    json!({
        "@context": [V1, V1_EXAMPLES],
        "id": "urn:uuid:5f6a6e0e-9c41-4f9e-9b7e-3f7c0b7d2a11",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": issuer,
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": server.holder.to_string(), "alumniOf": "Example University"}
    })
}

/// An unsigned VC 2.0 credential from `issuer`.
pub fn v2_credential(server: &Server, issuer: &str) -> Value {
    json!({
        "@context": [V2, V2_EXAMPLES],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": server.holder.to_string(), "alumniOf": "Example University"}
    })
}

/// Signs `credential` with `suite` through the VC API and checks the answer: 201, a proof that
/// verifies, and the credential as sent with `added` appended to its `@context`, nothing else.
async fn signed_as_sent_plus(server: &Server, credential: &Value, suite: &str, added: &[&str]) {
    let body = json!({"credential": credential, "options": {"proofType": suite}});
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(status, 201, "{suite}: {reply}");
    let vc = &reply["verifiableCredential"];
    server.verify(vc).await;
    let mut expected = credential.clone();
    let contexts = expected["@context"].as_array_mut().unwrap();
    contexts.extend(added.iter().map(|c| json!(c)));
    let mut without_proof = vc.clone();
    without_proof.as_object_mut().unwrap().remove("proof");
    assert_eq!(without_proof, expected, "{suite}");
}

/// VC 1.1 and 2.0, each suite: signed with exactly the suite's contexts added.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_data_models_are_signed_with_every_suite_adding_only_the_suite_context() {
    let server = start(Options::default()).await;
    let ed25519 = server.key.did().to_string();
    let p256 = server.p256.did().to_string();
    let v1 = |issuer: &str| v1_credential(&server, issuer);
    let v2 = |issuer: &str| v2_credential(&server, issuer);
    let cases: [(&str, Value, &[&str]); 9] = [
        ("eddsa-rdfc-2022", v1(&ed25519), &[DATA_INTEGRITY]),
        ("eddsa-jcs-2022", v1(&ed25519), &[DATA_INTEGRITY]),
        ("ecdsa-rdfc-2019", v1(&p256), &[DATA_INTEGRITY]),
        ("Ed25519Signature2020", v1(&ed25519), &[ED25519_2020]),
        // Not JSON-LD: its proof needs no context.
        ("JcsEd25519Signature2020", v1(&ed25519), &[]),
        // The 2.0 base context defines the Data Integrity terms; the legacy suite needs its own.
        ("eddsa-rdfc-2022", v2(&ed25519), &[]),
        ("eddsa-jcs-2022", v2(&ed25519), &[]),
        ("ecdsa-rdfc-2019", v2(&p256), &[]),
        ("Ed25519Signature2020", v2(&ed25519), &[ED25519_2020]),
    ];
    for (suite, credential, added) in cases {
        signed_as_sent_plus(&server, &credential, suite, added).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_already_there_is_neither_moved_nor_repeated() {
    let server = start(Options::default()).await;
    let mut credential = v1_credential(&server, server.key.did().as_str());
    credential["@context"] = json!([V1, DATA_INTEGRITY, V1_EXAMPLES]);
    signed_as_sent_plus(&server, &credential, "eddsa-rdfc-2022", &[]).await;
}

/// Posts `credential` for signing and returns the status, the code, and the first violation's
/// pointer and code.
async fn refusal(server: &Server, credential: &Value) -> (u16, String, String, String) {
    let body = json!({"credential": credential, "options": {"proofType": "eddsa-jcs-2022"}});
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    let violation = &reply["details"]["violations"][0];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        status,
        text(&reply["code"]),
        text(&violation["pointer"]),
        text(&violation["code"]),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_would_not_be_signed_as_sent_is_refused_with_its_pointer() {
    let server = start(Options::default()).await;
    let base = v2_credential(&server, server.key.did().as_str());
    let with = |pointer: &str, value: Value| {
        let mut credential = base.clone();
        *credential
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{pointer}")) = value;
        credential
    };
    let with_member = |key: &str, value: Value| {
        let mut credential = base.clone();
        credential[key] = value;
        credential
    };
    let cases = [
        // VC DM 2.0 4.4: an id is a URL when present; null is not one (it used to be dropped).
        (with("/id", json!(null)), "/id", "INVALID_URL"),
        (with("/id", json!("not a url")), "/id", "INVALID_URL"),
        (with("/id", json!(42)), "/id", "INVALID_URL"),
        (
            with("/credentialSubject/id", json!("no scheme")),
            "/credentialSubject/id",
            "INVALID_URL",
        ),
        // 4.6 / 11.1: language value objects hold @value, @language, @direction only.
        (
            with_member(
                "name",
                json!({"@value": "Alumni", "@language": "en", "extra": "dropped before"}),
            ),
            "/name",
            "LANGUAGE_VALUE_INVALID",
        ),
        (
            with_member("name", json!({"@value": "Alumni", "@type": "xsd:string"})),
            "/name",
            "LANGUAGE_VALUE_INVALID",
        ),
        (
            with_member(
                "description",
                json!([{"@value": "ok", "@language": "en"}, {"@value": "x", "@direction": "up"}]),
            ),
            "/description/1",
            "LANGUAGE_VALUE_INVALID",
        ),
        (
            with_member(
                "description",
                json!({"@value": "x", "@language": "not a tag"}),
            ),
            "/description",
            "LANGUAGE_VALUE_INVALID",
        ),
        (
            with(
                "/credentialSubject/alumniOf",
                json!({"@value": "Example University", "@language": "en", "note": 1}),
            ),
            "/credentialSubject/alumniOf",
            "LANGUAGE_VALUE_INVALID",
        ),
        // Anything else the typed credential cannot hold as sent.
        (
            with_member("validUntil", json!(null)),
            "/validUntil",
            "VALUE_NOT_PRESERVED",
        ),
        (
            with_member("credentialSchema", json!(null)),
            "/credentialSchema",
            "VALUE_NOT_PRESERVED",
        ),
    ];
    for (credential, pointer, code) in cases {
        assert_eq!(
            refusal(&server, &credential).await,
            (
                400,
                "CREDENTIAL_INVALID".into(),
                pointer.into(),
                code.into()
            ),
            "{credential}"
        );
    }
    // Language value objects that keep to the rules are signed as sent.
    let fine = with_member(
        "name",
        json!([{"@value": "Alumni", "@language": "en"}, {"@value": "خريج", "@language": "ar", "@direction": "rtl"}]),
    );
    signed_as_sent_plus(&server, &fine, "eddsa-rdfc-2022", &[]).await;
}

fn sri_sha384(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_resources_are_checked_by_shape_and_by_digest_where_the_issuer_can_read_them() {
    use std::sync::Arc;
    let loader = Arc::new(vc_issue::StaticResources::new());
    let logo = b"\x89PNG the issuer's logo".to_vec();
    loader.insert("https://issuer.example/logo.png", logo.clone());
    let server = start(Options {
        resources: Some(loader),
        ..Options::default()
    })
    .await;
    let base = v2_credential(&server, server.key.did().as_str());
    let with = |related: Value| {
        let mut credential = base.clone();
        credential["relatedResource"] = related;
        credential
    };
    let good = json!({"id": "https://issuer.example/logo.png", "digestSRI": sri_sha384(&logo)});
    let unknown = json!({"id": "https://elsewhere.example/doc.pdf", "digestSRI": sri_sha384(b"?")});
    // A digest the issuer can check and that matches, and one it cannot check (signed as given).
    signed_as_sent_plus(
        &server,
        &with(json!([good, unknown])),
        "eddsa-rdfc-2022",
        &[],
    )
    .await;
    signed_as_sent_plus(&server, &with(good.clone()), "eddsa-jcs-2022", &[]).await;

    let mut wrong = good.clone();
    wrong["digestSRI"] = json!(sri_sha384(b"another logo"));
    let body = json!({"credential": with(json!([unknown, wrong])), "options": {"proofType": "eddsa-jcs-2022"}});
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(
        (status, reply["code"].as_str().unwrap()),
        (400, "RELATED_RESOURCE_DIGEST_MISMATCH"),
        "{reply}"
    );
    assert_eq!(reply["details"]["pointer"], "/relatedResource/1");

    let cases = [
        (json!([]), "/relatedResource"),
        (json!("https://issuer.example/logo.png"), "/relatedResource"),
        (json!([good, good]), "/relatedResource/1/id"),
        (
            json!([{"id": "https://issuer.example/logo.png"}]),
            "/relatedResource/0",
        ),
        (
            json!([{"digestSRI": sri_sha384(b"x")}]),
            "/relatedResource/0",
        ),
        (
            json!({"id": "relative/path", "digestSRI": sri_sha384(b"x")}),
            "/relatedResource",
        ),
        (
            json!({"id": "https://e.example/x", "digestSRI": "sha1-AAAA"}),
            "/relatedResource",
        ),
        (
            json!({"id": "https://e.example/x", "digestMultibase": "zQmNot"}),
            "/relatedResource",
        ),
    ];
    for (related, pointer) in cases {
        assert_eq!(
            refusal(&server, &with(related.clone())).await,
            (
                400,
                "CREDENTIAL_INVALID".into(),
                pointer.into(),
                "RELATED_RESOURCE_INVALID".into()
            ),
            "{related}"
        );
    }
    // Many entries with one duplicate at the end: found, without quadratic work.
    let mut many: Vec<Value> = (0..1500)
        .map(|i| json!({"id": format!("https://e.example/{i}"), "digestSRI": sri_sha384(b"x")}))
        .collect();
    many.push(json!({"id": "https://e.example/0", "digestSRI": sri_sha384(b"x")}));
    assert_eq!(
        refusal(&server, &with(Value::Array(many))).await.2,
        "/relatedResource/1500/id"
    );
}

/// Every MUST of VC Data Model 2.0 sections 4 and 5 that an issuer can break by what it signs,
/// each refused through `POST /credentials/issue` with its code and pointer (the list, with the
/// section of each, is in the notes of issue 15). Status entries are the issuer's own to write
/// (`options.credentialStatus`), so their rules are checked where they are built (vc-core's
/// `validation` tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_issuer_must_of_sections_4_and_5_is_refused_with_its_code_and_pointer() {
    let server = start(Options::default()).await;
    let issuer = server.key.did().to_string();
    let base = v2_credential(&server, &issuer);
    let set = |pointer: &str, value: Value| {
        let mut credential = base.clone();
        match credential.pointer_mut(pointer) {
            Some(slot) => *slot = value,
            None => {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                credential.pointer_mut(parent).unwrap_or(&mut Value::Null)[key] = value;
            }
        }
        credential
    };
    let without = |key: &str| {
        let mut credential = base.clone();
        credential.as_object_mut().unwrap().remove(key);
        credential
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "4.3 @context MUST be present",
            without("@context"),
            "/@context",
            "CONTEXT_MISSING",
        ),
        (
            "4.3 the first @context item MUST be the v2 base context",
            set("/@context", json!([V2_EXAMPLES, V2])),
            "/@context",
            "INVALID_BASE_CONTEXT",
        ),
        (
            "4.4 id MUST be a URL",
            set("/id", json!("3978344f")),
            "/id",
            "INVALID_URL",
        ),
        (
            "4.4 id MUST be a single URL",
            set("/id", json!(null)),
            "/id",
            "INVALID_URL",
        ),
        (
            "4.5 type MUST be present",
            without("type"),
            "/type",
            "TYPE_MISSING",
        ),
        (
            "4.5 type MUST include VerifiableCredential",
            set("/type", json!(["ExampleAlumniCredential"])),
            "/type",
            "TYPE_MISSING",
        ),
        (
            "4.6 name MUST be a string or language value object",
            set("/name", json!(5)),
            "/name",
            "LANGUAGE_VALUE_INVALID",
        ),
        (
            "4.6 description MUST be a string or language value object",
            set(
                "/description",
                json!({"@value": "x", "@language": "en", "@id": "y"}),
            ),
            "/description",
            "LANGUAGE_VALUE_INVALID",
        ),
        (
            "4.7 issuer MUST be present",
            without("issuer"),
            "/issuer",
            "ISSUER_MISSING",
        ),
        (
            "4.7 issuer MUST be a URL or an object with a URL id",
            set("/issuer", json!({"name": "Example University"})),
            "/issuer/id",
            "INVALID_URL",
        ),
        (
            "4.8 credentialSubject MUST be present",
            without("credentialSubject"),
            "/credentialSubject",
            "SUBJECT_MISSING",
        ),
        (
            "4.8 each subject MUST hold one or more claims",
            set("/credentialSubject", json!({})),
            "/credentialSubject",
            "SUBJECT_EMPTY",
        ),
        (
            "4.8/4.4 a subject's id MUST be a URL",
            set("/credentialSubject/id", json!("holder")),
            "/credentialSubject/id",
            "INVALID_URL",
        ),
        (
            "4.9 validFrom MUST be a dateTimeStamp",
            set("/validFrom", json!("2025-01-01")),
            "/validFrom",
            "INVALID_DATETIME",
        ),
        (
            "4.9 validUntil MUST be a dateTimeStamp",
            set("/validUntil", json!("2030-01-01T00:00:00")),
            "/validUntil",
            "INVALID_DATETIME",
        ),
        (
            "4.9 validUntil MUST NOT be before validFrom",
            set("/validUntil", json!("2024-01-01T00:00:00Z")),
            "/validUntil",
            "INVALID_VALIDITY_PERIOD",
        ),
        (
            "4.11 each credentialSchema MUST have a type",
            set(
                "/credentialSchema",
                json!({"id": "https://example.org/schema.json"}),
            ),
            "/credentialSchema",
            "RESOURCE_TYPE_MISSING",
        ),
        (
            "4.11 each credentialSchema MUST have an id",
            set("/credentialSchema", json!({"type": "JsonSchema"})),
            "/credentialSchema",
            "RESOURCE_ID_MISSING",
        ),
        (
            "4.11 a credentialSchema id MUST be a URL",
            set(
                "/credentialSchema",
                json!({"id": "schema.json", "type": "JsonSchema"}),
            ),
            "/credentialSchema/id",
            "INVALID_URL",
        ),
        (
            "5.3 relatedResource MUST be one or more objects",
            set("/relatedResource", json!([])),
            "/relatedResource",
            "RELATED_RESOURCE_INVALID",
        ),
        (
            "5.4 each refreshService MUST have a type",
            set(
                "/refreshService",
                json!({"id": "https://example.org/refresh"}),
            ),
            "/refreshService",
            "RESOURCE_TYPE_MISSING",
        ),
        (
            "5.5 each termsOfUse MUST have a type",
            set("/termsOfUse", json!([{"id": "https://example.org/tou"}])),
            "/termsOfUse/0",
            "RESOURCE_TYPE_MISSING",
        ),
        (
            "5.6 each evidence MUST have a type",
            set("/evidence", json!({"id": "https://example.org/evidence/1"})),
            "/evidence",
            "RESOURCE_TYPE_MISSING",
        ),
        (
            "5.6 an evidence id MUST be a URL",
            set("/evidence", json!({"id": "evidence 1", "type": "Evidence"})),
            "/evidence/id",
            "INVALID_URL",
        ),
    ];
    for (must, credential, pointer, code) in cases {
        assert_eq!(
            refusal(&server, &credential).await,
            (
                400,
                "CREDENTIAL_INVALID".into(),
                pointer.into(),
                code.into()
            ),
            "{must}: {credential}"
        );
    }
    // 4.3: every further @context item MUST be processable as a JSON-LD context; a JSON-LD
    // processor MUST refuse a context that redefines a protected term (5.2.1). The RDF suites
    // refuse both before signing.
    for (must, contexts) in [
        (
            "4.3 an unknown context is not processable",
            json!([V2, "https://unknown.example/ctx"]),
        ),
        (
            "5.2.1 a protected term MUST NOT be redefined",
            json!([V2, {"issuer": "https://evil.example/issuer"}]),
        ),
    ] {
        let body = json!({"credential": set("/@context", contexts), "options": {"proofType": "eddsa-rdfc-2022"}});
        let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
        assert_eq!(status, 400, "{must}: {reply}");
    }
    // 4.12: what is issued is secured (every success above verifies its proof).
}
