//! `JcsEd25519Signature2020`, in the variant of the DIF test vectors and identity.rs: Ed25519 over
//! the raw JCS bytes of the document *including* its proof object (without `signatureValue`), no
//! hashing step, signature in plain base58 as `signatureValue`.

use async_trait::async_trait;
use serde_json::Value;
use vc_core::did_key::KeyType;
use vc_core::{Credential, DataModelVersion, OneOrMany, Proof, PublicKey};

use super::signature_encoding;
use super::{ProofOptions, ProofSuite};
use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::{unsecured_json, SecuredDocument};
use crate::crypto::signer::Signer;
use crate::crypto::verify::{verify_signature, VerifyError};
use crate::error::IssueError;

/// The `type` of the proof.
const TYPE: &str = "JcsEd25519Signature2020";

/// The legacy JCS Ed25519 suite (see the module documentation for the exact variant).
#[derive(Debug, Clone, Copy, Default)]
pub struct JcsEd25519Signature2020;

/// The JCS bytes of the document with exactly `proof` as its proof, as the signature covers them.
fn signing_input(document: &dyn SecuredDocument, proof: &Proof) -> Result<Vec<u8>, IssueError> {
    let mut document = unsecured_json(document)?;
    let mut proof = proof.clone();
    proof.signature_value = None;
    let proof = serde_json::to_value(proof).map_err(|e| IssueError::internal("proof", e))?;
    if let Value::Object(members) = &mut document {
        members.insert("proof".to_owned(), proof);
    }
    Ok(vc_core::jcs::canonicalize_value(&document)?)
}

#[async_trait]
impl ProofSuite for JcsEd25519Signature2020 {
    fn proof_type(&self) -> ProofType {
        ProofType::JcsEd25519Signature2020
    }

    fn key_type(&self) -> KeyType {
        KeyType::Ed25519
    }

    fn required_contexts(&self, _version: DataModelVersion) -> &'static [&'static str] {
        &[]
    }

    async fn sign_document(
        &self,
        document: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Proof, IssueError> {
        if signer.algorithm().key_type() != KeyType::Ed25519 || !document.proofs().is_empty() {
            // The signature covers the single proof object, so this suite cannot join a proof set.
            return Err(IssueError::SigningFailed { source: None });
        }
        let mut proof = Proof::new(TYPE);
        proof.verification_method = Some(options.verification_method.as_str().to_owned());
        proof.created = options.created.clone();
        proof.proof_purpose = Some(options.proof_purpose.clone());
        let input = signing_input(document, &proof)?;
        let signature = signer.sign(&input).await.map_err(IssueError::signing)?;
        proof.signature_value = Some(signature_encoding::encode_plain(&signature));
        Ok(proof)
    }

    async fn sign(
        &self,
        mut credential: Credential,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Credential, IssueError> {
        // An empty `proof` array counts as a proof member here, as it always did: the proof
        // replaces it, an object rather than a one-element array.
        if credential.proof.is_some() {
            return Err(IssueError::SigningFailed { source: None });
        }
        let proof = self.sign_document(&credential, options, signer).await?;
        credential.proof = Some(OneOrMany::One(proof));
        Ok(credential)
    }

    fn verify_proof(
        &self,
        document: &dyn SecuredDocument,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), VerifyError> {
        let malformed = |reason: &str| VerifyError::MalformedProof {
            reason: reason.to_owned(),
        };
        if proof.type_ != TYPE {
            return Err(malformed("not a JcsEd25519Signature2020 proof"));
        }
        let signature = proof
            .signature_value
            .as_deref()
            .ok_or_else(|| malformed("no signatureValue"))
            .and_then(|value| {
                signature_encoding::decode_plain(value)
                    .map_err(|_| malformed("signatureValue is not base58"))
            })?;
        let input = signing_input(document, proof).map_err(|e| VerifyError::Canonicalization {
            source: Some(std::sync::Arc::new(e)),
        })?;
        verify_signature(key, &input, &signature)
    }
}
