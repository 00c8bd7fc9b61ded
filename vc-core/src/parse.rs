//! Bounded parsing of untrusted JSON documents.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Limits applied when parsing untrusted input.
///
/// Nesting is always limited to 128 levels by `serde_json`, so deeply nested input is an error and
/// never exhausts the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseLimits {
    /// The largest accepted input, in bytes.
    pub max_bytes: usize,
}

impl ParseLimits {
    /// The default cap on input size: 4 MiB, well above any credential seen in practice.
    pub const DEFAULT_MAX_BYTES: usize = 4 * 1024 * 1024;

    /// Limits with the given maximum size in bytes.
    pub fn max_bytes(max_bytes: usize) -> Self {
        Self { max_bytes }
    }
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

/// Parses `json` as a `T` after checking its size.
pub fn from_json_slice<T: DeserializeOwned>(json: &[u8], limits: &ParseLimits) -> Result<T> {
    if json.len() > limits.max_bytes {
        return Err(Error::DocumentTooLarge {
            size: json.len(),
            limit: limits.max_bytes,
        });
    }
    serde_json::from_slice(json).map_err(Error::from_json)
}
