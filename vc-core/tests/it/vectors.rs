//! The W3C vc-di-eddsa examples parse, validate and round-trip losslessly.

use serde_json::Value;
use vc_core::{jcs, Credential, DataModelVersion};

use crate::read_shared;

const EXAMPLES: &[&str] = &[
    "vectors/vc-di-eddsa/unsigned.json",
    "vectors/vc-di-eddsa/employmentAuth.json",
    "vectors/vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json",
    "vectors/vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
    "vectors/vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
    "vectors/vc-di-eddsa/proof-set-chain/unsigned.json",
    "vectors/vc-di-eddsa/proof-set-chain/signedProofSet1.json",
    "vectors/vc-di-eddsa/proof-set-chain/signedProofSet2.json",
    "vectors/vc-di-eddsa/proof-set-chain/signedProofChain1.json",
    "vectors/vc-di-eddsa/proof-set-chain/signedProofChain2.json",
];

#[test]
fn examples_parse_validate_and_round_trip() {
    for path in EXAMPLES {
        let text = read_shared(path);
        let original: Value = serde_json::from_str(&text).unwrap();
        let credential = Credential::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        credential
            .validate()
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(credential.version(), Some(DataModelVersion::V2), "{path}");
        let reserialized = credential.to_value().unwrap();
        assert_eq!(
            jcs::canonicalize(&original).unwrap(),
            jcs::canonicalize(&reserialized).unwrap(),
            "{path}: JCS of the input must equal JCS of the re-serialized value"
        );
        // The same holds through the typed API's own canonicalization and hash.
        assert_eq!(
            credential.credential_hash().unwrap(),
            jcs::credential_hash(&original).unwrap(),
            "{path}"
        );
    }
}

#[test]
fn signed_examples_expose_their_proofs() {
    let jcs_signed = Credential::from_json(&read_shared(
        "vectors/vc-di-eddsa/eddsa-jcs-2022/signedJCS.json",
    ))
    .unwrap();
    let proof = &jcs_signed.proofs()[0];
    assert_eq!(proof.suite_name(), "eddsa-jcs-2022");
    assert_eq!(proof.proof_purpose.as_deref(), Some("assertionMethod"));
    assert_eq!(
        proof.created.as_ref().map(|c| c.as_str()),
        Some("2023-02-24T23:36:38Z")
    );
    assert!(proof.proof_value.as_deref().unwrap().starts_with('z'));

    let ed2020 = Credential::from_json(&read_shared(
        "vectors/vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
    ))
    .unwrap();
    assert_eq!(ed2020.proofs()[0].suite_name(), "Ed25519Signature2020");

    let chain = Credential::from_json(&read_shared(
        "vectors/vc-di-eddsa/proof-set-chain/signedProofChain2.json",
    ))
    .unwrap();
    assert_eq!(chain.proofs().len(), 4);
    assert_eq!(
        chain.proofs()[2].previous_proof.as_ref().map(|p| p.len()),
        Some(2)
    );
    assert!(matches!(
        chain.proofs()[3].previous_proof,
        Some(vc_core::OneOrMany::One(_))
    ));

    let unsigned = jcs_signed.without_proof();
    assert!(unsigned.proof.is_none());
    assert_eq!(
        unsigned.to_value().unwrap(),
        serde_json::from_str::<Value>(&read_shared("vectors/vc-di-eddsa/unsigned.json")).unwrap()
    );
}
