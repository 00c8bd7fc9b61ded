//! Hostile input: malformed JSON, wrong types, huge and deeply nested documents. Errors, never panics.

use serde_json::json;
use vc_core::{Credential, DateTime, ParseLimits, Presentation};

use crate::read_shared;

#[test]
fn malformed_json_is_malformed_json() {
    for input in [
        "",
        "{",
        "{\"@context\": [}",
        "nul",
        "{\"a\":1,}",
        "\u{0}",
        "{\"a\":[1,2",
    ] {
        let err = Credential::from_json(input).unwrap_err();
        assert_eq!(err.code(), "MALFORMED_JSON", "{input:?}");
    }
}

#[test]
fn wrong_types_are_invalid_documents() {
    for doc in [
        json!([]),
        json!("credential"),
        json!({"@context": 5}),
        json!({"@context": [true]}),
        json!({"type": {"a": 1}}),
        json!({"issuer": 12}),
        json!({"issuer": {"id": 12}}),
        json!({"credentialSubject": "did:example:1"}),
        json!({"credentialSubject": {"id": 1}}),
        json!({"validFrom": 20240101}),
        json!({"proof": {"type": 1}}),
        json!({"proof": {"cryptosuite": "eddsa-jcs-2022"}}),
        json!({"credentialStatus": [1]}),
    ] {
        let err = Credential::from_json(&doc.to_string()).unwrap_err();
        assert_eq!(err.code(), "INVALID_DOCUMENT", "{doc}");
        let err = Credential::from_value(doc.clone()).unwrap_err();
        assert_eq!(err.code(), "INVALID_DOCUMENT", "{doc}");
    }
}

#[test]
fn what_the_typed_credential_cannot_keep_is_refused_with_its_pointer() {
    for (doc, pointer, code) in [
        (json!({"name": 5}), "/name", "LANGUAGE_VALUE_INVALID"),
        (
            json!({"description": {"@value": "x", "@language": "en", "extra": 1}}),
            "/description",
            "LANGUAGE_VALUE_INVALID",
        ),
        (
            json!({"credentialSubject": {"n": [{"@value": "x", "@direction": "sideways"}]}}),
            "/credentialSubject/n/0",
            "LANGUAGE_VALUE_INVALID",
        ),
        (json!({"id": null}), "/id", "INVALID_URL"),
        (json!({"id": 7}), "/id", "INVALID_URL"),
        (
            json!({"validUntil": null}),
            "/validUntil",
            "VALUE_NOT_PRESERVED",
        ),
        (
            json!({"credentialSubject": {"id": null, "a": 1}}),
            "/credentialSubject/id",
            "INVALID_URL",
        ),
        (
            json!({"evidence": {"type": "E", "id": null}}),
            "/evidence/id",
            "INVALID_URL",
        ),
    ] {
        for err in [
            Credential::from_json(&doc.to_string()).unwrap_err(),
            Credential::from_value(doc.clone()).unwrap_err(),
        ] {
            let vc_core::Error::Invalid(errors) = &err else {
                panic!("{doc}: {err:?}");
            };
            let first = &errors.errors()[0];
            assert_eq!(
                (first.pointer.as_str(), first.code().as_str()),
                (pointer, code),
                "{doc}"
            );
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let deep = format!(
        "{{\"credentialSubject\": {{\"x\": {}{}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = Credential::from_json(&deep).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");
    let err = Presentation::from_json(&deep).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");
}

/// A credential whose subject nests objects so that the whole document is `depth` levels deep.
fn credential_of_depth(depth: usize) -> String {
    // The credential object is one level; its subject and the claims below it are the rest.
    let claims = depth - 1;
    format!(
        r#"{{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential",
            "issuer": "did:example:issuer", "credentialSubject": {}1{}}}"#,
        r#"{"a": "#.repeat(claims),
        "}".repeat(claims)
    )
}

#[test]
fn nesting_at_the_limit_parses_and_one_past_is_refused() {
    let limit = ParseLimits::DEFAULT_MAX_DEPTH;
    let at = credential_of_depth(limit);
    assert!(Credential::from_json(&at).is_ok());
    let value: serde_json::Value = serde_json::from_str(&at).unwrap();
    assert!(Credential::from_value(value).is_ok());
    let past = credential_of_depth(limit + 1);
    let err = Credential::from_json(&past).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");
    let value: serde_json::Value = serde_json::from_str(&past).unwrap();
    assert_eq!(
        Credential::from_value(value).unwrap_err().code(),
        "NESTING_TOO_DEEP"
    );
    // The limit is the caller's to set.
    let tight = ParseLimits::default().with_max_depth(4);
    assert!(Credential::from_json_with_limits(credential_of_depth(4).as_bytes(), &tight).is_ok());
    let err =
        Credential::from_json_with_limits(credential_of_depth(5).as_bytes(), &tight).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");

    // A presentation wraps the credential in two more levels (itself and `verifiableCredential`).
    let presentation = |credential: &str| {
        format!(
            r#"{{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiablePresentation",
                "verifiableCredential": [{credential}]}}"#
        )
    };
    assert!(Presentation::from_json(&presentation(&credential_of_depth(limit - 2))).is_ok());
    let err = Presentation::from_json(&presentation(&credential_of_depth(limit - 1))).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");
}

#[test]
fn a_key_given_twice_is_refused_not_guessed() {
    let doc = r#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential",
        "issuer": "did:example:a", "issuer": "did:example:b", "credentialSubject": {"id": "did:example:h"}}"#;
    let err = Credential::from_json(doc).unwrap_err();
    assert_eq!(err.code(), "DUPLICATE_KEY");
    let doc = r#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential",
        "issuer": "did:example:a", "credentialSubject": {"name": "A", "name": "B"}}"#;
    let err = Credential::from_json(doc).unwrap_err();
    assert_eq!(err.code(), "DUPLICATE_KEY");
    assert!(err.to_string().contains("/credentialSubject"), "{err}");
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let big = format!(
        "{{\"x\": \"{}\"}}",
        "a".repeat(ParseLimits::DEFAULT_MAX_BYTES)
    );
    let err = Credential::from_json(&big).unwrap_err();
    assert_eq!(err.code(), "DOCUMENT_TOO_LARGE");
    let err = Credential::from_json_with_limits(b"{}", &ParseLimits::max_bytes(1)).unwrap_err();
    assert_eq!(err.code(), "DOCUMENT_TOO_LARGE");
}

#[test]
fn strange_dates_are_reported_not_fatal() {
    for text in [
        "",
        "9999-12-31T23:59:59-14:00",
        "2024-02-30T00:00:00Z",
        "💥",
        &"9".repeat(10_000),
    ] {
        let t = DateTime::lenient(text);
        let _ = t.instant();
        let _ = t.to_utc_seconds();
    }
}

/// Mutates a real credential byte by byte with a fixed-seed generator: whatever comes out, parsing,
/// validating and re-serializing must return, never panic.
#[test]
fn mutated_credentials_never_panic() {
    let seed = read_shared("vectors/vc-di-eddsa/eddsa-jcs-2022/signedJCS.json").into_bytes();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"{}[]\",:0123456789.eE+-tfnulZT \\x";
    for _ in 0..5_000 {
        let mut doc = seed.clone();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() as usize) % doc.len();
            match next() % 3 {
                0 => doc[at] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    doc.remove(at);
                }
                _ => doc.insert(at, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        if let Ok(credential) = Credential::from_json_with_limits(&doc, &ParseLimits::default()) {
            let _ = credential.validate();
            let _ = credential.canonicalize();
            let _ = credential.to_json();
        }
    }
}
