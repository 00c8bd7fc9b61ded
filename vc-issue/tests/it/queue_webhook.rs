//! The observer as a webhook: every transition is POSTed to a receiver on a loopback socket,
//! after it is stored, in order, with ids and states and never the claims.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::extract::State;
use axum::routing::post;
use axum::Json;
use serde_json::{json, Value};
use vc_issue::queue::{
    AlwaysApprove, IssuanceObserver, IssuanceQueue, MemoryIssuanceStore, TransitionEvent,
};

use crate::fixtures::Setup;

/// Posts each transition to `url` (a host would queue failed deliveries for a retry).
#[derive(Debug)]
struct Webhook {
    client: reqwest::Client,
    url: String,
}

#[async_trait]
impl IssuanceObserver for Webhook {
    async fn on_transition(&self, e: &TransitionEvent) {
        let body = json!({
            "ticket": e.ticket.as_str(),
            "from": e.from.map(|s| s.as_str()),
            "to": e.to.as_str(),
            "actor": e.actor,
        });
        let _ = self.client.post(&self.url).json(&body).send().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitions_reach_a_webhook_in_order_without_claims() {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            post(
                |State(seen): State<Arc<Mutex<Vec<Value>>>>, Json(body): Json<Value>| async move {
                    seen.lock().unwrap().push(body);
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let setup = Setup::new();
    let queue = IssuanceQueue::builder()
        .issuer(setup.issuer.clone())
        .store(Arc::new(MemoryIssuanceStore::new()))
        .policy(Arc::new(AlwaysApprove))
        .observer(Arc::new(Webhook {
            client: reqwest::Client::new(),
            url,
        }))
        .build()
        .unwrap();
    let ticket = queue.submit(setup.degree_request(), None).await.unwrap();
    assert_eq!(queue.worker("w").run_until_idle(4).await.unwrap().issued, 1);

    let seen = received.lock().unwrap().clone();
    let states: Vec<_> = seen
        .iter()
        .map(|e| (e["from"].as_str(), e["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            (None, "approved"),
            (Some("approved"), "issuing"),
            (Some("issuing"), "issued")
        ]
    );
    assert!(seen.iter().all(|e| e["ticket"] == ticket.id.as_str()));
    let text = serde_json::to_string(&seen).unwrap();
    assert!(
        !text.contains("Bachelor"),
        "no claims in the events: {text}"
    );
}
