//! The flows a wallet goes through, end to end over HTTP.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use vc_core::Credential;
use vc_issue::oid4vci::{NotificationEvent, OfferRequest};

use super::harness::{claims, error_of, start, HolderKey, Proof, DEFERRED, JWT, LDP};

fn jwt_payload(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metadata_lists_every_configuration_from_the_schema_registry() {
    let h = start().await;
    let response = h
        .client
        .get(h.url("/.well-known/openid-credential-issuer"))
        .send()
        .await
        .unwrap();
    let (status, md) = super::harness::json_of(response).await;
    assert_eq!(status, 200, "{md}");
    assert_eq!(md["credential_issuer"], h.base);
    assert_eq!(md["credential_endpoint"], h.url("/oid4vci/credential"));
    assert_eq!(md["nonce_endpoint"], h.url("/oid4vci/nonce"));
    assert_eq!(
        md["deferred_credential_endpoint"],
        h.url("/oid4vci/deferred_credential")
    );
    assert_eq!(md["notification_endpoint"], h.url("/oid4vci/notification"));
    assert_eq!(md["batch_credential_issuance"]["batch_size"], 3);
    assert_eq!(md["display"][0]["name"], "Example University");
    let configurations = md["credential_configurations_supported"]
        .as_object()
        .unwrap();
    assert_eq!(configurations.len(), 3);
    let ldp = &configurations[LDP];
    assert_eq!(ldp["format"], "ldp_vc");
    assert_eq!(
        ldp["credential_definition"]["type"],
        json!(["VerifiableCredential", "UniversityDegreeCredential"])
    );
    assert_eq!(
        ldp["credential_definition"]["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2"
        ])
    );
    assert_eq!(
        ldp["credential_signing_alg_values_supported"],
        json!(["eddsa-rdfc-2022"])
    );
    assert_eq!(
        ldp["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
        json!(["ES256", "ES384", "EdDSA"])
    );
    let jwt = &configurations[JWT];
    assert_eq!(jwt["format"], "jwt_vc_json");
    assert_eq!(
        jwt["credential_signing_alg_values_supported"],
        json!(["EdDSA"])
    );
    assert!(jwt["credential_definition"].get("@context").is_none());

    let response = h
        .client
        .get(h.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap();
    let (status, asm) = super::harness::json_of(response).await;
    assert_eq!(status, 200);
    assert_eq!(asm["issuer"], h.base);
    assert_eq!(asm["token_endpoint"], h.url("/oid4vci/token"));
    assert_eq!(
        asm["grant_types_supported"],
        json!(["urn:ietf:params:oauth:grant-type:pre-authorized_code"])
    );
    assert_eq!(asm["pre-authorized_grant_anonymous_access_supported"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_format_is_issued_bound_to_the_proof_key_with_a_status_entry() {
    let h = start().await;
    for (configuration, key) in [(LDP, HolderKey::ed25519()), (JWT, HolderKey::p256())] {
        let (code, tx) = h.offer(configuration, true).await;
        let (status, token) = h.token(&code, tx.as_deref()).await;
        assert_eq!(status, 200, "{token}");
        assert_eq!(token["token_type"], "Bearer");
        assert_eq!(token["expires_in"], 600);
        let access = token["access_token"].as_str().unwrap();

        let request = h.request_with(&key, configuration).await;
        let (status, body) = h.credential(access, &request).await;
        assert_eq!(status, 200, "{body}");
        let credentials = body["credentials"].as_array().unwrap();
        assert_eq!(credentials.len(), 1);
        let credential = &credentials[0]["credential"];
        let document = if configuration == LDP {
            let vc = Credential::from_value(credential.clone()).unwrap();
            h.verifier().verify(&vc).await.unwrap();
            credential.clone()
        } else {
            let jwt = credential.as_str().unwrap();
            h.verifier().verify_jwt(jwt).await.unwrap();
            let payload = jwt_payload(jwt);
            assert_eq!(payload["sub"], key.did().as_str());
            payload["vc"].clone()
        };
        assert_eq!(
            document["credentialSubject"]["id"],
            key.did().as_str(),
            "bound to the proof key"
        );
        assert_eq!(
            document["credentialSubject"]["degree"]["name"],
            "Bachelor of Science and Arts"
        );
        assert_eq!(
            document["credentialStatus"]["type"], "BitstringStatusListEntry",
            "{document}"
        );

        // The wallet tells the issuer it stored the credential; the id works once.
        let notification = json!({
            "notification_id": body["notification_id"],
            "event": "credential_accepted",
            "event_description": "stored",
        });
        let (status, answer) = h
            .post_bearer("/oid4vci/notification", access, &notification)
            .await;
        assert_eq!(status, 204, "{answer}");
        let again = h
            .post_bearer("/oid4vci/notification", access, &notification)
            .await;
        assert_eq!(error_of(again), (400, "invalid_notification_id".into()));

        // The access token covered one credential of this configuration: it was issued.
        let again = h
            .credential(access, &h.request_with(&key, configuration).await)
            .await;
        assert_eq!(error_of(again), (400, "invalid_credential_request".into()));
    }
    let seen = h.notifications.notifications();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].event, NotificationEvent::Accepted);
    assert_eq!(seen[0].configuration_id, LDP);
    assert_eq!(seen[1].configuration_id, JWT);
    assert_eq!(seen[0].description.as_deref(), Some("stored"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_without_tx_code_and_one_by_reference() {
    let h = start().await;
    let (code, tx) = h.offer(LDP, false).await;
    assert_eq!(tx, None);
    let (status, body) = h.token(&code, None).await;
    assert_eq!(status, 200, "{body}");

    let offer = h
        .oid4vci
        .create_offer(
            OfferRequest::new()
                .credential(JWT, claims())
                .by_reference(true),
        )
        .await
        .unwrap();
    let uri = offer.uri();
    assert!(uri.starts_with("openid-credential-offer://?credential_offer_uri="));
    // The QR code holds the URI, as a scanner reads it back.
    assert_eq!(crate::vcalm_e2e::decode_qr(&offer.qr_png(4).unwrap()), uri);
    assert!(offer.qr_svg().unwrap().starts_with("<?xml"));
    assert!(!format!("{offer:?}").contains(&offer.uri_by_value()[40..80]));

    let reference = url::Url::parse(&uri.replace("openid-credential-offer://", "http://x/"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "credential_offer_uri")
        .unwrap()
        .1
        .into_owned();
    let fetched = h.client.get(&reference).send().await.unwrap();
    assert_eq!(fetched.headers()["cache-control"], "no-store");
    let (status, served) = super::harness::json_of(fetched).await;
    assert_eq!(status, 200);
    assert_eq!(&served, offer.offer());
    let (status, again) =
        super::harness::json_of(h.client.get(&reference).send().await.unwrap()).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (404, Some("OID4VCI_OFFER_NOT_FOUND"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_binds_each_credential_to_its_own_key() {
    let h = start().await;
    let access = h.access_token(LDP).await;
    let keys = [
        HolderKey::ed25519(),
        HolderKey::p256(),
        HolderKey::ed25519(),
    ];
    let nonce = h.nonce().await;
    let mut proofs = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let mut proof = Proof::new(key, &h.base, &nonce);
        proof.by_kid = i == 2;
        proofs.push(proof.jwt().await);
    }
    let request = json!({"credential_configuration_id": LDP, "proofs": {"jwt": proofs}});
    let (status, body) = h.credential(&access, &request).await;
    assert_eq!(status, 200, "{body}");
    let credentials = body["credentials"].as_array().unwrap();
    assert_eq!(credentials.len(), 3);
    for (credential, key) in credentials.iter().zip(&keys) {
        let vc = Credential::from_value(credential["credential"].clone()).unwrap();
        h.verifier().verify(&vc).await.unwrap();
        assert_eq!(
            credential["credential"]["credentialSubject"]["id"],
            key.did().as_str()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_credential_is_pending_until_a_reviewer_approves() {
    let h = start().await;
    let access = h.access_token(DEFERRED).await;
    let key = HolderKey::ed25519();
    let (status, body) = h
        .credential(&access, &h.request_with(&key, DEFERRED).await)
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["interval"], 1);
    let transaction = json!({"transaction_id": body["transaction_id"]});

    let (status, pending) = h
        .post_bearer("/oid4vci/deferred_credential", &access, &transaction)
        .await;
    assert_eq!(status, 202, "{pending}");
    assert_eq!(pending["transaction_id"], body["transaction_id"]);

    // Another access token does not see the transaction.
    let other = h.access_token(LDP).await;
    let foreign = h
        .post_bearer("/oid4vci/deferred_credential", &other, &transaction)
        .await;
    assert_eq!(error_of(foreign), (400, "invalid_transaction_id".into()));

    let tickets = h.tickets.all();
    assert_eq!(tickets.len(), 1);
    h.queue
        .approve(&tickets[0], "registrar@university.example", None)
        .await
        .unwrap();
    h.queue.worker("w").run_until_idle(4).await.unwrap();

    let (status, issued) = h
        .post_bearer("/oid4vci/deferred_credential", &access, &transaction)
        .await;
    assert_eq!(status, 200, "{issued}");
    let credential = &issued["credentials"][0]["credential"];
    let vc = Credential::from_value(credential.clone()).unwrap();
    h.verifier().verify(&vc).await.unwrap();
    assert_eq!(credential["credentialSubject"]["id"], key.did().as_str());
    // Left out for the OpenWallet Foundation's client, which refuses it (see the service).
    assert!(issued.get("notification_id").is_none());

    // Delivered once.
    let again = h
        .post_bearer("/oid4vci/deferred_credential", &access, &transaction)
        .await;
    assert_eq!(error_of(again), (400, "invalid_transaction_id".into()));

    // A rejected request is denied.
    let access = h.access_token(DEFERRED).await;
    let (status, body) = h
        .credential(&access, &h.request_with(&HolderKey::p256(), DEFERRED).await)
        .await;
    assert_eq!(status, 202, "{body}");
    let ticket = h.tickets.all()[1].clone();
    h.queue
        .reject(&ticket, "registrar@university.example", "not enrolled")
        .await
        .unwrap();
    let denied = h
        .post_bearer(
            "/oid4vci/deferred_credential",
            &access,
            &json!({"transaction_id": body["transaction_id"]}),
        )
        .await;
    assert_eq!(error_of(denied), (400, "credential_request_denied".into()));
}
