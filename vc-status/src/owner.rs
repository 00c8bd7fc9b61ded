//! `ReservationOwner`: who holds an owned reservation in a status list store.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// The maximum length of a [`ReservationOwner`] in bytes.
pub const MAX_OWNER_LEN: usize = 255;

/// The key of an owned reservation, e.g. the id of the queue ticket that needs a status entry.
///
/// An owner holds at most one reservation at a time: asking again for the same owner returns the
/// reservation it holds instead of taking new indexes, which is what lets a process that crashed
/// after reserving be replaced by one that finds the same entry. 1 to 255 bytes without control
/// characters.
///
/// ```
/// use vc_status::ReservationOwner;
///
/// let owner = ReservationOwner::new("ticket-6f1c")?;
/// assert_eq!(owner.as_str(), "ticket-6f1c");
/// assert!(ReservationOwner::new("").is_err());
/// # Ok::<(), vc_status::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReservationOwner(String);

impl ReservationOwner {
    /// Validates and wraps `owner`.
    pub fn new(owner: impl Into<String>) -> Result<Self> {
        let owner = owner.into();
        let ok = !owner.is_empty()
            && owner.len() <= MAX_OWNER_LEN
            && !owner.chars().any(char::is_control);
        if ok {
            Ok(ReservationOwner(owner))
        } else {
            Err(Error::InvalidOwner)
        }
    }

    /// The owner as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReservationOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ReservationOwner {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        ReservationOwner::new(s)
    }
}

impl AsRef<str> for ReservationOwner {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_characters() {
        assert!(ReservationOwner::new("a").is_ok());
        assert!(ReservationOwner::new("x".repeat(MAX_OWNER_LEN)).is_ok());
        for bad in [String::new(), "x".repeat(MAX_OWNER_LEN + 1), "a\nb".into()] {
            let err = ReservationOwner::new(bad).unwrap_err();
            assert_eq!(err.code(), "STATUS_RESERVATION_OWNER_INVALID");
        }
    }
}
