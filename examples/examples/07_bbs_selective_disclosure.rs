//! Selective disclosure with `bbs-2023`: the issuer signs a university-degree credential with a BBS
//! key (base proof), the holder derives a proof that reveals only some claims, and a verifier checks
//! the derived credential.
//!
//!     cargo run -p vc-examples --example 07_bbs_selective_disclosure -- [--out <derived.json>]
//!         [--base-out <base.json>] [--reveal <JSON pointer>]... [--presentation-header <text>]
//!         [--seed <64 hex>]
//!     cargo run -p vc-examples --example 07_bbs_selective_disclosure -- --verify <derived.json>
//!
//! Without `--reveal` the holder reveals `/credentialSubject/degree/name`; the issuer's mandatory
//! parts (issuer, validity period, schema) are always revealed. The derived credential goes to
//! `--out` (stdout without it), the issuer's base-proof credential to `--base-out`; what happened
//! goes to stderr. `--seed` fixes the issuer's BLS key (BBS `KeyGen` over the 32 bytes).
//! `--verify` checks a derived credential made elsewhere (for example by another implementation
//! from our base proof); the issuer must be a `did:key`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;
use vc_examples::flags::each_flag;

use serde_json::Value;
use vc_issue::crypto::suites::bbs::derive_proof;
use vc_issue::{Bls12381G2Signer, ProofType};

#[derive(Default)]
struct Args {
    out: Option<String>,
    base_out: Option<String>,
    reveal: Vec<String>,
    presentation_header: String,
    seed: Option<String>,
    verify: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    each_flag(std::env::args().skip(1), |flag, value| {
        match flag {
            "--out" => args.out = Some(value()?),
            "--base-out" => args.base_out = Some(value()?),
            "--reveal" => args.reveal.push(value()?),
            "--presentation-header" => args.presentation_header = value()?,
            "--seed" => args.seed = Some(value()?),
            "--verify" => args.verify = Some(value()?),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown flag {other}")),
        }
        Ok(())
    })?;
    if args.reveal.is_empty() {
        args.reveal.push("/credentialSubject/degree/name".into());
    }
    Ok(args)
}

fn issuer_key(seed: Option<&str>) -> Result<Bls12381G2Signer, String> {
    match seed {
        Some(hex) => {
            let bytes: Option<Vec<u8>> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect();
            let bytes = bytes
                .filter(|b| b.len() == 32)
                .ok_or("a seed is 64 hex characters")?;
            Bls12381G2Signer::from_key_material(&bytes).map_err(|e| e.to_string())
        }
        None => Ok(Bls12381G2Signer::generate()),
    }
}

async fn run(args: Args) -> Result<(), String> {
    if let Some(path) = &args.verify {
        vc_examples::verify_file(path).await?;
        eprintln!("{path}: the derived proof verifies");
        return Ok(());
    }
    // The issuer: a BLS12-381 key published as did:key:zUC7…
    let key = Arc::new(issuer_key(args.seed.as_deref())?);
    let (base, verifier) =
        vc_examples::issue_degree(key.verification_method_id(), key, &ProofType::Bbs2023).await?;
    let base = &base;
    if let Some(path) = &args.base_out {
        vc_examples::write_credential(Some(path), base)?;
    }

    // The holder reveals only what the verifier needs.
    let derived = derive_proof(base, &args.reveal, args.presentation_header.as_bytes())
        .map_err(|e| e.to_json().to_string())?;
    verifier
        .verify(&derived)
        .await
        .map_err(|e| format!("derived proof: {e}"))?;
    let subject = derived
        .to_value()
        .map_err(|e| e.to_string())?
        .get("credentialSubject")
        .cloned()
        .unwrap_or(Value::Null);
    eprintln!(
        "derived a proof revealing {:?}: credentialSubject is now {subject} (verified)",
        args.reveal
    );
    vc_examples::write_credential(args.out.as_deref(), &derived)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    vc_examples::exit::run(
        parse_args(),
        "usage: 07_bbs_selective_disclosure [--out <file>] [--base-out <file>] \
         [--reveal <pointer>]... [--presentation-header <text>] [--seed <64 hex>] \
         | --verify <file>",
        run,
    )
    .await
}
