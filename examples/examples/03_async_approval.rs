//! Asynchronous issuance with a human in the loop: a request is held for approval, a reviewer
//! approves it, a worker issues it, and the requester polls until the credential is there.
//!
//!     cargo run -p vc-examples --example 03_async_approval
//!
//! Every state the request passes through is printed as it happens (by an `IssuanceObserver`), and
//! the requester's polls print what they see.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use vc_issue::queue::{
    AlwaysHold, IssuanceObserver, IssuanceQueue, MemoryIssuanceStore, TicketState, TransitionEvent,
};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, InMemorySchemaRegistry,
    IssuanceRequest, Issuer, SchemaEntry,
};

/// Prints every transition: where a real issuer would send a webhook or an e-mail.
#[derive(Debug)]
struct Printer;

#[async_trait::async_trait]
impl IssuanceObserver for Printer {
    async fn on_transition(&self, e: &TransitionEvent) {
        let from = e.from.map_or("(new)".to_owned(), |s| s.to_string());
        println!(
            "  [observer] {}: {from} -> {} (by {})",
            e.ticket, e.to, e.actor
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // An issuer on in-memory defaults, with revocation status lists.
    let signer = Arc::new(Ed25519Signer::from_seed(&[42; 32]));
    let keys = vc_examples::one_key(signer.verification_method_id(), signer.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(SchemaEntry::new(
        "employee-badge-v1",
        json!({
            "type": "object",
            "required": ["employeeId", "role"],
            "properties": {"employeeId": {"type": "string"}, "role": {"type": "string"}}
        }),
        vec!["EmployeeBadgeCredential".into()],
        vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
    ));
    let dids = Arc::new(InMemoryDidRegistry::new());
    let issuer = Issuer::builder()
        .resolver(dids.clone())
        .schemas(schemas)
        .keys(keys)
        .status_registry(vc_examples::memory_status_registry(signer.did().as_str())?)
        .build()?;

    // The queue: every request waits for a person; a request waits at most a week.
    let queue = IssuanceQueue::builder()
        .issuer(issuer)
        .store(Arc::new(MemoryIssuanceStore::new()))
        .policy(Arc::new(AlwaysHold))
        .observer(Arc::new(Printer))
        .approval_deadline(time::Duration::days(7))
        .build()?;

    // A worker runs in the background, as it would in its own process.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = queue.worker("worker-1");
    let background = tokio::spawn(async move {
        worker
            .run(8, Duration::from_millis(20), async {
                let _ = stopped.await;
            })
            .await;
    });

    // 1. The requester submits; the answer is a 202 with a place to poll.
    println!("requester: POST /credentials/issue");
    let holder = Ed25519Signer::from_seed(&[7; 32]).did();
    let claims = json!({"employeeId": "E-1024", "role": "auditor"});
    let request = IssuanceRequest::new(
        "employee-badge-v1",
        signer.did(),
        holder,
        claims.as_object().cloned().unwrap_or_default(),
    )
    .revocable(true);
    let ticket = queue.submit(request, Some("hr-request-1024")).await?;
    println!(
        "requester: 202 Accepted, Location: {} (state {})",
        ticket.location, ticket.state
    );

    // 2. The requester polls: still waiting.
    let seen = queue.status(&ticket.id).await?;
    println!("requester: poll -> {}", seen.state);

    // 3. A reviewer looks at the request and approves it.
    println!("reviewer: approving");
    queue
        .approve(
            &ticket.id,
            "reviewer@issuer.example",
            Some("badge for the audit team"),
        )
        .await?;

    // 4. The requester polls until the worker has issued the credential.
    let mut last = seen.state;
    let status = loop {
        let status = queue.status(&ticket.id).await?;
        if status.state != last {
            println!("requester: poll -> {}", status.state);
            last = status.state;
        }
        if status.state.is_terminal() {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let _ = stop.send(());
    background.await?;

    println!("history:");
    for h in &status.history {
        println!(
            "  {:<18} at {} by {}{}",
            h.state.as_str(),
            h.at,
            h.actor,
            h.note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
    }
    if status.state != TicketState::Issued {
        return Err(format!("the request ended {}", status.state).into());
    }
    let response = status.response.ok_or("no credential on an issued ticket")?;
    let credential = response
        .credential
        .as_credential()
        .ok_or("expected an embedded proof")?;
    CredentialVerifier::new(dids).verify(credential).await?;
    println!(
        "issued {} with status list index {}; the proof verifies",
        response.credential_id,
        response
            .status_list_index
            .map_or("-".to_owned(), |i| i.to_string())
    );
    println!("{}", serde_json::to_string_pretty(credential)?);
    Ok(())
}
