//! Issuance over HTTP under load, next to the in-process pipeline on the same requests (issue 19).
//!
//! The real VC API router (`VcApi`, through `vc_issue::http::serve` with its default edge limits)
//! listens on loopback in this process; a load generator in the same process and on the same
//! runtime holds a fixed number of requests in flight (the concurrency), each worker on its own
//! HTTP/1.1 keep-alive connection (hyper's client connection: nothing pooled, nothing shared
//! between workers), and sends revocable `eddsa-rdfc-2022` `IssuanceRequest`s whose claims differ
//! per request in strings and numbers. The same requests are issued in-process, at the same
//! concurrency, on the same `Issuer` and the same store:
//!
//! | mode | what one request is |
//! |---|---|
//! | `pipeline` | `Issuer::issue` (schema, claims, holder, status allocation, construction, signing) |
//! | `indexed` | `Issuer::issue`, then `CredentialStatusIndex::record` of its entry through a `GroupedStatusIndex`: what the handler does, without HTTP |
//! | `http` | `POST /credentials/issue` with a bearer token: `201` and the signed credential |
//! | `two-processes` | the same, the connections spread over this process's server and a second server process (this binary again, `VC_LOAD_CHILD`) on the same database |
//!
//! For each backend (SQLite always; PostgreSQL when `VC_TEST_POSTGRES_URL` is set) and each
//! concurrency it prints credentials/s, p50 and p99 latency, the process CPU time per credential
//! (server, client and SQLite threads together: the load generator's CPU is counted), and the
//! RSS at the end of the window and its peak in the window, then the ratio HTTP / pipeline.
//! After each backend it checks that no status index was handed out twice (the in-process
//! responses and every entry the HTTP handler recorded) and that the index holds one entry per
//! acknowledged credential of the `indexed` and `http` modes.
//!
//! Not criterion: criterion times one routine again and again and reports the time of one
//! iteration; a load test holds a level of concurrency for a while and reads throughput, latency
//! percentiles and memory from the same window. So this is a plain `main` (`harness = false`)
//! that prints a Markdown table; CI only builds it.
//!
//! ```text
//! cargo bench -p vc-benches --bench http_load
//! VC_LOAD_SECONDS=10 VC_LOAD_CONCURRENCY=1,64 VC_LOAD_MODES=pipeline,http \
//!   VC_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p vc-benches --bench http_load
//! ```
//!
//! | variable | default | |
//! |---|---|---|
//! | `VC_LOAD_SECONDS` | 3 | the measured window of each cell |
//! | `VC_LOAD_WARMUP_SECONDS` | 1 | load before the window, at the same concurrency |
//! | `VC_LOAD_CONCURRENCY` | `1,16,64,512` | requests in flight |
//! | `VC_LOAD_MODES` | `pipeline,indexed,http,two-processes` | which modes, in this order within a concurrency |
//! | `VC_LOAD_BACKENDS` | `sqlite,sqlite-normal,postgres` | `sqlite-normal`: `synchronous = NORMAL` instead of the stores' `FULL`; PostgreSQL runs only with `VC_TEST_POSTGRES_URL` |
//! | `VC_LOAD_THREADS` | the number of CPUs | the runtime's worker threads |
#![expect(
    clippy::print_stdout,
    reason = "a load test's output is its table on stdout"
)]

use std::collections::HashSet;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{header, Request, StatusCode};
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use vc_benches::cpu_time::process_cpu;
use vc_benches::http1_client::connect;
use vc_benches::latency::{micros_between, ms, percentile};
use vc_benches::load_settings::{env_or, list};
use vc_benches::{degree_issuer_on, FixtureError};
use vc_core::Did;
use vc_issue::http::{serve, BearerTokens, ServeLimits, VcApi};
use vc_issue::status_index::{
    CredentialStatusIndex, GroupedStatusIndex, PostgresCredentialStatusIndex,
    SqliteCredentialStatusIndex,
};
use vc_issue::{Ed25519Signer, IssuanceRequest, Issuer, ProofType};
use vc_status::store::{PostgresStore, SqliteStore, StatusListStore};
use vc_status::StatusEntry;

/// The bearer token the load generator sends.
const TOKEN: &str = "load-test-token";

