//! What polling returns once an exchange is complete.

use serde_json::{Map, Value};

use super::snapshot::ExchangeSnapshot;

/// A completed exchange, as [`Coordinator::poll`](super::Coordinator::poll) last read it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExchangeOutcome {
    /// The exchange, in state `complete`.
    pub exchange: ExchangeSnapshot,
    /// How many reads polling took (for metrics; at least one).
    pub reads: u32,
}

impl ExchangeOutcome {
    /// The verified per-step results (`variables.results`).
    pub fn results(&self) -> Option<&Map<String, Value>> {
        self.exchange.results()
    }
}
