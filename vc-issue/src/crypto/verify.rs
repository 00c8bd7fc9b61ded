//! Verifying what we (or anyone) signed: signatures, proofs, and whole credentials, with their
//! status when the host gives the verifier a [`ResourceLoader`] to fetch status lists with (see
//! [`status_check`](super::status_check)).

use std::sync::Arc;

use ed25519_dalek::{Signature as EdSignature, VerifyingKey};
use vc_core::did_key::KeyType;
use vc_core::{
    Clock, Credential, Did, DidUrl, ErrorCode, Presentation, Proof, PublicKey, SystemClock,
};

use crate::crypto::signer::EcdsaCurve;
use crate::crypto::status_check::{check_status, StatusResult};
use crate::crypto::suites::Suites;
use crate::error::BoxError;
use crate::pipeline::related_resources::ResourceLoader;
use crate::pipeline::resolver::DidResolver;

/// Why a credential or signature did not verify.
///
/// "Checked and invalid" ([`is_invalid`](Self::is_invalid)) is kept apart from "could not check"
/// (resolution failures, unsupported suites), because a caller retries only the latter.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature does not verify. Deliberately says nothing more.
    #[error("invalid signature")]
    InvalidSignature,
    /// The proof is malformed (missing or badly encoded properties).
    #[error("malformed proof: {reason}")]
    MalformedProof {
        /// What is wrong.
        reason: String,
    },
    /// The credential has no proof this verifier can check.
    #[error("no proof to verify")]
    NoProof,
    /// The proof's verification method is not an authorized method of the issuer for the proof's
    /// purpose (or is controlled by someone else).
    #[error(
        "verification method {verification_method} is not authorized for {purpose} by {issuer}"
    )]
    UnauthorizedVerificationMethod {
        /// The verification method.
        verification_method: String,
        /// The proof purpose.
        purpose: String,
        /// The issuer DID.
        issuer: String,
    },
    /// The key type does not fit the suite.
    #[error("key type {key_type} cannot verify {suite}")]
    KeyTypeMismatch {
        /// The suite.
        suite: String,
        /// The key type found.
        key_type: &'static str,
    },
    /// The DID could not be resolved (could not check).
    #[error("could not resolve {did}")]
    ResolutionFailed {
        /// The DID.
        did: String,
        /// The resolver's error.
        #[source]
        source: Option<BoxError>,
    },
    /// The suite is unknown or not compiled in (could not check).
    #[error("unsupported proof suite {suite}")]
    UnsupportedSuite {
        /// The suite name.
        suite: String,
    },
    /// A presentation proof's `challenge` is not the one the verifier expects.
    #[error("the proof's challenge is not the expected one")]
    WrongChallenge,
    /// A presentation proof's `domain` does not include the one the verifier expects.
    #[error("the proof's domain is not the expected one")]
    WrongDomain,
    /// A presentation's `holder` is not the controller of the key that signed it.
    #[error("the presentation's holder did not sign it")]
    HolderMismatch,
    /// Canonicalization failed (could not check).
    #[error("could not canonicalize the document")]
    Canonicalization {
        /// The underlying error.
        #[source]
        source: Option<BoxError>,
    },
    /// A `revocation` entry of the credential is set in its (signed, valid) status list.
    #[error("the credential is revoked (entry {index} of {list})")]
    Revoked {
        /// The `statusListCredential` URL.
        list: String,
        /// The `statusListIndex`.
        index: u64,
    },
    /// A `suspension` entry of the credential is set in its (signed, valid) status list.
    #[error("the credential is suspended (entry {index} of {list})")]
    Suspended {
        /// The `statusListCredential` URL.
        list: String,
        /// The `statusListIndex`.
        index: u64,
    },
    /// The status list could not be fetched: the status is unknown (could not check).
    #[error("the status list {list} could not be fetched")]
    StatusListUnavailable {
        /// The `statusListCredential` URL.
        list: String,
        /// The loader's error (none when the loader holds nothing at that URL).
        #[source]
        source: Option<BoxError>,
    },
    /// The status list credential is malformed, not the issuer's, unsigned, out of its validity
    /// period, of another purpose, or too short (could not check).
    #[error("the status list {list} is unusable: {reason}")]
    StatusListInvalid {
        /// The `statusListCredential` URL.
        list: String,
        /// What is wrong with it.
        reason: String,
        /// The underlying error (the list's proof failure, a decoding error).
        #[source]
        source: Option<BoxError>,
    },
    /// A `credentialStatus` entry of the credential is malformed.
    #[error("malformed credentialStatus entry")]
    StatusEntryInvalid {
        /// The parser's error.
        #[source]
        source: BoxError,
    },
    /// A `credentialStatus` entry has a type this verifier cannot check (could not check).
    #[error("unsupported credentialStatus type {status_type:?}")]
    UnsupportedStatusType {
        /// The entry's type(s).
        status_type: String,
    },
}

