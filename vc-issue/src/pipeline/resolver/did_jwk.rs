//! `did:jwk` resolution: the DID is a base64url-encoded public JWK, and its document is derived
//! from it (the did:jwk method specification), without I/O.

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use vc_core::parse::{parse_value, ParseLimits};
use vc_core::{Did, DidDocument};

use super::{DidResolver, ResolvedDid};
use crate::host_error::HostError;

/// The longest method-specific id decoded: a public JWK of any key type this workspace signs or
/// verifies is far smaller, and a DID is not a place for megabytes.
const MAX_ENCODED_LEN: usize = 4096;

/// The JWK members that are private key material (RFC 7518 section 6): a DID that carries one is
/// refused rather than published.
const PRIVATE_MEMBERS: &[&str] = &["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Resolves `did:jwk` DIDs without I/O; any other method, and a `did:jwk` whose value is not a
/// base64url-encoded JSON object with a `kty` and no private members, is "not found".
///
/// The document is the method's: one `JsonWebKey2020` verification method `#0` holding the JWK,
/// referenced from every relationship, except that a JWK with `"use": "sig"` gets no
/// `keyAgreement` and one with `"use": "enc"` gets only `keyAgreement`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DidJwkResolver;

impl DidJwkResolver {
    /// The `did:jwk` of a public JWK (its members in the order given, no padding).
    pub fn did_of(jwk: &Map<String, Value>) -> Option<Did> {
        let text = serde_json::to_string(jwk).ok()?;
        Did::parse(&format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(text))).ok()
    }

    /// Resolves synchronously (`did:jwk` never needs I/O).
    pub fn resolve_now(did: &Did) -> Option<ResolvedDid> {
        if did.method() != "jwk" {
            return None;
        }
        let jwk = decode(did.method_specific_id())?;
        Some(ResolvedDid::active(document(did.as_str(), jwk)?))
    }
}

fn decode(encoded: &str) -> Option<Map<String, Value>> {
    if encoded.len() > MAX_ENCODED_LEN {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
    // Duplicate keys refused: the DID must mean one key.
    let Value::Object(jwk) = parse_value(&bytes, &ParseLimits::default()).ok()? else {
        return None;
    };
    let public = jwk.get("kty").is_some_and(Value::is_string)
        && !PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m));
    public.then_some(jwk)
}

fn document(did: &str, jwk: Map<String, Value>) -> Option<DidDocument> {
    let method = format!("{did}#0");
    let usage = jwk.get("use").and_then(Value::as_str).map(str::to_owned);
    let (signing, agreement) = match usage.as_deref() {
        Some("sig") => (true, false),
        Some("enc") => (false, true),
        _ => (true, true),
    };
    let reference = || json!([method]);
    let mut value = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
        "id": did,
        "verificationMethod": [{
            "id": method,
            "type": "JsonWebKey2020",
            "controller": did,
            "publicKeyJwk": jwk,
        }],
    });
    let map = value.as_object_mut()?;
    if signing {
        for relationship in [
            "assertionMethod",
            "authentication",
            "capabilityInvocation",
            "capabilityDelegation",
        ] {
            map.insert(relationship.into(), reference());
        }
    }
    if agreement {
        map.insert("keyAgreement".into(), reference());
    }
    DidDocument::from_value(value).ok()
}

#[async_trait]
impl DidResolver for DidJwkResolver {
    async fn resolve(&self, did: &Did) -> Result<Option<ResolvedDid>, HostError> {
        Ok(Self::resolve_now(did))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn the_document_follows_the_method_and_the_key_use() {
        let key = jwk(json!({"kty": "OKP", "crv": "Ed25519",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}));
        let did = DidJwkResolver::did_of(&key).unwrap_or_else(|| Did::parse("did:x:y").unwrap());
        let doc = DidJwkResolver::resolve_now(&did).unwrap().document;
        assert_eq!(doc.id, did.as_str());
        assert_eq!(doc.assertion_methods().len(), 1);
        assert_eq!(doc.key_agreement.len(), 1);
        let method = &doc.verification_method[0];
        assert_eq!(method.id, format!("{did}#0"));
        assert_eq!(
            method.public_key_jwk.as_ref(),
            Some(&Value::Object(key.clone()))
        );
        assert!(method.public_key().is_ok());

        let mut sig = key.clone();
        sig.insert("use".into(), json!("sig"));
        let did = DidJwkResolver::did_of(&sig).unwrap_or_else(|| Did::parse("did:x:y").unwrap());
        let doc = DidJwkResolver::resolve_now(&did).unwrap().document;
        assert!(doc.key_agreement.is_empty() && !doc.assertion_method.is_empty());

        let mut enc = key;
        enc.insert("use".into(), json!("enc"));
        let did = DidJwkResolver::did_of(&enc).unwrap_or_else(|| Did::parse("did:x:y").unwrap());
        let doc = DidJwkResolver::resolve_now(&did).unwrap().document;
        assert!(doc.assertion_method.is_empty() && doc.key_agreement.len() == 1);
    }

    #[test]
    fn private_keys_and_garbage_are_not_found() {
        let private = jwk(json!({"kty": "OKP", "crv": "Ed25519", "x": "AA", "d": "AA"}));
        let did =
            DidJwkResolver::did_of(&private).unwrap_or_else(|| Did::parse("did:x:y").unwrap());
        assert!(DidJwkResolver::resolve_now(&did).is_none());
        let no_kty = jwk(json!({"crv": "Ed25519", "x": "AA"}));
        let did = DidJwkResolver::did_of(&no_kty).unwrap_or_else(|| Did::parse("did:x:y").unwrap());
        assert!(DidJwkResolver::resolve_now(&did).is_none());
        for bad in [
            "did:jwk:!!!",
            "did:jwk:WzFd",             // [1]
            "did:jwk:eyJrdHkiOiJPS1Ai", // cut JSON
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        ] {
            if let Ok(did) = Did::parse(bad) {
                assert!(DidJwkResolver::resolve_now(&did).is_none(), "{bad}");
            }
        }
        let long = format!("did:jwk:{}", "A".repeat(MAX_ENCODED_LEN + 4));
        if let Ok(did) = Did::parse(&long) {
            assert!(DidJwkResolver::resolve_now(&did).is_none());
        }
    }
}
