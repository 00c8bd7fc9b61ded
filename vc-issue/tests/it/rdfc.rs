//! The RDF-canonicalized suites reproduce the W3C vectors byte for byte (canonical N-Quads and
//! proofValues), verify them, and refuse unknown contexts.

use std::sync::Arc;

use serde_json::Value;
use vc_core::{Credential, DateTime};
use vc_issue::crypto::suites::{Canonicalizer, DataIntegritySuite, RdfcCanonicalizer};
use vc_issue::{ProofOptions, ProofSuite, Signer};

use crate::fixtures::{read_json, read_text, shared, vector_signer};

fn options() -> ProofOptions {
    ProofOptions::assertion(
        vector_signer().verification_method_id(),
        Some(DateTime::parse("2023-02-24T23:36:38Z").unwrap()),
    )
}

fn nquads(canonicalizer: &RdfcCanonicalizer, document: &Value) -> String {
    String::from_utf8(canonicalizer.canonicalize(document).unwrap()).unwrap()
}

fn without_proof(mut value: Value) -> Value {
    value.as_object_mut().unwrap().remove("proof");
    value
}

#[test]
fn canonical_forms_match_the_vectors() {
    let canonicalizer = RdfcCanonicalizer::default();
    let cases = [
        (
            read_json("vectors/vc-di-eddsa/unsigned.json"),
            "eddsa-rdfc-2022/canonDocDataInt.txt",
        ),
        (
            read_json("vectors/vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json"),
            "eddsa-rdfc-2022/proofCanonDataInt.txt",
        ),
        (
            read_json("vectors/vc-di-eddsa/employmentAuth.json"),
            "eddsa-rdfc-2022/employ/canonDocDataInt.txt",
        ),
        (
            read_json("vectors/vc-di-eddsa/eddsa-rdfc-2022/employ/proofConfigDataInt.json"),
            "eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
        ),
        (
            without_proof(read_json(
                "vectors/vc-di-eddsa/Ed25519Signature2020/signedEdSig.json",
            )),
            "Ed25519Signature2020/canonDocEdSig.txt",
        ),
        (
            read_json("vectors/vc-di-eddsa/Ed25519Signature2020/proofConfigEdSig.json"),
            "Ed25519Signature2020/proofCanonEdSig.txt",
        ),
    ];
    for (document, expected) in cases {
        let expected_text =
            std::fs::read_to_string(shared(&format!("vectors/vc-di-eddsa/{expected}"))).unwrap();
        // Twice: the second run uses the processed-context cache and must not change a byte.
        assert_eq!(
            nquads(&canonicalizer, &document),
            expected_text,
            "{expected}"
        );
        assert_eq!(
            nquads(&canonicalizer, &document),
            expected_text,
            "{expected} (cached)"
        );
    }
}

