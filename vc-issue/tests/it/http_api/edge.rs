//! The edge in front of every router, over real loopback sockets: `serve`'s timeouts, connection
//! cap and graceful shutdown; every error in the JSON shape on `VcApi`, `exchanges::routes` and
//! `pickup_routes`; bounded messages; duplicate keys, nesting and media types refused with their
//! codes.

use std::future::IntoFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use serde_json::{json, Map, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vc_issue::exchange::{
    CreateExchangeRequest, ExchangeService, MemoryExchangeStore, Step, WalletMessage, Workflow,
    WorkflowId,
};
use vc_issue::http::{exchanges, pickup_routes, BearerTokens, ServeLimits};
use vc_issue::pickup::{MemoryPickupStore, PickupService};

use crate::http_api::server::{json_of, listen, serve, start, Options, Server, TOKEN};

/// A short timeout for the tests that wait for one; assertions allow ten times as much.
const SHORT: Duration = Duration::from_millis(300);

fn host_of(base: &str) -> &str {
    base.trim_start_matches("http://")
}

/// Reads from `stream` until the server closes it (`Ok(bytes)`), or `None` if it is still open
/// after `within`.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(received),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one response (head and a `Content-Length` body) from `stream`: status, head, JSON body.
async fn read_response(stream: &mut TcpStream, within: Duration) -> Option<(u16, String, Value)> {
    let mut received = Vec::new();
    let deadline = Instant::now() + within;
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                let status = head[9..12].parse().unwrap();
                let body = serde_json::from_slice(&received[end + 4..end + 4 + length])
                    .unwrap_or(Value::Null);
                return Some((status, head, body));
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => received.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    }
}

fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or_default()
}

fn limits() -> ServeLimits {
    ServeLimits::default()
}

// ---------------------------------------------------------------------------------------------
// serve: timeouts, the connection cap, graceful shutdown

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_that_never_finishes_is_disconnected_after_the_header_timeout() {
    let server = start(Options {
        limits: Some(limits().with_header_read_timeout(SHORT)),
        ..Options::default()
    })
    .await;
    let host = host_of(&server.base);

    // Half a head, then nothing (slowloris); and a connection that never sends a byte.
    let mut half = TcpStream::connect(host).await.unwrap();
    half.write_all(b"POST /credentials/issue HTTP/1.1\r\nHost: x\r\nContent-Ty")
        .await
        .unwrap();
    let mut silent = TcpStream::connect(host).await.unwrap();
    let received = read_to_close(&mut half, SHORT * 10)
        .await
        .expect("disconnected within ten times the header timeout");
    assert!(received.is_empty(), "no answer: there is no request yet");
    assert!(read_to_close(&mut silent, SHORT * 10).await.is_some());

    // A client that sends its head in time is served.
    let response = server.get("/status-lists/none").await;
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_finishes_is_answered_408_and_the_connection_closed() {
    let server = start(Options {
        limits: Some(limits().with_request_timeout(SHORT)),
        ..Options::default()
    })
    .await;
    let mut stream = TcpStream::connect(host_of(&server.base)).await.unwrap();
    let head = format!(
        "POST /credentials/issue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"claims\": "
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (status, head, body) = read_response(&mut stream, SHORT * 10)
        .await
        .expect("answered within ten times the request timeout");
    assert_eq!((status, code(&body)), (408, "REQUEST_TIMEOUT"), "{body}");
    assert!(
        head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    assert!(read_to_close(&mut stream, SHORT * 10).await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_takes_too_long_is_answered_503() {
    let router = axum::Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "late"
        }),
    );
    let (listener, base) = listen().await;
    serve(listener, router, limits().with_request_timeout(SHORT));
    let (status, body) = json_of(reqwest::get(format!("{base}/slow")).await.unwrap()).await;
    assert_eq!((status, code(&body)), (503, "PROCESSING_TIMEOUT"), "{body}");
}

/// Past the cap a connection is not refused: it waits, unanswered, in the listen backlog until a
/// served connection closes, and is then served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_until_a_slot_frees() {
    let server = start(Options {
        limits: Some(limits().with_max_connections(2)),
        ..Options::default()
    })
    .await;
    let host = host_of(&server.base).to_owned();
    let first = TcpStream::connect(&host).await.unwrap();
    let _second = TcpStream::connect(&host).await.unwrap();
    // Let the server accept both before the third arrives.
    tokio::time::sleep(SHORT).await;
    let mut third = TcpStream::connect(&host).await.unwrap();
    third
        .write_all(b"GET /status-lists/none HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(
        read_response(&mut third, SHORT * 2).await.is_none(),
        "the third connection is not served while two are open"
    );
    drop(first);
    let (status, _, body) = read_response(&mut third, SHORT * 10)
        .await
        .expect("served once a slot frees");
    assert_eq!((status, code(&body)), (404, "STATUS_LIST_NOT_FOUND"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_answers_requests_in_progress_then_stops() {
    let router = axum::Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            "done"
        }),
    );
    let (listener, base) = listen().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        vc_issue::http::serve(listener, router, limits())
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    let in_progress = tokio::spawn(reqwest::get(format!("{base}/slow")));
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let response = in_progress.await.unwrap().unwrap();
    assert_eq!(response.text().await.unwrap(), "done");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once its requests are answered")
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(host_of(&base)).await.is_err());
}

