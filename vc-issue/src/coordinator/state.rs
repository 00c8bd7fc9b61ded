//! The life-cycle state of an exchange, as the VC API reports it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where an exchange is in its life: `pending` (created, no wallet yet), `active` (a wallet is
/// going through the steps), `complete` (the last step succeeded) or `invalid` (a step failed,
/// or the exchange expired). `complete` and `invalid` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ExchangeState {
    /// Created; no wallet has posted yet.
    Pending,
    /// A wallet is going through the steps.
    Active,
    /// Every step succeeded; the results are in the exchange's variables.
    Complete,
    /// A step failed or the exchange expired; `lastError` says why.
    Invalid,
}

impl ExchangeState {
    /// The wire name (`"pending"`, `"active"`, `"complete"`, `"invalid"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Complete => "complete",
            Self::Invalid => "invalid",
        }
    }

    /// Whether the exchange can no longer change (`complete` or `invalid`).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Complete | Self::Invalid)
    }
}

impl fmt::Display for ExchangeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for state in [
            ExchangeState::Pending,
            ExchangeState::Active,
            ExchangeState::Complete,
            ExchangeState::Invalid,
        ] {
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json, state.as_str());
            assert_eq!(
                serde_json::from_value::<ExchangeState>(json).unwrap(),
                state
            );
        }
        assert!(serde_json::from_str::<ExchangeState>("\"done\"").is_err());
        assert!(ExchangeState::Invalid.is_final() && !ExchangeState::Active.is_final());
    }
}
