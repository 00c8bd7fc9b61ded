//! The compact JWS pieces SD-JWT needs: signing through the async [`Signer`], reading a header and
//! payload strictly (parse limits, no duplicate keys), and checking a signature with josekit.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use vc_core::PublicKey;

use crate::sd_jwt::SdJwtError;

/// A compact JWS's header and payload, read without verifying anything.
pub(crate) struct Unverified {
    pub(crate) header: Map<String, Value>,
    pub(crate) payload: Map<String, Value>,
}

/// Reads the header and payload of `jws` (both must be JSON objects within the parse limits);
/// `bad` names the error for this kind of token.
pub(crate) fn read(
    jws: &str,
    bad: fn(&'static str) -> SdJwtError,
) -> Result<Unverified, SdJwtError> {
    let mut parts = jws.split('.');
    let (Some(header), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not a compact JWS"));
    };
    let object = |segment: &str| -> Result<Map<String, Value>, SdJwtError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(segment)
            .map_err(|_| bad("a JWS segment is not unpadded base64url"))?;
        match vc_core::parse::parse_value(&bytes, &vc_core::ParseLimits::default()) {
            Ok(Value::Object(object)) => Ok(object),
            _ => Err(bad(
                "a JWS segment is not a JSON object within the parse limits",
            )),
        }
    };
    Ok(Unverified {
        header: object(header)?,
        payload: object(payload)?,
    })
}

/// Whether `jws` carries a valid signature by `key` (its `alg` must be the key's).
pub(crate) fn signature_valid(jws: &str, key: &PublicKey) -> bool {
    crate::crypto::jwt::verifier(key)
        .map(|verifier| josekit::jws::deserialize_compact(jws, verifier.as_ref()).is_ok())
        .unwrap_or(false)
}

/// The `typ` of a header.
pub(crate) fn typ(header: &Map<String, Value>) -> Option<&str> {
    header.get("typ").and_then(Value::as_str)
}
