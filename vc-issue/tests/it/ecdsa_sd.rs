//! `ecdsa-sd-2023` reproduces the W3C vc-di-ecdsa vectors byte for byte (base proofs and derived
//! proofs: RFC 6979 signatures with the vectors' HMAC and ephemeral keys), verifies them, and
//! round-trips with fresh keys (P-256; P-384 issuer keys are refused).

use serde_json::Value;
use vc_core::{Credential, DateTime};
use vc_issue::crypto::suites::ecdsa_sd::derive_proof;
use vc_issue::crypto::suites::EcdsaSd2023Suite;
use vc_issue::{P256Signer, P384Signer, ProofOptions, ProofSuite, Signer};

use crate::fixtures::read_json;

const VECTORS: &str = "vectors/vc-di-ecdsa";

fn strings(value: Value) -> Vec<String> {
    serde_json::from_value(value).unwrap()
}

fn key(material: &Value, pair: &str) -> P256Signer {
    P256Signer::from_private_multikey(material[pair]["secretKeyMultibase"].as_str().unwrap())
        .unwrap()
}

fn hmac_key(material: &Value) -> [u8; 32] {
    let hex = material["hmacKeyString"].as_str().unwrap();
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    key
}

/// (vector dir, input, mandatory pointers, selective pointers)
const CASES: [(&str, &str, &str, &str); 2] = [
    (
        "employ",
        "employmentAuth.json",
        "employMandatory.json",
        "employSelective.json",
    ),
    (
        "prc",
        "prCredUnsigned.json",
        "prCredMandatory.json",
        "prCredSelective.json",
    ),
];

#[tokio::test]
async fn base_and_derived_proofs_reproduce_the_w3c_vectors() {
    let material = read_json(&format!("{VECTORS}/ecdsa-sd-2023/SDKeyMaterial.json"));
    let issuer = key(&material, "baseKeyPair");
    let proof_key = key(&material, "proofKeyPair");
    let suite = EcdsaSd2023Suite::default();
    for (dir, input, mandatory, selective) in CASES {
        let dir = format!("{VECTORS}/ecdsa-sd-2023/{dir}");
        let expected_base = read_json(&format!("{dir}/addSignedSDBase.json"));
        // The published prc input (`prCredUnsigned.json`) has another `description` than the
        // credential the vector signed; the signed credential without its proof is the input.
        let mut unsigned = expected_base.clone();
        unsigned.as_object_mut().unwrap().remove("proof");
        if input == "employmentAuth.json" {
            assert_eq!(unsigned, read_json(&format!("{VECTORS}/{input}")));
        }
        let unsigned = Credential::from_value(unsigned).unwrap();
        let options = ProofOptions::assertion(
            issuer.verification_method_id(),
            Some(DateTime::parse("2023-08-15T23:36:38Z").unwrap()),
        )
        .with_mandatory_pointers(strings(read_json(&format!("{VECTORS}/{mandatory}"))));
        let base = suite
            .sign_with_keys(
                unsigned,
                &options,
                &issuer,
                &hmac_key(&material),
                &proof_key,
            )
            .await
            .unwrap();
        assert_eq!(base.to_value().unwrap(), expected_base, "{dir}");
        suite
            .verify_proof(&base, &base.proofs()[0], issuer.public_key())
            .unwrap();

        let selective = strings(read_json(&format!("{VECTORS}/{selective}")));
        let derived = suite.derive_proof(&base, &selective).unwrap();
        let expected_derived = read_json(&format!("{dir}/derivedRevealDocument.json"));
        assert_eq!(derived.to_value().unwrap(), expected_derived, "{dir}");
        suite
            .verify_proof(&derived, &derived.proofs()[0], issuer.public_key())
            .unwrap();
    }
}

