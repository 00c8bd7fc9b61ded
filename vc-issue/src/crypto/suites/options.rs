//! The options of one proof.

use vc_core::{DateTime, DidUrl, OneOrMany, Proof};

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
    /// The selective-disclosure suites' (`bbs-2023`, `ecdsa-sd-2023`) mandatory JSON pointers for
    /// this proof, what a holder must always reveal; `None` leaves the suite's own choice. Other
    /// suites ignore it.
    pub mandatory_pointers: Option<Vec<String>>,
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
            mandatory_pointers: None,
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
            mandatory_pointers: None,
        }
    }

    /// The same options with these mandatory pointers (selective-disclosure suites; each must
    /// select something, or signing fails with `MANDATORY_POINTER_INVALID`).
    #[must_use]
    pub fn with_mandatory_pointers<I, S>(mut self, pointers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.mandatory_pointers = Some(pointers.into_iter().map(Into::into).collect());
        self
    }

    /// The proof these options describe, of `type_name` (and `cryptosuite`), without a value.
    pub(crate) fn proof(&self, type_name: &str, cryptosuite: Option<&str>) -> Proof {
        let mut proof = Proof::new(type_name);
        proof.cryptosuite = cryptosuite.map(str::to_owned);
        proof.created = self.created.clone();
        proof.expires = self.expires.clone();
        proof.verification_method = Some(self.verification_method.as_str().to_owned());
        proof.proof_purpose = Some(self.proof_purpose.clone());
        proof.challenge = self.challenge.clone();
        proof.domain = self.domain.clone();
        proof
    }
}
