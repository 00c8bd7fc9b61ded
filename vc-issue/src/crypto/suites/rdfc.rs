//! RDF Dataset Canonicalization (RDFC-1.0 / URDNA2015) of JSON-LD documents, for the `-rdfc-` suites
//! and `Ed25519Signature2020`.
//!
//! JSON-LD expansion and canonicalization come from ssi (`ssi-json-ld`, `ssi-rdf`). Contexts are
//! bundled and never fetched: a document naming a context this loader does not hold fails at once
//! with `UNKNOWN_CONTEXT`. Processing a `@context` costs more than canonicalizing the document that
//! uses it, so processed contexts are cached per distinct `@context` value; credentials of one schema
//! share one.
//!
//! Known limitation (of `rdf-types`, which ssi uses): string literals are escaped with `\"`, `\\`,
//! `\n` and `\r` only, while RDFC-1.0 also escapes `\t`, `\b`, `\f` and other control characters. A
//! credential whose strings contain such characters would canonicalize differently from other
//! implementations, so [`RdfcCanonicalizer`] refuses them instead of producing a signature that
//! others cannot verify.
//!
//! Likewise, ssi's IRI handling (`iref`, `pct-str`) panics on an IRI whose percent-escapes do not
//! decode to UTF-8 (`"type": "Bachelo%Degree"`: `%De` is the lone byte 0xDE). Any string may
//! become an IRI through `@vocab` or a term's `@id` coercion, so such strings and keys are refused
//! before expansion, whatever their place; a panic that still escapes JSON-LD processing is a
//! refusal of the document, not a server error.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use ssi_json_ld::json_ld::{self, Expand, Loader, Process};
use ssi_rdf::urdna2015;
use ssi_rdf::{AnyLdEnvironment, LdEnvironment, LexicalQuad};

use vc_core::ParseLimits;

use super::deep_stack;
use super::rdfc_template::{
    collect_context_terms, Lookup, Outcome, Shape, ShapeTemplates, TemplateStats,
};
use super::Canonicalizer;
use crate::error::IssueError;

/// The contexts bundled with the crate: the VC 1.1 and 2.0 base contexts and their examples, Data
/// Integrity, Multikey, DID Core, Ed25519 2020, Bitstring Status List, StatusList2021, ODRL and
/// security v1/v2 (W3C and W3C-CCG documents, see `contexts/README.md`).
const BUNDLED: &str = include_str!("../../../contexts/contexts.json");

/// A static JSON-LD document loader: bundled contexts plus any the host adds.
#[derive(Debug, Clone)]
pub struct ContextLoader {
    documents: HashMap<String, json_ld::RemoteDocument>,
    /// Every term any of the documents defines (see `rdfc_template`).
    terms: HashSet<String>,
}

impl ContextLoader {
    /// The bundled contexts.
    pub fn bundled() -> Self {
        let mut loader = Self {
            documents: HashMap::new(),
            terms: HashSet::new(),
        };
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(BUNDLED) {
            for (url, document) in map {
                // The bundled file is ours and well-formed; an entry that is not is skipped.
                let _ = loader.insert(&url, document);
            }
        }
        loader
    }

    /// Adds (or replaces) the context document served for `url` (the whole document, `{"@context": ...}`).
    pub fn insert(&mut self, url: &str, document: Value) -> Result<(), IssueError> {
        let iri = json_ld::IriBuf::new(url.to_owned()).map_err(|_| IssueError::InvalidRequest {
            reason: format!("context URL {url} is not an IRI"),
        })?;
        collect_context_terms(&document, false, &mut self.terms);
        let json = json_syntax::Value::from_serde_json(document);
        self.documents.insert(
            url.to_owned(),
            json_ld::RemoteDocument::new(Some(iri), None, json),
        );
        Ok(())
    }

