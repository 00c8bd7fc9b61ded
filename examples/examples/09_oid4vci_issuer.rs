//! A university issues a diploma to a wallet over OpenID for Verifiable Credential Issuance 1.0:
//! the offer as a QR code on the terminal and as a PNG, pre-authorized with a transaction code
//! (sent to the student on another channel), and one credential deferred until the registrar
//! approves it. The diploma comes in the formats wallets speak: `ldp_vc`, `jwt_vc_json`, and
//! `dc+sd-jwt` (an SD-JWT VC whose degree name and grade the student discloses at will, bound to
//! the wallet's key, revocable through a Token Status List served at `/statuslists/{list}`).
//!
//!     cargo run -p vc-examples --example 09_oid4vci_issuer -- [--port <port>]
//!         [--serve-for <seconds>] [--png <file>] [--out-dir <dir>]
//!
//! The issuer listens on `127.0.0.1` (`--port`, any free port by default) and serves the
//! metadata, the OpenID4VCI endpoints and the status lists until Ctrl-C (or `--serve-for`
//! seconds). At start it makes one offer (the diploma now, and its deferred copy for the
//! student's archive) and shows it as a QR code; the PNG goes to `--png` (a temporary file by
//! default). Scan it with a wallet that speaks OpenID4VCI 1.0, or run the OpenWallet Foundation
//! client of the interop kit: `node oid4vci-wallet.js '<offer URI>' --tx-code <code> --insecure-http`.
//!
//! The registrar's office has two routes of its own, next to the library's (a host adds such
//! routes to the same router), guarded by a bearer token:
//! - `POST /registrar/offers` `{"configurations": [...], "tx_code": bool, "by_reference": bool,
//!   "authorization": bool}`: a fresh offer `{"uri", "tx_code"}` for the demo student,
//!   pre-authorized, or (`authorization`) through the authorization code flow, where the student
//!   signs in (the university's session cookie `university_session`) and the wallet
//!   `student-wallet` redeems its code with PKCE at `https://wallet.example/callback`;
//! - `POST /registrar/approve`: approves every request waiting for review and issues it, so the
//!   wallet polling the deferred credential endpoint receives it (`{"approved": n}`).
//!
//! DPoP proofs must carry the server's nonce (`DPoP-Nonce`, RFC 9449 §8).
//!
//! With `--out-dir`, the server writes `base_url`, `issuer_did`, `registrar_token` and the demo
//! student's `student_session` (both mode 0600) there, then `ready`: what `.ci/interop-oid4vci`
//! drives it with.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::future::IntoFuture;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use vc_examples::flags::each_flag;

use async_trait::async_trait;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use rand::RngCore;
use serde_json::{json, Map, Value};
use vc_examples::signal::serve_until_stopped;
use vc_examples::vcalm::cli::write_secret_file;
use vc_examples::{data_dir, one_key};
use vc_issue::http::{oid4vci_routes, serve, Authorizer, BearerTokens, ServeLimits, VcApi};
use vc_issue::oid4vci::{
    CredentialConfiguration, CredentialFormat, OAuthClient, OfferRequest, Oid4vciIssuer,
    SessionUsers, TxCode, UserGrant,
};
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::queue::{
    AlwaysHold, IssuanceObserver, IssuanceQueue, MemoryIssuanceStore, TicketId, TicketState,
    TransitionEvent,
};
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemorySchemaRegistry, Issuer, ProofType, SchemaEntry,
};
use vc_status::{ListFormat, StatusRegistry};

const USAGE: &str = "usage: 09_oid4vci_issuer [--port <port>] [--serve-for <seconds>] \
                     [--png <file>] [--out-dir <dir>]";

/// The diploma, issued at once (`ldp_vc`, revocable).
const DIPLOMA: &str = "diploma_ldp";
/// The diploma as a JWT (`jwt_vc_json`, revocable).
const DIPLOMA_JWT: &str = "diploma_jwt";
/// The diploma as an SD-JWT VC (`dc+sd-jwt`, revocable through the Token Status List).
const DIPLOMA_SD_JWT: &str = "diploma_sd_jwt";
/// The `vct` of the diploma as an SD-JWT VC.
const DIPLOMA_VCT: &str = "https://university.example/vct/diploma";
/// The archive copy, issued once the registrar approves.
const DIPLOMA_DEFERRED: &str = "diploma_deferred";
/// The wallet registered for the authorization code flow, and where it gets its code.
const WALLET_CLIENT: &str = "student-wallet";
const WALLET_REDIRECT: &str = "https://wallet.example/callback";
/// The cookie of the university's single sign-on session.
const SESSION_COOKIE: &str = "university_session";

