//! How an example's `main` ends: the exit codes every example uses.

use std::fmt::Display;
use std::future::Future;
use std::process::ExitCode;

/// An example's whole `main`: `run` on the parsed `args` ([`outcome`]), or [`usage`] when the
/// command line was not accepted (`args` is then the message).
pub async fn run<A, E, F>(
    args: Result<A, String>,
    usage_text: &str,
    run: impl FnOnce(A) -> F,
) -> ExitCode
where
    F: Future<Output = Result<(), E>>,
    E: Display,
{
    match args {
        Ok(args) => outcome(run(args).await),
        Err(message) => usage(&message, usage_text),
    }
}

/// A command line that was not accepted: prints `message` (unless empty, as for `--help`) and
/// `usage` to stderr and exits with 2, the conventional code for a usage error.
pub fn usage(message: &str, usage: &str) -> ExitCode {
    if !message.is_empty() {
        eprintln!("{message}");
    }
    eprintln!("{usage}");
    ExitCode::from(2)
}

/// The end of a run: success, or `error: ...` on stderr and exit code 1.
pub fn outcome<E: Display>(result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
