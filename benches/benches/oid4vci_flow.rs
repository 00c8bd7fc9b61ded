//! The whole OpenID4VCI 1.0 pre-authorized flow over loopback HTTP, our issuer next to a reference
//! issuer on the OpenWallet Foundation's `@openid4vc/openid4vci` for Node, in the same run (issue
//! 17).
//!
//! Both servers serve the same credential and do the same work per flow (see
//! `benches/oid4vci-reference/issuer.mjs` for the Node side):
//!
//! 1. the host mints an offer: `POST /bench/offers` with a bearer token and the flow's claims,
//!    answered with an `openid-credential-offer://` URI by reference, a pre-authorized code
//!    without `tx_code`;
//! 2. the wallet fetches the offer at its `credential_offer_uri` (served once);
//! 3. token request (pre-authorized grant; the code is single-use);
//! 4. nonce request (a single-use `c_nonce`);
//! 5. credential request with one `proofs.jwt` proof (`openid4vci-proof+jwt`, EdDSA, key by `jwk`)
//!    signed by a key the wallet made for this flow: a `dc+sd-jwt` credential signed EdDSA by the
//!    issuer's did:key, `vct`, `cnf.jwk` the proof key, `name`, `degree.name` and `gpa` as
//!    disclosures, `degree.type` in the clear, and a Token Status List entry.
//!
//! Ours is the real router (`VcApi` with `oid4vci_routes` merged and a host route for offers, as
//! example 09 builds it) behind `vc_issue::http::serve`, in this process on a runtime of its own
//! (`ours`: as many worker threads as CPUs; `ours-1`: one, the Node event loop's share). The Node
//! issuer is a child process. The wallet (this process, its own runtime of
//! `VC_OID4VCI_DRIVER_THREADS`) learns the endpoints from each server's metadata once, then keeps
//! a fixed number of flows in flight, each worker on its own HTTP/1.1 keep-alive connection (the
//! load generator of `http_load`). Each cell runs `VC_OID4VCI_WARMUP` flows, then times
//! `VC_OID4VCI_FLOWS` more: credentials/s, p50 and p99 of a whole flow, the p50 of each step, and
//! the server's CPU time per credential (ours: its runtime's threads; Node: the whole child
//! process).
//!
//! Every credential received is checked after its cell (outside the timing): the issuer's
//! signature with the issuer's key (each server has its own, the driver knows both from their
//! seeds), `iss` that key's did:key, `vct`, `cnf.jwk` the flow's proof key, the three disclosures
//! and the claims the flow's offer carried, and a Token Status List entry no other credential of
//! that server got. A fast but wrong server fails the run.
//!
//! The Node issuer needs `node` and the interop kit with its packages installed; the bench looks
//! for it where `.ci/interop-oid4vci` puts it: `$VC_INTEROP_DIR/interop/node` (default
//! `/tmp/vc-shared`), then `../shared/interop/node` next to the repository. Without them it says
//! so, measures ours only and exits 0. To install the kit:
//!
//! ```text
//! rm -rf /tmp/vc-shared && cp -r ../shared /tmp/vc-shared && (cd /tmp/vc-shared/interop/node && npm ci --no-audit --no-fund)
//! cargo bench -p vc-benches --bench oid4vci_flow
//! VC_OID4VCI_FLOWS=5000 VC_OID4VCI_CONCURRENCY=1,16,64 cargo bench -p vc-benches --bench oid4vci_flow
//! ```
//!
//! | variable | default | |
//! |---|---|---|
//! | `VC_OID4VCI_FLOWS` | 2000 | timed flows per cell |
//! | `VC_OID4VCI_WARMUP` | 200 | flows before the timed ones, same concurrency |
//! | `VC_OID4VCI_CONCURRENCY` | `1,16` | flows in flight |
//! | `VC_OID4VCI_ROUNDS` | 3 | the cells again, interleaved (the machine's noise shows) |
//! | `VC_OID4VCI_SERVERS` | `ours,ours-1,node` | which servers, in this order within a concurrency |
//! | `VC_OID4VCI_DRIVER_THREADS` | 1 | the wallet's runtime threads |
//! | `VC_INTEROP_DIR` | `/tmp/vc-shared` | where the kit was copied and installed (`interop/node/node_modules`) |
//! | `VC_NODE` | `node` | the Node.js binary |
//!
//! Not criterion, for the reasons `http_load` gives: a plain `main` printing Markdown tables; CI
//! only builds it.
#![expect(
    clippy::print_stdout,
    reason = "a load test's output is its table on stdout"
)]