#[test]
fn published_proofs_verify_and_tampered_ones_do_not() {
    let material = read_json(&format!("{VECTORS}/ecdsa-sd-2023/SDKeyMaterial.json"));
    let issuer = key(&material, "baseKeyPair");
    let suite = EcdsaSd2023Suite::default();
    for (dir, ..) in CASES {
        let dir = format!("{VECTORS}/ecdsa-sd-2023/{dir}");
        for file in ["addSignedSDBase.json", "derivedRevealDocument.json"] {
            let published = read_json(&format!("{dir}/{file}"));
            let credential = Credential::from_value(published.clone()).unwrap();
            suite
                .verify_proof(&credential, &credential.proofs()[0], issuer.public_key())
                .unwrap_or_else(|e| panic!("{dir}/{file}: {e}"));
            let mut tampered = published.clone();
            tampered["validFrom"] = "2019-12-03T00:00:01Z".into();
            let tampered = Credential::from_value(tampered).unwrap();
            let err = suite
                .verify_proof(&tampered, &tampered.proofs()[0], issuer.public_key())
                .unwrap_err();
            assert!(err.is_invalid(), "{dir}/{file}: {err}");
            // Another issuer key does not verify it.
            let other = P256Signer::from_bytes(&[5; 32]).unwrap();
            assert_eq!(
                suite
                    .verify_proof(&credential, &credential.proofs()[0], other.public_key())
                    .unwrap_err()
                    .code(),
                "INVALID_SIGNATURE"
            );
        }
    }
}

#[tokio::test]
async fn fresh_keys_round_trip_and_hide_what_is_not_selected() {
    let signers: [Box<dyn Signer>; 1] = [Box::new(P256Signer::generate())];
    let suite = EcdsaSd2023Suite::default();
    for signer in signers {
        let did_key = vc_core::did_key::DidKey::new(
            signer.public_key().key_type(),
            signer.public_key().as_bytes(),
        )
        .unwrap();
        let mut unsigned = read_json(&format!("{VECTORS}/employmentAuth.json"));
        unsigned["issuer"]["id"] = did_key.did().as_str().into();
        let unsigned = Credential::from_value(unsigned).unwrap();
        let options = ProofOptions::assertion(did_key.verification_method_id(), None);
        let base = suite
            .sign(unsigned, &options, signer.as_ref())
            .await
            .unwrap();
        // The default mandatory pointers: issuer and validity period.
        let derived = derive_proof(&base, &["/credentialSubject/birthCountry".to_owned()]).unwrap();
        let value = derived.to_value().unwrap();
        assert_eq!(value["credentialSubject"]["birthCountry"], "Bahamas");
        assert!(value["credentialSubject"].get("givenName").is_none());
        assert!(value.get("validFrom").is_some());
        suite
            .verify_proof(&derived, &derived.proofs()[0], signer.public_key())
            .unwrap();
        // Disclosing nothing beyond the mandatory parts works too.
        let minimal = derive_proof(&base, &[]).unwrap();
        suite
            .verify_proof(&minimal, &minimal.proofs()[0], signer.public_key())
            .unwrap();
        // A pointer that selects nothing is the holder's error.
        assert_eq!(
            derive_proof(&base, &["/credentialSubject/nothing".to_owned()])
                .unwrap_err()
                .code(),
            "SELECTIVE_POINTER_INVALID"
        );
        // Adding a claim the issuer never signed breaks the derived proof.
        let mut forged = value.clone();
        forged["credentialSubject"]["givenName"] = "MALLORY".into();
        let forged = Credential::from_value(forged).unwrap();
        assert!(suite
            .verify_proof(&forged, &forged.proofs()[0], signer.public_key())
            .unwrap_err()
            .is_invalid());
    }
    // P-384 issuer keys are refused (the specification's implementation reads 64-byte base
    // signatures only).
    let p384 = P384Signer::generate();
    assert!(!suite.accepts_key(p384.public_key().key_type()));
    let unsigned =
        Credential::from_value(read_json(&format!("{VECTORS}/employmentAuth.json"))).unwrap();
    let options = ProofOptions::assertion(p384.verification_method_id(), None);
    assert_eq!(
        suite
            .sign(unsigned, &options, &p384)
            .await
            .unwrap_err()
            .code(),
        "SIGNING_FAILED"
    );
    // A request's mandatory pointer that selects nothing is refused when signing.
    let signer = P256Signer::generate();
    let options = ProofOptions::assertion(signer.verification_method_id(), None)
        .with_mandatory_pointers(["/nothing"]);
    let unsigned =
        Credential::from_value(read_json(&format!("{VECTORS}/employmentAuth.json"))).unwrap();
    assert_eq!(
        suite
            .sign(unsigned, &options, &signer)
            .await
            .unwrap_err()
            .code(),
        "MANDATORY_POINTER_INVALID"
    );
}
