//! The coordinator client over real loopback HTTP, against a fake VCALM workflow service that
//! speaks the VC API shapes (`POST <workflow>/exchanges` → `204` + `Location`; `GET <exchange>` →
//! `{"exchange": {...}}` or a bare exchange) and walks each exchange through a scripted life.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use vc_issue::coordinator::{
    Coordinator, CoordinatorError, ExchangeSnapshot, ExchangeState, ExchangeUrl, PollOptions,
    QUIET_ZONE,
};

const TOKEN: &str = "coordinator-token-3f9a";

/// One answer of the fake service to a read, in order; the last one repeats.
#[derive(Clone, Copy, Debug)]
enum Step {
    State(ExchangeState),
    Unavailable,
    Garbage,
    /// `state` given twice: plain serde_json would take the last one.
    Duplicate,
    Slow,
}

#[derive(Debug)]
struct FakeExchange {
    workflow: String,
    variables: Map<String, Value>,
    script: Vec<Step>,
    reads: usize,
}

#[derive(Debug, Default)]
struct FakeState {
    base: String,
    exchanges: HashMap<String, FakeExchange>,
    created: Vec<(String, Value)>,
    next_id: u32,
}

#[derive(Clone, Debug, Default)]
struct Fake(Arc<Mutex<FakeState>>);

impl Fake {
    fn reads(&self, exchange_id: &str) -> usize {
        self.0.lock().unwrap().exchanges[exchange_id].reads
    }

    fn created(&self) -> Vec<(String, Value)> {
        self.0.lock().unwrap().created.clone()
    }
}

/// The scripted life of an exchange, chosen by its workflow's id.
fn script(workflow: &str) -> Option<Vec<Step>> {
    use ExchangeState::*;
    Some(match workflow {
        "happy" | "bare" | "absolute" | "relative" => {
            vec![
                Step::State(Pending),
                Step::State(Active),
                Step::State(Complete),
            ]
        }
        "invalid" => vec![Step::State(Pending), Step::State(Invalid)],
        "stuck" => vec![Step::State(Pending)],
        "flaky" => vec![Step::Unavailable, Step::State(Complete)],
        "garbage" => vec![Step::Garbage],
        "duplicate" => vec![Step::Duplicate],
        "slow" => vec![Step::Slow],
        "no-location" | "rejecting" => vec![],
        _ => return None,
    })
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {TOKEN}"))
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"code": code, "message": message, "details": null})),
    )
        .into_response()
}

async fn create_exchange(
    State(fake): State<Fake>,
    Path(workflow): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !authorized(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "authentication required",
        );
    }
    let Some(script) = script(&workflow) else {
        return error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such workflow");
    };
    if workflow == "rejecting" {
        return error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "ttl too long");
    }
    let mut state = fake.0.lock().unwrap();
    state.created.push((workflow.clone(), body.clone()));
    state.next_id += 1;
    let id = format!("ex-{}", state.next_id);
    let variables = body["variables"].as_object().cloned().unwrap_or_default();
    state.exchanges.insert(
        id.clone(),
        FakeExchange {
            workflow: workflow.clone(),
            variables,
            script,
            reads: 0,
        },
    );
    let path = format!("/workflows/{workflow}/exchanges/{id}");
    let location = match workflow.as_str() {
        "no-location" => return StatusCode::NO_CONTENT.into_response(),
        "absolute" => format!("{}{path}", state.base),
        // Relative to the request URL `/workflows/relative/exchanges` (RFC 9110).
        "relative" => format!("exchanges/{id}"),
        _ => path,
    };
    (StatusCode::NO_CONTENT, [(header::LOCATION, location)]).into_response()
}