/// How many holders the requests rotate through (each a did:key, resolved per request).
const HOLDERS: u64 = 16;

fn main() -> ExitCode {
    // A second server process of the `two-processes` mode (see `ChildServer`).
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build();
        let outcome = match runtime {
            Ok(runtime) => runtime.block_on(child_server(spec)),
            Err(e) => Err(e.into()),
        };
        return match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("http_load (server process): {e}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("http_load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.threads)
        .enable_all()
        .build();
    let outcome = match runtime {
        Ok(runtime) => runtime.block_on(run(config)),
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http_load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What to run, from the environment.
#[derive(Debug, Clone)]
struct Config {
    warmup: Duration,
    window: Duration,
    concurrency: Vec<usize>,
    modes: Vec<Mode>,
    backends: Vec<BackendKind>,
    threads: usize,
}

impl Config {
    fn from_env() -> Result<Self, FixtureError> {
        let seconds = |name: &str, default: f64| -> Result<Duration, FixtureError> {
            let value = env_or(name, default)?;
            Duration::try_from_secs_f64(value).map_err(|e| format!("{name}: {e}").into())
        };
        let postgres = std::env::var("VC_TEST_POSTGRES_URL").ok();
        let backends = list("VC_LOAD_BACKENDS", "sqlite,sqlite-normal,postgres")?
            .into_iter()
            .filter_map(|name: String| match name.as_str() {
                "sqlite" => Some(Ok(BackendKind::Sqlite)),
                "sqlite-normal" => Some(Ok(BackendKind::SqliteNormal)),
                "postgres" => postgres.clone().map(|url| Ok(BackendKind::Postgres(url))),
                other => Some(Err(format!("VC_LOAD_BACKENDS: unknown backend {other:?}"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Self {
            warmup: seconds("VC_LOAD_WARMUP_SECONDS", 1.0)?,
            window: seconds("VC_LOAD_SECONDS", 3.0)?,
            concurrency: list("VC_LOAD_CONCURRENCY", "1,16,64,512")?,
            modes: list("VC_LOAD_MODES", "pipeline,indexed,http,two-processes")?,
            backends,
            threads: env_or("VC_LOAD_THREADS", threads)?,
        })
    }
}

/// How one request is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Pipeline,
    Indexed,
    Http,
    TwoProcesses,
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pipeline" => Ok(Mode::Pipeline),
            "indexed" => Ok(Mode::Indexed),
            "http" => Ok(Mode::Http),
            "two-processes" => Ok(Mode::TwoProcesses),
            _ => Err("expected pipeline, indexed, http or two-processes".into()),
        }
    }
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Pipeline => "in-process `Issuer::issue`",
            Mode::Indexed => "in-process + status index",
            Mode::Http => "HTTP `POST /credentials/issue`",
            Mode::TwoProcesses => "HTTP, two server processes",
        }
    }
}

/// Where status lists and the credential status index live.
#[derive(Debug, Clone)]
enum BackendKind {
    Sqlite,
    /// SQLite with `synchronous = NORMAL` instead of the stores' `FULL`: what durability costs.
    SqliteNormal,
    /// The database URL.
    Postgres(String),
}

/// A backend's database, as a second server process finds it: `VC_LOAD_CHILD` carries it as
/// text (`sqlite|normal|path`, `postgres|url|status schema|index schema`).
#[derive(Debug, Clone)]
enum Location {
    Sqlite {
        /// `synchronous = NORMAL` instead of `FULL`.
        normal: bool,
        path: std::path::PathBuf,
    },
    Postgres {
        url: String,
        schemas: [String; 2],
    },
}

impl Location {
    fn to_spec(&self) -> String {
        match self {
            Location::Sqlite { normal, path } => format!("sqlite|{normal}|{}", path.display()),
            Location::Postgres { url, schemas } => {
                format!("postgres|{url}|{}|{}", schemas[0], schemas[1])
            }
        }
    }

    fn from_spec(spec: &str) -> Result<Self, FixtureError> {
        let parts: Vec<&str> = spec.split('|').collect();
        match parts.as_slice() {
            ["sqlite", normal, path] => Ok(Location::Sqlite {
                normal: normal.parse()?,
                path: path.into(),
            }),
            ["postgres", url, status, index] => Ok(Location::Postgres {
                url: (*url).to_owned(),
                schemas: [(*status).to_owned(), (*index).to_owned()],
            }),
            _ => Err(format!("VC_LOAD_CHILD: unexpected {spec:?}").into()),
        }
    }

    /// Opens (creating and migrating when new) the stores at this location.
    async fn stores(
        &self,
    ) -> Result<
        (
            Arc<dyn StatusListStore>,
            Arc<dyn CredentialStatusIndex>,
            Recorded,
        ),
        FixtureError,
    > {
        match self {
            Location::Sqlite {
                normal: false,
                path,
            } => {
                let status = SqliteStore::open(path).await?;
                let index = SqliteCredentialStatusIndex::open(path).await?;
                let recorded = Recorded::Sqlite(index.pool().clone());
                Ok((Arc::new(status), Arc::new(index), recorded))
            }
            Location::Sqlite { normal: true, path } => {
                // The pool the stores would build, but syncing the log only at checkpoints.
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options)
                    .await?;
                let status = SqliteStore::from_pool(pool.clone()).await?;
                let index = SqliteCredentialStatusIndex::from_pool(pool.clone()).await?;
                Ok((Arc::new(status), Arc::new(index), Recorded::Sqlite(pool)))
            }
            Location::Postgres { url, schemas } => {
                let status = PostgresStore::connect_with_schema(url, &schemas[0]).await?;
                let index =
                    PostgresCredentialStatusIndex::connect_with_schema(url, &schemas[1]).await?;
                let recorded =
                    Recorded::Postgres(index.pool().clone(), url.clone(), schemas.clone());
                Ok((Arc::new(status), Arc::new(index), recorded))
            }
        }
    }
}

