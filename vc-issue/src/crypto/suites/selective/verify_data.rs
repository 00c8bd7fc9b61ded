//! The verifier's side shared by the selective-disclosure suites (`createVerifyData` up to the
//! suite's own check): the revealed quads under the issuer's labels, split into mandatory and
//! disclosed.

use rdf_types::BlankIdBuf;
use serde_json::Value;
use vc_core::proof::DATA_INTEGRITY_PROOF;
use vc_core::{Proof, PublicKey};

use super::label_map::{canonical_id_map, label_map_from_proof, relabel};
use crate::crypto::suites::RdfcCanonicalizer;
use crate::crypto::verify::VerifyError;

/// The revealed quads of a derived proof.
#[derive(Debug)]
pub(crate) struct Revealed {
    /// The quads at the mandatory indexes, in canonical order.
    pub(crate) mandatory: Vec<String>,
    /// The others (the disclosed signed quads), in canonical order.
    pub(crate) disclosed: Vec<String>,
}

/// Canonicalizes the reveal `document` (without proof), relabels its blank nodes with
/// `label_for` (canonical `N` → the issuer's label), and splits the quads by `mandatory_indexes`.
pub(crate) fn revealed_quads(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    label_for: impl Fn(u64) -> Option<BlankIdBuf>,
    mandatory_indexes: &[u64],
) -> Result<Revealed, VerifyError> {
    let malformed = |reason: &str| VerifyError::MalformedProof {
        reason: reason.to_owned(),
    };
    let quads = canonicalizer
        .quads(document)
        .map_err(|e| VerifyError::Canonicalization {
            source: Some(std::sync::Arc::new(e)),
        })?;
    let not_covered = || malformed("the label map does not cover the revealed blank nodes");
    let label_map =
        label_map_from_proof(&canonical_id_map(&quads), label_for).ok_or_else(not_covered)?;
    let nquads = relabel(&quads, &label_map).ok_or_else(not_covered)?;

    let mut is_mandatory = vec![false; nquads.len()];
    for &index in mandatory_indexes {
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| is_mandatory.get_mut(i))
            .ok_or_else(|| malformed("a mandatory index is out of range"))?;
        *slot = true;
    }
    let mut revealed = Revealed {
        mandatory: Vec::with_capacity(mandatory_indexes.len()),
        disclosed: Vec::with_capacity(nquads.len()),
    };
    for (quad, is_mandatory) in nquads.into_iter().zip(is_mandatory) {
        if is_mandatory {
            revealed.mandatory.push(quad);
        } else {
            revealed.disclosed.push(quad);
        }
    }
    Ok(revealed)
}

/// The `proofValue` of `proof`, once the key fits (`accepts`) and the proof is a
/// `DataIntegrityProof` of `cryptosuite`.
pub(crate) fn checked_proof_value<'p>(
    proof: &'p Proof,
    cryptosuite: &str,
    key: &PublicKey,
    accepts: bool,
) -> Result<&'p str, VerifyError> {
    if !accepts {
        return Err(VerifyError::KeyTypeMismatch {
            suite: cryptosuite.to_owned(),
            key_type: key.key_type().name(),
        });
    }
    let malformed = |reason: String| VerifyError::MalformedProof { reason };
    if proof.type_ != DATA_INTEGRITY_PROOF || proof.cryptosuite.as_deref() != Some(cryptosuite) {
        return Err(malformed(format!("not a {cryptosuite} DataIntegrityProof")));
    }
    proof
        .proof_value
        .as_deref()
        .ok_or_else(|| malformed("no proofValue".to_owned()))
}
