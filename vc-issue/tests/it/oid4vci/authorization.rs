//! The authorization code flow with PKCE through the built-in authorization server, over
//! loopback: a browser with or without a session, a wallet redeeming its code, and what a
//! hostile party tries (no or plain PKCE, a wrong verifier, a reused or raced code, another
//! redirect URI, an expired code, open redirects).

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use vc_core::{Credential, FixedClock};
use vc_issue::oid4vci::{
    CredentialConfiguration, CredentialFormat, OAuthClient, OfferRequest, SessionUsers, UserGrant,
};

use super::harness::{claims, error_of, json_of, start_custom, Harness, HolderKey, LDP};

const CLIENT: &str = "wallet";
const REDIRECT: &str = "https://wallet.example/cb";
const NATIVE_REDIRECT: &str = "eudi-wallet://authorized";
const LOGIN: &str = "https://login.university.example/signin";
/// A configuration asked for by `scope`.
const SCOPED: &str = "degree_scoped";
const SCOPE: &str = "UniversityDegree";
/// The session cookie of a student who may receive [`LDP`] and [`SCOPED`].
const ALICE: &str = "session=alice-session-0123456789";
/// The session of a user who may receive nothing.
const MALLORY: &str = "session=mallory-session-0123456789";

struct Flow {
    h: Harness,
    /// Does not follow redirects: the test reads them.
    browser: reqwest::Client,
    clock: Option<Arc<FixedClock>>,
}

async fn start_flow(clock: bool) -> Flow {
    let users = Arc::new(SessionUsers::new("session", LOGIN));
    users.sign_in(
        "alice-session-0123456789",
        UserGrant::new()
            .credential(LDP, claims())
            .credential(SCOPED, claims()),
    );
    users.sign_in("mallory-session-0123456789", UserGrant::new());
    let clock = clock.then(|| Arc::new(FixedClock::new(time::OffsetDateTime::now_utc())));
    let builder_clock = clock.clone();
    let h = start_custom(
        false,
        Box::new(move |b, _| {
            let b = b
                .configuration(
                    CredentialConfiguration::new(
                        SCOPED,
                        "university-degree-v1",
                        CredentialFormat::JwtVcJson,
                    )
                    .scope(SCOPE),
                )
                .authenticator(users)
                .client(OAuthClient::new(CLIENT, [REDIRECT, NATIVE_REDIRECT]))
                .client(OAuthClient::new(
                    "other-wallet",
                    ["https://other.example/cb"],
                ));
            match builder_clock {
                Some(clock) => b.clock(clock),
                None => b,
            }
        }),
    )
    .await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Flow { h, browser, clock }
}

/// A PKCE pair: a verifier and its S256 challenge.
fn pkce() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn details(configuration: &str) -> String {
    json!([{"type": "openid_credential", "credential_configuration_id": configuration}]).to_string()
}

