//! A `VcApi` on 127.0.0.1 with in-memory parts, and a reqwest client for it.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use serde_json::{json, Map, Value};
use vc_core::{Credential, Did, FixedClock};
use vc_issue::http::{BearerTokens, ServeLimits, VcApi, VcApiBuilder};
use vc_issue::pickup::{PickupService, PickupStore};
use vc_issue::queue::{AlwaysApprove, IssuanceQueue, MemoryIssuanceStore};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore,
    InMemorySchemaRegistry, IssuanceRequest, Issuer, P256Signer, ProofType, RateLimit, SchemaEntry,
};
use vc_status::StatusRegistry;

pub const TOKEN: &str = "test-access-token";

/// What a test server was built with.
pub struct Server {
    pub base: String,
    pub client: reqwest::Client,
    pub issuer: Issuer,
    pub dids: Arc<InMemoryDidRegistry>,
    pub key: Arc<Ed25519Signer>,
    /// A P-256 key of its own `did:key`, in the same key store (for `ecdsa-rdfc-2019`).
    pub p256: Arc<P256Signer>,
    pub holder: Did,
    pub registry: Arc<StatusRegistry>,
    pub queue: Option<IssuanceQueue>,
    pub pickup: Option<PickupService>,
}

/// Wraps the issuer's key in another signer.
pub type WrapSigner = fn(Arc<Ed25519Signer>) -> Arc<dyn vc_issue::Signer>;

/// How to vary the server.
#[derive(Default)]
pub struct Options {
    pub rate_limit: Option<RateLimit>,
    pub queue: bool,
    /// The queue holds every request for a person (`AlwaysHold`) instead of approving it.
    pub hold: bool,
    /// Serve pickup over this store, reading this clock.
    pub pickup: Option<(Arc<dyn PickupStore>, Arc<FixedClock>)>,
    /// Extra routers to merge (built once the base URL is known).
    pub merge: Vec<axum::Router>,
    /// `VcApiBuilder::max_nesting`.
    pub max_nesting: Option<usize>,
    /// The limits `vc_issue::http::serve` serves with (the defaults unless set).
    pub limits: Option<ServeLimits>,
    /// The issuer's loader of related resources (none unless set).
    pub resources: Option<Arc<dyn vc_issue::ResourceLoader>>,
    /// The issuer's status list format (Bitstring Status List unless set).
    pub status_format: Option<vc_status::ListFormat>,
    /// Where the status lists live (in memory unless set).
    pub status_store: Option<Arc<dyn vc_status::store::StatusListStore>>,
    /// Where the router records each credential's status entries (in memory unless set).
    pub status_index: Option<Arc<dyn vc_issue::status_index::CredentialStatusIndex>>,
    /// What signs for the issuer's key (the key itself unless set): a wrapper that fails, say.
    pub signer: Option<WrapSigner>,
    /// The tokens the router accepts (`TOKEN` alone, for every instance, unless set).
    pub tokens: Option<BearerTokens>,
    /// The queue's observer (none unless set).
    pub observer: Option<Arc<dyn vc_issue::queue::IssuanceObserver>>,
}

impl Options {
    /// With the approval queue (requests answer 202 and are polled).
    pub fn queued() -> Self {
        Self {
            queue: true,
            ..Self::default()
        }
    }

    /// With the status lists in `store`.
    pub fn status_on(store: impl vc_status::store::StatusListStore + 'static) -> Self {
        Self {
            status_store: Some(Arc::new(store)),
            ..Self::default()
        }
    }
}

pub fn membership_schema() -> SchemaEntry {
    SchemaEntry::new(
        "membership-v1",
        json!({"type": "object", "required": ["level"],
               "properties": {"level": {"enum": ["gold", "silver"]}}}),
        vec!["MembershipCredential".into()],
        vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
    )
}

pub fn claims(level: &str) -> Map<String, Value> {
    json!({ "level": level }).as_object().unwrap().clone()
}

/// A listener on a free loopback port, and its base URL.
pub async fn listen() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    (listener, format!("http://{addr}"))
}

/// Serves `router` on `listener` with the library's server until the test ends.
pub fn serve(listener: tokio::net::TcpListener, router: axum::Router, limits: ServeLimits) {
    tokio::spawn(async move {
        vc_issue::http::serve(listener, router, limits)
            .await
            .unwrap();
    });
}

