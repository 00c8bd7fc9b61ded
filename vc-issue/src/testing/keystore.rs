//! The conformance suite for [`KeyStore`] implementations (a KMS, an HSM, a host's own registry).
//!
//! ```
//! use std::sync::Arc;
//! use vc_issue::{Ed25519Signer, InMemoryKeyStore};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = Arc::new(Ed25519Signer::generate());
//! let keys = InMemoryKeyStore::new();
//! keys.insert(key.verification_method_id(), key.clone());
//! let unknown = Ed25519Signer::generate().verification_method_id();
//! vc_issue::testing::keystore::check_key_store(&keys, &key.verification_method_id(), &unknown).await?;
//! # Ok(()) }
//! ```

use vc_core::DidUrl;

use super::failure::ConformanceError;
use crate::crypto::keystore::KeyStore;
use crate::crypto::signer::SignatureAlgorithm;
use crate::crypto::verify::verify_signature;

/// Checks that `store` hands out a working signer for `known` (its signatures verify under the
/// public key it reports, for Ed25519 and P-256 keys), the same key on every lookup, and answers
/// `Ok(None)`, not an error, for `unknown`.
pub async fn check_key_store(
    store: &dyn KeyStore,
    known: &DidUrl,
    unknown: &DidUrl,
) -> Result<(), ConformanceError> {
    const KNOWN: &str = "a held verification method gives a signer";
    let signer = store
        .signer(known)
        .await
        .map_err(ConformanceError::backend(KNOWN))?
        .ok_or_else(|| ConformanceError::contract(KNOWN, format!("no signer for {known}")))?;
    if signer.algorithm().key_type() != signer.public_key().key_type() {
        return Err(ConformanceError::contract(
            "the signer's algorithm fits its key",
            format!(
                "{:?} over a {:?} key",
                signer.algorithm(),
                signer.public_key().key_type()
            ),
        ));
    }

    const SIGNS: &str = "the signer's signatures verify under its public key";
    let message = b"vc-issue key store conformance";
    let signature = signer
        .sign(message)
        .await
        .map_err(ConformanceError::backend(SIGNS))?;
    if matches!(
        signer.algorithm(),
        SignatureAlgorithm::Ed25519
            | SignatureAlgorithm::EcdsaP256Sha256
            | SignatureAlgorithm::EcdsaP384Sha384
    ) && verify_signature(signer.public_key(), message, &signature).is_err()
    {
        return Err(ConformanceError::contract(
            SIGNS,
            "the signature does not verify",
        ));
    }

    const STABLE: &str = "a verification method names one key";
    let again = store
        .signer(known)
        .await
        .map_err(ConformanceError::backend(STABLE))?
        .ok_or_else(|| ConformanceError::contract(STABLE, "the second lookup found nothing"))?;
    if again.public_key() != signer.public_key() {
        return Err(ConformanceError::contract(
            STABLE,
            "two lookups gave two keys",
        ));
    }

    const UNKNOWN: &str = "an unknown verification method is Ok(None)";
    match store.signer(unknown).await {
        Ok(None) => Ok(()),
        Ok(Some(_)) => Err(ConformanceError::contract(
            UNKNOWN,
            format!("a signer for {unknown}"),
        )),
        Err(source) => Err(ConformanceError::backend(UNKNOWN)(source)),
    }
}

/// Checks listing and removal, on a store that offers them: `known` (held) is listed, `unknown`
/// is not; removing `known` says it was held, after which it gives no signer and is not listed;
/// removing it again says it was not held. Destructive: `known` is gone afterwards.
pub async fn check_list_and_remove(
    store: &dyn KeyStore,
    known: &DidUrl,
    unknown: &DidUrl,
) -> Result<(), ConformanceError> {
    const LISTED: &str = "a held verification method is listed, an unknown one is not";
    let listed = store
        .list()
        .await
        .map_err(ConformanceError::backend(LISTED))?;
    if !listed.contains(known) || listed.contains(unknown) {
        return Err(ConformanceError::contract(
            LISTED,
            format!("listed {listed:?}"),
        ));
    }

    const REMOVED: &str = "a removed verification method gives no signer and is not listed";
    let held = store
        .remove(known)
        .await
        .map_err(ConformanceError::backend(REMOVED))?;
    if !held {
        return Err(ConformanceError::contract(
            REMOVED,
            "removing a held key said it was not held",
        ));
    }
    if store
        .signer(known)
        .await
        .map_err(ConformanceError::backend(REMOVED))?
        .is_some()
    {
        return Err(ConformanceError::contract(
            REMOVED,
            "the removed key still signs",
        ));
    }
    let listed = store
        .list()
        .await
        .map_err(ConformanceError::backend(REMOVED))?;
    if listed.contains(known) {
        return Err(ConformanceError::contract(
            REMOVED,
            "the removed key is still listed",
        ));
    }

    const AGAIN: &str = "removing what is not held says so";
    match store.remove(known).await {
        Ok(false) => Ok(()),
        Ok(true) => Err(ConformanceError::contract(AGAIN, "removed twice")),
        Err(source) => Err(ConformanceError::backend(AGAIN)(source)),
    }
}
