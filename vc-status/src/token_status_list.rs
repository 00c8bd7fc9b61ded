//! The IETF Token Status List (draft-ietf-oauth-status-list): the `status_list` object of a Status
//! List Token, and the claims of that token.
//!
//! Unlike the W3C [`Bitstring`](crate::Bitstring), index 0 is the *least* significant bit (or
//! bits) of the first byte, and the bytes are compressed with DEFLATE in the ZLIB format (RFC
//! 1950) at the highest level, as the draft recommends; `lst` is that stream in base64url without
//! padding. The zlib in use is the reference zlib (flate2's `zlib` backend), whose output equals
//! the draft's published examples byte for byte (miniz_oxide and zlib-rs produce other, equally
//! valid, streams).
//!
//! Status values (draft section 7.1): `0x00` VALID, `0x01` INVALID (revoked), `0x02` SUSPENDED,
//! `0x03` and `0x0C..=0x0F` application specific.

use std::io::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::bitstring::inflate_limited;
use crate::{Error, Result, StatusSize, DEFAULT_MAX_BYTES};

/// The status value of a valid Referenced Token.
pub const TOKEN_STATUS_VALID: u8 = 0x00;
/// The status value of a revoked Referenced Token (`INVALID`).
pub const TOKEN_STATUS_INVALID: u8 = 0x01;
/// The status value of a suspended Referenced Token.
pub const TOKEN_STATUS_SUSPENDED: u8 = 0x02;

/// A Token Status List: entries of 1, 2, 4 or 8 bits.
///
/// ```
/// use vc_status::{StatusSize, TokenStatusList};
///
/// // The draft's first example: 16 one-bit entries, bytes b9 a3.
/// let statuses = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
/// let mut list = TokenStatusList::new(16, StatusSize::ONE)?;
/// for (i, s) in statuses.iter().enumerate() {
///     list.set(i as u64, *s)?;
/// }
/// assert_eq!(list.as_bytes(), &[0xb9, 0xa3]);
/// assert_eq!(list.lst(), "eNrbuRgAAhcBXQ");
/// let back = TokenStatusList::from_value(&list.to_value(), usize::MAX)?;
/// assert_eq!(back.get(13)?, 1);
/// # Ok::<(), vc_status::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenStatusList {
    bytes: Vec<u8>,
    entries: u64,
    bits: StatusSize,
}

pub(crate) fn invalid(reason: &'static str) -> Error {
    Error::TokenStatusList {
        reason,
        source: None,
    }
}

/// Checks that `bits` is one the draft allows (1, 2, 4 or 8).
fn check_bits(bits: StatusSize) -> Result<()> {
    match bits.bits() {
        1 | 2 | 4 | 8 => Ok(()),
        _ => Err(invalid("bits must be 1, 2, 4 or 8")),
    }
}

impl TokenStatusList {
    /// An all-VALID list of `entries` entries of `bits` bits (1, 2, 4 or 8), at most
    /// [`DEFAULT_MAX_BYTES`] long.
    pub fn new(entries: u64, bits: StatusSize) -> Result<Self> {
        check_bits(bits)?;
        let len = entries
            .checked_mul(u64::from(bits.bits()))
            .map(|b| b.div_ceil(8))
            .and_then(|b| usize::try_from(b).ok())
            .filter(|&len| len <= DEFAULT_MAX_BYTES)
            .ok_or(Error::ListTooLarge {
                max_bytes: DEFAULT_MAX_BYTES,
            })?;
        if entries == 0 {
            return Err(Error::ListLength {
                entries,
                minimum: 1,
            });
        }
        Ok(TokenStatusList {
            bytes: vec![0; len],
            entries,
            bits,
        })
    }

    /// The number of entries (for a decoded list: every entry the bytes hold).
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Bits per entry.
    pub fn bits(&self) -> StatusSize {
        self.bits
    }

