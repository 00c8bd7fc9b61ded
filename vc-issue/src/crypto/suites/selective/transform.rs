//! The issuer's side of the selective-disclosure suites before anything is signed: the proof
//! configuration and its hash, and the canonical N-Quads (under HMAC-derived labels) split by the
//! mandatory pointers.

use rdf_types::BlankIdBuf;
use serde_json::Value;
use sha2::{Digest, Sha256};
use vc_core::proof::DATA_INTEGRITY_PROOF;
use vc_core::Proof;

use super::group::{canonicalize_and_group, PointerKind};
use super::label_map::LabelMap;
use crate::crypto::suites::{ProofOptions, RdfcCanonicalizer};
use crate::error::IssueError;

/// The canonical N-Quads of a credential split by the mandatory pointers.
#[derive(Debug)]
pub(crate) struct BaseTransform {
    /// Quads the mandatory pointers select, in canonical order.
    pub(crate) mandatory: Vec<String>,
    /// The others (the quads signed one by one), in canonical order.
    pub(crate) non_mandatory: Vec<String>,
}

/// Transformation: relabel the blank nodes with the map `label_map` makes from the canonical
/// labels, group by `mandatory_pointers`.
pub(crate) fn transform(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    label_map: impl FnOnce(&[(BlankIdBuf, BlankIdBuf)]) -> Result<LabelMap, IssueError>,
    mandatory_pointers: &[String],
) -> Result<BaseTransform, IssueError> {
    let grouped = canonicalize_and_group(
        canonicalizer,
        document,
        label_map,
        &[(mandatory_pointers, PointerKind::Mandatory)],
    )?;
    let group = grouped
        .groups
        .into_iter()
        .next()
        .ok_or(IssueError::Internal {
            context: "selective disclosure grouping",
            source: None,
        })?;
    Ok(BaseTransform {
        mandatory: group.matching.into_values().collect(),
        non_mandatory: group.non_matching.into_values().collect(),
    })
}

/// The proof configuration of `cryptosuite`: the proof's options with the document's `@context`.
pub(crate) fn proof_config(cryptosuite: &str, document: &Value, options: &ProofOptions) -> Proof {
    let mut proof = options.proof(DATA_INTEGRITY_PROOF, Some(cryptosuite));
    proof.context = document.get("@context").cloned();
    proof
}

/// SHA-256 of the canonical proof configuration (`proof` without `proofValue`, with the document's
/// `@context` when it has none).
pub(crate) fn proof_hash(
    canonicalizer: &RdfcCanonicalizer,
    proof: &Proof,
    document: &Value,
) -> Result<[u8; 32], IssueError> {
    let mut config = proof.clone();
    config.proof_value = None;
    if config.context.is_none() {
        config.context = document.get("@context").cloned();
    }
    let config = serde_json::to_value(&config)
        .map_err(|e| IssueError::internal("proof configuration", e))?;
    Ok(Sha256::digest(canonicalizer.canonical_nquads(&config)?.as_bytes()).into())
}

/// SHA-256 of the joined quads (the mandatory hash).
pub(crate) fn quads_hash(quads: &[String]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for line in quads {
        hasher.update(line.as_bytes());
    }
    hasher.finalize().into()
}
