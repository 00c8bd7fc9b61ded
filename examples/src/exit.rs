//! How an example's `main` ends: the exit codes every example uses.

use std::fmt::Display;
use std::process::ExitCode;

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
