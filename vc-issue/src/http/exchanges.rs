//! The workflow service's endpoints (VCALM exchanges):
//!
//! | method and path | who | answer |
//! |---|---|---|
//! | `POST /workflows/{id}/exchanges` | coordinator (authenticated) | `204` + `Location: <base>/workflows/{id}/exchanges/{exchangeId}` |
//! | `GET /workflows/{id}/exchanges/{exchangeId}` | coordinator (authenticated) | `{"exchange": {...}}` |
//! | `GET /workflows/{id}/exchanges/{exchangeId}?iuv=1` | wallet (the interaction URL) | `{"protocols": {...}}`, as `/protocols` |
//! | `POST /workflows/{id}/exchanges/{exchangeId}` | wallet | `{"verifiablePresentationRequest"}`, `{"verifiablePresentation"}`, both, or `{}` |
//! | `GET /workflows/{id}/exchanges/{exchangeId}/protocols` | anyone with the URL | `{"protocols": {"vcapi": "<exchange url>"}}` |
//!
//! The create body is `{ttl?, expires?, variables?}` (see
//! [`CreateExchangeRequest`]); the wallet body is `{}` or `{"verifiablePresentation": ...}`.
//! A missing or wrong token is `401` before the exchange is looked at; a body over
//! [`BODY_LIMIT`] is `413`. Errors are the JSON shape of [`ApiError`], with the statuses of
//! the codes of [`ExchangeError::code`] (see [`status_of`](crate::http::status_of)): `400` malformed input and refused presentations (`ttl` and
//! `expires` together is `TTL_AND_EXPIRES`; variables the workflow's templates cannot use are
//! `EXCHANGE_VARIABLES_INVALID`, with a JSON pointer to each in `details.violations`), `404`
//! unknown workflow or exchange, `409` an exchange that is complete, invalid or was changed
//! concurrently, `410` an expired exchange.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use vc_issue::exchange::ExchangeService;
//! # use vc_issue::http::BearerTokens;
//! # async fn f(service: Arc<ExchangeService>) -> std::io::Result<()> {
//! let app = vc_issue::http::exchanges::routes(service, Arc::new(BearerTokens::new(["token"])));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use vc_core::ErrorCode;

use super::error_status::domain_error;
use crate::exchange::{
    CreateExchangeRequest, ExchangeError, ExchangeId, ExchangeService, WalletMessage, WorkflowId,
};
use crate::http::{ApiError, Authorizer, BODY_LIMIT};

#[derive(Debug, Clone)]
struct Endpoints {
    service: Arc<ExchangeService>,
    authorizer: Arc<dyn Authorizer>,
}

/// The workflow service's routes, to mount at the root of the service's base URL (or nest under
/// its path).
pub fn routes(service: Arc<ExchangeService>, authorizer: Arc<dyn Authorizer>) -> Router {
    let router = Router::new()
        .route("/workflows/{workflow_id}/exchanges", post(create))
        .route(
            "/workflows/{workflow_id}/exchanges/{exchange_id}",
            get(read).post(participate),
        )
        .route(
            "/workflows/{workflow_id}/exchanges/{exchange_id}/protocols",
            get(protocols),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Endpoints {
            service,
            authorizer,
        });
    // Every error in the JSON shape; bodies checked for type, duplicate keys and nesting.
    crate::http::edge::library_routes(router)
}

impl From<ExchangeError> for ApiError {
    fn from(error: ExchangeError) -> Self {
        match error {
            ExchangeError::Issue(e) => ApiError::from(e),
            _ => domain_error(
                &error,
                error.code(),
                error.details(),
                "the exchange service could not complete the request",
            ),
        }
    }
}

/// The error for a body that could not be read (`413` over the limit).
fn unreadable(rejection: BytesRejection) -> ApiError {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ErrorCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than {BODY_LIMIT} bytes"),
        )
    } else {
        ApiError::new(ErrorCode::INVALID_REQUEST, "the body could not be read").with_status(status)
    }
}

/// Path segments that are no valid id name nothing that exists.
fn ids(workflow: &str, exchange: &str) -> Result<(WorkflowId, ExchangeId), ExchangeError> {
    let workflow = WorkflowId::parse(workflow).map_err(|_| ExchangeError::WorkflowNotFound {
        id: workflow.to_owned(),
    })?;
    let exchange = ExchangeId::parse(exchange).map_err(|_| ExchangeError::ExchangeNotFound {
        id: exchange.to_owned(),
    })?;
    Ok((workflow, exchange))
}

async fn create(
    State(endpoints): State<Endpoints>,
    Path(workflow): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    endpoints.authorizer.authorize(&headers).await?;
    let workflow = WorkflowId::parse(&workflow)
        .map_err(|_| ExchangeError::WorkflowNotFound { id: workflow })?;
    let request = CreateExchangeRequest::from_json(&raw.map_err(unreadable)?)?;
    let exchange = endpoints
        .service
        .create_exchange(&workflow, request)
        .await?;
    let location = endpoints.service.exchange_url(&workflow, &exchange.id);
    let location = HeaderValue::from_str(&location).map_err(|_| ApiError::internal())?;
    Ok((StatusCode::NO_CONTENT, [(header::LOCATION, location)]).into_response())
}

async fn read(
    State(endpoints): State<Endpoints>,
    Path((workflow, exchange)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // A wallet that opens the interaction URL (the exchange URL with `iuv=1`) is asking which
    // protocols it may use, not for the exchange: answer that without a token.
    if is_interaction(query.as_deref()) {
        return protocols(State(endpoints), Path((workflow, exchange))).await;
    }
    endpoints.authorizer.authorize(&headers).await?;
    let (workflow, exchange) = ids(&workflow, &exchange)?;
    let exchange = endpoints.service.exchange(&workflow, &exchange).await?;
    Ok(Json(json!({ "exchange": exchange })).into_response())
}

fn is_interaction(query: Option<&str>) -> bool {
    query.is_some_and(|q| q.split('&').any(|pair| pair == "iuv=1"))
}

async fn participate(
    State(endpoints): State<Endpoints>,
    Path((workflow, exchange)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (workflow, exchange) = ids(&workflow, &exchange)?;
    let message = WalletMessage::from_json(&raw.map_err(unreadable)?)?;
    let response = endpoints
        .service
        .participate(&workflow, &exchange, message)
        .await?;
    Ok(Json(response).into_response())
}

async fn protocols(
    State(endpoints): State<Endpoints>,
    Path((workflow, exchange)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (workflow, exchange) = ids(&workflow, &exchange)?;
    let protocols = endpoints.service.protocols(&workflow, &exchange).await?;
    Ok(Json(json!({ "protocols": protocols })).into_response())
}