use std::collections::HashSet;
use std::future::IntoFuture;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{header, Method, Request, StatusCode};
use serde_json::{json, Map, Value};
use vc_benches::cpu_time::{process_cpu, threads_cpu};
use vc_benches::http1_client::connect;
use vc_benches::latency::{micros_between, ms, percentile};
use vc_benches::load_settings::{env_or, list};
use vc_benches::{degree_schema, FixtureError};
use vc_core::{Did, PublicKey};
use vc_issue::http::{oid4vci_routes, serve, Authorizer, BearerTokens, ServeLimits, VcApi};
use vc_issue::oid4vci::{CredentialConfiguration, CredentialFormat, OfferRequest, Oid4vciIssuer};
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::sd_jwt::SdJwtVcVerifier;
use vc_issue::{Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry};
use vc_issue::{Issuer, Signer};
use vc_status::store::MemoryStore;
use vc_status::{ListFormat, StatusRegistry};

/// The credential configuration both servers serve.
const CONFIGURATION: &str = "degree_sd";
/// Its `vct`.
const VCT: &str = "https://university.example/vct/degree";
/// The host's bearer token for minting offers, on both servers.
const OFFER_TOKEN: &str = "oid4vci-bench-offers";
/// The issuer keys' seeds: each server its own key.
const OURS_SEED: [u8; 32] = [7; 32];
const NODE_SEED: [u8; 32] = [9; 32];
/// The claims each credential must disclose (`name`, `degree.name`, `gpa`).
const DISCLOSURES: usize = 3;
/// The reference issuer's script, written next to links to the kit's packages when it starts.
const REFERENCE_SCRIPT: &str = include_str!("../oid4vci-reference/issuer.mjs");
/// The steps of a flow, in order.
const STEPS: [&str; 5] = ["offer", "fetch", "token", "nonce", "credential"];

fn main() -> ExitCode {
    let outcome = Config::from_env().and_then(|config| {
        let driver = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.driver_threads)
            .thread_name("oid4vci-wallet")
            .enable_all()
            .build()?;
        driver.block_on(run(config))
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oid4vci_flow: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What to run, from the environment.
#[derive(Debug)]
struct Config {
    flows: u64,
    warmup: u64,
    concurrency: Vec<u64>,
    rounds: usize,
    servers: Vec<ServerKind>,
    driver_threads: usize,
    node: String,
}

impl Config {
    fn from_env() -> Result<Self, FixtureError> {
        let config = Self {
            flows: env_or("VC_OID4VCI_FLOWS", 2000)?,
            warmup: env_or("VC_OID4VCI_WARMUP", 200)?,
            concurrency: list("VC_OID4VCI_CONCURRENCY", "1,16")?,
            rounds: env_or("VC_OID4VCI_ROUNDS", 3)?,
            servers: list("VC_OID4VCI_SERVERS", "ours,ours-1,node")?,
            driver_threads: env_or("VC_OID4VCI_DRIVER_THREADS", 1)?,
            node: env_or("VC_NODE", "node".to_owned())?,
        };
        if config.flows == 0 || config.concurrency.contains(&0) || config.driver_threads == 0 {
            return Err("VC_OID4VCI_FLOWS, the concurrency and the driver threads are > 0".into());
        }
        Ok(config)
    }
}

/// Which issuer serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerKind {
    /// Ours on a runtime of one worker thread per CPU.
    Ours,
    /// Ours on a runtime of one worker thread.
    OursOneThread,
    /// The OWF reference issuer on Node.
    Node,
}

impl FromStr for ServerKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ours" => Ok(Self::Ours),
            "ours-1" => Ok(Self::OursOneThread),
            "node" => Ok(Self::Node),
            _ => Err("expected ours, ours-1 or node".into()),
        }
    }
}

