//! Reusing JSON-LD expansion across documents of one shape.
//!
//! Expansion (with its scoped-context processing) is ~85% of canonicalizing a credential, and it
//! depends on a document's keys, `@context` and `type`s, but not on the text of its other
//! strings nor on the values of its numbers and booleans: those only land as literal values or
//! (strings) as IRIs. So the first document of a shape is expanded with every such value replaced
//! by a numbered placeholder, and later documents of the same shape get their quads by putting
//! their own values back in, then go through the same RDFC-1.0 normalization (which labels the
//! blank nodes from the filled quads, literals included) and N-Quads serialization as before.
//!
//! Putting a string back is only equivalent to expanding it where JSON-LD would have kept it as
//! is. Literal positions always do. In an IRI position the string must be an absolute IRI whose
//! scheme is not a term of any context in play (else it would be read as a compact IRI) and must
//! not be a term itself; any other value sends the document down the full path. A placeholder that
//! ends up inside a larger string (an `@json` literal, a concatenated IRI) makes the shape unusable
//! for templates.
//!
//! A number or boolean is put back as the literal ssi writes for it (`rdfc_scalar`), which
//! depends on how ssi reads the number (an `i64` or not: its class, part of the shape) and on the
//! type coercion its term gives it. Its placeholder is a number of the same class (an integer for
//! a boolean), unique per slot; the expansion of the placeholder document tells each slot's
//! coercion, and the slot is only used where its placeholder became exactly one literal, the one
//! that coercion gives, with its digits nowhere else (not inside an `@json` literal). A shape
//! whose numbers do not all pass is kept with its numbers and booleans as part of the shape, as
//! strings-only templates did.
//!
//! Finally, a template is only kept after reproducing the full path's output for the document
//! that created it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use rdf_types::{Id, IriBuf, LexicalQuad, Literal, LiteralType, Quad, Term};
use serde_json::Value;

use super::rdfc_scalar::{Class, Scalar};

/// Shapes remembered; beyond this the cache starts over (a host signing many shapes gets the full
/// path, never unbounded memory).
const MAX_SHAPES: usize = 256;

/// Slots per document a template takes: the numeric placeholders leave room for this many.
const MAX_SLOTS: usize = 1_000_000;

/// The expanded quads of each document shape seen, with placeholders where its values go.
#[derive(Debug)]
pub(super) struct ShapeTemplates {
    prefix: String,
    numbers: NumberPlaceholders,
    shapes: RwLock<HashMap<String, Arc<Entry>>>,
    counts: Counts,
}

#[derive(Debug)]
enum Entry {
    Usable(Template),
    /// Not yet checked against the full path: the documents seen so far had values that cannot
    /// be put back verbatim.
    Unverified(Template),
    /// A placeholder landed inside a larger string, or filling did not reproduce the full path.
    Unusable,
    /// The numbers and booleans of this shape cannot all be put back: documents of this shape are
    /// keyed with them as part of the shape instead.
    NumbersInKey,
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
    /// Look up [`Shape::with_numbers`] of the document instead.
    NumbersInKey,
}

/// How the shape templates served documents since the canonicalizer was made.
///
/// A document is either filled from its shape's template (the fast path), or canonicalized in
/// full: because its shape was new (its template is learnt from it), or because its shape has no
/// usable template or its values do not fit it (an IRI that JSON-LD would rewrite, equal values
/// that would merge two quads).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TemplateStats {
    /// Documents whose quads came from a template.
    pub filled: u64,
    /// Documents of a shape never seen (or forgotten), expanded in full.
    pub new_shape: u64,
    /// Documents of a known shape expanded in full.
    pub full_path: u64,
    /// Times the bounded shape cache was full and started over.
    pub resets: u64,
    /// Shapes remembered now.
    pub shapes: usize,
}

impl TemplateStats {
    /// The share of documents filled from a template (0 when none were canonicalized).
    pub fn hit_rate(&self) -> f64 {
        let total = self.filled + self.new_shape + self.full_path;
        if total == 0 {
            return 0.0;
        }
        self.filled as f64 / total as f64
    }
}

