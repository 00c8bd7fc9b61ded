//! What the library tells an operator: [`tracing`] spans and events always, and with the
//! `metrics` feature, metrics through the [`metrics`](https://docs.rs/metrics) facade (the host
//! installs a recorder: Prometheus, OpenTelemetry, StatsD, ...).
//!
//! Spans and events carry identifiers, step names and error codes, never claims, key material,
//! proof values or tokens: a log is read by more people than a credential is. The causes of
//! server-side failures (a KMS that is down, a database error) are logged with their whole
//! source chain, because that is what an operator acts on; client mistakes are logged by code
//! only, since their messages quote what the caller sent.
//!
//! | span | fields | where |
//! |---|---|---|
//! | `vc.issue` | `schema_id`, `issuer`, `proof_type` | [`Issuer::issue`](crate::Issuer::issue) |
//! | `vc.step` | `step` (`issuer`, `schema`, `claims`, `holder`, `status`, `sign`) | each pipeline step |
//! | `vc.queue.issue` | `ticket`, `worker`, `attempt` | a worker issuing one claimed ticket |
//! | `http.request` | `method`, `route` (the route's template, never the raw path), `request_id`, `status` | every request of the `http` routers |
//!
//! Queue transitions are `INFO` events with `ticket`, `from`, `to` and `actor`.
//!
//! | metric (feature `metrics`) | kind | labels |
//! |---|---|---|
//! | `vc_issue_issued_total` | counter | |
//! | `vc_issue_failed_total` | counter | `code` |
//! | `vc_issue_step_seconds` | histogram | `step` |
//! | `vc_issue_queue_depth` | gauge | `state` |
//! | `vc_status_list_fill_ratio` | gauge (0 to 1) | `list` (from `vc-status`) |
//! | `vc_issue_rdfc_template_total` | counter | `outcome` (`filled`, `new_shape`, `full_path`): RDF shape templates |
//! | `vc_issue_rdfc_template_shapes` | gauge | (shapes held; see `RdfcCanonicalizer::template_stats`) |

use std::error::Error;
use std::fmt;
use std::future::Future;

use tracing::Instrument;
use vc_core::ErrorCode;

/// An error and its sources, `outer: inner: innermost`, for a log line.
pub(crate) struct Chain<'a>(pub(crate) &'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// Runs one pipeline step in a `vc.step` span, timing it (`vc_issue_step_seconds{step}`).
pub(crate) async fn step<F: Future>(name: &'static str, work: F) -> F::Output {
    let span = tracing::debug_span!("vc.step", step = name);
    #[cfg(feature = "metrics")]
    let started = std::time::Instant::now();
    let out = work.instrument(span).await;
    #[cfg(feature = "metrics")]
    metrics::histogram!("vc_issue_step_seconds", "step" => name)
        .record(started.elapsed().as_secs_f64());
    out
}

/// A credential was signed.
pub(crate) fn issued() {
    #[cfg(feature = "metrics")]
    metrics::counter!("vc_issue_issued_total").increment(1);
}

/// An issuance failed with `code` (a refusal or a failure).
pub(crate) fn failed(code: ErrorCode) {
    #[cfg(feature = "metrics")]
    metrics::counter!("vc_issue_failed_total", "code" => code.as_str()).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = code;
}

/// `n` tickets of the queue are in `state`.
#[cfg(feature = "metrics")]
pub(crate) fn queue_depth(state: &'static str, n: u64) {
    // A gauge is an f64; queue depths are far below where f64 loses integers.
    #[allow(clippy::cast_precision_loss)]
    metrics::gauge!("vc_issue_queue_depth", "state" => state).set(n as f64);
}

/// Logs an error that ended a piece of work: with its source chain when it is the server's
/// (`ERROR`), by code alone when it is the caller's (`DEBUG`: its message may quote claims).
pub(crate) fn log_failure(code: ErrorCode, error: &(dyn Error + 'static), what: &'static str) {
    if code.class().is_server_side() {
        tracing::error!(code = code.as_str(), error = %Chain(error), "{what} failed");
    } else {
        tracing::debug!(code = code.as_str(), "{what} refused");
    }
}
