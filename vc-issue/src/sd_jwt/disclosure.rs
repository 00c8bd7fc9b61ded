//! Disclosures (RFC 9901 section 4.2): `base64url(JSON [salt, name, value])` for an object
//! property, `[salt, value]` for an array element, and their digests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::IssueError;
use crate::sd_jwt::entropy::Entropy;
use crate::sd_jwt::SdJwtError;

/// The bytes of randomness in a salt: 128 bits, as RFC 9901 recommends at least.
pub const SALT_BYTES: usize = 16;

/// Claim names a disclosure may not carry (RFC 9901 section 4.2.1).
const RESERVED: [&str; 3] = ["_sd", "...", "_sd_alg"];

/// One disclosure, kept in the exact encoding it was made or received in (its digest is over
/// that encoding).
#[derive(Debug, Clone, PartialEq)]
pub struct Disclosure {
    encoded: String,
    name: Option<String>,
    value: Value,
}

/// The base64url SHA-256 digest of `text` (`_sd_alg` `sha-256`).
pub(crate) fn digest(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes()))
}

impl Disclosure {
    /// A disclosure of `value` (under `name` for an object property), with a fresh salt.
    pub(crate) fn new(
        name: Option<&str>,
        value: Value,
        entropy: &mut Entropy,
    ) -> Result<Self, IssueError> {
        let salt = URL_SAFE_NO_PAD.encode(entropy.take::<SALT_BYTES>()?);
        let array = match name {
            Some(name) => Value::Array(vec![salt.into(), name.into(), value]),
            None => Value::Array(vec![salt.into(), value]),
        };
        let json = serde_json::to_vec(&array).map_err(|e| IssueError::internal("disclosure", e))?;
        let encoded = URL_SAFE_NO_PAD.encode(json);
        let Value::Array(mut parts) = array else {
            return Err(IssueError::Internal {
                context: "disclosure",
                source: None,
            });
        };
        let value = parts.pop().unwrap_or(Value::Null);
        Ok(Disclosure {
            encoded,
            name: name.map(str::to_owned),
            value,
        })
    }

    /// Parses a received disclosure: base64url of a JSON array of a string salt, a string name
    /// (not a reserved one) and a value, or of a salt and a value.
    pub fn parse(encoded: &str) -> Result<Self, SdJwtError> {
        let bad = |reason| SdJwtError::DisclosureMalformed { reason };
        let json = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| bad("not unpadded base64url"))?;
        let value = vc_core::parse::parse_value(&json, &vc_core::ParseLimits::default())
            .map_err(|_| bad("not JSON within the parse limits (no duplicate keys)"))?;
        let Value::Array(mut parts) = value else {
            return Err(bad("not a JSON array"));
        };
        let (name, value) = match parts.len() {
            3 => {
                let value = parts.pop().unwrap_or(Value::Null);
                match parts.pop() {
                    Some(Value::String(name)) if RESERVED.contains(&name.as_str()) => {
                        return Err(bad("the claim name is reserved"))
                    }
                    Some(Value::String(name)) => (Some(name), value),
                    _ => return Err(bad("the claim name is not a string")),
                }
            }
            2 => (None, parts.pop().unwrap_or(Value::Null)),
            _ => return Err(bad("not [salt, name, value] or [salt, value]")),
        };
        if !matches!(parts.first(), Some(Value::String(_))) {
            return Err(bad("the salt is not a string"));
        }
        Ok(Disclosure {
            encoded: encoded.to_owned(),
            name,
            value,
        })
    }

    /// The encoded disclosure, as it appears between `~`.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// The claim name (`None` for an array element).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The disclosed value.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// Its digest, what the payload's `_sd` (or `...`) holds.
    pub fn digest(&self) -> String {
        digest(&self.encoded)
    }
}
