//! OpenID for Verifiable Credential Issuance 1.0 (feature `oid4vci`): the issuer the EUDI
//! Wallet, credo and the OpenWallet Foundation's libraries talk to, over the same pipeline,
//! schema registry and approval queue as every other path.
//!
//! A schema of the registry in a format is a [`CredentialConfiguration`]; an [`Oid4vciIssuer`]
//! serves its metadata, makes [`CredentialOffer`]s with a pre-authorized code (and an optional
//! [`TxCode`]) or for the authorization code flow, and answers the authorization, token, nonce,
//! credential, deferred credential and notification endpoints; `http::oid4vci_routes` puts
//! them on HTTP.
//!
//! ```
//! use std::sync::Arc;
//! use serde_json::json;
//! use vc_issue::oid4vci::{CredentialConfiguration, CredentialFormat, OfferRequest, Oid4vciIssuer, TxCode};
//! # use vc_issue::{Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry,
//! #     Issuer, ProofType, SchemaEntry};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let key = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
//! # let keys = Arc::new(InMemoryKeyStore::new());
//! # keys.insert(key.verification_method_id(), key.clone());
//! # let schemas = Arc::new(InMemorySchemaRegistry::new());
//! # schemas.insert(SchemaEntry::new("degree", json!({"type": "object"}),
//! #     vec!["UniversityDegreeCredential".into()],
//! #     vec!["https://www.w3.org/ns/credentials/examples/v2".into()]));
//! # let issuer = Issuer::builder().resolver(Arc::new(InMemoryDidRegistry::new()))
//! #     .schemas(schemas).keys(keys).build()?;
//! let oid4vci = Oid4vciIssuer::builder()
//!     .issuer(issuer)
//!     .issuer_did(key.did())
//!     .credential_issuer("https://university.example")
//!     .configuration(CredentialConfiguration::new(
//!         "degree_ldp", "degree", CredentialFormat::LdpVc(ProofType::EddsaRdfc2022)))
//!     .build()?;
//!
//! let claims = json!({"degree": {"name": "BSc"}}).as_object().cloned().unwrap_or_default();
//! let offer = oid4vci
//!     .create_offer(OfferRequest::new().credential("degree_ldp", claims).tx_code(TxCode::numeric(6)))
//!     .await?;
//! assert!(offer.uri().starts_with("openid-credential-offer://?credential_offer="));
//! assert_eq!(offer.tx_code().map(str::len), Some(6)); // to send the student by e-mail
//! let svg = offer.qr_svg()?;
//! # let _ = svg;
//! # Ok(()) }
//! ```
//!
//! # Security
//! - Pre-authorized codes, access tokens, `c_nonce`s, transaction and notification ids are 256
//!   bits from the operating system's CSPRNG; stores keep only their SHA-256 digests (a
//!   `tx_code` as a digest bound to its code). An offer served by reference carries its code,
//!   so it is stored until fetched once, then deleted.
//! - Codes and nonces are redeemed by one atomic take (`DELETE ... RETURNING` in SQL): of
//!   concurrent requests, on any number of processes sharing the database, one wins.
//! - A wrong `tx_code` costs an attempt; the last one removes the code. An unknown, a used, an
//!   expired code and a wrong `tx_code` all answer `invalid_grant`.
//! - A key proof must be `typ` `openid4vci-proof+jwt`, ES256, ES384 or EdDSA (fitting its key),
//!   for this issuer (`aud`), recent (`iat`), with a fresh `c_nonce`; its key is named by
//!   exactly one of a `jwk` (bound as its `did:key`), a `did:key`/`did:jwk` `kid`, or an `x5c`
//!   chain that leads, valid at the issuer's clock, to a trust anchor the host configured
//!   (`Oid4vciIssuerBuilder::x5c_trust_anchor`; without anchors `x5c` is refused), whose leaf
//!   certifies the key (Ed25519, P-256, P-384; bound as a `jwk` is). Each proof of a batch has
//!   its own key and credential. A refused proof uses neither the `c_nonce` nor the token.
//! - DPoP (RFC 9449), required with `Oid4vciIssuerBuilder::dpop`: the token is bound to the key
//!   of the token request's proof, and every later request proves it again (`htm`, `htu`,
//!   `ath`, a `jti` used once). With `Oid4vciIssuerBuilder::dpop_nonces` every proof carries a
//!   nonce of this server (`use_dpop_nonce` and a `DPoP-Nonce` header otherwise); nonces expire
//!   and are replaced at half their life.
//! - The authorization code flow (with `Oid4vciIssuerBuilder::authenticator` and registered
//!   [`OAuthClient`]s): `redirect_uri` matched exactly, or the browser is shown the error
//!   instead of being redirected; PKCE with S256 only; the host's [`UserAuthenticator`] decides
//!   who the user is and what they receive. Codes live a minute, are stored as digests with a
//!   check binding them to the client, the redirect URI and the PKCE challenge, and are taken
//!   on the first attempt, right or wrong.
//! - Tokens of the host's own OAuth server (`Oid4vciIssuerBuilder::access_tokens`): an
//!   [`AccessTokenVerifier`] vouches for them ([`JwtAccessTokens`]: RFC 9068 JWTs checked
//!   against the server's JWKS, `iss`, `aud`, `exp`, `cnf.jkt`; [`IntrospectionAccessTokens`]:
//!   opaque tokens asked about at the server's RFC 7662 introspection endpoint with
//!   `client_secret_basic`, `active`, `iss`, `aud`, `exp`, `client_id`, `cnf.jkt`); what one
//!   grants is stored at its first presentation and issued once. A verifier that cannot tell
//!   (an introspection endpoint down, a 5xx, a garbled answer) is a `server_error`, never an
//!   `invalid_token`.
//!
//! # Stores
//! [`Oid4vciStore`] is small (insert, get, take, take with a check, purge).
//! [`MemoryOid4vciStore`], `SqliteOid4vciStore` (feature `sqlite`) and `PostgresOid4vciStore`
//! (feature `postgres`) pass the conformance suite in `testing::oid4vci` (feature `testing`).
//!
//! # Formats
//! `jwt_vc_json` and `ldp_vc` name the holder by DID (`credentialSubject.id`, the JWT's `sub`).
//! `dc+sd-jwt` (with feature `sd-jwt`) puts the proof key itself in the SD-JWT VC's `cnf.jwk`,
//! gives it a Token Status List entry when the configuration is revocable (the issuer's
//! [`token_status_registry`](crate::IssuerBuilder::token_status_registry), required then), and
//! announces its `vct` and its claims (from the schema's JSON Schema) in the metadata.
//!
//! # Not yet
//! Pushed authorization requests and credential response encryption.

