//! Conformance checks that any [`Signer`] implementation can run against itself.

#![expect(
    clippy::expect_used,
    reason = "Test helpers report a broken contract by panicking, like assertions do"
)]

use crate::crypto::signer::*;
#[cfg(feature = "bbs")]
use vc_core::did_key::KeyType;

/// Signs a few messages and checks the signatures with an independent verifier for the
/// algorithm, and that a tampered message does not verify.
///
/// # Panics
/// When the signer breaks the contract; this is a test helper.
pub async fn check_signer(signer: &dyn Signer) {
    assert_eq!(
        signer.algorithm().key_type(),
        signer.public_key().key_type()
    );
    for message in [&b""[..], b"hello", &[0u8; 64], &[0xff; 1000]] {
        let signature = signer.sign(message).await.expect("signing must succeed");
        assert_eq!(signature.len(), 64, "signatures are 64 bytes");
        crate::crypto::verify::verify_signature(signer.public_key(), message, &signature)
            .expect("signature must verify");
        let mut tampered = message.to_vec();
        tampered.push(1);
        assert!(
            crate::crypto::verify::verify_signature(signer.public_key(), &tampered, &signature)
                .is_err(),
            "a signature must not verify another message"
        );
    }
    let debug = format!("{signer:?}");
    assert!(
        !debug.to_lowercase().contains("secret"),
        "Debug must not show secrets: {debug}"
    );
}

/// Signs a few message vectors and checks the BBS signatures with zkryptium's verifier, and
/// that a changed message, header or message order does not verify.
///
/// # Panics
/// When the signer breaks the contract; this is a test helper.
#[cfg(feature = "bbs")]
pub async fn check_bbs_signer(signer: &dyn BbsSigner) {
    use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
    use zkryptium::bbsplus::keys::BBSplusPublicKey;
    use zkryptium::schemes::algorithms::BBSplus;
    use zkryptium::schemes::generics::Signature;

    assert_eq!(signer.bbs_public_key().key_type(), KeyType::Bls12381G2);
    let key = BBSplusPublicKey::from_bytes(signer.bbs_public_key().as_bytes())
        .expect("the public key is a G2 point");
    let verifies = |signature: &[u8], header: &[u8], messages: &[Vec<u8>]| {
        let signature: &[u8; 80] = signature.try_into().expect("signatures are 80 bytes");
        Signature::<BBSplus<Bls12381Sha256>>::from_bytes(signature)
            .and_then(|s| s.verify(&key, Some(messages), Some(header)))
            .is_ok()
    };
    let header = [7u8; 64];
    for messages in [
        vec![],
        vec![b"one".to_vec()],
        vec![b"a".to_vec(), b"b".to_vec(), vec![]],
    ] {
        let signature = signer
            .bbs_sign(&header, &messages)
            .await
            .expect("signing must succeed");
        assert!(
            verifies(&signature, &header, &messages),
            "signature must verify"
        );
        assert!(
            !verifies(&signature, &[8u8; 64], &messages),
            "header is signed"
        );
        let mut changed = messages.clone();
        changed.push(b"more".to_vec());
        assert!(
            !verifies(&signature, &header, &changed),
            "messages are signed"
        );
        if messages.len() > 1 {
            changed = messages.clone();
            changed.swap(0, 1);
            assert!(!verifies(&signature, &header, &changed), "order is signed");
        }
    }
    let debug = format!("{signer:?}");
    assert!(
        !debug.to_lowercase().contains("secret"),
        "Debug must not show secrets: {debug}"
    );
}