/// A backend's stores, and what to clean up after it.
struct Backend {
    name: &'static str,
    location: Location,
    status: Arc<dyn StatusListStore>,
    index: Arc<dyn CredentialStatusIndex>,
    /// Reads every recorded entry back, for the duplicate check.
    recorded: Recorded,
    _dir: Option<tempfile::TempDir>,
}

enum Recorded {
    Sqlite(sqlx::SqlitePool),
    /// The pool on the index's schema, and the schemas to drop at the end.
    Postgres(sqlx::PgPool, String, [String; 2]),
}

impl Backend {
    async fn open(kind: &BackendKind) -> Result<Self, FixtureError> {
        let (name, location, dir) = match kind {
            BackendKind::Sqlite | BackendKind::SqliteNormal => {
                let dir = tempfile::tempdir()?;
                let normal = matches!(kind, BackendKind::SqliteNormal);
                let location = Location::Sqlite {
                    normal,
                    path: dir.path().join("load.db"),
                };
                let name = if normal {
                    "SQLite, synchronous=NORMAL"
                } else {
                    "SQLite"
                };
                (name, location, Some(dir))
            }
            BackendKind::Postgres(url) => {
                // Schemas of this run only, dropped at the end.
                let run = format!(
                    "{}_{}",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)?
                        .as_millis()
                );
                let schemas = [format!("load_status_{run}"), format!("load_index_{run}")];
                let location = Location::Postgres {
                    url: url.clone(),
                    schemas,
                };
                ("PostgreSQL", location, None)
            }
        };
        let (status, index, recorded) = location.stores().await?;
        Ok(Self {
            name,
            location,
            status,
            index,
            recorded,
            _dir: dir,
        })
    }

    /// Every entry the index holds, as `list URL#index`.
    async fn recorded_keys(&self) -> Result<Vec<String>, FixtureError> {
        const SELECT: &str = "SELECT entry FROM credential_status_index";
        let rows: Vec<(String,)> = match &self.recorded {
            Recorded::Sqlite(pool) => sqlx::query_as(SELECT).fetch_all(pool).await?,
            Recorded::Postgres(pool, _, _) => sqlx::query_as(SELECT).fetch_all(pool).await?,
        };
        rows.into_iter()
            .map(|(text,)| {
                Ok(entry_key(&StatusEntry::from_value(serde_json::from_str(
                    &text,
                )?)?))
            })
            .collect()
    }

    async fn close(self) -> Result<(), FixtureError> {
        if let Recorded::Postgres(pool, url, schemas) = self.recorded {
            pool.close().await;
            use sqlx::Connection;
            let mut connection = sqlx::PgConnection::connect(&url).await?;
            for schema in schemas {
                sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                    .execute(&mut connection)
                    .await?;
            }
        }
        Ok(())
    }
}