impl VerifyError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            VerifyError::InvalidSignature => ErrorCode::INVALID_SIGNATURE,
            VerifyError::MalformedProof { .. } => ErrorCode::MALFORMED_PROOF,
            VerifyError::NoProof => ErrorCode::NO_PROOF,
            VerifyError::UnauthorizedVerificationMethod { .. } => {
                ErrorCode::UNAUTHORIZED_VERIFICATION_METHOD
            }
            VerifyError::KeyTypeMismatch { .. } => ErrorCode::KEY_TYPE_MISMATCH,
            VerifyError::ResolutionFailed { .. } => ErrorCode::RESOLUTION_FAILED,
            VerifyError::UnsupportedSuite { .. } => ErrorCode::UNSUPPORTED_SUITE,
            VerifyError::Canonicalization { .. } => ErrorCode::CANONICALIZATION_FAILED,
            VerifyError::WrongChallenge => ErrorCode::WRONG_CHALLENGE,
            VerifyError::WrongDomain => ErrorCode::WRONG_DOMAIN,
            VerifyError::HolderMismatch => ErrorCode::HOLDER_MISMATCH,
            VerifyError::Revoked { .. } => ErrorCode::CREDENTIAL_REVOKED,
            VerifyError::Suspended { .. } => ErrorCode::CREDENTIAL_SUSPENDED,
            VerifyError::StatusListUnavailable { .. } => ErrorCode::STATUS_LIST_UNAVAILABLE,
            VerifyError::StatusListInvalid { .. } => ErrorCode::STATUS_LIST_CREDENTIAL_INVALID,
            VerifyError::StatusEntryInvalid { .. } => ErrorCode::STATUS_ENTRY_INVALID,
            VerifyError::UnsupportedStatusType { .. } => ErrorCode::UNSUPPORTED_STATUS_TYPE,
        }
    }

    /// Whether the check ran and found the credential invalid (as opposed to "could not check").
    pub fn is_invalid(&self) -> bool {
        matches!(
            self,
            VerifyError::InvalidSignature
                | VerifyError::MalformedProof { .. }
                | VerifyError::NoProof
                | VerifyError::UnauthorizedVerificationMethod { .. }
                | VerifyError::KeyTypeMismatch { .. }
                | VerifyError::WrongChallenge
                | VerifyError::WrongDomain
                | VerifyError::HolderMismatch
                | VerifyError::Revoked { .. }
                | VerifyError::Suspended { .. }
                | VerifyError::StatusEntryInvalid { .. }
        )
    }
}

/// Verifies a raw signature: Ed25519 over the message, or ECDSA P-256/SHA-256 or P-384/SHA-384
/// (`r || s`).
pub fn verify_signature(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), VerifyError> {
    match key.key_type() {
        KeyType::Ed25519 => {
            let key_bytes: &[u8; 32] = key
                .as_bytes()
                .try_into()
                .map_err(|_| VerifyError::InvalidSignature)?;
            let key =
                VerifyingKey::from_bytes(key_bytes).map_err(|_| VerifyError::InvalidSignature)?;
            let signature =
                EdSignature::from_slice(signature).map_err(|_| VerifyError::InvalidSignature)?;
            key.verify_strict(message, &signature)
                .map_err(|_| VerifyError::InvalidSignature)
        }
        KeyType::P256 => ecdsa_result(p256::NistP256::verify(key.as_bytes(), message, signature)),
        KeyType::P384 => ecdsa_result(p384::NistP384::verify(key.as_bytes(), message, signature)),
        _ => Err(VerifyError::UnsupportedSuite {
            suite: key.key_type().name().to_owned(),
        }),
    }
}

fn ecdsa_result(valid: bool) -> Result<(), VerifyError> {
    if valid {
        Ok(())
    } else {
        Err(VerifyError::InvalidSignature)
    }
}

/// A check a verification ran, as the VC API's `checks` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Check {
    /// Every proof (of the presentation and of each credential) verified.
    Proof,
    /// Every `credentialStatus` entry was read from its signed status list.
    Status,
}

impl Check {
    /// The VC API name: `proof`, `status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Proof => "proof",
            Check::Status => "status",
        }
    }
}

/// Something a successful verification could not vouch for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyWarning {
    /// A credential has a `credentialStatus`, but the verifier has no status list loader (or was
    /// asked not to check status), so its status was not checked.
    StatusNotChecked {
        /// The credential's `id`, if it has one.
        credential: Option<String>,
    },
}