#[derive(Debug, Default)]
struct Counts {
    filled: AtomicU64,
    new_shape: AtomicU64,
    full_path: AtomicU64,
    resets: AtomicU64,
}

/// Which outcome a document had, for [`TemplateStats`] and the `metrics` counter.
#[derive(Debug, Clone, Copy)]
pub(super) enum Outcome {
    Filled,
    NewShape,
    FullPath,
}

/// The numbers that stand for numbers and booleans in a placeholder document: per instance, a
/// random 12-digit stem for integers and a 9-digit one for doubles, followed by the slot's index
/// in six digits, so that a document's own values or text never read as a placeholder.
#[derive(Debug)]
struct NumberPlaceholders {
    /// The integer placeholders are `integer_base + slot`.
    integer_base: i64,
    /// The double placeholders are `double_base + slot + 0.5` (exact in an `f64`).
    double_base: u64,
    /// Digits every placeholder's text contains in any notation (the stems without their first
    /// digit, which scientific notation separates from the rest by its point).
    markers: [String; 2],
}

#[derive(Debug, Clone)]
struct Template {
    quads: Vec<LexicalQuad>,
    /// Per placeholder: whether it appears in an IRI position.
    iri_slot: Vec<bool>,
    /// Per quad: the number or boolean slot whose literal is its object.
    scalar_at: Vec<Option<usize>>,
    /// Per placeholder: the type coercion of a number or boolean slot, if any.
    coercions: Vec<Option<IriBuf>>,
    /// Every term and prefix name any context in play defines.
    terms: Arc<HashSet<String>>,
}

/// Why a placeholder expansion gives no template.
#[derive(Debug, PartialEq)]
enum Unfit {
    /// A string placeholder was not a whole IRI or literal.
    Strings,
    /// A number or boolean placeholder was not one literal of the form ssi writes untyped.
    Scalars,
}

/// One value cut out of a document.
#[derive(Debug, Clone)]
pub(super) enum Slot<'a> {
    /// A string, put back verbatim as an IRI or a literal value.
    Text(&'a str),
    /// A number or boolean, put back as the literal ssi writes for it.
    Scalar(Scalar),
}

/// A document reduced to its shape: the cache key and, in walk order, the values that were cut out.
pub(super) struct Shape<'a> {
    key: String,
    values: Vec<Slot<'a>>,
    /// Whether numbers and booleans were cut out too (else they are part of the key).
    scalar_slots: bool,
}

impl ShapeTemplates {
    pub(super) fn new() -> Self {
        // A per-instance nonce keeps a document's own text from ever reading as a placeholder.
        let nonce: u64 = rand::random();
        let integer_stem = 100_000_000_000 + rand::random::<u64>() % 900_000_000_000;
        let double_stem = 100_000_000 + rand::random::<u64>() % 900_000_000;
        let slots = MAX_SLOTS as u64;
        let marker = |stem: u64| stem.to_string()[1..].to_owned();
        Self {
            prefix: format!("urn:x-vc-issuer-rs:placeholder:{nonce:016x}:"),
            numbers: NumberPlaceholders {
                // Below 10^18 < i64::MAX.
                integer_base: (integer_stem * slots) as i64,
                // Below 10^15 + 10^6 < 2^53: every placeholder and its half are exact.
                double_base: double_stem * slots,
                markers: [marker(integer_stem), marker(double_stem)],
            },
            shapes: RwLock::new(HashMap::new()),
            counts: Counts::default(),
        }
    }

    /// The quads of `shape` from its template, if it has a usable one and its values fit.
    pub(super) fn lookup(&self, shape: &Shape<'_>) -> Lookup {
        let Some(entry) = self.read().get(&shape.key).cloned() else {
            return Lookup::Unknown;
        };
        match entry.as_ref() {
            Entry::Usable(template) => match template.fill(&self.prefix, &shape.values) {
                Some(quads) => Lookup::Filled(quads),
                None => Lookup::FullPath,
            },
            Entry::NumbersInKey if shape.scalar_slots => Lookup::NumbersInKey,
            Entry::Unverified(_) | Entry::Unusable | Entry::NumbersInKey => Lookup::FullPath,
        }
    }