async fn read_exchange(
    State(fake): State<Fake>,
    Path((workflow, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "authentication required",
        );
    }
    let (step, sequence, variables) = {
        let mut state = fake.0.lock().unwrap();
        let Some(exchange) = state
            .exchanges
            .get_mut(&id)
            .filter(|e| e.workflow == workflow)
        else {
            return error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such exchange");
        };
        let step = exchange.script[exchange.reads.min(exchange.script.len() - 1)];
        exchange.reads += 1;
        (step, exchange.reads, exchange.variables.clone())
    };
    let state = match step {
        Step::State(state) => state,
        Step::Unavailable => return error(StatusCode::SERVICE_UNAVAILABLE, "BUSY", "busy"),
        Step::Garbage => {
            return Json(json!({"exchange": {"id": id, "state": "done"}})).into_response()
        }
        Step::Duplicate => {
            let body = format!(
                r#"{{"exchange": {{"id": "{id}", "state": "pending", "state": "complete"}}}}"#
            );
            return ([(header::CONTENT_TYPE, "application/json")], body).into_response();
        }
        Step::Slow => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            ExchangeState::Pending
        }
    };
    let mut exchange = json!({
        "id": id,
        "sequence": sequence,
        "expires": "2030-01-01T00:15:00Z",
        "step": if state == ExchangeState::Pending { "didAuth" } else { "issue" },
        "state": state,
        "variables": variables,
    });
    match state {
        ExchangeState::Complete => {
            exchange["variables"]["results"] = json!({
                "ownerBinding": {"did": "did:key:z6MkwalletDid", "verifiablePresentation": {"type": ["VerifiablePresentation"]}}
            });
        }
        ExchangeState::Invalid => {
            exchange["lastError"] = json!({"name": "DataError", "message": "challenge mismatch"});
        }
        _ => {}
    }
    if workflow == "bare" {
        Json(exchange).into_response()
    } else {
        Json(json!({ "exchange": exchange })).into_response()
    }
}

/// Starts the fake service on a loopback port.
async fn start_fake() -> (Fake, String) {
    let fake = Fake::default();
    let app = Router::new()
        .route("/workflows/{workflow}/exchanges", post(create_exchange))
        .route("/workflows/{workflow}/exchanges/{id}", get(read_exchange))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    fake.0.lock().unwrap().base = base.clone();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (fake, base)
}

/// Creates an exchange of `workflow` at the service at `base` that lives 60 seconds.
async fn create(
    coordinator: &Coordinator,
    base: &str,
    workflow: &str,
    variables: Map<String, Value>,
) -> Result<ExchangeUrl, CoordinatorError> {
    coordinator
        .create_exchange(
            &format!("{base}/workflows/{workflow}"),
            Duration::from_secs(60),
            variables,
        )
        .await
}

/// Polls `exchange` until `deadline`, expecting an error.
async fn poll_error(
    coordinator: &Coordinator,
    exchange: &ExchangeUrl,
    deadline: Duration,
) -> CoordinatorError {
    coordinator
        .poll(exchange, quick(deadline))
        .await
        .unwrap_err()
}

/// The `lastError` and the exchange of an `EXCHANGE_INVALID` error.
pub fn invalid(error: &CoordinatorError) -> (&Option<Value>, &ExchangeSnapshot) {
    let CoordinatorError::ExchangeInvalid {
        last_error,
        exchange,
    } = error
    else {
        panic!("{error:?}");
    };
    (last_error, exchange)
}

/// The fake service and a coordinator to drive it.
async fn start() -> (Fake, String, Coordinator) {
    let (fake, base) = start_fake().await;
    (fake, base, coordinator())
}

fn coordinator() -> Coordinator {
    Coordinator::builder().bearer_token(TOKEN).build().unwrap()
}

fn quick(deadline: Duration) -> PollOptions {
    PollOptions::new(deadline).with_intervals(Duration::from_millis(5), Duration::from_millis(20))
}

