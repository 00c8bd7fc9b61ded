//! Status List Tokens (draft-ietf-oauth-status-list, "Status List Token in CWT Format") as CWTs:
//! signing the claims `vc_status` builds, and reading and checking one as a relying party.
//!
//! The token is a `COSE_Sign1_Tagged` (tag 18) and is *not* wrapped in the CWT tag 61, which the
//! draft forbids. Protected header: `{1: alg, 16: "application/statuslist+cwt"}` (`alg` -7 ES256,
//! -35 ES384, -8 EdDSA, the signer's; an `x5chain` (33) too when the verification method has a
//! [`JwtKeyHeader`] with an `x5c`). Unprotected header: `{4: kid}`, the UTF-8 bytes of the `kid`
//! the JWT form carries. `kid` sits in the unprotected bucket as in the draft's example: RFC 9052
//! section 3.1 makes it a hint for finding the key, not a statement the signature must cover (a
//! changed `kid` can only pick another key, under which the signature fails), and keeping it
//! there makes our protected header the draft's byte for byte. `alg` and `typ` are protected:
//! RFC 9052 wants `alg` authenticated wherever it can be, and the draft puts `typ` in the
//! protected header; a verifier here refuses either in the unprotected one.
//!
//! Claims, mapped from the JSON claims the registry builds and caches (one source of truth), in
//! their order: `2` sub, `1` iss (when the registry has an issuer), `6` iat, `4` exp (with a
//! validity), `65534` ttl (with a ttl), `65533` the CBOR `status_list`, whose `lst` is the same
//! ZLIB stream as the JSON one's. A JSON claim without a CWT mapping is refused, never dropped.
//!
//! ECDSA signatures are `r || s`, as in JWS (RFC 9053 section 2.1), through the async
//! [`Signer`].

use ciborium::Value as Cbor;
use coset::iana::{self, EnumI64 as _};
use coset::{
    CborSerializable as _, CoseSign1, CoseSign1Builder, HeaderBuilder, Label,
    RegisteredLabelWithPrivate, TaggedCborSerializable as _,
};
use serde_json::Value;
use vc_core::{DidUrl, PublicKey};
use vc_status::{status_list_cbor_from_json, TokenStatusList, DEFAULT_MAX_BYTES};

use crate::crypto::signer::{SignatureAlgorithm, Signer};
use crate::error::IssueError;
use crate::sd_jwt::{JwtKeyHeader, SdJwtError};

/// The media type a Status List Token CWT is served with, and its `typ` (header 16).
pub const STATUS_LIST_CWT_MEDIA_TYPE: &str = "application/statuslist+cwt";

/// The largest Status List Token CWT that
/// [`SdJwtVcVerifier::verify_status_list_cwt`](crate::sd_jwt::SdJwtVcVerifier::verify_status_list_cwt)
/// decodes: the largest list (`DEFAULT_MAX_BYTES` uncompressed, which a ZLIB stream never much
/// exceeds) and room for the claims and headers; larger input is refused before decoding.
pub const MAX_STATUS_LIST_CWT_LEN: usize = DEFAULT_MAX_BYTES + 128 * 1024;

const HEADER_TYP: i64 = 16;
const HEADER_X5CHAIN: i64 = 33;
const CLAIM_ISS: i64 = 1;
const CLAIM_SUB: i64 = 2;
const CLAIM_EXP: i64 = 4;
const CLAIM_IAT: i64 = 6;
const CLAIM_STATUS_LIST: i64 = 65533;
const CLAIM_TTL: i64 = 65534;
/// The CWT tag (RFC 8392 section 6), encoded: `d8 3d`.
const CWT_TAG_PREFIX: [u8; 2] = [0xd8, 0x3d];

fn internal(context: &'static str) -> IssueError {
    IssueError::Internal {
        context,
        source: None,
    }
}

/// The COSE algorithm of `algorithm` (the fully specified ESP256/ESP384/Ed25519 are accepted when
/// reading; the draft's and most libraries' names are written).
fn cose_algorithm(algorithm: SignatureAlgorithm) -> Option<iana::Algorithm> {
    match algorithm {
        SignatureAlgorithm::Ed25519 => Some(iana::Algorithm::EdDSA),
        SignatureAlgorithm::EcdsaP256Sha256 => Some(iana::Algorithm::ES256),
        SignatureAlgorithm::EcdsaP384Sha384 => Some(iana::Algorithm::ES384),
        _ => None,
    }
}

fn encode(value: &Cbor) -> Result<Vec<u8>, IssueError> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out)
        .map_err(|_| internal("the Status List Token CWT claims do not encode"))?;
    Ok(out)
}

