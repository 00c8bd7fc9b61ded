//! `dc+sd-jwt` in the suite registry: what lets the pipeline find an issuer key for it, and lets
//! the generic verifier open one.

use async_trait::async_trait;
use serde_json::Value;
use vc_core::did_key::KeyType;
use vc_core::PublicKey;

use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::SecuredDocument;
use crate::crypto::signer::Signer;
use crate::crypto::suites::{EnvelopingSuite, ProofOptions};
use crate::crypto::verify::VerifyError;
use crate::error::IssueError;
use crate::sd_jwt::decode::{decode, SdJwtParts};
use crate::sd_jwt::jws;

/// `dc+sd-jwt` as a suite of the registry ([`Suites::default`](crate::Suites) has it with the
/// `sd-jwt` feature): Ed25519 (`EdDSA`), P-256 (`ES256`) and P-384 (`ES384`) keys.
///
/// An SD-JWT VC is made from an issuance request (its schema says which claims are selectively
/// disclosable), so the pipeline issues it ([`Issuer::issue`](crate::Issuer::issue) with
/// `proofType: "dc+sd-jwt"`); [`envelop`](EnvelopingSuite::envelop), which gets a finished W3C
/// credential, refuses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SdJwtVcSuite;

#[async_trait]
impl EnvelopingSuite for SdJwtVcSuite {
    fn proof_type(&self) -> ProofType {
        ProofType::DcSdJwt
    }

    fn accepts(&self, key_type: KeyType) -> bool {
        matches!(key_type, KeyType::Ed25519 | KeyType::P256 | KeyType::P384)
    }

    async fn envelop(
        &self,
        _document: &dyn SecuredDocument,
        _options: &ProofOptions,
        _signer: &dyn Signer,
    ) -> Result<String, IssueError> {
        Err(IssueError::UnsupportedProofType {
            proof_type: ProofType::DcSdJwt.as_str().to_owned(),
            hint: Some("an SD-JWT VC is issued from an issuance request (Issuer::issue), not from a finished credential"),
        })
    }

    fn key_id(&self, envelope: &str) -> Result<String, VerifyError> {
        let parts = SdJwtParts::parse(envelope).map_err(malformed)?;
        let token = jws::read(parts.jwt, |reason| crate::sd_jwt::SdJwtError::Malformed {
            reason,
        })
        .map_err(malformed)?;
        token
            .header
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| VerifyError::MalformedProof {
                reason: "no kid".into(),
            })
    }

    fn open(&self, envelope: &str, key: &PublicKey) -> Result<Value, VerifyError> {
        let parts = SdJwtParts::parse(envelope).map_err(malformed)?;
        if !jws::signature_valid(parts.jwt, key) {
            return Err(VerifyError::InvalidSignature);
        }
        let token = jws::read(parts.jwt, |reason| crate::sd_jwt::SdJwtError::Malformed {
            reason,
        })
        .map_err(malformed)?;
        let decoded = decode(&token.payload, &parts.disclosures).map_err(malformed)?;
        Ok(Value::Object(decoded.claims))
    }
}

fn malformed(e: crate::sd_jwt::SdJwtError) -> VerifyError {
    VerifyError::MalformedProof {
        reason: e.to_string(),
    }
}
