//! The `statusPurpose` of a status list and of its entries.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What a status list expresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    /// Cancels the credential for good: a set entry can never be reset.
    Revocation,
    /// Temporarily invalidates the credential: reversible.
    Suspension,
    /// Tells the holder that a refreshed credential is available.
    Refresh,
    /// A status message out of a `statusMessage` table; needs `statusSize` > 1.
    Message,
}

impl StatusPurpose {
    /// All purposes, in a fixed order.
    pub const ALL: [StatusPurpose; 4] = [
        StatusPurpose::Revocation,
        StatusPurpose::Suspension,
        StatusPurpose::Refresh,
        StatusPurpose::Message,
    ];

    /// The `statusPurpose` string.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
            StatusPurpose::Refresh => "refresh",
            StatusPurpose::Message => "message",
        }
    }

    /// Whether an entry may go back to 0 once set.
    pub fn is_reversible(self) -> bool {
        !matches!(self, StatusPurpose::Revocation)
    }
}

impl fmt::Display for StatusPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatusPurpose {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        StatusPurpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or(Error::InvalidEntry {
                reason: "unknown statusPurpose",
                source: None,
            })
    }
}
