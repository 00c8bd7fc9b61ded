//! [`EcdsaSd2023Suite`]: `ecdsa-sd-2023` as a [`ProofSuite`] (base proofs when signing, derived or
//! base proofs when verifying), the issuer's base proof and its check.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use vc_core::context::DATA_INTEGRITY_V2;
use vc_core::did_key::KeyType;
use vc_core::{multicodec, Credential, DataModelVersion, Proof, PublicKey};
use zeroize::Zeroizing;

use super::cbor::{BaseProofValue, DerivedProofValue};
use super::{derived_proof, CRYPTOSUITE};
use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::{unsecured_json, SecuredDocument};
use crate::crypto::signer::{P256Signer, Signer};
use crate::crypto::suites::selective::label_map::hmac_label_map;
use crate::crypto::suites::selective::mandatory::Mandatory;
use crate::crypto::suites::selective::transform::{
    proof_config, proof_hash, quads_hash, transform, BaseTransform,
};
use crate::crypto::suites::selective::verify_data::checked_proof_value;
use crate::crypto::suites::{ProofOptions, ProofSuite, RdfcCanonicalizer};
use crate::crypto::verify::{verify_signature, VerifyError};
use crate::error::IssueError;

/// The `ecdsa-sd-2023` cryptosuite (see the [module documentation](super)).
///
/// Signs with P-256 issuer keys ([`P256Signer`], or a host's); a fresh HMAC key and a fresh
/// ephemeral P-256 key are drawn for every credential. P-384 issuer keys are refused: the base
/// proof value of the specification's implementation (Digital Bazaar's) holds a 64-byte base
/// signature only, so their holders could not derive from a P-384 base proof.
#[derive(Debug, Clone)]
pub struct EcdsaSd2023Suite {
    canonicalizer: Arc<RdfcCanonicalizer>,
    mandatory: Mandatory,
}

impl Default for EcdsaSd2023Suite {
    /// Bundled contexts, [`DEFAULT_MANDATORY_POINTERS`](crate::crypto::suites::DEFAULT_MANDATORY_POINTERS).
    fn default() -> Self {
        Self::new(Arc::new(RdfcCanonicalizer::default()))
    }
}

/// The key types an `ecdsa-sd-2023` issuer signs with.
const ISSUER_KEYS: [KeyType; 1] = [KeyType::P256];

impl EcdsaSd2023Suite {
    /// The suite over `canonicalizer` (share one with the `-rdfc-` suites to share processed
    /// contexts), with the default mandatory pointers.
    pub fn new(canonicalizer: Arc<RdfcCanonicalizer>) -> Self {
        Self {
            canonicalizer,
            mandatory: Mandatory::default(),
        }
    }

