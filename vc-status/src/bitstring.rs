//! The bitstring of a status list and its `encodedList` form.
//!
//! Index 0 is the left-most (most significant) bit of the first byte. An entry of `statusSize` bits
//! at index `i` occupies bits `i * statusSize .. (i + 1) * statusSize`, its most significant bit
//! first. The `encodedList` is the GZIP-compressed bitstring in multibase base64url (`u` prefix,
//! no padding); StatusList2021 uses the same without the multibase prefix.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::{Error, Result, StatusSize};

/// The minimum number of entries in a status list (16 KiB of 1-bit entries), for herd privacy.
pub const MIN_ENTRIES: u64 = 131_072;

/// The largest uncompressed list this crate creates or decodes by default (16 MiB).
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// The multibase prefix of base64url without padding.
const MULTIBASE_BASE64URL: char = 'u';

/// The GZIP level used for `encodedList`.
///
/// Level 1 (fastest deflate with LZ77 matching) turns a 16 KiB list with 1 % set bits into the same
/// size class as the default level at a fraction of the time, and every GZIP decoder reads it.
const GZIP_LEVEL: u32 = 1;

/// A status list bitstring with entries of `statusSize` bits.
///
/// ```
/// use vc_status::{Bitstring, DecodeOptions, StatusSize};
///
/// let mut list = Bitstring::new(131_072, StatusSize::ONE)?;
/// list.set(42, 1)?;
/// let encoded = list.encode();
/// assert!(encoded.starts_with("uH4sI"));
/// let decoded = Bitstring::decode(&encoded, &DecodeOptions::new())?;
/// assert_eq!(decoded.get(42)?, 1);
/// assert_eq!(decoded.get(43)?, 0);
/// # Ok::<(), vc_status::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
    entries: u64,
    size: StatusSize,
}

impl Bitstring {
    /// An all-zero list of `entries` entries of `size` bits.
    ///
    /// `entries` must be at least [`MIN_ENTRIES`] and the list at most [`DEFAULT_MAX_BYTES`].
    pub fn new(entries: u64, size: StatusSize) -> Result<Self> {
        if entries < MIN_ENTRIES {
            return Err(Error::ListLength {
                entries,
                minimum: MIN_ENTRIES,
            });
        }
        Self::with_len(entries, size)
    }

