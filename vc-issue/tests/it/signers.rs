//! The shipped signers pass the signer conformance checks, and keep their secrets.

use vc_issue::testing::signer::check_signer;
use vc_issue::{Ed25519Signer, P256Signer, P384Signer};

#[tokio::test]
async fn local_signers_conform() {
    check_signer(&Ed25519Signer::generate()).await.unwrap();
    check_signer(&Ed25519Signer::from_seed(&[1; 32]))
        .await
        .unwrap();
    check_signer(&P256Signer::generate()).await.unwrap();
    check_signer(&P256Signer::from_bytes(&[2; 32]).unwrap())
        .await
        .unwrap();
    check_signer(&P384Signer::generate()).await.unwrap();
    check_signer(&P384Signer::from_bytes(&[2; 48]).unwrap())
        .await
        .unwrap();
}

#[test]
fn debug_shows_the_public_key_only() {
    let seed = [0x42u8; 32];
    let signer = Ed25519Signer::from_seed(&seed);
    let debug = format!("{signer:?}");
    assert!(debug.contains(signer.did().as_str().trim_start_matches("did:key:")));
    assert!(!debug.contains("42, 42"), "{debug}");
    assert!(!debug.to_lowercase().contains("4242"), "{debug}");
}

#[test]
fn bad_seeds_are_typed_errors() {
    assert_eq!(
        Ed25519Signer::from_seed_hex("zz").unwrap_err().code(),
        "INVALID_REQUEST"
    );
    assert_eq!(
        Ed25519Signer::from_seed_hex(&"g".repeat(64))
            .unwrap_err()
            .code(),
        "INVALID_REQUEST"
    );
    assert!(Ed25519Signer::from_seed_hex(&"ab".repeat(32)).is_ok());
    assert_eq!(
        P256Signer::from_bytes(&[0; 32]).unwrap_err().code(),
        "INVALID_REQUEST"
    );
    assert_eq!(
        Ed25519Signer::from_private_multikey("z6Mk")
            .unwrap_err()
            .code(),
        "INVALID_REQUEST"
    );
}
