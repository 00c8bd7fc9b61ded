//! An SD-JWT VC (`dc+sd-jwt`) from issuance to revocation: the issuer signs a revocable
//! university-degree SD-JWT VC whose claims are selectively disclosable, the holder presents only
//! the degree's name with a key binding JWT, a verifier checks it (signature, disclosures, key
//! binding, Token Status List), the issuer revokes it, and the same verification fails as revoked.
//!
//!     cargo run -p vc-examples --example 08_sd_jwt_vc -- [--p256|--p384] [--reveal <claim path>]...
//!         [--out-dir <dir>]
//!
//!     cargo run -p vc-examples --example 08_sd_jwt_vc -- --verify <sd-jwt file>
//!         --issuer-jwk <jwk.json> [--status-list-jwt <file>] [--kb-nonce <n> --kb-aud <aud>]
//!
//! `--p256` signs with ES256, `--p384` with ES384 (EdDSA otherwise). `--reveal` chooses what the holder discloses
//! (claim paths as the schema names them; `/degree/name` by default). `--out-dir` writes what an
//! independent verifier needs (`.ci/interop-sdjwt` uses it): `sd-jwt.txt` (as issued),
//! `presentation.txt` (with the KB-JWT; `nonce`, `aud` in `kb.json`), `issuer.did`,
//! `status-list.jwt` and `status-list-revoked.jwt`, the same tokens as CWTs (`status-list.cwt`,
//! `status-list-revoked.cwt`, binary), and the credential's entry (`status-ref.json`: `idx`,
//! `uri`). What happened goes to stdout.
//! `--verify` checks an SD-JWT VC made elsewhere (another implementation's) with our verifier and
//! the issuer's public JWK: prints `VERIFIED` and the claims, or `FAILED <code>` (exit 1).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::sd_jwt::{present, KeyBinding, SdJwtVcVerifier, StaticStatusListTokens};
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry, IssuanceRequest,
    Issuer, P256Signer, ProofType, SchemaEntry, Signer,
};
use vc_status::store::MemoryStore;
use vc_status::{ListFormat, StatusEntry, StatusRegistry};

const AUDIENCE: &str = "https://verifier.example";
const NONCE: &str = "n-0S6_WzA2Mj";

#[derive(Default)]
struct Args {
    verify: Option<String>,
    issuer_jwk: Option<String>,
    status_list_jwt: Option<String>,
    kb_nonce: Option<String>,
    kb_aud: Option<String>,
    p256: bool,
    p384: bool,
    reveal: Vec<String>,
    out_dir: Option<std::path::PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--p256" => args.p256 = true,
            "--p384" => args.p384 = true,
            "--reveal" => args.reveal.push(value()?),
            "--out-dir" => args.out_dir = Some(value()?.into()),
            "--verify" => args.verify = Some(value()?),
            "--issuer-jwk" => args.issuer_jwk = Some(value()?),
            "--status-list-jwt" => args.status_list_jwt = Some(value()?),
            "--kb-nonce" => args.kb_nonce = Some(value()?),
            "--kb-aud" => args.kb_aud = Some(value()?),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.reveal.is_empty() {
        args.reveal.push("/degree/name".into());
    }
    Ok(args)
}

