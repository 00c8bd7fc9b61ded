//! Reusing JSON-LD expansion across documents of one shape.
//!
//! Expansion (with its scoped-context processing) is ~85% of canonicalizing a credential, and it
//! depends on a document's keys, `@context`, `type`s, numbers and booleans, but not on the text of
//! its other strings: those only land, unchanged, as literal values or as IRIs. So the first
//! document of a shape is expanded with every such string replaced by a numbered placeholder, and
//! later documents of the same shape get their quads by putting their own strings back in, then
//! go through the same RDFC-1.0 normalization and N-Quads serialization as before.
//!
//! Putting a string back is only equivalent to expanding it where JSON-LD would have kept it as
//! is. Literal positions always do. In an IRI position the string must be an absolute IRI whose
//! scheme is not a term of any context in play (else it would be read as a compact IRI) and must
//! not be a term itself; any other value sends the document down the full path. A placeholder that
//! ends up inside a larger string (an `@json` literal, a concatenated IRI) makes the shape unusable
//! for templates. Finally, a template is only kept after reproducing the full path's output for the
//! document that created it.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Arc, RwLock};

use rdf_types::{Id, IriBuf, LexicalQuad, Literal, Quad, Term};
use serde_json::Value;

/// Shapes remembered; beyond this the cache starts over (a host signing many shapes gets the full
/// path, never unbounded memory).
const MAX_SHAPES: usize = 256;

/// The expanded quads of each document shape seen, with placeholders where its strings go.
#[derive(Debug)]
pub(super) struct ShapeTemplates {
    prefix: String,
    shapes: RwLock<HashMap<String, Arc<Entry>>>,
    /// Documents served from a template (so tests can tell the paths apart).
    #[cfg(test)]
    pub(super) filled: std::sync::atomic::AtomicUsize,
}

#[derive(Debug)]
enum Entry {
    Usable(Template),
    /// Not yet checked against the full path: the documents seen so far had values that cannot
    /// be put back verbatim.
    Unverified(Template),
    /// A placeholder landed inside a larger string, or filling did not reproduce the full path.
    Unusable,
}

/// What the templates can do for a document.
pub(super) enum Lookup {
    /// Its quads, from the shape's template.
    Filled(Vec<LexicalQuad>),
    /// A shape never seen: expand its placeholder document and [`ShapeTemplates::learn`] it.
    Unknown,
    /// A known shape this document cannot use: take the full path, then
    /// [`ShapeTemplates::confirm`].
    FullPath,
}

#[derive(Debug, Clone)]
struct Template {
    quads: Vec<LexicalQuad>,
    /// Per placeholder: whether it appears in an IRI position.
    iri_slot: Vec<bool>,
    /// Every term and prefix name any context in play defines.
    terms: Arc<HashSet<String>>,
}

/// A document reduced to its shape: the cache key and, in walk order, the strings that were cut out.
pub(super) struct Shape<'a> {
    key: String,
    values: Vec<&'a str>,
}

