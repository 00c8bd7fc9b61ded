//! VCALM end to end over real loopback HTTP: one `VcApi` router with the exchange routes
//! (`VcApiBuilder::exchanges`) and pickup, the real `ExchangeService`, the `Coordinator` client,
//! and a wallet with its own did:key that follows the interaction URL.

use std::sync::Arc;
use std::time::Duration;

use crate::fixtures::{one_key_issuer, owner_binding_workflow};
use serde_json::{json, Map, Value};
use vc_core::{Credential, DateTime};
use vc_issue::coordinator::{Coordinator, CoordinatorError, ExchangeState, PollOptions};
use vc_issue::exchange::{CredentialTemplate, DidAuthPresentation, ExchangeService};
use vc_issue::http::{BearerTokens, VcApi};
use vc_issue::pickup::{MemoryPickupStore, PickupService};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, IssuanceRequest, Issuer, ProofType,
    SchemaEntry,
};

const TOKEN: &str = "vcalm-e2e-token-7c1d";
const WORKFLOW: &str = "degree";

struct Service {
    base: String,
    issuer: Issuer,
    issuer_key: Arc<Ed25519Signer>,
    resolver: Arc<InMemoryDidRegistry>,
    pickup: PickupService,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Service {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Service {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let issuer_key = Arc::new(Ed25519Signer::generate());
        let resolver = Arc::new(InMemoryDidRegistry::new());
        let issuer = one_key_issuer(
            issuer_key.clone(),
            issuer_key.verification_method_id(),
            SchemaEntry::new(
                "degree-v1",
                json!({"type": "object", "required": ["name", "degree"],
                    "properties": {"name": {"type": "string"}, "degree": {"type": "object"}}}),
                vec!["UniversityDegreeCredential".into()],
                vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
            ),
            resolver.clone(),
        );
        let template = CredentialTemplate::new(json!({
            "schemaId": "degree-v1",
            "issuerDid": issuer_key.did(),
            "claims": {"name": "{{ variables.name }}", "degree": "{{ variables.degree }}"},
            "proofType": "eddsa-rdfc-2022"
        }))
        .unwrap();
        let workflow = owner_binding_workflow(WORKFLOW, template);
        let exchanges = ExchangeService::builder()
            .issuer(issuer.clone())
            .workflow(workflow)
            .base_url(base.clone())
            .build()
            .unwrap();
        let pickup = PickupService::new(Arc::new(MemoryPickupStore::new()), &base).unwrap();
        let router = VcApi::builder()
            .issuer(issuer.clone())
            .authorizer(Arc::new(BearerTokens::new([TOKEN])))
            .base_url(base.clone())
            .pickup(pickup.clone())
            .exchanges(Arc::new(exchanges))
            .build()
            .unwrap()
            .router();
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            base,
            issuer,
            issuer_key,
            resolver,
            pickup,
            server,
        }
    }

    fn workflow_url(&self) -> String {
        format!("{}/workflows/{WORKFLOW}", self.base)
    }
}

fn coordinator(token: &str) -> Coordinator {
    Coordinator::builder().bearer_token(token).build().unwrap()
}

fn quick() -> PollOptions {
    PollOptions::new(Duration::from_secs(30))
        .with_intervals(Duration::from_millis(20), Duration::from_millis(200))
}

fn degree() -> Map<String, Value> {
    json!({"name": "Jayden Doe", "degree": {"type": "BachelorDegree", "name": "BSc"}})
        .as_object()
        .cloned()
        .unwrap()
}

/// A wallet with its own did:key, speaking to the exchange over HTTP.
struct Wallet {
    key: Ed25519Signer,
    http: reqwest::Client,
}

impl Wallet {
    fn new() -> Self {
        Self {
            key: Ed25519Signer::generate(),
            http: reqwest::Client::new(),
        }
    }

    fn did(&self) -> String {
        self.key.did().as_str().to_owned()
    }