    /// The uncompressed bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Byte position, shift and mask of entry `index`: entries never straddle a byte because
    /// `bits` divides 8.
    fn locate(&self, index: u64) -> Result<(usize, u32, u8)> {
        if index >= self.entries {
            return Err(Error::Range {
                index,
                entries: self.entries,
            });
        }
        let bits = u64::from(self.bits.bits());
        let pos = index * bits;
        // index < entries, and entries * bits / 8 is the length of `bytes`, a usize.
        let byte = usize::try_from(pos / 8).map_err(|_| Error::Range {
            index,
            entries: self.entries,
        })?;
        Ok((byte, (pos % 8) as u32, self.bits.max_value()))
    }

    /// The status of entry `index` (`RANGE_ERROR` outside the list).
    pub fn get(&self, index: u64) -> Result<u8> {
        let (byte, shift, mask) = self.locate(index)?;
        let value = self.bytes.get(byte).copied().unwrap_or(0);
        Ok((value >> shift) & mask)
    }

    /// Sets entry `index` to `value`, which must fit into `bits`.
    pub fn set(&mut self, index: u64, value: u8) -> Result<()> {
        let (byte, shift, mask) = self.locate(index)?;
        if value > mask {
            return Err(Error::StatusValue {
                value: u64::from(value),
                status_size: self.bits.bits(),
            });
        }
        if let Some(b) = self.bytes.get_mut(byte) {
            *b = (*b & !(mask << shift)) | (value << shift);
        }
        Ok(())
    }

    /// The ZLIB stream (DEFLATE, highest compression level).
    pub fn compress(&self) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(
            Vec::with_capacity(self.bytes.len() / 16 + 64),
            Compression::best(),
        );
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(&self.bytes);
        encoder.finish().unwrap_or_default()
    }

    /// `lst`: the ZLIB stream in base64url without padding.
    pub fn lst(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.compress())
    }

    /// The `status_list` object: `{"bits": .., "lst": ..}`.
    pub fn to_value(&self) -> Value {
        let mut object = Map::new();
        object.insert("bits".into(), u64::from(self.bits).into());
        object.insert("lst".into(), self.lst().into());
        Value::Object(object)
    }

    /// Decodes `lst` of a list with entries of `bits` bits, refusing more than `max_bytes`
    /// uncompressed bytes (inflation stops right after the limit: a zlib bomb costs nothing).
    pub fn decode(bits: StatusSize, lst: &str, max_bytes: usize) -> Result<Self> {
        check_bits(bits)?;
        // A zlib stream is never much larger than what it inflates to; refuse absurd input first.
        if lst.len() / 4 * 3 > max_bytes.saturating_add(64 * 1024) {
            return Err(Error::ListTooLarge { max_bytes });
        }
        let zlib = URL_SAFE_NO_PAD
            .decode(lst)
            .map_err(|e| Error::TokenStatusList {
                reason: "lst is not unpadded base64url",
                source: Some(std::sync::Arc::new(e)),
            })?;
        Self::decompress(bits, &zlib, max_bytes)
    }

    /// Decodes the ZLIB stream `zlib` (the compressed byte array itself: the CBOR `lst`) of a
    /// list with entries of `bits` bits, refusing more than `max_bytes` uncompressed bytes.
    pub fn decompress(bits: StatusSize, zlib: &[u8], max_bytes: usize) -> Result<Self> {
        check_bits(bits)?;
        if zlib.len() > max_bytes.saturating_add(64 * 1024) {
            return Err(Error::ListTooLarge { max_bytes });
        }
        let bytes = inflate_limited(ZlibDecoder::new(zlib), zlib.len(), max_bytes).map_err(
            |e| match e {
                Error::EncodedListGzip(source) => Error::TokenStatusList {
                    reason: "lst is not one complete zlib stream",
                    source: Some(source),
                },
                other => other,
            },
        )?;
        if bytes.is_empty() {
            return Err(invalid("lst holds no entries"));
        }
        let entries = (bytes.len() as u64) * 8 / u64::from(bits.bits());
        Ok(TokenStatusList {
            bytes,
            entries,
            bits,
        })
    }

    /// Parses a `status_list` object (`bits` and `lst`; other members are allowed, the draft
    /// defines `aggregation_uri`), with at most `max_bytes` uncompressed bytes.
    pub fn from_value(value: &Value, max_bytes: usize) -> Result<Self> {
        let object = value
            .as_object()
            .ok_or(invalid("status_list is not an object"))?;
        let bits = object
            .get("bits")
            .and_then(Value::as_u64)
            .ok_or(invalid("bits is missing or not an integer"))?;
        let bits = StatusSize::try_from(bits).map_err(|_| invalid("bits must be 1, 2, 4 or 8"))?;
        let lst = object
            .get("lst")
            .and_then(Value::as_str)
            .ok_or(invalid("lst is missing or not a string"))?;
        Self::decode(bits, lst, max_bytes)
    }
}

