//! `POST /credentials/issue` and `GET /credentials/issue/{ticketId}`.

use crate::http_api::server::status_and_code;
use axum::routing::post;
use serde_json::{json, Value};
use vc_issue::http::BODY_LIMIT;

use crate::http_api::server::{json_of, rate_limit_one_per_second, start, Options, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuance_request_is_issued_with_201_and_verifies() {
    let server = start(Options::default()).await;
    let request = serde_json::to_value(server.request("gold")).unwrap();
    let response = server.post("/credentials/issue", &request).await;
    assert_eq!(
        response.headers()["cache-control"].to_str().unwrap(),
        "no-store"
    );
    let (status, body) = json_of(response).await;
    assert_eq!(status, 201, "{body}");
    let credential = server.verify(&body["verifiableCredential"]).await;
    assert!(credential.has_type("MembershipCredential"));
    assert_eq!(
        credential.subjects()[0].id.as_deref(),
        Some(server.holder.as_str())
    );
}

fn unsigned_credential(server: &Server) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": server.key.did().to_string(),
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": server.holder.to_string(), "alumniOf": "Example University"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vc_api_body_is_signed_as_sent() {
    let server = start(Options::default()).await;
    let credential = unsigned_credential(&server);
    for options in [
        json!({"proofType": "eddsa-jcs-2022"}),
        json!({"proofType": "eddsa-jcs-2022", "credentialId": "urn:example:alumni-1"}),
    ] {
        let body = json!({"credential": credential, "options": options});
        let (status, body) = json_of(server.post("/credentials/issue", &body).await).await;
        assert_eq!(status, 201, "{body}");
        let vc = &body["verifiableCredential"];
        server.verify(vc).await;
        let mut without_proof = vc.clone();
        without_proof.as_object_mut().unwrap().remove("proof");
        assert_eq!(without_proof, credential, "signed as sent, nothing added");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_vc_api_bodies_are_400_with_a_code() {
    let server = start(Options::default()).await;
    let credential = unsigned_credential(&server);
    let mut signed = credential.clone();
    signed["proof"] = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
        "proofPurpose": "assertionMethod", "verificationMethod": "did:example:x#k", "proofValue": "z1"});
    let mut no_type = credential.clone();
    no_type.as_object_mut().unwrap().remove("type");
    let mut foreign_issuer = credential.clone();
    foreign_issuer["issuer"] = json!("https://not-a-did.example");
    let cases = [
        (json!({"credential": signed}), 400, "INVALID_REQUEST"),
        (json!({"credential": no_type}), 400, "CREDENTIAL_INVALID"),
        (
            json!({"credential": foreign_issuer}),
            400,
            "INVALID_REQUEST",
        ),
        (
            json!({"credential": credential, "options": {"mandatoryPointers": ["/issuer"]}}),
            400,
            "UNSUPPORTED_OPTION",
        ),
        (
            json!({"credential": credential, "options": {"unknown": 1}}),
            400,
            "UNSUPPORTED_OPTION",
        ),
        (
            json!({"credential": credential, "options": {"proofType": "bogus-2099"}}),
            400,
            "UNSUPPORTED_PROOF_TYPE",
        ),
    ];
    for (body, expected_status, expected_code) in cases {
        let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
        assert_eq!(
            (status, reply["code"].as_str().unwrap()),
            (expected_status, expected_code),
            "{body}: {reply}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_errors_are_400_with_the_code_and_every_violation() {
    let server = start(Options::default()).await;
    let request = serde_json::to_value(server.request("platinum")).unwrap();
    let (status, body) = json_of(server.post("/credentials/issue", &request).await).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "SCHEMA_VALIDATION_FAILED");
    assert_eq!(body["details"]["violations"][0]["instancePath"], "/level");

    let mut unknown = server.request("gold");
    unknown.schema_id = "nope".into();
    let (status, body) = json_of(
        server
            .post(
                "/credentials/issue",
                &serde_json::to_value(unknown).unwrap(),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (404, "SCHEMA_NOT_FOUND")
    );

    let (status, body) = json_of(
        server
            .post("/credentials/issue", &json!({"schemaId": "membership-v1"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "INVALID_REQUEST")
    );

    let response = server.post_raw("/credentials/issue", "{not json").await;
    assert_eq!(
        status_and_code(response).await,
        (400, "MALFORMED_JSON".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_authenticated_endpoint_refuses_a_missing_or_wrong_token() {
    let server = start(Options::queued()).await;
    let body = serde_json::to_value(server.request("gold")).unwrap();
    let status_body = json!({"credentialId": "x", "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "status": true});
    let requests = [
        server
            .client
            .post(server.url("/credentials/issue"))
            .json(&body),
        server
            .client
            .post(server.url("/credentials/issue"))
            .bearer_auth("wrong")
            .json(&body),
        server
            .client
            .post(server.url("/credentials/issue"))
            .basic_auth(crate::http_api::server::TOKEN, None::<&str>)
            .json(&body),
        server
            .client
            .get(server.url("/credentials/issue/0b8e8e0e-5b9b-4d4e-9d7c-7c1d4b3f8a11")),
        server
            .client
            .post(server.url("/credentials/status"))
            .bearer_auth("wrong")
            .json(&status_body),
    ];
    for request in requests {
        let (status, body) = json_of(request.send().await.unwrap()).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["code"], "UNAUTHORIZED");
    }
    // Nothing was submitted by the refused requests.
    let queue = server.queue.as_ref().unwrap();
    assert_eq!(
        queue
            .store()
            .count(vc_issue::TicketState::Approved)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_answers_429_with_retry_after() {
    let server = start(Options {
        rate_limit: Some(rate_limit_one_per_second()),
        ..Options::default()
    })
    .await;
    let body = serde_json::to_value(server.request("gold")).unwrap();
    // One request per second is allowed; back-to-back requests hit the limit long before a
    // second passes (the loop only bounds the test, it asserts nothing about time).
    for _ in 0..50 {
        let response = server.post("/credentials/issue", &body).await;
        if response.status().as_u16() == 429 {
            let retry_after: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry_after >= 1);
            let (_, body) = json_of(response).await;
            assert_eq!(body["code"], "RATE_LIMIT_EXCEEDED");
            return;
        }
        assert_eq!(response.status().as_u16(), 201);
    }
    panic!("no request was rate limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_queue_requests_are_accepted_with_202_and_polled_until_issued() {
    let server = start(Options::queued()).await;
    let body = serde_json::to_value(server.request("silver")).unwrap();
    let submit = || async {
        server
            .client
            .post(server.url("/credentials/issue"))
            .bearer_auth(crate::http_api::server::TOKEN)
            .header("Idempotency-Key", "order-17")
            .json(&body)
            .send()
            .await
            .unwrap()
    };
    let response = submit().await;
    assert_eq!(response.status().as_u16(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}/credentials/issue/", server.base)),
        "{location}"
    );
    let (_, accepted) = json_of(response).await;
    assert_eq!(accepted["state"], "approved");
    assert_eq!(accepted["location"], location.as_str());
    // A retry with the same key is the same ticket.
    let (status, again) = json_of(submit().await).await;
    assert_eq!((status, &again["id"]), (202, &accepted["id"]));

    let (status, polled) = json_of(server.get(&location).await).await;
    assert_eq!(status, 200);
    assert_eq!(polled["state"], "approved");
    assert!(polled.get("verifiableCredential").is_none());
    // The queue's own ticket says the same place (it once said /credentials/status/, which the
    // router does not serve).
    let direct = server
        .queue
        .as_ref()
        .unwrap()
        .submit(server.request("silver"), None)
        .await
        .unwrap();
    let (status, polled) = json_of(server.get(&direct.location).await).await;
    assert_eq!(
        (status, &polled["id"]),
        (200, &serde_json::json!(direct.id)),
        "{polled}"
    );

    let queue = server.queue.as_ref().unwrap();
    let mut issued = None;
    for _ in 0..10 {
        queue.worker("worker-1").run_until_idle(8).await.unwrap();
        let (status, polled) = json_of(server.get(&location).await).await;
        assert_eq!(status, 200, "{polled}");
        if polled["state"] == "issued" {
            issued = Some(polled);
            break;
        }
    }
    let issued = issued.expect("the ticket was issued");
    server.verify(&issued["verifiableCredential"]).await;

    for missing in [
        "/credentials/issue/0b8e8e0e-5b9b-4d4e-9d7c-7c1d4b3f8a11",
        "/credentials/issue/not%20an%20id",
    ] {
        let (status, body) = json_of(server.get(missing).await).await;
        assert_eq!(
            (status, body["code"].as_str().unwrap()),
            (404, "TICKET_NOT_FOUND")
        );
    }
    // Validation still happens at submit time.
    let bad = serde_json::to_value(server.request("platinum")).unwrap();
    let (status, body) = json_of(server.post("/credentials/issue", &bad).await).await;
    assert_eq!(
        (status, body["code"].as_str().unwrap()),
        (400, "SCHEMA_VALIDATION_FAILED")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit_are_413_on_own_and_merged_routes() {
    let merged = axum::Router::new().route(
        "/merged/echo",
        post(|body: axum::body::Bytes| async move { body.len().to_string() }),
    );
    let server = start(Options {
        merge: vec![merged],
        ..Options::default()
    })
    .await;
    let big = vec![b' '; BODY_LIMIT + 1];
    let response = server.post_raw("/credentials/issue", big.clone()).await;
    assert_eq!(
        status_and_code(response).await,
        (413, "BODY_TOO_LARGE".to_owned())
    );

    let merged = |len: usize| {
        server
            .client
            .post(server.url("/merged/echo"))
            .body(vec![b'x'; len])
            .send()
    };
    let small = merged(10).await.unwrap();
    assert_eq!(small.status().as_u16(), 200);
    assert_eq!(small.text().await.unwrap(), "10");
    assert_eq!(merged(BODY_LIMIT + 1).await.unwrap().status().as_u16(), 413);
}
