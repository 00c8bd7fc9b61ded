//! The holder's side of DID Authentication: signing the presentation a wallet answers a
//! `DIDAuthentication` request with.
//!
//! The presentation is an empty `VerifiablePresentation` (VC Data Model 2.0) whose `holder` is the
//! signing DID, with one proof for `authentication` over the request's `challenge` and `domain`:
//! what [`verify_did_authentication`](super::verify_did_authentication) accepts.
//!
//! ```
//! use vc_issue::exchange::{
//!     verify_did_authentication, DidAuthExpectation, DidAuthPresentation,
//! };
//! use vc_issue::{DidKeyResolver, Ed25519Signer, Suites};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let wallet = Ed25519Signer::generate();
//! // The challenge and domain come from the exchange's `verifiablePresentationRequest`.
//! let presentation = DidAuthPresentation::new(wallet.verification_method_id(), "c-0a1b2c")
//!     .domain("issuer.example")
//!     .sign(&wallet)
//!     .await?;
//! assert_eq!(presentation["holder"], wallet.did().as_str());
//!
//! let expected = DidAuthExpectation {
//!     challenge: "c-0a1b2c",
//!     domain: "issuer.example",
//!     accepted_methods: &["key".to_owned()],
//! };
//! let did =
//!     verify_did_authentication(&presentation, &expected, &DidKeyResolver, &Suites::default())
//!         .await?;
//! assert_eq!(did, wallet.did());
//! # Ok(()) }
//! ```

use std::sync::Arc;

use serde_json::Value;
use vc_core::{DataModelVersion, DateTime, DidUrl, Entity, OneOrMany, Presentation};

use crate::crypto::secured_document::SecuredDocument;
use crate::crypto::signer::Signer;
use crate::crypto::suites::{DataIntegritySuite, ProofOptions, ProofSuite};
use crate::error::IssueError;

/// A DID Authentication presentation to sign: [`new`](Self::new) with the holder's verification
/// method and the request's challenge, the optional parts as methods, then [`sign`](Self::sign).
#[derive(Debug, Clone)]
pub struct DidAuthPresentation {
    verification_method: DidUrl,
    challenge: String,
    holder: Entity,
    domain: Option<String>,
    created: Option<DateTime>,
    suite: Option<Arc<dyn ProofSuite>>,
}

impl DidAuthPresentation {
    /// A presentation by the DID of `verification_method` (its `holder`), to be signed by that
    /// method's key over `challenge`; no `domain`, no `created`, signed with `eddsa-jcs-2022`
    /// unless the methods below say otherwise.
    pub fn new(verification_method: DidUrl, challenge: impl Into<String>) -> Self {
        Self {
            holder: Entity::from(verification_method.to_did()),
            verification_method,
            challenge: challenge.into(),
            domain: None,
            created: None,
            suite: None,
        }
    }

    /// The domain the proof is bound to (the request's `domain`; a verifier refuses a proof
    /// without it).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// The proof's `created` time (omitted when not set).
    pub fn created(mut self, created: DateTime) -> Self {
        self.created = Some(created);
        self
    }

    /// Another `holder` than the signing DID: an object with more properties about it, say. A
    /// verifier refuses a holder whose id is not the DID that signs.
    pub fn holder(mut self, holder: impl Into<Entity>) -> Self {
        self.holder = holder.into();
        self
    }

    /// The proof suite to sign with (one from [`Suites`](crate::Suites), say) instead of
    /// `eddsa-jcs-2022`; the signer's key must be of the suite's key type, and the suite must
    /// put the challenge and domain into its proof (`JcsEd25519Signature2020` does not, and
    /// [`sign`](Self::sign) refuses it).
    pub fn suite(mut self, suite: Arc<dyn ProofSuite>) -> Self {
        self.suite = Some(suite);
        self
    }

