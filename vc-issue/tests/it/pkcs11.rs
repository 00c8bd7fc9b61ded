//! The PKCS#11 signer against SoftHSM2: a token made for this run in a temporary directory, its
//! keys generated on it; the signer conformance suite for Ed25519, P-256 and P-384 keys,
//! credentials issued through the pipeline and verified, typed errors for what a host gets
//! wrong, a key deleted under a running signer, and many tasks signing at once.
//!
//! Without SoftHSM2 (Debian's `softhsm2`) the tests say why and pass, unless
//! `VC_TEST_PKCS11=required` (as CI sets it), when they fail. `VC_TEST_PKCS11_MODULE` names
//! another module path.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use serde_json::json;
use vc_core::did_key::{DidKey, KeyType};
use vc_core::DidUrl;
use vc_issue::crypto::signer::pkcs11::{KeySelector, Pkcs11SignerBuilder};
use vc_issue::testing::signer::check_signer;
use vc_issue::{
    CredentialVerifier, Ed25519Signer, HostErrorKind, InMemoryDidRegistry, IssuanceRequest,
    Pkcs11Error, Pkcs11Signer, ProofType, SignatureAlgorithm, Signer,
};

use crate::fixtures::{degree_claims, degree_schema, one_key_issuer};

const DEFAULT_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
/// The token with the keys.
const TOKEN: &str = "vc-issue-keys";
/// A token nobody logs in to, so that a wrong PIN meets a process not logged in yet (PKCS#11
/// logs in a process, and does not check the PIN of one already logged in).
const PIN_TOKEN: &str = "vc-issue-pin";
/// A token with one key whose signer the test logs out under it.
const RELOGIN_TOKEN: &str = "vc-issue-relogin";
const PIN: &str = "4711-user";
const SO_PIN: &str = "0815-so";

const P256_OID: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_OID: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];

struct Hsm {
    module: PathBuf,
    /// Holds the token directory for the run.
    _dir: tempfile::TempDir,
}

static HSM: OnceLock<Option<Hsm>> = OnceLock::new();

/// One test at a time: they change the tokens under each other, in ways PKCS#11 makes
/// process-wide (one deletes a key other signers of the token see go; one logs the whole process
/// out of a token), and SoftHSM2's file store rewrites a token's files while other sessions read
/// them (`CKR_GENERAL_ERROR` from `C_GetTokenInfo`, `CKR_SESSION_HANDLE_INVALID` seen when they
/// ran side by side). The concurrency each test is about (64 signers, a bounded session pool)
/// runs inside it.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The SoftHSM2 token of this run, made once; `None` (the test then passes, saying why) when
/// SoftHSM2 is not installed and the run does not require it.
fn hsm() -> Option<&'static Hsm> {
    HSM.get_or_init(|| {
        let module = std::env::var_os("VC_TEST_PKCS11_MODULE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_MODULE));
        if !module.exists() {
            let reason = format!(
                "PKCS#11 tests skipped: no module at {} (install Debian's softhsm2)",
                module.display()
            );
            assert!(
                std::env::var("VC_TEST_PKCS11").as_deref() != Ok("required"),
                "VC_TEST_PKCS11=required, but {reason}"
            );
            println!("{reason}");
            return None;
        }
        Some(make_tokens(module))
    })
    .as_ref()
}

