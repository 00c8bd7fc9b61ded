//! `statusSize`: the width of one entry in bits.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The number of bits per status entry, `1..=8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct StatusSize(u8);

impl StatusSize {
    /// One bit per entry, the default.
    pub const ONE: StatusSize = StatusSize(1);
    /// Two bits per entry (Token Status List suspension lists: VALID, INVALID, SUSPENDED).
    pub const TWO: StatusSize = StatusSize(2);

    /// A status size of `bits`, which must be in `1..=8`.
    pub fn new(bits: u8) -> Result<Self> {
        Self::try_from(u64::from(bits))
    }

    /// The size in bits.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The largest value an entry can hold (`2^bits - 1`).
    pub fn max_value(self) -> u8 {
        // 1..=8 bits: the shift is at most 8 and the result at most 255.
        ((1u16 << self.0) - 1) as u8
    }

    /// The number of distinct values (`2^bits`).
    pub fn values(self) -> usize {
        1usize << self.0
    }
}

impl Default for StatusSize {
    fn default() -> Self {
        StatusSize::ONE
    }
}

impl TryFrom<u64> for StatusSize {
    type Error = Error;

    fn try_from(bits: u64) -> Result<Self> {
        match u8::try_from(bits) {
            Ok(b @ 1..=8) => Ok(StatusSize(b)),
            _ => Err(Error::StatusSize(bits)),
        }
    }
}

impl From<StatusSize> for u64 {
    fn from(size: StatusSize) -> u64 {
        u64::from(size.0)
    }
}

impl fmt::Display for StatusSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
