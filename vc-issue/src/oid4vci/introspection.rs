//! Token introspection (RFC 7662): the [`AccessTokenVerifier`] for OAuth servers whose access
//! tokens are opaque. The token is posted to the server's introspection endpoint, with this
//! issuer's client authentication; only an `active` answer for this issuer is honoured.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;
use url::Url;
use vc_core::ParseLimits;

use super::access_token::{expiry, names_audience, AccessTokenVerifier, ExternalAccess, Users};
use super::authenticator::UserGrant;
use super::error::Oid4vciError;
use super::proof::MAX_PROOF_LEN;
use crate::coordinator::response::{read_limited, ReadFailure};
use crate::error::BoxError;
use crate::host_error::{HostError, HostErrorKind};

/// How long one introspection request may take, connection and answer included, unless the
/// builder says otherwise.
pub const INTROSPECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest introspection answer read (64 KiB): an answer is a few claims and the
/// `authorization_details`, well under 4 KiB.
pub const MAX_INTROSPECTION_RESPONSE: usize = 64 * 1024;

/// The second reference [`AccessTokenVerifier`]: opaque access tokens checked at the host
/// server's introspection endpoint (RFC 7662), with client authentication `client_secret_basic`
/// (RFC 6749 §2.3.1).
///
/// A token is honoured when the answer is `active: true`, names this credential issuer in
/// `aud`, has an `exp` in the future (and no `nbf` in the future), the configured `iss` and one
/// of the configured `client_id`s (when configured), and names what it grants in
/// `authorization_details` of type `openid_credential`; a `cnf.jkt` binds it to a DPoP key.
/// The claims come from a directory of users by `sub`, in memory, as with
/// [`JwtAccessTokens`](super::JwtAccessTokens).
///
/// An endpoint that cannot be reached, times out, answers other than 200 (a 401 for this
/// issuer's wrong credentials included), or answers something that is not an introspection
/// response (not JSON, no boolean `active`, longer than [`MAX_INTROSPECTION_RESPONSE`]) is the
/// verifier's failure, a `server_error` for the wallet: it says nothing about the token.
///
/// Answers are not cached here: the issuer stores what a token grants at its first
/// presentation, until the token's `exp`, and asks again only for tokens it has not seen.
///
/// ```
/// use vc_issue::oid4vci::{IntrospectionAccessTokens, UserGrant};
/// # use serde_json::json;
/// let tokens = IntrospectionAccessTokens::builder()
///     .endpoint("https://login.university.example/introspect")
///     .client_secret_basic("credential-issuer", "s3cret")
///     .audience("https://university.example")
///     .issuer("https://login.university.example")
///     .build()?;
/// # let claims = json!({"degree": {"name": "BSc"}}).as_object().cloned().unwrap_or_default();
/// tokens.user("alice", UserGrant::new().credential("degree_ldp", claims));
/// # Ok::<(), vc_issue::oid4vci::Oid4vciError>(())
/// ```
pub struct IntrospectionAccessTokens {
    endpoint: Url,
    authorization: HeaderValue,
    audience: String,
    issuer: Option<String>,
    client_ids: Vec<String>,
    http: reqwest::Client,
    users: Users,
}

impl fmt::Debug for IntrospectionAccessTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Without the client secret.
        f.debug_struct("IntrospectionAccessTokens")
            .field("endpoint", &self.endpoint.as_str())
            .field("audience", &self.audience)
            .field("issuer", &self.issuer)
            .field("client_ids", &self.client_ids)
            .finish_non_exhaustive()
    }
}

impl IntrospectionAccessTokens {
    /// Starts building: the endpoint, the client authentication and the audience are required.
    pub fn builder() -> IntrospectionAccessTokensBuilder {
        IntrospectionAccessTokensBuilder::default()
    }

    /// Registers the user `sub` with every credential they may receive.
    pub fn user(&self, sub: impl Into<String>, grant: UserGrant) {
        self.users.insert(sub.into(), grant);
    }

    /// The introspection answer for `token`, or why there is none.
    async fn introspect(&self, token: &str) -> Result<Value, HostError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token)
            .append_pair("token_type_hint", "access_token")
            .finish();
        let response = self
            .http
            .post(self.endpoint.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(HostError::unavailable)?;
        match response.status() {
            StatusCode::OK => {}
            status => {
                // A 401 or 403 is this issuer's credentials refused, not the wallet's token.
                let kind = if status.is_server_error() {
                    HostErrorKind::Unavailable
                } else {
                    HostErrorKind::Refused
                };
                return Err(failure(
                    kind,
                    format!(
                        "the introspection endpoint answered HTTP {}",
                        status.as_u16()
                    ),
                ));
            }
        }
        let body = read_limited(response, MAX_INTROSPECTION_RESPONSE)
            .await
            .map_err(|e| match e {
                ReadFailure::Transport(e) => HostError::unavailable(e),
                ReadFailure::TooLarge => failure(
                    HostErrorKind::Internal,
                    format!(
                        "the introspection answer is longer than {MAX_INTROSPECTION_RESPONSE} bytes"
                    ),
                ),
            })?;
        let answer =
            vc_core::parse::parse_value(&body, &ParseLimits::max_bytes(MAX_INTROSPECTION_RESPONSE))
                .map_err(|e| HostError::with_source(HostErrorKind::Internal, e))?;
        if !answer.get("active").is_some_and(Value::is_boolean) {
            return Err(failure(
                HostErrorKind::Internal,
                "the introspection answer is not an object with a boolean `active`".into(),
            ));
        }
        Ok(answer)
    }
}