/// An entry as `statusListCredential#statusListIndex`: two entries with the same key are the same
/// bit of the same list.
fn entry_key(entry: &StatusEntry) -> String {
    format!("{}#{}", entry.list_credential(), entry.index().get())
}

/// The requests of a run: the `degree` schema of `vc_benches::degree_issuer_on`, revocable,
/// `eddsa-rdfc-2022`, the claims differing per request in strings and numbers.
struct Requests {
    issuer: Did,
    holders: Vec<Did>,
    next: AtomicU64,
}

impl Requests {
    fn new(issuer: Did) -> Self {
        let holders = (0..HOLDERS)
            .map(|i| {
                let mut seed = [0x40_u8; 32];
                seed[..8].copy_from_slice(&i.to_be_bytes());
                Ed25519Signer::from_seed(&seed).did()
            })
            .collect();
        Self {
            issuer,
            holders,
            next: AtomicU64::new(0),
        }
    }

    /// The next request: a name, a GPA and a credit count of its own, a degree name out of four.
    fn next(&self) -> IssuanceRequest {
        const DEGREES: [&str; 4] = [
            "Bachelor of Science and Arts",
            "Bachelor of Engineering",
            "Master of Science",
            "Bachelor of Laws",
        ];
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        let mut claims = Map::new();
        claims.insert("name".into(), format!("Student {i}").into());
        claims.insert(
            "degree".into(),
            json!({"type": "BachelorDegree", "name": DEGREES[(i % 4) as usize]}),
        );
        claims.insert("gpa".into(), ((200 + i % 200) as f64 / 100.0).into());
        claims.insert("credits".into(), (90 + i % 91).into());
        let holder = self.holders[(i % HOLDERS) as usize].clone();
        IssuanceRequest::new("degree", self.issuer.clone(), holder, claims)
            .with_proof_type(ProofType::EddsaRdfc2022)
            .revocable(true)
    }
}

/// The router on a loopback port, until dropped or stopped.
struct Server {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(
        issuer: Issuer,
        index: Arc<dyn CredentialStatusIndex>,
    ) -> Result<Self, FixtureError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let router = VcApi::builder()
            .issuer(issuer)
            .authorizer(Arc::new(BearerTokens::new([TOKEN.to_owned()])))
            .base_url(format!("http://{addr}"))
            .status_index(index)
            .build()?
            .router();
        let (stop, stopped) = oneshot::channel::<()>();
        let serve = serve(listener, router, ServeLimits::default()).with_graceful_shutdown(async {
            // A dropped sender stops the server too.
            let _ = stopped.await;
        });
        Ok(Self {
            addr,
            stop,
            task: tokio::spawn(serve.into_future()),
        })
    }

    async fn shutdown(self) -> Result<(), FixtureError> {
        // An error means the server already stopped, which is what is asked.
        let _ = self.stop.send(());
        Ok(self.task.await??)
    }
}

/// What a cell's workers issue against.
struct Target {
    mode: Mode,
    issuer: Issuer,
    index: Arc<dyn CredentialStatusIndex>,
    /// The servers; worker `i` connects to `addrs[i % len]`.
    addrs: Vec<SocketAddr>,
    requests: Arc<Requests>,
}

/// The measured window: a request counts when it completes inside it.
#[derive(Clone, Copy)]
struct Window {
    start: Instant,
    end: Instant,
}

/// What one worker saw.
#[derive(Default)]
struct WorkerReport {
    /// Latencies of the requests completed in the window, in microseconds.
    latencies: Vec<u32>,
    /// Status entries of in-process responses (`pipeline` mode), as [`entry_key`]s.
    entries: Vec<String>,
    /// Requests acknowledged (whole cell, warm-up included).
    acknowledged: u64,
}

