//! The JSON examples of the Issuance protocol 0.1 (revision of 2021-09-17), each read into its
//! typed message and written back unchanged.
//!
//! The spec's examples are not quite JSON: trailing commas are removed here, and `"proof": {...}`
//! placeholders are replaced by a real proof. The example `credentialHash` values are 64-byte
//! base58 strings, not SHA-256 outputs, so the hashes are also computed here. Proof properties are
//! written in the order vc-core's `Proof` serializes them.

use serde_json::{json, Value};
use vc_core::Credential;
use vc_didcomm::iota::{
    IotaMessage, ISSUANCE, ISSUANCE_ACKNOWLEDGMENT, ISSUANCE_OFFER, ISSUANCE_REQUEST,
    ISSUANCE_RESPONSE,
};
use vc_didcomm::Message;

fn round_trip(type_: &str, body: Value) -> IotaMessage {
    let parsed = round_trip_values(type_, body.clone());
    // Byte-compatible too (key order is kept).
    assert_eq!(
        serde_json::to_string(&parsed.body().unwrap()).unwrap(),
        serde_json::to_string(&body).unwrap()
    );
    parsed
}

/// Same JSON value, but vc-core's `Credential` writes its known properties in a fixed order, so
/// an embedded credential written in another order (the dispute example puts `credentialSubject`
/// before `issuer`) comes back reordered.
fn round_trip_values(type_: &str, body: Value) -> IotaMessage {
    let message = Message::builder(type_, body.clone()).build().unwrap();
    let message = Message::from_slice(message.to_json().unwrap().as_bytes()).unwrap();
    let parsed = IotaMessage::from_message(&message).unwrap();
    assert_eq!(parsed.body().unwrap(), body, "{type_} must round-trip");
    parsed
}

fn proof() -> Value {
    json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2021-01-05T19:40:00Z",
        "verificationMethod": "did:example:c6ef1fe11eb22cb711e6e227fbc#key-1",
        "proofPurpose": "authentication",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKiuQ2gYu3dTaGHsRcG",
        "challenge": "d7b7869e-fec3-4de9-84bb-c3a43bacff33"
    })
}

fn degree(issuance_date: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://www.w3.org/2018/credentials/examples/v1"
        ],
        "id": "6c1a1477-e452-4da7-b2db-65ad0b369d1a",
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "issuer": "did:example:76e12ec712ebc6f1c221ebfeb1f",
        "issuanceDate": issuance_date,
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}
        }
    })
}

#[test]
fn request_examples() {
    let parsed = round_trip(
        ISSUANCE_REQUEST,
        json!({
            "subject": "did:example:c6ef1fe11eb22cb711e6e227fbc",
            "type": ["VerifiableCredential", "DriversLicence"]
        }),
    );
    assert!(matches!(parsed, IotaMessage::Request(r) if r.trusted_issuers.is_none()));
    let parsed = round_trip(
        ISSUANCE_REQUEST,
        json!({
            "subject": "did:example:c6ef1fe11eb22cb711e6e227fbc",
            "type": ["VerifiableCredential", "UniversityDegreeCredential", "BachelorOfArtsDegreeCredential"],
            "trustedIssuers": ["did:example:76e12ec712ebc6f1c221ebfeb1f", "did:example:f1befbe122c1f6cbe217ce21e67"]
        }),
    );
    let IotaMessage::Request(request) = parsed else {
        panic!()
    };
    assert_eq!(request.trusted_issuers.unwrap().len(), 2);
    assert_eq!(
        request.subject.as_str(),
        "did:example:c6ef1fe11eb22cb711e6e227fbc"
    );
}

#[test]
fn offer_examples() {
    // Example 1 keeps the spec's invalid time "19:73:24" verbatim (dates are parsed leniently).
    let parsed = round_trip(
        ISSUANCE_OFFER,
        json!({"unsignedCredential": degree("2021-05-03T19:73:24Z")}),
    );
    let IotaMessage::Offer(offer) = parsed else {
        panic!()
    };
    assert!(offer.validate().is_ok());

    let body = json!({
        "unsignedCredential": degree("2021-01-05T19:37:24Z"),
        "signatureChallenge": {
            "challenge": "d7b7869e-fec3-4de9-84bb-c3a43bacff33",
            "credentialHash": "28Ae7AdqzyMyF9pmnwUNK1Q7VT3EzDDGEj1Huk7uYQT94KYAhQzEPyhoF5Ugs3totUugLPpghGmE9HaG8usJZcZv"
        },
        "expiry": "2021-01-05T20:07:24Z"
    });
    let IotaMessage::Offer(offer) = round_trip(ISSUANCE_OFFER, body.clone()) else {
        panic!()
    };
    // The spec's hash is a placeholder: it does not hash the credential.
    assert_eq!(offer.validate().unwrap_err().code(), "HASH_MISMATCH");

    // With the real hash the offer is valid.
    let credential = Credential::from_value(degree("2021-01-05T19:37:24Z")).unwrap();
    let hash = vc_core::jcs::credential_hash(&degree("2021-01-05T19:37:24Z")).unwrap();
    assert_eq!(hash, credential.credential_hash().unwrap());
    let mut body = body;
    body["signatureChallenge"]["credentialHash"] = json!(hash);
    let IotaMessage::Offer(offer) = round_trip(ISSUANCE_OFFER, body) else {
        panic!()
    };
    offer.validate().unwrap();
    assert_eq!(offer.expiry.unwrap().as_str(), "2021-01-05T20:07:24Z");
}