mod access_token;
mod authenticator;
mod authorization;
#[cfg(feature = "sd-jwt")]
mod claims;
mod client;
mod configuration;
mod dpop;
mod dpop_nonce;
mod error;
mod format;
mod introspection;
mod metadata;
mod notification;
mod offer;
mod proof;
mod service;
mod store;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_store;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use crate::crypto::x509::MAX_X5C_CERTS;
pub use access_token::{AccessTokenVerifier, ExternalAccess, JwtAccessTokens};
pub use authenticator::{Authorizing, SessionUsers, UserAuthenticator, UserDecision, UserGrant};
pub use authorization::{AUTHORIZATION_CODE_GRANT, OPENID_CREDENTIAL};
pub use client::OAuthClient;
pub use configuration::CredentialConfiguration;
pub use dpop::DPOP_TYP;
pub use error::Oid4vciError;
pub use format::CredentialFormat;
pub use introspection::{
    IntrospectionAccessTokens, IntrospectionAccessTokensBuilder, INTROSPECTION_TIMEOUT,
    MAX_INTROSPECTION_RESPONSE,
};
pub use notification::{Notification, NotificationEvent, NotificationObserver, RecordingObserver};
pub use offer::{
    CredentialOffer, OfferRequest, TxCode, TxCodeInputMode, MAX_TX_CODE_LENGTH, OFFER_SCHEME,
    PRE_AUTHORIZED_GRANT,
};
#[cfg(feature = "postgres")]
pub use postgres::PostgresOid4vciStore;
pub use proof::{MAX_PROOF_LEN, PROOF_ALGS, PROOF_TYP};
pub use service::{
    defaults, paths, CredentialResponse, Oid4vciIssuer, Oid4vciIssuerBuilder, Presented,
};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteOid4vciStore;
pub use store::{Checked, Entry, EntryKind, MemoryOid4vciStore, Oid4vciStore};
