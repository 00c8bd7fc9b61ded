//! Base58 text of signatures (`proofValue`, `signatureValue`).
//!
//! Generic base58 is quadratic in the input: bs58 spends ~4 µs on a 64-byte Ed25519 or P-256
//! signature, a quarter of the signature itself. `five8` encodes and decodes exactly 64 bytes in
//! ~0.2 µs and produces the same text (checked against bs58 in the tests); other lengths keep
//! vc-core's generic path.

use vc_core::multibase;

/// The multibase prefix of base58btc.
const BASE58BTC: char = 'z';

/// `bytes` as base58btc multibase text (`z...`).
pub(crate) fn encode_multibase(bytes: &[u8]) -> String {
    match fixed_64(bytes) {
        Some(text) => {
            let mut out = String::with_capacity(1 + text.len());
            out.push(BASE58BTC);
            out.push_str(&text);
            out
        }
        None => multibase::encode_base58btc(bytes),
    }
}

/// Decodes base58btc multibase text (`z...`).
pub(crate) fn decode_multibase(text: &str) -> Result<Vec<u8>, vc_core::Error> {
    match text.strip_prefix(BASE58BTC).and_then(decode_fixed_64) {
        Some(bytes) => Ok(bytes),
        None => multibase::decode_base58btc(text),
    }
}

/// `bytes` as plain base58 (no multibase prefix).
pub(crate) fn encode_plain(bytes: &[u8]) -> String {
    fixed_64(bytes).unwrap_or_else(|| multibase::base58_encode(bytes))
}

/// Decodes plain base58 text.
pub(crate) fn decode_plain(text: &str) -> Result<Vec<u8>, vc_core::Error> {
    decode_fixed_64(text).map_or_else(|| multibase::base58_decode(text), Ok)
}

fn fixed_64(bytes: &[u8]) -> Option<String> {
    let bytes: &[u8; 64] = bytes.try_into().ok()?;
    let mut out = [0u8; 88];
    let len = usize::from(five8::encode_64(bytes, &mut out));
    let text = out.get(..len)?;
    std::str::from_utf8(text).ok().map(str::to_owned)
}

/// `None` for anything that is not exactly 64 bytes of valid base58, so that the generic decoder
/// produces the error (or the other length).
fn decode_fixed_64(text: &str) -> Option<Vec<u8>> {
    let mut out = [0u8; 64];
    five8::decode_64(text.as_bytes(), &mut out).ok()?;
    Some(out.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_generic_encoder_for_64_bytes_and_others() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for round in 0..2_000 {
            let len = if round % 4 == 0 { round % 97 } else { 64 };
            let mut bytes = vec![0u8; len];
            for b in &mut bytes {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            // Leading zero bytes are where base58 encoders usually differ.
            if round % 7 == 0 && !bytes.is_empty() {
                bytes[0] = 0;
            }
            let text = encode_multibase(&bytes);
            assert_eq!(text, multibase::encode_base58btc(&bytes), "round {round}");
            assert_eq!(decode_multibase(&text).unwrap(), bytes);
            let plain = encode_plain(&bytes);
            assert_eq!(plain, multibase::base58_encode(&bytes));
            assert_eq!(decode_plain(&plain).unwrap(), bytes);
        }
    }

    #[test]
    fn bad_text_gets_the_generic_error() {
        assert!(decode_multibase("z0OIl").is_err());
        assert!(decode_multibase("u1234").is_err());
        assert!(decode_plain("0OIl").is_err());
        assert!(decode_multibase("z").unwrap().is_empty());
    }
}
