//! Approve, reject and ask for information over HTTP: authorized, checked against the ticket's
//! state, and seen by the worker and the poller.

use serde_json::{json, Value};

use crate::http_api::server::{json_of, start, status_and_code, Options, Server};

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
