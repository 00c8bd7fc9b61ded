//! `bbs-2023`: the W3C vectors (base proof byte for byte, the published derived proof verifies, a
//! derivation reproduces everything but the randomized BBS proof), and the three roles through the
//! pipeline.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use vc_core::{Credential, DateTime, DidUrl, PublicKey};
use vc_issue::crypto::suites::bbs::{derive_proof, Bbs2023Suite};
use vc_issue::{
    Bls12381G2Signer, CredentialVerifier, IssuanceRequest, IssueError, ProofOptions, ProofSuite,
    ProofType, Signer, VerifyError,
};

use crate::fixtures::{degree_claims, Setup};

fn vector(name: &str) -> Value {
    let path = format!(
        "{}/tests/vectors/bbs-2023/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn vector_signer() -> Bls12381G2Signer {
    let keys = vector("BBSKeyMaterial.json");
    let secret: [u8; 32] = hex(keys["privateKeyHex"].as_str().unwrap())
        .try_into()
        .unwrap();
    Bls12381G2Signer::from_secret_bytes(&secret).unwrap()
}

fn vector_key() -> PublicKey {
    vector_signer().public_key().clone()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn proof_value(credential: &Credential) -> String {
    credential.proofs()[0].proof_value.clone().unwrap()
}

fn decode(proof_value: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(&proof_value[1..]).unwrap()
}

#[test]
fn the_vector_key_is_the_published_did_key() {
    let signer = vector_signer();
    let keys = vector("BBSKeyMaterial.json");
    assert_eq!(
        signer.public_key().as_bytes(),
        hex(keys["publicKeyHex"].as_str().unwrap())
    );
    let signed = vector("addSignedSDBase.json");
    assert_eq!(
        signer.verification_method_id().as_str(),
        signed["proof"]["verificationMethod"]
    );
    assert!(signer.did().as_str().starts_with("did:key:zUC7"));
    let debug = format!("{signer:?}");
    assert!(!debug.contains(keys["privateKeyHex"].as_str().unwrap()));
}

#[tokio::test]
async fn local_bls_signers_pass_the_conformance_checks() {
    use vc_issue::testing::signer::check_bbs_signer;
    check_bbs_signer(&Bls12381G2Signer::generate())
        .await
        .unwrap();
    check_bbs_signer(&vector_signer()).await.unwrap();
    assert!(Bls12381G2Signer::from_secret_bytes(&[0; 32]).is_err());
    assert!(Bls12381G2Signer::from_secret_bytes(&[0xff; 32]).is_err());
    assert!(Bls12381G2Signer::from_key_material(&[1; 31]).is_err());
    // The byte-signing side of `Signer` is a one-message BBS signature.
    let signer = vector_signer();
    assert_eq!(Signer::sign(&signer, b"hello").await.unwrap().len(), 80);
    assert!(Signer::as_bbs(&signer).is_some());
    assert!(Signer::as_bbs(&vc_issue::Ed25519Signer::generate()).is_none());
}

#[tokio::test]
async fn base_proof_reproduces_the_w3c_vector_byte_for_byte() {
    let signer = vector_signer();
    let unsigned = Credential::from_value(vector("windDoc.json")).unwrap();
    let info = vector("addRawBaseSignatureInfo.json");
    let hmac_key: [u8; 32] = hex(vector("BBSKeyMaterial.json")["hmacKeyString"]
        .as_str()
        .unwrap())
    .try_into()
    .unwrap();
    let options = ProofOptions::assertion(
        DidUrl::parse(signer.verification_method_id().as_str()).unwrap(),
        Some(DateTime::parse("2023-08-15T23:36:38Z").unwrap()),
    );
    let suite =
        Bbs2023Suite::default().with_mandatory_pointers(strings(&info["mandatoryPointers"]));
    let signed = suite
        .sign_with_hmac_key(unsigned, &options, &signer, &hmac_key)
        .await
        .unwrap();

    let expected = vector("addSignedSDBase.json");
    let ours = proof_value(&signed);
    // The pieces first, for a readable failure: signature, then the header's two hashes.
    let bytes = decode(&ours);
    let hashes = vector("addHashData.json");
    assert_eq!(
        bytes[6..86],
        hex(info["bbsSignature"].as_str().unwrap())[..],
        "BBS signature"
    );
    assert_eq!(
        bytes[88..120],
        hex(hashes["proofHash"].as_str().unwrap())[..],
        "proof hash"
    );
    assert_eq!(
        bytes[120..152],
        hex(hashes["mandatoryHash"].as_str().unwrap())[..],
        "mandatory hash"
    );
    assert_eq!(ours, expected["proof"]["proofValue"].as_str().unwrap());
    assert_eq!(signed.to_value().unwrap(), expected);

    // The issuer's self-check accepts it; a changed claim fails.
    suite
        .verify_proof(&signed, &signed.proofs()[0], &vector_key())
        .unwrap();
    let mut tampered = expected.clone();
    tampered["credentialSubject"]["sails"][0]["size"] = json!(5.6);
    let tampered = Credential::from_value(tampered).unwrap();
    assert!(matches!(
        suite.verify_proof(&tampered, &tampered.proofs()[0], &vector_key()),
        Err(VerifyError::InvalidSignature)
    ));
}

#[test]
fn the_published_derived_proof_verifies() {
    let suite = Bbs2023Suite::default();
    let derived = Credential::from_value(vector("derivedRevealDocument.json")).unwrap();
    suite
        .verify_proof(&derived, &derived.proofs()[0], &vector_key())
        .unwrap();

    // Any change to a disclosed or mandatory value breaks it.
    for (pointer, value) in [
        ("/credentialSubject/sailNumber", json!("Earth102")),
        ("/credentialSubject/boards/1/year", json!(2018)),
        ("/credentialSubject/sails/0/sailName", json!("Kihei")),
    ] {
        let mut tampered = vector("derivedRevealDocument.json");
        *tampered.pointer_mut(pointer).unwrap() = value;
        let tampered = Credential::from_value(tampered).unwrap();
        assert!(
            matches!(
                suite.verify_proof(&tampered, &tampered.proofs()[0], &vector_key()),
                Err(VerifyError::InvalidSignature)
            ),
            "{pointer}"
        );
    }
    // Dropping a disclosed board no longer matches the proof either.
    let mut fewer = vector("derivedRevealDocument.json");
    fewer["credentialSubject"]["boards"]
        .as_array_mut()
        .unwrap()
        .pop();
    let fewer = Credential::from_value(fewer).unwrap();
    assert!(suite
        .verify_proof(&fewer, &fewer.proofs()[0], &vector_key())
        .is_err());
}

#[test]
fn deriving_from_the_vector_reproduces_all_but_the_randomized_proof() {
    let base = Credential::from_value(vector("addSignedSDBase.json")).unwrap();
    let material = vector("BBSDeriveMaterial.json");
    let ph = hex(material["presentationHeaderHex"].as_str().unwrap());
    let derived = derive_proof(&base, &strings(&material["selectivePointers"]), &ph).unwrap();

    let expected = vector("derivedRevealDocument.json");
    let mut ours = derived.to_value().unwrap();
    let ours_value = ours["proof"]["proofValue"].take();
    let mut theirs = expected.clone();
    let theirs_value = theirs["proof"]["proofValue"].take();
    assert_eq!(ours, theirs, "reveal document and proof options");

    // Header (3 bytes), array (1), byte-string header (3) and 528 bytes of BBS proof; then the label
    // map, the mandatory and selective indexes and the presentation header, which are deterministic.
    let (ours_bytes, theirs_bytes) = (
        decode(ours_value.as_str().unwrap()),
        decode(theirs_value.as_str().unwrap()),
    );
    assert_eq!(ours_bytes[..7], theirs_bytes[..7]);
    assert_ne!(
        ours_bytes[7..535],
        theirs_bytes[7..535],
        "BBS proofs are randomized"
    );
    assert_eq!(ours_bytes[535..], theirs_bytes[535..]);

    Bbs2023Suite::default()
        .verify_proof(&derived, &derived.proofs()[0], &vector_key())
        .unwrap();
}

#[test]
fn derivation_errors_have_codes() {
    let base = Credential::from_value(vector("addSignedSDBase.json")).unwrap();
    let bad = |pointers: &[&str]| {
        let pointers: Vec<String> = pointers.iter().map(|p| (*p).to_owned()).collect();
        derive_proof(&base, &pointers, &[]).unwrap_err()
    };
    for pointers in [
        &["/credentialSubject/nope"][..],
        &["credentialSubject"],
        &["/credentialSubject/sails/9"],
    ] {
        let err = bad(pointers);
        assert_eq!(
            err.code(),
            "SELECTIVE_POINTER_INVALID",
            "{pointers:?}: {err}"
        );
        // The status an HTTP host answers with: the one mapping, under `http`.
        #[cfg(feature = "http")]
        assert_eq!(vc_issue::http::status_of(err.code()), 400);
    }
    let unsigned = Credential::from_value(vector("windDoc.json")).unwrap();
    assert_eq!(
        derive_proof(&unsigned, &[], &[]).unwrap_err().code(),
        "BASE_PROOF_INVALID"
    );
    let mut broken = vector("addSignedSDBase.json");
    broken["proof"]["proofValue"] = json!("u2V0CgA");
    let broken = Credential::from_value(broken).unwrap();
    assert_eq!(
        derive_proof(&broken, &[], &[]).unwrap_err().code(),
        "BASE_PROOF_INVALID"
    );
    // A derived proof cannot be derived from again.
    let derived = Credential::from_value(vector("derivedRevealDocument.json")).unwrap();
    assert_eq!(
        derive_proof(&derived, &[], &[]).unwrap_err().code(),
        "BASE_PROOF_INVALID"
    );
}

#[test]
fn malformed_derived_proofs_are_rejected_without_panicking() {
    let suite = Bbs2023Suite::default();
    let expected = vector("derivedRevealDocument.json");
    let value = expected["proof"]["proofValue"].as_str().unwrap();
    let bytes = decode(value);
    let mut cases: Vec<String> = vec!["u2V0D".into(), "u2V0DgA".into(), "zabc".into()];
    // Truncations of the CBOR at every length, and single-byte corruptions.
    for len in (0..bytes.len()).step_by(7) {
        cases.push(format!("u{}", URL_SAFE_NO_PAD.encode(&bytes[..len])));
    }
    for at in (3..bytes.len()).step_by(11) {
        let mut corrupted = bytes.clone();
        corrupted[at] ^= 0x5a;
        cases.push(format!("u{}", URL_SAFE_NO_PAD.encode(&corrupted)));
    }
    for case in cases {
        let mut document = expected.clone();
        document["proof"]["proofValue"] = json!(case);
        let credential = Credential::from_value(document).unwrap();
        assert!(
            suite
                .verify_proof(&credential, &credential.proofs()[0], &vector_key())
                .is_err(),
            "{case}"
        );
    }
}

/// An issuer whose one key is `bls`, and a degree request to it for `proof_type`.
fn bls_issuance(bls: &Arc<Bls12381G2Signer>, proof_type: ProofType) -> (Setup, IssuanceRequest) {
    let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
    keys.insert(bls.verification_method_id(), bls.clone());
    let setup = Setup::with(|builder| builder.keys(keys));
    let request = IssuanceRequest::new(
        "university-degree-v1",
        bls.did(),
        setup.holder.clone(),
        degree_claims(),
    )
    .with_proof_type(proof_type);
    (setup, request)
}

#[tokio::test]
async fn issue_derive_verify_through_the_pipeline() {
    let bls = Arc::new(Bls12381G2Signer::from_key_material(&[3; 32]).unwrap());
    let (setup, request) = bls_issuance(&bls, ProofType::Bbs2023);
    let response = setup.issuer.issue(request).await.unwrap();
    let credential = response.credential.as_credential().unwrap();
    let value = credential.to_value().unwrap();
    assert_eq!(value["proof"]["cryptosuite"], "bbs-2023");
    assert!(value["proof"]["proofValue"]
        .as_str()
        .unwrap()
        .starts_with("u2V0C"));
    let verifier = CredentialVerifier::new(setup.dids.clone());
    // The issuer's self-check of the base proof.
    verifier.verify(credential).await.unwrap();

    // The holder reveals the degree name only (objects on the way keep their `type`); issuer,
    // validity and schema are mandatory.
    let derived = derive_proof(
        credential,
        &["/credentialSubject/degree/name".to_owned()],
        b"verifier nonce",
    )
    .unwrap();
    let revealed = derived.to_value().unwrap();
    assert_eq!(revealed["issuer"], bls.did().as_str());
    assert_eq!(revealed["validFrom"], value["validFrom"]);
    assert_eq!(revealed["credentialSchema"], value["credentialSchema"]);
    assert_eq!(
        revealed["credentialSubject"],
        json!({"id": setup.holder.as_str(), "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}})
    );
    assert!(revealed["credentialSubject"].get("gpa").is_none());
    assert!(revealed["proof"]["proofValue"]
        .as_str()
        .unwrap()
        .starts_with("u2V0D"));
    verifier.verify(&derived).await.unwrap();

    // Two derivations of the same credential share no proof bytes (unlinkable).
    let again = derive_proof(
        credential,
        &["/credentialSubject/degree/name".to_owned()],
        b"verifier nonce",
    )
    .unwrap();
    assert_ne!(proof_value(&again), proof_value(&derived));

    // Revealing a claim the proof does not cover fails.
    let mut forged = revealed.clone();
    forged["credentialSubject"]["gpa"] = json!(4.0);
    let forged = Credential::from_value(forged).unwrap();
    assert!(verifier.verify(&forged).await.unwrap_err().is_invalid());
}

#[tokio::test]
async fn bbs_needs_a_bls_key_and_other_suites_refuse_one() {
    // An Ed25519 issuer has no key for bbs-2023.
    let setup = Setup::new();
    let request = setup.degree_request().with_proof_type(ProofType::Bbs2023);
    assert_eq!(
        setup.issuer.issue(request).await.unwrap_err().code(),
        "KEY_NOT_FOUND"
    );
    // A BLS key cannot sign eddsa suites.
    let bls = Arc::new(Bls12381G2Signer::generate());
    let (setup, request) = bls_issuance(&bls, ProofType::EddsaRdfc2022);
    let err: IssueError = setup.issuer.issue(request).await.unwrap_err();
    assert_eq!(err.code(), "KEY_NOT_FOUND");
    // Mandatory pointers that select nothing are the issuer's error.
    let suite = Bbs2023Suite::default().with_mandatory_pointers(["/nothing"]);
    let credential = Credential::from_value(vector("windDoc.json")).unwrap();
    let options = ProofOptions::assertion(bls.verification_method_id(), None);
    let err = suite
        .sign_with_hmac_key(credential, &options, bls.as_ref(), &[0; 32])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "MANDATORY_POINTER_INVALID");
}