async fn worker(
    target: Arc<Target>,
    window: Window,
    number: usize,
) -> Result<WorkerReport, FixtureError> {
    let mut report = WorkerReport::default();
    let addr = *target
        .addrs
        .get(number % target.addrs.len().max(1))
        .ok_or("no server to connect to")?;
    let mut connection = match target.mode {
        Mode::Http | Mode::TwoProcesses => Some(connect(addr).await?),
        Mode::Pipeline | Mode::Indexed => None,
    };
    let host = addr.to_string();
    let authorization = format!("Bearer {TOKEN}");
    let mut checked = false;
    while Instant::now() < window.end {
        let request = target.requests.next();
        match &mut connection {
            None => {
                let started = Instant::now();
                let response = target.issuer.issue(request).await?;
                let status = response
                    .credential_status
                    .ok_or("a revocable credential came without a status entry")?;
                if target.mode == Mode::Indexed {
                    // What the handler does with the response (`entries_of_value`, `record`).
                    let entry = StatusEntry::from_value(status)?;
                    target
                        .index
                        .record(
                            response.credential_id.as_str(),
                            std::slice::from_ref(&entry),
                        )
                        .await?;
                } else {
                    let list = status
                        .get("statusListCredential")
                        .and_then(Value::as_str)
                        .ok_or("a status entry without statusListCredential")?;
                    let index = response
                        .status_list_index
                        .ok_or("a revocable credential came without a status list index")?;
                    report.entries.push(format!("{list}#{index}"));
                }
                report.count(started, window);
            }
            Some(sender) => {
                // The client's serialization is load generation: outside the latency, inside the
                // CPU counted.
                let body = Bytes::from(serde_json::to_vec(&request)?);
                let request = Request::post("/credentials/issue")
                    .header(header::HOST, &host)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::AUTHORIZATION, &authorization)
                    .body(Full::new(body))?;
                let started = Instant::now();
                sender.ready().await?;
                let response = sender.send_request(request).await?;
                let status = response.status();
                let body = response.into_body().collect().await?.to_bytes();
                if status != StatusCode::CREATED {
                    return Err(format!(
                        "POST /credentials/issue answered {status}: {}",
                        String::from_utf8_lossy(&body)
                    )
                    .into());
                }
                report.count(started, window);
                // One response per worker is read whole: a signed credential with its entry.
                if !checked {
                    check_issued(&body)?;
                    checked = true;
                }
            }
        }
    }
    Ok(report)
}

impl WorkerReport {
    fn count(&mut self, started: Instant, window: Window) {
        self.acknowledged += 1;
        let done = Instant::now();
        if done >= window.start && done <= window.end {
            self.latencies.push(micros_between(started, done));
        }
    }
}

fn check_issued(body: &[u8]) -> Result<(), FixtureError> {
    let body: Value = serde_json::from_slice(body)?;
    let credential = body
        .get("verifiableCredential")
        .ok_or("no verifiableCredential in the response")?;
    let cryptosuite = credential.pointer("/proof/cryptosuite");
    if cryptosuite != Some(&json!("eddsa-rdfc-2022")) {
        return Err(format!("unexpected proof: {:?}", credential.get("proof")).into());
    }
    let status = credential
        .get("credentialStatus")
        .ok_or("no credentialStatus in the issued credential")?;
    StatusEntry::from_value(status.clone())?;
    Ok(())
}

/// One cell's numbers.
struct Cell {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    /// Process CPU time (user + system) per credential completed in the window.
    cpu_per_credential: Duration,
    rss: Memory,
    acknowledged: u64,
    entries: Vec<String>,
}

