//! The VCALM workflow service over real loopback HTTP: a coordinator (reqwest with a bearer
//! token), the service (axum on 127.0.0.1:0), and a wallet that signs its DID Authentication
//! presentation with its own did:key. Also the store conformance suite against every backend.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::fixtures::{one_key_issuer, owner_binding_workflow};
use async_trait::async_trait;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::OffsetDateTime;
use vc_core::{Credential, DateTime, FixedClock, PublicKey};
use vc_issue::exchange::{
    CredentialTemplate, DidAuthPresentation, ExchangeService, ExchangeStore, MemoryExchangeStore,
};
use vc_issue::http::BearerTokens;
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, ProofType, SchemaEntry,
    SignatureAlgorithm, Signer, Suites,
};

const TOKEN: &str = "coordinator-token-0123456789";
const WORKFLOW: &str = "tag-ownership";

/// The issuer's key, counting signatures so that a test can tell how many credentials were
/// issued.
#[derive(Debug)]
struct CountingSigner {
    inner: Ed25519Signer,
    signed: AtomicUsize,
}

#[async_trait]
impl Signer for CountingSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.inner.algorithm()
    }
    fn public_key(&self) -> &PublicKey {
        self.inner.public_key()
    }
    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, vc_issue::HostError> {
        self.signed.fetch_add(1, Ordering::SeqCst);
        self.inner.sign(message).await
    }
}

struct Harness {
    base: String,
    http: reqwest::Client,
    clock: Arc<FixedClock>,
    issuer_key: Arc<CountingSigner>,
    resolver: Arc<InMemoryDidRegistry>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Harness {
    async fn start(store: Arc<dyn ExchangeStore>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let issuer_key = Arc::new(CountingSigner {
            inner: Ed25519Signer::generate(),
            signed: AtomicUsize::new(0),
        });
        let resolver = Arc::new(InMemoryDidRegistry::new());
        let issuer = one_key_issuer(
            issuer_key.clone(),
            issuer_key.inner.verification_method_id(),
            SchemaEntry::new(
                "ownership-v1",
                json!({"type": "object", "required": ["product"],
                    "properties": {"product": {"type": "string", "minLength": 1}}}),
                vec!["OwnershipCredential".into()],
                vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
            ),
            resolver.clone(),
        );
        let template = CredentialTemplate::new(json!({
            "schemaId": "ownership-v1",
            "issuerDid": issuer_key.inner.did(),
            "claims": {
                "product": "{{ variables.product }}",
                "description": "Owner of {{ variables.product }}"
            }
        }))
        .unwrap();
        let workflow = owner_binding_workflow(WORKFLOW, template);
        // Whole seconds, so that times computed by the tests print like the service's.
        let now = OffsetDateTime::now_utc();
        let clock = Arc::new(FixedClock::new(now.replace_nanosecond(0).unwrap()));
        let service = ExchangeService::builder()
            .store(store)
            .issuer(issuer)
            .workflow(workflow)
            .base_url(format!("{base}/"))
            .clock(clock.clone())
            .build()
            .unwrap();
        assert_eq!(service.base_url(), base);
        let app = vc_issue::http::exchanges::routes(
            Arc::new(service),
            Arc::new(BearerTokens::new([TOKEN])),
        );
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base,
            http: reqwest::Client::new(),
            clock,
            issuer_key,
            resolver,
            server,
        }
    }

    fn domain(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    fn workflow_url(&self) -> String {
        format!("{}/workflows/{WORKFLOW}/exchanges", self.base)
    }

    async fn create(&self, body: Value) -> reqwest::Response {
        self.http
            .post(self.workflow_url())
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Creates an exchange and returns its URL.
    async fn create_exchange(&self) -> String {
        let response = self
            .create(json!({"ttl": 600, "variables": {"product": "bag-42"}}))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&format!("{}/", self.workflow_url())));
        location
    }

    async fn get_exchange(&self, url: &str) -> Value {
        let response = self.http.get(url).bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["exchange"].clone()
    }

    /// A GET without a token, read as JSON.
    async fn get_json(&self, url: &str) -> Value {
        let response = self.http.get(url).send().await.unwrap();
        response.json().await.unwrap()
    }