async fn run(config: Config) -> Result<(), FixtureError> {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut servers = Vec::new();
    for kind in &config.servers {
        match kind {
            ServerKind::Ours => servers.push(Server::ours("ours", cpus)?),
            ServerKind::OursOneThread => servers.push(Server::ours("ours-1", 1)?),
            ServerKind::Node => match find_kit() {
                Ok(kit) => servers.push(Server::node(&config.node, &kit)?),
                Err(reason) => println!(
                    "Node reference issuer skipped: {reason}. Install the kit with `rm -rf /tmp/vc-shared && cp -r ../shared /tmp/vc-shared && (cd /tmp/vc-shared/interop/node && npm ci --no-audit --no-fund)` or set VC_INTEROP_DIR; measuring ours only.\n"
                ),
            },
        }
    }
    println!(
        "# OpenID4VCI pre-authorized flow (offer, offer fetch, token, nonce, credential), dc+sd-jwt EdDSA with a Token Status List entry: {} timed flows per cell after {} warm-up flows, {} round(s), {cpus} CPUs, wallet on {} runtime thread(s)",
        config.flows, config.warmup, config.rounds, config.driver_threads
    );
    println!();
    for server in &servers {
        println!("- `{}`: {}", server.name, server.description);
    }
    let mut targets = Vec::new();
    for server in &servers {
        targets.push(Arc::new(Target::discover(server).await?));
    }
    println!();
    println!(
        "| round | in flight | server | credentials/s | p50 | p99 | server CPU per credential | p50 per step: {} |",
        STEPS.join(" / ")
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut rates: Vec<(u64, &'static str, f64)> = Vec::new();
    let mut checked = 0;
    for round in 1..=config.rounds {
        for &concurrency in &config.concurrency {
            for (server, target) in servers.iter().zip(&targets) {
                let warm = run_flows(target, concurrency, config.warmup).await?;
                checked += verify(target, &warm).await?;
                let cell = measure(server, target, concurrency, config.flows).await?;
                checked += cell.verified;
                let steps: Vec<String> = cell
                    .step_p50
                    .iter()
                    .map(|d| format!("{:.2}", ms(*d)))
                    .collect();
                println!(
                    "| {round} | {concurrency} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.0} µs | {} ms |",
                    server.name,
                    cell.per_second,
                    ms(cell.p50),
                    ms(cell.p99),
                    cell.cpu_per_credential.as_secs_f64() * 1e6,
                    steps.join(" / ")
                );
                rates.push((concurrency, server.name, cell.per_second));
            }
        }
    }
    summary(&config, &servers, &rates);
    for target in &targets {
        println!();
        println!(
            "`{}`: {} credentials, status entries all distinct; one as issued (payload, disclosures {}):",
            target.name,
            target.issued.load(Ordering::Relaxed),
            DISCLOSURES
        );
        println!();
        println!("```json");
        println!("{}", target.example()?);
        println!("```");
    }
    println!();
    println!("{checked} credentials verified, warm-up ones included (issuer signature, iss, vct, cnf = the flow's proof key, disclosures and claims as offered, a status entry of their own)");
    for server in servers {
        server.stop()?;
    }
    Ok(())
}

/// The median credentials/s of each server and concurrency over the rounds, and ours / Node.
fn summary(config: &Config, servers: &[Server], rates: &[(u64, &'static str, f64)]) {
    let median = |concurrency: u64, name: &str| {
        let mut of: Vec<f64> = rates
            .iter()
            .filter(|(c, n, _)| *c == concurrency && *n == name)
            .map(|(_, _, rate)| *rate)
            .collect();
        of.sort_by(f64::total_cmp);
        of.get(of.len() / 2).copied()
    };
    println!();
    let names: Vec<&str> = servers.iter().map(|s| s.name).collect();
    let node = names.contains(&"node");
    println!(
        "| in flight | {} (median credentials/s){} |",
        names.join(" | "),
        if node {
            " | ours / node | ours-1 / node"
        } else {
            ""
        }
    );
    println!(
        "|---|{}{}",
        "---|".repeat(names.len()),
        if node { "---|---|" } else { "" }
    );
    for &concurrency in &config.concurrency {
        let cells: Vec<String> = names
            .iter()
            .map(|name| median(concurrency, name).map_or("—".into(), |r| format!("{r:.0}")))
            .collect();
        let ratio = |name: &str| match (median(concurrency, name), median(concurrency, "node")) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
            _ => "—".into(),
        };
        let ratios = if node {
            format!(" | {} | {}", ratio("ours"), ratio("ours-1"))
        } else {
            String::new()
        };
        println!("| {concurrency} | {}{ratios} |", cells.join(" | "));
    }
}

// ---------------------------------------------------------------- the servers

/// A running issuer.
struct Server {
    name: &'static str,
    description: String,
    addr: SocketAddr,
    /// The issuer's key and DID, as the driver derives them from the seed it gave.
    issuer_key: PublicKey,
    issuer_did: Did,
    running: Running,
}

enum Running {
    /// Our router on its own runtime, whose threads are named after the server.
    Ours {
        /// Taken when stopped: a runtime is not dropped on another runtime's thread.
        runtime: Option<tokio::runtime::Runtime>,
        thread_name: String,
    },
    Node {
        process: std::process::Child,
        _dir: tempfile::TempDir,
    },
}

impl Server {
    /// Our issuer on a runtime of `threads` worker threads.
    fn ours(name: &'static str, threads: usize) -> Result<Self, FixtureError> {
        // Linux keeps 15 bytes of a thread's name: `vcsrv-ours-1` fits.
        let thread_name = format!("vcsrv-{name}");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name(thread_name.clone())
            // Blocking-pool threads stay, so that their CPU time stays counted.
            .thread_keep_alive(Duration::from_secs(3600))
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let key = Arc::new(Ed25519Signer::from_seed(&OURS_SEED));
        let router = our_router(&format!("http://{addr}"), &key)?;
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            serve(listener, router, ServeLimits::default())
                .into_future()
                .await
        });
        Ok(Self {
            name,
            description: format!(
                "vc-issue's router (`VcApi` + `oid4vci_routes`, `serve` with its default limits), in-memory stores, on a runtime of {threads} worker thread(s)"
            ),
            addr,
            issuer_key: key.public_key().clone(),
            issuer_did: key.did(),
            running: Running::Ours {
                runtime: Some(runtime),
                thread_name,
            },
        })
    }

    /// The reference issuer: the script in a temporary folder whose `node_modules` links to the
    /// kit's, run by `node`.
    fn node(node: &str, kit: &Path) -> Result<Self, FixtureError> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("issuer.mjs"), REFERENCE_SCRIPT)?;
        std::os::unix::fs::symlink(kit.join("node_modules"), dir.path().join("node_modules"))?;
        let version = std::process::Command::new(node).arg("--version").output()?;
        let seed: String = NODE_SEED.iter().map(|b| format!("{b:02x}")).collect();
        let mut process = std::process::Command::new(node)
            .arg(dir.path().join("issuer.mjs"))
            .current_dir(dir.path())
            .env("VC_REF_SEED", seed)
            .env("VC_REF_TOKEN", OFFER_TOKEN)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        let stdout = process
            .stdout
            .take()
            .ok_or("the Node issuer has no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let said: Value = serde_json::from_str(&line)
            .map_err(|e| format!("the Node issuer said {line:?}: {e}"))?;
        let base = said["base"]
            .as_str()
            .ok_or("the Node issuer named no base")?;
        let addr = base
            .strip_prefix("http://")
            .ok_or("the Node issuer's base is not http")?
            .parse()?;
        let key = Ed25519Signer::from_seed(&NODE_SEED);
        if said["did"] != json!(key.did().as_str()) {
            return Err(format!("the Node issuer's DID {} is not its seed's", said["did"]).into());
        }
        Ok(Self {
            name: "node",
            description: format!(
                "benches/oid4vci-reference/issuer.mjs: @openid4vc/openid4vci + @openid4vc/oauth2 0.4.6, @sd-jwt/sd-jwt-vc 0.19.0 (kit {}), Node {}, one event loop",
                kit.display(),
                String::from_utf8_lossy(&version.stdout).trim()
            ),
            addr,
            issuer_key: key.public_key().clone(),
            issuer_did: key.did(),
            running: Running::Node {
                process,
                _dir: dir,
            },
        })
    }

    /// The server's CPU time so far.
    fn cpu(&self) -> Result<Duration, FixtureError> {
        match &self.running {
            Running::Ours { thread_name, .. } => threads_cpu(thread_name),
            Running::Node { process, .. } => process_cpu(&process.id().to_string()),
        }
    }

    /// Stops the server; the Node issuer must end well.
    fn stop(mut self) -> Result<(), FixtureError> {
        if let Running::Node { process, .. } = &mut self.running {
            // Closing its stdin stops it.
            drop(process.stdin.take());
            let status = process.wait()?;
            if !status.success() {
                return Err(format!("the Node issuer ended with {status}").into());
            }
        }
        Ok(())
    }
}

