//! The ECDSA suites: `ecdsa-rdfc-2019`, `ecdsa-jcs-2019` and `ecdsa-sd-2023` (selective
//! disclosure) with P-256 or P-384 keys. The issuer signs the university-degree credential and
//! checks it; with `ecdsa-sd-2023` the holder then derives a proof revealing only some claims.
//!
//!     cargo run -p vc-examples --example 11_ecdsa_suites -- [--suite <name>] [--curve p256|p384]
//!         [--seed <hex scalar>] [--out <vc.json>] [--base-out <base.json>] [--reveal <pointer>]...
//!     cargo run -p vc-examples --example 11_ecdsa_suites -- --verify <vc.json>
//!
//! `--suite` is `ecdsa-rdfc-2019` (default), `ecdsa-jcs-2019` or `ecdsa-sd-2023`; `--seed` fixes
//! the issuer key (64 hex characters for P-256, 96 for P-384; signatures are deterministic, RFC
//! 6979). The credential goes to `--out` (stdout without it): for `ecdsa-sd-2023` the derived one,
//! revealing `--reveal` pointers (default `/credentialSubject/degree/name`) besides the mandatory
//! parts, with the base-proof credential in `--base-out`. `--verify` checks a credential made
//! elsewhere (for example derived by another implementation from our base proof); the issuer must
//! be a `did:key`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;

use vc_examples::flags::each_flag;
use vc_issue::crypto::suites::ecdsa_sd::derive_proof;
use vc_issue::{P256Signer, P384Signer, ProofType, Signer};

#[derive(Default)]
struct Args {
    suite: ProofType,
    p384: bool,
    seed: Option<String>,
    out: Option<String>,
    base_out: Option<String>,
    reveal: Vec<String>,
    verify: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        suite: ProofType::EcdsaRdfc2019,
        ..Args::default()
    };
    each_flag(std::env::args().skip(1), |flag, value| {
        match flag {
            "--suite" => args.suite = ProofType::from(value()?.as_str()),
            "--curve" => {
                args.p384 = match value()?.as_str() {
                    "p256" | "P-256" => false,
                    "p384" | "P-384" => true,
                    other => return Err(format!("unknown curve {other}")),
                }
            }
            "--seed" => args.seed = Some(value()?),
            "--out" => args.out = Some(value()?),
            "--base-out" => args.base_out = Some(value()?),
            "--reveal" => args.reveal.push(value()?),
            "--verify" => args.verify = Some(value()?),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown flag {other}")),
        }
        Ok(())
    })?;
    if !matches!(
        args.suite,
        ProofType::EcdsaRdfc2019 | ProofType::EcdsaJcs2019 | ProofType::EcdsaSd2023
    ) {
        return Err(format!("{} is not an ECDSA suite", args.suite));
    }
    if args.reveal.is_empty() {
        args.reveal.push("/credentialSubject/degree/name".into());
    }
    Ok(args)
}

/// The issuer key and its verification method.
fn issuer_key(args: &Args) -> Result<(Arc<dyn Signer>, vc_core::DidUrl), String> {
    let seed = match &args.seed {
        Some(hex) => Some(
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()
                .ok_or("a seed is hex")?,
        ),
        None => None,
    };
    Ok(if args.p384 {
        let key = match seed {
            Some(bytes) => P384Signer::from_bytes(&bytes).map_err(|e| e.to_string())?,
            None => P384Signer::generate(),
        };
        let method = key.verification_method_id();
        (Arc::new(key), method)
    } else {
        let key = match seed {
            Some(bytes) => P256Signer::from_bytes(&bytes).map_err(|e| e.to_string())?,
            None => P256Signer::generate(),
        };
        let method = key.verification_method_id();
        (Arc::new(key), method)
    })
}

async fn run(args: Args) -> Result<(), String> {
    if let Some(path) = &args.verify {
        vc_examples::verify_file(path).await?;
        eprintln!("{path}: verifies");
        return Ok(());
    }
    let (key, method) = issuer_key(&args)?;
    let (issued, verifier) = vc_examples::issue_degree(method, key, &args.suite).await?;
    let issued = &issued;
    if args.suite != ProofType::EcdsaSd2023 {
        return vc_examples::write_credential(args.out.as_deref(), issued);
    }
    if let Some(path) = &args.base_out {
        vc_examples::write_credential(Some(path), issued)?;
    }
    let derived = derive_proof(issued, &args.reveal).map_err(|e| e.to_json().to_string())?;
    verifier
        .verify(&derived)
        .await
        .map_err(|e| format!("derived proof: {e}"))?;
    eprintln!("derived a proof revealing {:?} (verified)", args.reveal);
    vc_examples::write_credential(args.out.as_deref(), &derived)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    vc_examples::exit::run(
        parse_args(),
        "usage: 11_ecdsa_suites [--suite ecdsa-rdfc-2019|ecdsa-jcs-2019|ecdsa-sd-2023] \
         [--curve p256|p384] [--seed <hex>] [--out <file>] [--base-out <file>] \
         [--reveal <pointer>]... | --verify <file>",
        run,
    )
    .await
}
