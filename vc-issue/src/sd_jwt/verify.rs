//! The verifier's side: an SD-JWT VC (or a presentation of one) checked whole: the issuer's
//! signature, every disclosure, the key binding JWT, the validity period and the status.

use std::sync::Arc;

use serde_json::{Map, Value};
use vc_core::did_key::DidKey;
use vc_core::{Clock, PublicKey, SystemClock};
use vc_status::{status_list_reference, TokenStatusList, DEFAULT_MAX_BYTES};

use crate::crypto::x509;
use crate::host_error::HostErrorKind;
use crate::sd_jwt::decode::{decode, FoundPath, SdJwtParts};
use crate::sd_jwt::disclosure::digest;
use crate::sd_jwt::issue::SD_JWT_VC_TYP;
use crate::sd_jwt::jws;
use crate::sd_jwt::present::KB_JWT_TYP;
use crate::sd_jwt::status_cwt::{read_status_list_cwt, VerifiedStatusListCwt};
use crate::sd_jwt::status_token::{StatusListTokenLoader, STATUS_LIST_JWT_TYP};
use crate::sd_jwt::SdJwtError;

/// The `typ` SD-JWT VC drafts before 09 used; still accepted, as the draft asks during the
/// transition.
const LEGACY_TYP: &str = "vc+sd-jwt";

/// An SD-JWT VC that verified.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedSdJwtVc {
    /// The issuer-signed JWT's header.
    pub header: Map<String, Value>,
    /// The claims with the presented disclosures put back (`iss`, `vct`, `cnf`, `status`, ...).
    pub claims: Map<String, Value>,
    /// Where each presented disclosure went.
    pub disclosed: Vec<FoundPath>,
    /// The key binding JWT's payload, when there was one (it verified).
    pub key_binding: Option<Map<String, Value>>,
    /// The status value read from the Status List Token (0: VALID), when the verifier has a
    /// loader and the credential a `status`.
    pub status: Option<u8>,
}

#[derive(Debug, Clone)]
struct IssuerKey {
    kid: Option<String>,
    key: PublicKey,
}

/// Verifies SD-JWT VCs of known issuer keys.
///
/// Keys: each [`issuer_key`](Self::issuer_key) (picked by the header's `kid` when it has one);
/// a `did:key` `kid` whose DID is the token's `iss` verifies with that key without configuration
/// (the key is the identifier). Status is checked when a [`StatusListTokenLoader`] is given and
/// the credential has a `status`; otherwise [`VerifiedSdJwtVc::status`] is `None`.
#[derive(Debug, Clone)]
pub struct SdJwtVcVerifier {
    keys: Vec<IssuerKey>,
    clock: Arc<dyn Clock>,
    leeway_secs: i64,
    key_binding: Option<(String, String)>,
    max_kb_age_secs: i64,
    status: Option<Arc<dyn StatusListTokenLoader>>,
    x5c_anchors: Vec<openssl::x509::X509>,
}

impl Default for SdJwtVcVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl SdJwtVcVerifier {
    /// A verifier with no keys yet, the system clock, 60 s of leeway, key binding optional.
    pub fn new() -> Self {
        Self {
            keys: Vec::new(),
            clock: Arc::new(SystemClock),
            leeway_secs: 60,
            key_binding: None,
            max_kb_age_secs: 300,
            status: None,
            x5c_anchors: Vec::new(),
        }
    }

    /// Trusts `key` of the issuer, under `kid` when given (then only a header with that `kid`
    /// picks it).
    pub fn issuer_key(mut self, kid: Option<&str>, key: PublicKey) -> Self {
        self.keys.push(IssuerKey {
            kid: kid.map(str::to_owned),
            key,
        });
        self
    }

    /// The clock for `exp`, `nbf`, `iat` and the key binding JWT's age.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Requires a key binding JWT with this `aud` and `nonce` (at most 5 minutes old).
    pub fn require_key_binding(
        mut self,
        audience: impl Into<String>,
        nonce: impl Into<String>,
    ) -> Self {
        self.key_binding = Some((audience.into(), nonce.into()));
        self
    }