async fn run_cell(
    target: Arc<Target>,
    concurrency: usize,
    warmup: Duration,
    window: Duration,
    other_process: Option<u32>,
) -> Result<Cell, FixtureError> {
    let now = Instant::now();
    let window = Window {
        start: now + warmup,
        end: now + warmup + window,
    };
    let workers: Vec<_> = std::iter::repeat_n((), concurrency)
        .enumerate()
        .map(|(number, ())| tokio::spawn(worker(target.clone(), window, number)))
        .collect();
    tokio::time::sleep_until(window.start.into()).await;
    Memory::reset_peak("self");
    let cpu_before = process_cpu("self")?
        + other_process.map_or(Ok(Duration::ZERO), |pid| process_cpu(&pid.to_string()))?;
    if let Some(pid) = other_process {
        Memory::reset_peak(&pid.to_string());
    }
    tokio::time::sleep_until(window.end.into()).await;
    let cpu_after = process_cpu("self")?
        + other_process.map_or(Ok(Duration::ZERO), |pid| process_cpu(&pid.to_string()))?;
    let cpu = cpu_after.saturating_sub(cpu_before);
    let mut rss = Memory::read("self")?;
    if let Some(pid) = other_process {
        let other = Memory::read(&pid.to_string())?;
        rss.rss_kib += other.rss_kib;
        rss.peak_kib += other.peak_kib;
    }
    let mut latencies = Vec::new();
    let mut entries = Vec::new();
    let mut acknowledged = 0;
    for worker in workers {
        let mut report = worker.await??;
        latencies.append(&mut report.latencies);
        entries.append(&mut report.entries);
        acknowledged += report.acknowledged;
    }
    latencies.sort_unstable();
    let completed = latencies.len() as u32;
    Ok(Cell {
        per_second: f64::from(completed) / (window.end - window.start).as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        cpu_per_credential: cpu.checked_div(completed).unwrap_or_default(),
        rss,
        acknowledged,
        entries,
    })
}

/// A process's resident memory: now (`VmRSS`) and its peak since the last reset (`VmHWM`).
struct Memory {
    rss_kib: u64,
    peak_kib: u64,
}

impl Memory {
    /// Of the process `pid` (`self` for this one).
    fn read(pid: &str) -> Result<Self, FixtureError> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| -> Result<u64, FixtureError> {
            let line = status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .ok_or_else(|| format!("no {name} in /proc/self/status"))?;
            let kib = line.trim().trim_end_matches("kB").trim();
            Ok(kib.parse()?)
        };
        Ok(Self {
            rss_kib: field("VmRSS:")?,
            peak_kib: field("VmHWM:")?,
        })
    }

    /// Resets `VmHWM` to the current RSS (writing `5` to `clear_refs`, Linux 4.0 and later), so
    /// that the peak read after a window is that window's. Where that is refused, the peak is
    /// the process's since it started.
    fn reset_peak(pid: &str) {
        let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    }
}

async fn run(config: Config) -> Result<(), FixtureError> {
    println!(
        "# HTTP load: revocable eddsa-rdfc-2022, {} s window after {} s warm-up per cell, {} runtime threads",
        config.window.as_secs_f64(),
        config.warmup.as_secs_f64(),
        config.threads
    );
    for kind in &config.backends {
        let backend = Backend::open(kind).await?;
        let outcome = run_backend(&config, &backend).await;
        backend.close().await?;
        outcome?;
    }
    Ok(())
}

