//! The `status_list` of a Token Status List in CBOR (draft-ietf-oauth-status-list, "Status List in
//! CBOR Format"): the map `{"bits": uint, "lst": bstr}` with text keys, `lst` the ZLIB stream
//! itself (not base64url), and an optional `aggregation_uri` text string. This is the
//! `status_list` claim (65533) of a Status List Token CWT.
//!
//! Decoding is strict where the JSON path may be lenient, because the draft's CDDL map is closed
//! (`{ bits, lst, ? aggregation_uri }` has no `* tstr => any`): an unknown or repeated key, a
//! missing one, a value of the wrong type, trailing bytes after the map are
//! `TOKEN_STATUS_LIST_INVALID`; more than `max_bytes` uncompressed (or a CBOR item too large to
//! hold them) is `STATUS_LIST_TOO_LARGE`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ciborium::Value as Cbor;
use serde_json::Value;

use crate::token_status_list::invalid;
use crate::{Error, Result, StatusSize, TokenStatusList};

/// Encodes the map in the order the draft's examples use: `bits`, `lst`, then `aggregation_uri`.
fn encode(bits: u8, zlib: Vec<u8>, aggregation_uri: Option<String>) -> Result<Vec<u8>> {
    let mut map = vec![
        (Cbor::Text("bits".into()), Cbor::Integer(bits.into())),
        (Cbor::Text("lst".into()), Cbor::Bytes(zlib)),
    ];
    if let Some(uri) = aggregation_uri {
        map.push((Cbor::Text("aggregation_uri".into()), Cbor::Text(uri)));
    }
    let mut out = Vec::new();
    ciborium::ser::into_writer(&Cbor::Map(map), &mut out).map_err(|e| Error::TokenStatusList {
        reason: "the status list does not encode as CBOR",
        source: Some(std::sync::Arc::new(std::io::Error::other(e.to_string()))),
    })?;
    Ok(out)
}

/// Whether a CBOR item of `len` bytes could hold a list of at most `max_bytes` uncompressed bytes
/// (its ZLIB stream, plus room for the map around it): larger input is refused before decoding.
fn too_large(len: usize, max_bytes: usize) -> bool {
    len > max_bytes.saturating_add(64 * 1024 + 1024)
}

impl TokenStatusList {
    /// The CBOR `status_list`: `{"bits": .., "lst": h'<zlib>'}`.
    ///
    /// ```
    /// use vc_status::{StatusSize, TokenStatusList};
    ///
    /// // The draft's CBOR example: 16 one-bit entries, bytes b9 a3.
    /// let mut list = TokenStatusList::new(16, StatusSize::ONE)?;
    /// for (i, s) in [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1].iter().enumerate() {
    ///     list.set(i as u64, *s)?;
    /// }
    /// let cbor = list.to_cbor()?;
    /// assert_eq!(
    ///     cbor,
    ///     [&[0xa2, 0x64][..], b"bits", &[0x01, 0x63], b"lst", &[0x4a],
    ///      &[0x78, 0xda, 0xdb, 0xb9, 0x18, 0x00, 0x02, 0x17, 0x01, 0x5d]].concat()
    /// );
    /// assert_eq!(TokenStatusList::from_cbor(&cbor, 64)?, list);
    /// # Ok::<(), vc_status::Error>(())
    /// ```
    pub fn to_cbor(&self) -> Result<Vec<u8>> {
        encode(self.bits().bits(), self.compress(), None)
    }

    /// Parses a CBOR `status_list` (one map, nothing after it), with at most `max_bytes`
    /// uncompressed bytes; `aggregation_uri`, when present, must be a text string (it is not
    /// kept: the list is what this type holds).
    pub fn from_cbor(cbor: &[u8], max_bytes: usize) -> Result<Self> {
        if too_large(cbor.len(), max_bytes) {
            return Err(Error::ListTooLarge { max_bytes });
        }
        let mut rest = cbor;
        let value: Cbor =
            ciborium::de::from_reader(&mut rest).map_err(|e| Error::TokenStatusList {
                reason: "status_list is not one well-formed CBOR item",
                source: Some(std::sync::Arc::new(std::io::Error::other(e.to_string()))),
            })?;
        if !rest.is_empty() {
            return Err(invalid("bytes follow the CBOR status_list"));
        }
        Self::from_cbor_value(value, max_bytes)
    }

