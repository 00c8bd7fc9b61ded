//! Opaque access tokens of the host's own OAuth server, checked at its introspection endpoint
//! (RFC 7662) by `IntrospectionAccessTokens`: an introspection server written here (axum, on
//! loopback) answers what the test tells it; the credential endpoint issues what an active
//! token grants, refuses what an answer does not vouch for (`invalid_token`), and answers
//! `server_error` when the introspection endpoint cannot tell.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use vc_issue::oid4vci::{IntrospectionAccessTokens, UserGrant, MAX_INTROSPECTION_RESPONSE};

use super::dpop::proof;
use super::external_tokens::thumbprint;
use super::harness::{claims, error_of, json_of, start_custom, Harness, HolderKey, JWT, LDP};

const AS: &str = "https://login.university.example";
const CLIENT: &str = "credential-issuer";
const SECRET: &str = "s3cret: with % and spaces";

/// What the introspection server knows: the answer for each token, and every form it was
/// posted.
#[derive(Default)]
struct Introspector {
    answers: Mutex<HashMap<String, Value>>,
    seen: Mutex<Vec<String>>,
}

impl Introspector {
    fn answer(&self, token: &str, answer: Value) {
        self.answers
            .lock()
            .unwrap()
            .insert(token.to_owned(), answer);
    }
}

/// `Basic base64(urlencode(CLIENT):urlencode(SECRET))`, RFC 6749 §2.3.1.
fn basic() -> String {
    use base64::Engine as _;
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            encode(CLIENT),
            encode(SECRET)
        ))
    )
}

async fn introspect(
    State(server): State<Arc<Introspector>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic().as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Basic")],
            r#"{"error":"invalid_client"}"#,
        )
            .into_response();
    }
    if headers.get("content-type").and_then(|v| v.to_str().ok())
        != Some("application/x-www-form-urlencoded")
    {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    server.seen.lock().unwrap().push(body.clone());
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let token = form.get("token").cloned().unwrap_or_default();
    let answer = server.answers.lock().unwrap().get(&token).cloned();
    match answer {
        Some(Value::String(raw)) if raw == "500" => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        // A raw body: not JSON, or too long.
        Some(Value::String(raw)) => ([("content-type", "application/json")], raw).into_response(),
        Some(answer) => axum::Json(answer).into_response(),
        None => axum::Json(json!({"active": false})).into_response(),
    }
}