fn schema() -> Result<SchemaEntry, Box<dyn std::error::Error>> {
    let schema: SchemaEntry = serde_json::from_value(json!({
        "id": "university-degree-v1",
        "name": "University Degree",
        "schemaUrl": "https://university.example/schemas/university-degree-v1.json",
        "types": ["UniversityDegreeCredential"],
        "jsonSchema": {
            "type": "object",
            "required": ["name", "degree"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "degree": {"type": "object", "required": ["type", "name"]},
                "gpa": {"type": "number", "minimum": 0, "maximum": 4},
                "nationalities": {"type": "array", "items": {"type": "string"}}
            }
        }
    }))?;
    Ok(schema.with_sd_jwt_vc(SdJwtVcConfig::new(
        "https://university.example/vct/university-degree",
        vec![
            "/name".into(),
            "/gpa".into(),
            "/degree".into(),
            "/degree/name".into(),
            "/nationalities/*".into(),
        ],
    )))
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let signer: Arc<dyn Signer> = if args.p256 {
        Arc::new(P256Signer::from_bytes(&[9; 32])?)
    } else if args.p384 {
        Arc::new(vc_issue::P384Signer::from_bytes(&[11; 48])?)
    } else {
        Arc::new(Ed25519Signer::from_seed(&[7; 32]))
    };
    let issuer_did = vc_core::did_key::DidKey::new(
        signer.public_key().key_type(),
        signer.public_key().as_bytes(),
    )?;
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(issuer_did.verification_method_id(), signer.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(schema()?);
    // The Token Status List: the same registry type and store as W3C status lists.
    let tokens = Arc::new(
        StatusRegistry::builder()
            .store(Arc::new(MemoryStore::new()))
            .list_url_template("https://issuer.example/statuslists/{list}")
            .issuer(issuer_did.did().as_str())
            .format(ListFormat::TokenStatusList)
            .namespace("sd-jwt")
            .build()?,
    );
    let issuer = Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys)
        .token_status_registry(tokens.clone())
        .build()?;

    // 1. Issue.
    let holder = Ed25519Signer::from_seed(&[8; 32]);
    let request = IssuanceRequest::new(
        "university-degree-v1",
        issuer_did.did(),
        holder.did(),
        serde_json::from_value(json!({
            "name": "Jayden Doe",
            "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
            "gpa": 3.7,
            "nationalities": ["DE", "FR"]
        }))?,
    )
    .with_proof_type(ProofType::DcSdJwt)
    .revocable(true);
    let response = issuer.issue(request).await?;
    let sd_jwt = response
        .credential
        .as_jwt()
        .ok_or("the issuer returned no SD-JWT")?
        .to_owned();
    let disclosures = sd_jwt.matches('~').count() - 1;
    println!(
        "issued a dc+sd-jwt with {disclosures} disclosures ({} bytes)",
        sd_jwt.len()
    );

    // 2. Present a subset with a key binding JWT.
    let reveal: Vec<&str> = args.reveal.iter().map(String::as_str).collect();
    let presentation = present(
        &sd_jwt,
        &reveal,
        Some(KeyBinding {
            signer: &holder,
            audience: AUDIENCE,
            nonce: NONCE,
            issued_at: time::OffsetDateTime::now_utc(),
        }),
    )
    .await?;
    println!(
        "holder presents {} of them with a KB-JWT",
        presentation.matches('~').count() - 1
    );

    // 3. Verify, with the issuer's current Status List Token.
    let entry = StatusEntry::from_value(response.credential_status.ok_or("no status entry")?)?;
    let list = tokens.list_id_from_url(entry.list_credential())?;
    let token = issuer.status_list_token(&list).await?;
    let verifier = |token: &str| {
        SdJwtVcVerifier::new()
            .require_key_binding(AUDIENCE, NONCE)
            .status_lists(Arc::new(
                StaticStatusListTokens::new().with(entry.list_credential(), token),
            ))
    };
    let verified = verifier(&token).verify(&presentation).await?;
    println!(
        "verified: {}",
        serde_json::to_string(&serde_json::Value::Object(verified.claims.clone()))?
    );
    // The same Status List Token as a CWT (what `GET /statuslists/{id}` answers to
    // `Accept: application/statuslist+cwt`), checked with the issuer's key.
    let idx = entry.index().get();
    let cwt = issuer.status_list_token_cwt(&list).await?;
    let cwt_verifier = SdJwtVcVerifier::new().issuer_key(None, signer.public_key().clone());
    let status = cwt_verifier
        .verify_status_list_cwt(&cwt, entry.list_credential())?
        .check_status(idx)?;
    println!(
        "Status List Token CWT: {} bytes, status {status}",
        cwt.len()
    );

    // 4. Revoke, and verify again.
    tokens.revoke(&entry).await?;
    let revoked = issuer.status_list_token(&list).await?;
    let revoked_cwt = issuer.status_list_token_cwt(&list).await?;
    match verifier(&revoked).verify(&presentation).await {
        Err(e) if e.code() == "SD_JWT_REVOKED" => println!("after revocation: {} ({e})", e.code()),
        other => return Err(format!("expected SD_JWT_REVOKED, got {other:?}").into()),
    }

    if let Some(dir) = args.out_dir {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("sd-jwt.txt"), &sd_jwt)?;
        std::fs::write(dir.join("presentation.txt"), &presentation)?;
        std::fs::write(
            dir.join("kb.json"),
            json!({"nonce": NONCE, "aud": AUDIENCE}).to_string(),
        )?;
        std::fs::write(dir.join("issuer.did"), issuer_did.did().as_str())?;
        // For verifiers whose did:key resolver knows no P-384.
        let jwk = vc_issue::crypto::jwt::public_jwk(signer.public_key())?;
        std::fs::write(
            dir.join("issuer.jwk.json"),
            serde_json::to_string(jwk.as_ref())?,
        )?;
        std::fs::write(dir.join("status-list.jwt"), &token)?;
        std::fs::write(dir.join("status-list-revoked.jwt"), &revoked)?;
        std::fs::write(dir.join("status-list.cwt"), &cwt)?;
        std::fs::write(dir.join("status-list-revoked.cwt"), &revoked_cwt)?;
        std::fs::write(
            dir.join("status-ref.json"),
            json!({"idx": idx, "uri": entry.list_credential()}).to_string(),
        )?;
    }
    Ok(())
}

/// `--verify`: another implementation's SD-JWT VC through our verifier.
async fn verify_foreign(args: &Args, file: &str) -> Result<bool, Box<dyn std::error::Error>> {
    let sd_jwt = std::fs::read_to_string(file)?;
    let jwk: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
        args.issuer_jwk.as_ref().ok_or("--issuer-jwk is required")?,
    )?)?;
    let key = vc_core::PublicKey::from_jwk(&jwk)?;
    let mut verifier =
        SdJwtVcVerifier::new().issuer_key(jwk.get("kid").and_then(|k| k.as_str()), key);
    if let (Some(nonce), Some(aud)) = (&args.kb_nonce, &args.kb_aud) {
        verifier = verifier.require_key_binding(aud.as_str(), nonce.as_str());
    }
    if let Some(file) = &args.status_list_jwt {
        let token = std::fs::read_to_string(file)?;
        // The token is served at its `sub`.
        let payload = token.split('.').nth(1).ok_or("not a JWT")?;
        let payload: serde_json::Value = serde_json::from_slice(&base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            payload,
        )?)?;
        let sub = payload["sub"].as_str().ok_or("no sub")?;
        verifier = verifier.status_lists(Arc::new(
            StaticStatusListTokens::new().with(sub, token.trim()),
        ));
    }
    match verifier.verify(sd_jwt.trim()).await {
        Ok(verified) => {
            println!("VERIFIED (status {:?})", verified.status);
            println!(
                "{}",
                serde_json::to_string(&serde_json::Value::Object(verified.claims))?
            );
            Ok(true)
        }
        Err(e) => {
            println!("FAILED {} ({e})", e.code());
            Ok(false)
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(file) = args.verify.clone() {
        return match verify_foreign(&args, &file).await {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