#[test]
fn response_examples() {
    let IotaMessage::Response(r) =
        round_trip(ISSUANCE_RESPONSE, json!({"accepted": true, "disputes": []}))
    else {
        panic!()
    };
    assert!(r.accepted && r.disputes().is_empty());

    let IotaMessage::Response(r) = round_trip(
        ISSUANCE_RESPONSE,
        json!({
            "accepted": true,
            "disputes": [],
            "signature": {
                "signatureChallenge": {
                    "challenge": "d7b7869e-fec3-4de9-84bb-c3a43bacff33",
                    "credentialHash": "28Ae7AdqzyMyF9pmnwUNK1Q7VT3EzDDGEj1Huk7uYQT94KYAhQzEPyhoF5Ugs3totUugLPpghGmE9HaG8usJZcZv"
                },
                "proof": proof()
            }
        }),
    ) else {
        panic!()
    };
    assert_eq!(
        r.signature.unwrap().proof.proof_purpose.as_deref(),
        Some("authentication")
    );

    let IotaMessage::Response(r) = round_trip_values(
        ISSUANCE_RESPONSE,
        json!({
            "accepted": false,
            "disputes": [{
                "@context": ["https://www.w3.org/2018/credentials/v1"],
                "id": "6e8e989e-749e-4ed8-885b-b2a2bb64835f",
                "type": ["VerifiableCredential", "DisputeCredential"],
                "credentialSubject": {
                    "id": "6c1a1477-e452-4da7-b2db-65ad0b369d1a",
                    "currentStatus": "Disputed",
                    "statusReason": {"value": "Incorrect name.", "lang": "en"}
                },
                "issuer": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                "issuanceDate": "2021-01-05T19:46:24Z",
                "proof": proof()
            }]
        }),
    ) else {
        panic!()
    };
    assert!(!r.accepted);
    assert!(r.disputes()[0].has_type("DisputeCredential"));
}

#[test]
fn issuance_example() {
    let signed = {
        let mut c = degree("2021-01-05T19:37:24Z");
        c["proof"] = json!({
            "type": "JcsEd25519Signature2020",
            "verificationMethod": "did:example:ebfeb1f712ebc6f1c276e12ec21#key",
            "signatureValue": "3KpeHSW4LybMy1smFEYriRmj5FsFfnxQiEsBnQdYzwkXMnjF3Jjn5RS1KGzheNpUgHW5yua8DoLbfYmZFAvaUVwv"
        });
        c
    };
    // The spec's example names the credential `unsignedCredential`, a typo for `signedCredential`:
    // as printed it lacks a required field.
    let as_printed = Message::builder(
        ISSUANCE,
        json!({
            "unsignedCredential": signed,
            "signatureChallenge": {
                "challenge": "6ff5f616-2f9c-4e47-b9d2-5553deeac01d",
                "credentialHash": "21DtABsnYNb7oGEY8aybb9Bghq6NJJWvrQgtC2SBdhgQ8v6cZGjnT8RmEmBLZfHyfEYMAik3D1EoNQZCaT4RUKEX"
            },
            "expiry": "2021-01-05T20:07:24Z"
        }),
    )
    .build()
    .unwrap();
    let err = IotaMessage::from_message(&as_printed).unwrap_err();
    assert_eq!(err.code(), "MISSING_FIELD");
    assert!(err.to_string().contains("signedCredential"));

    let real_hash = vc_core::jcs::credential_hash(&signed).unwrap();
    let IotaMessage::Issuance(issuance) = round_trip(
        ISSUANCE,
        json!({
            "signedCredential": signed,
            "signatureChallenge": {
                "challenge": "6ff5f616-2f9c-4e47-b9d2-5553deeac01d",
                "credentialHash": real_hash
            },
            "expiry": "2021-01-05T20:07:24Z"
        }),
    ) else {
        panic!()
    };
    issuance.validate().unwrap();
    // The hash covers the proof: without it, it differs.
    assert_ne!(
        issuance
            .signed_credential
            .without_proof()
            .credential_hash()
            .unwrap(),
        real_hash
    );
}

#[test]
fn acknowledgment_examples() {
    let IotaMessage::Acknowledgment(a) = round_trip(ISSUANCE_ACKNOWLEDGMENT, json!({})) else {
        panic!()
    };
    assert!(a.signature.is_none());
    let IotaMessage::Acknowledgment(a) = round_trip(
        ISSUANCE_ACKNOWLEDGMENT,
        json!({
            "signature": {
                "signatureChallenge": {
                    "challenge": "6ff5f616-2f9c-4e47-b9d2-5553deeac01d",
                    "credentialHash": "21DtABsnYNb7oGEY8aybb9Bghq6NJJWvrQgtC2SBdhgQ8v6cZGjnT8RmEmBLZfHyfEYMAik3D1EoNQZCaT4RUKEX"
                },
                "proof": proof()
            }
        }),
    ) else {
        panic!()
    };
    assert_eq!(
        a.signature.unwrap().signature_challenge.challenge,
        "6ff5f616-2f9c-4e47-b9d2-5553deeac01d"
    );
}

#[test]
fn problem_report_codes() {
    use vc_didcomm::iota::IotaProblemCode;
    let codes: Vec<_> = IotaProblemCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "e.p.prot.iota.issuance.reject-vc",
            "e.p.prot.iota.issuance.invalid-request",
            "e.p.prot.iota.issuance.invalid-credential-type",
            "e.p.prot.iota.issuance.invalid-trusted-issuer"
        ]
    );
    for code in IotaProblemCode::ALL {
        assert_eq!(IotaProblemCode::parse(code.as_str()), Some(code));
    }
    let report = json!({"code": "e.p.prot.iota.issuance.reject-vc", "comment": "mismatch"});
    let parsed = round_trip(vc_didcomm::problem_report::PROBLEM_REPORT_TYPE, report);
    assert!(matches!(parsed, IotaMessage::ProblemReport(r) if r.is_error()));
}
