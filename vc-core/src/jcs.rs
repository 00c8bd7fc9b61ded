//! JSON Canonicalization Scheme (RFC 8785) and the `credentialHash` built on it.
//!
//! Canonical JSON values are written by [`canonicalize_value`] straight from a
//! `serde_json::Value`: keys sorted by UTF-16 code units, strings escaped as ECMAScript's
//! `JSON.stringify` does, and numbers formatted by `serde_jcs` (ECMAScript `Number.toString` via
//! `ryu-js`). `serde_jcs` alone is correct but costs ~10 µs on an 870-byte credential, most of it
//! buffering every object member and re-parsing each key to sort it; writing from the `Value`
//! takes ~1.5 µs (figures in BENCHMARKS.md), and every output is checked against `serde_jcs` in
//! the tests (RFC 8785 vectors, 100,000 ES6 numbers, randomized documents).
//!
//! The module also adds the hash the DIDComm issuance protocol (`didcomm:iota/issuance/0.1`)
//! exchanges as `credentialHash`.

use std::cmp::Ordering;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
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
    let bytes = canonicalize_to_vec(value)?;
    // The writer only emits whole UTF-8 sequences taken from `str`s and ASCII.
    String::from_utf8(bytes).map_err(|e| canonicalization_error(serde::ser::Error::custom(e)))
}

/// The RFC 8785 canonical form of `value`, as UTF-8 bytes.
pub fn canonicalize_to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let value = serde_json::to_value(value).map_err(canonicalization_error)?;
    canonicalize_value(&value)
}

/// The RFC 8785 canonical form of a JSON value, without an intermediate serialization.
///
/// ```
/// let v = serde_json::json!({"\u{e000}": 1, "\u{1f600}": 2, "b": [1e21, -0.0, "\u{7}"]});
/// let out = vc_core::jcs::canonicalize_value(&v)?;
/// // UTF-16 order puts the surrogate pair of U+1F600 before U+E000.
/// assert_eq!(String::from_utf8(out).unwrap(), "{\"b\":[1e+21,0,\"\\u0007\"],\"\u{1f600}\":2,\"\u{e000}\":1}");
/// # Ok::<(), vc_core::Error>(())
/// ```
pub fn canonicalize_value(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // Rare in credentials: serde_jcs keeps the ECMAScript number formatting in one place.
        Value::Number(_) => {
            serde_jcs::to_writer(&mut *out, value).map_err(canonicalization_error)?
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_unstable_by(|a, b| utf16_cmp(a.0, b.0));
            out.push(b'{');
            for (i, (key, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(member, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// RFC 8785 section 3.2.3: property names sort by their UTF-16 code units.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    // Byte order equals UTF-16 order unless a supplementary character (4-byte UTF-8, a surrogate
    // pair in UTF-16) meets a character in U+E000..=U+FFFF.
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// RFC 8785 section 3.2.2.2: only `"`, `\\` and control characters are escaped, the controls
/// with their short forms where JSON has one.
fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(i) = next_escape(bytes, start) {
        out.extend_from_slice(&bytes[start..i]);
        start = i + 1;
        let b = bytes[i];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                continue;
            }
        };
        out.extend_from_slice(escape);
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The position of the first byte at or after `from` that must be escaped. Almost no byte of a
/// credential needs escaping, so eight bytes are tested at a time (a word with none of them is
/// skipped whole; a word that may hold one is searched byte by byte).
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if may_need_escape(u64::from_le_bytes(word)) {
            break;
        }
        i += 8;
    }
    let rest = bytes.get(i..)?;
    rest.iter()
        .position(|&b| NEEDS_ESCAPE[usize::from(b)])
        .map(|p| i + p)
}

/// Whether any byte of `word` is a control character, `"` or `\\` (exact: the classic "has a byte
/// less than n" and "has a zero byte" tests).
fn may_need_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_less_than = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGHS != 0;
    has_less_than(word, 0x20)
        || has_less_than(word ^ (ONES * u64::from(b'"')), 1)
        || has_less_than(word ^ (ONES * u64::from(b'\\')), 1)
}

/// The bytes RFC 8785 escapes in strings: the control characters, `"` and `\`.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

const HEX: &[u8; 16] = b"0123456789abcdef";

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
