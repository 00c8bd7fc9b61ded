//! Blank node labels: the canonical labels of RDFC-1.0, the HMAC-shuffled labels `_:bN` the issuer
//! signs (so that the canonical labels, which leak information about the undisclosed data, never
//! reach a verifier), and the label map a derived proof carries.

use std::collections::{BTreeMap, HashMap};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rdf_types::{BlankIdBuf, LexicalQuad};
use sha2::Sha256;
use ssi_rdf::urdna2015::BlankNodeComponentsMut as _;

/// Input blank node label (as in the quads being canonicalized) → the label to write instead.
pub(super) type LabelMap = HashMap<BlankIdBuf, BlankIdBuf>;

/// Input label → canonical label (`_:c14nN`), by RDFC-1.0.
pub(super) fn canonical_id_map(quads: &[LexicalQuad]) -> Vec<(BlankIdBuf, BlankIdBuf)> {
    ssi_rdf::urdna2015::normalize(quads.iter().map(LexicalQuad::as_lexical_quad_ref))
        .into_substitution()
        .into_iter()
        .collect()
}

/// The issuer's label map (`createShuffledIdLabelMapFunction`): each canonical label (`c14nN`,
/// without `_:`) is HMAC-SHA-256'd with `hmac_key`, the base64url digests are sorted, and a node's
/// new label is `_:b` + the position of its digest.
pub(super) fn shuffled_label_map(
    canonical: &[(BlankIdBuf, BlankIdBuf)],
    hmac_key: &[u8],
) -> Result<LabelMap, hmac::digest::InvalidLength> {
    let mut digests = Vec::with_capacity(canonical.len());
    for (input, c14n) in canonical {
        let mut mac = Hmac::<Sha256>::new_from_slice(hmac_key)?;
        mac.update(c14n.suffix().as_bytes());
        digests.push((input, URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())));
    }
    let mut sorted: Vec<&str> = digests.iter().map(|(_, d)| d.as_str()).collect();
    sorted.sort_unstable();
    let mut map = LabelMap::with_capacity(digests.len());
    for (input, digest) in &digests {
        // `sorted` holds every digest, so the search always finds it.
        let position = sorted.binary_search(&digest.as_str()).unwrap_or_default();
        map.insert((*input).clone(), b_label(position as u64));
    }
    Ok(map)
}

/// The verifier's label map (`createLabelMapFunction`): a node with canonical label `c14nN` gets
/// `_:bM` for `N → M` in the derived proof's `label_map`. `None` when a canonical label is missing
/// from it.
pub(super) fn label_map_from_proof(
    canonical: &[(BlankIdBuf, BlankIdBuf)],
    label_map: &BTreeMap<u64, u64>,
) -> Option<LabelMap> {
    canonical
        .iter()
        .map(|(input, c14n)| {
            let n = c14n_index(c14n)?;
            let m = label_map.get(&n)?;
            Some((input.clone(), b_label(*m)))
        })
        .collect()
}

/// `N` of `_:c14nN`.
pub(super) fn c14n_index(label: &BlankIdBuf) -> Option<u64> {
    label.suffix().strip_prefix("c14n")?.parse().ok()
}

/// `M` of `_:bM`.
pub(super) fn b_index(label: &BlankIdBuf) -> Option<u64> {
    label.suffix().strip_prefix('b')?.parse().ok()
}

fn b_label(index: u64) -> BlankIdBuf {
    // `_:b` followed by digits is always a valid blank node identifier.
    BlankIdBuf::new(format!("_:b{index}"))
        .unwrap_or_else(|_| unreachable!("_:b<digits> is a blank node identifier"))
}

/// The N-Quads lines of `quads` with every blank node relabelled through `map`, sorted and without
/// duplicates (the canonical form, under the new labels). `None` when a label is not in `map`.
pub(super) fn relabel(quads: &[LexicalQuad], map: &LabelMap) -> Option<Vec<String>> {
    let mut lines = Vec::with_capacity(quads.len());
    for quad in quads {
        let mut quad = quad.clone();
        for label in quad.blank_node_components_mut() {
            *label = map.get(label)?.clone();
        }
        lines.push(ssi_rdf::NQuadsStatement(&quad).to_string());
    }
    lines.sort_unstable();
    lines.dedup();
    Some(lines)
}
