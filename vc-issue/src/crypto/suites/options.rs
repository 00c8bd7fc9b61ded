//! The options of one proof.

use vc_core::{DateTime, DidUrl, OneOrMany};

/// What a proof says besides its signature: who signs, why, and when.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProofOptions {
    /// The verification method (a DID URL) whose key signs.
    pub verification_method: DidUrl,
    /// `assertionMethod` for credentials, `authentication` for DID Authentication.
    pub proof_purpose: String,
    /// The `created` time; omitted from the proof when `None`.
    pub created: Option<DateTime>,
    /// When the proof expires.
    pub expires: Option<DateTime>,
    /// A verifier's challenge (presentations).
    pub challenge: Option<String>,
    /// The domain(s) the proof is bound to.
    pub domain: Option<OneOrMany<String>>,
}

impl ProofOptions {
    /// Options for an `assertionMethod` proof by `verification_method`, created at `created`.
    pub fn assertion(verification_method: DidUrl, created: Option<DateTime>) -> Self {
        Self {
            verification_method,
            proof_purpose: "assertionMethod".to_owned(),
            created,
            expires: None,
            challenge: None,
            domain: None,
        }
    }

    /// Options for an `authentication` proof (DID Authentication) with a challenge and domain.
    pub fn authentication(
        verification_method: DidUrl,
        created: Option<DateTime>,
        challenge: impl Into<String>,
        domain: Option<String>,
    ) -> Self {
        Self {
            verification_method,
            proof_purpose: "authentication".to_owned(),
            created,
            expires: None,
            challenge: Some(challenge.into()),
            domain: domain.map(OneOrMany::One),
        }
    }
}
