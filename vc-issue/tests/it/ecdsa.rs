//! The `ecdsa-*` suites reproduce the W3C vc-di-ecdsa vectors byte for byte (RFC 6979 makes the
//! signatures deterministic, and the vectors were made that way), with P-256 and P-384 keys, and
//! verify the published credentials.

use std::sync::Arc;

use vc_core::did_key::KeyType;
use vc_core::{Credential, DateTime};
use vc_issue::crypto::suites::{Canonicalizer, DataIntegritySuite, RdfcCanonicalizer};
use vc_issue::{P256Signer, P384Signer, ProofOptions, ProofSuite, Signer};

use crate::fixtures::{read_json, read_text};

const VECTORS: &str = "vectors/vc-di-ecdsa";

/// The key pair of the vectors for `curve` (`p256`, `p384`).
pub fn vector_key(curve: &str) -> Box<dyn Signer> {
    let pair = read_json(&format!("{VECTORS}/{curve}KeyPair.json"));
    let secret = pair["secretKeyMultibase"].as_str().unwrap();
    let signer: Box<dyn Signer> = match curve {
        "p256" => Box::new(P256Signer::from_private_multikey(secret).unwrap()),
        _ => Box::new(P384Signer::from_private_multikey(secret).unwrap()),
    };
    assert_eq!(
        signer.public_key().to_multikey(),
        pair["publicKeyMultibase"].as_str().unwrap()
    );
    signer
}

fn options(signer: &dyn Signer) -> ProofOptions {
    let method = vc_core::did_key::DidKey::new(
        signer.public_key().key_type(),
        signer.public_key().as_bytes(),
    )
    .unwrap()
    .verification_method_id();
    ProofOptions::assertion(
        method,
        Some(DateTime::parse("2023-02-24T23:36:38Z").unwrap()),
    )
}

/// Every vector directory: the suite, the curve, the directory, the files' suffix, the input.
fn cases() -> Vec<(
    DataIntegritySuite,
    &'static str,
    String,
    String,
    &'static str,
)> {
    let rdfc: Arc<dyn Canonicalizer> = Arc::new(RdfcCanonicalizer::default());
    let mut cases = Vec::new();
    for curve in ["p256", "p384"] {
        let upper = curve.to_uppercase();
        for (sub, input) in [("", "unsigned.json"), ("/employ", "employmentAuth.json")] {
            if curve == "p384" && !sub.is_empty() {
                // See `the_p384_employment_vector_signed_a_mislabelled_canonical_form`.
                continue;
            }
            cases.push((
                DataIntegritySuite::ecdsa_rdfc_2019(rdfc.clone()),
                curve,
                format!("{VECTORS}/ecdsa-rdfc-2019-{curve}{sub}"),
                format!("ECDSA{upper}"),
                input,
            ));
        }
        cases.push((
            DataIntegritySuite::ecdsa_jcs_2019(),
            curve,
            format!("{VECTORS}/ecdsa-jcs-2019-{curve}"),
            format!("JCSECDSA{upper}"),
            "unsigned.json",
        ));
    }
    cases
}

#[tokio::test]
async fn ecdsa_suites_reproduce_every_w3c_vector() {
    for (suite, curve, dir, suffix, input) in cases() {
        let signer = vector_key(curve);
        let unsigned = Credential::from_value(read_json(&format!("{VECTORS}/{input}"))).unwrap();
        let signed = suite
            .sign(unsigned, &options(signer.as_ref()), signer.as_ref())
            .await
            .unwrap();
        let proof_value = signed.proofs()[0].proof_value.clone().unwrap();
        assert_eq!(
            proof_value,
            read_text(&format!("{dir}/sigBTC58{suffix}.txt")),
            "{dir}"
        );
        assert_eq!(
            signed.to_value().unwrap(),
            read_json(&format!("{dir}/signed{suffix}.json")),
            "{dir}"
        );
    }
}

#[tokio::test]
async fn ecdsa_suites_verify_every_published_credential_and_refuse_tampered_ones() {
    for (suite, curve, dir, suffix, _) in cases() {
        let key = vector_key(curve).public_key().clone();
        let published = read_json(&format!("{dir}/signed{suffix}.json"));
        let credential = Credential::from_value(published.clone()).unwrap();
        suite
            .verify_proof(&credential, &credential.proofs()[0], &key)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        let mut tampered = published.clone();
        tampered["validFrom"] = "2023-01-01T00:00:01Z".into();
        let tampered = Credential::from_value(tampered).unwrap();
        assert_eq!(
            suite
                .verify_proof(&tampered, &tampered.proofs()[0], &key)
                .unwrap_err()
                .code(),
            "INVALID_SIGNATURE",
            "{dir}"
        );
        // The other curve's key is a valid key type for the suite, but not the signer (a P-384
        // key cannot check the employment document's RDF form at all: see below).
        let other = vector_key(if curve == "p256" { "p384" } else { "p256" });
        let err = suite
            .verify_proof(&credential, &credential.proofs()[0], other.public_key())
            .unwrap_err();
        assert!(
            err.code() == "INVALID_SIGNATURE" || err.code() == "CANONICALIZATION_FAILED",
            "{dir}: {err}"
        );
    }
}

