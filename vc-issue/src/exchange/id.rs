//! Identifiers of workflows and exchanges, parsed once at the edge.
//!
//! Both appear as path segments of URLs (`/workflows/{id}/exchanges/{exchangeId}`), so they are
//! restricted to RFC 3986 unreserved characters: a parsed id never needs escaping and cannot smuggle
//! a `/`, `?` or `#` into a URL the service builds.

use std::fmt;

use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::error::ExchangeError;

/// The longest identifier accepted.
pub const MAX_ID_LEN: usize = 128;

fn valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// 128 random bits, base58btc-encoded (22 characters, all unreserved).
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    vc_core::multibase::base58_encode(&bytes)
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an identifier: 1 to [`MAX_ID_LEN`] characters out of `A-Z a-z 0-9 - _ . ~`.
            pub fn parse(id: impl Into<String>) -> Result<Self, ExchangeError> {
                let id = id.into();
                if valid(&id) {
                    Ok(Self(id))
                } else {
                    Err(ExchangeError::InvalidIdentifier { what: $what })
                }
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ExchangeError;

            fn try_from(id: String) -> Result<Self, Self::Error> {
                Self::parse(id)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

identifier!(
    /// The identifier of a workflow, chosen by the host (`university-degree`, `tag-ownership`).
    WorkflowId,
    "workflow id"
);

identifier!(
    /// The identifier of an exchange: 128 random bits, so that knowing one exchange's URL says
    /// nothing about another's.
    ExchangeId,
    "exchange id"
);

impl ExchangeId {
    /// A fresh random id.
    pub fn generate() -> Self {
        Self(random_token())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_path_safe() {
        assert!(WorkflowId::parse("tag-ownership_v1.2~x").is_ok());
        for bad in [
            "",
            "a/b",
            "a?b",
            "a#b",
            "a b",
            "é",
            &"x".repeat(MAX_ID_LEN + 1),
        ] {
            let err = WorkflowId::parse(bad).unwrap_err();
            assert_eq!(err.code(), "INVALID_IDENTIFIER", "{bad:?}");
        }
        let a = ExchangeId::generate();
        assert_ne!(a, ExchangeId::generate());
        assert_eq!(ExchangeId::parse(a.as_str()).unwrap(), a);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<ExchangeId>(&json).unwrap(), a);
        assert!(serde_json::from_str::<ExchangeId>("\"a/b\"").is_err());
    }
}