impl Drop for Running {
    /// Also when the run fails: our runtime stops without waiting (this may be a runtime's
    /// thread), the Node issuer is killed if it still runs.
    fn drop(&mut self) {
        match self {
            Running::Ours { runtime, .. } => {
                if let Some(runtime) = runtime.take() {
                    runtime.shutdown_background();
                }
            }
            Running::Node { process, .. } => {
                if let Ok(None) = process.try_wait() {
                    let _ = process.kill();
                    let _ = process.wait();
                }
            }
        }
    }
}

/// The interop kit's `node` folder with the OWF packages installed, or why there is none.
fn find_kit() -> Result<PathBuf, String> {
    let copy = std::env::var("VC_INTEROP_DIR").unwrap_or_else(|_| "/tmp/vc-shared".to_owned());
    let candidates = [
        Path::new(&copy).join("interop/node"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/interop/node"),
    ];
    candidates
        .iter()
        .find(|dir| {
            [
                "@openid4vc/openid4vci",
                "@openid4vc/oauth2",
                "@sd-jwt/sd-jwt-vc",
            ]
            .iter()
            .all(|package| dir.join("node_modules").join(package).is_dir())
        })
        .cloned()
        .ok_or_else(|| {
            format!(
                "no interop kit with @openid4vc/* and @sd-jwt/* installed at {}",
                candidates
                    .iter()
                    .map(|c| c.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        })
}

/// Our issuer at `base`: the degree schema as an SD-JWT VC (`name`, `degree.name`, `gpa`
/// disclosable), a Token Status List registry, one revocable `dc+sd-jwt` configuration, and the
/// host's offer route next to the library's.
fn our_router(base: &str, key: &Arc<Ed25519Signer>) -> Result<Router, FixtureError> {
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(key.verification_method_id(), key.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(degree_schema().with_sd_jwt_vc(SdJwtVcConfig::new(
        VCT,
        vec!["/name".into(), "/degree/name".into(), "/gpa".into()],
    )));
    let tokens = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template(format!("{base}/statuslists/{{list}}"))
        .issuer(key.did().to_string())
        .format(ListFormat::TokenStatusList)
        .namespace("sd-jwt")
        .build()?;
    let issuer = Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys)
        .token_status_registry(Arc::new(tokens))
        .build()?;
    let oid4vci = Oid4vciIssuer::builder()
        .issuer(issuer.clone())
        .issuer_did(key.did())
        .credential_issuer(base)
        .display_name("Example University")
        .configuration(
            CredentialConfiguration::new(CONFIGURATION, "degree", CredentialFormat::DcSdJwt)
                .revocable(true),
        )
        .build()?;
    let auth = Arc::new(BearerTokens::new([OFFER_TOKEN]));
    let offers = Router::new()
        .route("/bench/offers", post(make_offer))
        .with_state(OfferDesk {
            oid4vci: oid4vci.clone(),
            auth: auth.clone(),
        });
    Ok(VcApi::builder()
        .issuer(issuer)
        .authorizer(auth)
        .base_url(base)
        .merge(oid4vci_routes(oid4vci))
        .merge(offers)
        .build()?
        .router())
}

/// The host's side of offers: who may mint them, and the issuer that does.
#[derive(Clone)]
struct OfferDesk {
    oid4vci: Oid4vciIssuer,
    auth: Arc<BearerTokens>,
}

/// `POST /bench/offers` `{"claims": {...}}`: a pre-authorized offer of [`CONFIGURATION`] by
/// reference, `201 {"uri"}`.
async fn make_offer(
    State(desk): State<OfferDesk>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if desk.auth.authorize(&headers).await.is_err() {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "unauthorized"})),
        )
            .into_response();
    }
    let Some(claims) = body.get("claims").and_then(Value::as_object) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "claims"}))).into_response();
    };
    let request = OfferRequest::new()
        .credential(CONFIGURATION, claims.clone())
        .by_reference(true);
    match desk.oid4vci.create_offer(request).await {
        Ok(offer) => (StatusCode::CREATED, Json(json!({"uri": offer.uri()}))).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

// ---------------------------------------------------------------- the wallet

/// A server as the wallet sees it, with what it received.
struct Target {
    name: &'static str,
    addr: SocketAddr,
    /// `credential_issuer`: the proofs' `aud`.
    base: String,
    token_path: String,
    nonce_path: String,
    credential_path: String,
    issuer_key: PublicKey,
    issuer_did: Did,
    /// Numbers the flows, so that each has claims of its own.
    next_flow: AtomicU64,
    /// Every status entry handed out so far, as `uri#idx`.
    entries: std::sync::Mutex<HashSet<String>>,
    issued: AtomicU64,
    /// The first credential received, for the report.
    first: std::sync::OnceLock<String>,
}

impl Target {
    /// Reads the credential issuer's and the authorization server's metadata once, as a wallet
    /// does before its flows.
    async fn discover(server: &Server) -> Result<Self, FixtureError> {
        let base = format!("http://{}", server.addr);
        let mut connection = Connection::open(server.addr).await?;
        let (_, issuer) = connection
            .send(Method::GET, "/.well-known/openid-credential-issuer", None)
            .await?;
        let issuer: Value = serde_json::from_slice(&issuer)?;
        if issuer["credential_issuer"] != json!(base) {
            return Err(format!("{}: credential_issuer is not {base}", server.name).into());
        }
        let authorization_server = issuer["authorization_servers"][0]
            .as_str()
            .unwrap_or(&base)
            .to_owned();
        let path_of = |url: &Value, what: &str| -> Result<String, FixtureError> {
            let url = url.as_str().ok_or(format!("{}: no {what}", server.name))?;
            url.strip_prefix(&base)
                .map(str::to_owned)
                .ok_or_else(|| format!("{}: {what} {url} is not on {base}", server.name).into())
        };
        let well_known = format!(
            "{}/.well-known/oauth-authorization-server",
            path_of(&json!(authorization_server), "authorization server")?
        );
        let (_, authorization) = connection.send(Method::GET, &well_known, None).await?;
        let authorization: Value = serde_json::from_slice(&authorization)?;
        Ok(Self {
            name: server.name,
            addr: server.addr,
            token_path: path_of(&authorization["token_endpoint"], "token_endpoint")?,
            nonce_path: path_of(&issuer["nonce_endpoint"], "nonce_endpoint")?,
            credential_path: path_of(&issuer["credential_endpoint"], "credential_endpoint")?,
            base,
            issuer_key: server.issuer_key.clone(),
            issuer_did: server.issuer_did.clone(),
            next_flow: AtomicU64::new(0),
            entries: std::sync::Mutex::new(HashSet::new()),
            issued: AtomicU64::new(0),
            first: std::sync::OnceLock::new(),
        })
    }

    /// The payload of the first credential received, pretty-printed.
    fn example(&self) -> Result<String, FixtureError> {
        let credential = self.first.get().ok_or("no credential received")?;
        let payload = credential
            .split('~')
            .next()
            .and_then(|jwt| jwt.split('.').nth(1))
            .ok_or("not a JWT")?;
        let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload)?)?;
        Ok(serde_json::to_string_pretty(&payload)?)
    }
}

