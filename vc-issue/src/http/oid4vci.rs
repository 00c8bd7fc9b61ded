//! The OpenID4VCI 1.0 routes (feature `oid4vci`) of an [`Oid4vciIssuer`]: metadata, offers by
//! reference, and the token, nonce, credential, deferred credential and notification
//! endpoints.
//!
//! Errors of these endpoints carry the specification's `{"error", "error_description"}` (what a
//! wallet acts on) together with the library's `code` and `message`; the status is the code's
//! ([`status_of`](super::status_of)); `invalid_token` adds `WWW-Authenticate: Bearer`,
//! `invalid_dpop_proof` `WWW-Authenticate: DPoP`. Access tokens come as `Authorization: Bearer`,
//! or `Authorization: DPoP` with a `DPoP` proof header (RFC 9449). The edge
//! in front of them is the library's: refusals made before a handler runs (size, media type,
//! duplicate keys, nesting) are in the `{code, message, details}` shape.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::body::json_body;
use super::issuer_api::no_store;
use super::{edge, status_of, BODY_LIMIT};
use crate::oid4vci::{
    paths, CredentialResponse, Oid4vciError, Oid4vciIssuer, Presented, AUTHORIZATION_CODE_GRANT,
};

/// The OpenID4VCI routes of `issuer`, with the library's edge: serve them alone, or merge them
/// into a [`VcApi`](super::VcApi) with [`VcApiBuilder::merge`](super::VcApiBuilder::merge).
///
/// | route | what |
/// |---|---|
/// | `GET /.well-known/openid-credential-issuer[/<issuer path>]` | Credential Issuer Metadata |
/// | `GET /.well-known/oauth-authorization-server[/<issuer path>]` | Authorization Server Metadata |
/// | `GET <issuer path>/oid4vci/offers/{id}` | an offer by reference, once |
/// | `GET <issuer path>/oid4vci/authorize` | the authorization endpoint, `302` (with the authorization code flow) |
/// | `POST <issuer path>/oid4vci/token` | the token endpoint (form-encoded; pre-authorized code and authorization code grants) |
/// | `POST <issuer path>/oid4vci/nonce` | a fresh `c_nonce` |
/// | `POST <issuer path>/oid4vci/credential` | credentials (Bearer access token) |
/// | `POST <issuer path>/oid4vci/deferred_credential` | deferred credentials (Bearer) |
/// | `POST <issuer path>/oid4vci/notification` | notifications (Bearer), `204` |
pub fn oid4vci_routes(issuer: Oid4vciIssuer) -> Router {
    let prefix = url::Url::parse(issuer.credential_issuer())
        .map(|u| u.path().trim_end_matches('/').to_owned())
        .unwrap_or_default();
    let at = |path: &str| format!("{prefix}{path}");
    let json_routes = Router::new()
        .route(&at(paths::CREDENTIAL), post(credential))
        .route(&at(paths::DEFERRED_CREDENTIAL), post(deferred_credential))
        .route(&at(paths::NOTIFICATION), post(notification))
        .route(&at(paths::NONCE), post(nonce))
        .with_state(issuer.clone());
    let other_routes = Router::new()
        .route(
            &format!("{}{prefix}", paths::ISSUER_METADATA),
            get(issuer_metadata),
        )
        .route(
            &format!("{}{prefix}", paths::AS_METADATA),
            get(authorization_server_metadata),
        )
        .route(&format!("{}/{{id}}", at(paths::OFFERS)), get(offer))
        .route(&at(paths::TOKEN), post(token));
    let other_routes = if issuer.authorization_code_flow() {
        other_routes.route(&at(paths::AUTHORIZATION), get(authorize))
    } else {
        other_routes
    }
    .with_state(issuer);
    edge::shape(
        edge::json_gate(json_routes)
            .merge(other_routes)
            .layer(DefaultBodyLimit::max(BODY_LIMIT)),
        vc_core::ParseLimits::DEFAULT_MAX_DEPTH,
    )
}

/// An [`Oid4vciError`] on the wire.
struct OAuthError(Oid4vciError);