// ---------------------------------------------------------------------------------------------
// Every error in the JSON shape, on every router

/// An exchange service with one DID Authentication step, and its routes.
fn exchange_routes(server: &Server) -> (Arc<ExchangeService>, axum::Router) {
    let workflow = Workflow::builder(WorkflowId::parse("wf").unwrap())
        .step("auth", Step::did_auth())
        .initial_step("auth")
        .build()
        .unwrap();
    let service = Arc::new(
        ExchangeService::builder()
            .store(Arc::new(MemoryExchangeStore::new()))
            .issuer(server.issuer.clone())
            .workflow(workflow)
            .base_url(server.base.clone())
            .build()
            .unwrap(),
    );
    let routes = exchanges::routes(service.clone(), Arc::new(BearerTokens::new([TOKEN])));
    (service, routes)
}

/// Serves `router` alone; returns its base URL.
async fn alone(router: axum::Router) -> String {
    let (listener, base) = listen().await;
    serve(listener, router, limits());
    base
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = request.bearer_auth(TOKEN).send().await.unwrap();
    let headers = response.headers().clone();
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "{}",
        response.status()
    );
    let (status, body) = json_of(response).await;
    (status, body, headers)
}

/// 404, 405 (with `Allow`) and a bad path encoding, each in the JSON shape.
async fn answers_in_the_shape(
    base: &str,
    missing: &str,
    wrong_method: (reqwest::Method, &str, &str),
    bad_path: &str,
) {
    let client = reqwest::Client::new();
    let (status, body, _) = send(client.get(format!("{base}{missing}"))).await;
    assert_eq!(
        (status, code(&body)),
        (404, "NOT_FOUND"),
        "{missing}: {body}"
    );
    assert!(body["message"].is_string() && body.get("details").is_some());

    let (method, path, allow) = wrong_method;
    let (status, body, headers) = send(client.request(method, format!("{base}{path}"))).await;
    assert_eq!(
        (status, code(&body)),
        (405, "METHOD_NOT_ALLOWED"),
        "{path}: {body}"
    );
    let header = headers["allow"].to_str().unwrap();
    assert!(header.contains(allow), "{header}");

    let (status, body, _) = send(client.get(format!("{base}{bad_path}"))).await;
    assert_eq!(
        (status, code(&body)),
        (400, "INVALID_PATH"),
        "{bad_path}: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_router_answers_404_405_and_bad_encodings_in_the_json_shape() {
    let host = axum::Router::new().route("/host/ping", get(|| async { "pong" }));
    let probe = start(Options::default()).await;
    let (_, routes) = exchange_routes(&probe);
    let server = start(Options {
        merge: vec![routes, host],
        ..Options::default()
    })
    .await;
    // VcApi, with the exchange routes and a host's router merged in.
    answers_in_the_shape(
        &server.base,
        "/nothing/here",
        (reqwest::Method::DELETE, "/credentials/issue", "POST"),
        "/status-lists/%FF",
    )
    .await;
    answers_in_the_shape(
        &server.base,
        "/workflows/wf/exchanges/x/y/z",
        (reqwest::Method::PUT, "/workflows/wf/exchanges", "POST"),
        "/workflows/%FF/exchanges/abc",
    )
    .await;
    answers_in_the_shape(
        &server.base,
        "/host/missing",
        (reqwest::Method::POST, "/host/ping", "GET"),
        "/host/%C3",
    )
    .await;

    // exchanges::routes alone.
    let (_, routes) = exchange_routes(&probe);
    let base = alone(routes).await;
    answers_in_the_shape(
        &base,
        "/credentials/issue",
        (
            reqwest::Method::DELETE,
            "/workflows/wf/exchanges/abc",
            "GET",
        ),
        "/workflows/wf/exchanges/%FF",
    )
    .await;

    // pickup_routes alone.
    let pickup = PickupService::new(Arc::new(MemoryPickupStore::new()), &probe.base).unwrap();
    let base = alone(pickup_routes(pickup)).await;
    answers_in_the_shape(
        &base,
        "/credentials/pickup/more",
        (reqwest::Method::GET, "/credentials/pickup", "POST"),
        "/credentials/%FF",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Bounded messages

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_input_in_messages_and_details_is_cut_to_a_bounded_length() {
    let server = start(Options::default()).await;
    let long = "x".repeat(10 * 1024);
    let mut unknown_field = vc_api_body(&server, 4);
    unknown_field[&long] = json!(1);
    let mut bad_did = serde_json::to_value(server.request("gold")).unwrap();
    bad_did["holderDid"] = json!(format!("did:{long}"));
    let mut bad_claim = serde_json::to_value(server.request("gold")).unwrap();
    bad_claim["claims"]["level"] = json!(long.clone());
    for body in [unknown_field, bad_did, bad_claim] {
        let response = server.post("/credentials/issue", &body).await;
        let text = response.text().await.unwrap();
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert!(reply["code"].is_string(), "{reply}");
        let message = reply["message"].as_str().unwrap();
        assert!(message.len() <= 512, "{} bytes: {message}", message.len());
        assert!(
            text.len() < 4 * 1024,
            "the whole answer is bounded: {} bytes",
            text.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Strict JSON bodies

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_given_twice_is_refused_with_duplicate_key() {
    let server = start(Options::default()).await;
    let issuer = server.key.did().as_str().to_owned();
    let vc_api = format!(
        r#"{{"credential": {{"@context": ["https://www.w3.org/ns/credentials/v2"],
             "type": ["VerifiableCredential"], "issuer": "{issuer}",
             "issuer": "did:example:someone-else", "credentialSubject": {{"id": "did:example:h"}}}}}}"#
    );
    let request = serde_json::to_value(server.request("gold")).unwrap();
    let issuance = serde_json::to_string(&request).unwrap().replacen(
        '{',
        r#"{"issuerDid": "did:example:other","#,
        1,
    );
    for (body, pointer, key) in [
        (vc_api, "/credential", "issuer"),
        (issuance, "", "issuerDid"),
    ] {
        let response = server
            .client
            .post(server.url("/credentials/issue"))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, reply) = json_of(response).await;
        assert_eq!((status, code(&reply)), (400, "DUPLICATE_KEY"), "{reply}");
        assert_eq!(reply["details"]["pointer"], pointer);
        assert_eq!(reply["details"]["key"], key);
    }
    // The exchange bodies' own parsers refuse it too, for callers outside HTTP.
    let twice = br#"{"ttl": 60, "ttl": 6000}"#;
    assert!(CreateExchangeRequest::from_json(twice).is_err());
    let twice = br#"{"verifiablePresentation": {}, "verifiablePresentation": {"a": 1}}"#;
    assert!(WalletMessage::from_json(twice).is_err());
}

/// `{"a": {"a": ... 1}}`, `levels` objects deep.
fn nest(levels: usize) -> Value {
    let mut value = json!(1);
    for _ in 0..levels {
        value = json!({ "a": value });
    }
    value
}

/// A VC API body `depth` levels deep: `{credential: {credentialSubject: {deep: ...}}}`.
fn vc_api_body(server: &Server, depth: usize) -> Value {
    json!({
        "credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": server.key.did().as_str(),
            "credentialSubject": { "id": server.holder.as_str(), "deep": nest(depth - 3) },
        },
        "options": { "proofType": "eddsa-jcs-2022" },
    })
}