/// One keep-alive connection, as one wallet of the load uses it.
struct Connection {
    sender: SendRequest<Full<Bytes>>,
    host: String,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Result<Self, FixtureError> {
        Ok(Self {
            sender: connect(addr).await?,
            host: addr.to_string(),
        })
    }

    /// Sends a request and reads the whole answer, which must be a success.
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<(&str, Vec<u8>, Option<&str>)>,
    ) -> Result<(StatusCode, Bytes), FixtureError> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host);
        let body = match body {
            Some((content_type, body, authorization)) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                if let Some(authorization) = authorization {
                    request = request.header(header::AUTHORIZATION, authorization);
                }
                Bytes::from(body)
            }
            None => Bytes::new(),
        };
        let request = request.body(Full::new(body))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        if !status.is_success() {
            return Err(format!(
                "{path} answered {status}: {}",
                String::from_utf8_lossy(&body)
            )
            .into());
        }
        Ok((status, body))
    }
}

/// What a flow brought back, checked after its cell.
struct Received {
    total: u32,
    steps: [u32; 5],
    credential: String,
    holder_jwk: Value,
    claims: Map<String, Value>,
}

/// The claims of flow `i`: a name, a degree out of four, a grade (2.01 to 3.97).
fn claims_of(i: u64) -> Map<String, Value> {
    const DEGREES: [&str; 4] = [
        "Bachelor of Science and Arts",
        "Bachelor of Engineering",
        "Master of Science",
        "Bachelor of Laws",
    ];
    let mut claims = Map::new();
    claims.insert("name".into(), format!("Student {i}").into());
    claims.insert(
        "degree".into(),
        json!({"type": "BachelorDegree", "name": DEGREES[(i % 4) as usize]}),
    );
    // Never a whole number: JavaScript writes 2.0 as 2, which would read back as another JSON value.
    claims.insert("gpa".into(), ((201 + 2 * (i % 99)) as f64 / 100.0).into());
    claims
}