impl From<Oid4vciError> for OAuthError {
    fn from(error: Oid4vciError) -> Self {
        Self(error)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let code = self.0.code();
        let server_side = code.class().is_server_side();
        let message = if server_side {
            "the issuer could not complete the request".to_owned()
        } else {
            let mut message = self.0.to_string();
            if message.len() > super::ApiError::MAX_MESSAGE_LEN {
                let mut cut = super::ApiError::MAX_MESSAGE_LEN;
                while !message.is_char_boundary(cut) {
                    cut -= 1;
                }
                message.truncate(cut);
            }
            message
        };
        let body = json!({
            "error": self.0.oauth_error(),
            "error_description": message,
            "code": code.to_string(),
            "message": message,
        });
        let mut response = no_store((status_of(code), Json(body)).into_response());
        let challenge = match &self.0 {
            Oid4vciError::InvalidToken => Some("Bearer error=\"invalid_token\""),
            Oid4vciError::InvalidDpopProof { .. } => Some("DPoP error=\"invalid_dpop_proof\""),
            Oid4vciError::UseDpopNonce { nonce } => {
                if let Ok(nonce) = HeaderValue::from_str(nonce) {
                    response.headers_mut().insert(DPOP_NONCE, nonce);
                }
                Some("DPoP error=\"use_dpop_nonce\"")
            }
            _ => None,
        };
        if let Some(challenge) = challenge {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

/// The header a server's DPoP nonce travels in (RFC 9449 §8).
const DPOP_NONCE: &str = "dpop-nonce";

/// Adds the issuer's current DPoP nonce to a token or resource response, when it requires
/// them. A response that refused for want of a nonce already carries it. On a failure to draw
/// one the response goes out without it: it is a hint, and the next proof without a current
/// nonce is answered `use_dpop_nonce` with one.
async fn with_dpop_nonce(issuer: &Oid4vciIssuer, mut response: Response) -> Response {
    if response.headers().contains_key(DPOP_NONCE) {
        return response;
    }
    match issuer.dpop_nonce().await {
        Ok(Some(nonce)) => {
            if let Ok(value) = HeaderValue::from_str(&nonce) {
                response.headers_mut().insert(DPOP_NONCE, value);
            }
        }
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(code = %error.code(), error = %error, "no DPoP nonce to hand out")
        }
    }
    response
}

/// Request parameters, form-encoded (a body or a query): each given once (RFC 6749 §3.1, §3.2).
fn form_params(encoded: &[u8]) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut params = std::collections::BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(encoded) {
        if params
            .insert(name.to_string(), value.into_owned())
            .is_some()
        {
            return Err(format!("the parameter `{name}` is given twice"));
        }
    }
    Ok(params)
}

/// The authorization endpoint: a `302` to the wallet's redirect URI or the host's login page;
/// an unregistered client or redirect URI, and a malformed query, answered here (never
/// redirected).
async fn authorize(
    State(issuer): State<Oid4vciIssuer>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let params = match form_params(query.as_bytes()) {
        Ok(params) => params,
        Err(reason) => return OAuthError(Oid4vciError::invalid_request(reason)).into_response(),
    };
    match issuer.authorize(&params, &headers, &query).await {
        Ok(location) => match HeaderValue::from_str(&location) {
            Ok(location) => no_store((StatusCode::FOUND, [(LOCATION, location)]).into_response()),
            Err(_) => OAuthError(Oid4vciError::config(
                "a redirect location is not a valid header value",
            ))
            .into_response(),
        },
        Err(error) => OAuthError(error).into_response(),
    }
}

/// The `DPoP` header: none, or exactly one (RFC 9449 §4.3).
fn dpop_header(headers: &HeaderMap) -> Result<Option<&str>, Oid4vciError> {
    let mut values = headers.get_all("dpop").iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => value
            .to_str()
            .map(Some)
            .map_err(|_| Oid4vciError::invalid_dpop_proof("the DPoP header is not text")),
        (Some(_), Some(_)) => Err(Oid4vciError::invalid_dpop_proof(
            "the DPoP header is given twice",
        )),
    }
}

/// The access token of `Authorization: Bearer <token>` or `Authorization: DPoP <token>` (the
/// scheme case-insensitive), with the `DPoP` header.
fn presented(headers: &HeaderMap) -> Result<Presented<'_>, Oid4vciError> {
    let mut presented = Presented {
        dpop_proof: dpop_header(headers)?,
        ..Presented::default()
    };
    let value = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Some((scheme, token)) = value.and_then(|v| v.split_once(' ')) {
        let token = token.trim();
        if !token.is_empty() {
            if scheme.eq_ignore_ascii_case("bearer") {
                presented.token = Some(token);
            } else if scheme.eq_ignore_ascii_case("dpop") {
                presented.token = Some(token);
                presented.dpop_scheme = true;
            }
        }
    }
    Ok(presented)
}

async fn issuer_metadata(State(issuer): State<Oid4vciIssuer>) -> Result<Response, OAuthError> {
    Ok(Json(issuer.metadata().await?).into_response())
}

