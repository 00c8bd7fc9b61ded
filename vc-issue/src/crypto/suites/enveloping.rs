//! Enveloping suites: the document becomes the payload of a signed envelope (`vc+jwt`) instead of
//! carrying an embedded proof.

use std::fmt::Debug;

use async_trait::async_trait;
use serde_json::Value;
use vc_core::did_key::KeyType;
use vc_core::PublicKey;

use super::ProofOptions;
use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::SecuredDocument;
use crate::crypto::signer::Signer;
use crate::crypto::verify::VerifyError;
use crate::error::IssueError;

/// A suite that secures a document by enveloping it (a JWS whose payload is the document).
///
/// Signing is async because the [`Signer`] may be remote; opening is pure CPU work and sync.
#[async_trait]
pub trait EnvelopingSuite: Send + Sync + Debug + 'static {
    /// The proof type a request names this suite by.
    fn proof_type(&self) -> ProofType;

    /// Whether this suite signs with keys of `key_type`.
    fn accepts(&self, key_type: KeyType) -> bool;

    /// `document` enveloped and signed by the key of `options.verification_method` (the
    /// envelope names it, so a verifier can find the key).
    async fn envelop(
        &self,
        document: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<String, IssueError>;

    /// The verification method an envelope names, read without verifying anything (to find the
    /// key to [`open`](Self::open) it with).
    fn key_id(&self, envelope: &str) -> Result<String, VerifyError>;

    /// Checks the envelope's signature with `key` and returns the document it carries.
    fn open(&self, envelope: &str, key: &PublicKey) -> Result<Value, VerifyError>;
}