impl ShapeTemplates {
    pub(super) fn new() -> Self {
        // A per-instance nonce keeps a document's own text from ever reading as a placeholder.
        let nonce: u64 = rand::random();
        Self {
            prefix: format!("urn:x-vc-issuer-rs:placeholder:{nonce:016x}:"),
            shapes: RwLock::new(HashMap::new()),
            #[cfg(test)]
            filled: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The quads of `shape` from its template, if it has a usable one and its values fit.
    pub(super) fn lookup(&self, shape: &Shape<'_>) -> Lookup {
        let Some(entry) = self.read().get(&shape.key).cloned() else {
            return Lookup::Unknown;
        };
        match entry.as_ref() {
            Entry::Usable(template) => match template.fill(&self.prefix, &shape.values) {
                Some(quads) => {
                    #[cfg(test)]
                    self.filled
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Lookup::Filled(quads)
                }
                None => Lookup::FullPath,
            },
            Entry::Unverified(_) | Entry::Unusable => Lookup::FullPath,
        }
    }

    /// After the full path produced `expected` for a known shape: an unverified template that
    /// reproduces it becomes usable, one that does not is dropped.
    pub(super) fn confirm(&self, shape: Shape<'_>, expected: &[LexicalQuad]) {
        let Some(entry) = self.read().get(&shape.key).cloned() else {
            return;
        };
        if let Entry::Unverified(template) = entry.as_ref() {
            let verdict = match template.fill(&self.prefix, &shape.values) {
                None => return,
                Some(filled) if same_quads(&filled, expected) => Entry::Usable(template.clone()),
                Some(_) => Entry::Unusable,
            };
            self.store(shape.key, verdict);
        }
    }

    /// `document` with every cut-out string replaced by its placeholder, for expansion.
    pub(super) fn placeholder_document(&self, document: &Value, terms: &HashSet<String>) -> Value {
        let mut copy = document.clone();
        let mut next = 0;
        substitute(&mut copy, false, terms, &self.prefix, &mut next);
        copy
    }

    /// Records the expansion of the placeholder document of `shape`, if filling it with the
    /// shape's own values gives `expected` (the full path's quads for the same document).
    pub(super) fn learn(
        &self,
        shape: Shape<'_>,
        placeholder_quads: Vec<LexicalQuad>,
        terms: Arc<HashSet<String>>,
        expected: &[LexicalQuad],
    ) {
        let entry = match Template::new(placeholder_quads, &self.prefix, shape.values.len(), terms)
        {
            Some(template) => match template.fill(&self.prefix, &shape.values) {
                Some(filled) if same_quads(&filled, expected) => Entry::Usable(template),
                Some(_) => Entry::Unusable,
                None => Entry::Unverified(template),
            },
            None => Entry::Unusable,
        };
        self.store(shape.key, entry);
    }

    fn store(&self, key: String, entry: Entry) {
        let mut shapes = self
            .shapes
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if shapes.len() >= MAX_SHAPES && !shapes.contains_key(&key) {
            shapes.clear();
        }
        shapes.insert(key, Arc::new(entry));
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<Entry>>> {
        // The map only ever holds finished entries; a panic elsewhere cannot leave it half-written.
        self.shapes
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<'a> Shape<'a> {
    /// The shape of `document`, given the terms its contexts define.
    pub(super) fn of(document: &'a Value, terms: &HashSet<String>) -> Self {
        let mut shape = Shape {
            key: String::with_capacity(512),
            values: Vec::with_capacity(32),
        };
        shape.walk(document, false, terms);
        shape
    }

    fn walk(&mut self, value: &'a Value, verbatim: bool, terms: &HashSet<String>) {
        match value {
            Value::Null => self.key.push('z'),
            Value::Bool(b) => self.key.push(if *b { 't' } else { 'f' }),
            Value::Number(n) => {
                let _ = write!(self.key, "n{n};");
            }
            Value::String(s) if verbatim || names_a_term(s, terms) => self.push_text('s', s),
            Value::String(s) => {
                self.key.push('$');
                self.values.push(s);
            }
            Value::Array(items) => {
                self.key.push('[');
                items
                    .iter()
                    .for_each(|item| self.walk(item, verbatim, terms));
                self.key.push(']');
            }
            Value::Object(members) => {
                self.key.push('{');
                for (name, member) in members {
                    self.push_text('k', name);
                    self.walk(member, verbatim || keeps_text(name), terms);
                }
                self.key.push('}');
            }
        }
    }

    /// Length-prefixed, so that no two different documents share a key.
    fn push_text(&mut self, tag: char, text: &str) {
        let _ = write!(self.key, "{tag}{}:{text}", text.len());
    }
}

/// Members whose strings shape the expansion itself: keywords (but not the values of `@id` and
/// `@value`) and `type`, which selects type-scoped contexts.
fn keeps_text(name: &str) -> bool {
    name == "type" || (name.starts_with('@') && name != "@id" && name != "@value")
}

/// A value JSON-LD may read as a term or compact IRI (`assertionMethod` as a `proofPurpose`):
/// such values are part of the shape, since they cannot be put back verbatim.
fn names_a_term(value: &str, terms: &HashSet<String>) -> bool {
    terms.contains(value)
        || value
            .split_once(':')
            .is_some_and(|(prefix, _)| terms.contains(prefix))
}

/// The same walk as [`Shape::walk`], replacing instead of collecting.
fn substitute(
    value: &mut Value,
    verbatim: bool,
    terms: &HashSet<String>,
    prefix: &str,
    next: &mut usize,
) {
    match value {
        Value::String(s) if !verbatim && !names_a_term(s, terms) => {
            *s = format!("{prefix}{next}");
            *next += 1;
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| substitute(item, verbatim, terms, prefix, next)),
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                let keep = verbatim || keeps_text(name);
                substitute(member, keep, terms, prefix, next);
            }
        }
        _ => {}
    }
}

impl Template {
    /// `None` when a placeholder appears anywhere but as a whole IRI or a whole literal value.
    fn new(
        quads: Vec<LexicalQuad>,
        prefix: &str,
        placeholders: usize,
        terms: Arc<HashSet<String>>,
    ) -> Option<Self> {
        let mut iri_slot = vec![false; placeholders];
        let slot = |text: &str| -> Result<Option<usize>, ()> {
            match text.find(prefix) {
                None => Ok(None),
                Some(0) => text[prefix.len()..]
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < placeholders)
                    .map(Some)
                    .ok_or(()),
                Some(_) => Err(()),
            }
        };
        for Quad(subject, predicate, object, graph) in &quads {
            let mut ids = vec![subject];
            ids.extend(graph.as_ref());
            if let Term::Id(id) = object {
                ids.push(id);
            }
            for id in ids {
                if let Id::Iri(iri) = id {
                    if let Some(i) = slot(iri.as_str()).ok()? {
                        iri_slot[i] = true;
                    }
                }
            }
            if slot(predicate.as_str()).ok()?.is_some() {
                return None;
            }
            if let Term::Literal(literal) = object {
                slot(literal.value.as_str()).ok()?;
                let datatype = match &literal.type_ {
                    rdf_types::LiteralType::Any(iri) => iri.as_str(),
                    rdf_types::LiteralType::LangString(tag) => tag.as_str(),
                };
                if slot(datatype).ok()?.is_some() {
                    return None;
                }
            }
        }
        Some(Self {
            quads,
            iri_slot,
            terms,
        })
    }

    fn fill(&self, prefix: &str, values: &[&str]) -> Option<Vec<LexicalQuad>> {
        if values.len() != self.iri_slot.len() {
            return None;
        }
        let verbatim_iris = values
            .iter()
            .zip(&self.iri_slot)
            .all(|(value, &iri)| !iri || kept_as_iri(value, &self.terms));
        if !verbatim_iris {
            return None;
        }
        let index = |text: &str| -> Option<usize> { text.strip_prefix(prefix)?.parse().ok() };
        let repeated = repeated_values(values);
        let mut touched = Vec::new();
        let mut fill_id = |id: &Id, quad: usize| -> Option<Id> {
            match id {
                Id::Iri(iri) => match index(iri.as_str()) {
                    Some(i) => {
                        if repeated.contains(&i) {
                            touched.push(quad);
                        }
                        IriBuf::new((*values.get(i)?).to_owned()).ok().map(Id::Iri)
                    }
                    None => Some(id.clone()),
                },
                Id::Blank(_) => Some(id.clone()),
            }
        };
        let mut filled: Vec<LexicalQuad> = Vec::with_capacity(self.quads.len());
        let mut literal_touched = Vec::new();
        for (n, Quad(subject, predicate, object, graph)) in self.quads.iter().enumerate() {
            let object = match object {
                Term::Id(id) => Term::Id(fill_id(id, n)?),
                Term::Literal(literal) => Term::Literal(match index(&literal.value) {
                    Some(i) => {
                        if repeated.contains(&i) {
                            literal_touched.push(n);
                        }
                        Literal::new((*values.get(i)?).to_owned(), literal.type_.clone())
                    }
                    None => literal.clone(),
                }),
            };
            let graph = match graph {
                Some(graph) => Some(fill_id(graph, n)?),
                None => None,
            };
            filled.push(Quad(fill_id(subject, n)?, predicate.clone(), object, graph));
        }
        touched.extend(literal_touched);
        // Equal values can turn distinct placeholder quads into equal quads, which the full path
        // would have held once; such documents take the full path rather than guess its dataset.
        let collides = touched.iter().any(|&t| {
            filled.iter().enumerate().any(|(n, other)| {
                n != t && filled.get(t).is_some_and(|quad| may_be_equal(quad, other))
            })
        });
        (!collides).then_some(filled)
    }
}

/// The placeholder indexes whose value another placeholder also has.
fn repeated_values(values: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_unstable_by_key(|&i| values[i]);
    let mut repeated = Vec::new();
    for pair in order.windows(2) {
        if values[pair[0]] == values[pair[1]] {
            repeated.extend_from_slice(pair);
        }
    }
    repeated
}

/// Whether JSON-LD IRI expansion returns `value` unchanged in any position: an absolute IRI whose
/// scheme no context defines as a term or prefix, and which is not a term itself.
fn kept_as_iri(value: &str, terms: &HashSet<String>) -> bool {
    let Some((scheme, _)) = value.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok
        && !terms.contains(scheme)
        && !terms.contains(value)
        && IriBuf::new(value.to_owned()).is_ok()
}

/// Quad equality, cheaply: `Iri` equality decodes percent-escapes character by character, so
/// it is only consulted when the text differs and a `%` could make it equal anyway.
fn may_be_equal(a: &LexicalQuad, b: &LexicalQuad) -> bool {
    let same_text = id_text(&a.0) == id_text(&b.0)
        && a.1.as_str() == b.1.as_str()
        && term_text(&a.2) == term_text(&b.2)
        && a.3.as_ref().map(id_text) == b.3.as_ref().map(id_text);
    same_text || ((quad_has_percent(a) || quad_has_percent(b)) && a == b)
}

fn id_text(id: &Id) -> &str {
    match id {
        Id::Iri(iri) => iri.as_str(),
        Id::Blank(blank) => blank.as_str(),
    }
}

fn term_text(term: &Term) -> (&str, &str) {
    match term {
        Term::Id(id) => (id_text(id), ""),
        Term::Literal(literal) => (
            literal.value.as_str(),
            match &literal.type_ {
                rdf_types::LiteralType::Any(iri) => iri.as_str(),
                rdf_types::LiteralType::LangString(tag) => tag.as_str(),
            },
        ),
    }
}

fn quad_has_percent(quad: &LexicalQuad) -> bool {
    id_text(&quad.0).contains('%')
        || term_text(&quad.2).0.contains('%')
        || quad.3.as_ref().is_some_and(|g| id_text(g).contains('%'))
}

/// Quads as sets (the full path's order is its own).
fn same_quads(a: &[LexicalQuad], b: &[LexicalQuad]) -> bool {
    a.len() == b.len() && a.iter().all(|quad| b.contains(quad))
}

/// Every member name inside any `@context` in `value` (inline and scoped contexts), added to `terms`.
pub(super) fn collect_context_terms(
    value: &Value,
    inside_context: bool,
    terms: &mut HashSet<String>,
) {
    match value {
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_context_terms(item, inside_context, terms)),
        Value::Object(members) => {
            for (name, member) in members {
                if inside_context {
                    terms.insert(name.clone());
                }
                collect_context_terms(member, inside_context || name == "@context", terms);
            }
        }
        _ => {}
    }
}
