//! `relatedResource` (VC Data Model 2.0, section 5.3): resources a credential links to, each with
//! a digest, so that a verifier (and the issuer, before it signs) can tell whether the resource
//! changed.
//!
//! The data model asks that the value be one or more objects, each with an `id` (a URL, unique
//! among them) and at least one of `digestSRI` (a Subresource Integrity hash expression,
//! `sha384-<base64>`) or `digestMultibase` (a multibase-encoded multihash, Data Integrity section
//! 2.6). [`Credential::validate`](crate::Credential::validate) reports entries that break this
//! (`RELATED_RESOURCE_INVALID`); [`RelatedResource::matches`] checks a digest against the
//! resource's bytes, for a host that can read them.
//!
//! ```
//! use vc_core::related_resource::RelatedResource;
//! use serde_json::json;
//!
//! let entry = json!({"id": "https://example.org/a.json",
//!     "digestSRI": "sha256-LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564="});
//! let resource = RelatedResource::from_value(&entry).unwrap();
//! assert!(resource.matches(b"foo"));
//! assert!(!resource.matches(b"bar"));
//! ```

use std::collections::HashSet;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

use crate::credential::Credential;
use crate::validation::{Pointer, Rule, ValidationError};

/// A hash function a digest names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-256 (SRI `sha256`, multihash `0x12`).
    Sha256,
    /// SHA-384 (SRI `sha384`, multihash `0x20`).
    Sha384,
    /// SHA-512 (SRI `sha512`, multihash `0x13`).
    Sha512,
}

impl DigestAlgorithm {
    fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }

    fn hash(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            DigestAlgorithm::Sha256 => Sha256::digest(bytes).to_vec(),
            DigestAlgorithm::Sha384 => Sha384::digest(bytes).to_vec(),
            DigestAlgorithm::Sha512 => Sha512::digest(bytes).to_vec(),
        }
    }
}

/// One digest of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDigest {
    /// The hash function.
    pub algorithm: DigestAlgorithm,
    /// The expected hash.
    pub value: Vec<u8>,
}

impl ResourceDigest {
    /// A Subresource Integrity hash expression: `sha256-`, `sha384-` or `sha512-` and the base64
    /// of the hash (SRI options after `?` are ignored, as SRI says).
    pub fn from_sri(expression: &str) -> Result<Self, &'static str> {
        let expression = expression.split('?').next().unwrap_or_default();
        let (name, encoded) = expression
            .split_once('-')
            .ok_or("an SRI digest is <algorithm>-<base64>")?;
        let algorithm = match name {
            "sha256" => DigestAlgorithm::Sha256,
            "sha384" => DigestAlgorithm::Sha384,
            "sha512" => DigestAlgorithm::Sha512,
            _ => return Err("an SRI digest names sha256, sha384 or sha512"),
        };
        let value = STANDARD
            .decode(encoded)
            .map_err(|_| "an SRI digest's hash is not base64")?;
        Self::sized(algorithm, value)
    }

    /// A `digestMultibase`: a multibase (`z` base58btc or `u` base64url) multihash of SHA-256,
    /// SHA-384 or SHA-512.
    pub fn from_multibase(encoded: &str) -> Result<Self, &'static str> {
        let bytes =
            crate::multibase::decode(encoded).map_err(|_| "digestMultibase is not multibase")?;
        let (algorithm, rest) = match bytes.as_slice() {
            [0x12, rest @ ..] => (DigestAlgorithm::Sha256, rest),
            [0x20, rest @ ..] => (DigestAlgorithm::Sha384, rest),
            [0x13, rest @ ..] => (DigestAlgorithm::Sha512, rest),
            _ => return Err("digestMultibase is not a SHA-2 multihash"),
        };
        let (length, value) = rest
            .split_first()
            .ok_or("digestMultibase's multihash has no length")?;
        if usize::from(*length) != value.len() {
            return Err("digestMultibase's multihash length does not match its hash");
        }
        Self::sized(algorithm, value.to_vec())
    }

    fn sized(algorithm: DigestAlgorithm, value: Vec<u8>) -> Result<Self, &'static str> {
        if value.len() != algorithm.output_len() {
            return Err("the digest is not as long as its algorithm's hash");
        }
        Ok(Self { algorithm, value })
    }

    /// Whether `bytes` hash to this digest.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.algorithm.hash(bytes) == self.value
    }
}

/// One well-formed `relatedResource` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedResource {
    /// The resource's URL.
    pub id: String,
    /// Every digest the entry gives (`digestSRI` and `digestMultibase` together).
    pub digests: Vec<ResourceDigest>,
}

