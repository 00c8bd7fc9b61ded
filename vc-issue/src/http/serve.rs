//! [`serve`]: a router on a TCP listener with the limits `axum::serve` leaves out.
//!
//! `axum::serve` holds a connection open for as long as its client likes: a request head sent a
//! byte a minute, a body that never ends, or ten thousand idle connections all keep their
//! resources. [`serve`] runs hyper's HTTP/1 connection itself, with a [`ServeLimits`]:
//!
//! | limit | default | past it |
//! |---|---|---|
//! | [`header_read_timeout`](ServeLimits::header_read_timeout) | 10 s | the connection is closed (there is no request to answer yet); also how long an idle keep-alive connection is kept |
//! | [`request_timeout`](ServeLimits::request_timeout) | 30 s | `408 REQUEST_TIMEOUT` if the body is still arriving (and the connection is closed), `503 PROCESSING_TIMEOUT` once it has arrived |
//! | [`max_connections`](ServeLimits::max_connections) | 1024 | further connections are not accepted: they wait in the kernel's listen backlog until one closes |
//! | [`shutdown_timeout`](ServeLimits::shutdown_timeout) | 30 s | after a graceful shutdown began, connections still busy are closed |

use std::convert::Infallible;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Request};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;
use vc_core::ErrorCode;

use super::ApiError;

/// The limits [`serve`] applies, each with a default; set them with the `with_*` methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServeLimits {
    /// How long a client has to send a complete request head, counted from when the connection
    /// is accepted or the previous response was written. A slower client is disconnected without
    /// an answer; an idle keep-alive connection is closed after it too.
    pub header_read_timeout: Duration,
    /// How long one request may take from its head to its response, body upload and handling
    /// together: `408 REQUEST_TIMEOUT` (and the connection closed) while the body is still
    /// arriving, `503 PROCESSING_TIMEOUT` once it has arrived.
    pub request_timeout: Duration,
    /// How many connections are served at once. Past it no connection is accepted: new ones wait
    /// in the kernel's listen backlog (their clients see a connected socket and no answer) until
    /// one of the served connections closes, which the timeouts above bound.
    pub max_connections: usize,
    /// How long a graceful shutdown waits for requests in progress before closing their
    /// connections.
    pub shutdown_timeout: Duration,
}

impl ServeLimits {
    /// The default [`header_read_timeout`](Self::header_read_timeout): 10 s, plenty for a head
    /// of a few hundred bytes on any network.
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default [`request_timeout`](Self::request_timeout): 30 s, for a body of up to
    /// [`BODY_LIMIT`](super::BODY_LIMIT) on a slow link and a signature from a remote KMS.
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default [`max_connections`](Self::max_connections): 1024.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
    /// The default [`shutdown_timeout`](Self::shutdown_timeout): 30 s.
    pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

    /// Sets [`header_read_timeout`](Self::header_read_timeout).
    pub fn with_header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets [`request_timeout`](Self::request_timeout).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets [`max_connections`](Self::max_connections) (at least 1).
    pub fn with_max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Sets [`shutdown_timeout`](Self::shutdown_timeout).
    pub fn with_shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Self::DEFAULT_HEADER_READ_TIMEOUT,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            shutdown_timeout: Self::DEFAULT_SHUTDOWN_TIMEOUT,
        }
    }
}

/// Serves `router` on `listener` over HTTP/1.1 within `limits`, until the future is dropped or
/// the [graceful shutdown](Serve::with_graceful_shutdown) signal fires.
///
/// ```no_run
/// # async fn f(router: axum::Router) -> std::io::Result<()> {
/// use vc_issue::http::{serve, ServeLimits};
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// // `stop.send(())` (on SIGTERM, say) ends it gracefully.
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// # drop(stop);
/// serve(listener, router, ServeLimits::default())
///     .with_graceful_shutdown(async { stopped.await.unwrap_or(()) })
///     .await
/// # }
/// ```
pub fn serve(listener: TcpListener, router: Router, limits: ServeLimits) -> Serve {
    Serve {
        listener,
        router,
        limits,
        signal: Box::pin(std::future::pending()),
    }
}

/// A server made by [`serve`]; await it to run it.
#[must_use = "a server does nothing until it is awaited"]
pub struct Serve {
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    signal: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl fmt::Debug for Serve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serve")
            .field("listener", &self.listener)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Serve {
    /// Stops when `signal` completes: no new connection is accepted, idle connections are
    /// closed, requests in progress are answered (for up to
    /// [`shutdown_timeout`](ServeLimits::shutdown_timeout)), then the future completes.
    pub fn with_graceful_shutdown<F>(mut self, signal: F) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.signal = Box::pin(signal);
        self
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

impl IntoFuture for Serve {
    type Output = std::io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self))
    }
}

async fn run(server: Serve) -> std::io::Result<()> {
    let Serve {
        listener,
        router,
        limits,
        mut signal,
    } = server;
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    loop {
        // Reap finished connections, so that the set holds only live ones.
        while connections.try_join_next().is_some() {}
        // A slot first, then accept: past the cap, connections stay in the kernel's backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                // The semaphore is never closed.
                Err(_) => break,
            },
            () = &mut signal => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let router = router.clone();
        let timeout = limits.request_timeout;
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            answer(router.clone(), timeout, request)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let mut stopping = stopping.clone();
        connections.spawn(async move {
            let _slot = slot;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopping.wait_for(|stop| *stop) => {}
            }
            connection.as_mut().graceful_shutdown();
            // A connection's error (a client gone, a header timeout) ends only that connection.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_timeout, drained)
        .await
        .is_err()
    {
        connections.shutdown().await;
    }
    Ok(())
}

/// After a failed `accept`: a connection reset before it was accepted costs nothing; anything
/// else (out of file descriptors) is waited out, as `axum::serve` does, instead of spinning.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if !matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// One request through the router, within the request timeout.
async fn answer(
    router: Router,
    timeout: Duration,
    request: Request<Incoming>,
) -> Result<Response, Infallible> {
    let arrived = Arc::new(AtomicBool::new(http_body::Body::is_end_stream(
        request.body(),
    )));
    let request = request.map(|body| {
        Body::new(Tracked {
            inner: body,
            arrived: arrived.clone(),
        })
    });
    let Ok(response) = tokio::time::timeout(timeout, router.oneshot(request)).await else {
        return Ok(timed_out(arrived.load(Ordering::Acquire), timeout));
    };
    response
}

fn timed_out(body_arrived: bool, timeout: Duration) -> Response {
    let seconds = serde_json::json!({ "timeoutSeconds": timeout.as_secs_f64() });
    if body_arrived {
        return ApiError::new(
            ErrorCode::PROCESSING_TIMEOUT,
            "the request could not be answered in time",
        )
        .with_details(seconds)
        .into_response();
    }
    let mut response = ApiError::new(
        ErrorCode::REQUEST_TIMEOUT,
        "the request body did not arrive in time",
    )
    .with_details(seconds)
    .into_response();
    // The rest of the body may still come: the connection can't carry another request.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A request body that records when its end has been read.
struct Tracked {
    inner: Incoming,
    arrived: Arc<AtomicBool>,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.arrived.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
