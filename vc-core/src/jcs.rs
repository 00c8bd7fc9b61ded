//! JSON Canonicalization Scheme (RFC 8785) and the `credentialHash` built on it.
//!
//! Canonicalization is done by `serde_jcs`; this module fixes the error type and adds the hash the
//! DIDComm issuance protocol (`didcomm:iota/issuance/0.1`) exchanges as `credentialHash`.

use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The RFC 8785 canonical form of `value`, as a string.
///
/// Fails only on values JCS cannot represent (non-finite numbers, which `serde_json::Value` cannot
/// hold, or a `Serialize` implementation that errors).
///
/// ```
/// let v = serde_json::json!({"b": [1.0, 2e-3], "a": "\u{20ac}"});
/// assert_eq!(vc_core::jcs::canonicalize(&v)?, r#"{"a":"€","b":[1,0.002]}"#);
/// # Ok::<(), vc_core::Error>(())
/// ```
pub fn canonicalize<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_jcs::to_string(value).map_err(canonicalization_error)
}

/// The RFC 8785 canonical form of `value`, as UTF-8 bytes.
pub fn canonicalize_to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    serde_jcs::to_vec(value).map_err(canonicalization_error)
}

/// SHA-256 of the canonical form of `value`.
pub fn sha256<T: Serialize + ?Sized>(value: &T) -> Result<[u8; 32]> {
    Ok(Sha256::digest(canonicalize_to_vec(value)?).into())
}

/// `credentialHash`: base58 (Bitcoin alphabet, no multibase prefix) of SHA-256 of the JCS form.
///
/// ```
/// let h = vc_core::jcs::credential_hash(&serde_json::json!({}))?;
/// // SHA-256 of "{}" in base58.
/// assert_eq!(h, "5ajuwjHoLj33yG5t5UFsJtUb3vnRaJQEMPqSLz6VyoHK");
/// # Ok::<(), vc_core::Error>(())
/// ```
pub fn credential_hash<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    Ok(bs58::encode(sha256(value)?).into_string())
}

fn canonicalization_error(err: serde_json::Error) -> Error {
    Error::Canonicalization {
        source: Arc::new(err),
    }
}