/// A fresh SoftHSM2 configuration and token directory; both tokens; the keys.
fn make_tokens(module: PathBuf) -> Hsm {
    let dir = tempfile::Builder::new()
        .prefix("softhsm-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let tokens = dir.path().join("tokens");
    std::fs::create_dir(&tokens).unwrap();
    let conf = dir.path().join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .unwrap();
    // SoftHSM2 reads its configuration when the module initializes, which no test did before
    // this (they all come here first), and nothing else in the process reads the variable.
    std::env::set_var("SOFTHSM2_CONF", &conf);
    let pkcs11 = context(&module);
    init_token(&pkcs11, TOKEN);
    init_token(&pkcs11, PIN_TOKEN);
    init_token(&pkcs11, RELOGIN_TOKEN);
    generate(
        &user_session(&pkcs11, RELOGIN_TOKEN),
        Curve::P256,
        "p256",
        &[1],
    );

    let session = user_session(&pkcs11, TOKEN);
    generate(&session, Curve::Ed25519, "ed25519", &[1]);
    generate(&session, Curve::P256, "p256", &[2]);
    generate(&session, Curve::P384, "p384", &[3]);
    generate(&session, Curve::P256, "doomed", &[4]);
    // Two pairs crossed under one label: the private key of one, the public key of the other.
    let (public, _) = generate(&session, Curve::P256, "crossed-a", &[5]);
    let (_, private) = generate(&session, Curve::P256, "crossed-b", &[6]);
    session
        .update_attributes(public, &[Attribute::Label(b"crossed".to_vec())])
        .unwrap();
    session
        .update_attributes(private, &[Attribute::Label(b"crossed".to_vec())])
        .unwrap();
    // A private key whose public key object is gone.
    let (public, _) = generate(&session, Curve::P384, "lonely", &[7]);
    session.destroy_object(public).unwrap();
    // An RSA key, which no suite here signs with.
    session
        .generate_key_pair(
            &Mechanism::RsaPkcsKeyPairGen,
            &[
                Attribute::Token(true),
                Attribute::Verify(true),
                Attribute::ModulusBits(2048.into()),
                Attribute::PublicExponent(vec![1, 0, 1]),
                Attribute::Label(b"rsa".to_vec()),
            ],
            &[
                Attribute::Token(true),
                Attribute::Private(true),
                Attribute::Sign(true),
                Attribute::Label(b"rsa".to_vec()),
            ],
        )
        .unwrap();
    Hsm { module, _dir: dir }
}

/// The module, initialized (or already initialized by a signer of this process).
fn context(module: &std::path::Path) -> Pkcs11 {
    let pkcs11 = Pkcs11::new(module).unwrap();
    match pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(error) => panic!("SoftHSM2 does not initialize: {error}"),
    }
    pkcs11
}

fn slot_of(pkcs11: &Pkcs11, label: &str) -> Slot {
    pkcs11
        .get_slots_with_initialized_token()
        .unwrap()
        .into_iter()
        .find(|slot| pkcs11.get_token_info(*slot).unwrap().label() == label)
        .unwrap_or_else(|| panic!("no token {label}"))
}

/// What `softhsm2-util --init-token --free` does: the first free slot's token, with a user PIN.
fn init_token(pkcs11: &Pkcs11, label: &str) {
    let free = pkcs11
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|slot| !pkcs11.get_token_info(*slot).unwrap().token_initialized())
        .expect("SoftHSM2 offers a free slot");
    pkcs11
        .init_token(free, &AuthPin::from(SO_PIN), label)
        .unwrap();
    let session = pkcs11.open_rw_session(slot_of(pkcs11, label)).unwrap();
    session
        .login(UserType::So, Some(&AuthPin::from(SO_PIN)))
        .unwrap();
    session.init_pin(&AuthPin::from(PIN)).unwrap();
    session.logout().unwrap();
}

/// A read-write session on `label`, logged in as the user (or already logged in).
fn user_session(pkcs11: &Pkcs11, label: &str) -> Session {
    let session = pkcs11.open_rw_session(slot_of(pkcs11, label)).unwrap();
    match session.login(UserType::User, Some(&AuthPin::from(PIN))) {
        Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
        Err(error) => panic!("{error}"),
    }
    session
}

#[derive(Clone, Copy)]
enum Curve {
    Ed25519,
    P256,
    P384,
}

/// A key pair on the token, its two objects labelled `label` with id `id`.
fn generate(
    session: &Session,
    curve: Curve,
    label: &str,
    id: &[u8],
) -> (
    cryptoki::object::ObjectHandle,
    cryptoki::object::ObjectHandle,
) {
    let (mechanism, params) = match curve {
        Curve::Ed25519 => (Mechanism::EccEdwardsKeyPairGen, ED25519_OID),
        Curve::P256 => (Mechanism::EccKeyPairGen, P256_OID),
        Curve::P384 => (Mechanism::EccKeyPairGen, P384_OID),
    };
    let common = || {
        vec![
            Attribute::Token(true),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.to_vec()),
        ]
    };
    let mut public = common();
    public.extend([
        Attribute::Verify(true),
        Attribute::EcParams(params.to_vec()),
    ]);
    let mut private = common();
    private.extend([
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Sign(true),
    ]);
    session
        .generate_key_pair(&mechanism, &public, &private)
        .unwrap()
}

