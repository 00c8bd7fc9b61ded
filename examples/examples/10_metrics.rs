//! What an operator scrapes: issuance metrics in the Prometheus text format.
//!
//!     cargo run -p vc-examples --example 10_metrics
//!
//! Installs `metrics-exporter-prometheus` as the `metrics` recorder (vc-issue's feature
//! `metrics`), issues a few credentials (one refused by its schema), lets a queue worker run one
//! round, and prints what a Prometheus scrape would read: `vc_issue_issued_total`,
//! `vc_issue_failed_total{code}`, `vc_issue_step_seconds{step}`, `vc_issue_queue_depth{state}`
//! and `vc_status_list_fill_ratio{list}`. A server would serve `handle.render()` on its metrics
//! route instead of printing it. Exits non-zero when a metric is missing.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusBuilder;
use serde_json::json;
use vc_issue::queue::{AlwaysHold, IssuanceQueue, MemoryIssuanceStore};
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemorySchemaRegistry, IssuanceRequest, Issuer, ProofType,
    SchemaEntry,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let recorder = PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder)?;

    let signer = Arc::new(Ed25519Signer::from_seed(&[42; 32]));
    let keys = vc_examples::one_key(signer.verification_method_id(), signer.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(SchemaEntry::new(
        "membership-v1",
        json!({"type": "object", "required": ["level"],
               "properties": {"level": {"enum": ["gold", "silver"]}}}),
        vec!["MembershipCredential".into()],
        vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
    ));
    let issuer = Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys)
        .status_registry(vc_examples::memory_status_registry(signer.did().as_str())?)
        .build()?;
    let request = |level: &str, holder: u8| {
        IssuanceRequest::new(
            "membership-v1",
            signer.did(),
            Ed25519Signer::from_seed(&[holder; 32]).did(),
            json!({ "level": level })
                .as_object()
                .cloned()
                .unwrap_or_default(),
        )
        .with_proof_type(ProofType::EddsaJcs2022)
        .revocable(true)
    };

    for holder in 1..=3 {
        issuer.issue(request("gold", holder)).await?;
    }
    let refused = issuer.issue(request("platinum", 4)).await;
    eprintln!(
        "refused as expected: {}",
        refused
            .err()
            .map(|e| e.code().as_str())
            .unwrap_or("(issued?)")
    );

    // Two requests wait for a person; a worker's round reports the queue's depth.
    let queue = IssuanceQueue::builder()
        .issuer(issuer.clone())
        .store(Arc::new(MemoryIssuanceStore::new()))
        .policy(Arc::new(AlwaysHold))
        .build()?;
    queue.submit(request("silver", 5), None).await?;
    queue.submit(request("gold", 6), None).await?;
    queue
        .worker("worker-1")
        .run(
            8,
            Duration::from_millis(10),
            tokio::time::sleep(Duration::from_millis(50)),
        )
        .await;

    let scraped = handle.render();
    println!("{scraped}");
    let expected = [
        "vc_issue_issued_total 3",
        "vc_issue_failed_total{code=\"SCHEMA_VALIDATION_FAILED\"} 1",
        "vc_issue_step_seconds",
        "vc_issue_queue_depth{state=\"pending_approval\"} 2",
        "vc_status_list_fill_ratio",
    ];
    let missing: Vec<_> = expected.iter().filter(|m| !scraped.contains(*m)).collect();
    if missing.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("missing from the scrape: {missing:?}");
        Ok(ExitCode::FAILURE)
    }
}
