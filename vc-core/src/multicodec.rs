//! Multicodec prefixes: an unsigned varint naming what the following bytes are.
//!
//! A Multikey or `did:key` is `multibase(varint(code) || key)`. The varint is the
//! [unsigned-varint](https://github.com/multiformats/unsigned-varint) of the multiformats project:
//! LEB128 limited to 9 bytes (63 bits) and required to be minimally encoded, so every value has exactly
//! one encoding.
//!
//! ```
//! use vc_core::multicodec;
//!
//! let prefixed = multicodec::encode(multicodec::ED25519_PUB, &[7; 32]);
//! assert_eq!(&prefixed[..2], &[0xed, 0x01]);
//! let (code, key) = multicodec::decode(&prefixed)?;
//! assert_eq!(code, multicodec::ED25519_PUB);
//! assert_eq!(key, &[7; 32]);
//! # Ok::<(), vc_core::Error>(())
//! ```

use std::fmt;

use crate::error::{Error, Result};

/// `ed25519-pub`: an Ed25519 public key (32 bytes).
pub const ED25519_PUB: u64 = 0xed;
/// `p256-pub`: a P-256 public key (SEC1 compressed, 33 bytes).
pub const P256_PUB: u64 = 0x1200;
/// `p384-pub`: a P-384 public key (SEC1 compressed, 49 bytes).
pub const P384_PUB: u64 = 0x1201;
/// `ed25519-priv`: an Ed25519 private key seed (32 bytes).
pub const ED25519_PRIV: u64 = 0x1300;
/// `p256-priv`: a P-256 private key (32 bytes).
pub const P256_PRIV: u64 = 0x1306;
/// `p384-priv`: a P-384 private key (48 bytes).
pub const P384_PRIV: u64 = 0x1307;
/// `bls12_381-g2-pub`: a BLS12-381 G2 public key (96 bytes compressed).
pub const BLS12_381_G2_PUB: u64 = 0xeb;

/// The longest varint the unsigned-varint spec allows (9 bytes carry 63 bits).
const MAX_VARINT_LEN: usize = 9;

/// Returns `varint(code) || bytes`.
///
/// `code` must be below 2^63, the range of the unsigned-varint spec; larger values are written as
/// 10-byte LEB128, which [`decode`] rejects. All registered multicodecs are far below that.
pub fn encode(code: u64, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAX_VARINT_LEN + 1 + bytes.len());
    write_varint(code, &mut out);
    out.extend_from_slice(bytes);
    out
}

/// Splits `bytes` into its multicodec code and the payload that follows.
///
/// Empty, truncated, over-long (more than 9 bytes) and non-minimal varints are rejected with
/// [`Error::InvalidMultibase`], since the input is normally the payload of a multibase value.
pub fn decode(bytes: &[u8]) -> Result<(u64, &[u8])> {
    decode_varint(bytes).map_err(|e| Error::InvalidMultibase {
        reason: format!("invalid multicodec prefix: {e}"),
    })
}

fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        // Truncation to the low 7 bits is the point of LEB128.
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Why a varint did not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VarintError {
    /// No bytes at all.
    Empty,
    /// The input ended while the continuation bit was still set.
    Truncated,
    /// More than [`MAX_VARINT_LEN`] bytes.
    Overlong,
    /// A trailing zero group: the same value has a shorter encoding.
    NotMinimal,
}

impl fmt::Display for VarintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VarintError::Empty => "no bytes",
            VarintError::Truncated => "truncated varint",
            VarintError::Overlong => "varint longer than 9 bytes",
            VarintError::NotMinimal => "varint is not minimally encoded",
        })
    }
}

/// Decodes a leading unsigned varint, returning it and the bytes after it.
pub(crate) fn decode_varint(bytes: &[u8]) -> std::result::Result<(u64, &[u8]), VarintError> {
    let mut value: u64 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(MAX_VARINT_LEN) {
        // i < 9, so the shift is at most 56 and the 7 bits still fit in a u64.
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if byte == 0 && i > 0 {
                return Err(VarintError::NotMinimal);
            }
            let rest = bytes.get(i + 1..).unwrap_or_default();
            return Ok((value, rest));
        }
    }
    Err(match bytes.len() {
        0 => VarintError::Empty,
        n if n < MAX_VARINT_LEN => VarintError::Truncated,
        _ => VarintError::Overlong,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_prefixes() {
        assert_eq!(encode(ED25519_PUB, &[]), [0xed, 0x01]);
        assert_eq!(encode(P256_PUB, &[]), [0x80, 0x24]);
        assert_eq!(encode(ED25519_PRIV, &[]), [0x80, 0x26]);
        assert_eq!(encode(P256_PRIV, &[]), [0x86, 0x26]);
        assert_eq!(encode(BLS12_381_G2_PUB, &[]), [0xeb, 0x01]);
        assert_eq!(encode(0x12, &[9]), [0x12, 9]);
    }

    #[test]
    fn round_trips_across_the_range() {
        let payload = [1u8, 2, 3];
        for code in [
            0,
            1,
            0x7f,
            0x80,
            0x3fff,
            0x4000,
            u64::from(u32::MAX),
            (1 << 63) - 1,
        ] {
            let enc = encode(code, &payload);
            let (dec, rest) = decode(&enc).unwrap();
            assert_eq!(dec, code);
            assert_eq!(rest, payload);
        }
        assert_eq!(encode((1 << 63) - 1, &[]).len(), MAX_VARINT_LEN);
    }

    #[test]
    fn rejects_broken_varints() {
        assert_eq!(decode_varint(&[]), Err(VarintError::Empty));
        assert_eq!(decode_varint(&[0x80]), Err(VarintError::Truncated));
        assert_eq!(decode_varint(&[0xed]), Err(VarintError::Truncated));
        assert_eq!(decode_varint(&[0x80; 9]), Err(VarintError::Overlong));
        assert_eq!(decode_varint(&[0xff; 12]), Err(VarintError::Overlong));
        assert_eq!(
            decode_varint(&[0xed, 0x81, 0x00]),
            Err(VarintError::NotMinimal)
        );
        assert_eq!(decode_varint(&[0x80, 0x00]), Err(VarintError::NotMinimal));
        let err = decode(&[0x80]).unwrap_err();
        assert_eq!(err.code(), "INVALID_MULTIBASE");
    }

    #[test]
    fn single_zero_byte_is_code_zero() {
        assert_eq!(decode_varint(&[0x00, 5]), Ok((0, &[5u8][..])));
    }
}
