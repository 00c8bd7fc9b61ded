//! Issues a university-degree credential on in-memory defaults, prints it, and verifies it.
//!
//!     cargo run -p vc-examples --example 01_issue -- [--suite <proofType>] [--seed <64 hex>]
//!         [--request <file.json>] [--v1] [--created <dateTime>]
//!         [--status-list-out <file.json>] [--revoke] [--p256] [--warm <n>]
//!
//! The credential JSON alone goes to stdout (so it can be piped into a verifier); what happened goes
//! to stderr. `--seed` fixes the issuer key and `--created` the issuance time, which makes the output
//! reproducible byte for byte (the credential id is then derived from them). A request file is an `IssuanceRequest`; its `issuerDid` may be left
//! out, and is then the `did:key` of the seed. For a revocable request, `--status-list-out` writes the
//! signed status list credential (after setting the credential's bit when `--revoke` is given), so
//! that a verifier can check the status. `--warm <n>` first issues `n` credentials of the same shape
//! to other holders (discarded), so that the printed one is canonicalized from the shape template
//! the RDF suites keep instead of a full JSON-LD expansion; CI checks that the output does not
//! change.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;

use serde_json::Value;
use vc_core::{Clock, Credential, DateTime, FixedClock, SystemClock};
use vc_examples::flags::each_flag;
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, IssuanceRequest, IssuedCredential,
    Issuer, P256Signer, ProofType, Signer,
};
use vc_status::store::MemoryStore;
use vc_status::{StatusEntry, StatusRegistry};

#[derive(Default)]
struct Args {
    suite: ProofType,
    seed: Option<String>,
    request: Option<String>,
    v1: bool,
    created: Option<DateTime>,
    status_list_out: Option<String>,
    revoke: bool,
    p256: bool,
    warm: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        suite: ProofType::EddsaRdfc2022,
        ..Args::default()
    };
    each_flag(std::env::args().skip(1), |flag, value| {
        match flag {
            "--suite" => args.suite = ProofType::from(value()?.as_str()),
            "--seed" => args.seed = Some(value()?),
            "--request" => args.request = Some(value()?),
            "--v1" => args.v1 = true,
            "--created" => {
                args.created = Some(DateTime::parse(&value()?).map_err(|e| e.to_string())?)
            }
            "--status-list-out" => args.status_list_out = Some(value()?),
            "--revoke" => args.revoke = true,
            "--p256" => args.p256 = true,
            "--warm" => {
                args.warm = value()?
                    .parse()
                    .map_err(|_| "--warm takes a count".to_owned())?
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown flag {other}")),
        }
        Ok(())
    })?;
    Ok(args)
}

/// The issuer key: Ed25519, or P-256 for `ecdsa-rdfc-2019` and with `--p256` (for `vc+jwt` ES256);
/// the seed, when given, is the private key.
fn signer(args: &Args) -> Result<(Arc<dyn Signer>, vc_core::Did, vc_core::DidUrl), String> {
    if args.p256 || args.suite == ProofType::EcdsaRdfc2019 {
        let key = match &args.seed {
            Some(hex) => {
                let bytes = hex_bytes(hex).ok_or("a seed is 64 hex characters")?;
                P256Signer::from_bytes(&bytes).map_err(|e| e.to_string())?
            }
            None => P256Signer::generate(),
        };
        let (did, vm) = (key.did(), key.verification_method_id());
        return Ok((Arc::new(key), did, vm));
    }
    let key = match &args.seed {
        Some(hex) => Ed25519Signer::from_seed_hex(hex).map_err(|e| e.to_string())?,
        None => Ed25519Signer::generate(),
    };
    let (did, vm) = (key.did(), key.verification_method_id());
    Ok((Arc::new(key), did, vm))
}

