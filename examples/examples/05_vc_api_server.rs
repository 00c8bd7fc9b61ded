//! The whole issuer service on loopback: the VC API issuer endpoints, status lists, credential
//! pickup and the VCALM workflow service (exchanges), over embedded SQLite, signing with an
//! Ed25519 `did:key`.
//!
//!     cargo run -p vc-examples --example 05_vc_api_server -- [--addr <ip:port>] [--db <file>]
//!         [--seed <64 hex>] [--token <bearer token>] [--serve-for <secs>]
//!
//! The one line on stdout is `listening on http://...`; stderr gets the issuer DID, the bearer
//! token (a random one unless `--token`), the workflow URL and the database file. It serves until
//! Ctrl-C, or for
//! `--serve-for` seconds. The workflow `degree` authenticates the wallet's DID, then issues a
//! university degree (`examples/data/university-degree-schema.json`) from the exchange's
//! variables; `06_vcalm_coordinator --server <url> --token <token>` drives it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use vc_examples::vcalm::server::{random_token, ServerConfig, VcalmServer};
use vc_examples::vcalm::Error;

struct Args {
    config: ServerConfig,
    serve_for: Option<Duration>,
}

fn parse_args() -> Result<Args, String> {
    let mut config = ServerConfig::new(random_token());
    let mut serve_for = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => {
                config.addr = value()?
                    .parse::<SocketAddr>()
                    .map_err(|e| format!("--addr: {e}"))?
            }
            "--db" => config.db = Some(value()?.into()),
            "--seed" => config.seed = Some(value()?),
            "--token" => config.token = value()?,
            "--serve-for" => {
                let secs = value()?
                    .parse::<f64>()
                    .map_err(|e| format!("--serve-for: {e}"))?;
                serve_for = Some(
                    Duration::try_from_secs_f64(secs).map_err(|e| format!("--serve-for: {e}"))?,
                );
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(Args { config, serve_for })
}

async fn run(args: Args) -> Result<(), Error> {
    let token = args.config.token.clone();
    let server = VcalmServer::start(args.config).await?;
    // The only stdout line, so that a script can read it and close the pipe.
    println!("listening on {}", server.base_url());
    eprintln!("issuer: {}", server.issuer_did());
    eprintln!("token: {token}");
    eprintln!("workflow: {}", server.workflow_url());
    eprintln!("database: {}", server.db_path().display());
    match args.serve_for {
        Some(duration) => {
            tokio::select! {
                () = tokio::time::sleep(duration) => {}
                signal = tokio::signal::ctrl_c() => signal?,
            }
        }
        None => tokio::signal::ctrl_c().await?,
    }
    eprintln!("shutting down");
    server.shutdown().await
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("usage: 05_vc_api_server [--addr <ip:port>] [--db <file>] [--seed <64 hex>] [--token <t>] [--serve-for <secs>]");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
