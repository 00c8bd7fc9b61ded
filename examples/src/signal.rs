//! The stop signal of the server examples.

use std::time::Duration;

/// Completes at Ctrl-C, or (on Unix) at `SIGTERM`, so that a server example shuts down
/// gracefully when a script or a service manager stops it.
pub async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            signal = tokio::signal::ctrl_c() => signal,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

/// Waits until `serve_for` has passed (forever when `None`) or the stop signal arrives: how long
/// a server example serves.
pub async fn serve_until_stopped(serve_for: Option<Duration>) -> std::io::Result<()> {
    match serve_for {
        Some(duration) => {
            tokio::select! {
                () = tokio::time::sleep(duration) => Ok(()),
                signal = stop_signal() => signal,
            }
        }
        None => stop_signal().await,
    }
}
