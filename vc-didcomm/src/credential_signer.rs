//! The signing step of issuance, which may be delegated to another party.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use vc_core::Credential;
use vc_issue::{IssuedCredential, Issuer, ProofType};

use crate::error::BoxError;

/// Signs the credential an issuer offered.
///
/// The issuance protocol lets the issuer delegate signing to a different, trusted party (the
/// spec's "trusted party"), so the state machines sign through this trait. [`vc_issue::Issuer`]
/// implements it with its pipeline ([`Issuer::sign_credential`]); a host that delegates implements
/// it over its own channel to the signing party.
#[async_trait]
pub trait CredentialSigner: Send + Sync + Debug + 'static {
    /// Secures `credential` with a proof of `proof_type` by a key of its `issuer`.
    async fn sign(
        &self,
        credential: Credential,
        proof_type: &ProofType,
    ) -> Result<IssuedCredential, BoxError>;
}

#[async_trait]
impl CredentialSigner for Issuer {
    async fn sign(
        &self,
        credential: Credential,
        proof_type: &ProofType,
    ) -> Result<IssuedCredential, BoxError> {
        self.sign_credential(credential, proof_type)
            .await
            .map_err(|e| Arc::new(e) as BoxError)
    }
}

#[async_trait]
impl<T: CredentialSigner + ?Sized> CredentialSigner for Arc<T> {
    async fn sign(
        &self,
        credential: Credential,
        proof_type: &ProofType,
    ) -> Result<IssuedCredential, BoxError> {
        (**self).sign(credential, proof_type).await
    }
}

/// Conformance checks that any [`CredentialSigner`] can run against itself.
#[cfg(any(test, feature = "testing"))]
#[expect(
    clippy::expect_used,
    reason = "Test helpers report a broken contract by panicking, like assertions do"
)]
pub mod conformance {
    use super::*;
    use vc_issue::{CredentialVerifier, DidResolver};

    /// Signs `credential` with `eddsa-jcs-2022` and checks that the result verifies through
    /// `resolver`, differs from the input only by its proof, and that a tampered copy fails.
    ///
    /// # Panics
    /// When the signer breaks the contract; this is a test helper.
    pub async fn check_credential_signer(
        signer: &dyn CredentialSigner,
        credential: Credential,
        resolver: Arc<dyn DidResolver>,
    ) {
        let signed = signer
            .sign(credential.clone(), &ProofType::EddsaJcs2022)
            .await
            .expect("signing must succeed");
        let signed = signed
            .as_credential()
            .expect("eddsa-jcs-2022 embeds its proof")
            .clone();
        assert_eq!(signed.without_proof(), credential, "only a proof is added");
        let verifier = CredentialVerifier::new(resolver);
        verifier
            .verify(&signed)
            .await
            .expect("the signed credential must verify");
        let mut tampered = signed.clone();
        tampered
            .properties
            .insert("tampered".into(), serde_json::Value::Bool(true));
        assert!(
            verifier.verify(&tampered).await.is_err(),
            "a tampered credential must not verify"
        );
    }
}
