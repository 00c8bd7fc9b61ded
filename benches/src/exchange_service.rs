//! The VCALM workflow service the exchange bench loads: the same stack as the `05_vc_api_server`
//! example on the exchange path (axum through `vc_issue::http::serve`, exchanges in a SQLite file,
//! a did:key issuer, a DID Authentication step, then one `eddsa-rdfc-2022` degree), without the
//! parts an exchange never reaches (pickup, the status index).

use std::sync::Arc;

use serde_json::{json, Map, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use vc_issue::exchange::{
    CredentialTemplate, ExchangeService, SqliteExchangeStore, Step, Workflow, WorkflowId,
};
use vc_issue::http::{BearerTokens, ServeLimits, VcApi};
use vc_issue::Ed25519Signer;

use crate::{degree_issuer, FixtureError};

/// The workflow the service runs.
pub const WORKFLOW: &str = "degree";

/// A running service on a free loopback port; [`shutdown`](Self::shutdown) stops it.
#[derive(Debug)]
pub struct ExchangeServer {
    base_url: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    // The exchange database lives as long as the server.
    _db_dir: tempfile::TempDir,
}

impl ExchangeServer {
    /// Starts the service; coordinators authenticate with `token`.
    pub async fn start(token: &str) -> Result<Self, FixtureError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let db_dir = tempfile::tempdir()?;

        let key = Arc::new(Ed25519Signer::from_seed(&[9; 32]));
        let issuer = degree_issuer(&key);
        // Every variable fills the claim of its name.
        let claims: Map<String, Value> = degree_variables()
            .keys()
            .map(|name| (name.clone(), format!("{{{{ variables.{name} }}}}").into()))
            .collect();
        let template = CredentialTemplate::new(json!({
            "schemaId": "degree",
            "issuerDid": key.did().as_str(),
            "claims": claims,
            "proofType": "eddsa-rdfc-2022",
            "revocable": false
        }))?;
        let workflow = Workflow::builder(WorkflowId::parse(WORKFLOW)?)
            .step("didAuth", Step::did_auth().next("issue"))
            .step("issue", Step::issue(vec![template]))
            .initial_step("didAuth")
            .build()?;
        let store = SqliteExchangeStore::open(db_dir.path().join("exchanges.db")).await?;
        let exchanges = ExchangeService::builder()
            .store(Arc::new(store))
            .issuer(issuer.clone())
            .workflow(workflow)
            .base_url(base_url.clone())
            .build()?;
        let router = VcApi::builder()
            .issuer(issuer)
            .authorizer(Arc::new(BearerTokens::new([token.to_owned()])))
            .base_url(base_url.clone())
            .exchanges(Arc::new(exchanges))
            .build()?
            .router();

        let (stop, stopped) = oneshot::channel::<()>();
        let serve = vc_issue::http::serve(listener, router, ServeLimits::default())
            .with_graceful_shutdown(async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            });
        Ok(Self {
            base_url,
            stop,
            task: tokio::spawn(async move { serve.await }),
            _db_dir: db_dir,
        })
    }

    /// The URL coordinators create exchanges under.
    pub fn workflow_url(&self) -> String {
        format!("{}/workflows/{WORKFLOW}", self.base_url)
    }

    /// Stops accepting connections and waits for running requests to finish.
    pub async fn shutdown(self) -> Result<(), FixtureError> {
        // An error means the server already stopped, which is what is asked.
        let _ = self.stop.send(());
        Ok(self.task.await??)
    }
}

/// The variables of one exchange: the degree claims of `examples/data/degree-request.json`.
pub fn degree_variables() -> Map<String, Value> {
    let claims = json!({
        "name": "Jayden Doe",
        "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
        "graduationDate": "2024-05-15",
        "gpa": 3.72
    });
    claims.as_object().cloned().unwrap_or_default()
}
