//! DPoP server nonces (RFC 9449 §8, §9): proofs at the token and credential endpoints carry a
//! current nonce of the server, handed out in `DPoP-Nonce`; nonces expire and rotate.

use std::sync::Arc;

use serde_json::{json, Value};
use vc_core::FixedClock;

use super::dpop::{proof_with_nonce, token};
use super::harness::{json_of, start_custom, Harness, HolderKey, LDP};

/// What a response said: status, body, `DPoP-Nonce`, `WWW-Authenticate`.
struct Said {
    status: u16,
    body: Value,
    nonce: Option<String>,
    challenge: Option<String>,
}

async fn said(response: reqwest::Response) -> Said {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (nonce, challenge) = (header("dpop-nonce"), header("www-authenticate"));
    let (status, body) = json_of(response).await;
    Said {
        status,
        body,
        nonce,
        challenge,
    }
}

/// A token request for a fresh offer, with a DPoP proof by `key` carrying `nonce`.
async fn token_with(h: &Harness, key: &HolderKey, nonce: Option<&str>) -> Said {
    let (code, tx) = h.offer(LDP, true).await;
    let dpop = proof_with_nonce(key, &h.url("/oid4vci/token"), None, nonce).await;
    let form = [
        (
            "grant_type",
            "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        ),
        ("pre-authorized_code", code.as_str()),
        ("tx_code", tx.as_deref().unwrap()),
    ];
    let response = h
        .client
        .post(h.url("/oid4vci/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("dpop", dpop)
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish(),
        )
        .send()
        .await
        .unwrap();
    said(response).await
}

async fn credential_with(h: &Harness, key: &HolderKey, access: &str, nonce: Option<&str>) -> Said {
    let url = h.url("/oid4vci/credential");
    let dpop = proof_with_nonce(key, &url, Some(access), nonce).await;
    let request = h.request_with(&HolderKey::ed25519(), LDP).await;
    let response = h
        .client
        .post(url)
        .header("authorization", format!("DPoP {access}"))
        .header("dpop", dpop)
        .json(&request)
        .send()
        .await
        .unwrap();
    said(response).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_carry_a_current_server_nonce_which_expires_and_rotates() {
    let clock = Arc::new(FixedClock::new(time::OffsetDateTime::now_utc()));
    let builder_clock = clock.clone();
    let h = start_custom(
        true,
        Box::new(move |b, _| {
            b.dpop_nonces(time::Duration::minutes(2))
                .clock(builder_clock)
        }),
    )
    .await;
    let key = HolderKey::p256();

    // No nonce, then a made-up one: use_dpop_nonce (400 at the token endpoint), with the nonce.
    let first = token_with(&h, &key, None).await;
    assert_eq!(
        (first.status, first.body["error"].as_str()),
        (400, Some("use_dpop_nonce")),
        "{}",
        first.body
    );
    let n1 = first.nonce.expect("a DPoP-Nonce header");
    let made_up = token_with(&h, &key, Some("made-up-nonce")).await;
    assert_eq!(made_up.body["error"], "use_dpop_nonce");
    assert_eq!(made_up.nonce.as_deref(), Some(n1.as_str()));
    // A refusal for the nonce cost no code: the same code works with the nonce.
    let (code, tx) = h.offer(LDP, true).await;
    let url = h.url("/oid4vci/token");
    let refused = token(
        &h,
        &code,
        tx.as_deref(),
        Some(&proof_with_nonce(&key, &url, None, None).await),
    )
    .await;
    assert_eq!(refused.1["error"], "use_dpop_nonce");
    let dpop = proof_with_nonce(&key, &url, None, Some(&n1)).await;
    let (status, body) = token(&h, &code, tx.as_deref(), Some(&dpop)).await;
    assert_eq!(status, 200, "{body}");

    let granted = token_with(&h, &key, Some(&n1)).await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    assert_eq!(granted.body["token_type"], "DPoP");
    assert_eq!(
        granted.nonce.as_deref(),
        Some(n1.as_str()),
        "the current nonce"
    );
    let access = granted.body["access_token"].as_str().unwrap().to_owned();

    // The credential endpoint: 401 with a DPoP challenge, then issued with the nonce.
    let refused = credential_with(&h, &key, &access, None).await;
    assert_eq!(
        (refused.status, refused.body["error"].as_str()),
        (401, Some("use_dpop_nonce"))
    );
    assert_eq!(
        refused.challenge.as_deref(),
        Some("DPoP error=\"use_dpop_nonce\"")
    );
    assert_eq!(refused.nonce.as_deref(), Some(n1.as_str()));
    let issued = credential_with(&h, &key, &access, Some(&n1)).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    assert_eq!(issued.nonce.as_deref(), Some(n1.as_str()));

    // Past half its life the server hands out a new nonce; the old one still works.
    clock.advance(time::Duration::seconds(61));
    let rotated = token_with(&h, &key, Some(&n1)).await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let n2 = rotated.nonce.unwrap();
    assert_ne!(n2, n1);
    // Past its life the old one is refused, and a current one is given.
    clock.advance(time::Duration::seconds(60));
    let expired = token_with(&h, &key, Some(&n1)).await;
    assert_eq!(expired.body["error"], "use_dpop_nonce", "{}", expired.body);
    let current = expired.nonce.unwrap();
    assert_ne!(current, n1);
    let again = token_with(&h, &key, Some(&current)).await;
    assert_eq!(again.status, 200, "{}", again.body);
    let with_n2 = token_with(&h, &key, Some(&n2)).await;
    assert_eq!(with_n2.status, 200, "{}", with_n2.body);
    assert_eq!(json!(with_n2.body["token_type"]), json!("DPoP"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_nonces_configured_no_nonce_is_asked_or_given() {
    let h = start_custom(true, Box::new(|b, _| b)).await;
    let key = HolderKey::ed25519();
    let granted = token_with(&h, &key, None).await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    assert!(granted.nonce.is_none());
}