/// A placeholder verification method for signers whose method does not matter to the test.
fn some_method() -> DidUrl {
    DidUrl::parse("did:example:registrar#hsm-1").unwrap()
}

fn builder(hsm: &Hsm) -> Pkcs11SignerBuilder {
    Pkcs11Signer::builder()
        .module(&hsm.module)
        .token_label(TOKEN)
        .pin(PIN)
        .verification_method(some_method())
}

async fn signer(hsm: &Hsm, label: &str) -> Pkcs11Signer {
    builder(hsm).key_label(label).build().await.unwrap()
}

#[tokio::test]
async fn pkcs11_signers_conform_for_ed25519_p256_and_p384() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    for (label, algorithm, key_type) in [
        ("ed25519", SignatureAlgorithm::Ed25519, KeyType::Ed25519),
        ("p256", SignatureAlgorithm::EcdsaP256Sha256, KeyType::P256),
        ("p384", SignatureAlgorithm::EcdsaP384Sha384, KeyType::P384),
    ] {
        let signer = signer(hsm, label).await;
        assert_eq!(signer.algorithm(), algorithm, "{label}");
        assert_eq!(signer.public_key().key_type(), key_type, "{label}");
        check_signer(&signer)
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let debug = format!("{signer:?}");
        assert!(debug.contains(label), "{debug}");
        assert!(!debug.contains(PIN), "{debug}");
    }
    // By id, and by slot: the same key as by label.
    let by_label = signer(hsm, "p384").await;
    let slot = slot_of(&context(&hsm.module), TOKEN);
    let by_id = Pkcs11Signer::builder()
        .module(&hsm.module)
        .slot(slot.id())
        .pin(PIN)
        .key_id(vec![3])
        .algorithm(SignatureAlgorithm::EcdsaP384Sha384)
        .verification_method(some_method())
        .build()
        .await
        .unwrap();
    assert_eq!(by_id.key(), &KeySelector::Id(vec![3]));
    assert_eq!(by_id.public_key(), by_label.public_key());
    check_signer(&by_id).await.unwrap();
    // The builder's Debug keeps the PIN to itself too.
    let debug = format!("{:?}", builder(hsm).key_label("p256"));
    assert!(!debug.contains(PIN), "{debug}");
}

/// Issues with `signer` (its `did:key` the issuer's) through the pipeline, verifies with the
/// verifier, and checks that a changed claim no longer verifies.
async fn issue_and_verify(signer: Pkcs11Signer, proof_type: ProofType) {
    let did_key = DidKey::new(
        signer.public_key().key_type(),
        signer.public_key().as_bytes(),
    )
    .unwrap();
    let resolver = Arc::new(InMemoryDidRegistry::new());
    let issuer = one_key_issuer(
        Arc::new(signer),
        did_key.verification_method_id(),
        degree_schema(),
        resolver.clone(),
    );
    let request = IssuanceRequest::new(
        "university-degree-v1",
        did_key.did(),
        Ed25519Signer::from_seed(&[7; 32]).did(),
        degree_claims(),
    )
    .with_proof_type(proof_type.clone());
    let response = issuer.issue(request).await.unwrap();
    let credential = response.credential.as_credential().unwrap().clone();
    let proof = &credential.proofs()[0];
    assert_eq!(
        proof.verification_method.as_deref(),
        Some(did_key.verification_method_id().as_str())
    );
    let verifier = CredentialVerifier::new(resolver);
    verifier
        .verify(&credential)
        .await
        .unwrap_or_else(|e| panic!("{proof_type:?}: {e}"));
    let mut tampered = credential.to_value().unwrap();
    tampered["credentialSubject"]["degree"]["name"] = json!("Doctor of Everything");
    let tampered = vc_core::Credential::from_value(tampered).unwrap();
    assert!(verifier.verify(&tampered).await.is_err(), "{proof_type:?}");
}

