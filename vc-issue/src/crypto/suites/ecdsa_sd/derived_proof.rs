//! The holder's derived proof (`createDisclosureData`: reveal the mandatory quads and those the
//! selective pointers select, keep the selected quads' signatures) and the verifier's check of it.

use serde_json::Value;
use vc_core::{Credential, Proof, PublicKey};

use super::cbor::{BaseProofValue, DerivedProofValue};
use super::suite::{canonicalization, verify_signatures, EcdsaSd2023Suite};
use super::CRYPTOSUITE;
use crate::crypto::suites::selective::disclosure::{
    disclose_base, with_derived_proof, BaseProofFormat,
};
use crate::crypto::suites::selective::label_map::{hmac_label_map, u_bytes, u_label};
use crate::crypto::suites::selective::transform::proof_hash;
use crate::crypto::suites::selective::verify_data::revealed_quads;
use crate::crypto::suites::RdfcCanonicalizer;
use crate::crypto::verify::VerifyError;
use crate::error::IssueError;

/// Derives an `ecdsa-sd-2023` proof from the base proof of `credential`, revealing the issuer's
/// mandatory parts and those selected by `selective_pointers` (JSON pointers into the credential).
///
/// Returns the reveal document with the derived proof in place of the base proof. Uses the bundled
/// contexts; hold an [`EcdsaSd2023Suite`] and call [`EcdsaSd2023Suite::derive_proof`] to reuse
/// processed contexts across calls.
///
/// Errors: `BASE_PROOF_INVALID` (no `ecdsa-sd-2023` base proof, one that does not decode, or one
/// that does not fit the credential), `SELECTIVE_POINTER_INVALID` (a pointer that is malformed or
/// selects nothing), `UNKNOWN_CONTEXT`, `INVALID_REQUEST` (a credential that cannot be
/// canonicalized).
pub fn derive_proof(
    credential: &Credential,
    selective_pointers: &[String],
) -> Result<Credential, IssueError> {
    EcdsaSd2023Suite::default().derive_proof(credential, selective_pointers)
}

/// How a ecdsa-sd-2023 derivation reads its base proof.
const BASE: BaseProofFormat<BaseProofValue> = BaseProofFormat {
    cryptosuite: CRYPTOSUITE,
    decode: BaseProofValue::decode,
    parts: |base| (&base.hmac_key, &base.mandatory_pointers),
    label_map: hmac_label_map,
};

/// See [`derive_proof`].
pub(super) fn derive(
    canonicalizer: &RdfcCanonicalizer,
    credential: &Credential,
    selective_pointers: &[String],
) -> Result<Credential, IssueError> {
    let invalid = |reason| IssueError::BaseProofInvalid { reason };
    let (base_proof, base, disclosure) =
        disclose_base(canonicalizer, credential, &BASE, selective_pointers)?;
    if base.signatures.len() != disclosure.non_mandatory.len() {
        return Err(invalid(
            "the base proof's signatures do not match the credential",
        ));
    }
    let signatures = disclosure
        .selective_indexes
        .iter()
        .filter_map(|&index| base.signatures.get(index).cloned())
        .collect();
    let label_map = disclosure
        .label_map
        .iter()
        .map(|(n, label)| {
            u_bytes(label)
                .map(|digest| (*n, digest))
                .ok_or(IssueError::Internal {
                    context: "ecdsa-sd-2023 label map",
                    source: None,
                })
        })
        .collect::<Result<_, _>>()?;
    let value = DerivedProofValue {
        base_signature: base.base_signature,
        public_key: base.public_key,
        signatures,
        label_map,
        mandatory_indexes: disclosure.mandatory_indexes,
    };
    with_derived_proof(disclosure.reveal, base_proof, value.encode())
}

/// Checks the derived proof `value` (of `proof`) on `document` (without its proofs) with the
/// issuer's `key`.
pub(super) fn verify(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    proof: &Proof,
    value: &DerivedProofValue,
    key: &PublicKey,
) -> Result<(), VerifyError> {
    let hash = proof_hash(canonicalizer, proof, document).map_err(canonicalization)?;
    let revealed = revealed_quads(
        canonicalizer,
        document,
        |n| value.label_map.get(&n).map(|digest| u_label(digest)),
        &value.mandatory_indexes,
    )?;
    verify_signatures(
        key,
        &hash,
        &value.base_signature,
        &value.public_key,
        &revealed.mandatory,
        &revealed.disclosed,
        &value.signatures,
    )
}
