//! `statusMessage`: the table that explains the values of a `message` entry.

use serde::{Deserialize, Serialize};

use crate::{Error, Result, StatusSize};

/// One row of a `statusMessage` table: a value (`"0x1"`) and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusMessage {
    /// The status value as a hexadecimal string with a `0x` prefix.
    pub status: String,
    /// A human-readable explanation, for developers.
    pub message: String,
}

impl StatusMessage {
    /// A row for `value` (written as `0x` + lowercase hex).
    pub fn new(value: u8, message: impl Into<String>) -> Self {
        StatusMessage {
            status: format!("{value:#x}"),
            message: message.into(),
        }
    }

    /// The status value, parsed from the `0x` hex string.
    pub fn value(&self) -> Result<u8> {
        let digits = self
            .status
            .strip_prefix("0x")
            .filter(|d| !d.is_empty() && d.len() <= 2)
            .ok_or(Error::StatusMessage {
                reason: "status is not a 0x-prefixed hex byte",
            })?;
        u8::from_str_radix(digits, 16).map_err(|_| Error::StatusMessage {
            reason: "status is not a 0x-prefixed hex byte",
        })
    }
}

/// Checks a `statusMessage` table against `statusSize`: exactly `2^statusSize` rows, each value in
/// range and listed once.
pub fn validate_status_messages(messages: &[StatusMessage], size: StatusSize) -> Result<()> {
    if messages.len() != size.values() {
        return Err(Error::StatusMessage {
            reason: "statusMessage must have 2^statusSize entries",
        });
    }
    let mut seen = [false; 256];
    for m in messages {
        let v = m.value()?;
        if v > size.max_value() {
            return Err(Error::StatusMessage {
                reason: "status value does not fit statusSize",
            });
        }
        let slot = &mut seen[usize::from(v)];
        if *slot {
            return Err(Error::StatusMessage {
                reason: "status value listed twice",
            });
        }
        *slot = true;
    }
    Ok(())
}