    /// Whether a context URL is known.
    pub fn contains(&self, url: &str) -> bool {
        self.documents.contains_key(url)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown JSON-LD context")]
struct UnknownContext;

impl Loader for ContextLoader {
    async fn load(&self, url: &json_ld::Iri) -> json_ld::LoadingResult {
        self.documents
            .get(url.as_str())
            .cloned()
            .ok_or_else(|| json_ld::LoadError::new(url.to_owned(), UnknownContext))
    }
}

/// Canonicalizes JSON-LD documents to canonical N-Quads.
///
/// Documents nesting deeper than [`MAX_DEPTH`](Self::MAX_DEPTH) are refused with
/// `NESTING_TOO_DEEP`; JSON-LD processing runs on threads whose stack is sized for that depth,
/// whatever thread calls.
pub struct RdfcCanonicalizer {
    loader: Arc<ContextLoader>,
    /// Processed active contexts, by the JSON text of the `@context` value.
    contexts: Mutex<HashMap<String, Arc<json_ld::Context>>>,
    /// Expanded quads per document shape.
    templates: ShapeTemplates,
    /// Off for the reference path in tests and benches.
    use_templates: bool,
}

/// How many distinct `@context` values stay processed; beyond this the cache starts over.
const MAX_CACHED_CONTEXTS: usize = 256;

impl std::fmt::Debug for RdfcCanonicalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RdfcCanonicalizer")
            .field("contexts", &self.loader.documents.len())
            .field("processed", &self.lock().len())
            .finish()
    }
}

impl Default for RdfcCanonicalizer {
    fn default() -> Self {
        Self::new(ContextLoader::bundled())
    }
}

impl RdfcCanonicalizer {
    /// The deepest nesting of arrays and objects canonicalized: the highest limit any parser of the
    /// workspace can be set to ([`ParseLimits::MAX_DEPTH_CEILING`]), so that every document a
    /// parser accepted can be signed.
    pub const MAX_DEPTH: usize = ParseLimits::MAX_DEPTH_CEILING;

    /// A canonicalizer over `loader`'s contexts.
    pub fn new(loader: ContextLoader) -> Self {
        Self {
            loader: Arc::new(loader),
            contexts: Mutex::new(HashMap::new()),
            templates: ShapeTemplates::new(),
            use_templates: true,
        }
    }

    /// The same canonicalizer without shape templates: every document is expanded in full. The
    /// output is the same; this is the reference the templates are tested and measured against.
    pub fn without_templates(loader: ContextLoader) -> Self {
        Self {
            use_templates: false,
            ..Self::new(loader)
        }
    }

    /// The canonical N-Quads of `document`.
    pub fn canonical_nquads(&self, document: &Value) -> Result<String, IssueError> {
        Ok(canonical_form(&self.quads(document)?))
    }

    /// The RDF dataset of `document` (JSON-LD expansion and deserialization to RDF, not
    /// canonicalized), as the selective-disclosure suites need it to relabel blank nodes.
    pub(crate) fn quads(&self, document: &Value) -> Result<Vec<LexicalQuad>, IssueError> {
        let object = document
            .as_object()
            .ok_or_else(|| invalid("a JSON-LD document must be an object"))?;
        check_document(document, Self::MAX_DEPTH)?;
        if !self.use_templates {
            return self.expand(object);
        }
        let terms = &self.loader.terms;
        let mut shape = Shape::of(document, terms);
        let mut lookup = self.templates.lookup(&shape);
        if let Lookup::NumbersInKey = lookup {
            shape = Shape::with_numbers(document, terms);
            lookup = self.templates.lookup(&shape);
        }
        match lookup {
            Lookup::Filled(quads) => {
                self.templates.record(Outcome::Filled);
                Ok(quads)
            }
            // `with_numbers` shapes are never `NumbersInKey`; were one, the full path is right.
            Lookup::FullPath | Lookup::NumbersInKey => {
                let quads = self.expand(object)?;
                self.templates.record(Outcome::FullPath);
                self.templates.confirm(shape, &quads);
                Ok(quads)
            }
            Lookup::Unknown => {
                let quads = self.expand(object)?;
                self.templates.record(Outcome::NewShape);
                let placeholders = self.templates.placeholder_document(document, &shape, terms);
                if let Some(placeholders) = placeholders.as_ref().and_then(Value::as_object) {
                    // A placeholder document that fails to expand just leaves the shape unknown.
                    if let Ok((template, numbers)) = self.expand_noting_numbers(placeholders) {
                        let mut terms = terms.clone();
                        collect_context_terms(document, false, &mut terms);
                        self.templates
                            .learn(shape, template, &numbers, Arc::new(terms), &quads);
                    }
                }
                Ok(quads)
            }
        }
    }