    /// Checks status through `loader`.
    pub fn status_lists(mut self, loader: Arc<dyn StatusListTokenLoader>) -> Self {
        self.status = Some(loader);
        self
    }

    /// Trusts X.509 `certificate` (DER) as an anchor for `x5c` headers: then a JWS whose `x5c`
    /// chain leads to an anchor (checked at the verifier's clock; any certificate of the chain
    /// may be an anchor, a pinned leaf included) and whose leaf names the `iss` as a
    /// `uniformResourceIdentifier` SAN verifies with the leaf's key. Without anchors an `x5c` is
    /// still checked: its leaf's key must be the key that signs.
    pub fn x5c_trust_anchor(mut self, certificate: &[u8]) -> Result<Self, SdJwtError> {
        let anchor = x509::anchor(certificate).map_err(|reason| SdJwtError::X5c { reason })?;
        self.x5c_anchors.push(anchor);
        Ok(self)
    }

    /// The key that must have signed a JWS with `header`, issued by `iss`: from the `x5c` chain
    /// when it leads to a trust anchor, else a configured or `did:key` key (which an `x5c`, when
    /// present, must certify).
    fn signing_key(
        &self,
        header: &Map<String, Value>,
        iss: Option<&str>,
        now: i64,
    ) -> Result<PublicKey, SdJwtError> {
        let known = self.key_for(header, iss);
        let Some(x5c) = header.get("x5c") else {
            return known.ok_or(SdJwtError::InvalidSignature);
        };
        let bad = |reason| SdJwtError::X5c { reason };
        let chain = x509::Chain::from_header(x5c).map_err(bad)?;
        let leaf = chain.leaf_key().map_err(bad)?;
        if self.x5c_anchors.is_empty() {
            let known = known.ok_or(SdJwtError::InvalidSignature)?;
            if known != leaf {
                return Err(bad("the leaf certificate's key is not the key that signs"));
            }
            return Ok(known);
        }
        chain.verify(&self.x5c_anchors, now).map_err(bad)?;
        if !iss.is_some_and(|iss| chain.leaf_names(iss)) {
            return Err(bad("the leaf certificate does not name the iss"));
        }
        if known.is_some_and(|known| known != leaf) {
            return Err(bad("the leaf certificate's key is not the kid's"));
        }
        Ok(leaf)
    }

    /// The issuer key for a JWS with `header`, issued by `iss`.
    fn key_for(&self, header: &Map<String, Value>, iss: Option<&str>) -> Option<PublicKey> {
        let kid = header.get("kid").and_then(Value::as_str);
        if let Some(found) = self
            .keys
            .iter()
            .find(|k| k.kid.is_some() && k.kid.as_deref() == kid)
        {
            return Some(found.key.clone());
        }
        if let (Some(kid), Some(iss)) = (kid, iss) {
            if let Ok(did_key) = DidKey::parse(kid) {
                if did_key.did().as_str() == iss {
                    return PublicKey::new(did_key.key_type(), did_key.public_key()).ok();
                }
            }
        }
        let unnamed: Vec<_> = self.keys.iter().filter(|k| k.kid.is_none()).collect();
        match unnamed.as_slice() {
            [only] => Some(only.key.clone()),
            _ => None,
        }
    }

