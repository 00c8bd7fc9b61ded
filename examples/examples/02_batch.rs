//! Issues a batch of 1,000 university degrees, some invalid on purpose, and prints the summary.
//!
//!     cargo run --release -p vc-examples --example 02_batch
//!
//! Every tenth holder has a malformed DID, every 25th has claims the schema rejects: those items
//! fail alone, the rest are issued (with status entries allocated in one registry call, and signing
//! spread over all cores).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::sync::Arc;
use std::time::Instant;

use serde_json::json;
use vc_issue::{BatchItem, BatchRequest, Ed25519Signer, InMemoryDidRegistry, Issuer, ItemStatus};
use vc_status::store::MemoryStore;
use vc_status::StatusRegistry;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = Arc::new(Ed25519Signer::generate());
    let keys = vc_examples::one_key(key.verification_method_id(), key.clone());
    let schemas = vc_examples::degree_schemas()?;
    let status = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template("https://university.example/status/{list}")
        .issuer(key.did().as_str())
        .build()?;
    let issuer = Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys)
        .status_registry(Arc::new(status))
        .build()?;

    let items: Vec<BatchItem> = (0..1_000u32)
        .map(|i| {
            let holder = if i % 10 == 9 {
                format!("not-a-did-{i}")
            } else {
                let mut seed = [0u8; 32];
                seed[..4].copy_from_slice(&i.to_be_bytes());
                Ed25519Signer::from_seed(&seed).did().to_string()
            };
            let degree = if i % 25 == 24 {
                json!({"type": "BachelorDegree"})
            } else {
                json!({"type": "BachelorDegree", "name": "Bachelor of Science and Arts"})
            };
            let claims = json!({"name": format!("Graduate {i}"), "degree": degree});
            BatchItem::new(holder, claims.as_object().cloned().unwrap_or_default())
        })
        .collect();
    let request: BatchRequest = serde_json::from_value(json!({
        "schemaId": "university-degree-v1",
        "issuerDid": key.did(),
        "proofType": "eddsa-jcs-2022",
        "revocable": true,
        "items": items,
    }))?;

    let started = Instant::now();
    let result = issuer.issue_batch(request).await?;
    let elapsed = started.elapsed();
    println!("batch {}", result.batch_id);
    println!(
        "issued: {}, failed: {} ({} items in {:.1} ms)",
        result.issued,
        result.failed,
        result.items.len(),
        elapsed.as_secs_f64() * 1e3
    );
    let mut by_code = std::collections::BTreeMap::<&str, usize>::new();
    for item in result
        .items
        .iter()
        .filter(|i| i.status == ItemStatus::Failed)
    {
        if let Some(error) = &item.error {
            *by_code.entry(error.code().as_str()).or_default() += 1;
        }
    }
    for (code, count) in by_code {
        println!("  {count:>4} failed with {code}");
    }
    if let Some(first) = result.items.iter().find(|i| i.status == ItemStatus::Failed) {
        println!(
            "first failure: {} -> {}",
            first.holder_did.as_deref().unwrap_or("(no holder DID)"),
            serde_json::to_string(&first.error)?
        );
    }
    Ok(())
}
