//! Access tokens of the host's own OAuth server (RFC 9068 JWTs checked against its JWKS): the
//! credential endpoint accepts them, issues what they grant once, and refuses the forged, the
//! expired, the misaddressed and the unknown.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use vc_issue::oid4vci::{JwtAccessTokens, UserGrant};

use super::dpop::proof;
use super::harness::{claims, error_of, json_of, start_custom, Harness, HolderKey, JWT, LDP};

const AS: &str = "https://login.university.example";

struct Server {
    h: Harness,
    key: HolderKey,
}

async fn start_external() -> Server {
    let key = HolderKey::p256();
    let mut jwk = key.jwk();
    jwk["kid"] = json!("as-key-1");
    let jwks = json!({ "keys": [jwk] });
    let h = start_custom(
        false,
        Box::new(move |b, base| {
            let tokens = Arc::new(JwtAccessTokens::new(AS, base, &jwks).unwrap());
            tokens.user("alice", UserGrant::new().credential(LDP, claims()));
            b.access_tokens(tokens, AS)
        }),
    )
    .await;
    Server { h, key }
}

/// An access token of the host's server, with `claims` over the defaults.
async fn mint(key: &HolderKey, audience: &str, extra: &Value, header: &Value) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut claims = json!({
        "iss": AS,
        "aud": audience,
        "sub": "alice",
        "iat": now,
        "exp": now + 300,
        "client_id": "wallet",
        "authorization_details": [
            {"type": "openid_credential", "credential_configuration_id": LDP}
        ],
    });
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    let mut h = json!({"typ": "at+jwt", "alg": key.alg(), "kid": "as-key-1"});
    for (k, v) in header.as_object().unwrap() {
        h[k] = v.clone();
    }
    key.sign(&h, &claims).await
}

pub(super) fn thumbprint(key: &HolderKey) -> String {
    let jwk = key.jwk();
    let canonical = json!({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]});
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.to_string().as_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_of_the_hosts_server_is_accepted_once_per_credential() {
    let Server { h, key } = start_external().await;
    let (_, md) = json_of(
        h.client
            .get(h.url("/.well-known/openid-credential-issuer"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(md["authorization_servers"], json!([h.base, AS]));

    let token = mint(&key, &h.base, &json!({}), &json!({})).await;
    let holder = HolderKey::ed25519();
    let (status, body) = h
        .credential(&token, &h.request_with(&holder, LDP).await)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["credentials"][0]["credential"]["credentialSubject"]["id"],
        holder.did().as_str()
    );
    let again = h
        .credential(&token, &h.request_with(&holder, LDP).await)
        .await;
    assert_eq!(
        error_of(again),
        (400, "invalid_credential_request".into()),
        "what a token grants is issued once"
    );
    let other = h
        .credential(&token, &h.request_with(&holder, JWT).await)
        .await;
    assert_eq!(error_of(other), (400, "invalid_credential_request".into()));

    // Concurrent first presentations of one token: one credential.
    let token = Arc::new(mint(&key, &h.base, &json!({"jti": "race"}), &json!({})).await);
    let h = Arc::new(h);
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (h, token) = (h.clone(), token.clone());
            tokio::spawn(async move {
                let request = h.request_with(&HolderKey::ed25519(), LDP).await;
                h.credential(&token, &request).await.0
            })
        })
        .collect();
    let mut issued = 0;
    for task in tasks {
        issued += usize::from(task.await.unwrap() == 200);
    }
    assert_eq!(issued, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_expired_misaddressed_and_unknown_tokens_are_refused() {
    let Server { h, key } = start_external().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let forger = HolderKey::p256();
    let refused = [
        mint(&forger, &h.base, &json!({}), &json!({})).await,
        mint(&key, &h.base, &json!({"exp": now - 1}), &json!({})).await,
        mint(&key, "https://other-issuer.example", &json!({}), &json!({})).await,
        mint(
            &key,
            &h.base,
            &json!({"iss": "https://attacker.example"}),
            &json!({}),
        )
        .await,
        mint(&key, &h.base, &json!({"sub": "mallory"}), &json!({})).await,
        mint(&key, &h.base, &json!({}), &json!({"typ": "JWT"})).await,
        mint(&key, &h.base, &json!({}), &json!({"kid": "as-key-2"})).await,
        mint(&key, &h.base, &json!({}), &json!({"alg": "ES384"})).await,
        mint(
            &key,
            &h.base,
            &json!({"authorization_details": [
                {"type": "openid_credential", "credential_configuration_id": JWT}
            ]}),
            &json!({}),
        )
        .await,
        mint(
            &key,
            &h.base,
            &json!({"cnf": {"x5t#S256": "abc"}}),
            &json!({}),
        )
        .await,
        "not.a.token".to_owned(),
    ];
    for token in refused {
        let answer = h
            .credential(&token, &h.request_with(&HolderKey::ed25519(), LDP).await)
            .await;
        assert_eq!(error_of(answer), (401, "invalid_token".into()), "{token}");
    }

    // A token bound to a DPoP key (cnf.jkt) is no bearer token; with a proof of that key it
    // works.
    let dpop_key = HolderKey::p256();
    let token = mint(
        &key,
        &h.base,
        // Past 512 characters, as JWTs with more claims are.
        &json!({"cnf": {"jkt": thumbprint(&dpop_key)}, "note": "x".repeat(400)}),
        &json!({}),
    )
    .await;
    let request = h.request_with(&HolderKey::ed25519(), LDP).await;
    assert_eq!(
        error_of(h.credential(&token, &request).await),
        (401, "invalid_token".into())
    );
    let url = h.url("/oid4vci/credential");
    let request = h.request_with(&HolderKey::ed25519(), LDP).await;
    let response = h
        .client
        .post(&url)
        .header("authorization", format!("DPoP {token}"))
        .header("dpop", proof(&dpop_key, &url, Some(&token)).await)
        .json(&request)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
}