fn hex_bytes(hex: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn load_request(args: &Args, issuer: &vc_core::Did) -> Result<IssuanceRequest, String> {
    let path = args
        .request
        .clone()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| vc_examples::data_dir().join("degree-request.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let object = value.as_object_mut().ok_or("a request is a JSON object")?;
    object
        .entry("issuerDid")
        .or_insert_with(|| Value::String(issuer.to_string()));
    object.insert("proofType".into(), Value::String(args.suite.to_string()));
    if args.v1 {
        object.insert("dataModel".into(), Value::String("1.1".into()));
    }
    if let (Some(created), false) = (&args.created, object.contains_key("credentialId")) {
        // Reproducible output: the id follows from the inputs instead of being random.
        let digest = vc_core::jcs::sha256(&serde_json::json!([issuer, created, object]))
            .map_err(|e| e.to_string())?;
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        let id = format!(
            "urn:uuid:{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        );
        object.insert("credentialId".into(), Value::String(id));
    }
    serde_json::from_value(value)
        .map_err(|e| format!("{}: not an IssuanceRequest: {e}", path.display()))
}

async fn run(args: Args) -> Result<(), String> {
    let (signer, did, verification_method) = signer(&args)?;
    let clock: Arc<dyn Clock> = match &args.created {
        Some(at) => Arc::new(FixedClock::new(at.instant().map_err(|e| e.to_string())?)),
        None => Arc::new(SystemClock),
    };
    let keys = vc_examples::one_key(verification_method, signer);
    let schemas = vc_examples::degree_schemas().map_err(|e| e.to_string())?;
    let dids = Arc::new(InMemoryDidRegistry::new());
    let status = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template("https://university.example/status/{list}")
        .issuer(did.as_str())
        .clock(clock.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let status = Arc::new(status);
    let issuer = Issuer::builder()
        .resolver(dids.clone())
        .schemas(schemas)
        .keys(keys)
        .status_registry(status.clone())
        .clock(clock)
        .build()
        .map_err(|e| e.to_string())?;

    let request = load_request(&args, &did)?;
    for _ in 0..args.warm {
        let mut other = request.clone();
        other.holder = Ed25519Signer::generate().did().into();
        issuer
            .issue(other)
            .await
            .map_err(|e| e.to_json().to_string())?;
    }
    let proof_type = request.proof_type.clone();
    eprintln!(
        "issuing {} as {} with {}",
        request.schema_id, did, request.proof_type
    );
    let response = issuer
        .issue(request)
        .await
        .map_err(|e| e.to_json().to_string())?;
    match &response.credential {
        IssuedCredential::Embedded(credential) => {
            println!(
                "{}",
                credential.to_json_pretty().map_err(|e| e.to_string())?
            );
            CredentialVerifier::new(dids)
                .verify(credential)
                .await
                .map_err(|e| format!("verification failed: {e}"))?;
            eprintln!(
                "verified: {} ({})",
                response.credential_id,
                credential.proofs()[0].suite_name()
            );
        }
        IssuedCredential::Jwt(jwt) => {
            println!("{jwt}");
            let credential = CredentialVerifier::new(dids)
                .verify_jwt(jwt)
                .await
                .map_err(|e| format!("verification failed: {e}"))?;
            eprintln!("verified: {} (vc+jwt)", credential.id.unwrap_or_default());
        }
    }
    if let Some(entry) = &response.credential_status {
        eprintln!("status list index: {}", entry["statusListIndex"]);
        export_status_list(&args, &issuer, &status, entry, &proof_type).await?;
    }
    Ok(())
}

/// Revokes the credential when asked, then signs its status list credential and writes it out.
async fn export_status_list(
    args: &Args,
    issuer: &Issuer,
    status: &StatusRegistry,
    entry: &Value,
    proof_type: &ProofType,
) -> Result<(), String> {
    let entry = StatusEntry::from_value(entry.clone()).map_err(|e| e.to_string())?;
    if args.revoke {
        status.revoke(&entry).await.map_err(|e| e.to_string())?;
        eprintln!("revoked index {}", entry.index());
    }
    let Some(path) = &args.status_list_out else {
        return Ok(());
    };
    let list = status
        .list_credential_for_url(entry.list_credential())
        .await
        .map_err(|e| e.to_string())?;
    let list = Credential::from_value((*list).clone()).map_err(|e| e.to_string())?;
    let signed = issuer
        .sign_credential(list, proof_type)
        .await
        .map_err(|e| e.to_json().to_string())?;
    let text = match &signed {
        IssuedCredential::Embedded(credential) => {
            credential.to_json_pretty().map_err(|e| e.to_string())?
        }
        IssuedCredential::Jwt(jwt) => jwt.clone(),
    };
    std::fs::write(path, text).map_err(|e| format!("{path}: {e}"))?;
    eprintln!("status list credential written to {path}");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    vc_examples::exit::run(
        parse_args(),
        "usage: 01_issue [--suite <proofType>] [--seed <64 hex>] [--request <file>] [--v1] [--created <dateTime>]",
        run,
    )
    .await
}
