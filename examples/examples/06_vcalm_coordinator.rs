//! A VCALM (VC API) exchange from the coordinator's side, with a simulated wallet: the
//! coordinator creates an exchange on the `degree` workflow, hands out its interaction URL and QR
//! code, and polls; a wallet with its own `did:key` follows the URL, authenticates, and receives
//! a university-degree credential bound to its DID.
//!
//!     cargo run -p vc-examples --example 06_vcalm_coordinator -- [--server <url>
//!         --token-file <file>] [--qr-out <file.png>] [--credential-out <file.json>]
//!         [--seed-file <file>] [--db <file>]
//!
//! Without `--server`, the service of `05_vc_api_server` runs in-process (`--seed-file` and
//! `--db` apply to it). With `--server`, the service's bearer token comes from `--token-file`
//! (the file `05_vc_api_server` names on stderr, or your own) or from `VC_API_TOKEN`; secrets on
//! the command line (`--token`, `--seed`) are refused, since every user of the machine can read
//! it. The key seed of the in-process service comes from `--seed-file` or `VC_ISSUER_SEED`. The
//! QR code of the interaction URL goes to `--qr-out` (default `target/vcalm-qr.png`); the issued
//! credential to `--credential-out` when given, for `node verify.js <file> <issuer DID>`. The
//! final exchange JSON is printed at the end.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use vc_core::Credential;
use vc_examples::vcalm::cli::{coordinator_args, process_env, CoordinatorArgs, COORDINATOR_USAGE};
use vc_examples::vcalm::server::{
    degree_variables, random_token, ServerConfig, VcalmServer, DID_AUTH_STEP, WORKFLOW,
};
use vc_examples::vcalm::wallet::Wallet;
use vc_examples::vcalm::Error;
use vc_issue::coordinator::{Coordinator, PollOptions};
use vc_issue::{CredentialVerifier, InMemoryDidRegistry};

async fn run(args: CoordinatorArgs) -> Result<(), Error> {
    // The workflow service: remote, or started here.
    let (local, base_url, token) = match &args.server {
        Some(url) => (
            None,
            url.trim_end_matches('/').to_owned(),
            args.token.clone().unwrap_or_default(),
        ),
        None => {
            let token = args.token.clone().unwrap_or_else(random_token);
            let mut config = ServerConfig::new(token.clone());
            config.seed = args.seed.clone();
            config.db = args.db.clone();
            let server = VcalmServer::start(config).await?;
            println!("service: {} (in-process)", server.base_url());
            println!("issuer: {}", server.issuer_did());
            let base = server.base_url().to_owned();
            (Some(server), base, token)
        }
    };
    let workflow_url = format!("{base_url}/workflows/{WORKFLOW}");

    // 1. The coordinator creates an exchange with the degree's claims as its variables.
    let coordinator = Coordinator::builder()
        .bearer_token(token)
        .request_timeout(Duration::from_secs(10))
        .build()?;
    let exchange = coordinator
        .create_exchange(
            &workflow_url,
            Duration::from_secs(15 * 60),
            degree_variables()?,
        )
        .await?;
    println!("exchange: {exchange}");

    // 2. The interaction: a URL and its QR code.
    let interaction = coordinator.interaction(&exchange)?;
    println!("interaction: {}", interaction.url());
    if let Some(parent) = args.qr_out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.qr_out, interaction.qr_png(8)?)?;
    println!("qr code: {}", args.qr_out.display());

    // 3. The coordinator waits while the wallet does its part.
    let polling = tokio::spawn({
        let (coordinator, exchange) = (coordinator.clone(), exchange.clone());
        async move {
            let options = PollOptions::new(Duration::from_secs(60))
                .with_intervals(Duration::from_millis(100), Duration::from_secs(1));
            coordinator.poll(&exchange, options).await
        }
    });
    let wallet = Wallet::generate();
    println!("wallet: {}", wallet.did());
    let received = wallet.complete(interaction.url().as_str()).await?;
    println!(
        "wallet: received {} credential(s) from {}",
        received.credentials.len(),
        received.exchange_url
    );
    let outcome = polling.await??;
    let bound = outcome
        .exchange
        .result(DID_AUTH_STEP)
        .and_then(|r| r["did"].as_str());
    if bound != Some(wallet.did().as_str()) {
        return Err(format!("the exchange bound {bound:?}, not the wallet's DID").into());
    }
    println!(
        "coordinator: exchange complete after {} read(s); {DID_AUTH_STEP}.did = {}",
        outcome.reads,
        wallet.did()
    );

    // The credential: verify it, check it is the wallet's, write it out.
    let credential_json = received
        .credentials
        .first()
        .cloned()
        .ok_or("no credential delivered")?;
    let credential = Credential::from_value(credential_json.clone())?;
    CredentialVerifier::new(Arc::new(InMemoryDidRegistry::new()))
        .verify(&credential)
        .await?;
    // The service's own VC API verifier agrees (`POST /credentials/verify`, no token).
    let reply: Value = reqwest::Client::new()
        .post(format!("{base_url}/credentials/verify"))
        .json(&serde_json::json!({ "verifiableCredential": credential_json }))
        .send()
        .await?
        .json()
        .await?;
    if reply["verified"] != Value::Bool(true) {
        return Err(format!("the service's verifier answered {reply}").into());
    }
    println!("service verifier: verified");
    if credential_json["credentialSubject"]["id"] != Value::String(wallet.did().to_string()) {
        return Err("the credential is not bound to the wallet's DID".into());
    }
    println!(
        "credential: {} from {}, verified",
        credential.id.as_deref().unwrap_or("(no id)"),
        credential.issuer_id().unwrap_or("(no issuer)")
    );
    if let Some(path) = &args.credential_out {
        std::fs::write(path, serde_json::to_string_pretty(&credential_json)?)?;
        println!("credential written to {}", path.display());
    }

    println!("{}", serde_json::to_string_pretty(&outcome.exchange)?);
    if let Some(server) = local {
        server.shutdown().await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match coordinator_args(std::env::args().skip(1), &process_env) {
        Ok(args) => vc_examples::exit::outcome(run(args).await),
        Err(error) => vc_examples::exit::usage(error.message(), COORDINATOR_USAGE),
    }
}
