//! `POST /credentials/verify`, `/presentations/verify` and `/credentials/derive` over loopback
//! HTTP, with credentials of every ECDSA suite, derived proofs, and hostile input.

use std::sync::Arc;

use serde_json::{json, Value};
use vc_core::{Credential, DataModelVersion, Presentation};
use vc_issue::crypto::suites::{DataIntegritySuite, EcdsaSd2023Suite};
use vc_issue::http::{verifier_routes, ServeLimits};
use vc_issue::{
    CredentialVerifier, InMemoryDidRegistry, P256Signer, P384Signer, ProofOptions, ProofSuite,
    Signer,
};

use super::server::{json_of, listen, serve, status_and_code};
use crate::fixtures::read_json;

struct Verifier {
    base: String,
    client: reqwest::Client,
}

impl Verifier {
    async fn start() -> Self {
        let (listener, base) = listen().await;
        let verifier = Arc::new(CredentialVerifier::new(
            Arc::new(InMemoryDidRegistry::new()),
        ));
        serve(listener, verifier_routes(verifier), ServeLimits::default());
        Self {
            base,
            client: reqwest::Client::new(),
        }
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// The W3C vectors' credential, issued by `signer`'s did:key.
fn unsigned(signer: &dyn Signer) -> (Credential, ProofOptions) {
    let key = vc_core::did_key::DidKey::new(
        signer.public_key().key_type(),
        signer.public_key().as_bytes(),
    )
    .unwrap();
    let mut value = read_json("vectors/vc-di-ecdsa/employmentAuth.json");
    value["issuer"]["id"] = key.did().as_str().into();
    (
        Credential::from_value(value).unwrap(),
        ProofOptions::assertion(key.verification_method_id(), None),
    )
}

#[tokio::test]
async fn every_ecdsa_suite_verifies_and_tampering_is_a_400() {
    let server = Verifier::start().await;
    let p256 = P256Signer::generate();
    let p384 = P384Signer::generate();
    let jcs = DataIntegritySuite::ecdsa_jcs_2019();
    let sd = EcdsaSd2023Suite::default();
    let cases: Vec<(&dyn ProofSuite, &dyn Signer)> =
        vec![(&jcs, &p256), (&jcs, &p384), (&sd, &p256)];
    for (suite, signer) in cases {
        let (credential, options) = unsigned(signer);
        let signed = suite.sign(credential, &options, signer).await.unwrap();
        let vc = signed.to_value().unwrap();
        let (status, body) = json_of(
            server
                .post("/credentials/verify", &json!({"verifiableCredential": vc}))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["verified"], true);
        assert_eq!(body["checks"], json!(["proof"]));

        let mut tampered = vc.clone();
        tampered["credentialSubject"]["givenName"] = "MALLORY".into();
        let (status, body) = json_of(
            server
                .post(
                    "/credentials/verify",
                    &json!({"verifiableCredential": tampered}),
                )
                .await,
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["code"], "INVALID_SIGNATURE");
        assert_eq!(body["details"]["verified"], false);
    }
}

#[tokio::test]
async fn derive_over_http_then_verify_the_derived_proof() {
    let server = Verifier::start().await;
    let issuer = P256Signer::generate();
    let (credential, options) = unsigned(&issuer);
    let base = EcdsaSd2023Suite::default()
        .sign(credential, &options, &issuer)
        .await
        .unwrap()
        .to_value()
        .unwrap();
    let (status, body) = json_of(
        server
            .post(
                "/credentials/derive",
                &json!({"verifiableCredential": base,
                        "options": {"selectivePointers": ["/credentialSubject/birthCountry"]}}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let derived = body["verifiableCredential"].clone();
    assert_eq!(derived["credentialSubject"]["birthCountry"], "Bahamas");
    assert!(derived["credentialSubject"].get("givenName").is_none());
    let (status, body) = json_of(
        server
            .post(
                "/credentials/verify",
                &json!({"verifiableCredential": derived}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A pointer that selects nothing, and a credential without a base proof.
    let (status, code) = status_and_code(
        server
            .post(
                "/credentials/derive",
                &json!({"verifiableCredential": base,
                        "options": {"selectivePointers": ["/credentialSubject/nothing"]}}),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "SELECTIVE_POINTER_INVALID"));
    let (status, code) = status_and_code(
        server
            .post(
                "/credentials/derive",
                &json!({"verifiableCredential": derived, "options": {"selectivePointers": []}}),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "BASE_PROOF_INVALID"));
}

#[tokio::test]
async fn presentations_are_bound_to_challenge_and_domain() {
    let server = Verifier::start().await;
    let holder = P256Signer::generate();
    let issuer = P384Signer::generate();
    let (credential, options) = unsigned(&issuer);
    let credential = DataIntegritySuite::ecdsa_jcs_2019()
        .sign(credential, &options, &issuer)
        .await
        .unwrap();
    let mut presentation = Presentation::new(DataModelVersion::V2, holder.did());
    presentation.push_credential(&credential).unwrap();
    let options = ProofOptions::authentication(
        holder.verification_method_id(),
        None,
        "c-1234",
        Some("verifier.example".to_owned()),
    );
    let signed = DataIntegritySuite::ecdsa_jcs_2019()
        .sign_document(&presentation, &options, &holder)
        .await
        .unwrap();
    presentation.proof = Some(vc_core::OneOrMany::One(signed));
    let vp = presentation.to_value().unwrap();
    let ask = |challenge: &str, domain: &str| {
        json!({"verifiablePresentation": vp,
               "options": {"challenge": challenge, "domain": domain}})
    };
    let (status, body) = json_of(
        server
            .post("/presentations/verify", &ask("c-1234", "verifier.example"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for (challenge, domain, code) in [
        ("c-other", "verifier.example", "WRONG_CHALLENGE"),
        ("c-1234", "evil.example", "WRONG_DOMAIN"),
    ] {
        let (status, got) = status_and_code(
            server
                .post("/presentations/verify", &ask(challenge, domain))
                .await,
        )
        .await;
        assert_eq!((status, got.as_str()), (400, code));
    }
    // A presentation whose embedded credential was changed fails as a whole.
    let mut tampered = vp.clone();
    tampered["verifiableCredential"][0]["credentialSubject"]["givenName"] = "MALLORY".into();
    let (status, code) = status_and_code(
        server
            .post(
                "/presentations/verify",
                &json!({"verifiablePresentation": tampered,
                        "options": {"challenge": "c-1234", "domain": "verifier.example"}}),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "INVALID_SIGNATURE"));
}

#[tokio::test]
async fn hostile_requests_get_typed_refusals() {
    let server = Verifier::start().await;
    let signer = P256Signer::generate();
    let (credential, options) = unsigned(&signer);
    let vc = DataIntegritySuite::ecdsa_jcs_2019()
        .sign(credential, &options, &signer)
        .await
        .unwrap()
        .to_value()
        .unwrap();
    // An unknown suite: could not check.
    let mut unknown = vc.clone();
    unknown["proof"]["cryptosuite"] = "ecdsa-unknown-2099".into();
    let (_, code) = status_and_code(
        server
            .post(
                "/credentials/verify",
                &json!({"verifiableCredential": unknown}),
            )
            .await,
    )
    .await;
    assert_eq!(code, "UNSUPPORTED_SUITE");
    // Unknown options and members name themselves.
    for body in [
        json!({"verifiableCredential": vc, "options": {"bogus": true}}),
        json!({"verifiableCredential": vc, "extra": 1}),
        json!({"verifiableCredential": vc, "options": {"checks": ["status"]}}),
        json!({"verifiableCredential": vc, "options": {"challenge": "c"}}),
    ] {
        let (status, body) = json_of(server.post("/credentials/verify", &body).await).await;
        assert_eq!(status, 400, "{body}");
    }
    // No proof at all; a proof whose value is garbage.
    let mut bare = vc.clone();
    bare.as_object_mut().unwrap().remove("proof");
    let (status, code) = status_and_code(
        server
            .post(
                "/credentials/verify",
                &json!({"verifiableCredential": bare}),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "NO_PROOF"));
    let mut garbage = vc.clone();
    garbage["proof"]["proofValue"] = "z111".into();
    let (status, _) = status_and_code(
        server
            .post(
                "/credentials/verify",
                &json!({"verifiableCredential": garbage}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 400);
    // Oversized bodies never reach the verifier.
    let big = "x".repeat(vc_issue::http::BODY_LIMIT + 1);
    let (status, code) = status_and_code(
        server
            .post(
                "/credentials/verify",
                &json!({"verifiableCredential": vc, "pad": big}),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (413, "BODY_TOO_LARGE"));
    // Deep nesting is refused at the edge.
    let mut deep = json!(1);
    for _ in 0..200 {
        deep = json!([deep]);
    }
    let (status, code) = status_and_code(
        server
            .post(
                "/credentials/verify",
                &json!({"verifiableCredential": deep}),
            )
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "NESTING_TOO_DEEP"));
}