impl VerifyWarning {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            VerifyWarning::StatusNotChecked { .. } => ErrorCode::STATUS_NOT_CHECKED,
        }
    }

    /// What the warning says, for people.
    pub fn message(&self) -> String {
        match self {
            VerifyWarning::StatusNotChecked { credential } => format!(
                "the status of credential {} was not checked",
                credential.as_deref().unwrap_or("(without id)")
            ),
        }
    }
}

/// What a successful verification checked, and what it found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// The checks that ran: always [`Check::Proof`]; [`Check::Status`] only when the verifier has
    /// a status list loader.
    pub checks: Vec<Check>,
    /// The value of every `credentialStatus` entry read (none set for `revocation` or
    /// `suspension`: those fail the verification).
    pub statuses: Vec<StatusResult>,
    /// What the verification could not vouch for.
    pub warnings: Vec<VerifyWarning>,
}

/// Verifies credentials end to end: resolves the verification method through a [`DidResolver`],
/// checks that it is an `assertionMethod` of the issuer, and checks every proof with its suite;
/// with a status list loader ([`with_status_loader`](Self::with_status_loader)), also every
/// `credentialStatus` entry (see [`status_check`](super::status_check)).
///
/// Status checking is opt-in because it fetches documents: a verifier without a loader checks
/// proofs only and says so ([`Verification::checks`] has no [`Check::Status`], and a credential
/// with a `credentialStatus` gets a [`VerifyWarning::StatusNotChecked`]).
#[derive(Debug, Clone)]
pub struct CredentialVerifier {
    resolver: Arc<dyn DidResolver>,
    suites: Suites,
    status_loader: Option<Arc<dyn ResourceLoader>>,
    clock: Arc<dyn Clock>,
}

impl CredentialVerifier {
    /// A verifier over `resolver` with every suite compiled in, checking proofs only.
    pub fn new(resolver: Arc<dyn DidResolver>) -> Self {
        Self {
            resolver,
            suites: Suites::default(),
            status_loader: None,
            clock: Arc::new(SystemClock),
        }
    }

    /// Checks `credentialStatus` too, fetching the status list credentials through `loader`
    /// (an HTTP client with a cache, say; the loader decides which URLs it may fetch).
    pub fn with_status_loader(mut self, loader: Arc<dyn ResourceLoader>) -> Self {
        self.status_loader = Some(loader);
        self
    }

    /// This verifier without its status list loader: proofs only.
    pub fn without_status_loader(&self) -> Self {
        Self {
            status_loader: None,
            ..self.clone()
        }
    }

    /// Reads the time (for the status lists' validity periods) from `clock` instead of the
    /// system's.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Whether this verifier checks `credentialStatus`.
    pub fn checks_status(&self) -> bool {
        self.status_loader.is_some()
    }

    /// Verifies every proof of `credential` (at least one is required), and its status when the
    /// verifier has a status list loader: [`verify_report`](Self::verify_report) without the
    /// report.
    pub async fn verify(&self, credential: &Credential) -> Result<(), VerifyError> {
        self.verify_report(credential).await.map(|_| ())
    }

    /// Verifies `credential` as [`verify`](Self::verify) does, and says what was checked.
    pub async fn verify_report(
        &self,
        credential: &Credential,
    ) -> Result<Verification, VerifyError> {
        let mut report = self.report();
        self.verify_into(credential, &mut report).await?;
        Ok(report)
    }

    /// A report with the checks this verifier runs.
    fn report(&self) -> Verification {
        let mut checks = vec![Check::Proof];
        if self.checks_status() {
            checks.push(Check::Status);
        }
        Verification {
            checks,
            ..Verification::default()
        }
    }

    /// Verifies the proofs of `credential`, then its status, adding what it found to `report`.
    async fn verify_into(
        &self,
        credential: &Credential,
        report: &mut Verification,
    ) -> Result<(), VerifyError> {
        self.verify_proofs(credential).await?;
        match &self.status_loader {
            Some(loader) => {
                let statuses =
                    check_status(self, loader.as_ref(), credential, self.clock.now()).await?;
                report.statuses.extend(statuses);
            }
            None if !credential.statuses().is_empty() => {
                report.warnings.push(VerifyWarning::StatusNotChecked {
                    credential: credential.id.clone(),
                });
            }
            None => {}
        }
        Ok(())
    }

    /// Verifies every proof of `credential` (at least one is required), nothing else.
    pub async fn verify_proofs(&self, credential: &Credential) -> Result<(), VerifyError> {
        let proofs = credential.proofs();
        if proofs.is_empty() {
            return Err(VerifyError::NoProof);
        }
        for proof in proofs {
            let key = self
                .authorized_key(proof, credential.issuer_id(), "assertionMethod")
                .await?;
            let suite = self.suites.for_proof(proof)?;
            suite.verify_proof(credential, proof, &key)?;
        }
        Ok(())
    }