    /// A list of any length ≥ 1, for test-only small lists and for decoding.
    pub(crate) fn with_len(entries: u64, size: StatusSize) -> Result<Self> {
        let bits = entries
            .checked_mul(u64::from(size.bits()))
            .ok_or(Error::ListTooLarge {
                max_bytes: DEFAULT_MAX_BYTES,
            })?;
        let len = usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX);
        if entries == 0 {
            return Err(Error::ListLength {
                entries,
                minimum: 1,
            });
        }
        if len > DEFAULT_MAX_BYTES {
            return Err(Error::ListTooLarge {
                max_bytes: DEFAULT_MAX_BYTES,
            });
        }
        Ok(Bitstring {
            bytes: vec![0; len],
            entries,
            size,
        })
    }

    /// The number of entries.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The size of one entry in bits.
    pub fn status_size(&self) -> StatusSize {
        self.size
    }

    /// The raw bitstring (index 0 = most significant bit of byte 0).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn check(&self, index: u64) -> Result<u64> {
        if index >= self.entries {
            return Err(Error::Range {
                index,
                entries: self.entries,
            });
        }
        // index < entries and entries * size fits the allocation, so this cannot overflow.
        Ok(index * u64::from(self.size.bits()))
    }

    fn bit(&self, pos: u64) -> u8 {
        // `pos` is below bytes.len() * 8 (checked by `check`), so the byte exists.
        let byte = self.bytes.get((pos / 8) as usize).copied().unwrap_or(0);
        (byte >> (7 - (pos % 8))) & 1
    }

    fn put_bit(&mut self, pos: u64, on: bool) {
        let mask = 0x80u8 >> (pos % 8);
        if let Some(byte) = self.bytes.get_mut((pos / 8) as usize) {
            if on {
                *byte |= mask;
            } else {
                *byte &= !mask;
            }
        }
    }

    /// The value of the entry at `index` (`RANGE_ERROR` outside the list).
    pub fn get(&self, index: u64) -> Result<u8> {
        let pos = self.check(index)?;
        let mut value = 0u8;
        for k in 0..u64::from(self.size.bits()) {
            value = (value << 1) | self.bit(pos + k);
        }
        Ok(value)
    }

    /// Sets the entry at `index` to `value`, which must fit into `statusSize` bits.
    pub fn set(&mut self, index: u64, value: u8) -> Result<()> {
        let pos = self.check(index)?;
        if value > self.size.max_value() {
            return Err(Error::StatusValue {
                value: u64::from(value),
                status_size: self.size.bits(),
            });
        }
        let bits = self.size.bits();
        for k in 0..bits {
            let on = (value >> (bits - 1 - k)) & 1 == 1;
            self.put_bit(pos + u64::from(k), on);
        }
        Ok(())
    }

    /// The number of entries whose value is not 0.
    pub fn count_nonzero(&self) -> u64 {
        if self.size == StatusSize::ONE {
            return self.bytes.iter().map(|b| u64::from(b.count_ones())).sum();
        }
        (0..self.entries)
            .filter(|&i| self.get(i).map(|v| v != 0).unwrap_or(false))
            .count() as u64
    }

    /// The GZIP-compressed bitstring.
    pub fn gzip(&self) -> Vec<u8> {
        let mut encoder = GzEncoder::new(
            Vec::with_capacity(self.bytes.len() / 8 + 64),
            Compression::new(GZIP_LEVEL),
        );
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(&self.bytes);
        encoder.finish().unwrap_or_default()
    }

    /// The Bitstring Status List `encodedList`: `u` + base64url (no padding) of the GZIP stream.
    pub fn encode(&self) -> String {
        let gz = self.gzip();
        let mut out = String::with_capacity(1 + gz.len().div_ceil(3) * 4);
        out.push(MULTIBASE_BASE64URL);
        URL_SAFE_NO_PAD.encode_string(&gz, &mut out);
        out
    }

    /// The StatusList2021 `encodedList`: base64url (no padding) of the GZIP stream, no multibase
    /// prefix.
    pub fn encode_status_list_2021(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.gzip())
    }

    /// Decodes an `encodedList`, checking the prefix, the GZIP stream, the size limit and the
    /// minimum length.
    pub fn decode(encoded: &str, options: &DecodeOptions) -> Result<Self> {
        let body = if options.multibase {
            encoded
                .strip_prefix(MULTIBASE_BASE64URL)
                .ok_or(Error::EncodedListPrefix)?
        } else {
            encoded
        };
        // A GZIP stream of `max_bytes` is never much larger than `max_bytes`; refuse absurd input
        // before allocating for it.
        if body.len() / 4 * 3 > options.max_bytes.saturating_add(64 * 1024) {
            return Err(Error::ListTooLarge {
                max_bytes: options.max_bytes,
            });
        }
        let gz = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(Error::EncodedListBase64)?;
        let bytes = inflate_limited(GzDecoder::new(gz.as_slice()), gz.len(), options.max_bytes)?;
        let bits = (bytes.len() as u64) * 8;
        let entries = bits / u64::from(options.status_size.bits());
        if entries < options.min_entries || entries == 0 {
            return Err(Error::ListLength {
                entries,
                minimum: options.min_entries.max(1),
            });
        }
        Ok(Bitstring {
            bytes,
            entries,
            size: options.status_size,
        })
    }
}

/// Inflates what `decoder` reads (a GZIP member here, a zlib stream for the Token Status List),
/// refusing output beyond `max_bytes`: inflation stops right after the limit. A broken stream is
/// [`Error::EncodedListGzip`], which the Token Status List maps onto its own code.
pub(crate) fn inflate_limited(
    decoder: impl Read,
    compressed_len: usize,
    max_bytes: usize,
) -> Result<Vec<u8>> {
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut out = Vec::with_capacity(compressed_len.saturating_mul(4).min(max_bytes));
    decoder
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| Error::EncodedListGzip(std::sync::Arc::new(e)))?;
    if out.len() > max_bytes {
        return Err(Error::ListTooLarge { max_bytes });
    }
    Ok(out)
}

/// How to decode an `encodedList`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    status_size: StatusSize,
    min_entries: u64,
    max_bytes: usize,
    multibase: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions::new()
    }
}

impl DecodeOptions {
    /// Bitstring Status List defaults: `statusSize` 1, at least [`MIN_ENTRIES`] entries, at most
    /// [`DEFAULT_MAX_BYTES`] uncompressed, `u` multibase prefix required.
    pub const fn new() -> Self {
        DecodeOptions {
            status_size: StatusSize::ONE,
            min_entries: MIN_ENTRIES,
            max_bytes: DEFAULT_MAX_BYTES,
            multibase: true,
        }
    }

    /// StatusList2021: no multibase prefix, 1-bit entries.
    pub const fn status_list_2021() -> Self {
        DecodeOptions {
            multibase: false,
            ..DecodeOptions::new()
        }
    }

    /// The entry size the list was written with.
    pub const fn status_size(mut self, size: StatusSize) -> Self {
        self.status_size = size;
        self
    }

    /// Accepts lists with fewer entries than [`MIN_ENTRIES`] (for reading legacy lists that do not
    /// meet the spec's minimum; `STATUS_LIST_LENGTH_ERROR` is raised below `min`).
    pub const fn min_entries(mut self, min: u64) -> Self {
        self.min_entries = min;
        self
    }

    /// The largest uncompressed size accepted; inflation stops right after it.
    pub const fn max_bytes(mut self, max: usize) -> Self {
        self.max_bytes = max;
        self
    }
}
