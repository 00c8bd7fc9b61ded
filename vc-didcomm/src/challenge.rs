//! Where `signatureChallenge` challenges come from.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::RngCore as _;

/// A source of challenges: random strings that must not repeat.
///
/// The issuer draws one per `issuance-offer` and one per `issuance`. Inject
/// [`SequentialChallenges`] where a test needs predictable output.
pub trait ChallengeSource: Send + Sync + Debug + 'static {
    /// A fresh challenge.
    fn challenge(&self) -> String;
}

/// 128 bits from the operating system's CSPRNG, formatted as a UUID v4 (like the spec's examples).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomChallenges;

impl ChallengeSource for RandomChallenges {
    fn challenge(&self) -> String {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// Predictable challenges `<prefix>-1`, `<prefix>-2`, ... for tests and reproducible examples.
/// Never use it in production: challenges must be unpredictable.
#[derive(Debug)]
pub struct SequentialChallenges {
    prefix: String,
    next: AtomicU64,
}

impl SequentialChallenges {
    /// Challenges starting at `<prefix>-1`.
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            next: AtomicU64::new(1),
        }
    }
}

impl ChallengeSource for SequentialChallenges {
    fn challenge(&self) -> String {
        format!(
            "{}-{}",
            self.prefix,
            self.next.fetch_add(1, Ordering::SeqCst)
        )
    }
}
