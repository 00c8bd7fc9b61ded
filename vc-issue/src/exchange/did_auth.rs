//! Checking a wallet's DID Authentication presentation.
//!
//! The presentation must carry exactly one proof with `proofPurpose: authentication`, whose
//! `challenge` is the one issued for the exchange step and whose `domain` includes the service's;
//! its `verificationMethod` must be an `authentication` method of a DID whose method the step
//! accepts, resolved through the host's [`DidResolver`]; the presentation's `holder`, if present,
//! must be that DID; and the signature must verify with the proof's suite over the presentation
//! as received (the suites secure any JSON-LD document; the presentation is handed to them as a
//! [`JsonDocument`], which keeps every member as it was).
//!
//! Cheap checks (challenge, domain, method) run before resolution and cryptography.

use serde_json::Value;
use vc_core::{DidUrl, Presentation};

use super::error::ExchangeError;
use crate::crypto::secured_document::JsonDocument;
use crate::crypto::suites::Suites;
use crate::crypto::verify::VerifyError;
use crate::pipeline::resolver::DidResolver;

/// The proof purpose of a DID Authentication proof.
pub const AUTHENTICATION: &str = "authentication";

/// What a DID Authentication presentation must match.
#[derive(Debug, Clone, Copy)]
pub struct DidAuthExpectation<'a> {
    /// The challenge issued for this step.
    pub challenge: &'a str,
    /// The service's domain.
    pub domain: &'a str,
    /// The DID methods accepted (`"key"` for `did:key`).
    pub accepted_methods: &'a [String],
}

fn invalid(reason: &'static str) -> ExchangeError {
    ExchangeError::InvalidPresentation {
        reason,
        source: None,
    }
}

/// Verifies `presentation` against `expected` and returns the DID that authenticated.
pub async fn verify_did_authentication(
    presentation: &Value,
    expected: &DidAuthExpectation<'_>,
    resolver: &dyn DidResolver,
    suites: &Suites,
) -> Result<vc_core::Did, ExchangeError> {
    if !presentation.is_object() {
        return Err(invalid(
            "verifiablePresentation must be a JSON object with an embedded proof",
        ));
    }
    let parsed = Presentation::from_value(presentation.clone())
        .map_err(|_| invalid("not a verifiable presentation"))?;
    if !parsed.has_type(vc_core::presentation::VERIFIABLE_PRESENTATION) {
        return Err(invalid("type does not include VerifiablePresentation"));
    }
    let mut proofs = parsed
        .proofs()
        .iter()
        .filter(|p| p.proof_purpose.as_deref() == Some(AUTHENTICATION));
    let proof = proofs
        .next()
        .ok_or_else(|| invalid("no proof with proofPurpose authentication"))?;
    if proofs.next().is_some() {
        return Err(invalid("more than one authentication proof"));
    }
    if proof.challenge.as_deref() != Some(expected.challenge) {
        return Err(ExchangeError::WrongChallenge);
    }
    let domain_matches = proof
        .domain
        .as_ref()
        .is_some_and(|d| d.iter().any(|d| d == expected.domain));
    if !domain_matches {
        return Err(ExchangeError::WrongDomain {
            expected: expected.domain.to_owned(),
        });
    }
    let method = proof
        .verification_method
        .as_deref()
        .and_then(|vm| DidUrl::parse(vm).ok())
        .ok_or_else(|| invalid("verificationMethod is not a DID URL"))?;
    let did = method.to_did();
    if !expected.accepted_methods.iter().any(|m| m == did.method()) {
        return Err(ExchangeError::UnsupportedDidMethod {
            method: did.method().to_owned(),
        });
    }
    if parsed
        .holder_id()
        .is_some_and(|holder| holder != did.as_str())
    {
        return Err(ExchangeError::HolderMismatch);
    }
    let document = match resolver.resolve(&did).await {
        Ok(Some(resolved)) if !resolved.deactivated => resolved.document,
        Ok(_) => return Err(invalid("the DID does not resolve or is deactivated")),
        Err(source) => {
            return Err(ExchangeError::PresentationNotChecked {
                source: VerifyError::ResolutionFailed {
                    did: did.as_str().to_owned(),
                    source: Some(std::sync::Arc::new(source)),
                },
            })
        }
    };
    let key = document
        .authentication_methods()
        .into_iter()
        .find(|m| document.absolute_id(&m.id) == method.as_str())
        .ok_or_else(|| invalid("verificationMethod is not an authentication method of the DID"))?
        .public_key()
        .map_err(|_| invalid("the verification method publishes no usable key"))?;
    let suite = suites
        .for_proof(proof)
        .map_err(|_| invalid("unsupported proof suite"))?;
    let document = JsonDocument::new(presentation.clone())
        .map_err(|_| invalid("not a verifiable presentation"))?;
    suite
        .verify_proof(&document, proof, &key)
        .map_err(|e| ExchangeError::InvalidPresentation {
            reason: "the proof does not verify",
            source: Some(std::sync::Arc::new(e)),
        })?;
    Ok(did)
}