#[derive(Default)]
struct Args {
    port: u16,
    serve_for: Option<Duration>,
    png: Option<PathBuf>,
    out_dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    each_flag(std::env::args().skip(1), |flag, value| {
        match flag {
            "--port" => args.port = value()?.parse().map_err(|_| "--port takes a port")?,
            "--serve-for" => {
                let seconds: u64 = value()?
                    .parse()
                    .map_err(|_| "--serve-for takes whole seconds")?;
                args.serve_for = Some(Duration::from_secs(seconds));
            }
            "--png" => args.png = Some(value()?.into()),
            "--out-dir" => args.out_dir = Some(value()?.into()),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown flag {other}")),
        }
        Ok(())
    })?;
    Ok(args)
}

/// The registrar's desk: the requests waiting for review, as the queue reports them.
#[derive(Debug, Default)]
struct Desk {
    waiting: Mutex<Vec<TicketId>>,
}

#[async_trait]
impl IssuanceObserver for Desk {
    async fn on_transition(&self, event: &TransitionEvent) {
        if event.to == TicketState::PendingApproval {
            self.waiting
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(event.ticket.clone());
        }
    }
}

#[derive(Clone)]
struct Registrar {
    oid4vci: Oid4vciIssuer,
    queue: IssuanceQueue,
    desk: Arc<Desk>,
    auth: Arc<BearerTokens>,
    claims: Map<String, Value>,
}

type Answer = Result<Json<Value>, (StatusCode, Json<Value>)>;

fn refused(status: StatusCode, message: impl ToString) -> (StatusCode, Json<Value>) {
    (status, Json(json!({ "message": message.to_string() })))
}

