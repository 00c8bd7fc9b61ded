//! Deep nesting through every suite: at the limit a credential is issued, one past it the request is
//! refused with `NESTING_TOO_DEEP`, and no depth a parser lets through exhausts a stack, whichever
//! thread calls (a tokio worker's 2 MiB, or smaller). Run in debug and release builds (CI does
//! both), because stack use per level differs by an order of magnitude between them.

use std::sync::Arc;

use serde_json::{json, Map, Value};
use vc_core::ParseLimits;
use vc_issue::{
    Ed25519Signer, InMemoryKeyStore, IssuanceRequest, IssueError, IssuerBuilder, P256Signer,
    ProofType,
};

use crate::fixtures::{degree_claims, Setup};

/// `{"a": {"a": ... 1}}`, `levels` objects deep.
fn nest(levels: usize) -> Value {
    let mut value = json!(1);
    for _ in 0..levels {
        value = json!({ "a": value });
    }
    value
}

/// Degree claims plus a `deep` member, so that the claims object is `depth` levels deep and the
/// credential (claims inside `credentialSubject`) one more.
fn claims_of_depth(depth: usize) -> Map<String, Value> {
    let mut claims = degree_claims();
    claims.insert("deep".into(), nest(depth - 1));
    claims
}

/// Every key the suites need: Setup's Ed25519 and P-256 keys, and a BLS12-381 key for `bbs-2023`.
fn setup(customize: impl FnOnce(IssuerBuilder) -> IssuerBuilder) -> Setup {
    let keys = Arc::new(InMemoryKeyStore::new());
    let ed25519 = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let p256 = Arc::new(P256Signer::from_bytes(&[9; 32]).unwrap());
    keys.insert(ed25519.verification_method_id(), ed25519);
    keys.insert(p256.verification_method_id(), p256);
    #[cfg(feature = "bbs")]
    {
        let bls = Arc::new(vc_issue::Bls12381G2Signer::from_key_material(&[3; 32]).unwrap());
        keys.insert(bls.verification_method_id(), bls);
    }
    Setup::with(|builder| customize(builder.keys(keys)))
}

fn request(setup: &Setup, proof_type: &str, claims: Map<String, Value>) -> IssuanceRequest {
    let issuer = if proof_type.starts_with("ecdsa") {
        setup.p256.did()
    } else if proof_type == "bbs-2023" {
        bls_did()
    } else {
        setup.ed25519.did()
    };
    serde_json::from_value(json!({
        "schemaId": "university-degree-v1",
        "issuerDid": issuer.as_str(),
        "holderDid": setup.holder.as_str(),
        "claims": claims,
        "proofType": proof_type,
    }))
    .unwrap()
}

#[cfg(feature = "bbs")]
fn bls_did() -> vc_core::Did {
    vc_issue::Bls12381G2Signer::from_key_material(&[3; 32])
        .unwrap()
        .did()
}

#[cfg(not(feature = "bbs"))]
fn bls_did() -> vc_core::Did {
    unreachable!("bbs-2023 is listed only with the bbs feature")
}

fn proof_types() -> Vec<&'static str> {
    let mut types = vec![
        "eddsa-rdfc-2022",
        "Ed25519Signature2020",
        "ecdsa-rdfc-2019",
        "eddsa-jcs-2022",
        "JcsEd25519Signature2020",
        "vc+jwt",
    ];
    if cfg!(feature = "bbs") {
        types.push("bbs-2023");
    }
    types
}

fn assert_too_deep(result: Result<impl std::fmt::Debug, IssueError>, what: &str) {
    match result {
        Err(err @ IssueError::NestingTooDeep { .. }) => {
            assert_eq!(err.code(), "NESTING_TOO_DEEP");
            // The status an HTTP host answers with: the one mapping, under `http`.
            #[cfg(feature = "http")]
            assert_eq!(vc_issue::http::status_of(err.code()), 400);
        }
        other => panic!("{what}: expected NESTING_TOO_DEEP, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_suite_issues_at_the_default_limit_and_refuses_one_past() {
    let setup = setup(|builder| builder);
    let limit = ParseLimits::DEFAULT_MAX_DEPTH;
    for proof_type in proof_types() {
        // The credential nests one level more than its claims.
        let at = request(&setup, proof_type, claims_of_depth(limit - 1));
        let issued = setup.issuer.issue(at).await;
        assert!(issued.is_ok(), "{proof_type}: {:?}", issued.err());
        let past = request(&setup, proof_type, claims_of_depth(limit));
        assert_too_deep(setup.issuer.issue(past).await, proof_type);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_highest_limit_is_safe_on_a_tokio_worker() {
    // Before: about 110 levels (release) or 10 (debug) aborted the process in JSON-LD expansion.
    let ceiling = ParseLimits::MAX_DEPTH_CEILING;
    let setup = setup(|builder| builder.max_nesting(usize::MAX));
    for proof_type in proof_types() {
        let at = request(&setup, proof_type, claims_of_depth(ceiling - 1));
        let issued = setup.issuer.issue(at).await;
        assert!(issued.is_ok(), "{proof_type}: {:?}", issued.err());
        let past = request(&setup, proof_type, claims_of_depth(ceiling));
        assert_too_deep(setup.issuer.issue(past).await, proof_type);
    }
}

#[test]
fn the_canonicalizer_holds_its_limit_on_a_small_stack() {
    let max = vc_issue::crypto::suites::RdfcCanonicalizer::MAX_DEPTH;
    let document = |depth: usize| {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "type": "VerifiableCredential",
            "issuer": "did:example:issuer",
            "credentialSubject": nest(depth - 1),
        })
    };
    // 512 KiB: a quarter of what tokio and std give their threads.
    let outcome = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let canonicalizer = vc_issue::crypto::suites::RdfcCanonicalizer::default();
            let at = canonicalizer
                .canonical_nquads(&document(max))
                .map(|q| q.len());
            let past = canonicalizer.canonical_nquads(&document(max + 1));
            (at, past)
        })
        .unwrap()
        .join()
        .unwrap();
    let quads = outcome.0.unwrap();
    assert!(quads > 100 * 50, "{quads} bytes of N-Quads");
    assert_too_deep(outcome.1, "one past MAX_DEPTH");
}

#[tokio::test]
async fn a_credential_signed_as_given_is_held_to_the_canonicalizer_limit() {
    // `sign_credential` takes a credential the host built (the VC API path parses it under the
    // router's limits first); the RDF suites still refuse what they cannot canonicalize safely.
    let setup = Setup::new();
    let mut credential = vc_core::Credential::builder()
        .context("https://www.w3.org/ns/credentials/examples/v2")
        .type_("ExampleDegreeCredential")
        .issuer(setup.ed25519.did().as_str())
        .subject_value(json!({"id": "did:example:holder"}))
        .build()
        .unwrap();
    let deep = nest(vc_issue::crypto::suites::RdfcCanonicalizer::MAX_DEPTH);
    credential.credential_subject = Some(vc_core::OneOrMany::One(
        serde_json::from_value(json!({"id": "did:example:holder", "deep": deep})).unwrap(),
    ));
    let result = setup
        .issuer
        .sign_credential(credential, &ProofType::default())
        .await;
    assert_too_deep(result, "sign_credential");
}