    /// Verifies `sd_jwt` (as issued, or a presentation with or without a key binding JWT).
    pub async fn verify(&self, sd_jwt: &str) -> Result<VerifiedSdJwtVc, SdJwtError> {
        let malformed = |reason| SdJwtError::Malformed { reason };
        let parts = SdJwtParts::parse(sd_jwt)?;
        let token = jws::read(parts.jwt, malformed)?;
        if !matches!(jws::typ(&token.header), Some(SD_JWT_VC_TYP | LEGACY_TYP)) {
            return Err(malformed("typ is not dc+sd-jwt"));
        }
        let iss = token.payload.get("iss").and_then(Value::as_str);
        let now = self.clock.now().unix_timestamp();
        let key = self.signing_key(&token.header, iss, now)?;
        if !jws::signature_valid(parts.jwt, &key) {
            return Err(SdJwtError::InvalidSignature);
        }
        let iss = iss.ok_or(malformed("iss is missing"))?;
        if !token.payload.get("vct").is_some_and(Value::is_string) {
            return Err(malformed("vct is missing"));
        }
        let decoded = decode(&token.payload, &parts.disclosures)?;
        self.check_validity(&decoded.claims, now)?;
        let key_binding = self.check_key_binding(&parts, &decoded.claims, now)?;
        let status = match (&self.status, decoded.claims.get("status")) {
            (Some(loader), Some(status)) => {
                Some(self.check_status(loader.as_ref(), status, iss, now).await?)
            }
            _ => None,
        };
        Ok(VerifiedSdJwtVc {
            header: token.header,
            claims: decoded.claims,
            disclosed: decoded.paths,
            key_binding,
            status,
        })
    }

    fn check_validity(&self, claims: &Map<String, Value>, now: i64) -> Result<(), SdJwtError> {
        let time = |name| -> Result<Option<i64>, SdJwtError> {
            match claims.get(name) {
                None => Ok(None),
                Some(v) => v.as_i64().map(Some).ok_or(SdJwtError::Malformed {
                    reason: "iat, nbf or exp is not an integer",
                }),
            }
        };
        if time("exp")?.is_some_and(|exp| now > exp.saturating_add(self.leeway_secs)) {
            return Err(SdJwtError::Expired);
        }
        for name in ["nbf", "iat"] {
            if time(name)?.is_some_and(|t| t > now.saturating_add(self.leeway_secs)) {
                return Err(SdJwtError::NotYetValid);
            }
        }
        Ok(())
    }

    fn check_key_binding(
        &self,
        parts: &SdJwtParts<'_>,
        claims: &Map<String, Value>,
        now: i64,
    ) -> Result<Option<Map<String, Value>>, SdJwtError> {
        let invalid = |reason| SdJwtError::KeyBindingInvalid { reason };
        let Some(kb_jwt) = parts.kb_jwt else {
            return match self.key_binding {
                Some(_) => Err(SdJwtError::KeyBindingMissing),
                None => Ok(None),
            };
        };
        let holder = claims
            .get("cnf")
            .and_then(|cnf| cnf.get("jwk"))
            .ok_or(invalid("the credential has no cnf.jwk"))?;
        let holder = PublicKey::from_jwk(holder).map_err(|_| invalid("cnf.jwk is not usable"))?;
        let kb = jws::read(kb_jwt, invalid)?;
        if jws::typ(&kb.header) != Some(KB_JWT_TYP) {
            return Err(invalid("typ is not kb+jwt"));
        }
        if !jws::signature_valid(kb_jwt, &holder) {
            return Err(invalid("the signature is not the cnf key's"));
        }
        if kb.payload.get("sd_hash").and_then(Value::as_str) != Some(&digest(parts.signed_part)) {
            return Err(invalid("sd_hash is not the digest of the presentation"));
        }
        let iat = kb
            .payload
            .get("iat")
            .and_then(Value::as_i64)
            .ok_or(invalid("iat is missing"))?;
        if iat > now.saturating_add(self.leeway_secs)
            || iat < now.saturating_sub(self.max_kb_age_secs + self.leeway_secs)
        {
            return Err(invalid("iat is in the future or too old"));
        }
        let text = |name| kb.payload.get(name).and_then(Value::as_str);
        let (Some(aud), Some(nonce)) = (text("aud"), text("nonce")) else {
            return Err(invalid("aud or nonce is missing"));
        };
        if let Some((want_aud, want_nonce)) = &self.key_binding {
            if aud != want_aud {
                return Err(SdJwtError::KeyBindingMismatch { claim: "aud" });
            }
            if nonce != want_nonce {
                return Err(SdJwtError::KeyBindingMismatch { claim: "nonce" });
            }
        }
        Ok(Some(kb.payload))
    }

