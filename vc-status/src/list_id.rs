//! `StatusListId`: the identifier of one status list inside a store.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// The maximum length of a [`StatusListId`] in bytes.
pub const MAX_LIST_ID_LEN: usize = 128;

/// The identifier of a status list in a store, e.g. `revocation-3`.
///
/// It is the `{list}` part of the list credential URL, so it is restricted to URL-safe characters
/// `[A-Za-z0-9._-]`, 1 to 128 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusListId(String);

impl StatusListId {
    /// Validates and wraps `id`.
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        let ok = !id.is_empty()
            && id.len() <= MAX_LIST_ID_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Ok(StatusListId(id))
        } else {
            Err(Error::InvalidListId)
        }
    }

    /// The identifier as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StatusListId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for StatusListId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        StatusListId::new(s)
    }
}

impl AsRef<str> for StatusListId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for StatusListId {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for StatusListId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        StatusListId::new(s).map_err(serde::de::Error::custom)
    }
}