async fn make_offer(
    State(desk): State<Registrar>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Answer {
    desk.auth
        .authorize(&headers)
        .await
        .map_err(|e| refused(StatusCode::UNAUTHORIZED, e))?;
    let mut request = OfferRequest::new();
    let authorization = body["authorization"] == json!(true);
    for id in body["configurations"].as_array().into_iter().flatten() {
        let id = id.as_str().unwrap_or_default();
        request = if authorization {
            request.authorization(id)
        } else {
            request.credential(id, desk.claims.clone())
        };
    }
    if body["tx_code"] == json!(true) {
        request = request.tx_code(TxCode::numeric(6).with_description("sent to your e-mail"));
    }
    request = request.by_reference(body["by_reference"] == json!(true));
    let offer = desk
        .oid4vci
        .create_offer(request)
        .await
        .map_err(|e| refused(StatusCode::BAD_REQUEST, e))?;
    Ok(Json(
        json!({ "uri": offer.uri(), "tx_code": offer.tx_code() }),
    ))
}

async fn approve(State(desk): State<Registrar>, headers: HeaderMap) -> Answer {
    desk.auth
        .authorize(&headers)
        .await
        .map_err(|e| refused(StatusCode::UNAUTHORIZED, e))?;
    let waiting = std::mem::take(&mut *desk.waiting_lock());
    let mut approved = 0;
    for ticket in waiting {
        desk.queue
            .approve(
                &ticket,
                "registrar@university.example",
                Some("diploma checked"),
            )
            .await
            .map_err(|e| refused(StatusCode::CONFLICT, e))?;
        approved += 1;
    }
    desk.queue
        .worker("registrar")
        .run_until_idle(16)
        .await
        .map_err(|e| refused(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    Ok(Json(json!({ "approved": approved })))
}

impl Registrar {
    fn waiting_lock(&self) -> std::sync::MutexGuard<'_, Vec<TicketId>> {
        self.desk.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The student's claims, as the registrar's records hold them.
fn student_claims() -> Result<Map<String, Value>, Box<dyn std::error::Error>> {
    let request: Value = serde_json::from_str(&std::fs::read_to_string(
        data_dir().join("degree-request.json"),
    )?)?;
    Ok(request["claims"].as_object().cloned().unwrap_or_default())
}

/// The diploma's schema; as an SD-JWT VC the degree's name, the grade and the graduation date
/// are the student's to disclose.
fn diploma_schemas() -> Result<Arc<InMemorySchemaRegistry>, Box<dyn std::error::Error>> {
    let schema: SchemaEntry = serde_json::from_str(&std::fs::read_to_string(
        data_dir().join("university-degree-schema.json"),
    )?)?;
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(schema.with_sd_jwt_vc(SdJwtVcConfig::new(
        DIPLOMA_VCT,
        vec![
            "/degree/name".into(),
            "/gpa".into(),
            "/graduationDate".into(),
        ],
    )));
    Ok(schemas)
}

fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let base = format!("http://{}", listener.local_addr()?);

    // The university's key, DID resolution, schemas and status lists.
    let key = Arc::new(Ed25519Signer::generate());
    let registry = Arc::new(
        StatusRegistry::builder()
            .store(Arc::new(vc_status::store::MemoryStore::new()))
            .list_url_template(format!("{base}/status-lists/{{list}}"))
            .issuer(key.did().to_string())
            .build()?,
    );
    // SD-JWT VCs' status: a Token Status List, its tokens served by the VC API router.
    let token_registry = Arc::new(
        StatusRegistry::builder()
            .store(Arc::new(vc_status::store::MemoryStore::new()))
            .list_url_template(format!("{base}/statuslists/{{list}}"))
            .issuer(key.did().to_string())
            .format(ListFormat::TokenStatusList)
            .namespace("sd-jwt")
            .build()?,
    );
    let issuer = Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(diploma_schemas()?)
        .keys(one_key(key.verification_method_id(), key.clone()))
        .status_registry(registry)
        .token_status_registry(token_registry)
        .build()?;
    // Requests of the deferred configuration wait for the registrar.
    let desk = Arc::new(Desk::default());
    let queue = IssuanceQueue::builder()
        .issuer(issuer.clone())
        .store(Arc::new(MemoryIssuanceStore::new()))
        .policy(Arc::new(AlwaysHold))
        .observer(desk.clone())
        .build()?;
    // The university's single sign-on, reduced to one signed-in student: the session a browser
    // would carry after logging in at /login.
    let claims = student_claims()?;
    let users = Arc::new(SessionUsers::new(SESSION_COOKIE, format!("{base}/login")));
    let student_session = random_token();
    users.sign_in(
        &student_session,
        [DIPLOMA, DIPLOMA_JWT, DIPLOMA_SD_JWT]
            .into_iter()
            .fold(UserGrant::new(), |grant, id| {
                grant.credential(id, claims.clone())
            }),
    );
    let oid4vci = Oid4vciIssuer::builder()
        .authenticator(users)
        .client(OAuthClient::new(WALLET_CLIENT, [WALLET_REDIRECT]))
        .dpop_nonces(time::Duration::minutes(5))
        .issuer(issuer.clone())
        .issuer_did(key.did())
        .credential_issuer(&base)
        .display_name("Example University")
        .configuration(
            CredentialConfiguration::new(
                DIPLOMA,
                "university-degree-v1",
                CredentialFormat::LdpVc(ProofType::EddsaRdfc2022),
            )
            .revocable(true),
        )
        .configuration(
            CredentialConfiguration::new(
                DIPLOMA_JWT,
                "university-degree-v1",
                CredentialFormat::JwtVcJson,
            )
            .revocable(true),
        )
        .configuration(
            CredentialConfiguration::new(
                DIPLOMA_SD_JWT,
                "university-degree-v1",
                CredentialFormat::DcSdJwt,
            )
            .revocable(true),
        )
        .configuration(
            CredentialConfiguration::new(
                DIPLOMA_DEFERRED,
                "university-degree-v1",
                CredentialFormat::LdpVc(ProofType::EddsaRdfc2022),
            )
            .deferred(true),
        )
        .queue(queue.clone())
        .deferred_interval(1)
        .build()?;

    let registrar_token = random_token();
    let auth = Arc::new(BearerTokens::new([registrar_token.as_str()]));
    let registrar = Router::new()
        .route("/registrar/offers", post(make_offer))
        .route("/registrar/approve", post(approve))
        .with_state(Registrar {
            oid4vci: oid4vci.clone(),
            queue,
            desk,
            auth: auth.clone(),
            claims: claims.clone(),
        });
    let router = VcApi::builder()
        .issuer(issuer)
        .authorizer(auth)
        .base_url(&base)
        .status_list_proof_type(ProofType::EddsaRdfc2022)
        .merge(oid4vci_routes(oid4vci.clone()))
        .merge(registrar)
        .build()?
        .router();

    // The offer the student scans: the diploma now (as a W3C credential and as an SD-JWT VC,
    // whichever the wallet keeps), its archive copy once approved.
    let offer = oid4vci
        .create_offer(
            OfferRequest::new()
                .credential(DIPLOMA, claims.clone())
                .credential(DIPLOMA_SD_JWT, claims.clone())
                .credential(DIPLOMA_DEFERRED, claims)
                .tx_code(TxCode::numeric(6).with_description("sent to your university e-mail"))
                .ttl(time::Duration::hours(1)),
        )
        .await?;
    println!("{}", offer.qr_text()?);
    println!("credential offer: {}", offer.uri());
    println!(
        "transaction code (by e-mail): {}",
        offer.tx_code().unwrap_or_default()
    );
    let png = args
        .png
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("vc-oid4vci-offer.png"));
    std::fs::write(&png, offer.qr_png(6)?)?;
    println!("QR code: {}", png.display());
    println!("issuer {} at {base}", key.did());

    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("base_url"), &base)?;
        std::fs::write(dir.join("issuer_did"), key.did().as_str())?;
        write_secret_file(&dir.join("registrar_token"), &registrar_token)?;
        write_secret_file(&dir.join("student_session"), &student_session)?;
        std::fs::write(dir.join("ready"), "")?;
    }

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        serve(listener, router, ServeLimits::default())
            .with_graceful_shutdown(async { stopped.await.unwrap_or(()) })
            .into_future(),
    );
    serve_until_stopped(args.serve_for).await?;
    eprintln!("shutting down");
    let _ = stop.send(());
    server.await??;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    vc_examples::exit::run(parse_args(), USAGE, run).await
}