    /// Signs the presentation with `signer` (the verification method's key) and returns it as
    /// JSON, the `verifiablePresentation` a wallet posts to the exchange.
    ///
    /// A suite that leaves the challenge or domain out of its proof is refused with
    /// [`IssueError::InvalidRequest`]: such a proof would be refused by every verifier.
    pub async fn sign(&self, signer: &dyn Signer) -> Result<Value, IssueError> {
        let mut presentation = Presentation::new(DataModelVersion::V2, self.holder.clone());
        let options = ProofOptions::authentication(
            self.verification_method.clone(),
            self.created.clone(),
            self.challenge.clone(),
            self.domain.clone(),
        );
        let proof = match &self.suite {
            Some(suite) => suite.sign_document(&presentation, &options, signer).await?,
            None => {
                DataIntegritySuite::eddsa_jcs_2022()
                    .sign_document(&presentation, &options, signer)
                    .await?
            }
        };
        let bound = proof.challenge.as_deref() == Some(self.challenge.as_str())
            && proof.domain.as_ref().map(OneOrMany::as_slice)
                == self.domain.as_ref().map(std::slice::from_ref);
        if !bound {
            return Err(IssueError::InvalidRequest {
                reason: "the proof suite does not bind its proof to the challenge and domain"
                    .to_owned(),
            });
        }
        presentation.add_proof(proof);
        Ok(presentation.to_value()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "rdfc")]
    use crate::crypto::proof_type::ProofType;
    use crate::crypto::signer::Ed25519Signer;
    use crate::crypto::suites::Suites;
    use crate::exchange::{verify_did_authentication, DidAuthExpectation, ExchangeError};
    use crate::pipeline::resolver::DidKeyResolver;

    async fn check(presentation: &Value, challenge: &str) -> Result<vc_core::Did, ExchangeError> {
        let expected = DidAuthExpectation {
            challenge,
            domain: "issuer.example",
            accepted_methods: &["key".to_owned()],
        };
        verify_did_authentication(presentation, &expected, &DidKeyResolver, &Suites::default())
            .await
    }

    #[tokio::test]
    async fn passes_the_did_auth_check_only_with_its_challenge() {
        let key = Ed25519Signer::from_seed(&[3; 32]);
        let created = DateTime::parse("2025-06-01T00:00:00Z").unwrap();
        let presentation = DidAuthPresentation::new(key.verification_method_id(), "challenge-1")
            .domain("issuer.example")
            .created(created)
            .sign(&key)
            .await
            .unwrap();
        assert_eq!(
            presentation["type"],
            serde_json::json!(["VerifiablePresentation"])
        );
        assert_eq!(presentation["proof"]["proofPurpose"], "authentication");
        assert_eq!(presentation["proof"]["created"], "2025-06-01T00:00:00Z");
        assert_eq!(
            check(&presentation, "challenge-1").await.unwrap(),
            key.did()
        );
        assert!(matches!(
            check(&presentation, "challenge-2").await,
            Err(ExchangeError::WrongChallenge)
        ));
    }

    #[tokio::test]
    async fn refuses_a_missing_domain_at_the_check() {
        let key = Ed25519Signer::from_seed(&[4; 32]);
        let no_domain = DidAuthPresentation::new(key.verification_method_id(), "c")
            .sign(&key)
            .await
            .unwrap();
        assert!(no_domain["proof"].get("domain").is_none());
        assert!(matches!(
            check(&no_domain, "c").await,
            Err(ExchangeError::WrongDomain { .. })
        ));
    }

    #[tokio::test]
    async fn refuses_a_suite_that_drops_the_challenge() {
        let key = Ed25519Signer::from_seed(&[6; 32]);
        let err = DidAuthPresentation::new(key.verification_method_id(), "c")
            .domain("issuer.example")
            .suite(Arc::new(crate::crypto::suites::JcsEd25519Signature2020))
            .sign(&key)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "INVALID_REQUEST");
    }

    #[cfg(feature = "rdfc")]
    #[tokio::test]
    async fn signs_with_the_chosen_suite() {
        let key = Ed25519Signer::from_seed(&[5; 32]);
        let suites = Suites::default();
        let suite = suites.get(&ProofType::EddsaRdfc2022).unwrap();
        let presentation = DidAuthPresentation::new(key.verification_method_id(), "c")
            .domain("issuer.example")
            .suite(suite.clone())
            .sign(&key)
            .await
            .unwrap();
        assert_eq!(presentation["proof"]["cryptosuite"], "eddsa-rdfc-2022");
        assert_eq!(check(&presentation, "c").await.unwrap(), key.did());
    }
}
