//! DID methods beyond `did:key`: `did:jwk` (no I/O) and, with the `did-web` feature, `did:web`
//! over HTTPS against a loopback server with a certificate made in the test.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::json;
use vc_core::DidUrl;
use vc_issue::{
    CredentialVerifier, DidJwkResolver, DidResolver, Ed25519Signer, InMemoryDidRegistry,
    IssuanceRequest, ProofType,
};

use crate::fixtures::{degree_claims, degree_schema, one_key_issuer};
use vc_issue::Signer as _;

#[cfg(feature = "did-web")]
#[path = "did_web.rs"]
mod did_web;

#[tokio::test]
async fn a_did_jwk_issuer_issues_and_its_credentials_verify() {
    let key = Arc::new(Ed25519Signer::from_seed(&[21; 32]));
    let jwk = json!({"kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(key.public_key().as_bytes())});
    let did = DidJwkResolver::did_of(jwk.as_object().unwrap()).unwrap();
    let vm = DidUrl::parse(&format!("{did}#0")).unwrap();
    let dids = Arc::new(InMemoryDidRegistry::new());
    assert!(dids.exists(&did).await.unwrap(), "built in, like did:key");
    let issuer = one_key_issuer(key.clone(), vm.clone(), degree_schema(), dids.clone());
    let holder = Ed25519Signer::from_seed(&[22; 32]).did();
    for proof_type in [ProofType::EddsaJcs2022, ProofType::EddsaRdfc2022] {
        let request = IssuanceRequest::new(
            "university-degree-v1",
            did.clone(),
            holder.clone(),
            degree_claims(),
        )
        .with_proof_type(proof_type.clone());
        let response = issuer.issue(request).await.unwrap();
        let credential = response.credential.as_credential().unwrap();
        assert_eq!(
            credential.proofs()[0].verification_method.as_deref(),
            Some(vm.as_str()),
            "{proof_type}"
        );
        CredentialVerifier::new(dids.clone())
            .verify(credential)
            .await
            .unwrap();
    }
}
