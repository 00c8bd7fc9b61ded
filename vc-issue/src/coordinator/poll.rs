//! How long and how often the coordinator polls an exchange: exponential backoff with jitter,
//! bounded by a deadline.

use std::time::Duration;

use rand::Rng;

/// The shortest interval the backoff uses, whatever the options say: a zero interval would turn
/// polling into a busy loop against the service.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

/// How [`Coordinator::poll`](super::Coordinator::poll) waits for an exchange to finish.
///
/// The first read is immediate; after each unfinished read the coordinator sleeps a random time
/// between half and all of the current interval (jitter keeps many coordinators from polling in
/// lockstep), then doubles the interval up to `max_interval`. The last read happens at the
/// deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollOptions {
    /// How long to wait in total, from the call, before giving up with `POLL_TIMEOUT`.
    pub deadline: Duration,
    /// The interval after the first read (at least 1 ms is used).
    pub initial_interval: Duration,
    /// The longest interval (at least `initial_interval` is used).
    pub max_interval: Duration,
}

impl PollOptions {
    /// Polls for at most `deadline`, starting at 500 ms intervals and backing off to 10 s.
    pub fn new(deadline: Duration) -> Self {
        Self {
            deadline,
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
        }
    }

    /// Sets the first and the longest interval.
    pub fn with_intervals(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max;
        self
    }

    pub(crate) fn backoff(&self) -> Backoff {
        let initial = self.initial_interval.max(MIN_INTERVAL);
        Backoff {
            current: initial,
            max: self.max_interval.max(initial),
        }
    }
}

impl Default for PollOptions {
    /// Five minutes: long enough for a person to scan a code and let the wallet finish.
    fn default() -> Self {
        Self::new(Duration::from_secs(300))
    }
}

/// The intervals of one polling run.
#[derive(Debug)]
pub(crate) struct Backoff {
    current: Duration,
    max: Duration,
}

impl Backoff {
    /// The next sleep: uniform in `[interval / 2, interval]`, at least `floor` (a service's
    /// `Retry-After`); the interval then doubles up to the maximum.
    pub(crate) fn next_delay(&mut self, floor: Option<Duration>) -> Duration {
        let interval = self.current;
        let half = interval / 2;
        let jittered = rand::thread_rng().gen_range(half..=interval);
        self.current = interval.saturating_mul(2).min(self.max);
        floor.map_or(jittered, |floor| jittered.max(floor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_maximum_with_jitter() {
        let options = PollOptions::new(Duration::from_secs(60))
            .with_intervals(Duration::from_millis(100), Duration::from_millis(700));
        let mut backoff = options.backoff();
        let expected_intervals = [100, 200, 400, 700, 700];
        for interval in expected_intervals {
            let delay = backoff.next_delay(None);
            let interval = Duration::from_millis(interval);
            assert!(
                delay >= interval / 2 && delay <= interval,
                "{delay:?} for {interval:?}"
            );
        }
    }

    #[test]
    fn honours_retry_after_and_refuses_busy_loops() {
        let mut backoff = PollOptions::new(Duration::from_secs(1))
            .with_intervals(Duration::ZERO, Duration::ZERO)
            .backoff();
        assert!(backoff.next_delay(None) >= MIN_INTERVAL / 2);
        assert_eq!(
            backoff.next_delay(Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }
}
