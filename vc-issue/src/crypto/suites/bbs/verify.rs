//! The verifier's check of a derived proof (`createVerifyData` + BBS `ProofVerify`).

use serde_json::Value;
use vc_core::{Proof, PublicKey};
use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
use zkryptium::schemes::algorithms::BBSplus;
use zkryptium::schemes::generics::PoKSignature;

use super::base_proof::{bbs_header, bbs_public_key, canonicalization, messages, proof_hash};
use super::cbor::DerivedProofValue;
use crate::crypto::suites::selective::label_map::b_label;
use crate::crypto::suites::selective::verify_data::revealed_quads;
use crate::crypto::suites::RdfcCanonicalizer;
use crate::crypto::verify::VerifyError;

/// Size of the fixed part of a BBS proof: `Abar`, `Bbar`, `D` (G1) and `e^`, `r1^`, `r3^`,
/// challenge (scalars).
const PROOF_FIXED_LEN: usize = 3 * 48 + 4 * 32;

/// Checks the derived proof `value` (of `proof`) on `document` (without its proofs) with `key`.
pub(super) fn verify_derived(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    proof: &Proof,
    value: &DerivedProofValue,
    key: &PublicKey,
) -> Result<(), VerifyError> {
    let malformed = |reason: &str| VerifyError::MalformedProof {
        reason: reason.to_owned(),
    };
    let public_key = bbs_public_key(key)?;
    let hash = proof_hash(canonicalizer, proof, document).map_err(canonicalization)?;

    let revealed = revealed_quads(
        canonicalizer,
        document,
        |n| value.label_map.get(&n).map(|m| b_label(*m)),
        &value.mandatory_indexes,
    )?;
    let (mandatory, disclosed) = (revealed.mandatory, revealed.disclosed);
    let header = bbs_header(&hash, &mandatory);

    // Checks that keep malformed input away from the BBS library's assumptions.
    let selective: Vec<usize> = value
        .selective_indexes
        .iter()
        .map(|&i| usize::try_from(i).map_err(|_| malformed("a selective index is out of range")))
        .collect::<Result<_, _>>()?;
    if selective.len() != disclosed.len() {
        return Err(VerifyError::InvalidSignature);
    }
    if !selective.windows(2).all(|pair| pair[0] < pair[1]) {
        return Err(malformed("selective indexes are not strictly increasing"));
    }
    let proof_bytes = &value.proof;
    if proof_bytes.len() < PROOF_FIXED_LEN
        || !(proof_bytes.len() - PROOF_FIXED_LEN).is_multiple_of(32)
    {
        return Err(malformed("the BBS proof has a wrong length"));
    }
    let undisclosed = (proof_bytes.len() - PROOF_FIXED_LEN) / 32;
    if selective
        .last()
        .is_some_and(|&last| last >= undisclosed + selective.len())
    {
        return Err(VerifyError::InvalidSignature);
    }

    let bbs_proof = PoKSignature::<BBSplus<Bls12381Sha256>>::from_bytes(proof_bytes)
        .map_err(|_| VerifyError::InvalidSignature)?;
    bbs_proof
        .proof_verify(
            &public_key,
            Some(&messages(&disclosed)),
            Some(&selective),
            Some(&header),
            Some(&value.presentation_header),
        )
        .map_err(|_| VerifyError::InvalidSignature)
}