/// What goes into a Status List Token (the claims; signing is the issuer's, as a JWT with
/// `typ: statuslist+jwt`).
#[derive(Debug, Clone)]
pub struct StatusListTokenParams<'a> {
    /// `sub`: the URI the token is served at, which Referenced Tokens name in `status_list.uri`.
    pub uri: &'a str,
    /// `iss`, when the issuer is named (a DID or URL).
    pub issuer: Option<&'a str>,
    /// The list.
    pub list: &'a TokenStatusList,
    /// `iat`.
    pub issued_at: OffsetDateTime,
    /// `exp`, if the token expires.
    pub expires_at: Option<OffsetDateTime>,
    /// `ttl` in seconds: how long a relying party may cache the token.
    pub ttl_secs: Option<u64>,
}

/// The claims of a Status List Token: `sub`, `iss`, `iat`, `exp`, `ttl`, `status_list`.
///
/// ```
/// use time::macros::datetime;
/// use vc_status::{status_list_token_claims, StatusListTokenParams, StatusSize, TokenStatusList};
///
/// let list = TokenStatusList::new(16, StatusSize::ONE)?;
/// let claims = status_list_token_claims(&StatusListTokenParams {
///     uri: "https://example.com/statuslists/1",
///     issuer: None,
///     list: &list,
///     issued_at: datetime!(2023-06-16 12:56:10 UTC),
///     expires_at: Some(datetime!(2042-08-15 08:56:10 UTC)),
///     ttl_secs: Some(43_200),
/// });
/// assert_eq!(claims["sub"], "https://example.com/statuslists/1");
/// assert_eq!(claims["iat"], 1_686_920_170);
/// assert_eq!(claims["status_list"]["bits"], 1);
/// # Ok::<(), vc_status::Error>(())
/// ```
pub fn status_list_token_claims(p: &StatusListTokenParams<'_>) -> Value {
    let mut claims = Map::new();
    claims.insert("sub".into(), p.uri.into());
    if let Some(iss) = p.issuer {
        claims.insert("iss".into(), iss.into());
    }
    claims.insert("iat".into(), p.issued_at.unix_timestamp().into());
    if let Some(exp) = p.expires_at {
        claims.insert("exp".into(), exp.unix_timestamp().into());
    }
    if let Some(ttl) = p.ttl_secs {
        claims.insert("ttl".into(), ttl.into());
    }
    claims.insert("status_list".into(), p.list.to_value());
    Value::Object(claims)
}

/// Reads the `status_list` reference of a Referenced Token's `status` claim:
/// `{"status_list": {"idx": N, "uri": "..."}}` gives `(N, uri)`.
pub fn status_list_reference(status: &Value) -> Result<(u64, &str)> {
    let reference =
        status
            .get("status_list")
            .and_then(Value::as_object)
            .ok_or(Error::InvalidEntry {
                reason: "status has no status_list object",
                source: None,
            })?;
    let idx = reference
        .get("idx")
        .and_then(Value::as_u64)
        .ok_or(Error::InvalidEntry {
            reason: "status_list.idx is missing or not a non-negative integer",
            source: None,
        })?;
    let uri = reference
        .get("uri")
        .and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .ok_or(Error::InvalidEntry {
            reason: "status_list.uri is missing or not a string",
            source: None,
        })?;
    Ok((idx, uri))
}
