//! SD-JWT VCs (`dc+sd-jwt`, IETF SD-JWT VC over RFC 9901) and Token Status List tokens (feature
//! `sd-jwt`).
//!
//! - Issuing: [`Issuer::issue`](crate::Issuer::issue) with `"proofType": "dc+sd-jwt"` runs the
//!   same pipeline as every other format (issuer, schema, claims and holder checks, with their
//!   codes), then builds the SD-JWT VC: `iss` (the issuer DID), `iat` (the issuer's clock), `sub`
//!   (the holder's DID or other URL; none for a holder not named), `nbf`
//!   (the request's `validFrom`), `exp` (the request's `expirationDate`), `vct` (and `vct#integrity`) from the schema's
//!   [`SdJwtVcConfig`](crate::pipeline::schema::SdJwtVcConfig), `cnf.jwk` (the request's
//!   `holderJwk`, else a `did:key` holder's key; none otherwise), `status.status_list` (an entry of the issuer's
//!   Token Status List registry, [`IssuerBuilder::token_status_registry`](crate::IssuerBuilder::token_status_registry),
//!   when revocable), and the claims, the selectively disclosable ones (the schema's list,
//!   narrowed by the request's `selectivelyDisclosable`) as disclosures, recursively, with decoy
//!   digests, `_sd_alg` `sha-256` and 128-bit salts from the OS CSPRNG. Header `typ: dc+sd-jwt`,
//!   `kid` the verification method (or the host's [`JwtKeyHeader`]: its own `kid`, an `x5c`
//!   chain, also published at `/.well-known/jwt-vc-issuer`); signed through the async [`Signer`](crate::Signer) (EdDSA,
//!   ES256, ES384). The result is [`IssuedCredential::Jwt`](crate::IssuedCredential::Jwt) holding the
//!   compact `<JWT>~<disclosure>~...~`.
//! - Holding: [`present`] discloses a chosen subset, with a key binding JWT ([`KeyBinding`]).
//! - Verifying: [`SdJwtVcVerifier`]: the issuer's signature, every disclosure (a stray, tampered or
//!   repeated one is an error with a code), the key binding JWT, `exp`/`nbf`/`iat`, an `x5c`
//!   chain (to [`SdJwtVcVerifier::x5c_trust_anchor`]s, or against the key it knows), and the
//!   status through a [`StatusListTokenLoader`].
//! - Status: [`sign_status_list_token`] signs the claims of a Token Status List (from
//!   `vc_status`) as a `statuslist+jwt`; [`Issuer::status_list_token`](crate::Issuer::status_list_token)
//!   does it for the issuer's own lists, cached per list version. The CWT form
//!   (`application/statuslist+cwt`, a `COSE_Sign1_Tagged`, see [`sign_status_list_cwt`]) is
//!   signed from the same cached claims ([`Issuer::status_list_token_cwt`](crate::Issuer::status_list_token_cwt))
//!   and checked with [`SdJwtVcVerifier::verify_status_list_cwt`]. COSE structures through
//!   `coset` (Google's, used by Android's KeyMint), CBOR through `ciborium`.
//!
//! Written here rather than taken from a crate: `ssi-sd-jwt` turns on serde_json's
//! `arbitrary_precision` for the whole workspace, `sd-jwt-rs` signs only with in-memory
//! `jsonwebtoken` keys (no async signer, no KMS), and `sd-jwt-payload`'s decoder accepts a
//! disclosure presented twice and leaves `_sd` in an object whose disclosures were withheld.

mod claim_path;
mod conceal;
mod decode;
mod disclosure;
mod entropy;
mod error;
pub(crate) mod issue;
mod jws;
mod key_header;
mod present;
mod status_cwt;
mod status_token;
mod suite;
pub(crate) mod verify;

pub use crate::crypto::x509::MAX_X5C_CERTS;
pub use conceal::MAX_DECOYS;
pub use decode::{decode, Decoded, FoundPath, PathStep, SdJwtParts, MAX_DEPTH, MAX_SD_JWT_LEN};
pub use disclosure::{Disclosure, SALT_BYTES};
pub use error::SdJwtError;
pub use issue::SD_JWT_VC_TYP;
pub use key_header::JwtKeyHeader;
pub use present::{present, KeyBinding, KB_JWT_TYP};
pub use status_cwt::{
    sign_status_list_cwt, status_list_cwt_claims, VerifiedStatusListCwt, MAX_STATUS_LIST_CWT_LEN,
    STATUS_LIST_CWT_MEDIA_TYPE,
};
pub(crate) use status_token::StatusTokenCache;
pub use status_token::{
    sign_status_list_token, StaticStatusListTokens, StatusListTokenLoader,
    STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP,
};
pub use suite::SdJwtVcSuite;
pub use verify::{SdJwtVcVerifier, VerifiedSdJwtVc};
