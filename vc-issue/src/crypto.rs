//! Keys and proofs: the host's [`Signer`](signer::Signer) and [`KeyStore`](keystore::KeyStore),
//! the proof types a request can ask for, the proof suites that secure a document, and the
//! verifier that checks them.
//!
//! Nothing here knows about requests or schemas: the pipeline hands a finished document to a
//! suite, and the suite hands back the same document with a proof. The one place status lists
//! appear is the verifier's opt-in status check ([`status_check`]), which reads lists fetched
//! through the host's loader with vc-status' decoder.

#[cfg(feature = "jwt")]
pub(crate) mod jws_verifier;
#[cfg(feature = "jwt")]
pub mod jwt;
pub mod keystore;
pub mod proof_type;
pub mod secured_document;
pub mod signer;
pub mod status_check;
pub mod suites;
pub mod verify;
#[cfg(any(feature = "sd-jwt", feature = "oid4vci"))]
pub(crate) mod x509;
