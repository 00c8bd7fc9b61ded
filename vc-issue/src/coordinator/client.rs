//! The coordinator: creates exchanges on a workflow service, hands out interactions, polls.

use std::fmt;
use std::time::Duration;

use reqwest::header::{self, HeaderValue};
use serde_json::{json, Map, Value};
use tokio::time::Instant;
use url::Url;

use super::builder::CoordinatorBuilder;
use super::error::CoordinatorError;
use super::exchange_url::{check_http_url, ExchangeUrl};
use super::interaction::Interaction;
use super::outcome::ExchangeOutcome;
use super::poll::PollOptions;
use super::response::{check_status, location, read_json, transport_error, Target};
use super::snapshot::ExchangeSnapshot;
use super::state::ExchangeState;

/// The brand's side of a VCALM exchange: asks a workflow service for an exchange, shares it with a
/// wallet, and waits for the result.
///
/// Cheap to clone (the HTTP connection pool is shared); one coordinator serves any number of
/// concurrent exchanges.
///
/// ```no_run
/// use std::time::Duration;
/// use serde_json::json;
/// use vc_issue::coordinator::{Coordinator, PollOptions};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let coordinator = Coordinator::builder()
///     .bearer_token(std::env::var("WORKFLOW_TOKEN")?)
///     .request_timeout(Duration::from_secs(10))
///     .build()?;
///
/// // 1. An exchange on the workflow, with the variables its credential templates use.
/// let variables = json!({"productId": "sku-4711", "batch": "2026-11"});
/// let exchange = coordinator
///     .create_exchange(
///         "https://issuer.example/workflows/product-passport",
///         Duration::from_secs(15 * 60),
///         variables.as_object().cloned().unwrap_or_default(),
///     )
///     .await?;
///
/// // 2. What the wallet gets: a link, a QR code for the tag, or the browser-wallet payload.
/// let interaction = coordinator.interaction(&exchange)?;
/// println!("{}", interaction.url());
/// std::fs::write("tag-qr.png", interaction.qr_png(8)?)?;
/// std::fs::write("tag-qr.svg", interaction.qr_svg())?;
///
/// // 3. Wait for the wallet: the verified results of each step come back.
/// match coordinator.poll(&exchange, PollOptions::new(Duration::from_secs(600))).await {
///     Ok(outcome) => println!("owner: {:?}", outcome.exchange.result("ownerBinding")),
///     Err(e) if e.code() == "EXCHANGE_INVALID" => eprintln!("wallet failed: {e}"),
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Coordinator {
    http: reqwest::Client,
    authorization: Option<HeaderValue>,
    request_timeout: Duration,
}

impl Coordinator {
    /// Starts configuring a coordinator.
    pub fn builder() -> CoordinatorBuilder {
        CoordinatorBuilder::default()
    }

    pub(crate) fn from_parts(
        http: reqwest::Client,
        authorization: Option<HeaderValue>,
        request_timeout: Duration,
    ) -> Self {
        Self {
            http,
            authorization,
            request_timeout,
        }
    }

    /// Creates an exchange: `POST <workflow_url>/exchanges` with `{"ttl", "variables"}`.
    ///
    /// `ttl` is sent in whole seconds, rounded up; the service bounds it (at most 48 hours in
    /// VCALM). Returns the exchange URL from the `Location` header, resolved against the request
    /// URL if relative.
    ///
    /// Errors: `INVALID_URL`, `INVALID_TTL`, `SERVICE_UNREACHABLE`, `SERVICE_TIMEOUT`,
    /// `UNAUTHORIZED`, `WORKFLOW_NOT_FOUND`, `SERVICE_REJECTED` (e.g. a `ttl` the service does
    /// not allow), `SERVICE_UNAVAILABLE`, `SERVICE_ERROR`, `MISSING_LOCATION`. Creation is not
    /// retried: a request that timed out may still have created an exchange.
    pub async fn create_exchange(
        &self,
        workflow_url: &str,
        ttl: Duration,
        variables: Map<String, Value>,
    ) -> Result<ExchangeUrl, CoordinatorError> {
        let ttl = ttl_seconds(ttl)?;
        let url = exchanges_url(workflow_url)?;
        let body = json!({ "ttl": ttl, "variables": variables });
        let response = self
            .request(reqwest::Method::POST, &url, self.request_timeout)
            .json(&body)
            .send()
            .await
            .map_err(|e| transport_error(&url, e))?;
        let response = check_status(response, &url, Target::Workflow).await?;
        location(&response, &url)
            .and_then(|created| ExchangeUrl::from_url(created).ok())
            .ok_or_else(|| CoordinatorError::MissingLocation {
                url: url.to_string(),
            })
    }

