//! The identifier of a credential.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::Result;

/// A credential's `id`: an absolute URI, such as `urn:uuid:…` or `https://…`.
///
/// ```
/// use vc_core::CredentialId;
///
/// let id: CredentialId = "https://university.example/credentials/3732".parse()?;
/// assert!(CredentialId::new_uuid().as_str().starts_with("urn:uuid:"));
/// assert!("not a uri".parse::<CredentialId>().is_err());
/// # Ok::<(), vc_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CredentialId(String);

impl CredentialId {
    /// Checks that `id` is an absolute URI.
    pub fn parse(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        crate::uri::check(&id)?;
        Ok(Self(id))
    }

    /// A fresh random `urn:uuid:` identifier (UUID version 4).
    pub fn new_uuid() -> Self {
        Self(uuid::Uuid::new_v4().urn().to_string())
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for CredentialId {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CredentialId {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self> {
        Self::parse(s)
    }
}

impl AsRef<str> for CredentialId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CredentialId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Self::parse(id).map_err(serde::de::Error::custom)
    }
}