fn variables() -> Map<String, Value> {
    json!({"productId": "sku-4711", "batch": "2026-11"})
        .as_object()
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn create_then_poll_through_pending_and_active_to_complete() {
    let (fake, base, coordinator) = start().await;

    let exchange = coordinator
        .create_exchange(
            &format!("{base}/workflows/happy"),
            Duration::from_secs(900),
            variables(),
        )
        .await
        .unwrap();
    assert_eq!(
        exchange.as_str(),
        format!("{base}/workflows/happy/exchanges/ex-1")
    );
    assert_eq!(exchange.exchange_id(), Some("ex-1"));
    assert_eq!(
        fake.created(),
        vec![(
            "happy".to_owned(),
            json!({"ttl": 900, "variables": variables()})
        )]
    );

    let outcome = coordinator
        .poll(&exchange, quick(Duration::from_secs(60)))
        .await
        .unwrap();
    // pending, active, complete: three reads, each seen by the service.
    assert_eq!(outcome.reads, 3);
    assert_eq!(fake.reads("ex-1"), 3);
    assert_eq!(outcome.exchange.state, ExchangeState::Complete);
    assert_eq!(outcome.exchange.id.as_deref(), Some("ex-1"));
    assert_eq!(outcome.exchange.sequence, Some(3));
    assert_eq!(outcome.exchange.variables["productId"], "sku-4711");
    assert_eq!(
        outcome.exchange.result("ownerBinding").unwrap()["did"],
        "did:key:z6MkwalletDid"
    );
    assert!(outcome.results().unwrap().contains_key("ownerBinding"));
}

#[tokio::test]
async fn accepts_a_bare_exchange_object() {
    let (fake, base, coordinator) = start().await;
    let exchange = create(&coordinator, &base, "bare/", variables())
        .await
        .unwrap();

    let first = coordinator.exchange(&exchange).await.unwrap();
    assert_eq!(first.state, ExchangeState::Pending);
    assert_eq!(first.step.as_deref(), Some("didAuth"));

    let outcome = coordinator
        .poll(&exchange, quick(Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(outcome.reads, 2);
    assert_eq!(fake.reads("ex-1"), 3);
    assert_eq!(
        outcome.exchange.result("ownerBinding").unwrap()["did"],
        "did:key:z6MkwalletDid"
    );
}

#[tokio::test]
async fn resolves_absolute_and_relative_locations() {
    let (_fake, base, coordinator) = start().await;
    let absolute = create(&coordinator, &base, "absolute", Map::new())
        .await
        .unwrap();
    assert_eq!(
        absolute.as_str(),
        format!("{base}/workflows/absolute/exchanges/ex-1")
    );
    let relative = create(&coordinator, &base, "relative", Map::new())
        .await
        .unwrap();
    assert_eq!(
        relative.as_str(),
        format!("{base}/workflows/relative/exchanges/ex-2")
    );
    // The resolved URL is one the service answers on.
    assert_eq!(
        coordinator.exchange(&relative).await.unwrap().state,
        ExchangeState::Pending
    );
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_unauthorized() {
    let (fake, base) = start_fake().await;
    let workflow = format!("{base}/workflows/happy");
    let wrong = Coordinator::builder()
        .bearer_token("not-the-token")
        .build()
        .unwrap();
    let anonymous = Coordinator::builder().build().unwrap();

    for coordinator in [&wrong, &anonymous] {
        let error = coordinator
            .create_exchange(&workflow, Duration::from_secs(60), Map::new())
            .await
            .unwrap_err();
        assert_eq!(error.code(), "UNAUTHORIZED");
        assert!(matches!(
            error,
            CoordinatorError::Unauthorized { status: 401 }
        ));
    }
    assert!(fake.created().is_empty());

    let exchange = coordinator()
        .create_exchange(&workflow, Duration::from_secs(60), Map::new())
        .await
        .unwrap();
    for coordinator in [&wrong, &anonymous] {
        // Not retried: polling ends at once, without waiting for the deadline.
        let error = poll_error(coordinator, &exchange, Duration::from_secs(600)).await;
        assert_eq!(error.code(), "UNAUTHORIZED");
    }
    assert_eq!(fake.reads("ex-1"), 0);
}

#[tokio::test]
async fn unknown_exchanges_and_workflows_are_not_found() {
    let (_fake, base, coordinator) = start().await;
    let unknown = ExchangeUrl::parse(&format!("{base}/workflows/happy/exchanges/nope")).unwrap();
    let error = coordinator
        .poll(&unknown, quick(Duration::from_secs(600)))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "EXCHANGE_NOT_FOUND");
    assert!(error.to_string().contains("/exchanges/nope"));

    let error = create(&coordinator, &base, "unknown", Map::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "WORKFLOW_NOT_FOUND");
}

#[tokio::test]
async fn an_invalid_exchange_ends_polling_with_the_last_error() {
    let (fake, base, coordinator) = start().await;
    let exchange = create(&coordinator, &base, "invalid", variables())
        .await
        .unwrap();
    let error = poll_error(&coordinator, &exchange, Duration::from_secs(600)).await;
    assert_eq!(error.code(), "EXCHANGE_INVALID");
    assert!(!error.is_transient());
    let (last_error, snapshot) = invalid(&error);
    assert_eq!(
        last_error,
        &Some(json!({"name": "DataError", "message": "challenge mismatch"}))
    );
    assert_eq!(snapshot.state, ExchangeState::Invalid);
    assert_eq!(snapshot.variables["productId"], "sku-4711");
    assert!(error.to_string().contains("challenge mismatch"));
    assert_eq!(fake.reads("ex-1"), 2);
}

#[tokio::test]
async fn an_exchange_that_never_finishes_times_out_at_the_deadline() {
    let (fake, base, coordinator) = start().await;
    let exchange = create(&coordinator, &base, "stuck", Map::new())
        .await
        .unwrap();
    let error = poll_error(&coordinator, &exchange, Duration::from_millis(200)).await;
    assert_eq!(error.code(), "POLL_TIMEOUT");
    assert!(matches!(
        error,
        CoordinatorError::PollTimeout {
            last_state: Some(ExchangeState::Pending),
            ..
        }
    ));
    assert!(fake.reads("ex-1") >= 1);
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    // Bind, note the port, close it: nothing listens there any more.
    let closed: SocketAddr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let coordinator = coordinator();

    let error = create(
        &coordinator,
        &format!("http://{closed}"),
        "happy",
        Map::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), "SERVICE_UNREACHABLE");
    assert!(error.is_transient());
    assert!(std::error::Error::source(&error).is_some());

    let exchange =
        ExchangeUrl::parse(&format!("http://{closed}/workflows/happy/exchanges/ex-1")).unwrap();
    let error = coordinator.exchange(&exchange).await.unwrap_err();
    assert_eq!(error.code(), "SERVICE_UNREACHABLE");

    // Polling retries within its deadline, then reports why no read ever succeeded.
    let error = poll_error(&coordinator, &exchange, Duration::from_millis(100)).await;
    assert_eq!(error.code(), "SERVICE_UNREACHABLE");
}

#[tokio::test]
async fn polling_rides_out_a_busy_service() {
    let (fake, base, coordinator) = start().await;
    let exchange = create(&coordinator, &base, "flaky", Map::new())
        .await
        .unwrap();

    let error = coordinator.exchange(&exchange).await.unwrap_err();
    assert_eq!(error.code(), "SERVICE_UNAVAILABLE");

    let outcome = coordinator
        .poll(&exchange, quick(Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(outcome.exchange.state, ExchangeState::Complete);
    assert_eq!(fake.reads("ex-1"), 2);
}

#[tokio::test]
async fn a_slow_service_times_the_request_out() {
    let (_fake, base) = start_fake().await;
    let coordinator = Coordinator::builder()
        .bearer_token(TOKEN)
        .request_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let exchange = create(&coordinator, &base, "slow", Map::new())
        .await
        .unwrap();
    let error = coordinator.exchange(&exchange).await.unwrap_err();
    assert_eq!(error.code(), "SERVICE_TIMEOUT");
    assert!(error.is_transient());
}

#[tokio::test]
async fn malformed_answers_are_typed_errors() {
    let (_fake, base, coordinator) = start().await;

    let error = create(&coordinator, &base, "no-location", Map::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "MISSING_LOCATION");

    let error = create(&coordinator, &base, "rejecting", Map::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "SERVICE_REJECTED");
    assert!(matches!(
        &error,
        CoordinatorError::Rejected { status: 400, code: Some(code), message }
            if code == "INVALID_REQUEST" && message == "ttl too long"
    ));

    let exchange = create(&coordinator, &base, "garbage", Map::new())
        .await
        .unwrap();
    let error = poll_error(&coordinator, &exchange, Duration::from_secs(600)).await;
    assert_eq!(error.code(), "MALFORMED_RESPONSE");

    // A key given twice is refused, not read as its last value.
    let exchange = create(&coordinator, &base, "duplicate", Map::new())
        .await
        .unwrap();
    let error = poll_error(&coordinator, &exchange, Duration::from_secs(600)).await;
    assert_eq!(error.code(), "MALFORMED_RESPONSE");
    assert!(error.to_string().contains("parse limits"), "{error}");

    let error = coordinator
        .create_exchange("not a url", Duration::from_secs(60), Map::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "INVALID_URL");
    let error = coordinator
        .create_exchange(
            &format!("{base}/workflows/happy"),
            Duration::ZERO,
            Map::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), "INVALID_TTL");
}

#[tokio::test]
async fn one_coordinator_polls_many_exchanges_concurrently() {
    let (fake, base, coordinator) = start().await;
    let mut tasks = Vec::new();
    for n in 0..16 {
        let coordinator = coordinator.clone();
        let workflow = format!("{base}/workflows/happy");
        tasks.push(tokio::spawn(async move {
            let variables = json!({"n": n}).as_object().cloned().unwrap();
            let exchange = coordinator
                .create_exchange(&workflow, Duration::from_secs(60), variables)
                .await
                .unwrap();
            let outcome = coordinator
                .poll(&exchange, quick(Duration::from_secs(60)))
                .await
                .unwrap();
            (n, exchange, outcome)
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let (n, exchange, outcome) = task.await.unwrap();
        assert_eq!(outcome.exchange.variables["n"], n);
        assert_eq!(outcome.reads, 3);
        assert!(ids.insert(exchange.exchange_id().unwrap().to_owned()));
    }
    assert_eq!(fake.created().len(), 16);
}

#[test]
fn the_qr_png_is_the_qr_code_of_the_interaction_url() {
    let exchange = ExchangeUrl::parse(
        "https://issuer.example/workflows/passport/exchanges/z19uokPn3b1Z4X?lang=en",
    )
    .unwrap();
    let interaction = coordinator().interaction(&exchange).unwrap();
    let url = interaction.url().as_str().to_owned();
    assert_eq!(
        url,
        "https://issuer.example/workflows/passport/exchanges/z19uokPn3b1Z4X?lang=en&iuv=1"
    );

    // An independent encoding of the same text, at the same error-correction level.
    let expected = qrcode::QrCode::with_error_correction_level(&url, qrcode::EcLevel::M).unwrap();
    let modules = expected.width();
    assert_eq!(interaction.qr_modules(), modules);
    let colors = expected.to_colors();

    let scale = 3_usize;
    let png_bytes = interaction.qr_png(scale as u32).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let quiet = QUIET_ZONE as usize;
    let side = (modules + 2 * quiet) * scale;
    assert_eq!((frame.width as usize, frame.height as usize), (side, side));

    // Every pixel: light in the quiet zone, otherwise the colour of its module.
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / scale, y / scale);
            let inside =
                (quiet..quiet + modules).contains(&mx) && (quiet..quiet + modules).contains(&my);
            let dark =
                inside && colors[(my - quiet) * modules + (mx - quiet)] == qrcode::Color::Dark;
            let pixel = pixels[y * frame.line_size + x];
            assert_eq!(pixel, if dark { 0 } else { 255 }, "pixel ({x}, {y})");
        }
    }

    // And a QR reader finds the URL in the picture.
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        pixels[y * frame.line_size + x]
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, url);
}

#[test]
fn the_qr_svg_has_the_quiet_zone_and_every_dark_module() {
    let exchange = ExchangeUrl::parse("http://127.0.0.1:8080/workflows/w/exchanges/e1").unwrap();
    let interaction = coordinator().interaction(&exchange).unwrap();
    let svg = interaction.qr_svg();
    let side = (interaction.qr_modules() + 2 * QUIET_ZONE as usize) * 8;
    assert!(svg.starts_with("<?xml"));
    assert!(svg.contains(&format!(r#"width="{side}" height="{side}""#)));
    // Each dark module is one `M{x} {y}h8v8...` square, offset by the quiet zone.
    let quiet = QUIET_ZONE as usize;
    let in_svg: std::collections::BTreeSet<(usize, usize)> = svg
        .split('M')
        .skip(1)
        .map(|square| {
            let (origin, size) = square.split_once('h').unwrap();
            assert!(size.starts_with("8v8"), "{square}");
            let (x, y) = origin.split_once(' ').unwrap();
            (
                x.parse::<usize>().unwrap() / 8 - quiet,
                y.parse::<usize>().unwrap() / 8 - quiet,
            )
        })
        .collect();
    let expected =
        qrcode::QrCode::with_error_correction_level(interaction.url().as_str(), qrcode::EcLevel::M)
            .unwrap();
    let modules = expected.width();
    let dark: std::collections::BTreeSet<(usize, usize)> = expected
        .to_colors()
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| (i % modules, i / modules))
        .collect();
    assert_eq!(in_svg, dark);
    assert_eq!(
        interaction.wallet_payload()["VerifiablePresentation"]["interact"]["service"][0]
            ["serviceEndpoint"],
        exchange.as_str()
    );
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Coordinator>();
    send_sync::<vc_issue::coordinator::CoordinatorBuilder>();
    send_sync::<CoordinatorError>();
    send_sync::<vc_issue::coordinator::Interaction>();
    send_sync::<vc_issue::coordinator::ExchangeOutcome>();
    send_sync::<ExchangeUrl>();
    send_sync::<PollOptions>();
}
