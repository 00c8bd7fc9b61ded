//! Identifiers of messages and threads.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{excerpt, Error, Result};

/// The longest identifier accepted from the wire.
pub const MAX_ID_LEN: usize = 256;

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// A fresh random identifier (a UUID v4), as DIDComm recommends.
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4().to_string())
            }

            /// Checks an identifier from the wire: 1 to [`MAX_ID_LEN`] bytes, no control characters.
            pub fn parse(input: &str) -> Result<Self> {
                if input.is_empty() || input.len() > MAX_ID_LEN {
                    return Err(Error::invalid_field(
                        stringify!($name),
                        format!("must be 1 to {MAX_ID_LEN} bytes"),
                    ));
                }
                if input.chars().any(char::is_control) {
                    return Err(Error::invalid_field(
                        stringify!($name),
                        format!("contains control characters: {:?}", excerpt(input)),
                    ));
                }
                Ok(Self(input.to_owned()))
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

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

identifier! {
    /// A message `id`: unique per sender, used to detect replays.
    MessageId
}

identifier! {
    /// A thread id (`thid`, `pthid`): the `id` of the message that started a protocol instance.
    ThreadId
}

impl From<MessageId> for ThreadId {
    /// The thread a message starts when it carries no `thid`.
    fn from(id: MessageId) -> Self {
        ThreadId(id.0)
    }
}

impl From<&MessageId> for ThreadId {
    fn from(id: &MessageId) -> Self {
        ThreadId(id.0.clone())
    }
}
