//! Our suites reproduce the published vectors byte for byte.

use vc_core::{Credential, DateTime, DidUrl};
use vc_issue::crypto::suites::DataIntegritySuite;
use vc_issue::{ProofOptions, ProofSuite, Signer};

use crate::fixtures::{read_json, read_text, vector_signer};

fn vector_options() -> ProofOptions {
    let signer = vector_signer();
    ProofOptions::assertion(
        signer.verification_method_id(),
        Some(DateTime::parse("2023-02-24T23:36:38Z").unwrap()),
    )
}

#[tokio::test]
async fn eddsa_jcs_2022_reproduces_the_w3c_vector() {
    let unsigned = Credential::from_value(read_json("vectors/vc-di-eddsa/unsigned.json")).unwrap();
    let suite = DataIntegritySuite::eddsa_jcs_2022();
    let signed = suite
        .sign(unsigned, &vector_options(), &vector_signer())
        .await
        .unwrap();
    let expected = read_json("vectors/vc-di-eddsa/eddsa-jcs-2022/signedJCS.json");
    assert_eq!(
        signed.proofs()[0].proof_value.as_deref(),
        expected["proof"]["proofValue"].as_str()
    );
    assert_eq!(
        signed.proofs()[0].proof_value.as_deref().unwrap(),
        read_text("vectors/vc-di-eddsa/eddsa-jcs-2022/sigBTC58JCS.txt")
    );
    // The whole signed credential equals the vector (as JSON, key order aside).
    assert_eq!(signed.to_value().unwrap(), expected);
    // And it verifies, while a tampered copy does not.
    let key = vector_signer().public_key().clone();
    suite
        .verify_proof(&signed, &signed.proofs()[0], &key)
        .unwrap();
    let mut tampered = signed.clone();
    tampered.credential_subject.as_mut().unwrap().as_mut_slice()[0]
        .claims
        .insert("alumniOf".into(), "Other".into());
    let err = suite
        .verify_proof(&tampered, &tampered.proofs()[0], &key)
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_SIGNATURE");
}

#[tokio::test]
async fn eddsa_jcs_2022_verifies_the_published_credential() {
    let signed = Credential::from_value(read_json(
        "vectors/vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
    ))
    .unwrap();
    let key = vector_signer().public_key().clone();
    DataIntegritySuite::eddsa_jcs_2022()
        .verify_proof(&signed, &signed.proofs()[0], &key)
        .unwrap();
}

/// Verification reuses the proof's JSON from the credential's serialization when it checks the
/// credential's own proof; a copy of the proof, or the proof inside a one-element array, must give
/// the same answers, and so must a proof whose options were tampered with.
#[tokio::test]
async fn the_published_proof_verifies_however_it_is_passed() {
    let published = read_json("vectors/vc-di-eddsa/eddsa-jcs-2022/signedJCS.json");
    let key = vector_signer().public_key().clone();
    let suite = DataIntegritySuite::eddsa_jcs_2022();
    let mut as_array = published.clone();
    as_array["proof"] = serde_json::json!([published["proof"].clone()]);
    let mut tampered = as_array.clone();
    tampered["proof"][0]["created"] = "2023-02-24T23:36:39Z".into();
    let mut tampered_single = published.clone();
    tampered_single["proof"]["proofPurpose"] = "authentication".into();
    for (document, valid) in [
        (published, true),
        (as_array, true),
        (tampered, false),
        (tampered_single, false),
    ] {
        let credential = Credential::from_value(document).unwrap();
        let own = &credential.proofs()[0];
        let copy = own.clone();
        for proof in [own, &copy] {
            let verified = suite.verify_proof(&credential, proof, &key);
            assert_eq!(verified.is_ok(), valid, "{verified:?}");
        }
    }
}

#[tokio::test]
async fn jcs_ed25519_signature_2020_reproduces_the_dif_vectors() {
    for file in ["iota_jcs_tv1.json", "iota_jcs_tv2.json"] {
        let vector = read_json(&format!("vectors/jcs-ed25519-2020/{file}"));
        // `private` is base58 of the 64-byte keypair (seed || public); its leading 'z' is a base58
        // digit, not a multibase prefix.
        let private =
            vc_core::multibase::base58_decode(vector["private"].as_str().unwrap()).unwrap();
        assert_eq!(private.len(), 64);
        let seed: [u8; 32] = private[..32].try_into().unwrap();
        let signer = vc_issue::Ed25519Signer::from_seed(&seed);
        assert_eq!(
            vc_core::multibase::base58_encode(signer.public_key().as_bytes()),
            vector["public"].as_str().unwrap(),
            "{file}: the seed gives the published public key"
        );
        let input = Credential::from_value(vector["input"].clone()).unwrap();
        let canonical = input.canonicalize().unwrap();
        let signature = vc_core::multibase::base58_encode(&signer.sign_now(canonical.as_bytes()));
        assert_eq!(
            signature,
            vector["output"]["proof"]["signatureValue"]
                .as_str()
                .unwrap(),
            "{file}"
        );
        let output = Credential::from_value(vector["output"].clone()).unwrap();
        vc_issue::crypto::suites::JcsEd25519Signature2020
            .verify_proof(&output, &output.proofs()[0], signer.public_key())
            .unwrap();
    }
}

#[test]
fn vector_key_is_the_published_did_key() {
    let pair = read_json("vectors/vc-di-eddsa/keyPair.json");
    let signer = vector_signer();
    let expected = format!(
        "did:key:{0}#{0}",
        pair["publicKeyMultibase"].as_str().unwrap()
    );
    assert_eq!(
        signer.verification_method_id(),
        DidUrl::parse(&expected).unwrap()
    );
}