pub async fn start(options: Options) -> Server {
    let (listener, base) = listen().await;
    let key = Arc::new(Ed25519Signer::generate());
    let keys = Arc::new(InMemoryKeyStore::new());
    let signer: Arc<dyn vc_issue::Signer> = match options.signer {
        Some(wrap) => wrap(key.clone()),
        None => key.clone(),
    };
    keys.insert(key.verification_method_id(), signer);
    let p256 = Arc::new(P256Signer::generate());
    keys.insert(p256.verification_method_id(), p256.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(membership_schema());
    let dids = Arc::new(InMemoryDidRegistry::new());
    let registry = Arc::new(
        StatusRegistry::builder()
            .store(
                options
                    .status_store
                    .unwrap_or_else(|| Arc::new(vc_status::store::MemoryStore::new())),
            )
            .list_url_template(format!("{base}/status-lists/{{list}}"))
            .issuer(key.did().to_string())
            .format(options.status_format.unwrap_or_default())
            .build()
            .unwrap(),
    );
    let mut builder = Issuer::builder()
        .resolver(dids.clone())
        .schemas(schemas)
        .keys(keys)
        .status_registry(registry.clone());
    if let Some(limit) = options.rate_limit {
        builder = builder.rate_limit(limit);
    }
    if let Some(loader) = options.resources {
        builder = builder.resources(loader);
    }
    let issuer = builder.build().unwrap();
    let observer = options.observer;
    let queue = options.queue.then(|| {
        let mut queue = IssuanceQueue::builder()
            .issuer(issuer.clone())
            .store(Arc::new(MemoryIssuanceStore::new()))
            .policy(if options.hold {
                Arc::new(vc_issue::queue::AlwaysHold) as Arc<dyn vc_issue::queue::ApprovalPolicy>
            } else {
                Arc::new(AlwaysApprove)
            });
        if let Some(observer) = observer {
            queue = queue.observer(observer);
        }
        queue.build().unwrap()
    });
    let mut api: VcApiBuilder = VcApi::builder()
        .issuer(issuer.clone())
        .authorizer(Arc::new(
            options.tokens.unwrap_or_else(|| BearerTokens::new([TOKEN])),
        ))
        .base_url(base.clone())
        .status_list_proof_type(ProofType::EddsaJcs2022);
    if let Some(queue) = &queue {
        api = api.queue(queue.clone());
    }
    let pickup = options
        .pickup
        .map(|(store, clock)| PickupService::new(store, &base).unwrap().with_clock(clock));
    if let Some(pickup) = &pickup {
        api = api.pickup(pickup.clone());
    }
    for router in options.merge {
        api = api.merge(router);
    }
    if let Some(levels) = options.max_nesting {
        api = api.max_nesting(levels);
    }
    if let Some(index) = options.status_index {
        api = api.status_index(index);
    }
    let limits = options.limits.unwrap_or_default();
    serve(listener, api.build().unwrap().router(), limits);
    Server {
        base,
        client: reqwest::Client::new(),
        issuer,
        dids,
        holder: Ed25519Signer::generate().did(),
        key,
        p256,
        registry,
        queue,
        pickup,
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An `IssuanceRequest` for the membership schema, signed with eddsa-jcs-2022.
    pub fn request(&self, level: &str) -> IssuanceRequest {
        IssuanceRequest::new(
            "membership-v1",
            self.key.did(),
            self.holder.clone(),
            claims(level),
        )
        .with_proof_type(ProofType::EddsaJcs2022)
    }

    /// POSTs `body` with the access token.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(TOKEN)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// POSTs `body` as it is, labelled JSON, with the access token: for bodies that are not
    /// JSON, or too large.
    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path_or_url: &str) -> reqwest::Response {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            self.url(path_or_url)
        };
        self.client
            .get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
    }

    /// Checks a credential's proof against its issuer's DID.
    pub async fn verify(&self, vc: &Value) -> Credential {
        verify_with(&self.dids, vc).await
    }
}

/// Parses `vc` and checks its proof against its issuer's DID, resolved by `dids`.
pub async fn verify_with(dids: &Arc<InMemoryDidRegistry>, vc: &Value) -> Credential {
    let credential = Credential::from_value(vc.clone()).unwrap();
    CredentialVerifier::new(dids.clone())
        .verify(&credential)
        .await
        .unwrap();
    credential
}

/// The status code and the JSON body.
pub async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// POSTs `body` as JSON to `url` with the bearer `token`.
pub async fn post_bearer(
    client: &reqwest::Client,
    url: String,
    token: &str,
    body: &Value,
) -> reqwest::Response {
    client
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The status of `response` and the `code` of its JSON error body (empty when there is none).
pub async fn status_and_code(response: reqwest::Response) -> (u16, String) {
    let (status, body) = json_of(response).await;
    let code = body["code"].as_str().unwrap_or_default().to_owned();
    (status, code)
}

pub fn rate_limit_one_per_second() -> RateLimit {
    RateLimit::per_second(NonZeroU32::MIN, NonZeroU32::MIN)
}