    /// How the shape templates served the documents canonicalized so far (none without
    /// templates). With the `metrics` feature the same counts go to
    /// `vc_issue_rdfc_template_total{outcome}` and the number of shapes held to
    /// `vc_issue_rdfc_template_shapes`.
    pub fn template_stats(&self) -> TemplateStats {
        self.templates.stats()
    }

    /// The (not yet canonical) quads of a JSON-LD document.
    fn expand(&self, object: &Map<String, Value>) -> Result<Vec<LexicalQuad>, IssueError> {
        self.expand_with(object, false).map(|(quads, _)| quads)
    }

    /// The quads of a placeholder document, and the JSON text and type coercion (IRI) of every
    /// number in its expansion, which tell the templates how ssi wrote each placeholder number.
    fn expand_noting_numbers(&self, object: &Map<String, Value>) -> Result<Expanded, IssueError> {
        self.expand_with(object, true)
    }

    fn expand_with(
        &self,
        object: &Map<String, Value>,
        note_numbers: bool,
    ) -> Result<Expanded, IssueError> {
        let context = object.get("@context").cloned().unwrap_or(Value::Null);
        let active = self.active_context(&context)?;
        let mut body = object.clone();
        body.remove("@context");
        let loader = self.loader.clone();
        deep_stack::run(
            move || {
                futures::executor::block_on(expand_to_quads(&loader, body, active, note_numbers))
            },
            refused_by_json_ld(),
        )?
        .map_err(|e| self.name_undefined_term(object).unwrap_or(e))
    }

