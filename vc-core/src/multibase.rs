//! Multibase encoding for the two bases Data Integrity uses: base58btc (prefix `z`) and base64url
//! without padding (prefix `u`).
//!
//! Keys (`publicKeyMultibase`) and Ed25519/ECDSA signatures (`proofValue`) are base58btc; selective
//! disclosure proofs (`bbs-2023`, `ecdsa-sd-2023`) are base64url. Other multibase prefixes are rejected
//! rather than half-supported.
//!
//! ```
//! use vc_core::multibase;
//!
//! let encoded = multibase::encode_base58btc(b"hello");
//! assert_eq!(encoded, "zCn8eVZg");
//! assert_eq!(multibase::decode(&encoded)?, b"hello");
//! assert_eq!(multibase::encode_base64url(b"hello"), "uaGVsbG8");
//! # Ok::<(), vc_core::Error>(())
//! ```

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::{Error, Result};

/// The multibase prefix of base58btc (Bitcoin alphabet).
pub const BASE58BTC_PREFIX: char = 'z';

/// The multibase prefix of base64url (RFC 4648 §5 alphabet, no padding).
pub const BASE64URL_PREFIX: char = 'u';

/// The longest base58 text (without prefix) the decoders accept, in bytes.
///
/// Base58 decoding takes time quadratic in the input length, so unbounded input would let a sender
/// burn CPU; keys and signatures are well under 200 characters, so this leaves ample room.
pub const MAX_BASE58_LEN: usize = 8192;

/// Encodes `bytes` as base58btc with the multibase prefix `z`.
pub fn encode_base58btc(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(1 + base58_capacity(bytes.len()));
    out.push(BASE58BTC_PREFIX);
    base58_encode_onto(bytes, &mut out);
    out
}

/// Decodes a base58btc multibase string; the `z` prefix is required.
pub fn decode_base58btc(input: &str) -> Result<Vec<u8>> {
    let body = input
        .strip_prefix(BASE58BTC_PREFIX)
        .ok_or_else(|| prefix_error(input, "base58btc ('z')"))?;
    base58_decode(body)
}

/// Encodes `bytes` as base64url without padding, with the multibase prefix `u`.
pub fn encode_base64url(bytes: &[u8]) -> String {
    // Exact output size: 4 characters per 3 bytes, rounded up, plus the prefix.
    let mut out = String::with_capacity(1 + bytes.len().div_ceil(3) * 4);
    out.push(BASE64URL_PREFIX);
    URL_SAFE_NO_PAD.encode_string(bytes, &mut out);
    out
}

/// Decodes a base64url multibase string; the `u` prefix is required and padding (`=`) is rejected.
pub fn decode_base64url(input: &str) -> Result<Vec<u8>> {
    let body = input
        .strip_prefix(BASE64URL_PREFIX)
        .ok_or_else(|| prefix_error(input, "base64url ('u')"))?;
    if body.contains('=') {
        return Err(Error::InvalidMultibase {
            reason: "padding is not allowed in base64url multibase".to_owned(),
        });
    }
    URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|e| Error::InvalidMultibase {
            reason: format!("not base64url: {e}"),
        })
}

/// Decodes a multibase string in either supported base, chosen by its prefix (`z` or `u`).
pub fn decode(input: &str) -> Result<Vec<u8>> {
    match input.chars().next() {
        Some(BASE58BTC_PREFIX) => decode_base58btc(input),
        Some(BASE64URL_PREFIX) => decode_base64url(input),
        _ => Err(prefix_error(input, "base58btc ('z') or base64url ('u')")),
    }
}

/// Encodes `bytes` as plain base58btc (Bitcoin alphabet), without a multibase prefix.
pub fn base58_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(base58_capacity(bytes.len()));
    base58_encode_onto(bytes, &mut out);
    out
}

/// Decodes plain base58btc text (no multibase prefix).
///
/// Inputs longer than [`MAX_BASE58_LEN`] are rejected.
pub fn base58_decode(input: &str) -> Result<Vec<u8>> {
    base58_decode_reason(input).map_err(|reason| Error::InvalidMultibase { reason })
}

/// [`base58_decode`] with the bare reason, so callers can wrap it in their own error variant.
pub(crate) fn base58_decode_reason(input: &str) -> std::result::Result<Vec<u8>, String> {
    if input.len() > MAX_BASE58_LEN {
        return Err(format!(
            "base58 text of {} bytes exceeds the limit of {MAX_BASE58_LEN} bytes",
            input.len()
        ));
    }
    bs58::decode(input)
        .into_vec()
        .map_err(|e| format!("not base58btc: {e}"))
}

