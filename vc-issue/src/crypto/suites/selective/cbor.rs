//! The CBOR framing of selective-disclosure proof values: `u` + base64url(no padding) of a CBOR
//! array behind a three-byte header (`d9 5d xx`), which CBOR reads as tag 0x5dxx (`ecdsa-sd-2023`
//! base/derived 0x5d00/0x5d01, `bbs-2023` 0x5d02/0x5d03).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ciborium::Value;

/// Multibase prefix of base64url without padding.
const BASE64URL: char = 'u';

/// Why a `proofValue` does not decode (kept short: it ends up in `MALFORMED_PROOF`).
pub(crate) type DecodeError = &'static str;

/// `u` + base64url(CBOR(tag(`tag`, `array`))).
pub(crate) fn encode(
    tag: u64,
    array: Value,
) -> Result<String, ciborium::ser::Error<std::io::Error>> {
    let mut bytes = Vec::new();
    ciborium::into_writer(&Value::Tag(tag, Box::new(array)), &mut bytes)?;
    let mut out = String::with_capacity(1 + bytes.len() * 4 / 3 + 2);
    out.push(BASE64URL);
    URL_SAFE_NO_PAD.encode_string(&bytes, &mut out);
    Ok(out)
}

/// The items of the CBOR array tagged `tag` in `proof_value`; `wrong` when it has another tag.
pub(crate) fn decode(
    proof_value: &str,
    tag: u64,
    wrong: DecodeError,
) -> Result<Vec<Value>, DecodeError> {
    let body = proof_value
        .strip_prefix(BASE64URL)
        .ok_or("proofValue is not base64url multibase ('u')")?;
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| "proofValue is not base64url")?;
    let header = [0xd9, (tag >> 8) as u8, tag as u8];
    if !bytes.starts_with(&header) {
        return Err(wrong);
    }
    let value: Value =
        ciborium::from_reader(bytes.as_slice()).map_err(|_| "proofValue is not CBOR")?;
    match value {
        Value::Tag(found, inner) if found == tag => match *inner {
            Value::Array(items) => Ok(items),
            _ => Err("proofValue is not a CBOR array"),
        },
        _ => Err(wrong),
    }
}

/// A byte string of exactly `len` bytes.
pub(crate) fn bytes(value: Value, len: usize, reason: DecodeError) -> Result<Vec<u8>, DecodeError> {
    match value {
        Value::Bytes(bytes) if bytes.len() == len => Ok(bytes),
        _ => Err(reason),
    }
}

/// An unsigned integer.
pub(crate) fn uint(value: Value) -> Result<u64, DecodeError> {
    match value {
        Value::Integer(int) => u64::try_from(int).map_err(|_| "indexes are unsigned integers"),
        _ => Err("indexes are unsigned integers"),
    }
}

/// An array of unsigned integers.
pub(crate) fn uint_array(value: Value) -> Result<Vec<u64>, DecodeError> {
    match value {
        Value::Array(items) => items.into_iter().map(uint).collect(),
        _ => Err("indexes are an array"),
    }
}

/// `values` as a CBOR array of unsigned integers.
pub(crate) fn uints(values: &[u64]) -> Value {
    Value::Array(values.iter().map(|&v| v.into()).collect())
}

/// JSON pointers as a CBOR array of text strings.
pub(crate) fn pointers(pointers: &[String]) -> Value {
    Value::Array(pointers.iter().map(|p| Value::Text(p.clone())).collect())
}

/// An array of text strings (JSON pointers).
pub(crate) fn text_array(value: Value) -> Result<Vec<String>, DecodeError> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Text(text) => Ok(text),
                _ => Err("mandatory pointers are strings"),
            })
            .collect(),
        _ => Err("mandatory pointers are an array"),
    }
}