/// One whole flow on `connection`.
async fn flow(target: &Target, connection: &mut Connection) -> Result<Received, FixtureError> {
    let claims = claims_of(target.next_flow.fetch_add(1, Ordering::Relaxed));
    let mut steps = [0u32; 5];
    let started = Instant::now();
    // 1. The host mints the offer.
    let mut at = Instant::now();
    let body = serde_json::to_vec(&json!({ "claims": claims }))?;
    let bearer = format!("Bearer {OFFER_TOKEN}");
    let (_, minted) = connection
        .send(
            Method::POST,
            "/bench/offers",
            Some(("application/json", body, Some(&bearer))),
        )
        .await?;
    steps[0] = micros_between(at, Instant::now());
    let minted: Value = serde_json::from_slice(&minted)?;
    let uri = minted["uri"].as_str().ok_or("no offer URI")?;
    let query = uri
        .strip_prefix("openid-credential-offer://?")
        .ok_or_else(|| format!("not an offer URI: {uri}"))?;
    let offer_uri = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "credential_offer_uri")
        .map(|(_, value)| value.into_owned())
        .ok_or("the offer is not by reference")?;
    let offer_path = offer_uri
        .strip_prefix(&target.base)
        .ok_or_else(|| format!("{offer_uri} is not on {}", target.base))?;
    // 2. The wallet fetches it.
    at = Instant::now();
    let (_, offer) = connection.send(Method::GET, offer_path, None).await?;
    steps[1] = micros_between(at, Instant::now());
    let offer: Value = serde_json::from_slice(&offer)?;
    if offer["credential_issuer"] != json!(target.base)
        || offer["credential_configuration_ids"] != json!([CONFIGURATION])
    {
        return Err(format!("unexpected offer {offer}").into());
    }
    let code = offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
        ["pre-authorized_code"]
        .as_str()
        .ok_or("no pre-authorized code")?;
    // 3. Token.
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(
            "grant_type",
            "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        )
        .append_pair("pre-authorized_code", code)
        .finish();
    at = Instant::now();
    let (_, token) = connection
        .send(
            Method::POST,
            &target.token_path,
            Some(("application/x-www-form-urlencoded", form.into_bytes(), None)),
        )
        .await?;
    steps[2] = micros_between(at, Instant::now());
    let token: Value = serde_json::from_slice(&token)?;
    let access = format!(
        "{} {}",
        token["token_type"].as_str().ok_or("no token_type")?,
        token["access_token"].as_str().ok_or("no access_token")?
    );
    // 4. Nonce.
    at = Instant::now();
    let (_, nonce) = connection
        .send(Method::POST, &target.nonce_path, None)
        .await?;
    steps[3] = micros_between(at, Instant::now());
    let nonce: Value = serde_json::from_slice(&nonce)?;
    let nonce = nonce["c_nonce"].as_str().ok_or("no c_nonce")?;
    // 5. Credential, with a proof by a key of this flow.
    let holder = Ed25519Signer::generate();
    let holder_jwk = Value::Object(
        vc_issue::crypto::jwt::public_jwk(holder.public_key())?
            .as_ref()
            .clone(),
    );
    let header = json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "jwk": holder_jwk});
    let iat = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let proof_claims = json!({"aud": target.base, "iat": iat, "nonce": nonce});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(proof_claims.to_string())
    );
    let proof = format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(holder.sign_now(input.as_bytes()))
    );
    let request = json!({"credential_configuration_id": CONFIGURATION, "proofs": {"jwt": [proof]}});
    at = Instant::now();
    let (_, response) = connection
        .send(
            Method::POST,
            &target.credential_path,
            Some((
                "application/json",
                serde_json::to_vec(&request)?,
                Some(&access),
            )),
        )
        .await?;
    let done = Instant::now();
    steps[4] = micros_between(at, done);
    let response: Value = serde_json::from_slice(&response)?;
    let credential = match response["credentials"].as_array().map(Vec::as_slice) {
        Some([one]) => one["credential"]
            .as_str()
            .ok_or("a credential that is not a string")?,
        _ => return Err(format!("not one credential: {response}").into()),
    };
    Ok(Received {
        total: micros_between(started, done),
        steps,
        credential: credential.to_owned(),
        holder_jwk,
        claims,
    })
}