    /// Signs with exactly these mandatory JSON pointers unless a request's
    /// [`ProofOptions::mandatory_pointers`] names others; signing fails with
    /// `MANDATORY_POINTER_INVALID` when one selects nothing.
    #[must_use]
    pub fn with_mandatory_pointers<I, S>(mut self, pointers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.mandatory = Mandatory::Exactly(pointers.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a base proof with a given HMAC key and ephemeral proof key instead of fresh random
    /// ones: for reproducing test vectors. Reusing either across credentials makes their holders
    /// linkable; the pipeline never does.
    pub async fn sign_with_keys(
        &self,
        credential: Credential,
        options: &ProofOptions,
        signer: &dyn Signer,
        hmac_key: &[u8; 32],
        proof_key: &P256Signer,
    ) -> Result<Credential, IssueError> {
        let mut credential = credential;
        let proof = self
            .base_proof(&credential, options, signer, hmac_key, proof_key)
            .await?;
        credential.add_proof(proof);
        Ok(credential)
    }

    /// The holder's side: see [`derive_proof`](super::derive_proof).
    pub fn derive_proof(
        &self,
        credential: &Credential,
        selective_pointers: &[String],
    ) -> Result<Credential, IssueError> {
        derived_proof::derive(&self.canonicalizer, credential, selective_pointers)
    }

    fn transform(
        &self,
        document: &Value,
        hmac_key: &[u8],
        pointers: &[String],
    ) -> Result<BaseTransform, IssueError> {
        transform(
            &self.canonicalizer,
            document,
            |canonical| {
                hmac_label_map(canonical, hmac_key).map_err(|e| IssueError::internal("HMAC key", e))
            },
            pointers,
        )
    }

    /// The base proof of `document` (without its proofs).
    async fn base_proof(
        &self,
        document: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn Signer,
        hmac_key: &[u8; 32],
        proof_key: &P256Signer,
    ) -> Result<Proof, IssueError> {
        if !ISSUER_KEYS.contains(&signer.algorithm().key_type()) {
            return Err(IssueError::SigningFailed { source: None });
        }
        let document = unsecured_json(document)?;
        let mandatory_pointers = self.mandatory.pointers(options, &document);
        let mut proof = proof_config(CRYPTOSUITE, &document, options);
        let transformed = self.transform(&document, hmac_key, &mandatory_pointers)?;
        let public_key = proof_key_bytes(proof_key.public_key());
        let to_sign = sign_data(
            &proof_hash(&self.canonicalizer, &proof, &document)?,
            &public_key,
            &transformed.mandatory,
        );
        let base_signature = signer.sign(&to_sign).await.map_err(IssueError::signing)?;
        let value = BaseProofValue {
            base_signature,
            public_key,
            hmac_key: hmac_key.to_vec(),
            signatures: transformed
                .non_mandatory
                .iter()
                .map(|quad| proof_key.sign_now(quad.as_bytes()))
                .collect(),
            mandatory_pointers,
        };
        proof.proof_value = Some(
            value
                .encode()
                .map_err(|e| IssueError::internal("ecdsa-sd-2023 proof value", e))?,
        );
        proof.context = None;
        Ok(proof)
    }

    /// Checks a base proof: recomputes the quads, checks each signature with the proof key and the
    /// base signature with the issuer's `key` (what an issuer does before handing it out).
    fn verify_base(
        &self,
        document: &Value,
        proof: &Proof,
        value: &BaseProofValue,
        key: &PublicKey,
    ) -> Result<(), VerifyError> {
        let transformed = self
            .transform(document, &value.hmac_key, &value.mandatory_pointers)
            .map_err(|e| match e {
                IssueError::MandatoryPointerInvalid { .. } => VerifyError::InvalidSignature,
                other => canonicalization(other),
            })?;
        let hash = proof_hash(&self.canonicalizer, proof, document).map_err(canonicalization)?;
        verify_signatures(
            key,
            &hash,
            &value.base_signature,
            &value.public_key,
            &transformed.mandatory,
            &transformed.non_mandatory,
            &value.signatures,
        )
    }
}

/// `p256-pub` multicodec || compressed point: how the proof value carries the ephemeral key.
fn proof_key_bytes(key: &PublicKey) -> Vec<u8> {
    multicodec::encode(multicodec::P256_PUB, key.as_bytes())
}

/// proof hash || proof key || SHA-256(mandatory quads): what the issuer's key signs.
pub(super) fn sign_data(proof_hash: &[u8; 32], public_key: &[u8], mandatory: &[String]) -> Vec<u8> {
    [proof_hash.as_slice(), public_key, &quads_hash(mandatory)].concat()
}

/// Checks the issuer's base signature over the proof hash, the proof key and the mandatory quads,
/// and the proof key's signature of each non-mandatory quad.
pub(super) fn verify_signatures(
    issuer: &PublicKey,
    proof_hash: &[u8; 32],
    base_signature: &[u8],
    proof_key: &[u8],
    mandatory: &[String],
    non_mandatory: &[String],
    signatures: &[Vec<u8>],
) -> Result<(), VerifyError> {
    if signatures.len() != non_mandatory.len() {
        return Err(VerifyError::InvalidSignature);
    }
    let ephemeral = match multicodec::decode(proof_key) {
        Ok((multicodec::P256_PUB, point)) => {
            PublicKey::new(KeyType::P256, point).map_err(|_| VerifyError::InvalidSignature)?
        }
        _ => {
            return Err(VerifyError::MalformedProof {
                reason: "the proof key is not a P-256 public key".to_owned(),
            })
        }
    };
    for (quad, signature) in non_mandatory.iter().zip(signatures) {
        verify_signature(&ephemeral, quad.as_bytes(), signature)?;
    }
    verify_signature(
        issuer,
        &sign_data(proof_hash, proof_key, mandatory),
        base_signature,
    )
}

pub(super) fn canonicalization(err: IssueError) -> VerifyError {
    VerifyError::Canonicalization {
        source: Some(Arc::new(err)),
    }
}

#[async_trait]
impl ProofSuite for EcdsaSd2023Suite {
    fn proof_type(&self) -> ProofType {
        ProofType::EcdsaSd2023
    }

    fn key_type(&self) -> KeyType {
        KeyType::P256
    }

    fn accepts_key(&self, key_type: KeyType) -> bool {
        ISSUER_KEYS.contains(&key_type)
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
        let mut hmac_key = Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, hmac_key.as_mut_slice());
        let proof_key = P256Signer::generate();
        self.base_proof(document, options, signer, &hmac_key, &proof_key)
            .await
    }

    /// Checks a derived proof (`u2V0B…`), or a base proof (`u2V0A…`, the issuer's self-check).
    fn verify_proof(
        &self,
        document: &dyn SecuredDocument,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), VerifyError> {
        let value = checked_proof_value(proof, CRYPTOSUITE, key, self.accepts_key(key.key_type()))?;
        let malformed = |reason: &str| VerifyError::MalformedProof {
            reason: reason.to_owned(),
        };
        let unsecured = || unsecured_json(document).map_err(canonicalization);
        if value.starts_with("u2V0B") {
            let derived = DerivedProofValue::decode(value).map_err(malformed)?;
            derived_proof::verify(&self.canonicalizer, &unsecured()?, proof, &derived, key)
        } else if value.starts_with("u2V0A") {
            let base = BaseProofValue::decode(value).map_err(malformed)?;
            self.verify_base(&unsecured()?, proof, &base, key)
        } else {
            Err(malformed(
                "proofValue is neither an ecdsa-sd-2023 base nor derived proof",
            ))
        }
    }
}