#[tokio::test]
async fn credentials_signed_in_the_hsm_verify() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    for (label, proof_type) in [
        ("ed25519", ProofType::EddsaRdfc2022),
        ("p256", ProofType::EcdsaRdfc2019),
        ("p256", ProofType::EcdsaJcs2019),
        ("p384", ProofType::EcdsaRdfc2019),
        ("p384", ProofType::EcdsaJcs2019),
    ] {
        issue_and_verify(signer(hsm, label).await, proof_type).await;
    }
}

#[tokio::test]
async fn a_wrong_pin_is_refused_with_a_typed_error() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    let error = Pkcs11Signer::builder()
        .module(&hsm.module)
        .token_label(PIN_TOKEN)
        .pin("not-the-pin")
        .key_label("p256")
        .verification_method(some_method())
        .build()
        .await
        .unwrap_err();
    assert!(matches!(error, Pkcs11Error::WrongPin), "{error:?}");
    assert_eq!(error.kind(), HostErrorKind::Refused);
    assert_eq!(error.code(), "SIGNING_FAILED");
    assert!(!format!("{error:?} {error}").contains("not-the-pin"));
    // In the one registry as any signer's failure: the code, and the cause kept as the source.
    let issue_error = vc_issue::IssueError::from(error);
    assert_eq!(issue_error.code(), "SIGNING_FAILED");
    assert!(
        source_chain(&issue_error).contains("refused the user PIN"),
        "{}",
        source_chain(&issue_error)
    );
}

fn source_chain(error: &dyn std::error::Error) -> String {
    let mut chain = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        chain.push_str(" <- ");
        chain.push_str(&source.to_string());
        next = source.source();
    }
    chain
}

#[tokio::test]
async fn unknown_keys_tokens_and_modules_are_typed_errors() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    let error = builder(hsm).key_label("nope").build().await.unwrap_err();
    assert!(
        matches!(&error, Pkcs11Error::KeyNotFound { key } if key == "label \"nope\""),
        "{error:?}"
    );
    assert_eq!(error.kind(), HostErrorKind::NotFound);
    let error = builder(hsm).key_id(vec![0x99]).build().await.unwrap_err();
    assert!(
        matches!(error, Pkcs11Error::KeyNotFound { .. }),
        "{error:?}"
    );

    let error = builder(hsm)
        .token_label("no-such-token")
        .key_label("p256")
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Pkcs11Error::TokenNotFound { .. }),
        "{error:?}"
    );
    assert_eq!(error.code(), "SIGNER_UNAVAILABLE");

    let error = builder(hsm)
        .module(hsm.module.with_file_name("libno-such-module.so"))
        .key_label("p256")
        .build()
        .await
        .unwrap_err();
    assert!(matches!(error, Pkcs11Error::ModuleLoad { .. }), "{error:?}");
    assert_eq!(error.code(), "SIGNING_FAILED");

    let error = Pkcs11Signer::builder()
        .module(&hsm.module)
        .token_label(TOKEN)
        .key_label("p256")
        .verification_method(some_method())
        .build()
        .await
        .unwrap_err();
    assert!(matches!(error, Pkcs11Error::Incomplete(_)), "{error:?}");

    let error = builder(hsm).key_label("lonely").build().await.unwrap_err();
    assert!(
        matches!(error, Pkcs11Error::PublicKeyNotFound { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn keys_of_another_type_or_pair_or_method_are_refused() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    let error = builder(hsm)
        .key_label("p384")
        .algorithm(SignatureAlgorithm::EcdsaP256Sha256)
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Pkcs11Error::KeyTypeMismatch {
                expected: "P-256",
                found: "P-384",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.kind(), HostErrorKind::Invalid);
    let error = builder(hsm)
        .key_label("ed25519")
        .algorithm(SignatureAlgorithm::EcdsaP256Sha256)
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Pkcs11Error::KeyTypeMismatch { .. }),
        "{error:?}"
    );

    let error = builder(hsm).key_label("rsa").build().await.unwrap_err();
    assert!(
        matches!(error, Pkcs11Error::UnsupportedKey { .. }),
        "{error:?}"
    );

    // The private key of one pair, the public key of another: the probe signature tells.
    let error = builder(hsm).key_label("crossed").build().await.unwrap_err();
    assert!(
        matches!(error, Pkcs11Error::SignatureMismatch { .. }),
        "{error:?}"
    );

    // A did:key method must be the token's key.
    let other = Ed25519Signer::from_seed(&[9; 32]).verification_method_id();
    let error = builder(hsm)
        .key_label("ed25519")
        .verification_method(other)
        .build()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Pkcs11Error::VerificationMethodMismatch { .. }),
        "{error:?}"
    );
    let own = signer(hsm, "ed25519").await;
    let own_method = DidKey::new(KeyType::Ed25519, own.public_key().as_bytes())
        .unwrap()
        .verification_method_id();
    let again = builder(hsm)
        .key_label("ed25519")
        .verification_method(own_method.clone())
        .build()
        .await
        .unwrap();
    assert_eq!(again.verification_method(), &own_method);
}

