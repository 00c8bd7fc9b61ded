//! Configuring a [`Coordinator`]: the HTTP client, the workflow service's bearer token, the
//! request timeout.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use zeroize::Zeroizing;

use super::client::Coordinator;
use super::error::CoordinatorError;

/// The request timeout when none is set: long enough for a loaded service, short enough that a
/// hung connection does not stall a coordinator's worker for minutes.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a [`Coordinator`]; see [`Coordinator::builder`].
#[derive(Default)]
pub struct CoordinatorBuilder {
    client: Option<reqwest::Client>,
    token: Option<Zeroizing<String>>,
    request_timeout: Option<Duration>,
}

impl CoordinatorBuilder {
    /// Uses this HTTP client (connection pool, proxies, TLS roots and client certificates are the
    /// host's choice). Without one, a client is built that does not follow redirects, so the
    /// bearer token only ever goes to the URLs the coordinator is given.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// The OAuth2 access token sent as `Authorization: Bearer <token>` on every call. Kept out of
    /// `Debug`; the builder's copy is zeroized when dropped.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Zeroizing::new(token.into()));
        self
    }

    /// How long one HTTP request may take, body included (default
    /// [`DEFAULT_REQUEST_TIMEOUT`]). Polling also never waits past its own deadline.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Checks the settings and builds the coordinator.
    ///
    /// Fails with `INVALID_TOKEN` for a token an HTTP header cannot carry, `INVALID_TIMEOUT` for
    /// a zero timeout, `CLIENT_BUILD_FAILED` when the default client cannot be built.
    pub fn build(self) -> Result<Coordinator, CoordinatorError> {
        let request_timeout = self.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
        if request_timeout.is_zero() {
            return Err(CoordinatorError::InvalidTimeout);
        }
        let authorization = match &self.token {
            Some(token) => {
                let token = token.trim();
                if token.is_empty() {
                    return Err(CoordinatorError::InvalidToken);
                }
                let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| CoordinatorError::InvalidToken)?;
                // Marks the value for HTTP/2 header compression and the `http` crate's `Debug`.
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let client = match self.client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("vc-issue/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| CoordinatorError::ClientBuild {
                    source: Arc::new(e),
                })?,
        };
        Ok(Coordinator::from_parts(
            client,
            authorization,
            request_timeout,
        ))
    }
}

impl fmt::Debug for CoordinatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoordinatorBuilder")
            .field("client", &self.client.as_ref().map(|_| "custom"))
            .field("bearer_token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}
