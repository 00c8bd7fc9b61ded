//! [`Bbs2023Suite`]: `bbs-2023` as a [`ProofSuite`] (base proofs when signing, derived or base
//! proofs when verifying) and the holder's derivation.

use std::sync::Arc;

use async_trait::async_trait;
use vc_core::context::DATA_INTEGRITY_V2;
use vc_core::did_key::KeyType;
use vc_core::{Credential, DataModelVersion, Proof, PublicKey};
use zeroize::Zeroizing;

use super::cbor::{BaseProofValue, DerivedProofValue};
use super::{base_proof, derived_proof, verify, CRYPTOSUITE};
use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::{unsecured_json, SecuredDocument};
use crate::crypto::signer::{BbsSigner, Signer};
use crate::crypto::suites::selective::mandatory::Mandatory;
use crate::crypto::suites::selective::verify_data::checked_proof_value;
use crate::crypto::suites::{ProofOptions, ProofSuite, RdfcCanonicalizer};
use crate::crypto::verify::VerifyError;
use crate::error::IssueError;

/// The `bbs-2023` cryptosuite (see the [module documentation](super)).
///
/// Signing (the pipeline's [`ProofSuite::sign`]) needs a signer whose [`Signer::as_bbs`] is a
/// [`BbsSigner`], such as [`Bls12381G2Signer`](crate::crypto::signer::Bls12381G2Signer), and a fresh HMAC
/// key is drawn for every credential.
#[derive(Debug, Clone)]
pub struct Bbs2023Suite {
    canonicalizer: Arc<RdfcCanonicalizer>,
    mandatory: Mandatory,
}

impl Default for Bbs2023Suite {
    /// Bundled contexts, [`DEFAULT_MANDATORY_POINTERS`](super::DEFAULT_MANDATORY_POINTERS).
    fn default() -> Self {
        Self::new(Arc::new(RdfcCanonicalizer::default()))
    }
}

impl Bbs2023Suite {
    /// The suite over `canonicalizer` (share one with the `-rdfc-` suites to share processed
    /// contexts), with [`DEFAULT_MANDATORY_POINTERS`](super::DEFAULT_MANDATORY_POINTERS).
    pub fn new(canonicalizer: Arc<RdfcCanonicalizer>) -> Self {
        Self {
            canonicalizer,
            mandatory: Mandatory::default(),
        }
    }

    /// Signs with exactly these mandatory JSON pointers (the issuer's choice of what a holder must
    /// always reveal); signing fails with `MANDATORY_POINTER_INVALID` when one selects nothing.
    #[must_use]
    pub fn with_mandatory_pointers<I, S>(mut self, pointers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.mandatory = Mandatory::Exactly(pointers.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a base proof with a given HMAC key instead of a fresh random one: for reproducing test
    /// vectors. Reusing an HMAC key across credentials makes their holders linkable; the pipeline
    /// never does.
    pub async fn sign_with_hmac_key(
        &self,
        credential: Credential,
        options: &ProofOptions,
        signer: &dyn BbsSigner,
        hmac_key: &[u8; 32],
    ) -> Result<Credential, IssueError> {
        let mut credential = credential;
        let proof = self
            .base_proof(&credential, options, signer, hmac_key)
            .await?;
        credential.add_proof(proof);
        Ok(credential)
    }

    /// The base proof of `document` with `hmac_key`.
    async fn base_proof(
        &self,
        document: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn BbsSigner,
        hmac_key: &[u8; 32],
    ) -> Result<Proof, IssueError> {
        let document = unsecured_json(document)?;
        let pointers = self.mandatory.pointers(options, &document);
        base_proof::create(
            &self.canonicalizer,
            &document,
            options,
            signer,
            hmac_key,
            pointers,
        )
        .await
    }

    /// The holder's side: see [`derive_proof`](super::derive_proof).
    pub fn derive_proof(
        &self,
        credential: &Credential,
        selective_pointers: &[String],
        presentation_header: &[u8],
    ) -> Result<Credential, IssueError> {
        derived_proof::derive(
            &self.canonicalizer,
            credential,
            selective_pointers,
            presentation_header,
        )
    }
}

#[async_trait]
impl ProofSuite for Bbs2023Suite {
    fn proof_type(&self) -> ProofType {
        ProofType::Bbs2023
    }

    fn key_type(&self) -> KeyType {
        KeyType::Bls12381G2
    }

    fn required_contexts(&self, version: DataModelVersion) -> &'static [&'static str] {
        match version {
            DataModelVersion::V1 => &[DATA_INTEGRITY_V2],
            _ => &[],
        }
    }

    async fn sign_document(
        &self,
        document: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Proof, IssueError> {
        let bbs = signer
            .as_bbs()
            .filter(|bbs| bbs.bbs_public_key().key_type() == KeyType::Bls12381G2)
            .ok_or(IssueError::SigningFailed { source: None })?;
        let mut hmac_key = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, hmac_key.as_mut_slice());
        self.base_proof(document, options, bbs, &hmac_key).await
    }

    /// Checks a derived proof (`u2V0D…`), or a base proof (`u2V0C…`, the issuer's self-check).
    fn verify_proof(
        &self,
        document: &dyn SecuredDocument,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), VerifyError> {
        let value = checked_proof_value(
            proof,
            CRYPTOSUITE,
            key,
            key.key_type() == KeyType::Bls12381G2,
        )?;
        let malformed = |reason: &str| VerifyError::MalformedProof {
            reason: reason.to_owned(),
        };
        let unsecured = || unsecured_json(document).map_err(base_proof::canonicalization);
        if value.starts_with("u2V0D") {
            let derived = DerivedProofValue::decode(value).map_err(malformed)?;
            verify::verify_derived(&self.canonicalizer, &unsecured()?, proof, &derived, key)
        } else if value.starts_with("u2V0C") {
            let base = BaseProofValue::decode(value).map_err(malformed)?;
            base_proof::verify(&self.canonicalizer, &unsecured()?, proof, &base, key)
        } else {
            Err(malformed(
                "proofValue is neither a bbs-2023 base nor derived proof",
            ))
        }
    }
}