    async fn post(&self, url: &str, body: &Value) -> (StatusCode, Value) {
        let response = self.http.post(url).json(body).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }
}

/// A service in memory with one exchange, and a wallet that asked it what it wants: the harness,
/// the exchange URL, the wallet, and the challenge and domain it was given.
async fn asked() -> (Harness, String, Wallet, String, String) {
    let h = Harness::start(Arc::new(MemoryExchangeStore::new())).await;
    let url = h.create_exchange().await;
    let wallet = Wallet::new();
    let (challenge, domain) = wallet.ask(&h, &url).await;
    (h, url, wallet, challenge, domain)
}

/// A wallet with its own did:key.
struct Wallet {
    key: Ed25519Signer,
}

impl Wallet {
    fn new() -> Self {
        Self {
            key: Ed25519Signer::generate(),
        }
    }

    fn did(&self) -> String {
        self.key.did().as_str().to_owned()
    }

    /// A DID Authentication presentation signed with `proof_type` over `challenge` and `domain`.
    async fn present(&self, proof_type: ProofType, challenge: &str, domain: &str) -> Value {
        self.present_as(&self.did(), proof_type, challenge, domain)
            .await
    }

    async fn present_as(
        &self,
        holder: &str,
        proof_type: ProofType,
        challenge: &str,
        domain: &str,
    ) -> Value {
        DidAuthPresentation::new(self.key.verification_method_id(), challenge)
            .holder(holder)
            .domain(domain)
            .created(DateTime::parse("2025-06-01T00:00:00Z").unwrap())
            .suite(Suites::default().get(&proof_type).unwrap().clone())
            .sign(&self.key)
            .await
            .unwrap()
    }

