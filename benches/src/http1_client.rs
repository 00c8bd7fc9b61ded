//! The load generators' client: one HTTP/1.1 keep-alive connection per request (or flow) in
//! flight, hyper's client connection, nothing pooled or shared between workers.

use std::net::SocketAddr;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::FixtureError;

/// One HTTP/1.1 keep-alive connection to `addr` (Nagle off); its driver runs as a task of the
/// current runtime until the sender is dropped.
pub async fn connect(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>, FixtureError> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // Ends when the worker drops its sender; an error shows up on the worker's next request.
        let _ = connection.await;
    });
    Ok(sender)
}