/// Runs `count` flows against `target`, `concurrency` at a time, each worker on its own
/// connection, and returns what they received.
async fn run_flows(
    target: &Arc<Target>,
    concurrency: u64,
    count: u64,
) -> Result<Vec<Received>, FixtureError> {
    let left = Arc::new(AtomicU64::new(count));
    let workers: Vec<_> = (0..concurrency.min(count))
        .map(|_| {
            let target = target.clone();
            let left = left.clone();
            tokio::spawn(async move {
                let mut connection = Connection::open(target.addr).await?;
                let mut received = Vec::new();
                // Takes one flow of those left, if any.
                while left
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    received.push(flow(&target, &mut connection).await?);
                }
                Ok::<_, FixtureError>(received)
            })
        })
        .collect();
    let mut all = Vec::with_capacity(usize::try_from(count)?);
    for worker in workers {
        all.append(&mut worker.await??);
    }
    Ok(all)
}

/// One cell's numbers.
struct Cell {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    step_p50: [Duration; 5],
    cpu_per_credential: Duration,
    verified: u64,
}

async fn measure(
    server: &Server,
    target: &Arc<Target>,
    concurrency: u64,
    flows: u64,
) -> Result<Cell, FixtureError> {
    let cpu_before = server.cpu()?;
    let started = Instant::now();
    let received = run_flows(target, concurrency, flows).await?;
    let elapsed = started.elapsed();
    let cpu = server.cpu()?.saturating_sub(cpu_before);
    let mut totals: Vec<u32> = received.iter().map(|r| r.total).collect();
    totals.sort_unstable();
    let mut step_p50 = [Duration::ZERO; 5];
    for (i, p50) in step_p50.iter_mut().enumerate() {
        let mut step: Vec<u32> = received.iter().map(|r| r.steps[i]).collect();
        step.sort_unstable();
        *p50 = percentile(&step, 0.5);
    }
    let verified = verify(target, &received).await?;
    let completed = u32::try_from(received.len())?;
    Ok(Cell {
        per_second: f64::from(completed) / elapsed.as_secs_f64(),
        p50: percentile(&totals, 0.50),
        p99: percentile(&totals, 0.99),
        step_p50,
        cpu_per_credential: cpu.checked_div(completed).unwrap_or_default(),
        verified,
    })
}