    /// Posts `{}` and returns the request's challenge and domain.
    async fn ask(&self, h: &Harness, url: &str) -> (String, String) {
        let (status, body) = h.post(url, &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let vpr = &body["verifiablePresentationRequest"];
        assert_eq!(
            vpr["query"],
            json!([{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}])
        );
        (
            vpr["challenge"].as_str().unwrap().to_owned(),
            vpr["domain"].as_str().unwrap().to_owned(),
        )
    }
}

fn error_code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_flow_issues_a_bound_credential_once() {
    let h = Harness::start(Arc::new(MemoryExchangeStore::new())).await;
    let url = h.create_exchange().await;
    let exchange = h.get_exchange(&url).await;
    assert_eq!(exchange["state"], "pending");
    assert_eq!(exchange["step"], "ownerBinding");
    assert_eq!(exchange["sequence"], 0);
    assert_eq!(exchange["variables"], json!({"product": "bag-42"}));

    // Anyone holding the URL learns how to continue it.
    let protocols: Value = h.get_json(&format!("{url}/protocols")).await;
    assert_eq!(protocols, json!({"protocols": {"vcapi": url}}));
    // So does a wallet opening the interaction URL, without a token; the exchange stays private.
    let opened: Value = h.get_json(&format!("{url}?iuv=1")).await;
    assert_eq!(opened, protocols);
    let status = h.http.get(&url).send().await.unwrap().status();
    assert_eq!(status, reqwest::StatusCode::UNAUTHORIZED);

    let wallet = Wallet::new();
    let (challenge, domain) = wallet.ask(&h, &url).await;
    assert_eq!(domain, h.domain());
    assert!(challenge.len() >= 20, "a random challenge");
    // Asking again returns the same request; the exchange is now active.
    assert_eq!(wallet.ask(&h, &url).await.0, challenge);
    assert_eq!(h.get_exchange(&url).await["state"], "active");

    let vp = wallet
        .present(ProofType::EddsaRdfc2022, &challenge, &domain)
        .await;
    let (status, body) = h.post(&url, &json!({"verifiablePresentation": vp})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("verifiablePresentationRequest").is_none());
    let delivered = &body["verifiablePresentation"];
    assert_eq!(delivered["type"], json!(["VerifiablePresentation"]));
    assert!(delivered.get("proof").is_none(), "the delivery is unsigned");
    let credentials = delivered["verifiableCredential"].as_array().unwrap();
    assert_eq!(credentials.len(), 1);
    let credential = Credential::from_value(credentials[0].clone()).unwrap();
    assert_eq!(
        credential.proofs()[0].cryptosuite.as_deref(),
        Some("eddsa-rdfc-2022")
    );
    assert_eq!(
        credential.issuer_id(),
        Some(h.issuer_key.inner.did().as_str())
    );
    let subject = &credentials[0]["credentialSubject"];
    assert_eq!(
        subject["id"],
        wallet.did(),
        "bound to the authenticated DID"
    );
    assert_eq!(subject["product"], "bag-42");
    assert_eq!(subject["description"], "Owner of bag-42");
    CredentialVerifier::new(h.resolver.clone())
        .verify(&credential)
        .await
        .unwrap();
    assert_eq!(h.issuer_key.signed.load(Ordering::SeqCst), 1);

    let exchange = h.get_exchange(&url).await;
    assert_eq!(exchange["state"], "complete");
    assert!(exchange.get("lastError").is_none());
    let binding = &exchange["variables"]["results"]["ownerBinding"];
    assert_eq!(binding["did"], wallet.did());
    assert_eq!(binding["verifiablePresentation"], vp);
    assert_eq!(
        exchange["variables"]["results"]["issue"]["credentialIds"],
        json!([credential.id.clone().unwrap()])
    );
    let sequence = exchange["sequence"].as_u64().unwrap();

    // A replayed presentation, and any other wallet message, is refused after completion.
    let (status, body) = h.post(&url, &json!({"verifiablePresentation": vp})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "EXCHANGE_COMPLETE");
    let (status, body) = h.post(&url, &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "EXCHANGE_COMPLETE");
    assert_eq!(h.issuer_key.signed.load(Ordering::SeqCst), 1);
    assert_eq!(h.get_exchange(&url).await["sequence"], sequence);

    interop_check(&credentials[0], credential.issuer_id().unwrap());
}

/// Verifies the credential with the independent JavaScript verifier when it is installed.
fn interop_check(credential: &Value, issuer: &str) {
    let node_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/interop/node");
    let node_available = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_available || !node_dir.join("node_modules").is_dir() {
        println!(
            "notice: node or {}/node_modules is missing; skipping the interop check",
            node_dir.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("vc.json");
    std::fs::write(&file, serde_json::to_string_pretty(credential).unwrap()).unwrap();
    let output = std::process::Command::new("node")
        .arg(node_dir.join("verify.js"))
        .arg(&file)
        .arg(issuer)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("VERIFIED"),
        "verify.js: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_exchange_refuses_the_wallet() {
    let (h, url, wallet, challenge, domain) = asked().await;
    let vp = wallet
        .present(ProofType::EddsaJcs2022, &challenge, &domain)
        .await;
    h.clock.advance(time::Duration::seconds(600));
    for body in [json!({}), json!({"verifiablePresentation": vp})] {
        let (status, reply) = h.post(&url, &body).await;
        assert_eq!(status, StatusCode::GONE, "{reply}");
        assert_eq!(error_code(&reply), "EXCHANGE_EXPIRED");
    }
    assert_eq!(h.issuer_key.signed.load(Ordering::SeqCst), 0);
    // The coordinator sees it over: invalid, with the reason, so that polling stops.
    let exchange = h.get_exchange(&url).await;
    assert_eq!(exchange["state"], "invalid");
    assert_eq!(exchange["lastError"]["code"], "EXCHANGE_EXPIRED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_challenge_domain_or_holder_is_refused_and_recorded() {
    let (h, url, wallet, challenge, domain) = asked().await;

    let cases = [
        (
            wallet
                .present(ProofType::EddsaJcs2022, "not-the-challenge", &domain)
                .await,
            "WRONG_CHALLENGE",
        ),
        (
            wallet
                .present(ProofType::EddsaJcs2022, &challenge, "evil.example")
                .await,
            "WRONG_DOMAIN",
        ),
        (
            wallet
                .present_as(
                    Wallet::new().did().as_str(),
                    ProofType::EddsaJcs2022,
                    &challenge,
                    &domain,
                )
                .await,
            "HOLDER_MISMATCH",
        ),
        (
            {
                // Signed correctly, then altered: the signature no longer covers it.
                let mut vp = wallet
                    .present(ProofType::EddsaJcs2022, &challenge, &domain)
                    .await;
                vp["id"] = json!("urn:uuid:tampered");
                vp
            },
            "INVALID_PRESENTATION",
        ),
        (
            {
                // Another key's signature under the wallet's verification method.
                let mut vp = wallet
                    .present(ProofType::EddsaJcs2022, &challenge, &domain)
                    .await;
                let other = Wallet::new()
                    .present(ProofType::EddsaJcs2022, &challenge, &domain)
                    .await;
                vp["proof"]["proofValue"] = other["proof"]["proofValue"].clone();
                vp
            },
            "INVALID_PRESENTATION",
        ),
        (json!("a JWT string"), "INVALID_PRESENTATION"),
    ];
    for (vp, code) in cases {
        let (status, body) = h.post(&url, &json!({"verifiablePresentation": vp})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{code}: {body}");
        assert_eq!(error_code(&body), code);
        let exchange = h.get_exchange(&url).await;
        assert_eq!(exchange["lastError"]["code"], code);
        assert_eq!(
            exchange["state"], "active",
            "a failed attempt does not end it"
        );
    }
    assert_eq!(h.issuer_key.signed.load(Ordering::SeqCst), 0);

    // The wallet can still finish with a correct presentation; the error is cleared.
    let vp = wallet
        .present(ProofType::EddsaJcs2022, &challenge, &domain)
        .await;
    let (status, body) = h.post(&url, &json!({"verifiablePresentation": vp})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let exchange = h.get_exchange(&url).await;
    assert_eq!(exchange["state"], "complete");
    assert!(exchange.get("lastError").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn variables_the_templates_cannot_use_are_refused_at_creation() {
    let store = Arc::new(MemoryExchangeStore::new());
    let h = Harness::start(store.clone()).await;
    // Every exchange expires within 48 hours, so purging at 49 counts (and removes) them all.
    let stored = || {
        let store = store.clone();
        async move {
            let later = OffsetDateTime::now_utc() + time::Duration::hours(49);
            store.purge_expired(later, 1000).await.unwrap()
        }
    };
    let cases = [
        // No `product`: the template's placeholders have nothing to take.
        (
            json!({"ttl": 600}),
            json!([{"pointer": "/variables/product", "code": "VARIABLE_MISSING",
                "message": "variable variables.product is not set"}]),
        ),
        (
            json!({"ttl": 600, "variables": {"name": "bag-42"}}),
            json!([{"pointer": "/variables/product", "code": "VARIABLE_MISSING",
                "message": "variable variables.product is not set"}]),
        ),
        // An object where the template puts it inside text ("Owner of ...").
        (
            json!({"variables": {"product": {"sku": "bag-42"}}}),
            json!([{"pointer": "/variables/product", "code": "VARIABLE_NOT_TEXT",
                "message": "variable variables.product is not a string, number or boolean and \
                    cannot be placed inside text"}]),
        ),
    ];
    for (body, violations) in cases {
        let response = h.create(body.clone()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(response.headers().get("location").is_none());
        let reply: Value = response.json().await.unwrap();
        assert_eq!(error_code(&reply), "EXCHANGE_VARIABLES_INVALID", "{reply}");
        assert_eq!(reply["details"]["violations"], violations, "{body}");
        assert_eq!(stored().await, 0, "nothing was stored for {body}");
    }
    // The same service takes variables its template can use (and the count above can see one).
    h.create_exchange().await;
    assert_eq!(stored().await, 1);
    assert_eq!(h.issuer_key.signed.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_issuance_invalidates_the_exchange() {
    let h = Harness::start(Arc::new(MemoryExchangeStore::new())).await;
    // The template can be filled, but the schema wants a non-empty `product`: only issuance
    // finds out.
    let response = h
        .create(json!({"ttl": 600, "variables": {"product": ""}}))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let url = response.headers()["location"].to_str().unwrap().to_owned();
    let wallet = Wallet::new();
    let (challenge, domain) = wallet.ask(&h, &url).await;
    let vp = wallet
        .present(ProofType::EddsaJcs2022, &challenge, &domain)
        .await;
    let (status, body) = h.post(&url, &json!({"verifiablePresentation": vp})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), "SCHEMA_VALIDATION_FAILED");
    let exchange = h.get_exchange(&url).await;
    assert_eq!(exchange["state"], "invalid");
    assert_eq!(exchange["lastError"]["code"], "SCHEMA_VALIDATION_FAILED");
    assert_eq!(
        exchange["variables"]["results"]["ownerBinding"]["did"],
        wallet.did()
    );
    let (status, body) = h.post(&url, &json!({"verifiablePresentation": vp})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "EXCHANGE_INVALID");
    assert_eq!(h.issuer_key.signed.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coordinator_endpoints_need_a_token() {
    let h = Harness::start(Arc::new(MemoryExchangeStore::new())).await;
    let url = h.create_exchange().await;
    let requests = [
        h.http.post(h.workflow_url()).json(&json!({})),
        h.http
            .post(h.workflow_url())
            .bearer_auth("wrong")
            .json(&json!({})),
        h.http.get(&url),
        h.http.get(&url).bearer_auth("wrong"),
        h.http
            .get(&url)
            .header("authorization", format!("Basic {TOKEN}")),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().get("location").is_none());
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "UNAUTHORIZED");
        assert!(body.get("exchange").is_none());
        assert!(!body.to_string().contains("bag-42"));
    }
    // Unknown workflows and exchanges are 404 (after authentication).
    let response = h
        .http
        .post(format!("{}/workflows/nope/exchanges", h.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let missing = format!("{}/unknownExchange", h.workflow_url());
    let response = h
        .http
        .get(&missing)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let (status, body) = h.post(&missing, &json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "EXCHANGE_NOT_FOUND");
    // An exchange is not reachable under another workflow's path.
    let elsewhere = url.replace(WORKFLOW, "other-workflow");
    assert_eq!(
        h.post(&elsewhere, &json!({})).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifetimes_are_checked() {
    let h = Harness::start(Arc::new(MemoryExchangeStore::new())).await;
    let now = h.clock.now_text();
    let in_an_hour = h.clock.plus_text(3600);
    let cases = [
        (json!({"ttl": 60, "expires": in_an_hour}), "TTL_AND_EXPIRES"),
        (json!({"ttl": 0}), "INVALID_TTL"),
        (json!({"ttl": 48 * 3600 + 1}), "INVALID_TTL"),
        (json!({"expires": now}), "INVALID_EXPIRES"),
        (
            json!({"expires": h.clock.plus_text(49 * 3600)}),
            "INVALID_EXPIRES",
        ),
        (json!({"expires": "tomorrow"}), "INVALID_EXPIRES"),
        (json!({"variables": {"results": {}}}), "INVALID_REQUEST"),
        (json!({"variables": [1]}), "INVALID_REQUEST"),
        (json!([]), "INVALID_REQUEST"),
    ];
    for (body, code) in cases {
        let response = h.create(body.clone()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let reply: Value = response.json().await.unwrap();
        assert_eq!(error_code(&reply), code, "{body}");
    }
    // `expires` is taken as given; `ttl` counts from the service's clock; the default is 900 s.
    let variables = json!({"product": "bag-42"});
    for (body, expected) in [
        (
            json!({"expires": in_an_hour, "variables": variables}),
            in_an_hour.clone(),
        ),
        (
            json!({"ttl": 3600, "variables": variables}),
            in_an_hour.clone(),
        ),
        (json!({"variables": variables}), h.clock.plus_text(900)),
    ] {
        let response = h.create(body).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let url = response.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(h.get_exchange(&url).await["expires"], expected);
    }
}

trait ClockText {
    fn now_text(&self) -> String;
    fn plus_text(&self, seconds: i64) -> String;
}

impl ClockText for FixedClock {
    fn now_text(&self) -> String {
        self.plus_text(0)
    }
    fn plus_text(&self, seconds: i64) -> String {
        use time::format_description::well_known::Rfc3339;
        use vc_core::Clock;
        (self.now() + time::Duration::seconds(seconds))
            .format(&Rfc3339)
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit_are_refused() {
    let h = Harness::start(Arc::new(MemoryExchangeStore::new())).await;
    let url = h.create_exchange().await;
    let big =
        json!({"verifiablePresentation": {"padding": "x".repeat(vc_issue::http::BODY_LIMIT)}});
    let (status, body) = h.post(&url, &big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "BODY_TOO_LARGE");
    let response = h
        .create(json!({"variables": {"padding": "x".repeat(vc_issue::http::BODY_LIMIT)}}))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The exchange is untouched.
    assert_eq!(h.get_exchange(&url).await["sequence"], 0);
}

/// Many wallet requests carrying the same valid presentation at once: exactly one gets the
/// credential, and exactly one credential is signed.
async fn concurrent_presentations_issue_once(store: Arc<dyn ExchangeStore>) {
    let h = Arc::new(Harness::start(store).await);
    for _round in 0..3 {
        let url = h.create_exchange().await;
        let wallet = Wallet::new();
        let (challenge, domain) = wallet.ask(&h, &url).await;
        let vp = wallet
            .present(ProofType::EddsaJcs2022, &challenge, &domain)
            .await;
        let signed_before = h.issuer_key.signed.load(Ordering::SeqCst);
        let barrier = Arc::new(tokio::sync::Barrier::new(8));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (h, url, vp, barrier) = (h.clone(), url.clone(), vp.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                h.post(&url, &json!({"verifiablePresentation": vp})).await
            }));
        }
        let mut delivered = 0;
        for task in tasks {
            let (status, body) = task.await.unwrap();
            if status == StatusCode::OK {
                assert_eq!(
                    body["verifiablePresentation"]["verifiableCredential"]
                        .as_array()
                        .map(Vec::len),
                    Some(1)
                );
                delivered += 1;
            } else {
                assert_eq!(status, StatusCode::CONFLICT, "{body}");
                assert!(
                    ["CONCURRENT_UPDATE", "EXCHANGE_COMPLETE", "STEP_IN_PROGRESS"]
                        .contains(&error_code(&body)),
                    "{body}"
                );
            }
        }
        assert_eq!(
            delivered, 1,
            "exactly one wallet request gets the credential"
        );
        assert_eq!(
            h.issuer_key.signed.load(Ordering::SeqCst) - signed_before,
            1,
            "exactly one credential is signed"
        );
        let exchange = h.get_exchange(&url).await;
        assert_eq!(exchange["state"], "complete");
        assert_eq!(
            exchange["variables"]["results"]["issue"]["credentialIds"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_presentations_issue_once_in_memory() {
    concurrent_presentations_issue_once(Arc::new(MemoryExchangeStore::new())).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_presentations_issue_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = vc_issue::exchange::SqliteExchangeStore::open(dir.path().join("x.db"))
        .await
        .unwrap();
    concurrent_presentations_issue_once(Arc::new(store)).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_presentations_issue_once_on_postgres() {
    crate::fresh_schema::one_in_fresh_schema(
        "race",
        |store: vc_issue::exchange::PostgresExchangeStore| async move {
            concurrent_presentations_issue_once(Arc::new(store)).await;
        },
    )
    .await;
}

#[cfg(feature = "testing")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_passes_the_conformance_suite() {
    vc_issue::testing::exchange::run_conformance(Arc::new(MemoryExchangeStore::new()))
        .await
        .unwrap();
}

#[cfg(all(feature = "sqlite", feature = "testing"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exchanges.db");
    let store = vc_issue::exchange::SqliteExchangeStore::open(&path)
        .await
        .unwrap();
    // Opening again (a second process) finds the table in place; the queue can share the file.
    vc_issue::exchange::SqliteExchangeStore::open(&path)
        .await
        .unwrap();
    vc_issue::queue::SqliteIssuanceStore::open(&path)
        .await
        .unwrap();
    vc_issue::testing::exchange::run_conformance(Arc::new(store))
        .await
        .unwrap();
}

#[cfg(all(feature = "postgres", feature = "testing"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_passes_the_conformance_suite() {
    crate::fresh_schema::two_in_fresh_schema(
        "conf",
        |a: Arc<vc_issue::exchange::PostgresExchangeStore>, _| async move {
            vc_issue::testing::exchange::run_conformance(a)
                .await
                .unwrap();
        },
    )
    .await;
}