/// An IssuanceRequest body `depth` levels deep: `{claims: {deep: ...}}`.
fn issuance_body(server: &Server, depth: usize) -> Value {
    let mut body = serde_json::to_value(server.request("gold")).unwrap();
    body["claims"]["deep"] = nest(depth - 2);
    body
}

fn depth_of(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

async fn at_and_past(server: &Server, limit: usize) {
    for body in [vc_api_body(server, limit), issuance_body(server, limit)] {
        assert_eq!(depth_of(&body), limit);
        let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
        assert_eq!(status, 201, "at the limit ({limit}): {reply}");
    }
    for (body, prefix) in [
        (
            vc_api_body(server, limit + 1),
            "/credential/credentialSubject/deep/a",
        ),
        (issuance_body(server, limit + 1), "/claims/deep/a"),
    ] {
        assert_eq!(depth_of(&body), limit + 1);
        let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
        assert_eq!(
            (status, code(&reply)),
            (400, "NESTING_TOO_DEEP"),
            "past the limit ({limit}): {reply}"
        );
        assert_eq!(reply["details"]["limit"], limit);
        let pointer = reply["details"]["pointer"].as_str().unwrap();
        assert!(pointer.starts_with(prefix), "{pointer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nesting_at_the_limit_is_issued_and_one_past_is_refused() {
    let server = start(Options::default()).await;
    at_and_past(&server, vc_core::ParseLimits::DEFAULT_MAX_DEPTH).await;
    let server = start(Options {
        max_nesting: Some(8),
        ..Options::default()
    })
    .await;
    at_and_past(&server, 8).await;
}

/// A create-exchange body `depth` levels deep: `{variables: {deep: ...}}`.
fn create_body(depth: usize) -> Value {
    json!({ "ttl": 600, "variables": { "deep": nest(depth - 2) } })
}

async fn exchange_at_and_past(base: &str, limit: usize) {
    let client = reqwest::Client::new();
    let create = |body: Value| {
        client
            .post(format!("{base}/workflows/wf/exchanges"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
    };
    let response = create(create_body(limit)).await.unwrap();
    assert_eq!(response.status().as_u16(), 204, "at the limit ({limit})");
    // The service's URLs are on the probe's base; the path is the same on this router.
    let location = response.headers()["location"].to_str().unwrap();
    let path = &location[location.find("/workflows/").unwrap()..];
    let exchange = format!("{base}{path}");
    let (status, reply) = json_of(create(create_body(limit + 1)).await.unwrap()).await;
    assert_eq!((status, code(&reply)), (400, "NESTING_TOO_DEEP"), "{reply}");
    let pointer = reply["details"]["pointer"].as_str().unwrap();
    assert!(pointer.starts_with("/variables/deep/a"), "{pointer}");

    // The wallet's POST: past the limit refused with the code, at it read (and answered as a
    // presentation of nothing, which is the exchange's own refusal).
    let wallet = |depth: usize| {
        let mut presentation = Map::new();
        presentation.insert("deep".into(), nest(depth - 2));
        client
            .post(&exchange)
            .json(&json!({ "verifiablePresentation": presentation }))
            .send()
    };
    let (status, reply) = json_of(wallet(limit + 1).await.unwrap()).await;
    assert_eq!((status, code(&reply)), (400, "NESTING_TOO_DEEP"), "{reply}");
    let pointer = reply["details"]["pointer"].as_str().unwrap();
    assert!(
        pointer.starts_with("/verifiablePresentation/deep/a"),
        "{pointer}"
    );
    let (_, reply) = json_of(wallet(limit).await.unwrap()).await;
    assert_ne!(code(&reply), "NESTING_TOO_DEEP", "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exchange_bodies_are_held_to_the_nesting_limit_of_their_router() {
    let probe = start(Options::default()).await;
    // Alone: the default limit.
    let (_, routes) = exchange_routes(&probe);
    exchange_at_and_past(
        &alone(routes).await,
        vc_core::ParseLimits::DEFAULT_MAX_DEPTH,
    )
    .await;
    // Merged into a VcApi: the VcApi's limit.
    let (_, routes) = exchange_routes(&probe);
    let server = start(Options {
        merge: vec![routes],
        max_nesting: Some(6),
        ..Options::default()
    })
    .await;
    exchange_at_and_past(&server.base, 6).await;
}

// ---------------------------------------------------------------------------------------------
// Media types

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_declared_application_json_is_415() {
    let probe = start(Options::default()).await;
    let (_, routes) = exchange_routes(&probe);
    let store = Arc::new(MemoryPickupStore::new());
    let server = start(Options {
        merge: vec![routes],
        pickup: Some((
            store,
            Arc::new(vc_core::FixedClock::new(time::OffsetDateTime::now_utc())),
        )),
        ..Options::default()
    })
    .await;
    let body = serde_json::to_vec(&server.request("gold")).unwrap();
    let paths = [
        "/credentials/issue",
        "/credentials/status",
        "/credentials/pickup",
        "/workflows/wf/exchanges",
        "/workflows/wf/exchanges/abc",
    ];
    for path in paths {
        for content_type in [
            Some("text/plain"),
            Some("application/ld+json"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let mut request = server
                .client
                .post(server.url(path))
                .bearer_auth(TOKEN)
                .body(body.clone());
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let (status, reply) = json_of(request.send().await.unwrap()).await;
            assert_eq!(
                (status, code(&reply)),
                (415, "UNSUPPORTED_MEDIA_TYPE"),
                "{path} {content_type:?}: {reply}"
            );
        }
    }
    // `charset=utf-8` is fine.
    let response = server
        .client
        .post(server.url("/credentials/issue"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    // A POST without a body needs no type (creating an exchange: it means `{}`).
    let response = server
        .client
        .post(server.url("/workflows/wf/exchanges"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
}
