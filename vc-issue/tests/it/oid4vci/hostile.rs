//! What a hostile or careless wallet sends: replays, races, wrong codes, bad proofs, odd bodies.

use std::sync::Arc;

use serde_json::{json, Value};

use super::harness::{error_of, json_of, start, HolderKey, Proof, LDP};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_single_use_and_tx_code_attempts_are_limited() {
    let h = start().await;
    let (code, tx) = h.offer(LDP, true).await;
    let tx = tx.unwrap();
    assert_eq!(tx.len(), 6);
    assert_eq!(
        error_of(h.token(&code, Some("000000x")).await),
        (400, "invalid_grant".into())
    );
    assert_eq!(
        error_of(h.token(&code, None).await),
        (400, "invalid_grant".into())
    );
    let (status, body) = h.token(&code, Some(&tx)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        error_of(h.token(&code, Some(&tx)).await),
        (400, "invalid_grant".into()),
        "a code is redeemed once"
    );

    // Three wrong codes (the default) and the right one no longer works.
    let (code, tx) = h.offer(LDP, true).await;
    for _ in 0..3 {
        let (status, body) = h.token(&code, Some("nope")).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("OID4VCI_INVALID_GRANT"))
        );
    }
    assert_eq!(
        error_of(h.token(&code, tx.as_deref()).await),
        (400, "invalid_grant".into())
    );
    // Unknown, and an unknown grant type.
    assert_eq!(
        error_of(h.token("not-a-code", None).await),
        (400, "invalid_grant".into())
    );
    let (code, tx) = h.offer(LDP, true).await;
    let wrong_grant = h
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("pre-authorized_code", &code),
        ])
        .await;
    assert_eq!(
        error_of(wrong_grant),
        (400, "unsupported_grant_type".into())
    );
    // A parameter given twice is refused, and costs no attempt.
    let twice = h
        .token_form(&[
            ("grant_type", GRANT),
            ("pre-authorized_code", &code),
            ("tx_code", "1"),
            ("tx_code", tx.as_deref().unwrap()),
        ])
        .await;
    assert_eq!(error_of(twice), (400, "invalid_request".into()));
    // JSON is not the token endpoint's media type.
    let response = h
        .client
        .post(h.url("/oid4vci/token"))
        .json(&json!({"grant_type": GRANT, "pre-authorized_code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(json_of(response).await),
        (400, "invalid_request".into())
    );
    let (status, _) = h.token(&code, tx.as_deref()).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_token_requests_redeem_a_code_once() {
    let h = Arc::new(start().await);
    let (code, tx) = h.offer(LDP, true).await;
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (h, code, tx) = (h.clone(), code.clone(), tx.clone());
            tokio::spawn(async move { h.token(&code, tx.as_deref()).await })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().0);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 15);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_credential_requests_use_a_nonce_once() {
    let h = Arc::new(start().await);
    let nonce = h.nonce().await;
    let mut requests = Vec::new();
    for _ in 0..8 {
        let access = h.access_token(LDP).await;
        let key = HolderKey::ed25519();
        let jwt = Proof::new(&key, &h.base, &nonce).jwt().await;
        requests.push((
            access,
            json!({"credential_configuration_id": LDP, "proofs": {"jwt": [jwt]}}),
        ));
    }
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(access, body)| {
            let h = h.clone();
            tokio::spawn(async move { error_of(h.credential(&access, &body).await) })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    assert_eq!(
        outcomes.iter().filter(|(s, _)| *s == 200).count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes
        .iter()
        .filter(|(s, _)| *s != 200)
        .all(|o| *o == (400, "invalid_nonce".to_owned())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_proofs_are_checked_and_a_refused_request_can_be_retried() {
    let h = start().await;
    let access = h.access_token(LDP).await;
    let key = HolderKey::p256();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    let send = |jwt: String| {
        let body = json!({"credential_configuration_id": LDP, "proofs": {"jwt": [jwt]}});
        let (h, access) = (&h, access.clone());
        async move { error_of(h.credential(&access, &body).await) }
    };
    let invalid_proof = (400, "invalid_proof".to_owned());
    let invalid_nonce = (400, "invalid_nonce".to_owned());

    let nonce = h.nonce().await;
    let mut proof = Proof::new(&key, "https://other-issuer.example", &nonce);
    assert_eq!(send(proof.jwt().await).await, invalid_proof, "wrong aud");
    proof.aud = json!(["https://other-issuer.example", h.base]);
    proof.typ = "JWT";
    assert_eq!(send(proof.jwt().await).await, invalid_proof, "wrong typ");
    proof.typ = "openid4vci-proof+jwt";
    proof.iat = now - 3600;
    assert_eq!(send(proof.jwt().await).await, invalid_proof, "stale iat");
    proof.iat = now + 3600;
    assert_eq!(send(proof.jwt().await).await, invalid_proof, "future iat");
    proof.iat = now;
    proof.nonce = None;
    assert_eq!(send(proof.jwt().await).await, invalid_nonce, "no nonce");
    proof.nonce = Some("made-up".into());
    assert_eq!(
        send(proof.jwt().await).await,
        invalid_nonce,
        "unknown nonce"
    );

    // A signature by another key than the one named.
    proof.nonce = Some(nonce.clone());
    let good = proof.jwt().await;
    let other = Proof::new(&HolderKey::p256(), &h.base, &nonce).jwt().await;
    let (head, _) = good.rsplit_once('.').unwrap();
    let forged = format!("{head}.{}", other.rsplit_once('.').unwrap().1);
    assert_eq!(send(forged).await, invalid_proof, "bad signature");
    // A private key in the header, x5c, alg none.
    let mut jwk = key.jwk();
    jwk["d"] = json!("AAAA");
    let private = key
        .sign(
            &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": jwk}),
            &json!({"aud": h.base, "iat": now, "nonce": nonce}),
        )
        .await;
    assert_eq!(send(private).await, invalid_proof);
    let x5c = key
        .sign(
            &json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "x5c": ["MIIB"]}),
            &json!({"aud": h.base, "iat": now, "nonce": nonce}),
        )
        .await;
    assert_eq!(send(x5c).await, invalid_proof);
    let none = format!(
        "{}.{}.",
        base64_json(&json!({"typ": "openid4vci-proof+jwt", "alg": "none", "jwk": key.jwk()})),
        base64_json(&json!({"aud": h.base, "iat": now, "nonce": nonce}))
    );
    assert_eq!(send(none).await, invalid_proof);
    assert_eq!(send("x".repeat(9000)).await, invalid_proof, "oversized");

    // None of those used the nonce or the authorization: the good proof works, once.
    assert_eq!(send(good.clone()).await.0, 200);
    assert_eq!(send(good).await, invalid_nonce, "a replayed proof");
    let fresh = Proof::new(&key, &h.base, &h.nonce().await).jwt().await;
    assert_eq!(
        send(fresh).await,
        (400, "invalid_credential_request".to_owned()),
        "the authorization was used"
    );
    let access2 = h.access_token(LDP).await;
    let replay = Proof::new(&key, &h.base, &nonce).jwt().await;
    let body = json!({"credential_configuration_id": LDP, "proofs": {"jwt": [replay]}});
    assert_eq!(
        error_of(h.credential(&access2, &body).await),
        invalid_nonce,
        "a used nonce is stale"
    );
}

fn base64_json(value: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_credential_requests_get_the_spec_errors() {
    let h = start().await;
    let access = h.access_token(LDP).await;
    let key = HolderKey::ed25519();
    let good = h.request_with(&key, LDP).await;
    let jwt = good["proofs"]["jwt"][0].clone();

    // No or a wrong token: 401 with WWW-Authenticate.
    let response = h
        .client
        .post(h.url("/oid4vci/credential"))
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    assert_eq!(
        error_of(json_of(response).await),
        (401, "invalid_token".into())
    );
    assert_eq!(
        error_of(h.credential("forged", &good).await),
        (401, "invalid_token".into())
    );

    let cases = [
        (
            json!({"credential_configuration_id": "nope", "proofs": {"jwt": [jwt]}}),
            "unknown_credential_configuration",
        ),
        (
            json!({"credential_identifier": "nope", "proofs": {"jwt": [jwt]}}),
            "unknown_credential_identifier",
        ),
        (
            json!({"proofs": {"jwt": [jwt]}}),
            "invalid_credential_request",
        ),
        (
            json!({"credential_configuration_id": LDP, "credential_identifier": LDP, "proofs": {"jwt": [jwt]}}),
            "invalid_credential_request",
        ),
        (
            json!({"credential_configuration_id": LDP, "proof": {"proof_type": "jwt", "jwt": jwt}}),
            "invalid_credential_request",
        ),
        (
            json!({"credential_configuration_id": LDP, "proofs": {"jwt": [jwt]}, "format": "ldp_vc"}),
            "invalid_credential_request",
        ),
        (
            json!({"credential_configuration_id": LDP, "proofs": {"jwt": [jwt]}, "credential_response_encryption": {}}),
            "invalid_credential_request",
        ),
        (json!({"credential_configuration_id": LDP}), "invalid_proof"),
        (
            json!({"credential_configuration_id": LDP, "proofs": {"jwt": []}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": LDP, "proofs": {"jwt": [5]}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": LDP, "proofs": {"di_vp": [{}]}}),
            "invalid_proof",
        ),
        (
            json!({"credential_configuration_id": LDP, "proofs": {"jwt": [jwt, jwt, jwt, jwt]}}),
            "invalid_credential_request",
        ),
        (
            json!({"credential_configuration_id": LDP, "proofs": {"jwt": [jwt, jwt]}}),
            "invalid_proof",
        ),
        (json!([]), "invalid_credential_request"),
    ];
    for (body, error) in cases {
        assert_eq!(
            error_of(h.credential(&access, &body).await),
            (400, error.to_owned()),
            "{body}"
        );
    }
    // The edge: a key twice, and an oversized body.
    let response = h
        .client
        .post(h.url("/oid4vci/credential"))
        .bearer_auth(&access)
        .header("content-type", "application/json")
        .body(
            r#"{"credential_configuration_id": "degree_ldp", "credential_configuration_id": "x"}"#,
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("DUPLICATE_KEY"))
    );
    let huge = json!({"credential_configuration_id": "x".repeat(vc_issue::http::BODY_LIMIT)});
    let (status, _) = h.credential(&access, &huge).await;
    assert_eq!(status, 413);
    // After all that, the good request still works.
    assert_eq!(h.credential(&access, &good).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_are_checked() {
    let h = start().await;
    let access = h.access_token(LDP).await;
    let (_, issued) = h
        .credential(&access, &h.request_with(&HolderKey::ed25519(), LDP).await)
        .await;
    let id = issued["notification_id"].clone();
    let other = h.access_token(LDP).await;
    for (token, body, error) in [
        (
            &access,
            json!({"notification_id": id, "event": "credential_lost"}),
            "invalid_request",
        ),
        (&access, json!({"notification_id": id}), "invalid_request"),
        (
            &access,
            json!({"notification_id": id, "event": "credential_deleted", "x": 1}),
            "invalid_request",
        ),
        (
            &other,
            json!({"notification_id": id, "event": "credential_deleted"}),
            "invalid_notification_id",
        ),
        (
            &access,
            json!({"notification_id": "unknown", "event": "credential_deleted"}),
            "invalid_notification_id",
        ),
    ] {
        assert_eq!(
            error_of(h.post_bearer("/oid4vci/notification", token, &body).await),
            (400, error.to_owned()),
            "{body}"
        );
    }
    let (status, _) = h
        .post_bearer(
            "/oid4vci/notification",
            &access,
            &json!({"notification_id": id, "event": "credential_deleted"}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(h.notifications.notifications().len(), 1);
}
