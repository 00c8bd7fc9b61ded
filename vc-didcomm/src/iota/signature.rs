//! The holder's signature over a `signatureChallenge`.
//!
//! # Construction
//!
//! The spec asks for "a signature of the holder on the `signatureChallenge`" as a `proof`, without
//! fixing the suite. This crate makes it a W3C Data Integrity proof with the `eddsa-jcs-2022`
//! cryptosuite, which needs no JSON-LD contexts:
//!
//! 1. The secured document is the `signatureChallenge` object itself,
//!    `{"challenge": …, "credentialHash": …}`, and nothing else.
//! 2. The proof options are `type: DataIntegrityProof`, `cryptosuite: eddsa-jcs-2022`,
//!    `proofPurpose: authentication`, `challenge:` the challenge string, `created:` the holder's
//!    clock, and `verificationMethod:` one of the holder's `authentication` methods.
//! 3. The signature is Ed25519 over SHA-256(JCS(proof options)) ‖ SHA-256(JCS(document)), encoded
//!    as base58btc multibase in `proofValue` (the `eddsa-jcs-2022` algorithm, run by vc-issue's
//!    `DataIntegritySuite`).
//!
//! A verifier accepts the proof when its `verificationMethod` belongs to the expected holder DID,
//! the DID resolves (through the host's [`DidResolver`]) and is not deactivated, the method is
//! listed under `authentication` in the current DID document (a removed, i.e. revoked, method no
//! longer is), `proofPurpose` is `authentication`, `challenge` equals the challenge, and the
//! signature verifies over the challenge object as received.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::json;
use vc_core::{Credential, DateTime, Did, DidUrl, Proof};
use vc_issue::crypto::secured_document::JsonDocument;
use vc_issue::crypto::suites::DataIntegritySuite;
use vc_issue::{DidResolver, ProofOptions, ProofSuite, Signer};

use crate::error::{BoxError, Error, Result};

/// The purpose every challenge proof must state.
pub const AUTHENTICATION: &str = "authentication";

/// `signatureChallenge`: what the issuer asks the holder to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureChallenge {
    /// A random string, unique per message.
    pub challenge: String,
    /// base58(SHA-256(JCS(credential))).
    pub credential_hash: String,
}

impl SignatureChallenge {
    /// A challenge over `credential` as it is (with its proof, if it has one).
    pub fn new(challenge: impl Into<String>, credential: &Credential) -> Result<Self> {
        Ok(Self {
            challenge: challenge.into(),
            credential_hash: credential.credential_hash()?,
        })
    }

    /// Checks that `credentialHash` is the hash of `credential`.
    pub fn check_hash(&self, credential: &Credential) -> Result<()> {
        if credential.credential_hash()? == self.credential_hash {
            Ok(())
        } else {
            Err(Error::HashMismatch)
        }
    }

    /// The document the holder's proof secures: the challenge object alone.
    fn document(&self) -> std::result::Result<JsonDocument, vc_issue::IssueError> {
        JsonDocument::new(json!({
            "challenge": self.challenge,
            "credentialHash": self.credential_hash,
        }))
    }
}

/// `signature`: a `signatureChallenge` and the holder's proof over it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeSignature {
    /// The challenge, as the issuer sent it.
    pub signature_challenge: SignatureChallenge,
    /// The holder's proof.
    pub proof: Proof,
}

impl ChallengeSignature {
    /// Signs `challenge` with the holder's `key` (see the [module docs](self) for the exact
    /// construction).
    pub async fn sign(
        challenge: &SignatureChallenge,
        key: &HolderKey,
        created: DateTime,
    ) -> Result<Self> {
        let options = ProofOptions::authentication(
            key.verification_method.clone(),
            Some(created),
            challenge.challenge.clone(),
            None,
        );
        let signing_failed = |e| Error::SigningFailed {
            source: Some(Arc::new(e) as BoxError),
        };
        let document = challenge.document().map_err(signing_failed)?;
        let proof = DataIntegritySuite::eddsa_jcs_2022()
            .sign_document(&document, &options, key.signer.as_ref())
            .await
            .map_err(signing_failed)?;
        Ok(Self {
            signature_challenge: challenge.clone(),
            proof,
        })
    }

    /// Verifies that `holder` signed this challenge with an unrevoked `authentication` method.
    ///
    /// A resolver failure is [`Error::ResolutionFailed`] ("could not check"); everything else that
    /// fails is an opaque [`Error::InvalidSignature`].
    pub async fn verify(&self, holder: &Did, resolver: &dyn DidResolver) -> Result<()> {
        let invalid = |reason: &'static str| Error::InvalidSignature {
            source: Some(Arc::new(Reason(reason)) as BoxError),
        };
        let proof = &self.proof;
        if proof.proof_purpose.as_deref() != Some(AUTHENTICATION) {
            return Err(invalid("proofPurpose is not authentication"));
        }
        if proof.challenge.as_deref() != Some(self.signature_challenge.challenge.as_str()) {
            return Err(invalid(
                "proof challenge differs from the signatureChallenge",
            ));
        }
        let method = proof
            .verification_method
            .as_deref()
            .and_then(|vm| DidUrl::parse(vm).ok())
            .ok_or_else(|| invalid("verificationMethod is not a DID URL"))?;
        if method.did_str() != holder.as_str() {
            return Err(invalid("verificationMethod is not the holder's"));
        }
        let resolved =
            resolver
                .resolve(holder)
                .await
                .map_err(|source| Error::ResolutionFailed {
                    did: holder.to_string(),
                    source: Some(Arc::new(source)),
                })?;
        let document = match resolved {
            Some(resolved) if !resolved.deactivated => resolved.document,
            Some(_) => return Err(invalid("the holder DID is deactivated")),
            None => return Err(invalid("the holder DID does not resolve")),
        };
        let key = document
            .authentication_methods()
            .into_iter()
            .find(|m| document.absolute_id(&m.id) == method.as_str())
            .ok_or_else(|| invalid("not an authentication method of the holder"))?
            .public_key()
            .map_err(|_| invalid("the verification method has no usable key"))?;
        let document =
            self.signature_challenge
                .document()
                .map_err(|e| Error::InvalidSignature {
                    source: Some(Arc::new(e)),
                })?;
        DataIntegritySuite::eddsa_jcs_2022()
            .verify_proof(&document, proof, &key)
            .map_err(|e| Error::InvalidSignature {
                source: Some(Arc::new(e)),
            })
    }
}

#[derive(Debug)]
struct Reason(&'static str);

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Reason {}

/// The holder's key for challenge signatures: an `authentication` verification method and the
/// signer that holds its private key (Ed25519, for `eddsa-jcs-2022`).
#[derive(Debug, Clone)]
pub struct HolderKey {
    verification_method: DidUrl,
    signer: Arc<dyn Signer>,
}

impl HolderKey {
    /// A key for `verification_method`.
    pub fn new(verification_method: DidUrl, signer: Arc<dyn Signer>) -> Self {
        Self {
            verification_method,
            signer,
        }
    }

    /// The holder's DID (the verification method's DID).
    pub fn did(&self) -> Did {
        self.verification_method.to_did()
    }

    /// The verification method.
    pub fn verification_method(&self) -> &DidUrl {
        &self.verification_method
    }
}
