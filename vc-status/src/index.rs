//! `statusListIndex`: the position of an entry in its list.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// The index of an entry in a status list (serialized as a decimal string, as the spec requires).
///
/// Parsing accepts only canonical decimal strings: digits, no sign, no leading zeros.
///
/// ```
/// use vc_status::StatusListIndex;
/// let i: StatusListIndex = "94567".parse()?;
/// assert_eq!(i.get(), 94567);
/// assert!("007".parse::<StatusListIndex>().is_err());
/// # Ok::<(), vc_status::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusListIndex(u64);

impl StatusListIndex {
    /// An index.
    pub const fn new(index: u64) -> Self {
        StatusListIndex(index)
    }

    /// The index as a number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for StatusListIndex {
    fn from(index: u64) -> Self {
        StatusListIndex(index)
    }
}

impl fmt::Display for StatusListIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for StatusListIndex {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let canonical = !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s == "0" || !s.starts_with('0'));
        if !canonical {
            return Err(Error::InvalidIndex);
        }
        s.parse::<u64>()
            .map(StatusListIndex)
            .map_err(|_| Error::InvalidIndex)
    }
}

impl Serialize for StatusListIndex {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for StatusListIndex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