#[tokio::test]
async fn a_key_deleted_under_a_running_signer_fails_signing_with_its_cause() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    let signer = Arc::new(signer(hsm, "doomed").await);
    signer.sign(b"before").await.unwrap();
    {
        let pkcs11 = context(&hsm.module);
        let session = user_session(&pkcs11, TOKEN);
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
            let found = session
                .find_objects(&[
                    Attribute::Class(class),
                    Attribute::Label(b"doomed".to_vec()),
                ])
                .unwrap();
            for object in found {
                session.destroy_object(object).unwrap();
            }
        }
    }
    let error = signer.sign(b"after").await.unwrap_err();
    assert_eq!(error.kind(), HostErrorKind::NotFound, "{error:?}");
    let chain = source_chain(&error);
    assert!(chain.contains("no private key label \"doomed\""), "{chain}");

    // Through the pipeline: the signing code, the cause kept as the source.
    let did_key = DidKey::new(KeyType::P256, signer.public_key().as_bytes()).unwrap();
    let issuer = one_key_issuer(
        signer,
        did_key.verification_method_id(),
        degree_schema(),
        Arc::new(InMemoryDidRegistry::new()),
    );
    let error = issuer
        .issue(
            IssuanceRequest::new(
                "university-degree-v1",
                did_key.did(),
                Ed25519Signer::from_seed(&[7; 32]).did(),
                degree_claims(),
            )
            .with_proof_type(ProofType::EcdsaJcs2019),
        )
        .await
        .unwrap_err();
    assert_eq!(error.code(), "SIGNING_FAILED");
    let chain = source_chain(&error);
    assert!(chain.contains("no private key label \"doomed\""), "{chain}");
}

#[tokio::test]
async fn a_signer_logged_out_under_it_logs_in_again() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    let signer = builder(hsm)
        .token_label(RELOGIN_TOKEN)
        .key_label("p256")
        .build()
        .await
        .unwrap();
    signer.sign(b"before").await.unwrap();
    for _ in 0..2 {
        // A logout by any session logs the whole process out of the token.
        let pkcs11 = context(&hsm.module);
        let session = user_session(&pkcs11, RELOGIN_TOKEN);
        session.logout().unwrap();
        let state = session.get_session_info().unwrap().session_state();
        assert!(
            matches!(state, cryptoki::session::SessionState::RwPublic),
            "{state:?}"
        );
        let signature = signer.sign(b"after").await.unwrap();
        vc_issue::crypto::verify::verify_signature(signer.public_key(), b"after", &signature)
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_tasks_sign_at_once_through_a_small_pool() {
    let _serial = SERIAL.lock().await;
    let Some(hsm) = hsm() else { return };
    let ed25519: Arc<dyn Signer> = Arc::new(
        builder(hsm)
            .key_label("ed25519")
            .max_sessions(3)
            .build()
            .await
            .unwrap(),
    );
    let p256: Arc<dyn Signer> = Arc::new(
        builder(hsm)
            .key_label("p256")
            .max_sessions(2)
            .build()
            .await
            .unwrap(),
    );
    let tasks: Vec<_> = (0..64u32)
        .map(|i| {
            let signer = if i % 2 == 0 {
                ed25519.clone()
            } else {
                p256.clone()
            };
            tokio::spawn(async move {
                let message = format!("message {i}").into_bytes();
                let signature = signer.sign(&message).await.unwrap();
                (signer, message, signature)
            })
        })
        .collect();
    for task in tasks {
        let (signer, message, signature) = task.await.unwrap();
        vc_issue::crypto::verify::verify_signature(signer.public_key(), &message, &signature)
            .unwrap();
    }
}
