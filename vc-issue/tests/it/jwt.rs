//! `vc+jwt`: EdDSA and ES256, 2.0 and 1.1, verified by josekit; tampering is caught.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use vc_core::DataModelVersion;
use vc_issue::{CredentialVerifier, IssuanceRequest, ProofType};

use crate::fixtures::{degree_claims, Setup};

async fn issue_jwt(setup: &Setup, p256: bool, version: DataModelVersion) -> String {
    let issuer = if p256 {
        setup.p256.did()
    } else {
        setup.ed25519.did()
    };
    let request = IssuanceRequest::new(
        "university-degree-v1",
        issuer,
        setup.holder.clone(),
        degree_claims(),
    )
    .with_proof_type(ProofType::VcJwt)
    .with_data_model(version);
    let response = setup.issuer.issue(request).await.unwrap();
    response.credential.as_jwt().unwrap().to_owned()
}

fn header(jwt: &str) -> serde_json::Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn eddsa_and_es256_in_both_versions_verify() {
    let setup = Setup::new();
    for (p256, alg) in [(false, "EdDSA"), (true, "ES256")] {
        for (version, typ) in [
            (DataModelVersion::V2, "vc+jwt"),
            (DataModelVersion::V1, "JWT"),
        ] {
            let jwt = issue_jwt(&setup, p256, version).await;
            let header = header(&jwt);
            assert_eq!(header["alg"], alg);
            assert_eq!(header["typ"], typ);
            let credential = CredentialVerifier::new(setup.dids.clone())
                .verify_jwt(&jwt)
                .await
                .unwrap();
            assert_eq!(credential.version(), Some(version));
            assert_eq!(
                credential.subjects()[0].id.as_deref(),
                Some(setup.holder.as_str())
            );
        }
    }
}

#[tokio::test]
async fn tampered_jwts_do_not_verify() {
    let setup = Setup::new();
    let jwt = issue_jwt(&setup, false, DataModelVersion::V2).await;
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["credentialSubject"]["gpa"] = 4.0.into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap()),
        parts[2]
    );
    let err = CredentialVerifier::new(setup.dids.clone())
        .verify_jwt(&forged)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_SIGNATURE");
    assert!(err.is_invalid());
    let err = CredentialVerifier::new(setup.dids.clone())
        .verify_jwt("not.a.jwt")
        .await
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
}

#[tokio::test]
async fn a_signed_payload_with_a_duplicate_claim_is_refused() {
    // Signed by the issuer's own key, so only the parse can refuse it: two `issuer` members,
    // of which serde_json alone would keep the last.
    use vc_issue::Signer as _;
    let setup = Setup::new();
    let did = setup.ed25519.did();
    let kid = setup.ed25519.verification_method_id();
    let header = serde_json::json!({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid.as_str()});
    let payload = format!(
        r#"{{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
            "issuer": "{did}", "issuer": "did:example:someone-else",
            "credentialSubject": {{"id": "did:example:holder"}}}}"#
    );
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = setup.ed25519.sign(input.as_bytes()).await.unwrap();
    let jwt = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature));
    let err = CredentialVerifier::new(setup.dids.clone())
        .verify_jwt(&jwt)
        .await
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert!(err.to_string().contains("parse limits"), "{err}");
}

#[tokio::test]
async fn vc_jwt_is_a_suite_of_the_set_a_host_builds() {
    use std::sync::Arc;
    use vc_issue::crypto::jwt::VcJwtSuite;
    use vc_issue::crypto::suites::DataIntegritySuite;
    use vc_issue::Suites;

    // A host's own set without `vc+jwt`: the request is refused, with how to add it.
    let mut suites = Suites::empty();
    suites.insert(Arc::new(DataIntegritySuite::eddsa_jcs_2022()));
    let setup = Setup::with(|builder| builder.suites(suites.clone()));
    let request = setup.degree_request().with_proof_type(ProofType::VcJwt);
    let err = setup.issuer.issue(request).await.unwrap_err();
    assert_eq!(err.code(), "UNSUPPORTED_PROOF_TYPE");
    assert!(err.to_string().contains("VcJwtSuite"), "{err}");

    // Inserted, it signs as the default set does.
    suites.insert_enveloping(Arc::new(VcJwtSuite));
    let custom = Setup::with(|builder| builder.suites(suites));
    let jwt = issue_jwt(&custom, false, DataModelVersion::V2).await;
    assert_eq!(header(&jwt)["typ"], "vc+jwt");
    CredentialVerifier::new(custom.dids.clone())
        .verify_jwt(&jwt)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_presentation_is_enveloped_as_vp_jwt_without_becoming_a_credential() {
    use vc_core::{Entity, Presentation};
    use vc_issue::crypto::jwt::VcJwtSuite;
    use vc_issue::crypto::suites::EnvelopingSuite;
    use vc_issue::{ProofOptions, Signer as _};

    let setup = Setup::new();
    let holder = setup.ed25519.did();
    let presentation = Presentation::new(DataModelVersion::V2, Entity::from(holder.clone()));
    let options = ProofOptions::assertion(setup.ed25519.verification_method_id(), None);
    let jwt = VcJwtSuite
        .envelop(&presentation, &options, setup.ed25519.as_ref())
        .await
        .unwrap();
    assert_eq!(header(&jwt)["typ"], "vp+jwt");
    assert_eq!(header(&jwt)["cty"], "vp");
    let opened = VcJwtSuite.open(&jwt, setup.ed25519.public_key()).unwrap();
    assert_eq!(opened, presentation.to_value().unwrap());
    assert_eq!(
        VcJwtSuite.key_id(&jwt).unwrap(),
        options.verification_method.as_str()
    );
}
