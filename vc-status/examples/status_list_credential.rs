//! Writes an unsigned Bitstring Status List credential with a few revoked entries, for checking
//! the encoding with independent implementations (`tests/interop.sh`).
//!
//! Usage: `cargo run -p vc-status --example status_list_credential -- <out dir> [issuer]`
//!
//! Writes `<out dir>/list.json` (the list credential) and, for an end-to-end status check,
//! `<out dir>/vc-revoked.json` and `<out dir>/vc-valid.json`: unsigned VC 2.0 credentials whose
//! `credentialStatus` points into the list. Prints one `<index> <expected bit>` line per entry.
#![allow(clippy::print_stdout)] // a command-line tool: stdout is its output

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use time::macros::datetime;
use vc_core::FixedClock;
use vc_status::store::MemoryStore;
use vc_status::{StatusEntry, StatusPurpose, StatusRegistry};

fn credential(issuer: &str, id: &str, status: &StatusEntry) -> serde_json::Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": id,
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder"},
        "credentialStatus": status.to_value()
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: status_list_credential <out dir> [issuer]")?,
    );
    let issuer = args
        .next()
        .unwrap_or_else(|| "did:example:issuer".to_owned());
    let registry = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template("https://issuer.example/status/{list}")
        .issuer(issuer.clone())
        .clock(Arc::new(FixedClock::new(datetime!(2025-01-01 00:00 UTC))))
        .ttl_ms(300_000)
        .build()?;
    let entries = registry.allocate(StatusPurpose::Revocation, 20).await?;
    for (k, entry) in entries.iter().enumerate() {
        if k % 3 == 0 {
            registry.revoke(entry).await?;
        }
    }
    let list = registry
        .list_credential_for_url(entries[0].list_credential())
        .await?;
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("list.json"),
        serde_json::to_string_pretty(list.as_ref())?,
    )?;
    let revoked = credential(&issuer, "urn:uuid:revoked", &entries[0]);
    let valid = credential(&issuer, "urn:uuid:valid", &entries[1]);
    std::fs::write(
        dir.join("vc-revoked.json"),
        serde_json::to_string_pretty(&revoked)?,
    )?;
    std::fs::write(
        dir.join("vc-valid.json"),
        serde_json::to_string_pretty(&valid)?,
    )?;
    for (k, entry) in entries.iter().enumerate() {
        println!("{} {}", entry.index(), u8::from(k % 3 == 0));
    }
    Ok(())
}
