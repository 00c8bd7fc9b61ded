//! The holder's derived proof (`createDisclosureData`): reveal the mandatory quads and those the
//! selective pointers select, prove knowledge of the BBS signature over the rest.

use std::collections::BTreeMap;

use vc_core::Credential;
use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
use zkryptium::bbsplus::keys::BBSplusPublicKey;
use zkryptium::schemes::algorithms::BBSplus;
use zkryptium::schemes::generics::PoKSignature;

use super::base_proof::messages;
use super::cbor::{BaseProofValue, DerivedProofValue};
use super::suite::Bbs2023Suite;
use super::CRYPTOSUITE;
use crate::crypto::suites::selective::disclosure::{
    disclose_base, with_derived_proof, BaseProofFormat,
};
use crate::crypto::suites::selective::label_map::{b_index, shuffled_label_map};
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

/// How a bbs-2023 derivation reads its base proof.
const BASE: BaseProofFormat<BaseProofValue> = BaseProofFormat {
    cryptosuite: CRYPTOSUITE,
    decode: BaseProofValue::decode,
    parts: |base| (&base.hmac_key, &base.mandatory_pointers),
    label_map: shuffled_label_map,
};

/// See [`derive_proof`].
pub(super) fn derive(
    canonicalizer: &RdfcCanonicalizer,
    credential: &Credential,
    selective_pointers: &[String],
    presentation_header: &[u8],
) -> Result<Credential, IssueError> {
    let invalid = |reason| IssueError::BaseProofInvalid { reason };
    let (base_proof, base, disclosure) =
        disclose_base(canonicalizer, credential, &BASE, selective_pointers)?;

    let public_key = BBSplusPublicKey::from_bytes(&base.public_key)
        .map_err(|_| invalid("the public key is not a BLS12-381 G2 point"))?;
    let bbs_proof = PoKSignature::<BBSplus<Bls12381Sha256>>::proof_gen(
        &public_key,
        &base.signature,
        Some(&base.header),
        Some(presentation_header),
        Some(&messages(&disclosure.non_mandatory)),
        Some(&disclosure.selective_indexes),
    )
    .map_err(|e| IssueError::SigningFailed {
        source: Some(std::sync::Arc::new(BbsProofError(e.to_string()))),
    })?;

    let mut label_map = BTreeMap::new();
    for (n, label) in &disclosure.label_map {
        let m = b_index(label).ok_or(IssueError::Internal {
            context: "bbs-2023 label map",
            source: None,
        })?;
        label_map.insert(*n, m);
    }
    let value = DerivedProofValue {
        proof: bbs_proof.to_bytes(),
        label_map,
        mandatory_indexes: disclosure.mandatory_indexes,
        selective_indexes: disclosure
            .selective_indexes
            .iter()
            .map(|&i| i as u64)
            .collect(),
        presentation_header: presentation_header.to_vec(),
    };
    with_derived_proof(disclosure.reveal, base_proof, value.encode())
}

/// A failure inside the BBS library while proving.
#[derive(Debug, thiserror::Error)]
#[error("BBS proof generation failed: {0}")]
struct BbsProofError(String);
