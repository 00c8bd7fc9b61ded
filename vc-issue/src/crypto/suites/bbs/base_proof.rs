//! The issuer's base proof: transformation (HMAC-relabelled canonical N-Quads split into mandatory
//! and non-mandatory), hashing (the BBS header), serialization (the BBS signature over the
//! non-mandatory quads, `u2V0C…`), and the issuer's own check of it.

use std::sync::Arc;

use serde_json::Value;
use vc_core::did_key::KeyType;
use vc_core::{Proof, PublicKey};
use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
use zkryptium::bbsplus::keys::BBSplusPublicKey;
use zkryptium::schemes::algorithms::BBSplus;
use zkryptium::schemes::generics::Signature;

use super::cbor::BaseProofValue;
use super::CRYPTOSUITE;
use crate::crypto::signer::BbsSigner;
use crate::crypto::suites::selective::label_map::shuffled_label_map;
use crate::crypto::suites::selective::transform::{self, quads_hash, BaseTransform};
pub(super) use crate::crypto::suites::selective::transform::{proof_config, proof_hash};
use crate::crypto::suites::{ProofOptions, RdfcCanonicalizer};
use crate::crypto::verify::VerifyError;
use crate::error::IssueError;

/// Transformation: relabel with the shuffled HMAC labels of `hmac_key`, group by
/// `mandatory_pointers`.
pub(super) fn transform(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    hmac_key: &[u8],
    mandatory_pointers: &[String],
) -> Result<BaseTransform, IssueError> {
    transform::transform(
        canonicalizer,
        document,
        |canonical| {
            shuffled_label_map(canonical, hmac_key).map_err(|e| IssueError::internal("HMAC key", e))
        },
        mandatory_pointers,
    )
}

/// SHA-256(proof configuration) || SHA-256(joined mandatory quads).
pub(super) fn bbs_header(proof_hash: &[u8; 32], mandatory: &[String]) -> Vec<u8> {
    [proof_hash.as_slice(), &quads_hash(mandatory)].concat()
}

/// The BBS messages: the non-mandatory quads as bytes.
pub(super) fn messages(quads: &[String]) -> Vec<Vec<u8>> {
    quads.iter().map(|q| q.as_bytes().to_vec()).collect()
}

/// The base proof of `document` (without its proofs), with `hmac_key` relabelling blank nodes.
pub(super) async fn create(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    options: &ProofOptions,
    signer: &dyn BbsSigner,
    hmac_key: &[u8; 32],
    mandatory_pointers: Vec<String>,
) -> Result<Proof, IssueError> {
    let public_key = signer.bbs_public_key();
    if public_key.key_type() != KeyType::Bls12381G2 {
        return Err(IssueError::SigningFailed { source: None });
    }
    let mut proof = proof_config(CRYPTOSUITE, document, options);
    let transformed = transform(canonicalizer, document, hmac_key, &mandatory_pointers)?;
    let header = bbs_header(
        &proof_hash(canonicalizer, &proof, document)?,
        &transformed.mandatory,
    );
    let signature = signer
        .bbs_sign(&header, &messages(&transformed.non_mandatory))
        .await
        .map_err(IssueError::signing)?;
    let value = BaseProofValue {
        signature,
        header,
        public_key: public_key.as_bytes().to_vec(),
        hmac_key: hmac_key.to_vec(),
        mandatory_pointers,
    };
    proof.proof_value = Some(
        value
            .encode()
            .map_err(|e| IssueError::internal("bbs-2023 proof value", e))?,
    );
    proof.context = None;
    Ok(proof)
}

/// Checks a base proof of `document` (without its proofs) with `key`: recomputes the header and
/// checks the BBS signature over the non-mandatory quads (what an issuer does before handing the
/// credential out).
pub(super) fn verify(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    proof: &Proof,
    value: &BaseProofValue,
    key: &PublicKey,
) -> Result<(), VerifyError> {
    if value.public_key != key.as_bytes() {
        return Err(VerifyError::InvalidSignature);
    }
    let transformed = transform(
        canonicalizer,
        document,
        &value.hmac_key,
        &value.mandatory_pointers,
    )
    .map_err(|e| match e {
        IssueError::MandatoryPointerInvalid { .. } => VerifyError::InvalidSignature,
        other => canonicalization(other),
    })?;
    let hash = proof_hash(canonicalizer, proof, document).map_err(canonicalization)?;
    if bbs_header(&hash, &transformed.mandatory) != value.header {
        return Err(VerifyError::InvalidSignature);
    }
    let public_key = bbs_public_key(key)?;
    let signature: &[u8; 80] = value
        .signature
        .as_slice()
        .try_into()
        .map_err(|_| VerifyError::InvalidSignature)?;
    let signature = Signature::<BBSplus<Bls12381Sha256>>::from_bytes(signature)
        .map_err(|_| VerifyError::InvalidSignature)?;
    signature
        .verify(
            &public_key,
            Some(&messages(&transformed.non_mandatory)),
            Some(&value.header),
        )
        .map_err(|_| VerifyError::InvalidSignature)
}

/// The zkryptium public key of a BLS12-381 G2 key.
pub(super) fn bbs_public_key(key: &PublicKey) -> Result<BBSplusPublicKey, VerifyError> {
    if key.key_type() != KeyType::Bls12381G2 || key.as_bytes().len() != 96 {
        return Err(VerifyError::KeyTypeMismatch {
            suite: CRYPTOSUITE.to_owned(),
            key_type: key.key_type().name(),
        });
    }
    BBSplusPublicKey::from_bytes(key.as_bytes()).map_err(|_| VerifyError::InvalidSignature)
}

pub(super) fn canonicalization(err: IssueError) -> VerifyError {
    VerifyError::Canonicalization {
        source: Some(Arc::new(err)),
    }
}