    async fn check_status(
        &self,
        loader: &dyn StatusListTokenLoader,
        status: &Value,
        iss: &str,
        now: i64,
    ) -> Result<u8, SdJwtError> {
        let bad = |reason| SdJwtError::StatusListToken { reason };
        let (idx, uri) = status_list_reference(status)?;
        let token = loader.load(uri).await.map_err(|e| match e.kind() {
            HostErrorKind::NotFound => bad("the loader has no token for the uri"),
            _ => SdJwtError::unavailable(e),
        })?;
        let list_token = jws::read(&token, bad)?;
        if jws::typ(&list_token.header) != Some(STATUS_LIST_JWT_TYP) {
            return Err(bad("typ is not statuslist+jwt"));
        }
        let key = self.signing_key(&list_token.header, Some(iss), now)?;
        if !jws::signature_valid(&token, &key) {
            return Err(SdJwtError::InvalidSignature);
        }
        let claims = &list_token.payload;
        if claims.get("sub").and_then(Value::as_str) != Some(uri) {
            return Err(bad("sub is not the referenced uri"));
        }
        if claims
            .get("exp")
            .and_then(Value::as_i64)
            .is_some_and(|exp| now > exp.saturating_add(self.leeway_secs))
        {
            return Err(bad("the token expired"));
        }
        let list = claims
            .get("status_list")
            .ok_or(bad("status_list is missing"))?;
        let list = TokenStatusList::from_value(list, DEFAULT_MAX_BYTES)?;
        status_verdict(&list, idx)
    }

    /// Verifies a Status List Token CWT (`application/statuslist+cwt`, the binary body served at
    /// `uri`), the CWT twin of the JWT check [`verify`](Self::verify) makes for a credential's
    /// `status`: one `COSE_Sign1_Tagged` (tag 18, not the CWT tag 61), `typ` (16)
    /// `application/statuslist+cwt`, signed by a configured [`issuer_key`](Self::issuer_key)
    /// (the one whose `kid` is the header's `kid` bytes as UTF-8, else the only unnamed one; a
    /// `did:key` or `x5chain` is not trusted here, as no credential names the issuer), `sub` equal
    /// to `uri`, `exp` not passed (with the verifier's clock and leeway), and a well-formed
    /// `status_list`; then [`VerifiedStatusListCwt::check_status`] reads an entry.
    ///
    /// Codes: `STATUS_LIST_TOKEN_INVALID` for the token's structure and claims,
    /// `INVALID_SIGNATURE`, `TOKEN_STATUS_LIST_INVALID` / `STATUS_LIST_TOO_LARGE` for the list.
    pub fn verify_status_list_cwt(
        &self,
        cwt: &[u8],
        uri: &str,
    ) -> Result<VerifiedStatusListCwt, SdJwtError> {
        let token = read_status_list_cwt(cwt)?;
        let mut header = Map::new();
        if let Some(kid) = &token.kid {
            let kid = std::str::from_utf8(kid).map_err(|_| SdJwtError::InvalidSignature)?;
            header.insert("kid".into(), kid.into());
        }
        let key = self
            .key_for(&header, None)
            .ok_or(SdJwtError::InvalidSignature)?;
        token.verify(
            &key,
            uri,
            self.clock.now().unix_timestamp(),
            self.leeway_secs,
        )
    }
}

/// The verdict on entry `idx` of a verified Status List Token's list: VALID is `Ok(0)`, INVALID
/// and SUSPENDED their errors, another value `SD_JWT_STATUS_UNKNOWN`.
pub(crate) fn status_verdict(list: &TokenStatusList, idx: u64) -> Result<u8, SdJwtError> {
    match list.get(idx)? {
        0 => Ok(0),
        1 => Err(SdJwtError::Revoked),
        2 => Err(SdJwtError::Suspended),
        value => Err(SdJwtError::StatusOther { value }),
    }
}