    fn from_cbor_value(value: Cbor, max_bytes: usize) -> Result<Self> {
        let Cbor::Map(entries) = value else {
            return Err(invalid("status_list is not a CBOR map"));
        };
        let (mut bits, mut lst, mut aggregation_uri) = (None, None, false);
        for (key, value) in entries {
            let Cbor::Text(key) = key else {
                return Err(invalid("a status_list key is not a text string"));
            };
            let (seen, ok) = match key.as_str() {
                "bits" => {
                    let seen = bits.is_some();
                    let value = match value {
                        Cbor::Integer(i) => u64::try_from(i).ok(),
                        _ => None,
                    };
                    bits = Some(value.ok_or(invalid("bits is not an unsigned integer"))?);
                    (seen, true)
                }
                "lst" => {
                    let seen = lst.is_some();
                    let Cbor::Bytes(bytes) = value else {
                        return Err(invalid("lst is not a byte string"));
                    };
                    lst = Some(bytes);
                    (seen, true)
                }
                "aggregation_uri" => {
                    let seen = aggregation_uri;
                    aggregation_uri = true;
                    (seen, matches!(value, Cbor::Text(_)))
                }
                _ => return Err(invalid("status_list has a key the draft does not define")),
            };
            if seen {
                return Err(invalid("a status_list key appears twice"));
            }
            if !ok {
                return Err(invalid("aggregation_uri is not a text string"));
            }
        }
        let bits = bits.ok_or(invalid("bits is missing"))?;
        let bits = StatusSize::try_from(bits).map_err(|_| invalid("bits must be 1, 2, 4 or 8"))?;
        let lst = lst.ok_or(invalid("lst is missing"))?;
        Self::decompress(bits, &lst, max_bytes)
    }
}

/// The CBOR `status_list` carrying the same compressed bytes as the JSON `status_list` object
/// `status_list` (`lst` base64url-decoded, not inflated: the conversion costs no compression, and
/// the CBOR `lst` is byte for byte the JSON one's stream). `bits` and `lst` are required,
/// `aggregation_uri` is carried over; any other member is refused rather than dropped.
pub fn status_list_cbor_from_json(status_list: &Value) -> Result<Vec<u8>> {
    let object = status_list
        .as_object()
        .ok_or(invalid("status_list is not an object"))?;
    let mut bits = None;
    let mut lst = None;
    let mut aggregation_uri = None;
    for (key, value) in object {
        match key.as_str() {
            "bits" => {
                let value = value
                    .as_u64()
                    .and_then(|b| StatusSize::try_from(b).ok())
                    .filter(|b| matches!(b.bits(), 1 | 2 | 4 | 8))
                    .ok_or(invalid("bits must be 1, 2, 4 or 8"))?;
                bits = Some(value.bits());
            }
            "lst" => {
                let text = value
                    .as_str()
                    .ok_or(invalid("lst is missing or not a string"))?;
                let zlib = URL_SAFE_NO_PAD
                    .decode(text)
                    .map_err(|e| Error::TokenStatusList {
                        reason: "lst is not unpadded base64url",
                        source: Some(std::sync::Arc::new(e)),
                    })?;
                lst = Some(zlib);
            }
            "aggregation_uri" => {
                let uri = value
                    .as_str()
                    .ok_or(invalid("aggregation_uri is not a string"))?;
                aggregation_uri = Some(uri.to_owned());
            }
            _ => {
                return Err(invalid(
                    "status_list has a member the CBOR format does not define",
                ))
            }
        }
    }
    encode(
        bits.ok_or(invalid("bits is missing or not an integer"))?,
        lst.ok_or(invalid("lst is missing or not a string"))?,
        aggregation_uri,
    )
}