/// Checks every credential of a cell (see the file's header); returns how many.
async fn verify(target: &Target, received: &[Received]) -> Result<u64, FixtureError> {
    let verifier = SdJwtVcVerifier::new().issuer_key(None, target.issuer_key.clone());
    let fail = |what: &str, credential: &str| -> FixtureError {
        format!("{}: {what}: {credential}", target.name).into()
    };
    for r in received {
        let verified = verifier
            .verify(&r.credential)
            .await
            .map_err(|e| fail(&format!("does not verify ({e})"), &r.credential))?;
        let claims = &verified.claims;
        if claims.get("iss") != Some(&json!(target.issuer_did.as_str())) {
            return Err(fail("iss is not the issuer's did:key", &r.credential));
        }
        if claims.get("vct") != Some(&json!(VCT)) {
            return Err(fail("another vct", &r.credential));
        }
        if claims.get("cnf") != Some(&json!({"jwk": r.holder_jwk})) {
            return Err(fail("cnf is not the proof key", &r.credential));
        }
        if verified.disclosed.len() != DISCLOSURES {
            return Err(fail("not the three disclosures", &r.credential));
        }
        for (name, value) in &r.claims {
            if claims.get(name) != Some(value) {
                return Err(fail(&format!("{name} is not as offered"), &r.credential));
            }
        }
        let list = &claims
            .get("status")
            .and_then(|s| s.get("status_list"))
            .ok_or_else(|| fail("no status entry", &r.credential))?;
        let (Some(uri), Some(idx)) = (list["uri"].as_str(), list["idx"].as_u64()) else {
            return Err(fail("a malformed status entry", &r.credential));
        };
        let fresh = target
            .entries
            .lock()
            .map_err(|_| "a wallet worker panicked")?
            .insert(format!("{uri}#{idx}"));
        if !fresh {
            return Err(fail("a status entry handed out twice", &r.credential));
        }
        let _ = target.first.set(r.credential.clone());
    }
    target
        .issued
        .fetch_add(received.len() as u64, Ordering::Relaxed);
    Ok(received.len() as u64)
}
