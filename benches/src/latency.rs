//! Latency percentiles of a load bench's window, from latencies in microseconds.

use std::time::Duration;

/// The `p` quantile (0 < `p` <= 1, nearest rank) of `sorted` microseconds; zero when empty.
pub fn percentile(sorted: &[u32], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len().max(1));
    Duration::from_micros(sorted.get(rank - 1).copied().unwrap_or(0).into())
}

/// `duration` in milliseconds, for the tables.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// The microseconds between `started` and `done`, saturated at `u32::MAX` (71 minutes).
pub fn micros_between(started: std::time::Instant, done: std::time::Instant) -> u32 {
    u32::try_from(done.duration_since(started).as_micros()).unwrap_or(u32::MAX)
}