    /// Why expansion failed, when it is a term none of the document's contexts defines: the
    /// term and its JSON pointer (ssi's error names neither).
    fn name_undefined_term(&self, object: &Map<String, Value>) -> Option<IssueError> {
        let context = object.get("@context")?;
        let mut defined = HashSet::new();
        collect_context_terms(
            &serde_json::json!({ "@context": context }),
            false,
            &mut defined,
        );
        let urls: Vec<&Value> = match context {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for url in urls.iter().filter_map(|u| u.as_str()) {
            if let Some(document) = self.loader.documents.get(url) {
                let document = document.document().clone().into_serde_json();
                collect_context_terms(&document, false, &mut defined);
            }
        }
        let mut pointer = String::new();
        let (term, at) = undefined_term(&defined, &Value::Object(object.clone()), &mut pointer)?;
        Some(invalid(&format!(
            "the term `{term}` at {at} is defined by none of the credential's contexts \
             (add a context that defines it, e.g. the schema's `contexts`)"
        )))
    }

    fn active_context(&self, context: &Value) -> Result<Arc<json_ld::Context>, IssueError> {
        let key = context.to_string();
        if let Some(active) = self.lock().get(&key) {
            return Ok(active.clone());
        }
        self.check_known(context)?;
        let loader = self.loader.clone();
        let owned = context.clone();
        let active = Arc::new(deep_stack::run(
            move || futures::executor::block_on(process(&loader, &owned)),
            refused_by_json_ld(),
        )??);
        let mut cache = self.lock();
        if cache.len() >= MAX_CACHED_CONTEXTS {
            cache.clear();
        }
        cache.insert(key, active.clone());
        Ok(active)
    }

    /// Names the first context URL the loader does not hold, before JSON-LD processing would fail on
    /// it with a less precise error.
    fn check_known(&self, context: &Value) -> Result<(), IssueError> {
        let urls: Vec<&str> = match context {
            Value::String(url) => vec![url.as_str()],
            Value::Array(entries) => entries.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        match urls.into_iter().find(|url| !self.loader.contains(url)) {
            Some(url) => Err(IssueError::UnknownContext {
                url: url.to_owned(),
            }),
            None => Ok(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<json_ld::Context>>> {
        // The cache holds only finished values; a panic elsewhere cannot leave it inconsistent.
        self.contexts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

async fn process(loader: &ContextLoader, context: &Value) -> Result<json_ld::Context, IssueError> {
    if context.is_null() {
        return Ok(json_ld::Context::default());
    }
    let json = json_syntax::Value::from_serde_json(context.clone());
    let context: json_ld::syntax::context::Context =
        json_syntax::from_value(json).map_err(|e| invalid(&format!("invalid @context: {e}")))?;
    let processed = context
        .process_full(
            &mut (),
            &json_ld::Context::default(),
            loader,
            None,
            Default::default(),
            (),
        )
        .await
        .map_err(|e| invalid(&format!("@context processing failed: {e}")))?;
    Ok(processed.into_processed())
}

/// Quads, and (when asked) the numbers of the expanded document with their type coercions.
type Expanded = (Vec<LexicalQuad>, Vec<(String, Option<String>)>);

async fn expand_to_quads(
    loader: &ContextLoader,
    body: Map<String, Value>,
    active: Arc<json_ld::Context>,
    note_numbers: bool,
) -> Result<Expanded, IssueError> {
    let json = json_syntax::Value::from_serde_json(Value::Object(body));
    // The same policy as ssi's Data Integrity code: a term the contexts do not define is an error
    // (JSON-LD "safe mode"), not silently dropped from what gets signed.
    let options = json_ld::expansion::Options {
        policy: json_ld::expansion::Policy {
            invalid: json_ld::expansion::Action::Reject,
            allow_undefined: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut environment = LdEnvironment::default();
    let expanded = json
        .expand_full(
            &mut environment.vocabulary,
            (*active).clone(),
            None,
            loader,
            options,
            (),
        )
        .await
        .map_err(|e| invalid(&format!("JSON-LD expansion failed: {e}")))?;
    let numbers = if note_numbers {
        numbers_of(&expanded)
    } else {
        Vec::new()
    };
    let quads = environment
        .quads_of(&expanded)
        .map_err(|e| invalid(&format!("canonicalization failed: {e}")))?;
    Ok((quads, numbers))
}

/// Every number value object of `expanded`: its JSON text and its `@type`, if any.
fn numbers_of(expanded: &json_ld::ExpandedDocument) -> Vec<(String, Option<String>)> {
    use json_ld::object::{FragmentRef, Literal};
    let mut seen = HashSet::new();
    let mut numbers = Vec::new();
    for object in expanded.iter() {
        for fragment in object.traverse() {
            let value = match fragment {
                FragmentRef::Object(json_ld::Object::Value(value)) => value,
                FragmentRef::IndexedObject(indexed) => match indexed.inner() {
                    json_ld::Object::Value(value) => value,
                    _ => continue,
                },
                _ => continue,
            };
            // The traversal may reach one value object both as itself and as the inner object
            // of its `Indexed` wrapper: it counts once.
            if !seen.insert(std::ptr::from_ref(value)) {
                continue;
            }
            if let json_ld::Value::Literal(Literal::Number(number), coercion) = value {
                numbers.push((
                    number.as_str().to_owned(),
                    coercion.as_ref().map(|iri| iri.as_str().to_owned()),
                ));
            }
        }
    }
    numbers
}

impl Canonicalizer for RdfcCanonicalizer {
    fn canonicalize(&self, document: &Value) -> Result<Vec<u8>, IssueError> {
        self.canonical_nquads(document).map(String::into_bytes)
    }

    /// ssi's RDFC-1.0 hashes with SHA-256 only.
    fn labels_with_sha256(&self) -> bool {
        true
    }
}

/// RDFC-1.0 of `quads`, serialized as sorted N-Quads lines (what ssi's `canonical_form_of` does).
fn canonical_form(quads: &[LexicalQuad]) -> String {
    urdna2015::normalize(quads.iter().map(LexicalQuad::as_lexical_quad_ref))
        .into_nquads_lines()
        .concat()
}

/// A panic in ssi's JSON-LD processing of a document (see the module docs): the document is what
/// it could not take, so it is refused like any other it cannot expand.
fn refused_by_json_ld() -> IssueError {
    invalid("JSON-LD processing failed on this document")
}

/// The first key or type name of `value` (depth first, in document order) that is neither a
/// keyword, an IRI nor a term in `defined`, and its JSON pointer (`pointer` is where `value` is).
fn undefined_term(
    defined: &HashSet<String>,
    value: &Value,
    pointer: &mut String,
) -> Option<(String, String)> {
    let is_term = |s: &str| !s.starts_with('@') && !s.contains(':') && !s.is_empty();
    let at = |pointer: &str, token: &str| {
        format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
    };
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if key == "@context" {
                    continue;
                }
                if is_term(key) && !defined.contains(key) {
                    return Some((key.clone(), at(pointer, key)));
                }
                let len = pointer.len();
                *pointer = at(pointer, key);
                let types: Vec<(Option<usize>, &str)> = match (key.as_str(), item) {
                    ("type" | "@type", Value::String(t)) => vec![(None, t.as_str())],
                    ("type" | "@type", Value::Array(ts)) => ts
                        .iter()
                        .enumerate()
                        .filter_map(|(i, t)| t.as_str().map(|t| (Some(i), t)))
                        .collect(),
                    _ => Vec::new(),
                };
                for (i, t) in types {
                    if is_term(t) && !defined.contains(t) {
                        let place = i.map_or_else(|| pointer.clone(), |i| format!("{pointer}/{i}"));
                        return Some((t.to_owned(), place));
                    }
                }
                let found = undefined_term(defined, item, pointer);
                pointer.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                let found = undefined_term(defined, item, pointer);
                pointer.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => None,
    }
}

fn invalid(reason: &str) -> IssueError {
    IssueError::InvalidRequest {
        reason: reason.to_owned(),
    }
}

/// Refuses documents deeper than `max_depth` before any recursive stage runs, then control
/// characters other than `\n` and `\r` in strings (see the module docs).
fn check_document(document: &Value, max_depth: usize) -> Result<(), IssueError> {
    vc_core::parse::check_depth(document, max_depth)?;
    check_literals(document)
}

/// Refuses control characters other than `\n` and `\r` in strings, and percent-escapes that do
/// not decode to UTF-8 in strings and keys (see the module docs).
fn check_literals(value: &Value) -> Result<(), IssueError> {
    let bad = |s: &str| {
        s.chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\r') && (c as u32) < 0x80)
    };
    let undecodable = |s: &str| !vc_core::uri::percent_decodes_to_utf8(s);
    match value {
        Value::String(s) if bad(s) => Err(invalid(
            "strings with control characters (tab, backspace, ...) cannot be RDF-canonicalized interoperably",
        )),
        Value::String(s) if undecodable(s) => Err(invalid(
            "a string has a percent-escape that does not decode to UTF-8 (such as %DE alone), which JSON-LD processing cannot take as an IRI",
        )),
        Value::Array(items) => items.iter().try_for_each(check_literals),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            if bad(k) {
                return Err(invalid("property names with control characters are not supported"));
            }
            if undecodable(k) {
                return Err(invalid(
                    "a property name has a percent-escape that does not decode to UTF-8",
                ));
            }
            check_literals(v)
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod template_tests {
    //! The shape templates against the full path, on documents built to break them: relative,
    //! compact, percent-encoded and blank-node IRIs, terms as values, repeated values and ids,
    //! escapes and non-ASCII text.
    use super::*;
    use serde_json::json;

    const IRIS: &[&str] = &[
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:example:abc",
        "https://example.edu/issuers/14",
        "urn:uuid:1b5e6f4e-7d1a-4c2b-9a57-3f0c2d8e9b10",
        "http://example.com/%41b",
        "http://example.com/Ab",
        "issuers/14",
        "#key-1",
        "_:b0",
        "VerifiableCredential",
        "cred:issuer",
        "schema:name",
        "https://example.edu/issuers/14",
    ];
    const TEXTS: &[&str] = &[
        "Bachelor of Science",
        "Ba\"ch\\elor",
        "line\nbreak\r",
        "ünïcødé 😀 \u{e000}",
        "",
        "did:example:abc",
        "https://example.edu/issuers/14",
        "Bachelor of Science",
        "ExampleBachelorDegree",
    ];
    const DATES: &[&str] = &[
        "2024-01-01T00:00:00Z",
        "2010-01-01T19:23:24.5+01:00",
        "not a date",
    ];

    struct Rng(u64);
    impl Rng {
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            from[(self.0 % from.len() as u64) as usize]
        }
        fn coin(&mut self) -> bool {
            self.pick(&["a", "b"]) == "a"
        }
    }

    fn document(rng: &mut Rng) -> Value {
        let issuer = if rng.coin() {
            json!(rng.pick(IRIS))
        } else {
            json!({"id": rng.pick(IRIS), "name": rng.pick(TEXTS)})
        };
        let mut doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
            "id": rng.pick(IRIS),
            "type": ["VerifiableCredential", "ExampleDegreeCredential"],
            "issuer": issuer,
            "validFrom": rng.pick(DATES),
            "credentialSubject": {
                "id": rng.pick(IRIS),
                "degree": {"type": "ExampleBachelorDegree", "name": rng.pick(TEXTS)},
                "alumniOf": rng.pick(TEXTS),
                "description": rng.pick(TEXTS)
            }
        });
        if rng.coin() {
            doc["credentialSchema"] = json!({"id": rng.pick(IRIS), "type": "JsonSchema"});
        }
        doc
    }

    #[test]
    fn templates_give_the_full_path_output_byte_for_byte() {
        let fast = RdfcCanonicalizer::default();
        let full = RdfcCanonicalizer::without_templates(ContextLoader::bundled());
        let mut rng = Rng(0x5151_7e57_c0ff_ee00);
        let (mut ok, mut refused) = (0, 0);
        for round in 0..1000 {
            let doc = document(&mut rng);
            let expected = full.canonical_nquads(&doc);
            let actual = fast.canonical_nquads(&doc);
            match (&expected, &actual) {
                (Ok(e), Ok(a)) => {
                    assert_eq!(a, e, "round {round}: {doc:#}");
                    ok += 1;
                }
                (Err(_), Err(_)) => refused += 1,
                _ => panic!("round {round}: {expected:?} vs {actual:?} for {doc:#}"),
            }
        }
        let filled = fast.template_stats().filled;
        assert!(ok > 500, "{ok} canonicalized, {refused} refused");
        assert!(filled > 200, "only {filled} documents used a template");
    }

    #[test]
    fn a_proof_configuration_shape_is_reused() {
        let fast = RdfcCanonicalizer::default();
        let full = RdfcCanonicalizer::without_templates(ContextLoader::bundled());
        for second in 0..5 {
            let config = json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": format!("2024-06-01T00:00:0{second}Z"),
                "verificationMethod": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                "proofPurpose": "assertionMethod"
            });
            assert_eq!(
                fast.canonical_nquads(&config).unwrap(),
                full.canonical_nquads(&config).unwrap()
            );
        }
        let stats = fast.template_stats();
        assert_eq!(
            stats.filled, 4,
            "every configuration after the first is filled"
        );
        assert_eq!((stats.new_shape, stats.full_path, stats.shapes), (1, 0, 1));
        assert!((stats.hit_rate() - 0.8).abs() < 1e-9);
    }

    /// Numbers as JSON texts, edge cases first: signs, zeros, the `i64` and `u64` limits, the
    /// exponent forms JSON-LD's specification treats apart (`1e21`), integral doubles (which ssi
    /// writes as doubles), tiny, huge and long ones.
    const NUMBERS: &[&str] = &[
        "0",
        "-0",
        "42",
        "-7",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "1e21",
        "1E21",
        "1.0e21",
        "1e20",
        "0.1",
        "5.0",
        "-0.0",
        "3.75",
        "1e-7",
        "123456789.123456789",
        "2.5e300",
        "-1.5",
        "100",
        "3.7",
        "4",
        "0.30000000000000004",
    ];
    /// Everyday values: a GPA, an amount, a count.
    const EVERYDAY: &[&str] = &["3.7", "2.95", "4.0", "3.25", "1.5", "0.5", "12.75", "99.99"];
    const COUNTS: &[&str] = &["0", "1", "7", "42", "120", "2024", "65535", "-3"];

    /// A context with every coercion a number can meet: `xsd:double`, `xsd:decimal`,
    /// `xsd:integer`, `xsd:boolean`, `xsd:string`, `@json`, `@id` and a term-typed
    /// `@vocab`-free plain term.
    fn coercions() -> Value {
        let xsd = |t: &str| format!("http://www.w3.org/2001/XMLSchema#{t}");
        json!({
            "gpa": {"@id": "https://example.org/vocab#gpa", "@type": xsd("double")},
            "amount": {"@id": "https://example.org/vocab#amount", "@type": xsd("decimal")},
            "count": {"@id": "https://example.org/vocab#count", "@type": xsd("integer")},
            "flag": {"@id": "https://example.org/vocab#flag", "@type": xsd("boolean")},
            "label": {"@id": "https://example.org/vocab#label", "@type": xsd("string")},
            "data": {"@id": "https://example.org/vocab#data", "@type": "@json"},
            "ref": {"@id": "https://example.org/vocab#ref", "@type": "@id"},
            "plain": "https://example.org/vocab#plain"
        })
    }

    impl Rng {
        fn number(&mut self, from: &[&str]) -> Value {
            serde_json::from_str(self.pick(from)).unwrap()
        }
        fn boolean(&mut self) -> Value {
            json!(self.coin())
        }
        /// A number or a boolean, mostly of the class `from` holds.
        fn scalar(&mut self, from: &[&str], wild: bool) -> Value {
            match (wild, self.pick(&["n", "n", "n", "b", "w"])) {
                (true, "b") => self.boolean(),
                (true, "w") => self.number(NUMBERS),
                _ => self.number(from),
            }
        }
    }

    /// A credential whose claims hold numbers and booleans, plain and under every coercion, in
    /// arrays and in blank nodes whose canonical labels depend on them. `wild` draws them from
    /// the edge cases and lets their class change; otherwise each member keeps its class.
    fn scalar_document(rng: &mut Rng, wild: bool) -> Value {
        let mut subject = json!({
            "id": rng.pick(IRIS),
            "name": rng.pick(TEXTS),
            "score": rng.scalar(COUNTS, wild),
            "passed": if wild { rng.scalar(COUNTS, true) } else { rng.boolean() },
            "scores": [rng.scalar(EVERYDAY, wild), rng.scalar(EVERYDAY, wild), rng.boolean()],
            // Blank nodes told apart only by their numbers: canonical labelling hashes them.
            "results": [
                {"points": rng.scalar(COUNTS, wild), "final": rng.boolean()},
                {"points": rng.scalar(COUNTS, wild), "final": rng.boolean()}
            ],
            "gpa": rng.scalar(EVERYDAY, wild),
            "count": rng.scalar(COUNTS, wild),
            "plain": rng.scalar(EVERYDAY, wild)
        });
        if wild || rng.coin() {
            subject["amount"] = rng.scalar(EVERYDAY, wild);
            subject["flag"] = rng.scalar(COUNTS, wild);
            subject["label"] = rng.scalar(COUNTS, wild);
            // `@json` values keep the numbers of their shape in its key.
            if wild {
                subject["data"] = if rng.coin() {
                    rng.scalar(COUNTS, wild)
                } else {
                    json!({"n": rng.scalar(EVERYDAY, wild), "ok": rng.boolean()})
                };
            }
            subject["ref"] = json!(rng.pick(IRIS));
            subject["explicit"] = json!({"@value": rng.scalar(COUNTS, wild)});
        }
        json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2",
                coercions()
            ],
            "id": rng.pick(IRIS),
            "type": ["VerifiableCredential", "ExampleDegreeCredential"],
            "issuer": "did:example:abc",
            "validFrom": rng.pick(DATES),
            "credentialSubject": subject
        })
    }

    fn compare(documents: impl Iterator<Item = Value>) -> (usize, TemplateStats) {
        let fast = RdfcCanonicalizer::default();
        let full = RdfcCanonicalizer::without_templates(ContextLoader::bundled());
        let mut ok = 0;
        for (round, doc) in documents.enumerate() {
            let expected = full.canonical_nquads(&doc);
            let actual = fast.canonical_nquads(&doc);
            match (&expected, &actual) {
                (Ok(e), Ok(a)) => {
                    assert_eq!(a, e, "round {round}: {doc:#}");
                    ok += 1;
                }
                (Err(_), Err(_)) => {}
                _ => panic!("round {round}: {expected:?} vs {actual:?} for {doc:#}"),
            }
        }
        (ok, fast.template_stats())
    }

    #[test]
    fn numbers_and_booleans_filled_give_the_full_path_output() {
        let mut rng = Rng(0x0dd5_eed5_1234_5678);
        let (ok, stats) = compare((0..600).map(|_| scalar_document(&mut rng, false)));
        assert_eq!(ok, 600);
        // Some fifty shapes (the ids and names that are terms are part of it); the full path
        // for values that do not fit (relative IRIs, blank node ids) and for equal values that
        // could merge quads.
        assert!(stats.new_shape < 80 && stats.filled > 200, "{stats:?}");
    }

    #[test]
    fn edge_case_numbers_give_the_full_path_output() {
        let mut rng = Rng(0x7777_1e21_0000_0001);
        let (ok, stats) = compare((0..1500).map(|_| scalar_document(&mut rng, true)));
        assert!(ok > 1000, "{ok} canonicalized");
        assert!(stats.shapes > 0, "{stats:?}");
    }

    #[test]
    fn varying_numbers_and_booleans_are_filled() {
        let mut rng = Rng(0x5eed_0000_0000_0019);
        let documents = (0..200).map(|i| {
            json!({
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    "https://www.w3.org/ns/credentials/examples/v2",
                    {"gpa": {"@id": "https://example.org/vocab#gpa",
                             "@type": "http://www.w3.org/2001/XMLSchema#double"},
                     "count": {"@id": "https://example.org/vocab#count",
                               "@type": "http://www.w3.org/2001/XMLSchema#integer"}}
                ],
                "type": ["VerifiableCredential", "ExampleDegreeCredential"],
                "issuer": "did:example:abc",
                "validFrom": "2024-01-01T00:00:00Z",
                "credentialSubject": {
                    "id": format!("did:example:{i}"),
                    "average": rng.number(EVERYDAY),
                    "credits": rng.number(COUNTS),
                    "count": rng.number(COUNTS),
                    "honours": rng.boolean(),
                    "results": [{"points": rng.number(COUNTS)}, {"points": rng.number(COUNTS)}]
                }
            })
        });
        let (ok, stats) = compare(documents);
        assert_eq!(ok, 200);
        // Only the first document is expanded; equal `points` (one in eight) merge nothing
        // here (distinct blank nodes) but equal values always take the full path.
        assert_eq!(stats.new_shape, 1, "{stats:?}");
        assert!(stats.filled > 150, "{stats:?}");
    }

    #[test]
    fn a_shape_with_a_json_number_keeps_its_numbers_in_the_key() {
        let documents = (0..20).map(|i| {
            json!({
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    {"data": {"@id": "https://example.org/vocab#data", "@type": "@json"}}
                ],
                "type": "VerifiableCredential",
                "issuer": "did:example:abc",
                "credentialSubject": {"id": format!("did:example:{i}"), "data": 3.5}
            })
        });
        let (ok, stats) = compare(documents);
        assert_eq!(ok, 20);
        // The first document learns that the shape's numbers stay in its key, the second
        // learns that key's template, the others use it.
        assert_eq!((stats.new_shape, stats.filled), (2, 18), "{stats:?}");
    }
}