/// The usual authorization request for `configuration`, with `challenge`.
fn authorization_request(configuration: &str, challenge: &str) -> Vec<(String, String)> {
    [
        ("response_type", "code"),
        ("client_id", CLIENT),
        ("redirect_uri", REDIRECT),
        ("state", "xyz-state"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("authorization_details", &details(configuration)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn without(mut params: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    params.retain(|(k, _)| k != name);
    params
}

fn with(mut params: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    params.retain(|(k, _)| k != name);
    params.push((name.to_owned(), value.to_owned()));
    params
}

/// What the authorization endpoint answered: the status, the `Location` (if any), the body.
struct Answer {
    status: u16,
    location: Option<String>,
    body: Value,
}

impl Answer {
    /// The query parameters of the redirect to the wallet.
    fn redirect_params(&self) -> std::collections::BTreeMap<String, String> {
        let location = self.location.as_deref().expect("a redirect");
        assert!(
            location.starts_with(&format!("{REDIRECT}?")),
            "not to the wallet: {location}"
        );
        url::Url::parse(location)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    /// The wallet's redirect carries `error`, with the request's state and the issuer.
    fn assert_error(&self, flow: &Flow, error: &str) {
        assert_eq!(self.status, 302, "{}", self.body);
        let params = self.redirect_params();
        assert_eq!(
            params.get("error").map(String::as_str),
            Some(error),
            "{params:?}"
        );
        assert_eq!(params["state"], "xyz-state");
        assert_eq!(params["iss"], flow.h.base);
        assert!(!params.contains_key("code"));
    }

    /// Refused to the browser itself: no redirect anywhere.
    fn assert_not_redirected(&self, error: &str) {
        assert_eq!(self.status, 400, "{:?}", self.location);
        assert!(self.location.is_none());
        assert_eq!(self.body["error"], error, "{}", self.body);
    }
}

impl Flow {
    async fn authorize(&self, params: &[(String, String)], cookie: Option<&str>) -> Answer {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        self.authorize_raw(&query, cookie).await
    }

    async fn authorize_raw(&self, query: &str, cookie: Option<&str>) -> Answer {
        let mut request = self
            .browser
            .get(format!("{}/oid4vci/authorize?{query}", self.h.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let (status, body) = json_of(response).await;
        Answer {
            status,
            location,
            body,
        }
    }

    /// A code for `configuration` signed in as Alice, with its verifier.
    async fn code(&self, configuration: &str) -> (String, String) {
        let (verifier, challenge) = pkce();
        let answer = self
            .authorize(
                &authorization_request(configuration, &challenge),
                Some(ALICE),
            )
            .await;
        assert_eq!(answer.status, 302, "{}", answer.body);
        let params = answer.redirect_params();
        assert_eq!(params["state"], "xyz-state");
        assert_eq!(params["iss"], self.h.base);
        (params["code"].clone(), verifier)
    }

    async fn redeem(&self, code: &str, verifier: &str) -> (u16, Value) {
        self.redeem_as(code, verifier, CLIENT, REDIRECT).await
    }

    async fn redeem_as(
        &self,
        code: &str,
        verifier: &str,
        client: &str,
        redirect: &str,
    ) -> (u16, Value) {
        self.h
            .token_form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("client_id", client),
                ("redirect_uri", redirect),
                ("code_verifier", verifier),
            ])
            .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_user_authorizes_and_the_wallet_receives_its_credential() {
    let flow = start_flow(false).await;
    let h = &flow.h;
    let (_, asm) = json_of(
        h.client
            .get(h.url("/.well-known/oauth-authorization-server"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(asm["authorization_endpoint"], h.url("/oid4vci/authorize"));
    assert_eq!(asm["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(asm["response_types_supported"], json!(["code"]));
    assert_eq!(
        asm["grant_types_supported"],
        json!([
            "authorization_code",
            "urn:ietf:params:oauth:grant-type:pre-authorized_code"
        ])
    );
    assert_eq!(
        asm["authorization_details_types_supported"],
        json!(["openid_credential"])
    );
    assert_eq!(asm["scopes_supported"], json!([SCOPE]));
    assert_eq!(asm["authorization_response_iss_parameter_supported"], true);
    let (_, md) = json_of(
        h.client
            .get(h.url("/.well-known/openid-credential-issuer"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        md["credential_configurations_supported"][SCOPED]["scope"],
        SCOPE
    );

    // Not signed in: to the login page, which knows where to come back to.
    let (verifier, challenge) = pkce();
    let params = authorization_request(LDP, &challenge);
    let answer = flow.authorize(&params, None).await;
    assert_eq!(answer.status, 302);
    let login = url::Url::parse(answer.location.as_deref().unwrap()).unwrap();
    assert!(login.as_str().starts_with(LOGIN), "{login}");
    let return_to = login
        .query_pairs()
        .find(|(k, _)| k == "return_to")
        .unwrap()
        .1
        .into_owned();
    assert!(return_to.starts_with(&h.url("/oid4vci/authorize?")));
    // The browser comes back with its session.
    let query = return_to.split_once('?').unwrap().1;
    let answer = flow.authorize_raw(query, Some(ALICE)).await;
    assert_eq!(
        answer.body,
        Value::Null,
        "a redirect has no body: {}",
        answer.body
    );
    let code = answer.redirect_params()["code"].clone();

    let (status, token) = flow.redeem(&code, &verifier).await;
    assert_eq!(status, 200, "{token}");
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(
        token["authorization_details"],
        json!([{
            "type": "openid_credential",
            "credential_configuration_id": LDP,
            "credential_identifiers": [LDP],
        }])
    );
    let access = token["access_token"].as_str().unwrap();
    let key = HolderKey::ed25519();
    let mut request = h.request_with(&key, LDP).await;
    request
        .as_object_mut()
        .unwrap()
        .remove("credential_configuration_id");
    request["credential_identifier"] = json!(LDP);
    let (status, body) = h.credential(access, &request).await;
    assert_eq!(status, 200, "{body}");
    let credential = &body["credentials"][0]["credential"];
    let vc = Credential::from_value(credential.clone()).unwrap();
    h.verifier().verify(&vc).await.unwrap();
    assert_eq!(credential["credentialSubject"]["id"], key.did().as_str());
    assert_eq!(
        credential["credentialSubject"]["degree"]["name"],
        "Bachelor of Science and Arts"
    );
    assert_eq!(
        error_of(flow.redeem(&code, &verifier).await),
        (400, "invalid_grant".into()),
        "a code is redeemed once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_native_redirects_and_offers_with_the_authorization_code_grant() {
    let flow = start_flow(false).await;
    let h = &flow.h;
    // By scope, to the wallet's native redirect URI.
    let (verifier, challenge) = pkce();
    let params = with(
        without(
            authorization_request(LDP, &challenge),
            "authorization_details",
        ),
        "scope",
        SCOPE,
    );
    let params = with(params, "redirect_uri", NATIVE_REDIRECT);
    let answer = flow.authorize(&params, Some(ALICE)).await;
    let location = answer.location.unwrap();
    assert!(
        location.starts_with(&format!("{NATIVE_REDIRECT}?")),
        "{location}"
    );
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let (status, token) = flow
        .redeem_as(&code, &verifier, CLIENT, NATIVE_REDIRECT)
        .await;
    assert_eq!(status, 200, "{token}");
    assert!(token.get("authorization_details").is_none(), "{token}");
    let access = token["access_token"].as_str().unwrap();
    let request = h.request_with(&HolderKey::p256(), SCOPED).await;
    let (status, body) = h.credential(access, &request).await;
    assert_eq!(status, 200, "{body}");
    let denied = h
        .credential(access, &h.request_with(&HolderKey::p256(), LDP).await)
        .await;
    assert_eq!(error_of(denied), (400, "invalid_credential_request".into()));

    // An offer with the authorization_code grant: its issuer_state leads to one code.
    let offer = h
        .oid4vci
        .create_offer(OfferRequest::new().authorization(LDP))
        .await
        .unwrap();
    let grants = &offer.offer()["grants"];
    assert!(grants
        .get("urn:ietf:params:oauth:grant-type:pre-authorized_code")
        .is_none());
    let issuer_state = grants["authorization_code"]["issuer_state"]
        .as_str()
        .unwrap();
    let (_, challenge) = pkce();
    let params = with(
        authorization_request(LDP, &challenge),
        "issuer_state",
        issuer_state,
    );
    let answer = flow.authorize(&params, Some(ALICE)).await;
    assert!(answer.redirect_params().contains_key("code"));
    flow.authorize(&params, Some(ALICE))
        .await
        .assert_error(&flow, "invalid_request");
    // The issuer_state alone asks for what its offer offered.
    let offer = h
        .oid4vci
        .create_offer(OfferRequest::new().authorization(LDP))
        .await
        .unwrap();
    let issuer_state = offer.offer()["grants"]["authorization_code"]["issuer_state"]
        .as_str()
        .unwrap()
        .to_owned();
    let (verifier, challenge) = pkce();
    let params = with(
        without(
            authorization_request(LDP, &challenge),
            "authorization_details",
        ),
        "issuer_state",
        &issuer_state,
    );
    let code = flow.authorize(&params, Some(ALICE)).await.redirect_params()["code"].clone();
    let (status, token) = flow.redeem(&code, &verifier).await;
    assert_eq!(status, 200, "{token}");
    // An issuer_state does not stretch to a configuration it did not offer.
    let offer = h
        .oid4vci
        .create_offer(OfferRequest::new().authorization(LDP))
        .await
        .unwrap();
    let issuer_state = offer.offer()["grants"]["authorization_code"]["issuer_state"]
        .as_str()
        .unwrap()
        .to_owned();
    let params = with(
        authorization_request(SCOPED, &challenge),
        "issuer_state",
        &issuer_state,
    );
    flow.authorize(&params, Some(ALICE))
        .await
        .assert_error(&flow, "invalid_request");
    // Pre-authorized claims and the authorization grant do not mix in one offer.
    let mixed = h
        .oid4vci
        .create_offer(
            OfferRequest::new()
                .authorization(LDP)
                .credential(SCOPED, claims()),
        )
        .await;
    assert_eq!(
        mixed.unwrap_err().code(),
        vc_core::ErrorCode::OID4VCI_INVALID_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pkce_is_required_s256_only_and_the_verifier_must_match() {
    let flow = start_flow(false).await;
    let (verifier, challenge) = pkce();
    let good = authorization_request(LDP, &challenge);
    for params in [
        without(good.clone(), "code_challenge"),
        without(
            without(good.clone(), "code_challenge"),
            "code_challenge_method",
        ),
        without(good.clone(), "code_challenge_method"),
        with(good.clone(), "code_challenge_method", "plain"),
        with(
            with(good.clone(), "code_challenge_method", "plain"),
            "code_challenge",
            &verifier,
        ),
        with(good.clone(), "code_challenge", "short"),
        with(
            good.clone(),
            "code_challenge",
            &format!("{}=", &challenge[..42]),
        ),
    ] {
        flow.authorize(&params, Some(ALICE))
            .await
            .assert_error(&flow, "invalid_request");
    }

    // A wrong verifier is refused and burns the code: the right one comes too late.
    let (code, verifier) = flow.code(LDP).await;
    let (other_verifier, _) = pkce();
    assert_eq!(
        error_of(flow.redeem(&code, &other_verifier).await),
        (400, "invalid_grant".into())
    );
    assert_eq!(
        error_of(flow.redeem(&code, &verifier).await),
        (400, "invalid_grant".into())
    );
    // The challenge itself is no verifier; a malformed verifier is refused without a lookup.
    let (code, verifier) = flow.code(LDP).await;
    let (status, body) = flow.redeem(&code, "not a verifier").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let missing = flow
        .h
        .token_form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", CLIENT),
            ("redirect_uri", REDIRECT),
        ])
        .await;
    assert_eq!(error_of(missing), (400, "invalid_request".into()));
    let (status, body) = flow.redeem(&code, &verifier).await;
    assert_eq!(status, 200, "malformed requests cost no code: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_is_bound_to_its_client_and_redirect_uri_and_redeemed_once_under_a_race() {
    let flow = Arc::new(start_flow(false).await);
    let (code, verifier) = flow.code(LDP).await;
    assert_eq!(
        error_of(
            flow.redeem_as(&code, &verifier, CLIENT, NATIVE_REDIRECT)
                .await
        ),
        (400, "invalid_grant".into()),
        "another of the client's redirect URIs"
    );
    assert_eq!(
        error_of(flow.redeem(&code, &verifier).await).1,
        "invalid_grant"
    );
    let (code, verifier) = flow.code(LDP).await;
    assert_eq!(
        error_of(
            flow.redeem_as(&code, &verifier, "other-wallet", "https://other.example/cb")
                .await
        ),
        (400, "invalid_grant".into()),
        "another client"
    );

    for _ in 0..3 {
        let (code, verifier) = flow.code(LDP).await;
        let barrier = Arc::new(tokio::sync::Barrier::new(8));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (flow, code, verifier, barrier) = (
                    flow.clone(),
                    code.clone(),
                    verifier.clone(),
                    barrier.clone(),
                );
                tokio::spawn(async move {
                    barrier.wait().await;
                    flow.redeem(&code, &verifier).await.0
                })
            })
            .collect();
        let mut won = 0;
        for task in tasks {
            let status = task.await.unwrap();
            assert!(status == 200 || status == 400, "{status}");
            won += usize::from(status == 200);
        }
        assert_eq!(won, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused() {
    let flow = start_flow(true).await;
    let clock = flow.clock.clone().unwrap();
    let (code, verifier) = flow.code(LDP).await;
    clock.advance(time::Duration::seconds(61));
    assert_eq!(
        error_of(flow.redeem(&code, &verifier).await),
        (400, "invalid_grant".into())
    );
    let (code, verifier) = flow.code(LDP).await;
    clock.advance(time::Duration::seconds(59));
    let (status, body) = flow.redeem(&code, &verifier).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_redirects_are_refused_to_the_browser() {
    let flow = start_flow(false).await;
    let (_, challenge) = pkce();
    let good = authorization_request(LDP, &challenge);
    for redirect in [
        "https://attacker.example/cb",
        "https://wallet.example/cb/",
        "https://wallet.example/cb?next=https://attacker.example",
        "https://wallet.example/cb#x",
        "https://wallet.example/cb/../attacker",
        "https://wallet.example.attacker.example/cb",
        "https://WALLET.example/cb",
        "https://other.example/cb",
        "",
    ] {
        flow.authorize(&with(good.clone(), "redirect_uri", redirect), Some(ALICE))
            .await
            .assert_not_redirected("invalid_client");
    }
    flow.authorize(&without(good.clone(), "redirect_uri"), Some(ALICE))
        .await
        .assert_not_redirected("invalid_client");
    for client in [None, Some("unknown"), Some("")] {
        let params = match client {
            Some(client) => with(good.clone(), "client_id", client),
            None => without(good.clone(), "client_id"),
        };
        flow.authorize(&params, Some(ALICE))
            .await
            .assert_not_redirected("invalid_client");
    }
    // A second redirect_uri (or any parameter twice) is not a choice the server makes.
    let mut twice = good.clone();
    twice.push(("redirect_uri".into(), "https://attacker.example/cb".into()));
    flow.authorize(&twice, Some(ALICE))
        .await
        .assert_not_redirected("invalid_request");
    let query = "response_type=code&client_id=wallet&redirect_uri=https%3A%2F%2Fattacker.example&redirect_uri=https%3A%2F%2Fwallet.example%2Fcb";
    flow.authorize_raw(query, Some(ALICE))
        .await
        .assert_not_redirected("invalid_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_after_the_client_check_go_to_the_wallet() {
    let flow = start_flow(false).await;
    let (_, challenge) = pkce();
    let good = authorization_request(LDP, &challenge);
    flow.authorize(&with(good.clone(), "response_type", "token"), Some(ALICE))
        .await
        .assert_error(&flow, "unsupported_response_type");
    flow.authorize(&without(good.clone(), "response_type"), Some(ALICE))
        .await
        .assert_error(&flow, "invalid_request");
    flow.authorize(&good, Some(MALLORY))
        .await
        .assert_error(&flow, "access_denied");
    flow.authorize(
        &with(
            without(good.clone(), "authorization_details"),
            "scope",
            "openid",
        ),
        Some(ALICE),
    )
    .await
    .assert_error(&flow, "invalid_scope");
    flow.authorize(&without(good.clone(), "authorization_details"), Some(ALICE))
        .await
        .assert_error(&flow, "invalid_request");
    for details in [
        "not json".to_owned(),
        "[]".to_owned(),
        json!({"type": "openid_credential", "credential_configuration_id": LDP}).to_string(),
        json!([{"type": "other", "credential_configuration_id": LDP}]).to_string(),
        json!([{"type": "openid_credential", "credential_configuration_id": "nope"}]).to_string(),
        json!([{"type": "openid_credential"}]).to_string(),
        json!([{"type": "openid_credential", "credential_configuration_id": LDP, "claims": []}])
            .to_string(),
        json!([{"type": "openid_credential", "credential_configuration_id": LDP,
                "locations": ["https://attacker.example"]}])
        .to_string(),
        r#"[{"type": "openid_credential", "type": "openid_credential", "credential_configuration_id": "degree_ldp"}]"#.to_owned(),
    ] {
        flow.authorize(&with(good.clone(), "authorization_details", &details), Some(ALICE))
            .await
            .assert_error(&flow, "invalid_authorization_details");
    }
    flow.authorize(
        &with(good.clone(), "resource", "https://attacker.example"),
        Some(ALICE),
    )
    .await
    .assert_error(&flow, "invalid_request");
    let answer = flow
        .authorize(&with(good.clone(), "resource", &flow.h.base), Some(ALICE))
        .await;
    assert!(answer.redirect_params().contains_key("code"));
    flow.authorize(&with(good.clone(), "request_uri", "urn:x"), Some(ALICE))
        .await
        .assert_error(&flow, "invalid_request");
    flow.authorize(&with(good.clone(), "issuer_state", "made-up"), Some(ALICE))
        .await
        .assert_error(&flow, "invalid_request");
    // Two session cookies are no session: to the login page.
    let two = format!("{ALICE}; session=other");
    let answer = flow.authorize(&good, Some(&two)).await;
    assert!(answer.location.unwrap().starts_with(LOGIN));
    // An unknown grant type is still refused.
    let unknown = flow.h.token_form(&[("grant_type", "password")]).await;
    assert_eq!(error_of(unknown), (400, "unsupported_grant_type".into()));
}

/// The RFC 7638 thumbprint of a P-256 key's JWK.
fn thumbprint(key: &HolderKey) -> String {
    let jwk = key.jwk();
    let canonical = json!({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]});
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.to_string().as_bytes()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_for_a_dpop_key_is_redeemed_with_that_key_only() {
    let flow = start_flow(false).await;
    let key = HolderKey::p256();
    let token_url = flow.h.url("/oid4vci/token");
    let mut codes = Vec::new();
    for _ in 0..2 {
        let (verifier, challenge) = pkce();
        let params = with(
            authorization_request(LDP, &challenge),
            "dpop_jkt",
            &thumbprint(&key),
        );
        let code = flow.authorize(&params, Some(ALICE)).await.redirect_params()["code"].clone();
        codes.push((code, verifier));
    }
    let form = |code: &str, verifier: &str| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("grant_type", "authorization_code"),
                ("code", code),
                ("client_id", CLIENT),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ])
            .finish()
    };
    let redeem = |body: String, dpop: Option<String>| {
        let mut request = flow
            .h
            .client
            .post(&token_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(dpop) = dpop {
            request = request.header("dpop", dpop);
        }
        async move { json_of(request.send().await.unwrap()).await }
    };
    let (code, verifier) = &codes[0];
    let other = super::dpop::proof(&HolderKey::p256(), &token_url, None).await;
    assert_eq!(
        error_of(redeem(form(code, verifier), Some(other)).await).1,
        "invalid_dpop_proof"
    );
    let (code, verifier) = &codes[1];
    assert_eq!(
        error_of(redeem(form(code, verifier), None).await).1,
        "invalid_dpop_proof",
        "no proof at all"
    );
    assert!(flow.h.oid4vci.authorization_code_flow());
    // Each code was burnt by its refused redemption; a fresh one works with the named key.
    let (verifier, challenge) = pkce();
    let params = with(
        authorization_request(LDP, &challenge),
        "dpop_jkt",
        &thumbprint(&key),
    );
    let code = flow.authorize(&params, Some(ALICE)).await.redirect_params()["code"].clone();
    let good = super::dpop::proof(&key, &token_url, None).await;
    let (status, body) = redeem(form(&code, &verifier), Some(good)).await;
    assert_eq!(
        (status, body["token_type"].as_str()),
        (200, Some("DPoP")),
        "{body}"
    );
    flow.authorize(
        &with(
            authorization_request(LDP, &challenge),
            "dpop_jkt",
            "not-a-thumbprint",
        ),
        Some(ALICE),
    )
    .await
    .assert_error(&flow, "invalid_request");
}