async fn sign(suite: &DataIntegritySuite, unsigned: Value) -> Credential {
    suite
        .sign(
            Credential::from_value(unsigned).unwrap(),
            &options(),
            &vector_signer(),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn eddsa_rdfc_2022_reproduces_both_w3c_vectors() {
    let rdfc: Arc<dyn Canonicalizer> = Arc::new(RdfcCanonicalizer::default());
    let suite = DataIntegritySuite::eddsa_rdfc_2022(rdfc);
    for (unsigned, dir) in [
        (
            "vectors/vc-di-eddsa/unsigned.json",
            "vectors/vc-di-eddsa/eddsa-rdfc-2022",
        ),
        (
            "vectors/vc-di-eddsa/employmentAuth.json",
            "vectors/vc-di-eddsa/eddsa-rdfc-2022/employ",
        ),
    ] {
        let signed = sign(&suite, read_json(unsigned)).await;
        let proof_value = signed.proofs()[0].proof_value.clone().unwrap();
        assert_eq!(
            proof_value,
            read_text(&format!("{dir}/sigBTC58DataInt.txt")),
            "{dir}"
        );
        assert_eq!(
            signed.to_value().unwrap(),
            read_json(&format!("{dir}/signedDataInt.json")),
            "{dir}"
        );
        suite
            .verify_proof(&signed, &signed.proofs()[0], vector_signer().public_key())
            .unwrap();
    }
}

#[tokio::test]
async fn ed25519_signature_2020_reproduces_the_w3c_vector() {
    let suite = DataIntegritySuite::ed25519_signature_2020(Arc::new(RdfcCanonicalizer::default()));
    let expected = read_json("vectors/vc-di-eddsa/Ed25519Signature2020/signedEdSig.json");
    let signed = sign(&suite, without_proof(expected.clone())).await;
    assert_eq!(
        signed.proofs()[0].proof_value.as_deref().unwrap(),
        read_text("vectors/vc-di-eddsa/Ed25519Signature2020/sigBTC58EdSig.txt")
    );
    assert_eq!(signed.to_value().unwrap(), expected);
    let published = Credential::from_value(expected).unwrap();
    suite
        .verify_proof(
            &published,
            &published.proofs()[0],
            vector_signer().public_key(),
        )
        .unwrap();
}

#[tokio::test]
async fn ecdsa_rdfc_2019_signs_and_verifies_with_p256() {
    let suite = DataIntegritySuite::ecdsa_rdfc_2019(Arc::new(RdfcCanonicalizer::default()));
    let signer = vc_issue::P256Signer::from_bytes(&[3; 32]).unwrap();
    let mut unsigned =
        Credential::from_value(read_json("vectors/vc-di-eddsa/unsigned.json")).unwrap();
    unsigned.issuer = Some(signer.did().into());
    let options = ProofOptions::assertion(
        signer.verification_method_id(),
        Some(DateTime::parse("2024-01-01T00:00:00Z").unwrap()),
    );
    let signed = suite
        .sign(unsigned.clone(), &options, &signer)
        .await
        .unwrap();
    assert_eq!(
        signed.proofs()[0].cryptosuite.as_deref(),
        Some("ecdsa-rdfc-2019")
    );
    suite
        .verify_proof(&signed, &signed.proofs()[0], signer.public_key())
        .unwrap();
    // Deterministic (RFC 6979): signing again gives the same proof.
    let again = suite.sign(unsigned, &options, &signer).await.unwrap();
    assert_eq!(again, signed);
    let mut tampered = signed.clone();
    tampered.description = Some(vc_core::LanguageString::from("changed").into());
    assert_eq!(
        suite
            .verify_proof(&tampered, &tampered.proofs()[0], signer.public_key())
            .unwrap_err()
            .code(),
        "INVALID_SIGNATURE"
    );
}

#[test]
fn unknown_contexts_and_undefined_terms_are_errors_not_fetches() {
    let canonicalizer = RdfcCanonicalizer::default();
    let mut document = read_json("vectors/vc-di-eddsa/unsigned.json");
    document["@context"][1] = "https://example.org/unknown/v1".into();
    let err = canonicalizer.canonicalize(&document).unwrap_err();
    assert_eq!(err.code(), "UNKNOWN_CONTEXT");
    assert!(err.to_string().contains("https://example.org/unknown/v1"));

    // VC 1.1 has no @vocab: a term no context defines is refused (JSON-LD safe mode).
    let v1 = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:2", "undefinedTerm": 1}
    });
    let err = canonicalizer.canonicalize(&v1).unwrap_err();
    assert_eq!(err.code(), "INVALID_REQUEST");
    assert!(
        err.to_string()
            .contains("`undefinedTerm` at /credentialSubject/undefinedTerm"),
        "the term and its path: {err}"
    );
    // An undefined type, in an array, and a term an inline context defines.
    let typed = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1",
                     {"degree": "https://example.org/degree"}],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "did:example:1",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:2", "degree": "BSc"}
    });
    let err = canonicalizer.canonicalize(&typed).unwrap_err();
    assert!(
        err.to_string().contains("`AlumniCredential` at /type/1"),
        "{err}"
    );
    let mut defined = typed.clone();
    defined["type"] = serde_json::json!(["VerifiableCredential"]);
    canonicalizer.canonicalize(&defined).unwrap();

    let mut tab = read_json("vectors/vc-di-eddsa/unsigned.json");
    tab["name"] = "Alumni\tCredential".into();
    assert_eq!(
        canonicalizer.canonicalize(&tab).unwrap_err().code(),
        "INVALID_REQUEST"
    );
}

#[tokio::test]
async fn undecodable_percent_escapes_are_refused_not_a_server_error() {
    // Found by the `vc_api` fuzz target: `%De` alone is the byte 0xDE, not UTF-8, and ssi's IRI
    // handling panicked on the type IRI it became through @vocab (a 500 over HTTP).
    let setup = crate::fixtures::Setup::new();
    for (claims, proof_type) in [
        (
            serde_json::json!({"degree": {"type": "Bachelo%Degree", "name": "BSc"}}),
            "eddsa-rdfc-2022",
        ),
        (
            serde_json::json!({"degree": {"type": "BachelorDegree", "name": "BSc"}, "a%FFb": 1}),
            "Ed25519Signature2020",
        ),
    ] {
        let request: vc_issue::IssuanceRequest = serde_json::from_value(serde_json::json!({
            "schemaId": "university-degree-v1",
            "issuerDid": setup.ed25519.did().as_str(),
            "holderDid": setup.holder.as_str(),
            "claims": claims,
            "proofType": proof_type,
        }))
        .unwrap();
        let err = setup.issuer.issue(request).await.unwrap_err();
        assert_eq!(err.code(), "INVALID_REQUEST", "{claims}: {err}");
        // The status an HTTP host answers with: the one mapping, under `http`.
        #[cfg(feature = "http")]
        assert_eq!(vc_issue::http::status_of(err.code()), 400);
        assert!(err.to_string().contains("percent-escape"), "{err}");
    }
    // Escapes that decode, and a lone `%`, are fine.
    let request: vc_issue::IssuanceRequest = serde_json::from_value(serde_json::json!({
        "schemaId": "university-degree-v1",
        "issuerDid": setup.ed25519.did().as_str(),
        "holderDid": setup.holder.as_str(),
        "claims": {"degree": {"type": "Bachelor%C3%A9Degree", "name": "100% BSc"}},
        "proofType": "eddsa-rdfc-2022",
    }))
    .unwrap();
    setup.issuer.issue(request).await.unwrap();
}