    /// Counts a document's outcome.
    pub(super) fn record(&self, outcome: Outcome) {
        let (counter, _name) = match outcome {
            Outcome::Filled => (&self.counts.filled, "filled"),
            Outcome::NewShape => (&self.counts.new_shape, "new_shape"),
            Outcome::FullPath => (&self.counts.full_path, "full_path"),
        };
        counter.fetch_add(1, Ordering::Relaxed);
        #[cfg(feature = "metrics")]
        metrics::counter!("vc_issue_rdfc_template_total", "outcome" => _name).increment(1);
    }

    /// The counts so far.
    pub(super) fn stats(&self) -> TemplateStats {
        TemplateStats {
            filled: self.counts.filled.load(Ordering::Relaxed),
            new_shape: self.counts.new_shape.load(Ordering::Relaxed),
            full_path: self.counts.full_path.load(Ordering::Relaxed),
            resets: self.counts.resets.load(Ordering::Relaxed),
            shapes: self.read().len(),
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

    /// `document` with every cut-out value of `shape` replaced by its placeholder, for expansion;
    /// `None` when the shape has more slots than placeholders exist.
    pub(super) fn placeholder_document(
        &self,
        document: &Value,
        shape: &Shape<'_>,
        terms: &HashSet<String>,
    ) -> Option<Value> {
        if shape.values.len() > MAX_SLOTS {
            return None;
        }
        let mut copy = document.clone();
        let mut walk = Substitution {
            templates: self,
            terms,
            scalars: shape.scalar_slots,
            next: 0,
        };
        walk.substitute(&mut copy, false);
        Some(copy)
    }

    /// The placeholder number of slot `index`, of the class of `value`.
    fn number_placeholder(&self, index: usize, class: Class) -> Option<serde_json::Number> {
        match class {
            Class::Integer | Class::Boolean => Some(serde_json::Number::from(
                self.numbers.integer_base + index as i64,
            )),
            Class::Double => {
                serde_json::Number::from_f64((self.numbers.double_base + index as u64) as f64 + 0.5)
            }
        }
    }

    /// Records the expansion of the placeholder document of `shape`, if filling it with the
    /// shape's own values gives `expected` (the full path's quads for the same document).
    /// `numbers` are the JSON text and type coercion of every number in the expanded placeholder
    /// document.
    pub(super) fn learn(
        &self,
        shape: Shape<'_>,
        placeholder_quads: Vec<LexicalQuad>,
        numbers: &[(String, Option<String>)],
        terms: Arc<HashSet<String>>,
        expected: &[LexicalQuad],
    ) {
        let entry = match Template::new(placeholder_quads, self, &shape.values, numbers, terms) {
            Ok(template) => match template.fill(&self.prefix, &shape.values) {
                Some(filled) if same_quads(&filled, expected) => Entry::Usable(template),
                Some(_) => Entry::Unusable,
                None => Entry::Unverified(template),
            },
            Err(Unfit::Scalars) if shape.scalar_slots => Entry::NumbersInKey,
            Err(_) => Entry::Unusable,
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
            self.counts.resets.fetch_add(1, Ordering::Relaxed);
        }
        shapes.insert(key, Arc::new(entry));
        #[cfg(feature = "metrics")]
        metrics::gauge!("vc_issue_rdfc_template_shapes").set(shapes.len() as f64);
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<Entry>>> {
        // The map only ever holds finished entries; a panic elsewhere cannot leave it half-written.
        self.shapes
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<'a> Shape<'a> {
    /// The shape of `document`, given the terms its contexts define: strings, numbers and
    /// booleans outside keyword and `type` members are cut out.
    pub(super) fn of(document: &'a Value, terms: &HashSet<String>) -> Self {
        Self::walked(document, terms, true)
    }

    /// The shape of `document` with its numbers and booleans as part of the key (for shapes
    /// whose numbers cannot be put back, [`Lookup::NumbersInKey`]).
    pub(super) fn with_numbers(document: &'a Value, terms: &HashSet<String>) -> Self {
        Self::walked(document, terms, false)
    }

    fn walked(document: &'a Value, terms: &HashSet<String>, scalar_slots: bool) -> Self {
        let mut shape = Shape {
            key: String::with_capacity(512),
            values: Vec::with_capacity(32),
            scalar_slots,
        };
        // The two kinds of keys never meet: a document without numbers has the same shape either
        // way, but its two keys differ in this first character.
        shape.key.push(if scalar_slots { '#' } else { '=' });
        shape.walk(document, false, terms);
        shape
    }

    fn walk(&mut self, value: &'a Value, verbatim: bool, terms: &HashSet<String>) {
        match value {
            Value::Null => self.key.push('z'),
            Value::Bool(b) if verbatim || !self.scalar_slots => {
                self.key.push(if *b { 't' } else { 'f' })
            }
            Value::Bool(b) => self.push_scalar(Scalar::Boolean(*b)),
            Value::Number(n) if verbatim || !self.scalar_slots => {
                let _ = write!(self.key, "n{n};");
            }
            Value::Number(n) => self.push_scalar(Scalar::of_number(n)),
            Value::String(s) if verbatim || names_a_term(s, terms) => self.push_text('s', s),
            Value::String(s) => {
                self.key.push('$');
                self.values.push(Slot::Text(s));
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

    /// A number or boolean slot, keyed by its class: the literal's datatype and the placeholder
    /// that stands for it depend on the class, not on the value.
    fn push_scalar(&mut self, value: Scalar) {
        self.key.push(match value.class() {
            Class::Integer => 'I',
            Class::Double => 'D',
            Class::Boolean => 'B',
        });
        self.values.push(Slot::Scalar(value));
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
struct Substitution<'t> {
    templates: &'t ShapeTemplates,
    terms: &'t HashSet<String>,
    scalars: bool,
    next: usize,
}

impl Substitution<'_> {
    fn substitute(&mut self, value: &mut Value, verbatim: bool) {
        match value {
            Value::String(s) if !verbatim && !names_a_term(s, self.terms) => {
                *s = format!("{}{}", self.templates.prefix, self.next);
                self.next += 1;
            }
            Value::Bool(b) if !verbatim && self.scalars => {
                let class = Scalar::Boolean(*b).class();
                self.scalar(value, class);
            }
            Value::Number(n) if !verbatim && self.scalars => {
                let class = Scalar::of_number(n).class();
                self.scalar(value, class);
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|item| self.substitute(item, verbatim)),
            Value::Object(members) => {
                for (name, member) in members.iter_mut() {
                    self.substitute(member, verbatim || keeps_text(name));
                }
            }
            _ => {}
        }
    }

    fn scalar(&mut self, value: &mut Value, class: Class) {
        // Only `MAX_SLOTS` placeholders exist and `placeholder_document` checks the count first;
        // a value left as is would fail the template's checks rather than be misread.
        if let Some(number) = self.templates.number_placeholder(self.next, class) {
            *value = Value::Number(number);
        }
        self.next += 1;
    }
}

impl Template {
    /// The template of a placeholder expansion: [`Unfit::Strings`] when a string placeholder
    /// appears anywhere but as a whole IRI or a whole literal value, [`Unfit::Scalars`] when a
    /// number or boolean placeholder is not exactly one literal of the form ssi writes untyped.
    fn new(
        quads: Vec<LexicalQuad>,
        templates: &ShapeTemplates,
        values: &[Slot<'_>],
        numbers: &[(String, Option<String>)],
        terms: Arc<HashSet<String>>,
    ) -> Result<Self, Unfit> {
        let prefix = templates.prefix.as_str();
        let placeholders = values.len();
        let mut iri_slot = vec![false; placeholders];
        let slot = |text: &str| -> Result<Option<usize>, Unfit> {
            match text.find(prefix) {
                None => Ok(None),
                Some(0) => text[prefix.len()..]
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < placeholders)
                    .map(Some)
                    .ok_or(Unfit::Strings),
                Some(_) => Err(Unfit::Strings),
            }
        };
        let scalars = ScalarSlots::expected(templates, values, numbers)?;
        let mut scalar_at = vec![None; quads.len()];
        let mut found = vec![0_usize; placeholders];
        for (n, Quad(subject, predicate, object, graph)) in quads.iter().enumerate() {
            let mut ids = vec![subject];
            ids.extend(graph.as_ref());
            if let Term::Id(id) = object {
                ids.push(id);
            }
            for id in ids {
                if let Id::Iri(iri) = id {
                    if let Some(i) = slot(iri.as_str())? {
                        iri_slot[i] = true;
                    }
                    scalars.refuse_marker(iri.as_str())?;
                }
            }
            if slot(predicate.as_str())?.is_some() {
                return Err(Unfit::Strings);
            }
            scalars.refuse_marker(predicate.as_str())?;
            if let Term::Literal(literal) = object {
                if let Some(i) = scalars.slot_of(literal) {
                    scalar_at[n] = Some(i);
                    found[i] += 1;
                    continue;
                }
                slot(literal.value.as_str())?;
                scalars.refuse_marker(&literal.value)?;
                let datatype = literal_type_text(&literal.type_);
                if slot(datatype)?.is_some() {
                    return Err(Unfit::Strings);
                }
                scalars.refuse_marker(datatype)?;
            }
        }
        let each_once = values
            .iter()
            .zip(&found)
            .all(|(value, &count)| matches!(value, Slot::Text(_)) || count == 1);
        if !each_once {
            return Err(Unfit::Scalars);
        }
        Ok(Self {
            quads,
            iri_slot,
            scalar_at,
            coercions: scalars.coercions,
            terms,
        })
    }

    fn fill(&self, prefix: &str, values: &[Slot<'_>]) -> Option<Vec<LexicalQuad>> {
        if values.len() != self.iri_slot.len() {
            return None;
        }
        let verbatim_iris = values.iter().zip(&self.iri_slot).all(|(value, &iri)| {
            !iri || matches!(value, Slot::Text(text) if kept_as_iri(text, &self.terms))
        });
        if !verbatim_iris {
            return None;
        }
        let scalars: Vec<Option<Literal>> = values
            .iter()
            .zip(&self.coercions)
            .map(|(value, coercion)| match value {
                Slot::Scalar(scalar) => Some(scalar.literal(coercion.as_ref())),
                Slot::Text(_) => None,
            })
            .collect();
        let texts: Vec<Cow<'_, str>> = values
            .iter()
            .zip(&scalars)
            .map(|(value, literal)| match (value, literal) {
                (Slot::Text(text), _) => Cow::Borrowed(*text),
                (_, Some(literal)) => Cow::Borrowed(literal.value.as_str()),
                (Slot::Scalar(_), None) => Cow::Borrowed(""),
            })
            .collect();
        let text_of = |i: usize| -> Option<&str> {
            match values.get(i)? {
                Slot::Text(text) => Some(text),
                Slot::Scalar(_) => None,
            }
        };
        let index = |text: &str| -> Option<usize> { text.strip_prefix(prefix)?.parse().ok() };
        let repeated = repeated_values(&texts);
        let mut touched = Vec::new();
        let mut fill_id = |id: &Id, quad: usize| -> Option<Id> {
            match id {
                Id::Iri(iri) => match index(iri.as_str()) {
                    Some(i) => {
                        if repeated.contains(&i) {
                            touched.push(quad);
                        }
                        IriBuf::new(text_of(i)?.to_owned()).ok().map(Id::Iri)
                    }
                    None => Some(id.clone()),
                },
                Id::Blank(_) => Some(id.clone()),
            }
        };
        let mut filled: Vec<LexicalQuad> = Vec::with_capacity(self.quads.len());
        let mut literal_touched = Vec::new();
        for (n, Quad(subject, predicate, object, graph)) in self.quads.iter().enumerate() {
            let object = match (object, self.scalar_at.get(n).copied().flatten()) {
                (Term::Literal(_), Some(i)) => {
                    if repeated.contains(&i) {
                        literal_touched.push(n);
                    }
                    Term::Literal(scalars.get(i)?.clone()?)
                }
                (Term::Id(id), _) => Term::Id(fill_id(id, n)?),
                (Term::Literal(literal), None) => Term::Literal(match index(&literal.value) {
                    Some(i) => {
                        if repeated.contains(&i) {
                            literal_touched.push(n);
                        }
                        Literal::new(text_of(i)?.to_owned(), literal.type_.clone())
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

/// The literals a placeholder expansion must hold for its number and boolean slots.
struct ScalarSlots<'t> {
    /// The literal (text and datatype) each slot's placeholder must have become.
    expected: HashMap<(String, String), usize>,
    /// Per placeholder: the type coercion its number met in expansion.
    coercions: Vec<Option<IriBuf>>,
    /// The placeholders' digits, when there are number slots.
    markers: Option<&'t [String; 2]>,
}

impl<'t> ScalarSlots<'t> {
    /// Which literal each number and boolean slot of `values` must have become; `numbers` are
    /// the numbers of the expanded placeholder document with their type coercions. Each
    /// placeholder must be there once, as a number (not inside an `@json` value).
    fn expected(
        templates: &'t ShapeTemplates,
        values: &[Slot<'_>],
        numbers: &[(String, Option<String>)],
    ) -> Result<Self, Unfit> {
        let mut expected = HashMap::new();
        let mut coercions = vec![None; values.len()];
        for (i, value) in values.iter().enumerate() {
            let Slot::Scalar(scalar) = value else {
                continue;
            };
            let placeholder = templates
                .number_placeholder(i, scalar.class())
                .ok_or(Unfit::Scalars)?;
            let text = placeholder.to_string();
            let mut seen = numbers.iter().filter(|(number, _)| *number == text);
            let coercion = match (seen.next(), seen.next()) {
                (Some((_, coercion)), None) => coercion
                    .as_ref()
                    .map(|iri| IriBuf::new(iri.clone()).map_err(|_| Unfit::Scalars))
                    .transpose()?,
                _ => return Err(Unfit::Scalars),
            };
            // The placeholder must be of the class it stands for (a boolean's is an integer:
            // ssi writes a boolean the same under any coercion, but the placeholder must meet
            // the coercion a number of the same place would).
            let placeholder = Scalar::of_number(&placeholder);
            let class = match scalar.class() {
                Class::Boolean => Class::Integer,
                class => class,
            };
            if placeholder.class() != class {
                return Err(Unfit::Scalars);
            }
            let literal = placeholder.literal(coercion.as_ref());
            let datatype = literal_type_text(&literal.type_).to_owned();
            if expected.insert((literal.value, datatype), i).is_some() {
                return Err(Unfit::Scalars);
            }
            coercions[i] = coercion;
        }
        let markers = (!expected.is_empty()).then_some(&templates.numbers.markers);
        Ok(Self {
            expected,
            coercions,
            markers,
        })
    }

    /// The slot whose placeholder `literal` is.
    fn slot_of(&self, literal: &Literal) -> Option<usize> {
        if self.expected.is_empty() {
            return None;
        }
        let key = (
            literal.value.clone(),
            literal_type_text(&literal.type_).to_owned(),
        );
        self.expected.get(&key).copied()
    }

    /// A placeholder's digits anywhere but as a slot's whole literal (inside an `@json` literal,
    /// written under a type coercion) make the numbers of the shape unusable.
    fn refuse_marker(&self, text: &str) -> Result<(), Unfit> {
        match self.markers {
            Some(markers) if markers.iter().any(|marker| text.contains(marker.as_str())) => {
                Err(Unfit::Scalars)
            }
            _ => Ok(()),
        }
    }
}

fn literal_type_text(type_: &LiteralType) -> &str {
    match type_ {
        LiteralType::Any(iri) => iri.as_str(),
        LiteralType::LangString(tag) => tag.as_str(),
    }
}

/// The placeholder indexes whose value another placeholder also has.
fn repeated_values(values: &[Cow<'_, str>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_unstable_by_key(|&i| &values[i]);
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
        Term::Literal(literal) => (literal.value.as_str(), literal_type_text(&literal.type_)),
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
