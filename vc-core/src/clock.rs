//! An injectable source of "now".
//!
//! Issuance times, expiry, TTLs and leases all read the clock through this trait so that tests can pin
//! time instead of sleeping.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;

/// A source of the current time.
///
/// Object-safe and `Send + Sync`, so it can be shared as `Arc<dyn Clock>`.
pub trait Clock: Send + Sync + Debug {
    /// The current instant, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until moved, for tests and reproducible output.
///
/// ```
/// use vc_core::{Clock, FixedClock};
/// use time::macros::datetime;
///
/// let clock = FixedClock::new(datetime!(2024-01-01 00:00 UTC));
/// clock.advance(time::Duration::hours(1));
/// assert_eq!(clock.now(), datetime!(2024-01-01 01:00 UTC));
/// ```
#[derive(Debug)]
pub struct FixedClock {
    /// Nanoseconds since the Unix epoch; atomic so that a shared clock can be moved by a test.
    unix_nanos: AtomicI64,
}

impl FixedClock {
    /// A clock that reads `at` (whole nanoseconds; times beyond year 2262 are clamped).
    pub fn new(at: OffsetDateTime) -> Self {
        Self {
            unix_nanos: AtomicI64::new(to_nanos(at)),
        }
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: OffsetDateTime) {
        self.unix_nanos.store(to_nanos(at), Ordering::SeqCst);
    }

    /// Moves the clock forward (or backward, for a negative duration).
    pub fn advance(&self, by: time::Duration) {
        let delta = i64::try_from(by.whole_nanoseconds()).unwrap_or(i64::MAX);
        let _ = self
            .unix_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_add(delta))
            });
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        let nanos = self.unix_nanos.load(Ordering::SeqCst);
        // Every i64 nanosecond count is inside `time`'s supported range, so this cannot fail.
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos))
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

fn to_nanos(at: OffsetDateTime) -> i64 {
    let nanos = at.unix_timestamp_nanos();
    i64::try_from(nanos).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX })
}
