//! SD-JWTs as a verifier receives them: the compact `<JWT>~<disclosure>~...~[KB-JWT]` split
//! (`SdJwtParts::parse`), each disclosure decoded, the disclosures put back into the payload
//! (`decode`), and the whole of `SdJwtVcVerifier::verify` (signature, `x5c`, disclosures, key
//! binding JWT, validity).
//!
//! The verifier trusts `did:key` issuers by their `kid` and runs at a fixed clock, the one the
//! seeds were issued at, so a seed reaches every step; a mutated input fails the signature at
//! the latest, after the parsing it exercises.

use std::sync::{Arc, OnceLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use vc_core::{DateTime, FixedClock};
use vc_issue::sd_jwt::{decode, Disclosure, SdJwtParts, SdJwtVcVerifier};

use crate::{assert_code, refused, runtime};

/// When the seeds were issued (the clock of vc-issue's test fixtures).
const SEED_TIME: &str = "2024-06-01T12:00:00Z";

fn verifier() -> &'static SdJwtVcVerifier {
    static VERIFIER: OnceLock<SdJwtVcVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let at = match DateTime::parse(SEED_TIME).and_then(|t| t.instant()) {
            Ok(at) => at,
            Err(error) => panic!("the seed time must parse: {error}"),
        };
        SdJwtVcVerifier::new().clock(Arc::new(FixedClock::new(at)))
    })
}

/// Splits, decodes and verifies `data` as a compact SD-JWT (VC).
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return refused(data, "an SD-JWT", &"the input is not UTF-8");
    };
    let parts = match SdJwtParts::parse(text) {
        Ok(parts) => parts,
        Err(error) => {
            assert_code(error.code(), &error);
            return refused(data, "SdJwtParts::parse", &error);
        }
    };
    check_parts(text, &parts);
    if let Some(payload) = payload(parts.jwt) {
        check_decode(&payload, &parts.disclosures);
    }
    match runtime().block_on(verifier().verify(text)) {
        Ok(verified) => {
            assert_eq!(verified.disclosed.len(), parts.disclosures.len());
            assert_no_markers(&Value::Object(verified.claims));
        }
        Err(error) => {
            assert_code(error.code(), &error);
            refused(data, "SdJwtVcVerifier::verify", &error);
        }
    }
}

/// The split must cover the input exactly, and each disclosure re-parse to itself.
fn check_parts(text: &str, parts: &SdJwtParts<'_>) {
    assert!(parts.signed_part.ends_with('~'), "{:?}", parts.signed_part);
    let rebuilt = format!("{}{}", parts.signed_part, parts.kb_jwt.unwrap_or_default());
    assert_eq!(rebuilt, text, "the parts do not make up the input");
    assert!(parts.signed_part.starts_with(parts.jwt));
    assert_eq!(parts.jwt.split('.').count(), 3);
    if let Some(kb) = parts.kb_jwt {
        assert!(!kb.contains('~'), "a KB-JWT holds no ~: {kb:?}");
    }
    for disclosure in &parts.disclosures {
        assert!(text.contains(disclosure.as_str()));
        match Disclosure::parse(disclosure.as_str()) {
            Ok(again) => assert_eq!(&again, disclosure, "a disclosure re-parses differently"),
            Err(error) => panic!("a parsed disclosure must parse again: {error}"),
        }
        if let Some(name) = disclosure.name() {
            assert!(
                !matches!(name, "_sd" | "..." | "_sd_alg"),
                "a reserved name: {name}"
            );
        }
    }
}

/// The issuer-signed JWT's payload, when it is a JSON object (the verifier says more).
fn payload(jwt: &str) -> Option<Map<String, Value>> {
    let segment = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(segment).ok()?;
    match vc_core::parse::parse_value(&bytes, &vc_core::ParseLimits::default()) {
        Ok(Value::Object(payload)) => Some(payload),
        _ => None,
    }
}

/// `decode` either refuses with a code or puts every disclosure somewhere, leaving no marker.
fn check_decode(payload: &Map<String, Value>, disclosures: &[Disclosure]) {
    match decode(payload, disclosures) {
        Ok(decoded) => {
            assert_eq!(
                decoded.paths.len(),
                disclosures.len(),
                "one path per disclosure"
            );
            assert_no_markers(&Value::Object(decoded.claims));
        }
        Err(error) => assert_code(error.code(), &error),
    }
}

/// No `_sd` or `{"...": digest}` left anywhere in decoded claims, no `_sd_alg` at the top (the
/// only place it means something; deeper it is an ordinary, signed name).
fn assert_no_markers(claims: &Value) {
    assert!(claims.get("_sd_alg").is_none(), "_sd_alg survived decoding");
    assert_no_digests(claims);
}

fn assert_no_digests(value: &Value) {
    match value {
        Value::Object(object) => {
            assert!(
                !object.contains_key("_sd"),
                "a digest marker survived decoding: {object:?}"
            );
            assert!(
                !(object.len() == 1 && object.contains_key("...")),
                "an array digest survived decoding"
            );
            object.values().for_each(assert_no_digests);
        }
        Value::Array(array) => array.iter().for_each(assert_no_digests),
        _ => {}
    }
}
