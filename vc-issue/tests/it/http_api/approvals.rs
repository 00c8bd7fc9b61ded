//! Approve, reject and ask for information over HTTP: authorized, checked against the ticket's
//! state, and seen by the worker and the poller.

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use vc_issue::http::{BearerTokens, InstanceId, Principal};
use vc_issue::queue::{IssuanceObserver, TransitionEvent};

use crate::http_api::server::{
    json_of, post_bearer, start, status_and_code, Options, Server, TOKEN,
};

async fn held(server: &Server, level: &str) -> String {
    let request = serde_json::to_value(server.request(level)).unwrap();
    let (status, body) = json_of(server.post("/credentials/issue", &request).await).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["state"], "pending_approval");
    body["id"].as_str().unwrap().to_owned()
}

fn held_server() -> Options {
    Options {
        queue: true,
        hold: true,
        ..Options::default()
    }
}

async fn decide(server: &Server, ticket: &str, action: &str, body: Value) -> (u16, Value) {
    json_of(
        server
            .post(&format!("/credentials/issue/{ticket}/{action}"), &body)
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_request_is_approved_over_http_and_issued() {
    let server = start(held_server()).await;
    let ticket = held(&server, "gold").await;
    let (status, body) = decide(
        &server,
        &ticket,
        "approve",
        json!({"approver": "registrar@university.example", "note": "checked"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "approved");
    let queue = server.queue.as_ref().unwrap();
    assert_eq!(queue.worker("w").run_until_idle(4).await.unwrap().issued, 1);
    let (status, polled) = json_of(server.get(&format!("/credentials/issue/{ticket}")).await).await;
    assert_eq!(status, 200);
    server.verify(&polled["verifiableCredential"]).await;
    let history = polled["history"].as_array().unwrap();
    assert!(history
        .iter()
        .any(|h| h["actor"] == "registrar@university.example"
            && h["state"] == "approved"
            && h["note"] == "checked"));
    // Approving again is a transition the state does not allow.
    let (status, body) = decide(&server, &ticket, "approve", json!({"approver": "x"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("ILLEGAL_TRANSITION"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejection_and_information_over_http() {
    let server = start(held_server()).await;
    let rejected = held(&server, "gold").await;
    let (status, body) = decide(
        &server,
        &rejected,
        "reject",
        json!({"approver": "registrar", "reason": "not a member"}),
    )
    .await;
    assert_eq!((status, body["state"].as_str()), (200, Some("rejected")));
    let (_, polled) = json_of(server.get(&format!("/credentials/issue/{rejected}")).await).await;
    assert_eq!(polled["failure"]["code"], "REJECTED");

    let asked = held(&server, "gold").await;
    let (status, body) = decide(
        &server,
        &asked,
        "request-information",
        json!({"fields": ["level"], "message": "which level?"}),
    )
    .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("needs_information"))
    );
    // An answer the schema refuses leaves the ticket waiting.
    let (status, body) = decide(
        &server,
        &asked,
        "information",
        json!({"claims": {"level": "platinum"}}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("SCHEMA_VALIDATION_FAILED"))
    );
    let (status, body) = decide(
        &server,
        &asked,
        "information",
        json!({"claims": {"level": "silver"}}),
    )
    .await;
    assert_eq!(
        (status, body["state"].as_str()),
        (200, Some("pending_approval"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_are_authorized_and_checked() {
    let server = start(held_server()).await;
    let ticket = held(&server, "gold").await;
    let url = server.url(&format!("/credentials/issue/{ticket}/approve"));
    // No token, a wrong token.
    for auth in [None, Some("wrong")] {
        let mut request = server.client.post(&url).json(&json!({"approver": "x"}));
        if let Some(token) = auth {
            request = request.bearer_auth(token);
        }
        let (status, code) = status_and_code(request.send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (401, "UNAUTHORIZED"));
    }
    let cases = [
        ("approve", json!({}), 400, "INVALID_REQUEST"),
        (
            "approve",
            json!({"approver": "x", "extra": 1}),
            400,
            "INVALID_REQUEST",
        ),
        ("approve", json!({"approver": "  "}), 400, "INVALID_REQUEST"),
        ("reject", json!({"approver": "x"}), 400, "INVALID_REQUEST"),
        (
            "approve",
            json!({"approver": "x", "approver": "y"}),
            400,
            "DUPLICATE_KEY",
        ),
    ];
    for (action, body, status, code) in cases {
        let raw = body.to_string();
        let raw = if code == "DUPLICATE_KEY" {
            r#"{"approver": "x", "approver": "y"}"#.to_owned()
        } else {
            raw
        };
        let response = server
            .post_raw(&format!("/credentials/issue/{ticket}/{action}"), raw)
            .await;
        let (seen, seen_code) = status_and_code(response).await;
        assert_eq!(
            (seen, seen_code.as_str()),
            (status, code),
            "{action} {body}"
        );
    }
    // Unknown tickets, and a server without a queue.
    let (status, body) = decide(
        &server,
        "no-such-ticket",
        "approve",
        json!({"approver": "x"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("TICKET_NOT_FOUND"))
    );
    let plain = start(Options::default()).await;
    let (status, body) = decide(&plain, &ticket, "approve", json!({"approver": "x"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("TICKET_NOT_FOUND"))
    );
    // The ticket is still waiting after all of that.
    let (_, polled) = json_of(server.get(&format!("/credentials/issue/{ticket}")).await).await;
    assert_eq!(polled["state"], "pending_approval");
}

/// Keeps every transition the queue reports.
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<TransitionEvent>>);

#[vc_issue::async_trait]
impl IssuanceObserver for Recorder {
    async fn on_transition(&self, event: &TransitionEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deciding_token_is_recorded_on_the_ticket_and_given_to_the_observer() {
    let recorder = Arc::new(Recorder::default());
    let tenant = InstanceId::new("tenant-a").unwrap();
    let server = start(Options {
        tokens: Some(
            BearerTokens::new([TOKEN])
                .with_principal(
                    "registrar-token",
                    Principal::any_instance().named("registrar"),
                )
                .with_principal("clerk-token", Principal::any_instance().named("clerk"))
                .with_token_for("tenant-token", [tenant]),
        ),
        observer: Some(recorder.clone()),
        ..held_server()
    })
    .await;
    let as_token = |token: &'static str, ticket: &str, action: &str, body: Value| {
        let url = server.url(&format!("/credentials/issue/{ticket}/{action}"));
        let client = server.client.clone();
        async move { json_of(post_bearer(&client, url, token, &body).await).await }
    };
    // The clerk asks for information, the requester (an unnamed token) gives it, the registrar
    // approves; each step carries its own token's name.
    let ticket = held(&server, "gold").await;
    let ask = json!({"fields": ["level"], "message": "which level?"});
    let (status, _) = as_token("clerk-token", &ticket, "request-information", ask).await;
    assert_eq!(status, 200);
    let answer = json!({"claims": {"level": "silver"}});
    let (status, _) = as_token(TOKEN, &ticket, "information", answer).await;
    assert_eq!(status, 200);
    // A token limited to another instance may neither decide nor look.
    let (status, body) = as_token(
        "tenant-token",
        &ticket,
        "approve",
        json!({"approver": "registrar"}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("INSTANCE_FORBIDDEN"))
    );
    let response = server
        .client
        .get(server.url(&format!("/credentials/issue/{ticket}")))
        .bearer_auth("tenant-token")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_code(response).await,
        (403, "INSTANCE_FORBIDDEN".to_owned())
    );
    // The body names a person; the token says who called.
    let approve = json!({"approver": "Dr. Ada Example", "note": "checked"});
    let (status, _) = as_token("registrar-token", &ticket, "approve", approve).await;
    assert_eq!(status, 200);

    let (_, polled) = json_of(server.get(&format!("/credentials/issue/{ticket}")).await).await;
    let history: Vec<(&str, &str, Option<&str>)> = polled["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["state"].as_str().unwrap(),
                h["actor"].as_str().unwrap(),
                h["principal"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            ("pending_approval", "policy", None),
            ("needs_information", "issuer", Some("clerk")),
            ("pending_approval", "requester", None),
            ("approved", "Dr. Ada Example", Some("registrar")),
        ]
    );
    let events: Vec<(String, Option<String>)> = recorder
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|e| (e.to.as_str().to_owned(), e.principal.clone()))
        .collect();
    assert_eq!(
        events,
        [
            ("pending_approval".to_owned(), None),
            ("needs_information".to_owned(), Some("clerk".to_owned())),
            ("pending_approval".to_owned(), None),
            ("approved".to_owned(), Some("registrar".to_owned())),
        ]
    );

    // A rejection records its token too.
    let rejected = held(&server, "gold").await;
    let reject = json!({"approver": "registrar", "reason": "not a member"});
    let (status, _) = as_token("registrar-token", &rejected, "reject", reject).await;
    assert_eq!(status, 200);
    let (_, polled) = json_of(server.get(&format!("/credentials/issue/{rejected}")).await).await;
    assert_eq!(polled["history"][1]["principal"], "registrar");
    assert_eq!(polled["state"], "rejected");
}