    /// The interaction for an exchange: its interaction URL (`?iuv=1`), the wallet payload, and
    /// QR codes of the URL. Local work: nothing is sent.
    pub fn interaction(&self, exchange_url: &ExchangeUrl) -> Result<Interaction, CoordinatorError> {
        Interaction::new(exchange_url)
    }

    /// Reads the exchange once: `GET <exchange_url>`, accepting `{"exchange": {...}}` and a bare
    /// exchange object.
    pub async fn exchange(
        &self,
        exchange_url: &ExchangeUrl,
    ) -> Result<ExchangeSnapshot, CoordinatorError> {
        self.read(exchange_url, self.request_timeout).await
    }

    /// Waits until the exchange is `complete` (returned) or `invalid` (`EXCHANGE_INVALID`, with
    /// the service's `lastError`), reading it with exponential backoff and jitter
    /// ([`PollOptions`]).
    ///
    /// Returns by the deadline: a read still running then is abandoned. Transient failures
    /// (unreachable, slow or busy service) are retried within the deadline; if no read ever
    /// succeeded, the last of them is returned, otherwise `POLL_TIMEOUT` with the last state
    /// read. `UNAUTHORIZED`, `EXCHANGE_NOT_FOUND` and malformed answers end polling at once.
    pub async fn poll(
        &self,
        exchange_url: &ExchangeUrl,
        options: PollOptions,
    ) -> Result<ExchangeOutcome, CoordinatorError> {
        let started = Instant::now();
        // A deadline too far to represent is no deadline (about 30 years on every platform).
        let deadline = started
            .checked_add(options.deadline)
            .unwrap_or_else(|| started + Duration::from_secs(1 << 30));
        let mut backoff = options.backoff();
        let mut reads = 0_u32;
        let mut last_state: Option<ExchangeState> = None;
        let mut last_failure: Option<CoordinatorError> = None;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(match (last_state, last_failure) {
                    (None, Some(failure)) => failure,
                    (last_state, _) => CoordinatorError::PollTimeout {
                        waited: now - started,
                        last_state,
                    },
                });
            }
            reads = reads.saturating_add(1);
            let timeout = self.request_timeout.min(deadline - now);
            let floor = match self.read(exchange_url, timeout).await {
                Ok(exchange) => match exchange.state {
                    ExchangeState::Complete => return Ok(ExchangeOutcome { exchange, reads }),
                    ExchangeState::Invalid => {
                        return Err(CoordinatorError::ExchangeInvalid {
                            last_error: exchange.last_error.clone(),
                            exchange: Box::new(exchange),
                        })
                    }
                    state => {
                        last_state = Some(state);
                        last_failure = None;
                        None
                    }
                },
                Err(failure) if failure.is_transient() => {
                    let floor = match &failure {
                        CoordinatorError::ServiceUnavailable { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    last_failure = Some(failure);
                    floor
                }
                Err(failure) => return Err(failure),
            };
            let delay = backoff.next_delay(floor);
            let wake = Instant::now()
                .checked_add(delay)
                .map_or(deadline, |wake| wake.min(deadline));
            tokio::time::sleep_until(wake).await;
        }
    }

