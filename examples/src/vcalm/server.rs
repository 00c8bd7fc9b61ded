//! The whole issuer service on loopback: [`VcApi`] (issuer endpoints, status lists, pickup) with
//! the VCALM exchange routes, over embedded SQLite, signing with an Ed25519 `did:key`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use vc_core::Did;
use vc_issue::exchange::{
    CredentialTemplate, ExchangeService, SqliteExchangeStore, Step, Workflow, WorkflowId,
};
use vc_issue::http::{BearerTokens, VcApi};
use vc_issue::pickup::{PickupService, SqlitePickupStore};
use vc_issue::status_index::SqliteCredentialStatusIndex;
use vc_issue::{DidResolver, Ed25519Signer, InMemoryDidRegistry, Issuer, ProofType};
use vc_status::store::SqliteStore;
use vc_status::StatusRegistry;

use super::instances::{self, InstanceSpec};
use super::Error;

/// The id of the workflow the service runs: DID Authentication, then a university degree.
pub const WORKFLOW: &str = "degree";

/// The step that authenticates the wallet's DID (its result: `variables.results.didAuth.did`).
pub const DID_AUTH_STEP: &str = "didAuth";

/// The step that issues the degree.
pub const ISSUE_STEP: &str = "issue";

/// How to start a [`VcalmServer`] (no `Debug`: it holds the bearer token).
#[derive(Clone)]
pub struct ServerConfig {
    /// Where to listen (`127.0.0.1:0`: a free loopback port).
    pub addr: SocketAddr,
    /// The SQLite database file (status lists, exchanges, pickups); `None`: a file in a
    /// temporary directory that is removed when the server is dropped.
    pub db: Option<PathBuf>,
    /// The issuer key's seed (64 hex characters); `None`: a random key.
    pub seed: Option<String>,
    /// The bearer token coordinators and issuing clients must send.
    pub token: String,
    /// The named issuer instances served next to the default one (see [`instances`]).
    pub instances: Vec<InstanceSpec>,
}

impl ServerConfig {
    /// Loopback on a free port, a temporary database, a random key, and `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: None,
            seed: None,
            token: token.into(),
            instances: InstanceSpec::defaults(),
        }
    }
}

/// A running service. Dropping it stops accepting connections (in the background) and removes a
/// temporary database; [`shutdown`](Self::shutdown) stops it and waits until it has.
#[derive(Debug)]
pub struct VcalmServer {
    base_url: String,
    issuer_did: Did,
    db_path: PathBuf,
    resolver: Arc<InMemoryDidRegistry>,
    pickup: PickupService,
    issuer: Issuer,
    instances: Vec<(String, Did, ProofType)>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    // Kept so that the temporary database lives as long as the server.
    _tempdir: Option<tempfile::TempDir>,
}

impl VcalmServer {
    /// Binds `config.addr`, builds every part on the bound URL, and starts serving.
    pub async fn start(config: ServerConfig) -> Result<Self, Error> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let base_url = format!("http://{}", listener.local_addr()?);

