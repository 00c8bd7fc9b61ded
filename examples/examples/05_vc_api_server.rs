//! The whole issuer service on loopback: the VC API issuer endpoints, status lists, credential
//! pickup and the VCALM workflow service (exchanges), over embedded SQLite, signing with an
//! Ed25519 `did:key`.
//!
//!     cargo run -p vc-examples --example 05_vc_api_server -- [--addr <ip:port>] [--db <file>]
//!         [--seed-file <file>] [--token-file <file>] [--serve-for <secs>]
//!         [--instance <name>=<ed25519|p256|p384|bls12381>[:<suite>,...]]...
//!
//! Next to the default instance (the bare routes: `POST /credentials/issue`, ...) it serves one
//! issuer instance per key type at `/issuers/{name}/credentials/issue` (`ed25519`, `p256`,
//! `p384`, `bls12381`, each with every suite of its key type, see `vc_examples::vcalm::instances`),
//! or the ones `--instance` names; stderr lists each with its DID. The VC API verifier routes
//! (`POST /credentials/verify`, `/presentations/verify`, `/credentials/derive`) are mounted too,
//! without a token (verifying reveals nothing the caller did not send).
//!
//! The bearer token and the issuer key's seed (64 hex characters) are read from a file
//! (`--token-file`, `--seed-file`) or from the environment (`VC_API_TOKEN`, `VC_ISSUER_SEED`),
//! never from the command line, where every user of the machine could read them; `--token` and
//! `--seed` are refused. Without a seed the key is random. Without a token the server makes up a
//! random one, writes it to a file only its owner can read (mode `0600`, in a private temporary
//! directory removed at shutdown) and names that file on stderr: the token itself is never
//! printed, so it does not end up in terminal scrollback or a log collector.
//!
//! The one line on stdout is `listening on http://...`; stderr gets the issuer DID, where the
//! token came from, the workflow URL and the database file. It serves until Ctrl-C or SIGTERM,
//! or for `--serve-for` seconds. The workflow `degree` authenticates the wallet's DID, then
//! issues a university degree (`examples/data/university-degree-schema.json`) from the
//! exchange's variables; `06_vcalm_coordinator --server <url> --token-file <file>` drives it
//! (or with `VC_API_TOKEN` set for both).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use vc_examples::signal::serve_until_stopped;
use vc_examples::vcalm::cli::{
    process_env, server_args, write_secret_file, SecretSource, ServerArgs, SERVER_USAGE,
};
use vc_examples::vcalm::server::VcalmServer;
use vc_examples::vcalm::Error;

async fn run(args: ServerArgs) -> Result<(), Error> {
    // A random token is handed over in a private file, removed when `_token_dir` is dropped at
    // shutdown (the token dies with the process anyway).
    let (token_note, _token_dir) = match &args.token_source {
        SecretSource::Random => {
            let dir = tempfile::Builder::new()
                .prefix("vc-api-server-")
                .tempdir()?;
            let path = dir.path().join("token");
            write_secret_file(&path, &args.config.token)?;
            let note = format!(
                "random, in {} (mode 0600, removed at shutdown)",
                path.display()
            );
            (note, Some(dir))
        }
        SecretSource::File(path) => (format!("from {}", path.display()), None),
        SecretSource::Env(var) => (format!("from {var}"), None),
    };
    let server = VcalmServer::start(args.config).await?;
    // The only stdout line, so that a script can read it and close the pipe.
    println!("listening on {}", server.base_url());
    eprintln!("issuer: {}", server.issuer_did());
    for (name, did, suite) in server.instances() {
        eprintln!(
            "instance {name}: {did} ({suite} by default) at {}/issuers/{name}/credentials/issue",
            server.base_url()
        );
    }
    eprintln!("token: {token_note}");
    eprintln!("workflow: {}", server.workflow_url());
    eprintln!("database: {}", server.db_path().display());
    serve_until_stopped(args.serve_for).await?;
    eprintln!("shutting down");
    server.shutdown().await
}

/// Ctrl-C, or on Unix also SIGTERM (`kill`), so that a stopped server still shuts down cleanly
/// and removes its token file.
#[tokio::main]
async fn main() -> ExitCode {
    match server_args(std::env::args().skip(1), &process_env) {
        Ok(args) => vc_examples::exit::outcome(run(args).await),
        Err(error) => vc_examples::exit::usage(error.message(), SERVER_USAGE),
    }
}
