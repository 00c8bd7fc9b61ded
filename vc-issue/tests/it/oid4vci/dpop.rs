//! DPoP (RFC 9449): tokens bound to the wallet's key, proven again at every request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::harness::{error_of, json_of, start, start_dpop, Harness, HolderKey, LDP};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// A DPoP proof of a POST to `url` by `key`, for `token` at a resource endpoint.
pub async fn proof(key: &HolderKey, url: &str, token: Option<&str>) -> String {
    proof_with_nonce(key, url, token, None).await
}

/// [`proof`] carrying the server's `nonce`.
pub async fn proof_with_nonce(
    key: &HolderKey,
    url: &str,
    token: Option<&str>,
    nonce: Option<&str>,
) -> String {
    let mut claims = json!({
        "jti": format!("{:016x}", rand::random::<u64>()),
        "htm": "POST",
        "htu": url,
        "iat": time::OffsetDateTime::now_utc().unix_timestamp(),
    });
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    if let Some(token) = token {
        claims["ath"] = json!(URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes())));
    }
    key.sign(
        &json!({"typ": "dpop+jwt", "alg": key.alg(), "jwk": key.jwk()}),
        &claims,
    )
    .await
}

pub async fn token(h: &Harness, code: &str, tx: Option<&str>, dpop: Option<&str>) -> (u16, Value) {
    let mut form = vec![("grant_type", GRANT), ("pre-authorized_code", code)];
    if let Some(tx) = tx {
        form.push(("tx_code", tx));
    }
    let mut request = h
        .client
        .post(h.url("/oid4vci/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&form)
                .finish(),
        );
    if let Some(dpop) = dpop {
        request = request.header("dpop", dpop);
    }
    json_of(request.send().await.unwrap()).await
}

/// POSTs `body` to `path` with `Authorization: <scheme> <token>` and the DPoP headers given.
async fn post(
    h: &Harness,
    path: &str,
    scheme: &str,
    token: &str,
    dpop: &[&str],
    body: &Value,
) -> (u16, Value) {
    let mut request = h
        .client
        .post(h.url(path))
        .header("authorization", format!("{scheme} {token}"))
        .json(body);
    for proof in dpop {
        request = request.header("dpop", *proof);
    }
    json_of(request.send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_required_dpop_binds_the_token_to_the_wallets_key() {
    let h = start_dpop().await;
    let key = HolderKey::p256();
    let token_url = h.url("/oid4vci/token");
    let credential_url = h.url("/oid4vci/credential");
    let (_, asm) = json_of(
        h.client
            .get(h.url("/.well-known/oauth-authorization-server"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        asm["dpop_signing_alg_values_supported"],
        json!(["ES256", "ES384", "EdDSA"])
    );

    let (code, tx) = h.offer(LDP, true).await;
    let tx = tx.as_deref();
    let invalid_dpop = (401, "invalid_dpop_proof".to_owned());
    assert_eq!(error_of(token(&h, &code, tx, None).await), invalid_dpop);
    let wrong_url = proof(&key, &credential_url, None).await;
    assert_eq!(
        error_of(token(&h, &code, tx, Some(&wrong_url)).await),
        invalid_dpop
    );
    // Refused proofs cost no code.
    let good = proof(&key, &token_url, None).await;
    let (status, body) = token(&h, &code, tx, Some(&good)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    let access = body["access_token"].as_str().unwrap().to_owned();
    let (code2, tx2) = h.offer(LDP, true).await;
    assert_eq!(
        error_of(token(&h, &code2, tx2.as_deref(), Some(&good)).await),
        invalid_dpop,
        "a replayed proof"
    );

    let request = h.request_with(&HolderKey::ed25519(), LDP).await;
    let path = "/oid4vci/credential";
    assert_eq!(
        error_of(post(&h, path, "Bearer", &access, &[], &request).await),
        (401, "invalid_token".into()),
        "a bound token is no bearer token"
    );
    assert_eq!(
        error_of(post(&h, path, "DPoP", &access, &[], &request).await),
        invalid_dpop,
        "no proof"
    );
    let other_key = proof(&HolderKey::p256(), &credential_url, Some(&access)).await;
    assert_eq!(
        error_of(post(&h, path, "DPoP", &access, &[&other_key], &request).await),
        invalid_dpop,
        "another key"
    );
    let no_ath = proof(&key, &credential_url, None).await;
    assert_eq!(
        error_of(post(&h, path, "DPoP", &access, &[&no_ath], &request).await),
        invalid_dpop,
        "no ath"
    );
    let for_token = proof(&key, &token_url, Some(&access)).await;
    assert_eq!(
        error_of(post(&h, path, "DPoP", &access, &[&for_token], &request).await),
        invalid_dpop,
        "another htu"
    );
    let good = proof(&key, &credential_url, Some(&access)).await;
    let twice = post(&h, path, "DPoP", &access, &[&good, &good], &request).await;
    let response = h
        .client
        .post(h.url(path))
        .header("authorization", format!("DPoP {access}"))
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "DPoP error=\"invalid_dpop_proof\""
    );
    assert_eq!(error_of(twice), invalid_dpop, "two DPoP headers");
    let (status, issued) = post(&h, path, "DPoP", &access, &[&good], &request).await;
    assert_eq!(status, 200, "{issued}");

    // The notification endpoint proves the key again, with a proof of its own.
    let notification =
        json!({"notification_id": issued["notification_id"], "event": "credential_accepted"});
    let path = "/oid4vci/notification";
    assert_eq!(
        error_of(post(&h, path, "DPoP", &access, &[&good], &notification).await),
        invalid_dpop,
        "the credential request's proof"
    );
    let fresh = proof(&key, &h.url(path), Some(&access)).await;
    let (status, _) = post(&h, path, "DPoP", &access, &[&fresh], &notification).await;
    assert_eq!(status, 204);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_requirement_a_proof_still_binds_and_bearer_tokens_stay_bearer() {
    let h = start().await;
    let key = HolderKey::ed25519();
    let (code, tx) = h.offer(LDP, true).await;
    let dpop = proof(&key, &h.url("/oid4vci/token"), None).await;
    let (status, body) = token(&h, &code, tx.as_deref(), Some(&dpop)).await;
    assert_eq!((status, body["token_type"].as_str()), (200, Some("DPoP")));
    let bound = body["access_token"].as_str().unwrap().to_owned();
    let request = h.request_with(&HolderKey::p384(), LDP).await;
    assert_eq!(
        error_of(h.credential(&bound, &request).await),
        (401, "invalid_token".into())
    );
    let good = proof(&key, &h.url("/oid4vci/credential"), Some(&bound)).await;
    let (status, body) = post(
        &h,
        "/oid4vci/credential",
        "DPoP",
        &bound,
        &[&good],
        &request,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A bearer token presented under the DPoP scheme is refused.
    let bearer = h.access_token(LDP).await;
    let good = proof(&key, &h.url("/oid4vci/credential"), Some(&bearer)).await;
    let request = h.request_with(&key, LDP).await;
    assert_eq!(
        error_of(
            post(
                &h,
                "/oid4vci/credential",
                "DPoP",
                &bearer,
                &[&good],
                &request
            )
            .await
        ),
        (401, "invalid_token".into())
    );
}
