//! An optional per-issuer rate limit.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::IssueError;

/// Limits how many credentials each issuer DID may issue per second (a token bucket per issuer).
#[derive(Debug)]
pub struct RateLimit {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl RateLimit {
    /// Allows `per_second` issuances per issuer on average, with bursts of up to `burst`.
    pub fn per_second(per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        let quota = Quota::per_second(per_second).allow_burst(burst);
        Self {
            limiter: governor::RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
        }
    }

    /// Takes `n` permits for `issuer`, or says how long to wait.
    pub(crate) fn check(&self, issuer: &str, n: u32) -> Result<(), IssueError> {
        let Some(n) = NonZeroU32::new(n) else {
            return Ok(());
        };
        let exceeded = |retry_after| IssueError::RateLimitExceeded {
            did: issuer.to_owned(),
            retry_after,
        };
        match self.limiter.check_key_n(&issuer.to_owned(), n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(exceeded(not_until.wait_time_from(self.clock.now()))),
            // More than the burst size can never pass at once.
            Err(_) => Err(exceeded(Duration::MAX)),
        }
    }
}