fn base58_encode_onto(bytes: &[u8], out: &mut String) {
    // A `String` target grows as needed, so `BufferTooSmall`, the only error `onto` can report,
    // cannot happen here.
    let written = bs58::encode(bytes).onto(out);
    debug_assert!(written.is_ok(), "bs58 onto a String cannot fail");
}

/// Room `bs58` asks for before it encodes (it resizes the target to its own upper bound, so reserving
/// that much up front avoids a second allocation).
fn base58_capacity(len: usize) -> usize {
    (len / 5 + 1) * 8
}

fn prefix_error(input: &str, expected: &str) -> Error {
    let reason = match input.chars().next() {
        None => format!("empty string; expected {expected}"),
        Some(c) => format!("unsupported multibase prefix {c:?}; expected {expected}"),
    };
    Error::InvalidMultibase { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(err: Error) -> String {
        match err {
            Error::InvalidMultibase { reason } => reason,
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn base58btc_round_trip_keeps_leading_zeros() {
        let bytes = [0u8, 0, 1, 2, 255];
        let enc = encode_base58btc(&bytes);
        assert!(enc.starts_with("z11"));
        assert_eq!(decode_base58btc(&enc).unwrap(), bytes);
        assert_eq!(decode(&enc).unwrap(), bytes);
    }

    #[test]
    fn base58btc_empty_input() {
        assert_eq!(encode_base58btc(&[]), "z");
        assert_eq!(decode_base58btc("z").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn base58btc_matches_bs58_for_many_lengths() {
        for len in 0..100u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            let enc = encode_base58btc(&bytes);
            assert_eq!(&enc[1..], bs58::encode(&bytes).into_string());
            assert_eq!(base58_encode(&bytes), &enc[1..]);
            assert_eq!(decode_base58btc(&enc).unwrap(), bytes);
        }
    }

    #[test]
    fn base58btc_requires_prefix() {
        let err = decode_base58btc("uAAAA").unwrap_err();
        assert_eq!(err.code(), "INVALID_MULTIBASE");
        assert!(reason(err).contains("'u'"));
        assert!(reason(decode_base58btc("").unwrap_err()).contains("empty"));
    }

    #[test]
    fn base58btc_rejects_chars_outside_alphabet() {
        // 0, O, I and l are not in the Bitcoin alphabet.
        for bad in ["z0", "zO", "zI", "zl", "zab+c", "z é"] {
            let err = decode_base58btc(bad).unwrap_err();
            assert!(reason(err).starts_with("not base58btc"), "{bad}");
        }
    }

    #[test]
    fn base58_rejects_oversized_input_quickly() {
        let long = "2".repeat(MAX_BASE58_LEN + 1);
        assert!(reason(base58_decode(&long).unwrap_err()).contains("exceeds"));
        assert!(base58_decode(&long[..MAX_BASE58_LEN]).is_ok());
    }

    #[test]
    fn base64url_round_trip_and_alphabet() {
        let bytes = [0xfbu8, 0xff, 0xbf];
        let enc = encode_base64url(&bytes);
        assert_eq!(enc, "u-_-_");
        assert_eq!(decode_base64url(&enc).unwrap(), bytes);
        assert_eq!(decode(&enc).unwrap(), bytes);
        for len in 0..20usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 91) as u8).collect();
            let enc = encode_base64url(&bytes);
            assert_eq!(enc.len(), 1 + (len * 4).div_ceil(3));
            assert_eq!(decode_base64url(&enc).unwrap(), bytes);
        }
    }

    #[test]
    fn base64url_rejects_padding_standard_alphabet_and_prefix() {
        assert!(reason(decode_base64url("uaGVsbG8=").unwrap_err()).contains("padding"));
        assert!(reason(decode_base64url("u+/+/").unwrap_err()).starts_with("not base64url"));
        assert!(reason(decode_base64url("zCn8eVZg").unwrap_err()).contains("'z'"));
        // Five characters cannot be a whole number of bytes.
        assert!(decode_base64url("uaGVsb").is_err());
        // Non-zero trailing bits would give "hello" a second encoding.
        assert!(decode_base64url("uaGVsbG9").is_err());
    }

    #[test]
    fn decode_rejects_other_prefixes() {
        for bad in ["", "m aGVsbG8", "ZCn8eVZg", "UaGVsbG8", "f68656c6c6f", "é"] {
            let err = decode(bad).unwrap_err();
            assert_eq!(err.code(), "INVALID_MULTIBASE", "{bad}");
        }
    }
}
