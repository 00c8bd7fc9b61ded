//! The holder's derived proof (`createDisclosureData`): reveal the mandatory quads and those the
//! selective pointers select, prove knowledge of the BBS signature over the rest.

use std::collections::BTreeMap;

use vc_core::{Credential, Proof};
use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
use zkryptium::bbsplus::keys::BBSplusPublicKey;
use zkryptium::schemes::algorithms::BBSplus;
use zkryptium::schemes::generics::PoKSignature;

use super::base_proof::messages;
use super::cbor::{BaseProofValue, DerivedProofValue};
use super::group::{canonicalize_and_group, PointerKind};
use super::label_map::{b_index, c14n_index, canonical_id_map, shuffled_label_map};
use super::selection::select_json_ld;
use super::suite::Bbs2023Suite;
use super::CRYPTOSUITE;
use crate::crypto::suites::RdfcCanonicalizer;
use crate::error::IssueError;

/// Derives a `bbs-2023` proof from the base proof of `credential`, revealing the issuer's
/// mandatory parts and those selected by `selective_pointers` (JSON pointers into the credential),
/// bound to `presentation_header` (empty when the verifier asks for none).
///
/// Returns the reveal document with the derived proof in place of the base proof. Uses the bundled
/// contexts; to reuse processed contexts across calls, or to add contexts, hold a [`Bbs2023Suite`]
/// and call [`Bbs2023Suite::derive_proof`].
///
/// Errors: `BASE_PROOF_INVALID` (no `bbs-2023` base proof, or one that does not decode),
/// `SELECTIVE_POINTER_INVALID` (a pointer that is malformed or selects nothing), `UNKNOWN_CONTEXT`,
/// `INVALID_REQUEST` (a credential that cannot be canonicalized), `SIGNING_FAILED` (the BBS proof
/// could not be made: a base proof whose signature does not match the credential).
pub fn derive_proof(
    credential: &Credential,
    selective_pointers: &[String],
    presentation_header: &[u8],
) -> Result<Credential, IssueError> {
    Bbs2023Suite::default().derive_proof(credential, selective_pointers, presentation_header)
}

/// See [`derive_proof`].
pub(super) fn derive(
    canonicalizer: &RdfcCanonicalizer,
    credential: &Credential,
    selective_pointers: &[String],
    presentation_header: &[u8],
) -> Result<Credential, IssueError> {
    let invalid = |reason| IssueError::BaseProofInvalid { reason };
    let mut base_proofs = credential
        .proofs()
        .iter()
        .filter(|p| p.cryptosuite.as_deref() == Some(CRYPTOSUITE));
    let base_proof = base_proofs
        .next()
        .ok_or_else(|| invalid("the credential has no bbs-2023 proof"))?;
    if base_proofs.next().is_some() {
        return Err(invalid("the credential has more than one bbs-2023 proof"));
    }
    let base = base_proof
        .proof_value
        .as_deref()
        .ok_or_else(|| invalid("the bbs-2023 proof has no proofValue"))
        .and_then(|value| BaseProofValue::decode(value).map_err(invalid))?;
    let document = credential.without_proof().to_value()?;

    let combined: Vec<String> = base
        .mandatory_pointers
        .iter()
        .chain(selective_pointers)
        .cloned()
        .collect();
    let grouped = canonicalize_and_group(
        canonicalizer,
        &document,
        |canonical| {
            shuffled_label_map(canonical, &base.hmac_key)
                .map_err(|e| IssueError::internal("HMAC key", e))
        },
        &[
            (&base.mandatory_pointers, PointerKind::Mandatory),
            (selective_pointers, PointerKind::Selective),
            (&combined, PointerKind::Selective),
        ],
    )
    .map_err(|e| match e {
        // The issuer's pointers selected when it signed; if they no longer do, the credential changed.
        IssueError::MandatoryPointerInvalid { .. } => {
            invalid("the mandatory pointers do not match the credential")
        }
        other => other,
    })?;
    let [mandatory, selective, combined_group] =
        <[_; 3]>::try_from(grouped.groups).map_err(|_| IssueError::Internal {
            context: "bbs-2023 grouping",
            source: None,
        })?;

    // Positions of the mandatory quads among the revealed (combined) quads.
    let combined_indexes: Vec<usize> = combined_group.matching.keys().copied().collect();
    let mandatory_indexes = positions(mandatory.matching.keys(), &combined_indexes)?;
    // Positions of the selected quads among the signed messages (the non-mandatory quads); a
    // selected quad that is also mandatory is revealed through the header instead.
    let non_mandatory_indexes: Vec<usize> = mandatory.non_matching.keys().copied().collect();
    let selective_indexes: Vec<usize> = selective
        .matching
        .keys()
        .filter_map(|index| non_mandatory_indexes.binary_search(index).ok())
        .collect();
    let messages = messages(&mandatory.non_matching.into_values().collect::<Vec<_>>());

    let public_key = BBSplusPublicKey::from_bytes(&base.public_key)
        .map_err(|_| invalid("the public key is not a BLS12-381 G2 point"))?;
    let bbs_proof = PoKSignature::<BBSplus<Bls12381Sha256>>::proof_gen(
        &public_key,
        &base.signature,
        Some(&base.header),
        Some(presentation_header),
        Some(&messages),
        Some(&selective_indexes),
    )
    .map_err(|e| IssueError::SigningFailed {
        source: Some(std::sync::Arc::new(BbsProofError(e.to_string()))),
    })?;

    // The verifier canonicalizes the reveal document; tell it which HMAC label each of its
    // canonical labels stands for.
    let mut label_map = BTreeMap::new();
    for (input, c14n) in canonical_id_map(&combined_group.deskolemized) {
        let hmac_label = grouped.label_map.get(&input);
        match (c14n_index(&c14n), hmac_label.and_then(b_index)) {
            (Some(n), Some(m)) => label_map.insert(n, m),
            _ => {
                return Err(IssueError::Internal {
                    context: "bbs-2023 label map",
                    source: None,
                })
            }
        };
    }

    let reveal = select_json_ld(&document, &combined)
        .map_err(|(pointer, reason)| PointerKind::Selective.error(pointer, reason))?
        .unwrap_or_else(|| serde_json::json!({}));
    let mut revealed = Credential::from_value(reveal)?;
    let value = DerivedProofValue {
        proof: bbs_proof.to_bytes(),
        label_map,
        mandatory_indexes: to_u64(&mandatory_indexes),
        selective_indexes: to_u64(&selective_indexes),
        presentation_header: presentation_header.to_vec(),
    };
    let mut proof: Proof = base_proof.clone();
    proof.proof_value = Some(
        value
            .encode()
            .map_err(|e| IssueError::internal("bbs-2023 proof value", e))?,
    );
    revealed.add_proof(proof);
    Ok(revealed)
}

/// The position of each of `indexes` in `among` (which contains them all, sorted).
fn positions<'a>(
    indexes: impl Iterator<Item = &'a usize>,
    among: &[usize],
) -> Result<Vec<usize>, IssueError> {
    indexes
        .map(|index| {
            among
                .binary_search(index)
                .map_err(|_| IssueError::Internal {
                    context: "bbs-2023 mandatory indexes",
                    source: None,
                })
        })
        .collect()
}

fn to_u64(indexes: &[usize]) -> Vec<u64> {
    indexes.iter().map(|&i| i as u64).collect()
}

/// A failure inside the BBS library while proving.
#[derive(Debug, thiserror::Error)]
#[error("BBS proof generation failed: {0}")]
struct BbsProofError(String);
