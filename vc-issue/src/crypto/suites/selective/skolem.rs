//! Skolemization: naming every blank node of a compact JSON-LD document with a temporary IRI, so
//! that a selection of the document (which is a separate JSON-LD document) produces the same node
//! identifiers as the whole; and the way back ("deskolemization") on the RDF quads.

use std::collections::HashMap;

use rdf_types::{BlankIdBuf, Id, LexicalQuad, Term};
use serde_json::Value;

/// The IRI prefix of skolemized blank nodes (`urn:bnid:<label>` ↔ `_:<label>`).
const SKOLEM_PREFIX: &str = "urn:bnid:";

/// Why a document cannot be skolemized faithfully.
pub(crate) type SkolemError = &'static str;

/// Gives every node object of `document` without an `id` (or with a blank node `id`) a skolem IRI.
///
/// Node objects are the JSON objects outside `@context` that are not value, list or set objects.
pub(crate) fn skolemize(document: &Value) -> Value {
    let mut document = document.clone();
    let mut state = State::default();
    state.visit(&mut document);
    document
}

#[derive(Default)]
struct State {
    next: usize,
    /// Blank node identifiers already in the document → their skolem IRI.
    renamed: HashMap<String, String>,
}

impl State {
    fn fresh(&mut self) -> String {
        let iri = format!("{SKOLEM_PREFIX}s{}", self.next);
        self.next += 1;
        iri
    }

    fn visit(&mut self, value: &mut Value) {
        match value {
            Value::Array(items) => items.iter_mut().for_each(|item| self.visit(item)),
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key != "@context" {
                        self.visit(child);
                    }
                }
                let is_node = !["@value", "@list", "@set"]
                    .iter()
                    .any(|keyword| map.contains_key(*keyword));
                if !is_node {
                    return;
                }
                let id_key = if map.contains_key("@id") { "@id" } else { "id" };
                match map.get(id_key).and_then(Value::as_str) {
                    Some(id) if id.starts_with("_:") => {
                        let id = id.to_owned();
                        let iri = match self.renamed.get(&id) {
                            Some(iri) => iri.clone(),
                            None => {
                                let iri = self.fresh();
                                self.renamed.insert(id, iri.clone());
                                iri
                            }
                        };
                        map.insert(id_key.to_owned(), Value::String(iri));
                    }
                    Some(_) => {}
                    None if map.contains_key(id_key) => {}
                    None => {
                        let iri = self.fresh();
                        map.insert("id".to_owned(), Value::String(iri));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Turns the skolem IRIs of `quads` back into blank nodes (`urn:bnid:s3` → `_:s3`).
///
/// Fails when the quads have a blank node that skolemization did not name (JSON-LD lists,
/// `@graph` containers, blank node references), or a skolem IRI ended up in a literal (a JSON
/// literal, or an `id` that is not an alias of `@id`): the selections would not line up.
pub(crate) fn deskolemize(quads: Vec<LexicalQuad>) -> Result<Vec<LexicalQuad>, SkolemError> {
    quads
        .into_iter()
        .map(|rdf_types::Quad(subject, predicate, object, graph)| {
            let object = match object {
                Term::Id(id) => Term::Id(unskolem(id)?),
                Term::Literal(literal) if literal.value.contains(SKOLEM_PREFIX) => {
                    return Err(
                        "a node identifier became a literal (JSON literal or unaliased `id`)",
                    )
                }
                literal => literal,
            };
            Ok(rdf_types::Quad(
                unskolem(subject)?,
                predicate,
                object,
                graph.map(unskolem).transpose()?,
            ))
        })
        .collect()
}

fn unskolem(id: Id) -> Result<Id, SkolemError> {
    match id {
        Id::Blank(_) => {
            Err("JSON-LD lists, @graph containers and blank node references are not supported")
        }
        Id::Iri(iri) => match iri.as_str().strip_prefix(SKOLEM_PREFIX) {
            Some(label) => BlankIdBuf::new(format!("_:{label}"))
                .map(Id::Blank)
                .map_err(|_| "invalid skolem identifier"),
            None => Ok(Id::Iri(iri)),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_node_objects_only() {
        let document = json!({
            "@context": [{"@vocab": "https://example.org/#"}],
            "type": "T",
            "a": {"b": 1, "c": [{"id": "_:x"}, {"id": "_:x"}, {"id": "https://example.org/n"}]},
            "v": {"@value": "text", "@language": "en"}
        });
        let skolemized = skolemize(&document);
        assert_eq!(skolemized["id"], "urn:bnid:s2");
        assert_eq!(skolemized["a"]["id"], "urn:bnid:s1");
        assert_eq!(skolemized["a"]["c"][0]["id"], "urn:bnid:s0");
        assert_eq!(skolemized["a"]["c"][0]["id"], skolemized["a"]["c"][1]["id"]);
        assert_eq!(skolemized["a"]["c"][2]["id"], "https://example.org/n");
        assert!(skolemized["v"].get("id").is_none());
        assert!(skolemized["@context"][0].get("id").is_none());
    }
}