fn failure(kind: HostErrorKind, reason: String) -> HostError {
    HostError::with_source(kind, std::io::Error::other(reason))
}

#[async_trait]
impl AccessTokenVerifier for IntrospectionAccessTokens {
    async fn verify(
        &self,
        token: &str,
        now: OffsetDateTime,
    ) -> Result<Option<ExternalAccess>, BoxError> {
        // Not sent at all: no server of ours mints such tokens.
        if token.is_empty() || token.len() > MAX_PROOF_LEN {
            return Ok(None);
        }
        let answer = self
            .introspect(token)
            .await
            .map_err(|e| -> BoxError { Arc::new(e) })?;
        if answer.get("active").and_then(Value::as_bool) != Some(true) {
            return Ok(None);
        }
        let text = |name: &str| answer.get(name).and_then(Value::as_str);
        // What a token grants is stored until it expires: one without `exp` grants nothing.
        let Some(expires_at) = expiry(&answer) else {
            return Ok(None);
        };
        let not_yet = match answer.get("nbf") {
            None => false,
            Some(nbf) => nbf
                .as_i64()
                .and_then(|nbf| OffsetDateTime::from_unix_timestamp(nbf).ok())
                .is_none_or(|nbf| nbf > now),
        };
        if expires_at <= now
            || not_yet
            || !names_audience(&answer, &self.audience)
            || self
                .issuer
                .as_deref()
                .is_some_and(|issuer| text("iss") != Some(issuer))
            || (!self.client_ids.is_empty()
                && !text("client_id").is_some_and(|id| self.client_ids.iter().any(|c| c == id)))
        {
            return Ok(None);
        }
        Ok(self.users.access(&answer, expires_at))
    }
}

/// Builds an [`IntrospectionAccessTokens`].
#[derive(Default)]
#[must_use]
pub struct IntrospectionAccessTokensBuilder {
    endpoint: Option<String>,
    client: Option<(String, zeroize::Zeroizing<String>)>,
    audience: Option<String>,
    issuer: Option<String>,
    client_ids: Vec<String>,
    timeout: Option<Duration>,
}

impl fmt::Debug for IntrospectionAccessTokensBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntrospectionAccessTokensBuilder")
            .field("endpoint", &self.endpoint)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl IntrospectionAccessTokensBuilder {
    /// The introspection endpoint of the host's OAuth server (required; `https` in production).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// This issuer's credentials at the OAuth server, sent as HTTP Basic (`client_secret_basic`,
    /// RFC 6749 §2.3.1) with every introspection request (required).
    pub fn client_secret_basic(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client = Some((
            client_id.into(),
            zeroize::Zeroizing::new(client_secret.into()),
        ));
        self
    }

    /// The audience a token must name in `aud`: this credential issuer's identifier (required).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// The `iss` a token's answer must carry (not checked unless given).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// A `client_id` a token may have been issued to; once one is given, a token of any other
    /// client (or of none) is refused.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_ids.push(client_id.into());
        self
    }

    /// How long one introspection request may take ([`INTROSPECTION_TIMEOUT`] unless given).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Checks the parts and builds.
    pub fn build(self) -> Result<IntrospectionAccessTokens, Oid4vciError> {
        let missing =
            |part: &str| Oid4vciError::config(format!("token introspection needs {part}"));
        let endpoint = self
            .endpoint
            .ok_or_else(|| missing("an endpoint"))
            .and_then(|url| {
                Url::parse(&url)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.fragment().is_none())
                    .ok_or_else(|| {
                        Oid4vciError::config(
                            "the introspection endpoint is not an http(s) URL without fragment",
                        )
                    })
            })?;
        let (client_id, secret) = self.client.ok_or_else(|| missing("client credentials"))?;
        let audience = self.audience.ok_or_else(|| missing("an audience"))?;
        let timeout = self.timeout.unwrap_or(INTROSPECTION_TIMEOUT);
        if timeout.is_zero() {
            return Err(Oid4vciError::config(
                "the introspection timeout is longer than 0 s",
            ));
        }
        // RFC 6749 §2.3.1: each part form-encoded, then joined by `:` and base64-encoded.
        let encode =
            |part: &str| url::form_urlencoded::byte_serialize(part.as_bytes()).collect::<String>();
        let credentials =
            zeroize::Zeroizing::new(format!("{}:{}", encode(&client_id), encode(&secret)));
        let mut authorization = HeaderValue::from_str(&format!(
            "Basic {}",
            STANDARD.encode(credentials.as_bytes())
        ))
        .map_err(|_| Oid4vciError::config("the client credentials do not fit a header"))?;
        // Kept out of `Debug` output and HTTP/2 header tables.
        authorization.set_sensitive(true);
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("vc-issue/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| Oid4vciError::config("the HTTP client for introspection did not build"))?;
        Ok(IntrospectionAccessTokens {
            endpoint,
            authorization,
            audience,
            issuer: self.issuer,
            client_ids: self.client_ids,
            http,
            users: Users::default(),
        })
    }
}