    /// Verifies a presentation: each of its proofs (at least one) by a verification method of the
    /// holder (the signer must be the `holder`, when there is one) for the proof's purpose
    /// (`authentication` when it names none), bound to `challenge` and `domain` when given; then
    /// every credential it carries, as [`verify`](Self::verify) does (status included when the
    /// verifier has a loader).
    pub async fn verify_presentation(
        &self,
        presentation: &Presentation,
        challenge: Option<&str>,
        domain: Option<&str>,
    ) -> Result<(), VerifyError> {
        self.verify_presentation_report(presentation, challenge, domain)
            .await
            .map(|_| ())
    }

    /// Verifies a presentation as [`verify_presentation`](Self::verify_presentation) does, and
    /// says what was checked.
    pub async fn verify_presentation_report(
        &self,
        presentation: &Presentation,
        challenge: Option<&str>,
        domain: Option<&str>,
    ) -> Result<Verification, VerifyError> {
        let proofs = presentation.proofs();
        if proofs.is_empty() {
            return Err(VerifyError::NoProof);
        }
        for proof in proofs {
            if challenge.is_some() && proof.challenge.as_deref() != challenge {
                return Err(VerifyError::WrongChallenge);
            }
            if let Some(expected) = domain {
                let bound = proof
                    .domain
                    .as_ref()
                    .is_some_and(|d| d.iter().any(|d| d == expected));
                if !bound {
                    return Err(VerifyError::WrongDomain);
                }
            }
            let signer = proof
                .verification_method
                .as_deref()
                .and_then(|vm| DidUrl::parse(vm).ok())
                .map(|vm| vm.to_did());
            if let (Some(holder), Some(signer)) = (presentation.holder_id(), &signer) {
                if holder != signer.as_str() {
                    return Err(VerifyError::HolderMismatch);
                }
            }
            let controller = signer.map(|did| did.as_str().to_owned());
            let key = self
                .authorized_key(proof, controller.as_deref(), "authentication")
                .await?;
            self.suites
                .for_proof(proof)?
                .verify_proof(presentation, proof, &key)?;
        }
        let credentials = presentation
            .credentials()
            .map_err(|e| VerifyError::MalformedProof {
                reason: format!("verifiableCredential: {e}"),
            })?;
        let mut report = self.report();
        for credential in &credentials {
            self.verify_into(credential, &mut report).await?;
        }
        Ok(report)
    }

    /// The public key of `proof`'s verification method, after checking that its controller is
    /// `controller` (the issuer, the holder) and authorizes it for the proof's purpose
    /// (`default_purpose` when it names none).
    async fn authorized_key(
        &self,
        proof: &Proof,
        controller: Option<&str>,
        default_purpose: &str,
    ) -> Result<PublicKey, VerifyError> {
        let malformed = |reason: &str| VerifyError::MalformedProof {
            reason: reason.to_owned(),
        };
        let method = proof
            .verification_method
            .as_deref()
            .ok_or_else(|| malformed("no verificationMethod"))?;
        let method =
            DidUrl::parse(method).map_err(|_| malformed("verificationMethod is not a DID URL"))?;
        let purpose = proof.proof_purpose.as_deref().unwrap_or(default_purpose);
        let did = method.to_did();
        let unauthorized = || VerifyError::UnauthorizedVerificationMethod {
            verification_method: method.as_str().to_owned(),
            purpose: purpose.to_owned(),
            issuer: controller.unwrap_or_default().to_owned(),
        };
        if controller != Some(did.as_str()) {
            return Err(unauthorized());
        }
        let document = self.resolve(&did).await?;
        let methods = match purpose {
            "assertionMethod" => document.assertion_methods(),
            "authentication" => document.authentication_methods(),
            _ => return Err(unauthorized()),
        };
        let found = methods
            .into_iter()
            .find(|m| document.absolute_id(&m.id) == method.as_str())
            .ok_or_else(unauthorized)?;
        found
            .public_key()
            .map_err(|_| malformed("the verification method publishes no usable key"))
    }

    /// The document of `did`, which must resolve and be active.
    pub(crate) async fn resolve(&self, did: &Did) -> Result<vc_core::DidDocument, VerifyError> {
        match self.resolver.resolve(did).await {
            Ok(Some(resolved)) if !resolved.deactivated => Ok(resolved.document),
            Ok(_) => Err(VerifyError::ResolutionFailed {
                did: did.as_str().to_owned(),
                source: None,
            }),
            Err(source) => Err(VerifyError::ResolutionFailed {
                did: did.as_str().to_owned(),
                source: Some(std::sync::Arc::new(source)),
            }),
        }
    }
}
