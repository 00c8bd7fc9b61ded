//! The holder's side shared by the selective-disclosure suites (`createDisclosureData` up to the
//! suite's own proof): which quads are revealed, where the mandatory ones sit among them, which
//! signed quads are disclosed, the reveal document, and the label map its verifier needs.

use hmac::digest::InvalidLength;
use rdf_types::BlankIdBuf;
use serde_json::{json, Value};
use vc_core::{Credential, Proof};

use super::group::{canonicalize_and_group, PointerKind};
use super::label_map::{c14n_index, canonical_id_map, LabelMap};
use super::selection::select_json_ld;
use crate::crypto::suites::RdfcCanonicalizer;
use crate::error::IssueError;

/// What a holder reveals of a credential.
#[derive(Debug)]
pub(crate) struct Disclosure {
    /// The quads the issuer signed one by one (the non-mandatory ones), in canonical order.
    pub(crate) non_mandatory: Vec<String>,
    /// Positions of the mandatory quads among the revealed quads.
    pub(crate) mandatory_indexes: Vec<u64>,
    /// Positions of the selected non-mandatory quads among [`non_mandatory`](Self::non_mandatory)
    /// (a selected quad that is also mandatory is revealed as mandatory).
    pub(crate) selective_indexes: Vec<usize>,
    /// Canonical label `N` of `_:c14nN` in the reveal document → the issuer's label of that node.
    pub(crate) label_map: Vec<(u64, BlankIdBuf)>,
    /// The reveal document (without proof).
    pub(crate) reveal: Credential,
}

/// How a cryptosuite's derivation reads its base proof: the value's decoder, the HMAC key and the
/// issuer's mandatory pointers in a decoded value, and how blank node labels are made from the key.
pub(crate) struct BaseProofFormat<B> {
    /// The `cryptosuite` of the base proof.
    pub(crate) cryptosuite: &'static str,
    /// Decodes a `proofValue`.
    pub(crate) decode: fn(&str) -> Result<B, &'static str>,
    /// The HMAC key and the mandatory pointers of a decoded value.
    pub(crate) parts: fn(&B) -> (&[u8], &[String]),
    /// The issuer's blank node labels, from the canonical ones and the HMAC key.
    pub(crate) label_map: LabelMapFn,
}

/// Makes the issuer's blank node labels from the canonical ones and the HMAC key.
type LabelMapFn = fn(&[(BlankIdBuf, BlankIdBuf)], &[u8]) -> Result<LabelMap, InvalidLength>;

/// The start of every derivation: the base proof of `credential` in `format`, decoded, and what
/// `selective_pointers` reveal of the credential under the issuer's blank node labels.
pub(crate) fn disclose_base<'a, B>(
    canonicalizer: &RdfcCanonicalizer,
    credential: &'a Credential,
    format: &BaseProofFormat<B>,
    selective_pointers: &[String],
) -> Result<(&'a Proof, B, Disclosure), IssueError> {
    let (base_proof, base) = decoded_base_proof(credential, format.cryptosuite, format.decode)?;
    let document = credential.without_proof().to_value()?;
    let (hmac_key, mandatory_pointers) = (format.parts)(&base);
    let disclosure = disclose(
        canonicalizer,
        &document,
        |canonical| {
            (format.label_map)(canonical, hmac_key).map_err(|e| IssueError::internal("HMAC key", e))
        },
        mandatory_pointers,
        selective_pointers,
    )?;
    Ok((base_proof, base, disclosure))
}

/// The one proof of `credential` with `cryptosuite` and its `proofValue` decoded with `decode`, or
/// `BASE_PROOF_INVALID`.
fn decoded_base_proof<'a, T>(
    credential: &'a Credential,
    cryptosuite: &str,
    decode: impl FnOnce(&str) -> Result<T, &'static str>,
) -> Result<(&'a Proof, T), IssueError> {
    let proof = base_proof(credential, cryptosuite)?;
    let value = proof
        .proof_value
        .as_deref()
        .ok_or(IssueError::BaseProofInvalid {
            reason: "the base proof has no proofValue",
        })?;
    let decoded = decode(value).map_err(|reason| IssueError::BaseProofInvalid { reason })?;
    Ok((proof, decoded))
}