impl RelatedResource {
    /// Reads one entry, or says which rule it breaks.
    pub fn from_value(value: &Value) -> Result<Self, &'static str> {
        let Value::Object(entry) = value else {
            return Err("each entry must be an object");
        };
        let id = match entry.get("id") {
            Some(Value::String(id)) if crate::uri::is_absolute(id) => id.clone(),
            Some(Value::String(_)) => return Err("id must be a URL"),
            _ => return Err("each entry needs an id"),
        };
        let mut digests = Vec::new();
        for (name, parse) in [
            (
                "digestSRI",
                ResourceDigest::from_sri as fn(&str) -> Result<ResourceDigest, &'static str>,
            ),
            ("digestMultibase", ResourceDigest::from_multibase),
        ] {
            let Some(value) = entry.get(name) else {
                continue;
            };
            let texts: Vec<&str> = match value {
                // SRI's integrity attribute separates several expressions by whitespace.
                Value::String(text) if name == "digestSRI" => text.split_whitespace().collect(),
                Value::String(text) => vec![text.as_str()],
                Value::Array(items) if !items.is_empty() => items
                    .iter()
                    .map(|item| item.as_str().ok_or("a digest must be a string"))
                    .collect::<Result<_, _>>()?,
                _ => return Err("a digest must be a string or a non-empty array of strings"),
            };
            if texts.is_empty() {
                return Err("a digest is empty");
            }
            for text in texts {
                digests.push(parse(text)?);
            }
        }
        if digests.is_empty() {
            return Err("each entry needs a digestSRI or a digestMultibase");
        }
        Ok(Self { id, digests })
    }

    /// Whether `bytes` match every digest the entry gives.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.digests.iter().all(|digest| digest.matches(bytes))
    }
}

/// The well-formed `relatedResource` entries of `credential`, each with its JSON pointer (entries
/// that break the rules are left out: [`Credential::validate`] reports them).
pub fn related_resources(credential: &Credential) -> Vec<(String, RelatedResource)> {
    let Some(value) = credential.properties.get("relatedResource") else {
        return Vec::new();
    };
    entries(value)
        .filter_map(|(pointer, entry)| {
            RelatedResource::from_value(entry)
                .ok()
                .map(|resource| (pointer, resource))
        })
        .collect()
}

/// Each entry with its pointer: the value itself when it is one object, its elements otherwise.
fn entries(value: &Value) -> Box<dyn Iterator<Item = (String, &Value)> + '_> {
    match value {
        Value::Array(items) => Box::new(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("/relatedResource/{i}"), item)),
        ),
        other => Box::new(std::iter::once(("/relatedResource".to_owned(), other))),
    }
}

/// The data model's rules for `relatedResource`, reported at `pointer` and below.
pub(crate) fn check(value: &Value, pointer: &Pointer, errors: &mut Vec<ValidationError>) {
    let invalid =
        |at: String, reason| ValidationError::new(at, Rule::InvalidRelatedResource { reason });
    let base = pointer.render();
    if matches!(value, Value::Array(items) if items.is_empty()) {
        errors.push(invalid(base, "must be one or more objects"));
        return;
    }
    let mut seen: HashSet<&str> = HashSet::new();
    for (at, entry) in entries(value) {
        // `entries` spells pointers from the credential's root; keep the caller's base.
        let at = at.replacen("/relatedResource", &base, 1);
        if let Some(Value::String(id)) = entry.get("id") {
            if !seen.insert(id.as_str()) {
                errors.push(invalid(format!("{at}/id"), "ids must be unique"));
                continue;
            }
        }
        if let Err(reason) = RelatedResource::from_value(entry) {
            errors.push(invalid(at, reason));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sri_and_multibase_digests_of_the_same_bytes_both_match() {
        let bytes = b"{\"@context\": {}}";
        let sha384 = STANDARD.encode(Sha384::digest(bytes));
        let mut multihash = vec![0x12, 32];
        multihash.extend_from_slice(&Sha256::digest(bytes));
        let entry = json!({"id": "https://example.org/c",
            "digestSRI": format!("sha384-{sha384}"),
            "digestMultibase": crate::multibase::encode_base58btc(&multihash)});
        let resource = RelatedResource::from_value(&entry).unwrap();
        assert_eq!(resource.digests.len(), 2);
        assert!(resource.matches(bytes));
        assert!(!resource.matches(b"{}"));
    }

    #[test]
    fn malformed_entries_say_why() {
        for (entry, reason) in [
            (
                json!("https://example.org/c"),
                "each entry must be an object",
            ),
            (json!({"digestSRI": "sha256-x"}), "each entry needs an id"),
            (
                json!({"id": "not a url", "digestSRI": "x"}),
                "id must be a URL",
            ),
            (
                json!({"id": "https://e.org/c"}),
                "each entry needs a digestSRI or a digestMultibase",
            ),
            (
                json!({"id": "https://e.org/c", "digestSRI": "md5-AAAA"}),
                "an SRI digest names sha256, sha384 or sha512",
            ),
            (
                json!({"id": "https://e.org/c", "digestSRI": "sha256-AAAA"}),
                "the digest is not as long as its algorithm's hash",
            ),
            (
                json!({"id": "https://e.org/c", "digestMultibase": "zAAAA"}),
                "digestMultibase is not a SHA-2 multihash",
            ),
            (
                json!({"id": "https://e.org/c", "digestMultibase": 5}),
                "a digest must be a string or a non-empty array of strings",
            ),
        ] {
            assert_eq!(RelatedResource::from_value(&entry), Err(reason), "{entry}");
        }
    }
}