        let (tempdir, db_path) = match config.db {
            Some(path) => (None, path),
            None => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().join("vcalm.db");
                (Some(dir), path)
            }
        };

        let key = Arc::new(match &config.seed {
            Some(hex) => Ed25519Signer::from_seed_hex(hex)?,
            None => Ed25519Signer::generate(),
        });
        let issuer_did = key.did();
        let keys = crate::one_key(key.verification_method_id(), key.clone());
        let schemas = crate::degree_schemas()?;
        let resolver = Arc::new(InMemoryDidRegistry::new());
        let store = Arc::new(SqliteStore::open(&db_path).await?);
        let status = StatusRegistry::builder()
            .store(store.clone())
            .list_url_template(format!("{base_url}/status-lists/{{list}}"))
            .issuer(issuer_did.as_str())
            .build()?;
        let issuer = Issuer::builder()
            .resolver(resolver.clone())
            .schemas(schemas)
            .keys(keys)
            .status_registry(Arc::new(status))
            .build()?;

        let exchanges = ExchangeService::builder()
            .store(Arc::new(SqliteExchangeStore::open(&db_path).await?))
            .issuer(issuer.clone())
            .workflow(degree_workflow(&issuer_did)?)
            .base_url(base_url.clone())
            .build()?;
        let pickup = PickupService::new(
            Arc::new(SqlitePickupStore::open(&db_path).await?),
            &base_url,
        )?;
        let mut api = VcApi::builder();
        let mut instances = Vec::with_capacity(config.instances.len());
        for spec in &config.instances {
            let (instance, did) = instances::build(
                spec,
                config.seed.as_deref(),
                &base_url,
                store.clone(),
                resolver.clone(),
            )
            .await?;
            instances.push((spec.name.clone(), did, spec.default_suite.clone()));
            api = api.instance(instance);
        }
        let router = api
            .issuer(issuer.clone())
            .authorizer(Arc::new(BearerTokens::new([config.token])))
            .base_url(base_url.clone())
            .pickup(pickup.clone())
            .status_index(Arc::new(SqliteCredentialStatusIndex::open(&db_path).await?))
            .exchanges(Arc::new(exchanges))
            // The VC API verifier (`POST /credentials/verify`, `/presentations/verify`,
            // `/credentials/derive`), resolving the same DIDs as the issuer.
            .merge(vc_issue::http::verifier_routes(Arc::new(
                vc_issue::CredentialVerifier::new(resolver.clone()),
            )))
            .build()?
            .router();

        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            vc_issue::http::serve(listener, router, vc_issue::http::ServeLimits::default())
                .with_graceful_shutdown(async {
                    // A dropped sender stops the server too.
                    let _ = stop.await;
                })
                .await
        });
        Ok(Self {
            base_url,
            issuer_did,
            db_path,
            resolver,
            pickup,
            issuer,
            instances,
            shutdown: Some(shutdown),
            task,
            _tempdir: tempdir,
        })
    }

    /// The URL the service is reachable at (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The URL of the [`WORKFLOW`] (coordinators create exchanges under it).
    pub fn workflow_url(&self) -> String {
        format!("{}/workflows/{WORKFLOW}", self.base_url)
    }

    /// The issuer's `did:key`.
    pub fn issuer_did(&self) -> &Did {
        &self.issuer_did
    }

    /// The SQLite database file.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// A resolver for verifying what the service issued (`did:key` built in).
    pub fn resolver(&self) -> Arc<dyn DidResolver> {
        self.resolver.clone()
    }

    /// The named instances: name (served at `/issuers/{name}/...`), DID, default suite.
    pub fn instances(&self) -> &[(String, Did, ProofType)] {
        &self.instances
    }

    /// The issuer the service signs with.
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// The pickup service behind `POST /credentials/pickup`.
    pub fn pickup(&self) -> &PickupService {
        &self.pickup
    }

    /// Stops accepting connections, lets running requests finish, and waits for the server.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        (&mut self.task).await??;
        Ok(())
    }
}

/// The `degree` workflow: a DID Authentication step, then one university-degree credential
/// (`eddsa-rdfc-2022`) whose claims come from the exchange's variables `name`, `degree`,
/// `graduationDate` and `gpa` (see [`degree_variables`]).
pub fn degree_workflow(issuer: &Did) -> Result<Workflow, Error> {
    let template = CredentialTemplate::new(json!({
        "schemaId": "university-degree-v1",
        "issuerDid": issuer.as_str(),
        "claims": {
            "name": "{{ variables.name }}",
            "degree": "{{ variables.degree }}",
            "graduationDate": "{{ variables.graduationDate }}",
            "gpa": "{{ variables.gpa }}"
        },
        "proofType": "eddsa-rdfc-2022",
        "revocable": false
    }))?;
    Ok(Workflow::builder(WorkflowId::parse(WORKFLOW)?)
        .step(DID_AUTH_STEP, Step::did_auth().next(ISSUE_STEP))
        .step(ISSUE_STEP, Step::issue(vec![template]))
        .initial_step(DID_AUTH_STEP)
        .build()?)
}

/// The exchange variables for the [`WORKFLOW`]: the claims of `examples/data/degree-request.json`
/// (the request `01_issue` issues).
pub fn degree_variables() -> Result<Map<String, Value>, Error> {
    let path = crate::data_dir().join("degree-request.json");
    let request: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    match request.get("claims") {
        Some(Value::Object(claims)) => Ok(claims.clone()),
        _ => Err(format!("{}: no claims object", path.display()).into()),
    }
}

/// A random bearer token (192 bits, hex).
pub fn random_token() -> String {
    let bytes: [u8; 24] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