async fn run_backend(config: &Config, backend: &Backend) -> Result<(), FixtureError> {
    let signer = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let issuer = degree_issuer_on(&signer, backend.status.clone());
    let server = Server::start(issuer.clone(), backend.index.clone()).await?;
    let child = if config.modes.contains(&Mode::TwoProcesses) {
        Some(ChildServer::spawn(&backend.location)?)
    } else {
        None
    };
    let requests = Arc::new(Requests::new(signer.did()));
    // What the router records through: concurrent records share writes.
    let grouped: Arc<dyn CredentialStatusIndex> =
        Arc::new(GroupedStatusIndex::new(backend.index.clone()));
    println!();
    println!("## {}", backend.name);
    println!();
    println!("| in flight | mode | credentials/s | p50 | p99 | CPU per credential | RSS at end / peak in window |");
    println!("|---|---|---|---|---|---|---|");
    let mut entries: Vec<String> = Vec::new();
    let mut recorded_expected = 0;
    let mut ratios = Vec::new();
    for &concurrency in &config.concurrency {
        let mut pipeline_rate = None;
        let mut http_rate = None;
        let mut two_rate = None;
        for &mode in &config.modes {
            let (addrs, other_process) = match (mode, &child) {
                (Mode::TwoProcesses, Some(child)) => {
                    (vec![server.addr, child.addr], Some(child.pid()))
                }
                _ => (vec![server.addr], None),
            };
            let target = Arc::new(Target {
                mode,
                issuer: issuer.clone(),
                index: grouped.clone(),
                addrs,
                requests: requests.clone(),
            });
            let mut cell = run_cell(
                target,
                concurrency,
                config.warmup,
                config.window,
                other_process,
            )
            .await?;
            match mode {
                Mode::Pipeline => pipeline_rate = Some(cell.per_second),
                Mode::Http => http_rate = Some(cell.per_second),
                Mode::TwoProcesses => two_rate = Some(cell.per_second),
                Mode::Indexed => {}
            }
            if mode != Mode::Pipeline {
                recorded_expected += cell.acknowledged;
            }
            entries.append(&mut cell.entries);
            println!(
                "| {concurrency} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.0} µs | {:.0} / {:.0} MiB |",
                mode.name(),
                cell.per_second,
                ms(cell.p50),
                ms(cell.p99),
                cell.cpu_per_credential.as_secs_f64() * 1e6,
                cell.rss.rss_kib as f64 / 1024.0,
                cell.rss.peak_kib as f64 / 1024.0,
            );
        }
        ratios.push((concurrency, pipeline_rate, http_rate, two_rate));
    }
    server.shutdown().await?;
    if let Some(child) = child {
        child.stop()?;
    }
    let percent = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.0} %", a / b * 100.0),
        _ => "—".to_owned(),
    };
    println!();
    println!("| in flight | HTTP / in-process | two processes / one (HTTP) |");
    println!("|---|---|---|");
    for (concurrency, pipeline, http, two) in ratios {
        println!(
            "| {concurrency} | {} | {} |",
            percent(http, pipeline),
            percent(two, http)
        );
    }
    // No index handed out twice, and every acknowledged credential's entry recorded.
    let recorded = backend.recorded_keys().await?;
    if recorded.len() as u64 != recorded_expected {
        return Err(format!(
            "{}: the index holds {} entries for {recorded_expected} acknowledged credentials",
            backend.name,
            recorded.len()
        )
        .into());
    }
    let total = entries.len() + recorded.len();
    let distinct: HashSet<&String> = entries.iter().chain(&recorded).collect();
    if distinct.len() != total {
        return Err(format!(
            "{}: {} status indexes handed out more than once",
            backend.name,
            total - distinct.len()
        )
        .into());
    }
    println!();
    println!(
        "{}: {total} status entries, all distinct; the index holds one per acknowledged credential of the indexed and HTTP modes",
        backend.name
    );
    Ok(())
}

/// The variable that makes this binary a second server process on the database it names.
const CHILD_ENV: &str = "VC_LOAD_CHILD";

/// A second server process (this binary with [`CHILD_ENV`]) on the same database, serving the
/// same issuer (the same key, so the same status list series): the processes share allocation
/// through the store, as issuers on several machines do.
struct ChildServer {
    process: std::process::Child,
    addr: SocketAddr,
}

impl ChildServer {
    fn spawn(location: &Location) -> Result<Self, FixtureError> {
        use std::io::BufRead;
        let mut process = std::process::Command::new(std::env::current_exe()?)
            .env(CHILD_ENV, location.to_spec())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        let stdout = process
            .stdout
            .take()
            .ok_or("the server process has no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let addr = line
            .trim()
            .parse()
            .map_err(|e| format!("the server process said {line:?}: {e}"))?;
        Ok(Self { process, addr })
    }

    fn pid(&self) -> u32 {
        self.process.id()
    }

    /// Closes its stdin, which stops it, and waits for it.
    fn stop(mut self) -> Result<(), FixtureError> {
        drop(self.process.stdin.take());
        let status = self.process.wait()?;
        if !status.success() {
            return Err(format!("the server process ended with {status}").into());
        }
        Ok(())
    }
}

/// The second server process: opens the stores at `spec`, serves until stdin closes.
async fn child_server(spec: String) -> Result<(), FixtureError> {
    use std::io::{Read, Write};
    let (status, index, _) = Location::from_spec(&spec)?.stores().await?;
    let signer = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    let server = Server::start(degree_issuer_on(&signer, status), index).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", server.addr)?;
    stdout.flush()?;
    tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await??;
    server.shutdown().await
}