#[tokio::test]
async fn ecdsa_suites_refuse_ed25519_keys_and_take_both_curves() {
    for suite in [
        DataIntegritySuite::ecdsa_jcs_2019(),
        DataIntegritySuite::ecdsa_rdfc_2019(Arc::new(RdfcCanonicalizer::default())),
    ] {
        assert!(suite.accepts_key(KeyType::P256));
        assert!(suite.accepts_key(KeyType::P384));
        assert!(!suite.accepts_key(KeyType::Ed25519));
        let ed = crate::fixtures::vector_signer();
        let unsigned =
            Credential::from_value(read_json(&format!("{VECTORS}/unsigned.json"))).unwrap();
        let err = suite.sign(unsigned, &options(&ed), &ed).await.unwrap_err();
        assert_eq!(err.code(), "SIGNING_FAILED");
    }
}

#[test]
fn p384_signatures_are_96_bytes_and_verify() {
    let signer = P384Signer::generate();
    let signature = signer.sign_now(b"message");
    assert_eq!(signature.len(), 96);
    vc_issue::crypto::verify::verify_signature(signer.public_key(), b"message", &signature)
        .unwrap();
    assert!(
        vc_issue::crypto::verify::verify_signature(signer.public_key(), b"other", &signature)
            .is_err()
    );
    assert_eq!(
        P384Signer::from_bytes(&[0; 48]).unwrap_err().code(),
        "INVALID_REQUEST"
    );
    assert_eq!(
        P384Signer::from_bytes(&[1; 32]).unwrap_err().code(),
        "INVALID_REQUEST"
    );
    // A P-256 secret multikey is not a P-384 one.
    let p256 = read_json(&format!("{VECTORS}/p256KeyPair.json"));
    assert!(
        P384Signer::from_private_multikey(p256["secretKeyMultibase"].as_str().unwrap()).is_err()
    );
    assert!(format!("{signer:?}").contains(&signer.public_key().to_multikey()));
}

/// The `ecdsa-rdfc-2019-p384/employ` vector canonicalizes with RDFC-1.0 over SHA-384 (as
/// vc-di-ecdsa asks for P-384 keys), which labels its three blank nodes differently from SHA-256.
/// The canonicalizer hashes with SHA-256 only, so with a P-384 key a document with more than one
/// blank node is refused (`UNSUPPORTED_PROOF_TYPE` when signing, "could not check" when
/// verifying) instead of signing what no other implementation would verify.
#[tokio::test]
async fn p384_rdfc_refuses_documents_whose_blank_node_labels_depend_on_the_hash() {
    let rdfc = RdfcCanonicalizer::default();
    let document = read_json(&format!("{VECTORS}/employmentAuth.json"));
    let ours = String::from_utf8(rdfc.canonicalize(&document).unwrap()).unwrap();
    let p256 = std::fs::read_to_string(crate::fixtures::shared(&format!(
        "{VECTORS}/ecdsa-rdfc-2019-p256/employ/canonDocECDSAP256.txt"
    )))
    .unwrap();
    let p384 = std::fs::read_to_string(crate::fixtures::shared(&format!(
        "{VECTORS}/ecdsa-rdfc-2019-p384/employ/canonDocECDSAP384.txt"
    )))
    .unwrap();
    assert_eq!(ours, p256);
    assert_ne!(ours, p384);

    let dir = format!("{VECTORS}/ecdsa-rdfc-2019-p384/employ");
    let combined = hex(&read_text(&format!("{dir}/combinedHashECDSAP384.txt")));
    let signature = hex(&read_text(&format!("{dir}/sigHexECDSAP384.txt")));
    let key = vector_key("p384");
    vc_issue::crypto::verify::verify_signature(key.public_key(), &combined, &signature).unwrap();
    let suite = DataIntegritySuite::ecdsa_rdfc_2019(Arc::new(rdfc));
    let published =
        Credential::from_value(read_json(&format!("{dir}/signedECDSAP384.json"))).unwrap();
    let err = suite
        .verify_proof(&published, &published.proofs()[0], key.public_key())
        .unwrap_err();
    assert_eq!(err.code(), "CANONICALIZATION_FAILED");
    assert!(!err.is_invalid());
    let unsigned = Credential::from_value(document).unwrap();
    let err = suite
        .sign(unsigned, &options(key.as_ref()), key.as_ref())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "UNSUPPORTED_PROOF_TYPE");
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
