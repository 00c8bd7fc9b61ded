//! Threads with a known, large stack for the recursive stages of RDF canonicalization.
//!
//! JSON-LD context processing and expansion (ssi's `json-ld`) recurse once or more per level of the
//! document, through async state machines that are large in debug builds: on a tokio worker's
//! 2 MiB stack, about 110 levels overflowed a release build and about 10 a debug build, and an
//! overflow aborts the whole process. The canonicalizer refuses documents deeper than
//! [`RdfcCanonicalizer::MAX_DEPTH`](super::RdfcCanonicalizer::MAX_DEPTH) and runs these stages here,
//! on threads whose stack holds that depth with a wide margin in either build (measured by the
//! tests in `tests/it/nesting.rs`), so that the limit, not the caller's thread, decides what
//! is safe. The stack is reserved address space: only the pages a job touches are ever mapped.
//!
//! The pool starts on first use with one thread per core; a job hands its result back through a
//! channel, and a job that panics comes back as an error instead of taking a pool thread with it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::IssueError;

/// The stack of each pool thread: 64 MiB of address space. At
/// [`MAX_DEPTH`](super::RdfcCanonicalizer::MAX_DEPTH) a debug build needs between 8 MiB (which
/// overflowed) and 16 MiB (which held), measured with `tests/it/nesting.rs`; release builds need
/// far less. Four times the debug need leaves room for deeper recursion in a later ssi version.
pub(crate) const STACK_BYTES: usize = 64 * 1024 * 1024;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    jobs: Mutex<Sender<Job>>,
}

fn pool() -> Result<&'static Pool, IssueError> {
    static POOL: OnceLock<Option<Pool>> = OnceLock::new();
    POOL.get_or_init(start)
        .as_ref()
        .ok_or(IssueError::Internal {
            context: "starting the canonicalization threads",
            source: None,
        })
}

fn start() -> Option<Pool> {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let mut started = 0;
    for n in 0..threads {
        let receiver = receiver.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("vc-rdfc-{n}"))
            .stack_size(STACK_BYTES)
            .spawn(move || work(&receiver));
        started += usize::from(spawned.is_ok());
    }
    (started > 0).then(|| Pool {
        jobs: Mutex::new(sender),
    })
}

fn work(receiver: &Mutex<Receiver<Job>>) {
    ON_POOL.with(|on| on.set(true));
    loop {
        // The lock is held only while waiting for the next job, never while running one.
        let next = receiver
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

thread_local! {
    /// Set on pool threads: a job that needs the pool again runs inline (it already has the deep
    /// stack), instead of waiting for a pool thread that may be itself.
    static ON_POOL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `job` on a pool thread and waits for its result (inline when called from a pool thread).
/// A job that panics comes back as `on_panic`: the caller knows whether a panic there means bad
/// input (a library choking on a document) or a fault of its own.
pub(crate) fn run<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
    on_panic: IssueError,
) -> Result<T, IssueError> {
    let failed = |context| IssueError::Internal {
        context,
        source: None,
    };
    if ON_POOL.with(std::cell::Cell::get) {
        return catch_unwind(AssertUnwindSafe(job)).map_err(|_| on_panic);
    }
    let (reply, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _ = reply.send(catch_unwind(AssertUnwindSafe(job)));
    });
    pool()?
        .jobs
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send(job)
        .map_err(|_| failed("the canonicalization threads stopped"))?;
    match result.recv() {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_panic)) => Err(on_panic),
        Err(_) => Err(failed("the canonicalization threads stopped")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panicked() -> IssueError {
        IssueError::InvalidRequest {
            reason: "the job panicked".into(),
        }
    }

    #[test]
    fn jobs_run_on_pool_threads_and_panics_come_back_as_errors() {
        let name = run(
            || std::thread::current().name().map(str::to_owned),
            panicked(),
        )
        .unwrap();
        assert!(name.unwrap_or_default().starts_with("vc-rdfc-"));
        let err = run(|| -> u8 { panic!("boom") }, panicked()).unwrap_err();
        assert_eq!(err.code(), "INVALID_REQUEST");
        // The pool survives the panic.
        assert_eq!(run(|| 7, panicked()).unwrap(), 7);
    }

    #[test]
    fn a_job_that_needs_the_pool_again_runs_inline() {
        // One level per pool thread and more: waiting for a pool thread would deadlock.
        fn nested(levels: usize) -> Result<usize, IssueError> {
            if levels == 0 {
                return Ok(0);
            }
            run(move || nested(levels - 1).map(|n| n + 1), panicked())?
        }
        assert_eq!(nested(64).unwrap(), 64);
    }

    #[test]
    fn many_callers_at_once() {
        let handles: Vec<_> = (0..16)
            .map(|i| std::thread::spawn(move || run(move || i * 2, panicked()).unwrap()))
            .collect();
        let sum: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(sum, (0..16).map(|i| i * 2).sum::<i32>());
    }
}