    /// Follows the interaction URL to the exchange (through its protocols, which need no token).
    async fn exchange_url(&self, interaction_url: &str) -> String {
        let exchange = interaction_url.strip_suffix("?iuv=1").unwrap();
        let protocols: Value = self
            .http
            .get(format!("{exchange}/protocols"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        protocols["protocols"]["vcapi"].as_str().unwrap().to_owned()
    }

    async fn post(&self, url: &str, body: Value) -> (u16, Value) {
        let response = self.http.post(url).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// `{}` → the DID Authentication request → a signed presentation → the server's answer.
    async fn complete(&self, interaction_url: &str) -> (u16, Value) {
        let url = self.exchange_url(interaction_url).await;
        let (status, reply) = self.post(&url, json!({})).await;
        assert_eq!(status, 200, "{reply}");
        let request = &reply["verifiablePresentationRequest"];
        assert_eq!(request["query"][0]["type"], "DIDAuthentication");
        let presentation = self
            .present(
                request["challenge"].as_str().unwrap(),
                request["domain"].as_str().unwrap(),
            )
            .await;
        self.post(&url, json!({ "verifiablePresentation": presentation }))
            .await
    }

    async fn present(&self, challenge: &str, domain: &str) -> Value {
        DidAuthPresentation::new(self.key.verification_method_id(), challenge)
            .domain(domain)
            .created(DateTime::parse("2025-06-01T00:00:00Z").unwrap())
            .sign(&self.key)
            .await
            .unwrap()
    }
}

/// Decodes a grayscale PNG QR code.
pub fn decode_qr(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let (width, height) = (frame.width as usize, frame.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        pixels[y * frame.line_size + x]
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_wallet_and_service_issue_a_bound_credential() {
    let service = Service::start().await;
    let coordinator = coordinator(TOKEN);
    let exchange = coordinator
        .create_exchange(&service.workflow_url(), Duration::from_secs(600), degree())
        .await
        .unwrap();
    assert!(exchange
        .as_str()
        .starts_with(&format!("{}/exchanges/", service.workflow_url())));

    let interaction = coordinator.interaction(&exchange).unwrap();
    let interaction_url = interaction.url().as_str().to_owned();
    assert_eq!(interaction_url, format!("{exchange}?iuv=1"));
    assert_eq!(decode_qr(&interaction.qr_png(4).unwrap()), interaction_url);

    let polling = tokio::spawn({
        let (coordinator, exchange) = (coordinator.clone(), exchange.clone());
        async move { coordinator.poll(&exchange, quick()).await }
    });
    let wallet = Wallet::new();
    let (status, reply) = wallet.complete(&interaction_url).await;
    assert_eq!(status, 200, "{reply}");
    let outcome = polling.await.unwrap().unwrap();
    assert_eq!(outcome.exchange.state, ExchangeState::Complete);
    assert_eq!(
        outcome.exchange.result("ownerBinding").unwrap()["did"],
        wallet.did()
    );
    assert_eq!(outcome.exchange.variables["name"], "Jayden Doe");

    let delivered = reply["verifiablePresentation"]["verifiableCredential"]
        .as_array()
        .unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["credentialSubject"]["id"], wallet.did());
    let credential = Credential::from_value(delivered[0].clone()).unwrap();
    assert_eq!(
        credential.issuer_id(),
        Some(service.issuer_key.did().as_str())
    );
    CredentialVerifier::new(service.resolver.clone())
        .verify(&credential)
        .await
        .unwrap();
    assert_eq!(
        outcome.exchange.result("issue").unwrap()["credentialIds"],
        json!([credential.id.clone().unwrap()])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalidated_exchange_reaches_the_coordinator_with_the_services_code() {
    let service = Service::start().await;
    let coordinator = coordinator(TOKEN);
    // No `degree` variable: the issue step's template cannot be filled, which the coordinator
    // hears at once, before any wallet is sent to the exchange.
    let mut variables = degree();
    variables.remove("degree");
    let error = coordinator
        .create_exchange(&service.workflow_url(), Duration::from_secs(600), variables)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, CoordinatorError::Rejected { status: 400, code: Some(code), .. }
            if code == "EXCHANGE_VARIABLES_INVALID"),
        "{error:?}"
    );
    // A `degree` the template can take but the schema refuses: only issuance finds out.
    let mut variables = degree();
    variables.insert("degree".into(), json!("BSc"));
    let exchange = coordinator
        .create_exchange(&service.workflow_url(), Duration::from_secs(600), variables)
        .await
        .unwrap();
    let interaction = coordinator.interaction(&exchange).unwrap();
    let (status, reply) = Wallet::new().complete(interaction.url().as_str()).await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["code"], "SCHEMA_VALIDATION_FAILED");

    let error = coordinator.poll(&exchange, quick()).await.unwrap_err();
    assert_eq!(error.code(), "EXCHANGE_INVALID");
    assert_eq!(error.last_error_code(), Some("SCHEMA_VALIDATION_FAILED"));
    let (last_error, snapshot) = crate::coordinator_client::invalid(&error);
    // The service's `{code, message}`, as the coordinator reads it.
    let last_error = last_error.as_ref().unwrap();
    assert_eq!(last_error["code"], "SCHEMA_VALIDATION_FAILED");
    assert!(last_error["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(snapshot.state, ExchangeState::Invalid);
    assert!(
        error.to_string().ends_with("(SCHEMA_VALIDATION_FAILED)"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exchange_routes_use_the_apis_authorizer() {
    let service = Service::start().await;
    let error = coordinator("not-the-token")
        .create_exchange(&service.workflow_url(), Duration::from_secs(60), degree())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "UNAUTHORIZED");
    let exchange = coordinator(TOKEN)
        .create_exchange(&service.workflow_url(), Duration::from_secs(60), degree())
        .await
        .unwrap();
    let error = coordinator("not-the-token")
        .exchange(&exchange)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "UNAUTHORIZED");
    assert_eq!(
        coordinator(TOKEN).exchange(&exchange).await.unwrap().state,
        ExchangeState::Pending
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pickup_through_the_same_router() {
    let service = Service::start().await;
    let holder = Ed25519Signer::generate().did();
    let request = IssuanceRequest::new("degree-v1", service.issuer_key.did(), holder, degree())
        .with_proof_type(ProofType::EddsaJcs2022);
    let issued = service.issuer.issue(request).await.unwrap();
    let vc = serde_json::to_value(&issued.credential).unwrap();
    let link = service
        .pickup
        .create_pickup(issued.credential, time::Duration::minutes(5))
        .await
        .unwrap();
    let (endpoint, token) = link.url().split_once("#token=").unwrap();
    assert_eq!(endpoint, format!("{}/credentials/pickup", service.base));
    let http = reqwest::Client::new();
    let redeem = || async {
        let response = http
            .post(endpoint)
            .json(&json!({ "token": token }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    let (status, body) = redeem().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verifiableCredential"], vc);
    let (status, body) = redeem().await;
    assert_eq!((status, body["code"].as_str()), (410, Some("PICKUP_GONE")));
}