/// The CWT Claims Set (CBOR) of the Status List Token JSON `claims` (as
/// [`StatusRegistry::list_credential`](vc_status::StatusRegistry::list_credential) of a Token
/// Status List registry hands them out): `sub`, `iss`, `iat`, `exp`, `ttl`, `status_list`, each
/// checked for its type; any other claim is refused.
pub fn status_list_cwt_claims(claims: &Value) -> Result<Vec<u8>, IssueError> {
    let object = claims
        .as_object()
        .ok_or(internal("the Status List Token claims are not an object"))?;
    let text = |name: &str| -> Result<Option<Cbor>, IssueError> {
        object
            .get(name)
            .map(|v| {
                v.as_str().map(|s| Cbor::Text(s.to_owned())).ok_or(internal(
                    "sub or iss of the Status List Token is not a string",
                ))
            })
            .transpose()
    };
    let int = |name: &str| -> Result<Option<Cbor>, IssueError> {
        object
            .get(name)
            .map(|v| {
                v.as_i64().map(|i| Cbor::Integer(i.into())).ok_or(internal(
                    "iat or exp of the Status List Token is not an integer",
                ))
            })
            .transpose()
    };
    let ttl = object
        .get("ttl")
        .map(|v| {
            v.as_u64()
                .filter(|&t| t > 0)
                .map(|t| Cbor::Integer(t.into()))
                .ok_or(internal(
                    "ttl of the Status List Token is not a positive integer",
                ))
        })
        .transpose()?;
    let status_list = object
        .get("status_list")
        .ok_or(internal("the Status List Token claims have no status_list"))?;
    let status_list =
        status_list_cbor_from_json(status_list).map_err(|e| IssueError::Internal {
            context: "the status_list of the Status List Token claims",
            source: Some(std::sync::Arc::new(e)),
        })?;
    let status_list: Cbor = ciborium::de::from_reader(status_list.as_slice())
        .map_err(|_| internal("the CBOR status_list does not decode"))?;
    let known = ["sub", "iss", "iat", "exp", "ttl", "status_list"];
    if object.keys().any(|k| !known.contains(&k.as_str())) {
        return Err(internal(
            "the Status List Token claims hold a claim without a CWT mapping",
        ));
    }
    let sub = text("sub")?.ok_or(internal("the Status List Token claims have no sub"))?;
    let iat = int("iat")?.ok_or(internal("the Status List Token claims have no iat"))?;
    let mut map = vec![(Cbor::Integer(CLAIM_SUB.into()), sub)];
    let optional = [
        (CLAIM_ISS, text("iss")?),
        (CLAIM_IAT, Some(iat)),
        (CLAIM_EXP, int("exp")?),
        (CLAIM_TTL, ttl),
        (CLAIM_STATUS_LIST, Some(status_list)),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            map.push((Cbor::Integer(key.into()), value));
        }
    }
    encode(&Cbor::Map(map))
}