/// The introspection server on loopback: its endpoint's URL.
async fn introspection_server(server: Arc<Introspector>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/introspect", listener.local_addr().unwrap());
    let router = Router::new()
        .route("/introspect", post(introspect))
        .with_state(server);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

/// An issuer taking tokens introspected at `endpoint` with `secret`.
async fn issuer(endpoint: String, secret: &'static str) -> Harness {
    start_custom(
        false,
        Box::new(move |b, base| {
            let tokens = IntrospectionAccessTokens::builder()
                .endpoint(endpoint)
                .client_secret_basic(CLIENT, secret)
                .audience(base)
                .issuer(AS)
                .client_id("wallet")
                .timeout(std::time::Duration::from_secs(2))
                .build()
                .unwrap();
            tokens.user("alice", UserGrant::new().credential(LDP, claims()));
            b.access_tokens(Arc::new(tokens), AS)
        }),
    )
    .await
}

/// An active token's answer for `h`, with `extra` over the defaults.
fn active(h: &Harness, extra: &Value) -> Value {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut answer = json!({
        "active": true,
        "iss": AS,
        "aud": [h.base, "https://other.example"],
        "sub": "alice",
        "client_id": "wallet",
        "iat": now,
        "exp": now + 300,
        "token_type": "Bearer",
        "authorization_details": [
            {"type": "openid_credential", "credential_configuration_id": LDP}
        ],
    });
    for (k, v) in extra.as_object().unwrap() {
        answer[k] = v.clone();
    }
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_active_token_issues_its_credential_once() {
    let server = Arc::new(Introspector::default());
    let h = issuer(introspection_server(server.clone()).await, SECRET).await;
    server.answer("opaque-token-1", active(&h, &json!({})));

    let holder = HolderKey::ed25519();
    let (status, body) = h
        .credential("opaque-token-1", &h.request_with(&holder, LDP).await)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["credentials"][0]["credential"]["credentialSubject"]["id"],
        holder.did().as_str()
    );
    let again = h
        .credential("opaque-token-1", &h.request_with(&holder, LDP).await)
        .await;
    assert_eq!(
        error_of(again),
        (400, "invalid_credential_request".into()),
        "what a token grants is issued once"
    );
    // The token was posted as a form with its type hint, and asked about once: the issuer keeps
    // what it grants until it expires.
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec!["token=opaque-token-1&token_type_hint=access_token".to_owned()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_the_answer_does_not_vouch_for_are_invalid() {
    let server = Arc::new(Introspector::default());
    let h = issuer(introspection_server(server.clone()).await, SECRET).await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut no_exp = active(&h, &json!({}));
    no_exp.as_object_mut().unwrap().remove("exp");
    let refused = [
        ("inactive", json!({"active": false})),
        (
            "inactive, with claims",
            active(&h, &json!({"active": false})),
        ),
        ("expired", active(&h, &json!({"exp": now - 1}))),
        ("not yet valid", active(&h, &json!({"nbf": now + 600}))),
        ("no exp", no_exp),
        (
            "wrong audience",
            active(&h, &json!({"aud": "https://other-issuer.example"})),
        ),
        ("no audience", active(&h, &json!({"aud": null}))),
        (
            "wrong issuer",
            active(&h, &json!({"iss": "https://attacker.example"})),
        ),
        (
            "another client",
            active(&h, &json!({"client_id": "mallory-app"})),
        ),
        ("unknown user", active(&h, &json!({"sub": "mallory"}))),
        (
            "a configuration the user may not receive",
            active(
                &h,
                &json!({"authorization_details": [
                    {"type": "openid_credential", "credential_configuration_id": JWT}
                ]}),
            ),
        ),
        (
            "no authorization_details",
            active(&h, &json!({"authorization_details": null})),
        ),
        (
            "a confirmation other than jkt",
            active(&h, &json!({"cnf": {"x5t#S256": "abc"}})),
        ),
    ];
    for (i, (what, answer)) in refused.into_iter().enumerate() {
        let token = format!("refused-{i}");
        server.answer(&token, answer);
        let result = h
            .credential(&token, &h.request_with(&HolderKey::ed25519(), LDP).await)
            .await;
        assert_eq!(error_of(result), (401, "invalid_token".into()), "{what}");
    }
    let unknown = h
        .credential(
            "never-issued",
            &h.request_with(&HolderKey::ed25519(), LDP).await,
        )
        .await;
    assert_eq!(error_of(unknown), (401, "invalid_token".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_introspection_endpoint_that_cannot_tell_is_a_server_error() {
    let server = Arc::new(Introspector::default());
    let endpoint = introspection_server(server.clone()).await;

    // This issuer's own credentials are wrong: the endpoint answers 401.
    let wrong_secret = issuer(endpoint.clone(), "wrong").await;
    server.answer("good", active(&wrong_secret, &json!({})));
    let answer = error_of(
        wrong_secret
            .credential(
                "good",
                &wrong_secret.request_with(&HolderKey::ed25519(), LDP).await,
            )
            .await,
    );
    assert_eq!(
        answer,
        (503, "server_error".into()),
        "401 from the endpoint"
    );

    // The endpoint is down: a port nothing listens on any more.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let down = format!("http://{}/introspect", closed.local_addr().unwrap());
    drop(closed);
    let h = issuer(down, SECRET).await;
    let answer = error_of(
        h.credential("good", &h.request_with(&HolderKey::ed25519(), LDP).await)
            .await,
    );
    assert_eq!(answer, (503, "server_error".into()), "endpoint down");

    // A 5xx, garbage, an answer without `active`, one past the size limit; one at the limit is
    // read (and refused as inactive).
    let h = issuer(endpoint, SECRET).await;
    let filler = |len: usize| {
        let shell = json!({"active": false, "pad": ""}).to_string().len();
        json!({"active": false, "pad": "x".repeat(len - shell)}).to_string()
    };
    server.answer("t-500", json!("500"));
    server.answer("t-garbage", json!("<html>oops</html>"));
    server.answer("t-no-active", json!({"sub": "alice"}));
    server.answer("t-active-string", json!({"active": "true"}));
    server.answer("t-huge", json!(filler(MAX_INTROSPECTION_RESPONSE + 1)));
    server.answer("t-at-limit", json!(filler(MAX_INTROSPECTION_RESPONSE)));
    for token in [
        "t-500",
        "t-garbage",
        "t-no-active",
        "t-active-string",
        "t-huge",
    ] {
        let answer = error_of(
            h.credential(token, &h.request_with(&HolderKey::ed25519(), LDP).await)
                .await,
        );
        assert_eq!(answer, (503, "server_error".into()), "{token}");
    }
    let answer = error_of(
        h.credential(
            "t-at-limit",
            &h.request_with(&HolderKey::ed25519(), LDP).await,
        )
        .await,
    );
    assert_eq!(answer, (401, "invalid_token".into()), "at the limit");

    // A failure costs the token nothing: once the endpoint answers, it works.
    server.answer("t-500", active(&h, &json!({})));
    let (status, body) = h
        .credential("t-500", &h.request_with(&HolderKey::ed25519(), LDP).await)
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dpop_bound_token_needs_a_proof_of_its_key() {
    let server = Arc::new(Introspector::default());
    let h = issuer(introspection_server(server.clone()).await, SECRET).await;
    let dpop_key = HolderKey::p256();
    server.answer(
        "bound-token",
        active(
            &h,
            &json!({"cnf": {"jkt": thumbprint(&dpop_key)}, "token_type": "DPoP"}),
        ),
    );
    let url = h.url("/oid4vci/credential");
    let send = |proof: Option<String>| {
        let (h, url) = (&h, url.clone());
        async move {
            let request = h.request_with(&HolderKey::ed25519(), LDP).await;
            let mut builder = h.client.post(&url).json(&request);
            builder = match proof {
                Some(proof) => builder
                    .header("authorization", "DPoP bound-token")
                    .header("dpop", proof),
                None => builder.header("authorization", "Bearer bound-token"),
            };
            json_of(builder.send().await.unwrap()).await
        }
    };
    assert_eq!(
        error_of(send(None).await),
        (401, "invalid_token".into()),
        "as a bearer token"
    );
    let other = proof(&HolderKey::p256(), &url, Some("bound-token")).await;
    assert_eq!(
        error_of(send(Some(other)).await),
        (401, "invalid_dpop_proof".into()),
        "a proof of another key"
    );
    let (status, body) = send(Some(proof(&dpop_key, &url, Some("bound-token")).await)).await;
    assert_eq!(status, 200, "{body}");
}

#[test]
fn the_builder_checks_its_parts() {
    let base = || {
        IntrospectionAccessTokens::builder()
            .endpoint("https://login.example/introspect")
            .client_secret_basic(CLIENT, SECRET)
            .audience("https://issuer.example")
    };
    assert!(base().build().is_ok());
    let refused = [
        base().endpoint("ftp://login.example/introspect"),
        base().endpoint("not a url"),
        base().endpoint("https://login.example/introspect#frag"),
        base().timeout(std::time::Duration::ZERO),
        IntrospectionAccessTokens::builder()
            .client_secret_basic(CLIENT, SECRET)
            .audience("https://issuer.example"),
        IntrospectionAccessTokens::builder()
            .endpoint("https://login.example/introspect")
            .audience("https://issuer.example"),
        IntrospectionAccessTokens::builder()
            .endpoint("https://login.example/introspect")
            .client_secret_basic(CLIENT, SECRET),
    ];
    for builder in refused {
        let error = builder.build().unwrap_err();
        assert_eq!(error.code(), "OID4VCI_CONFIGURATION", "{error}");
    }
    // The secret stays out of logs.
    let tokens = base().build().unwrap();
    assert!(!format!("{tokens:?}").contains("s3cret"));
}
