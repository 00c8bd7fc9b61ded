//! The signature check under josekit's JWS parsing, done with the RustCrypto keys the signers
//! and the Data Integrity suites already use.
//!
//! josekit's own EdDSA/ES256/ES384 verifiers build an OpenSSL key object from a JWK for every
//! token (DER encoding, then `OSSL_DECODER`): in the OpenID4VCI flow benchmark that was 23 % of
//! the server's CPU, most of it the key object rather than the signature check (BENCHMARKS.md,
//! "OpenID4VCI pre-authorized flow"). josekit still parses the compact JWS and checks `alg`;
//! only the check of the signature bytes is ours, through [`verify_signature`].

use josekit::jws::{self, JwsAlgorithm, JwsVerifier};
use josekit::JoseError;
use vc_core::did_key::KeyType;
use vc_core::PublicKey;

use crate::crypto::verify::{verify_signature, VerifyError};

/// A josekit [`JwsVerifier`] for one Ed25519, P-256 or P-384 key.
#[derive(Debug, Clone)]
pub(crate) struct KeyVerifier {
    key: PublicKey,
    algorithm: &'static dyn JwsAlgorithm,
}

impl KeyVerifier {
    /// The verifier of `key`'s JWS algorithm (EdDSA, ES256, ES384).
    pub(crate) fn new(key: &PublicKey) -> Result<Self, VerifyError> {
        let algorithm: &'static dyn JwsAlgorithm = match key.key_type() {
            KeyType::Ed25519 => &jws::EdDSA,
            KeyType::P256 => &jws::ES256,
            KeyType::P384 => &jws::ES384,
            _ => {
                return Err(VerifyError::UnsupportedSuite {
                    suite: "vc+jwt".into(),
                })
            }
        };
        Ok(Self {
            key: key.clone(),
            algorithm,
        })
    }
}

impl JwsVerifier for KeyVerifier {
    fn algorithm(&self) -> &dyn JwsAlgorithm {
        self.algorithm
    }

    fn key_id(&self) -> Option<&str> {
        None
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), JoseError> {
        verify_signature(&self.key, message, signature)
            .map_err(|e| JoseError::InvalidSignature(e.into()))
    }

    fn box_clone(&self) -> Box<dyn JwsVerifier> {
        Box::new(self.clone())
    }
}