/// Signs Status List Token `claims` (JSON, from
/// [`StatusRegistry::list_credential`](vc_status::StatusRegistry::list_credential) of a
/// [`TokenStatusList`](vc_status::ListFormat::TokenStatusList) registry) as a CWT
/// (`COSE_Sign1_Tagged`, `typ` `application/statuslist+cwt`) through the async `signer`; the
/// `kid` as `key_header` says (the verification method otherwise), as for the JWT form.
pub async fn sign_status_list_cwt(
    claims: &Value,
    verification_method: &DidUrl,
    key_header: Option<&JwtKeyHeader>,
    signer: &dyn Signer,
) -> Result<Vec<u8>, IssueError> {
    let payload = status_list_cwt_claims(claims)?;
    let alg = cose_algorithm(signer.algorithm()).ok_or(internal(
        "the Status List Token key signs with an algorithm COSE has no name for here",
    ))?;
    // The JWT form's header, whose kid (and x5c) the CWT carries too.
    let mut jose = serde_json::Map::new();
    JwtKeyHeader::apply(
        key_header,
        verification_method,
        signer.public_key(),
        &mut jose,
    )?;
    let kid = jose
        .get("kid")
        .and_then(Value::as_str)
        .ok_or(internal("the Status List Token key has no kid"))?;
    let mut protected = HeaderBuilder::new().algorithm(alg).value(
        HEADER_TYP,
        Cbor::Text(STATUS_LIST_CWT_MEDIA_TYPE.to_owned()),
    );
    if let Some(x5c) = jose.get("x5c").and_then(Value::as_array) {
        let chain = x5c
            .iter()
            .map(|cert| {
                cert.as_str()
                    .and_then(|b64| {
                        use base64::Engine as _;
                        base64::engine::general_purpose::STANDARD.decode(b64).ok()
                    })
                    .map(Cbor::Bytes)
                    .ok_or(internal("an x5c certificate is not base64"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // RFC 9360: one certificate is a bare bstr, several an array, leaf first.
        let chain = match <[Cbor; 1]>::try_from(chain) {
            Ok([leaf]) => leaf,
            Err(chain) => Cbor::Array(chain),
        };
        protected = protected.value(HEADER_X5CHAIN, chain);
    }
    let unprotected = HeaderBuilder::new().key_id(kid.as_bytes().to_vec());
    let mut sign1 = CoseSign1Builder::new()
        .protected(protected.build())
        .unprotected(unprotected.build())
        .payload(payload)
        .build();
    let to_be_signed = sign1.tbs_data(&[]);
    sign1.signature = signer
        .sign(&to_be_signed)
        .await
        .map_err(IssueError::signing)?;
    sign1
        .to_tagged_vec()
        .map_err(|_| internal("the Status List Token CWT does not encode"))
}

/// A Status List Token CWT whose signature, `typ`, `sub` and `exp` checked out.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedStatusListCwt {
    /// The unprotected `kid` (4), if any.
    pub kid: Option<Vec<u8>>,
    /// `sub` (2): the URI the token was fetched from.
    pub sub: String,
    /// `iss` (1), if present.
    pub iss: Option<String>,
    /// `iat` (6).
    pub iat: i64,
    /// `exp` (4), if present.
    pub exp: Option<i64>,
    /// `ttl` (65534) in seconds, if present.
    pub ttl: Option<u64>,
    /// The status list (65533).
    pub list: TokenStatusList,
}

impl VerifiedStatusListCwt {
    /// The status of entry `idx`, as the SD-JWT VC verifier reads it: `Ok(0)` VALID,
    /// `SD_JWT_REVOKED`, `SD_JWT_SUSPENDED`, `SD_JWT_STATUS_UNKNOWN` for another value,
    /// `RANGE_ERROR` outside the list.
    pub fn check_status(&self, idx: u64) -> Result<u8, SdJwtError> {
        crate::sd_jwt::verify::status_verdict(&self.list, idx)
    }
}

/// A Status List Token CWT parsed, not yet verified: its `COSE_Sign1`, the algorithm, the
/// unprotected `kid` and the claims.
#[derive(Debug)]
pub(crate) struct UnverifiedStatusListCwt {
    sign1: CoseSign1,
    algorithm: SignatureAlgorithm,
    pub(crate) kid: Option<Vec<u8>>,
    claims: Vec<(Cbor, Cbor)>,
}

/// Reads `cwt` strictly: one `COSE_Sign1_Tagged` (tag 18, not wrapped in the CWT tag 61), no
/// bytes after it, headers without duplicates (coset refuses them) or `crit`, `alg` and `typ`
/// protected and not repeated unprotected, `typ` `application/statuslist+cwt`, an attached
/// payload that is a CBOR map.
pub(crate) fn read_status_list_cwt(cwt: &[u8]) -> Result<UnverifiedStatusListCwt, SdJwtError> {
    let bad = |reason| SdJwtError::StatusListToken { reason };
    if cwt.len() > MAX_STATUS_LIST_CWT_LEN {
        return Err(bad("the CWT is larger than any status list it may carry"));
    }
    if cwt.starts_with(&CWT_TAG_PREFIX) {
        return Err(bad(
            "the CWT is tagged as a CWT (61), which the draft forbids",
        ));
    }
    let sign1 =
        CoseSign1::from_tagged_slice(cwt).map_err(|_| bad("not one COSE_Sign1_Tagged (tag 18)"))?;
    let protected = &sign1.protected.header;
    let unprotected = &sign1.unprotected;
    if !protected.crit.is_empty() || !unprotected.crit.is_empty() {
        return Err(bad(
            "the CWT names critical headers this verifier does not process",
        ));
    }
    let typ_label = Label::Int(HEADER_TYP);
    if unprotected.alg.is_some() || unprotected.rest.iter().any(|(l, _)| *l == typ_label) {
        return Err(bad("alg or typ is in the unprotected header"));
    }
    let typ = protected
        .rest
        .iter()
        .find(|(l, _)| *l == typ_label)
        .map(|(_, v)| v);
    if !matches!(typ, Some(Cbor::Text(t)) if t == STATUS_LIST_CWT_MEDIA_TYPE) {
        return Err(bad("typ (16) is not application/statuslist+cwt"));
    }
    let algorithm = match &protected.alg {
        Some(RegisteredLabelWithPrivate::Assigned(alg)) => match alg.to_i64() {
            -7 | -9 => SignatureAlgorithm::EcdsaP256Sha256,
            -35 | -51 => SignatureAlgorithm::EcdsaP384Sha384,
            -8 | -19 => SignatureAlgorithm::Ed25519,
            _ => return Err(bad("alg is not ES256, ES384 or EdDSA")),
        },
        _ => return Err(bad("alg is missing or not ES256, ES384 or EdDSA")),
    };
    if !protected.key_id.is_empty() && !unprotected.key_id.is_empty() {
        return Err(bad("kid is in both headers"));
    }
    let kid = [&protected.key_id, &unprotected.key_id]
        .into_iter()
        .find(|k| !k.is_empty())
        .cloned();
    let payload = sign1
        .payload
        .as_deref()
        .ok_or(bad("the CWT has a detached payload"))?;
    let claims = match Cbor::from_slice(payload) {
        Ok(Cbor::Map(claims)) => claims,
        _ => return Err(bad("the CWT payload is not one CBOR map")),
    };
    Ok(UnverifiedStatusListCwt {
        sign1,
        algorithm,
        kid,
        claims,
    })
}

impl UnverifiedStatusListCwt {
    /// Checks the signature with `key` (its type must be the `alg`'s), then the claims: `sub`
    /// the referenced `uri`, `iat` present, `exp` (when present) not before `now - leeway`,
    /// `ttl` positive, the `status_list`. Other claims are allowed, as the draft says; a repeated
    /// claim is not.
    pub(crate) fn verify(
        self,
        key: &PublicKey,
        uri: &str,
        now: i64,
        leeway_secs: i64,
    ) -> Result<VerifiedStatusListCwt, SdJwtError> {
        let bad = |reason| SdJwtError::StatusListToken { reason };
        if key.key_type() != self.algorithm.key_type() {
            return Err(SdJwtError::InvalidSignature);
        }
        self.sign1
            .verify_signature(&[], |signature, data| {
                crate::crypto::verify::verify_signature(key, data, signature)
            })
            .map_err(|_| SdJwtError::InvalidSignature)?;
        let (mut sub, mut iss, mut iat, mut exp, mut ttl, mut list) =
            (None, None, None, None, None, None);
        let mut seen = std::collections::BTreeSet::new();
        let mut seen_text = std::collections::BTreeSet::new();
        for (key, value) in self.claims {
            let label = match key {
                Cbor::Integer(i) => i128::from(i),
                // A claim of another specification: allowed, once.
                Cbor::Text(name) => {
                    if !seen_text.insert(name) {
                        return Err(bad("a CWT claim appears twice"));
                    }
                    continue;
                }
                _ => return Err(bad("a CWT claim key is neither an integer nor text")),
            };
            if !seen.insert(label) {
                return Err(bad("a CWT claim appears twice"));
            }
            let int = |v: &Cbor| match v {
                Cbor::Integer(i) => i64::try_from(*i).ok(),
                _ => None,
            };
            match i64::try_from(label) {
                Ok(CLAIM_SUB) => match value {
                    Cbor::Text(t) => sub = Some(t),
                    _ => return Err(bad("sub (2) is not a text string")),
                },
                Ok(CLAIM_ISS) => match value {
                    Cbor::Text(t) => iss = Some(t),
                    _ => return Err(bad("iss (1) is not a text string")),
                },
                Ok(CLAIM_IAT) => iat = Some(int(&value).ok_or(bad("iat (6) is not an integer"))?),
                Ok(CLAIM_EXP) => exp = Some(int(&value).ok_or(bad("exp (4) is not an integer"))?),
                Ok(CLAIM_TTL) => {
                    ttl = Some(
                        int(&value)
                            .and_then(|t| u64::try_from(t).ok())
                            .filter(|&t| t > 0)
                            .ok_or(bad("ttl (65534) is not a positive integer"))?,
                    );
                }
                Ok(CLAIM_STATUS_LIST) => {
                    let bytes = ciborium_bytes(&value).map_err(bad)?;
                    list = Some(TokenStatusList::from_cbor(&bytes, DEFAULT_MAX_BYTES)?);
                }
                _ => {}
            }
        }
        let sub = sub.ok_or(bad("sub (2) is missing"))?;
        if sub != uri {
            return Err(bad("sub is not the referenced uri"));
        }
        let iat = iat.ok_or(bad("iat (6) is missing"))?;
        if exp.is_some_and(|exp| now > exp.saturating_add(leeway_secs)) {
            return Err(bad("the token expired"));
        }
        Ok(VerifiedStatusListCwt {
            kid: self.kid,
            sub,
            iss,
            iat,
            exp,
            ttl,
            list: list.ok_or(bad("status_list (65533) is missing"))?,
        })
    }
}

/// The encoding of a decoded CBOR `value` (the status list claim, handed to vc-status's strict
/// decoder as bytes).
fn ciborium_bytes(value: &Cbor) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).map_err(|_| "status_list does not re-encode")?;
    Ok(out)
}
