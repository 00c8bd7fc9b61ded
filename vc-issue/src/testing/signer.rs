//! Conformance checks that any [`Signer`] implementation can run against itself.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let signer = vc_issue::Ed25519Signer::generate();
//! vc_issue::testing::signer::check_signer(&signer).await?;
//! # Ok(()) }
//! ```

use super::failure::{conform, conform_eq, At, ConformanceError};
use crate::crypto::signer::*;
use crate::crypto::verify::verify_signature;
use vc_core::did_key::KeyType;

const ALGORITHM: &str = "the signer's algorithm fits its key";
const SIGNS: &str = "the signer's signatures verify under its public key";
const BINDS: &str = "a signature does not verify another message";
const NO_SECRETS: &str = "Debug shows no secret";

/// Signs a few messages and checks the signatures with an independent verifier for the
/// algorithm, and that a tampered message does not verify.
pub async fn check_signer(signer: &dyn Signer) -> Result<(), ConformanceError> {
    conform_eq!(
        ALGORITHM,
        signer.algorithm().key_type(),
        signer.public_key().key_type()
    );
    for message in [&b""[..], b"hello", &[0u8; 64], &[0xff; 1000]] {
        let signature = signer.sign(message).await.at(SIGNS)?;
        let expected = if signer.algorithm().key_type() == KeyType::P384 {
            96
        } else {
            64
        };
        conform_eq!(SIGNS, signature.len(), expected);
        conform!(
            SIGNS,
            verify_signature(signer.public_key(), message, &signature).is_ok(),
            "the signature of a {}-byte message does not verify",
            message.len()
        );
        let mut tampered = message.to_vec();
        tampered.push(1);
        conform!(
            BINDS,
            verify_signature(signer.public_key(), &tampered, &signature).is_err()
        );
    }
    no_secret_in_debug(signer)
}

fn no_secret_in_debug(signer: &dyn std::fmt::Debug) -> Result<(), ConformanceError> {
    let debug = format!("{signer:?}");
    conform!(
        NO_SECRETS,
        !debug.to_lowercase().contains("secret"),
        "{debug}"
    );
    Ok(())
}

/// Signs a few message vectors and checks the BBS signatures with zkryptium's verifier, and
/// that a changed message, header or message order does not verify.
#[cfg(feature = "bbs")]
pub async fn check_bbs_signer(signer: &dyn BbsSigner) -> Result<(), ConformanceError> {
    use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
    use zkryptium::bbsplus::keys::BBSplusPublicKey;
    use zkryptium::schemes::algorithms::BBSplus;
    use zkryptium::schemes::generics::Signature;

    const KEY: &str = "the BBS public key is a BLS12-381 G2 point";
    conform_eq!(KEY, signer.bbs_public_key().key_type(), KeyType::Bls12381G2);
    let key = BBSplusPublicKey::from_bytes(signer.bbs_public_key().as_bytes())
        .map_err(|e| ConformanceError::contract(KEY, format!("{e:?}")))?;
    let verifies = |signature: &[u8], header: &[u8], messages: &[Vec<u8>]| {
        <&[u8; 80]>::try_from(signature)
            .ok()
            .and_then(|s| Signature::<BBSplus<Bls12381Sha256>>::from_bytes(s).ok())
            .is_some_and(|s| s.verify(&key, Some(messages), Some(header)).is_ok())
    };
    let header = [7u8; 64];
    for messages in [
        vec![],
        vec![b"one".to_vec()],
        vec![b"a".to_vec(), b"b".to_vec(), vec![]],
    ] {
        let signature = signer.bbs_sign(&header, &messages).await.at(SIGNS)?;
        conform_eq!(SIGNS, signature.len(), 80);
        conform!(SIGNS, verifies(&signature, &header, &messages));
        conform!(
            "the header is signed",
            !verifies(&signature, &[8u8; 64], &messages)
        );
        let mut changed = messages.clone();
        changed.push(b"more".to_vec());
        conform!(
            "the messages are signed",
            !verifies(&signature, &header, &changed)
        );
        if messages.len() > 1 {
            changed = messages.clone();
            changed.swap(0, 1);
            conform!(
                "the message order is signed",
                !verifies(&signature, &header, &changed)
            );
        }
    }
    no_secret_in_debug(signer)
}
