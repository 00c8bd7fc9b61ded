//! Which key signs: a request may name its verification method; rotation (a new key signs,
//! credentials of the old one verify while its method stays in the DID document, status lists
//! are signed with the current key).

use std::sync::Arc;

use serde_json::json;
use vc_core::{Did, DidDocument, DidUrl};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore,
    InMemorySchemaRegistry, IssuanceRequest, Issuer, KeyStore, ProofType, Signer as _,
};
use vc_status::store::MemoryStore;
use vc_status::{StatusPurpose, StatusRegistry};

use crate::fixtures::{degree_claims, degree_schema};

const DID: &str = "did:example:registrar";

/// The issuer's DID document with `keys` as `#key-1`, `#key-2`, ... in that order.
fn document(keys: &[&Ed25519Signer]) -> DidDocument {
    let methods: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            json!({"id": format!("{DID}#key-{}", i + 1), "type": "Multikey", "controller": DID,
                   "publicKeyMultibase": k.public_key().to_multikey()})
        })
        .collect();
    let ids: Vec<_> = (1..=keys.len()).map(|i| format!("{DID}#key-{i}")).collect();
    DidDocument::from_value(
        json!({"id": DID, "verificationMethod": methods, "assertionMethod": ids}),
    )
    .unwrap()
}

fn vm(n: usize) -> DidUrl {
    DidUrl::parse(&format!("{DID}#key-{n}")).unwrap()
}

struct World {
    issuer: Issuer,
    dids: Arc<InMemoryDidRegistry>,
    keys: Arc<InMemoryKeyStore>,
    old: Arc<Ed25519Signer>,
    new: Arc<Ed25519Signer>,
    registry: Arc<StatusRegistry>,
}

fn world() -> World {
    let old = Arc::new(Ed25519Signer::from_seed(&[41; 32]));
    let new = Arc::new(Ed25519Signer::from_seed(&[42; 32]));
    let dids = Arc::new(InMemoryDidRegistry::new());
    dids.insert(document(&[&old, &new]));
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(vm(1), old.clone());
    keys.insert(vm(2), new.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(degree_schema());
    let registry = Arc::new(
        StatusRegistry::builder()
            .store(Arc::new(MemoryStore::new()))
            .list_url_template("https://registrar.example/status/{list}")
            .issuer(DID)
            .build()
            .unwrap(),
    );
    let issuer = Issuer::builder()
        .resolver(dids.clone())
        .schemas(schemas)
        .keys(keys.clone())
        .status_registry(registry.clone())
        .build()
        .unwrap();
    World {
        issuer,
        dids,
        keys,
        old,
        new,
        registry,
    }
}

fn request() -> IssuanceRequest {
    IssuanceRequest::new(
        "university-degree-v1",
        Did::parse(DID).unwrap(),
        Ed25519Signer::from_seed(&[43; 32]).did(),
        degree_claims(),
    )
    .with_proof_type(ProofType::EddsaJcs2022)
}

async fn signed_by(w: &World, request: IssuanceRequest) -> (vc_core::Credential, String) {
    let response = w.issuer.issue(request).await.unwrap();
    let credential = response.credential.as_credential().unwrap().clone();
    let method = credential.proofs()[0].verification_method.clone().unwrap();
    CredentialVerifier::new(w.dids.clone())
        .verify(&credential)
        .await
        .unwrap();
    (credential, method)
}

#[tokio::test]
async fn a_request_names_the_key_that_signs() {
    let w = world();
    // Unnamed: the first assertionMethod the store holds.
    assert_eq!(signed_by(&w, request()).await.1, vm(1).as_str());
    // Named: that one.
    let named = request().with_verification_method(vm(2));
    assert_eq!(signed_by(&w, named).await.1, vm(2).as_str());
    // Named over HTTP-shaped JSON too.
    let mut body = serde_json::to_value(request()).unwrap();
    body["verificationMethod"] = json!(vm(2).as_str());
    let parsed: IssuanceRequest = serde_json::from_value(body).unwrap();
    assert_eq!(signed_by(&w, parsed).await.1, vm(2).as_str());
    // A method that is not the issuer's, or whose key the store lacks, is KEY_NOT_FOUND.
    let foreign = Ed25519Signer::from_seed(&[44; 32]).verification_method_id();
    for wanted in [foreign, DidUrl::parse(&format!("{DID}#key-3")).unwrap()] {
        let error = w
            .issuer
            .issue(request().with_verification_method(wanted))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "KEY_NOT_FOUND");
    }
    assert!(w.keys.remove(&vm(2)).await.unwrap());
    let error = w
        .issuer
        .issue(request().with_verification_method(vm(2)))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "KEY_NOT_FOUND");
    let _ = (&w.old, &w.new);
}

/// The verification method the status list `list` is signed with now.
async fn status_list(w: &World, list: &vc_status::StatusListId) -> String {
    let unsigned = w.registry.list_credential(list).await.unwrap();
    let credential = vc_core::Credential::from_value((*unsigned).clone()).unwrap();
    let signed = w
        .issuer
        .sign_credential(credential, &ProofType::EddsaJcs2022)
        .await
        .unwrap();
    signed.as_credential().unwrap().proofs()[0]
        .verification_method
        .clone()
        .unwrap()
}

#[tokio::test]
async fn rotation_new_key_signs_old_credentials_verify_status_lists_resigned() {
    let w = world();
    let (before, method) = signed_by(&w, request().revocable(true)).await;
    assert_eq!(method, vm(1).as_str());
    let list = w
        .registry
        .active_list_id(StatusPurpose::Revocation)
        .await
        .unwrap();
    assert_eq!(status_list(&w, &list).await, vm(1).as_str());

    // Rotate: the old key leaves the key store; its method stays in the DID document.
    assert!(w.keys.remove(&vm(1)).await.unwrap());
    assert_eq!(w.keys.list().await.unwrap(), vec![vm(2)]);
    let (_, method) = signed_by(&w, request().revocable(true)).await;
    assert_eq!(method, vm(2).as_str(), "the new key signs");
    assert_eq!(
        status_list(&w, &list).await,
        vm(2).as_str(),
        "status lists too"
    );
    CredentialVerifier::new(w.dids.clone())
        .verify(&before)
        .await
        .expect("the old key's credential still verifies");

    // Once the old method leaves the DID document, its credentials no longer verify.
    let mut only_new = document(&[&w.new]);
    only_new.verification_method[0].id = format!("{DID}#key-2");
    only_new.assertion_method = vec![vc_core::VerificationRelationship::Reference(format!(
        "{DID}#key-2"
    ))];
    w.dids.insert(only_new);
    assert!(CredentialVerifier::new(w.dids.clone())
        .verify(&before)
        .await
        .is_err());
    let (_, method) = signed_by(&w, request()).await;
    assert_eq!(method, vm(2).as_str());
}