    async fn read(
        &self,
        exchange_url: &ExchangeUrl,
        timeout: Duration,
    ) -> Result<ExchangeSnapshot, CoordinatorError> {
        let url = exchange_url.as_url();
        let response = self
            .request(reqwest::Method::GET, url, timeout)
            .send()
            .await
            .map_err(|e| transport_error(url, e))?;
        let response = check_status(response, url, Target::Exchange).await?;
        let body = read_json(response, url).await?;
        ExchangeSnapshot::from_json(&body).map_err(|e| CoordinatorError::MalformedResponse {
            url: url.to_string(),
            reason: "not a VC API exchange (an object with a known `state`)",
            source: Some(std::sync::Arc::new(e)),
        })
    }

    fn request(
        &self,
        method: reqwest::Method,
        url: &Url,
        timeout: Duration,
    ) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, url.clone())
            .header(header::ACCEPT, "application/json")
            .timeout(timeout);
        match &self.authorization {
            Some(value) => request.header(header::AUTHORIZATION, value.clone()),
            None => request,
        }
    }
}

impl fmt::Debug for Coordinator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coordinator")
            .field(
                "bearer_token",
                &self.authorization.as_ref().map(|_| "[redacted]"),
            )
            .field("request_timeout", &self.request_timeout)
            .finish_non_exhaustive()
    }
}

/// `<workflow_url>/exchanges`, whether or not the workflow URL ends with a slash.
fn exchanges_url(workflow_url: &str) -> Result<Url, CoordinatorError> {
    let invalid = |reason| CoordinatorError::InvalidUrl {
        url: workflow_url.to_owned(),
        reason,
    };
    let mut url = Url::parse(workflow_url).map_err(|_| invalid("not an absolute URL"))?;
    check_http_url(&url)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a workflow URL has no query or fragment"));
    }
    url.path_segments_mut()
        .map_err(|()| invalid("no host"))?
        .pop_if_empty()
        .push("exchanges");
    Ok(url)
}

/// Whole seconds, rounded up so a sub-second remainder is never lost; zero is refused.
fn ttl_seconds(ttl: Duration) -> Result<u64, CoordinatorError> {
    let seconds = ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0);
    if seconds == 0 {
        return Err(CoordinatorError::InvalidTtl);
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_exchanges_url() {
        for workflow in [
            "https://i.example/workflows/w1",
            "https://i.example/workflows/w1/",
        ] {
            assert_eq!(
                exchanges_url(workflow).unwrap().as_str(),
                "https://i.example/workflows/w1/exchanges"
            );
        }
        assert_eq!(
            exchanges_url("http://127.0.0.1:8080/w%20x")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/w%20x/exchanges"
        );
        for bad in [
            "workflows/w1",
            "https://i.example/w?x=1",
            "file:///w",
            "https://i.example/w#f",
        ] {
            assert_eq!(
                exchanges_url(bad).unwrap_err().code(),
                "INVALID_URL",
                "{bad}"
            );
        }
    }

    #[test]
    fn ttl_rounds_up_to_seconds() {
        assert_eq!(ttl_seconds(Duration::from_secs(900)).unwrap(), 900);
        assert_eq!(ttl_seconds(Duration::from_millis(1500)).unwrap(), 2);
        assert_eq!(ttl_seconds(Duration::from_nanos(1)).unwrap(), 1);
        assert_eq!(
            ttl_seconds(Duration::ZERO).unwrap_err().code(),
            "INVALID_TTL"
        );
    }

    #[test]
    fn debug_never_shows_the_token() {
        let coordinator = Coordinator::builder()
            .bearer_token("s3cret-token")
            .build()
            .unwrap();
        assert!(!format!("{coordinator:?}").contains("s3cret"));
        let builder = Coordinator::builder().bearer_token("s3cret-token");
        assert!(!format!("{builder:?}").contains("s3cret"));
    }

    #[test]
    fn refuses_bad_settings() {
        let code = |b: CoordinatorBuilder| b.build().unwrap_err().code();
        assert_eq!(
            code(Coordinator::builder().bearer_token("a\nb")),
            "INVALID_TOKEN"
        );
        assert_eq!(
            code(Coordinator::builder().bearer_token("  ")),
            "INVALID_TOKEN"
        );
        assert_eq!(
            code(Coordinator::builder().request_timeout(Duration::ZERO)),
            "INVALID_TIMEOUT"
        );
    }
}
