//! Blank node labels: the canonical labels of RDFC-1.0, the HMAC-shuffled labels `_:bN` the issuer
//! signs (so that the canonical labels, which leak information about the undisclosed data, never
//! reach a verifier), and the label map a derived proof carries.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rdf_types::{BlankIdBuf, LexicalQuad};
use sha2::Sha256;
use ssi_rdf::urdna2015::BlankNodeComponentsMut as _;

/// Input blank node label (as in the quads being canonicalized) → the label to write instead.
pub(crate) type LabelMap = HashMap<BlankIdBuf, BlankIdBuf>;

/// Input label → canonical label (`_:c14nN`), by RDFC-1.0.
pub(crate) fn canonical_id_map(quads: &[LexicalQuad]) -> Vec<(BlankIdBuf, BlankIdBuf)> {
    ssi_rdf::urdna2015::normalize(quads.iter().map(LexicalQuad::as_lexical_quad_ref))
        .into_substitution()
        .into_iter()
        .collect()
}

#[cfg(feature = "bbs")]
/// The issuer's label map (`createShuffledIdLabelMapFunction`): each canonical label (`c14nN`,
/// without `_:`) is HMAC-SHA-256'd with `hmac_key`, the base64url digests are sorted, and a node's
/// new label is `_:b` + the position of its digest.
pub(crate) fn shuffled_label_map(
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

/// The `ecdsa-sd-2023` issuer's label map (`createHmacIdLabelMapFunction`): each canonical label
/// (`c14nN`, without `_:`) becomes `_:u` + base64url(HMAC-SHA-256(`hmac_key`, label)).
pub(crate) fn hmac_label_map(
    canonical: &[(BlankIdBuf, BlankIdBuf)],
    hmac_key: &[u8],
) -> Result<LabelMap, hmac::digest::InvalidLength> {
    let mut map = LabelMap::with_capacity(canonical.len());
    for (input, c14n) in canonical {
        let mut mac = Hmac::<Sha256>::new_from_slice(hmac_key)?;
        mac.update(c14n.suffix().as_bytes());
        map.insert(input.clone(), u_label(&mac.finalize().into_bytes()));
    }
    Ok(map)
}

/// The verifier's label map (`createLabelMapFunction`): a node with canonical label `c14nN` gets
/// `label_for(N)`, the label the derived proof's map gives it. `None` when a canonical label is
/// missing from it.
pub(crate) fn label_map_from_proof(
    canonical: &[(BlankIdBuf, BlankIdBuf)],
    label_for: impl Fn(u64) -> Option<BlankIdBuf>,
) -> Option<LabelMap> {
    canonical
        .iter()
        .map(|(input, c14n)| Some((input.clone(), label_for(c14n_index(c14n)?)?)))
        .collect()
}

/// `N` of `_:c14nN`.
pub(crate) fn c14n_index(label: &BlankIdBuf) -> Option<u64> {
    label.suffix().strip_prefix("c14n")?.parse().ok()
}

#[cfg(feature = "bbs")]
/// `M` of `_:bM`.
pub(crate) fn b_index(label: &BlankIdBuf) -> Option<u64> {
    label.suffix().strip_prefix('b')?.parse().ok()
}

/// `_:u` + base64url of `bytes` (an HMAC label).
pub(crate) fn u_label(bytes: &[u8]) -> BlankIdBuf {
    // base64url's alphabet (letters, digits, `-`, `_`) is valid in blank node identifiers.
    BlankIdBuf::new(format!("_:u{}", URL_SAFE_NO_PAD.encode(bytes)))
        .unwrap_or_else(|_| unreachable!("_:u<base64url> is a blank node identifier"))
}

/// The bytes of an HMAC label `_:u<base64url>`.
pub(crate) fn u_bytes(label: &BlankIdBuf) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(label.suffix().strip_prefix('u')?)
        .ok()
}

#[cfg(feature = "bbs")]
/// `_:bM`.
pub(crate) fn b_label(index: u64) -> BlankIdBuf {
    // `_:b` followed by digits is always a valid blank node identifier.
    BlankIdBuf::new(format!("_:b{index}"))
        .unwrap_or_else(|_| unreachable!("_:b<digits> is a blank node identifier"))
}

/// The N-Quads lines of `quads` with every blank node relabelled through `map`, sorted and without
/// duplicates (the canonical form, under the new labels). `None` when a label is not in `map`.
pub(crate) fn relabel(quads: &[LexicalQuad], map: &LabelMap) -> Option<Vec<String>> {
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