/// `reveal` with `base_proof` in place, carrying `proof_value` (the derived proof's encoding).
pub(crate) fn with_derived_proof(
    mut reveal: Credential,
    base_proof: &Proof,
    proof_value: Result<String, ciborium::ser::Error<std::io::Error>>,
) -> Result<Credential, IssueError> {
    let mut proof = base_proof.clone();
    proof.proof_value =
        Some(proof_value.map_err(|e| IssueError::internal("derived proof value", e))?);
    reveal.add_proof(proof);
    Ok(reveal)
}

/// The one proof of `credential` with `cryptosuite`, or `BASE_PROOF_INVALID`.
pub(crate) fn base_proof<'a>(
    credential: &'a Credential,
    cryptosuite: &str,
) -> Result<&'a Proof, IssueError> {
    let invalid = |reason| IssueError::BaseProofInvalid { reason };
    let mut proofs = credential
        .proofs()
        .iter()
        .filter(|p| p.cryptosuite.as_deref() == Some(cryptosuite));
    let proof = proofs
        .next()
        .ok_or_else(|| invalid("the credential has no base proof of the suite"))?;
    if proofs.next().is_some() {
        return Err(invalid(
            "the credential has more than one base proof of the suite",
        ));
    }
    Ok(proof)
}

/// Groups `document` (the credential without proof) under the issuer's labels (`label_map`) by
/// the issuer's `mandatory` and the holder's `selective` pointers, and builds the reveal document.
fn disclose(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    label_map: impl FnOnce(&[(BlankIdBuf, BlankIdBuf)]) -> Result<LabelMap, IssueError>,
    mandatory_pointers: &[String],
    selective_pointers: &[String],
) -> Result<Disclosure, IssueError> {
    let combined: Vec<String> = mandatory_pointers
        .iter()
        .chain(selective_pointers)
        .cloned()
        .collect();
    let grouped = canonicalize_and_group(
        canonicalizer,
        document,
        label_map,
        &[
            (mandatory_pointers, PointerKind::Mandatory),
            (selective_pointers, PointerKind::Selective),
            (&combined, PointerKind::Selective),
        ],
    )
    .map_err(|e| match e {
        // The issuer's pointers selected when it signed; if they no longer do, the credential changed.
        IssueError::MandatoryPointerInvalid { .. } => IssueError::BaseProofInvalid {
            reason: "the mandatory pointers do not match the credential",
        },
        other => other,
    })?;
    let [mandatory, selective, combined_group] = <[_; 3]>::try_from(grouped.groups)
        .map_err(|_| internal("selective disclosure grouping"))?;

    let combined_indexes: Vec<usize> = combined_group.matching.keys().copied().collect();
    let mandatory_indexes = mandatory
        .matching
        .keys()
        .map(|index| {
            combined_indexes
                .binary_search(index)
                .map(|position| position as u64)
                .map_err(|_| internal("selective disclosure mandatory indexes"))
        })
        .collect::<Result<_, _>>()?;
    let non_mandatory_indexes: Vec<usize> = mandatory.non_matching.keys().copied().collect();
    let selective_indexes = selective
        .matching
        .keys()
        .filter_map(|index| non_mandatory_indexes.binary_search(index).ok())
        .collect();

    // The verifier canonicalizes the reveal document; tell it which issuer label each of its
    // canonical labels stands for.
    let mut labels = Vec::new();
    for (input, c14n) in canonical_id_map(&combined_group.deskolemized) {
        match (c14n_index(&c14n), grouped.label_map.get(&input)) {
            (Some(n), Some(label)) => labels.push((n, label.clone())),
            _ => return Err(internal("selective disclosure label map")),
        }
    }

    let reveal = select_json_ld(document, &combined)
        .map_err(|(pointer, reason)| PointerKind::Selective.error(pointer, reason))?
        .unwrap_or_else(|| json!({}));
    Ok(Disclosure {
        non_mandatory: mandatory.non_matching.into_values().collect(),
        mandatory_indexes,
        selective_indexes,
        label_map: labels,
        reveal: Credential::from_value(reveal)?,
    })
}

fn internal(context: &'static str) -> IssueError {
    IssueError::Internal {
        context,
        source: None,
    }
}