async fn authorization_server_metadata(State(issuer): State<Oid4vciIssuer>) -> Response {
    Json(issuer.authorization_server_metadata()).into_response()
}

async fn offer(
    State(issuer): State<Oid4vciIssuer>,
    Path(id): Path<String>,
) -> Result<Response, OAuthError> {
    Ok(no_store(
        Json(issuer.take_offer(&id).await?).into_response(),
    ))
}

/// The token request is `application/x-www-form-urlencoded` (RFC 6749 §4.1.3); a parameter given
/// twice is refused (§3.2), as is any other media type.
async fn token(
    State(issuer): State<Oid4vciIssuer>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Response> {
    let form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    let invalid = |reason: &str| OAuthError(Oid4vciError::invalid_request(reason)).into_response();
    if !form {
        return Err(invalid(
            "the token request is application/x-www-form-urlencoded",
        ));
    }
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            edge::too_large().into_response()
        } else {
            invalid("the body could not be read")
        }
    })?;
    let params = form_params(&body).map_err(|reason| invalid(&reason))?;
    let param = |name: &str| params.get(name).map(String::as_str);
    let grant_type = param("grant_type").ok_or_else(|| invalid("grant_type is missing"))?;
    let dpop = dpop_header(&headers).map_err(|e| OAuthError(e).into_response())?;
    let answer = if grant_type == AUTHORIZATION_CODE_GRANT {
        issuer
            .redeem_authorization_code(
                param("code"),
                param("client_id"),
                param("redirect_uri"),
                param("code_verifier"),
                dpop,
            )
            .await
    } else {
        issuer
            .token(
                grant_type,
                param("pre-authorized_code"),
                param("tx_code"),
                dpop,
            )
            .await
    };
    let response = match answer {
        Ok(answer) => no_store(Json(answer).into_response()),
        Err(error) => OAuthError(error).into_response(),
    };
    Ok(with_dpop_nonce(&issuer, response).await)
}

async fn nonce(State(issuer): State<Oid4vciIssuer>) -> Result<Response, OAuthError> {
    Ok(no_store(Json(issuer.nonce().await?).into_response()))
}

fn credential_response(response: CredentialResponse) -> Response {
    match response {
        CredentialResponse::Issued(body) => no_store((StatusCode::OK, Json(body)).into_response()),
        CredentialResponse::Pending(body) => {
            no_store((StatusCode::ACCEPTED, Json(body)).into_response())
        }
    }
}

/// The endpoints a wallet calls with its access token and a JSON body.
#[derive(Debug, Clone, Copy)]
enum WalletEndpoint {
    Credential,
    DeferredCredential,
    Notification,
}

async fn wallet_request(
    endpoint: WalletEndpoint,
    issuer: Oid4vciIssuer,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = match json_body(body) {
        Ok(request) => request,
        Err(refused) => return refused.into_response(),
    };
    let token = match presented(&headers) {
        Ok(presented) => presented,
        Err(refused) => return OAuthError(refused).into_response(),
    };
    let outcome = match endpoint {
        WalletEndpoint::Credential => issuer
            .credential(token, &request)
            .await
            .map(credential_response),
        WalletEndpoint::DeferredCredential => issuer
            .deferred_credential(token, &request)
            .await
            .map(credential_response),
        WalletEndpoint::Notification => issuer
            .notify(token, &request)
            .await
            .map(|_| StatusCode::NO_CONTENT.into_response()),
    };
    let response = outcome.unwrap_or_else(|error| {
        let nonce = matches!(error, Oid4vciError::UseDpopNonce { .. });
        let mut response = OAuthError(error).into_response();
        // At a resource, a missing nonce is a refused token presentation (RFC 9449 §9).
        if nonce {
            *response.status_mut() = StatusCode::UNAUTHORIZED;
        }
        response
    });
    with_dpop_nonce(&issuer, response).await
}

type WalletBody = Result<Bytes, BytesRejection>;

async fn credential(State(i): State<Oid4vciIssuer>, h: HeaderMap, b: WalletBody) -> Response {
    wallet_request(WalletEndpoint::Credential, i, h, b).await
}

async fn deferred_credential(
    State(i): State<Oid4vciIssuer>,
    h: HeaderMap,
    b: WalletBody,
) -> Response {
    wallet_request(WalletEndpoint::DeferredCredential, i, h, b).await
}

async fn notification(State(i): State<Oid4vciIssuer>, h: HeaderMap, b: WalletBody) -> Response {
    wallet_request(WalletEndpoint::Notification, i, h, b).await
}
