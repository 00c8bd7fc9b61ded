//! DPoP (RFC 9449): access tokens bound to a key the wallet proves it holds at every request,
//! so that a leaked token is worthless. On by configuration
//! ([`Oid4vciIssuerBuilder::dpop`](super::Oid4vciIssuerBuilder::dpop)).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use vc_core::PublicKey;

use super::error::Oid4vciError;
use super::proof::{check_issued_at, open, KeyNames, Opened};

/// The `typ` of a DPoP proof.
pub const DPOP_TYP: &str = "dpop+jwt";

/// The longest `jti` accepted: a random identifier needs no more.
const MAX_JTI_LEN: usize = 256;

/// A DPoP proof that verified for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DpopProof {
    /// The JWK SHA-256 thumbprint (RFC 7638) of its key: what a token is bound to (`jkt`).
    pub(crate) jkt: String,
    /// Its unique identifier, used once.
    pub(crate) jti: String,
    /// The server's nonce it carries (RFC 9449 §8), if any.
    pub(crate) nonce: Option<String>,
}

/// Verifies `jwt` as the DPoP proof of a `method` request to `url` at `now` (`iat` no older than
/// `max_age`), for `access_token` (its `ath`) at a resource endpoint. Errors are
/// `invalid_dpop_proof`.
pub(crate) fn verify(
    jwt: &str,
    method: &str,
    url: &str,
    access_token: Option<&str>,
    now: OffsetDateTime,
    max_age: time::Duration,
) -> Result<DpopProof, Oid4vciError> {
    let Opened { key, claims, .. } = open(jwt, DPOP_TYP, KeyNames::Jwk).map_err(as_dpop)?;
    let claim = |name: &str| claims.get(name).and_then(Value::as_str);
    if claim("htm") != Some(method) {
        return Err(Oid4vciError::invalid_dpop_proof(
            "htm is not the request's method",
        ));
    }
    if claim("htu") != Some(url) {
        return Err(Oid4vciError::invalid_dpop_proof(
            "htu is not the request's URL",
        ));
    }
    check_issued_at(&claims, now, max_age).map_err(as_dpop)?;
    let jti = claim("jti")
        .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI_LEN)
        .ok_or_else(|| Oid4vciError::invalid_dpop_proof("jti is missing or too long"))?;
    if let Some(token) = access_token {
        let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()));
        if claim("ath") != Some(ath.as_str()) {
            return Err(Oid4vciError::invalid_dpop_proof(
                "ath is not the hash of the access token",
            ));
        }
    }
    Ok(DpopProof {
        jkt: thumbprint(&key)?,
        jti: jti.to_owned(),
        nonce: claim("nonce").map(str::to_owned),
    })
}

fn as_dpop(error: Oid4vciError) -> Oid4vciError {
    match error {
        Oid4vciError::InvalidProof { reason } => Oid4vciError::InvalidDpopProof { reason },
        other => other,
    }
}

/// The JWK SHA-256 thumbprint of `key` (RFC 7638: the required members, sorted, no spaces).
pub(crate) fn thumbprint(key: &PublicKey) -> Result<String, Oid4vciError> {
    let jwk = crate::crypto::jwt::public_jwk(key)
        .map_err(|_| Oid4vciError::invalid_dpop_proof("the key has no JWK form"))?;
    let required: &[&str] = match jwk.key_type() {
        "OKP" => &["crv", "kty", "x"],
        _ => &["crv", "kty", "x", "y"],
    };
    let mut members = Map::new();
    for name in required {
        let value = jwk
            .parameter(name)
            .cloned()
            .ok_or_else(|| Oid4vciError::invalid_dpop_proof("the key's JWK is incomplete"))?;
        members.insert((*name).to_owned(), value);
    }
    // The map keeps insertion order (`preserve_order`): the members went in sorted, as RFC 7638
    // asks.
    let canonical = Value::Object(members).to_string();
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thumbprint_is_rfc_7638s() {
        // RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key.
        let key = PublicKey::from_jwk(&serde_json::json!({
            "kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        }))
        .unwrap();
        assert_eq!(
            thumbprint(&key).unwrap(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }
}
