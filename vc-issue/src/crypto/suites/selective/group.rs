//! `canonicalizeAndGroup`: the canonical N-Quads of a document under a label map, and for each
//! group of JSON pointers, which of those quads the selection covers.

use std::collections::{BTreeMap, HashSet};

use rdf_types::{BlankIdBuf, LexicalQuad};
use serde_json::Value;

use super::label_map::{canonical_id_map, relabel, LabelMap};
use super::selection::{select_json_ld, PointerError};
use super::skolem::{deskolemize, skolemize};
use crate::crypto::suites::RdfcCanonicalizer;
use crate::error::IssueError;

/// Which pointers a group holds (decides the error code of a bad pointer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PointerKind {
    /// The issuer's mandatory pointers.
    Mandatory,
    /// The holder's selective pointers (or mandatory + selective).
    Selective,
}

impl PointerKind {
    pub(crate) fn error(self, pointer: &str, reason: PointerError) -> IssueError {
        let pointer = pointer.to_owned();
        match self {
            PointerKind::Mandatory => IssueError::MandatoryPointerInvalid { pointer, reason },
            PointerKind::Selective => IssueError::SelectivePointerInvalid { pointer, reason },
        }
    }
}

/// The quads of one group, by their index in the canonical N-Quads.
#[derive(Debug, Default)]
pub(crate) struct Group {
    /// Quads the selection covers.
    pub(crate) matching: BTreeMap<usize, String>,
    /// The others.
    pub(crate) non_matching: BTreeMap<usize, String>,
    /// The selection's quads with the skolemization undone (before relabelling).
    pub(crate) deskolemized: Vec<LexicalQuad>,
}

/// The result of [`canonicalize_and_group`].
#[derive(Debug)]
pub(crate) struct Grouped {
    /// The groups, in the order they were asked for.
    pub(crate) groups: Vec<Group>,
    /// The label map the factory made.
    pub(crate) label_map: LabelMap,
}

/// Canonicalizes `document` (an object), relabels its blank nodes with the map that
/// `label_map_factory` makes from the canonical labels, and matches each group's selection against
/// the result.
pub(crate) fn canonicalize_and_group(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
    label_map_factory: impl FnOnce(&[(BlankIdBuf, BlankIdBuf)]) -> Result<LabelMap, IssueError>,
    groups: &[(&[String], PointerKind)],
) -> Result<Grouped, IssueError> {
    let skolemized = skolemize(document);
    let quads = skolemized_quads(canonicalizer, &skolemized)?;
    let label_map = label_map_factory(&canonical_id_map(&quads))?;
    let nquads = relabel(&quads, &label_map).ok_or_else(unlabelled)?;
    let mut result = Vec::with_capacity(groups.len());
    for (pointers, kind) in groups {
        let selection = select_json_ld(&skolemized, pointers)
            .map_err(|(pointer, reason)| kind.error(pointer, reason))?;
        let deskolemized = match selection {
            Some(selection) => skolemized_quads(canonicalizer, &selection)?,
            None => Vec::new(),
        };
        let selected: HashSet<String> = relabel(&deskolemized, &label_map)
            .ok_or_else(unlabelled)?
            .into_iter()
            .collect();
        let mut group = Group {
            deskolemized,
            ..Group::default()
        };
        for (index, line) in nquads.iter().enumerate() {
            let side = if selected.contains(line) {
                &mut group.matching
            } else {
                &mut group.non_matching
            };
            side.insert(index, line.clone());
        }
        result.push(group);
    }
    Ok(Grouped {
        groups: result,
        label_map,
    })
}

/// The quads of a skolemized document, skolem IRIs turned back into blank nodes.
fn skolemized_quads(
    canonicalizer: &RdfcCanonicalizer,
    document: &Value,
) -> Result<Vec<LexicalQuad>, IssueError> {
    let quads = canonicalizer.quads(document)?;
    deskolemize(quads).map_err(|reason| IssueError::InvalidRequest {
        reason: format!("selective disclosure cannot select from this credential: {reason}"),
    })
}

fn unlabelled() -> IssueError {
    IssueError::Internal {
        context: "selective disclosure blank node relabelling",
        source: None,
    }
}
