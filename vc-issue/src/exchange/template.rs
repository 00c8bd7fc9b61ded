//! Credential templates: an [`IssuanceRequest`] with placeholders, filled from an exchange's
//! variables.
//!
//! See [`CredentialTemplate`] for the template language and why it is this small.

use serde_json::{json, Map, Value};
use vc_core::{Did, ErrorCode};

use super::error::ExchangeError;
use crate::pipeline::request::IssuanceRequest;

const OPEN: &str = "{{";
const CLOSE: &str = "}}";
const ROOT: &str = "variables";

/// One credential to issue in an `issue` step: an [`IssuanceRequest`] in JSON without
/// `holderDid`, whose string values may reference the exchange's variables.
///
/// # The template language, and why it is this small
///
/// A template is the JSON of an [`IssuanceRequest`] without `holderDid` or `subjectId` (the holder
/// is always the DID the wallet authenticated as). Any **string value** in it may reference a variable with
/// `{{ variables.<path> }}`, where `<path>` is dot-separated object keys and array indexes
/// (`variables.name`, `variables.degree.name`, `variables.results.ownerBinding.did`,
/// `variables.items.0`):
///
/// - a string that is exactly one placeholder becomes the referenced JSON value, of whatever type
///   (`"claims": "{{ variables.claims }}"` inserts an object);
/// - placeholders inside a longer string are replaced by the referenced value's text, which must
///   be a string, number or boolean (`"Degree of {{ variables.name }}"`).
///
/// There are no expressions, conditionals, filters or loops, keys are never templated, and
/// inserted values are not expanded again: a variable that contains `{{ ... }}` stays literal
/// text. A coordinator's variables can therefore only put data where the workflow's author
/// put a placeholder, never change the shape of the request elsewhere; the rendered request goes
/// through the issuer's full pipeline (schema validation included) like any other. A missing
/// variable is an error, never an empty string: the workflow service checks the variables when
/// the exchange is created ([`ExchangeError::VariablesInvalid`], with every
/// [`VariableProblem`]), and [`render`](Self::render) refuses what slipped through
/// ([`ExchangeError::Template`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialTemplate {
    template: Map<String, Value>,
}

impl CredentialTemplate {
    /// Checks `template`: a JSON object, without `holderDid`, whose placeholders are well formed.
    pub fn new(template: Value) -> Result<Self, ExchangeError> {
        let Value::Object(template) = template else {
            return Err(invalid("a credential template must be a JSON object"));
        };
        if template.contains_key("holderDid") || template.contains_key("subjectId") {
            return Err(invalid(
                "a credential template must not set holderDid or subjectId: the holder is the \
                 DID the wallet authenticated as",
            ));
        }
        check_placeholders(&Value::Object(template.clone()))?;
        Ok(Self { template })
    }

    /// The template as written.
    pub fn as_json(&self) -> &Map<String, Value> {
        &self.template
    }

    /// Fills the placeholders from `variables` and binds the credential to `holder`.
    pub fn render(
        &self,
        variables: &Map<String, Value>,
        holder: &Did,
    ) -> Result<IssuanceRequest, ExchangeError> {
        let filled = self.fill(variables, holder)?;
        if let Some(problem) = filled.problems.first() {
            return Err(ExchangeError::Template {
                reason: problem.message(),
            });
        }
        serde_json::from_value(Value::Object(filled.request)).map_err(|e| ExchangeError::Template {
            reason: format!("the filled template is not an issuance request: {e}"),
        })
    }

    /// Every variable of `variables` this template cannot use: missing ones, ones placed inside
    /// text that are not text, and ones that fill a field of the request with something it
    /// cannot be (a number as `schemaId`, text as `claims`). It renders with
    /// [`render`](Self::render)'s own filling and parses the result as an [`IssuanceRequest`],
    /// so it accepts exactly what `render` accepts for the same variables and `holder`.
    ///
    /// A filled template that is no issuance request although no variable is to blame (the
    /// template's own text is wrong) is the workflow's fault: [`ExchangeError::Template`].
    pub fn check(
        &self,
        variables: &Map<String, Value>,
        holder: &Did,
    ) -> Result<Vec<VariableProblem>, ExchangeError> {
        let filled = self.fill(variables, holder)?;
        if !filled.problems.is_empty() {
            return Ok(filled.problems);
        }
        let request = Value::Object(filled.request);
        let Err(whole) = serde_json::from_value::<IssuanceRequest>(request.clone()) else {
            return Ok(Vec::new());
        };
        // Blame the variables of each field that breaks a known-good request on its own.
        let skeleton = IssuanceRequest::new("schema", holder.clone(), holder.clone(), Map::new());
        let Ok(Value::Object(skeleton)) = serde_json::to_value(&skeleton) else {
            return Err(ExchangeError::Template {
                reason: "an issuance request does not serialize as an object".into(),
            });
        };
        let mut problems = Vec::new();
        for (field, paths) in &filled.used {
            let Some(value) = request.get(field.as_str()) else {
                continue;
            };
            let mut probe = skeleton.clone();
            probe.insert(field.clone(), value.clone());
            if serde_json::from_value::<IssuanceRequest>(Value::Object(probe)).is_err() {
                problems.extend(paths.iter().map(|path| VariableProblem {
                    path: path.clone(),
                    kind: VariableProblemKind::Unusable {
                        field: field.clone(),
                    },
                }));
            }
        }
        if problems.is_empty() {
            return Err(ExchangeError::Template {
                reason: format!("the filled template is not an issuance request: {whole}"),
            });
        }
        Ok(problems)
    }

    /// Fills every top-level field, noting each variable it cannot use (instead of stopping at
    /// the first, so that [`check`](Self::check) can name them all) and the variables each field
    /// took.
    fn fill(&self, variables: &Map<String, Value>, holder: &Did) -> Result<Filled, ExchangeError> {
        let mut filler = Filler {
            variables,
            problems: Vec::new(),
            used: Vec::new(),
            broken: None,
        };
        let mut request = Map::with_capacity(self.template.len() + 1);
        let mut used = Vec::new();
        for (key, value) in &self.template {
            request.insert(key.clone(), filler.fill(value));
            if !filler.used.is_empty() {
                used.push((key.clone(), std::mem::take(&mut filler.used)));
            }
        }
        if let Some(reason) = filler.broken {
            return Err(ExchangeError::Template { reason });
        }
        request.insert(
            "holderDid".into(),
            Value::String(holder.as_str().to_owned()),
        );
        Ok(Filled {
            request,
            problems: filler.problems,
            used,
        })
    }
}

/// A variable of an exchange that a credential template cannot use, named by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableProblem {
    path: String,
    kind: VariableProblemKind,
}

/// What is wrong with a [`VariableProblem`]'s variable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VariableProblemKind {
    /// A placeholder references it and it is not set (`VARIABLE_MISSING`).
    Missing,
    /// It is placed inside text but is an object, an array or `null` (`VARIABLE_NOT_TEXT`).
    NotText,
    /// Filled in, it makes the request's field `field` invalid (`VARIABLE_UNUSABLE`): a number
    /// as `schemaId`, text as `claims`, an `issuerDid` that is no DID.
    Unusable {
        /// The top-level field of the issuance request.
        field: String,
    },
}

impl VariableProblem {
    /// The variable's path below `variables`, dot-separated as in the placeholder
    /// (`degree.name`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong.
    pub fn kind(&self) -> &VariableProblemKind {
        &self.kind
    }

    /// A JSON pointer to the variable in the body that creates the exchange
    /// (`/variables/degree/name`). Path segments are names and indexes, so nothing needs escaping.
    pub fn pointer(&self) -> String {
        format!("/{ROOT}/{}", self.path.replace('.', "/"))
    }

    /// A stable code for the kind of problem.
    pub fn code(&self) -> ErrorCode {
        match self.kind {
            VariableProblemKind::Missing => ErrorCode::VARIABLE_MISSING,
            VariableProblemKind::NotText => ErrorCode::VARIABLE_NOT_TEXT,
            VariableProblemKind::Unusable { .. } => ErrorCode::VARIABLE_UNUSABLE,
        }
    }

    /// What is wrong, in words. Names only the template's paths and fields, never a value.
    pub fn message(&self) -> String {
        let path = &self.path;
        match &self.kind {
            VariableProblemKind::Missing => format!("variable {ROOT}.{path} is not set"),
            VariableProblemKind::NotText => format!(
                "variable {ROOT}.{path} is not a string, number or boolean and cannot be placed \
                 inside text"
            ),
            VariableProblemKind::Unusable { field } => format!(
                "variable {ROOT}.{path} does not make a valid {field} of the issuance request"
            ),
        }
    }

    /// `{pointer, code, message}` (and `field` for `VARIABLE_UNUSABLE`), as in an error's details.
    pub fn to_json(&self) -> Value {
        let mut value = json!({
            "pointer": self.pointer(),
            "code": self.code(),
            "message": self.message(),
        });
        if let (VariableProblemKind::Unusable { field }, Value::Object(map)) =
            (&self.kind, &mut value)
        {
            map.insert("field".into(), Value::String(field.clone()));
        }
        value
    }
}

/// A template filled as far as the variables allow.
struct Filled {
    request: Map<String, Value>,
    problems: Vec<VariableProblem>,
    /// Per top-level field that has placeholders: the paths of the variables it took.
    used: Vec<(String, Vec<String>)>,
}

fn invalid(reason: &str) -> ExchangeError {
    ExchangeError::InvalidWorkflow {
        reason: reason.to_owned(),
    }
}

/// One piece of a templated string.
enum Piece<'a> {
    Text(&'a str),
    /// The path after `variables.`, split at dots.
    Variable(Vec<&'a str>),
}

/// Splits a string into text and placeholders, or says why it cannot.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        let after = &rest[start + OPEN.len()..];
        let end = after
            .find(CLOSE)
            .ok_or_else(|| format!("unclosed placeholder in {text:?}"))?;
        out.push(Piece::Variable(path(after[..end].trim())?));
        rest = &after[end + CLOSE.len()..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

fn path(expression: &str) -> Result<Vec<&str>, String> {
    let mut segments = expression.split('.');
    if segments.next() != Some(ROOT) {
        return Err(format!(
            "placeholder {{{{ {expression} }}}} must start with `{ROOT}.`"
        ));
    }
    let segments: Vec<&str> = segments.collect();
    let well_formed = !segments.is_empty()
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        });
    if well_formed {
        Ok(segments)
    } else {
        Err(format!(
            "placeholder {{{{ {expression} }}}} is not a dot-separated path of names and indexes"
        ))
    }
}

fn check_placeholders(value: &Value) -> Result<(), ExchangeError> {
    match value {
        Value::String(text) => pieces(text)
            .map(|_| ())
            .map_err(|reason| ExchangeError::InvalidWorkflow { reason }),
        Value::Array(items) => items.iter().try_for_each(check_placeholders),
        Value::Object(map) => map.values().try_for_each(check_placeholders),
        _ => Ok(()),
    }
}

/// Fills placeholders from `variables`; a variable it cannot use becomes a problem and `null`.
struct Filler<'v> {
    variables: &'v Map<String, Value>,
    problems: Vec<VariableProblem>,
    /// The paths of the variables filled in since the caller last took them.
    used: Vec<String>,
    /// Why a string of the template could not be split (checked when the template was built;
    /// only a template built another way could get here).
    broken: Option<String>,
}

impl<'v> Filler<'v> {
    fn problem(&mut self, segments: &[&str], kind: VariableProblemKind) {
        let problem = VariableProblem {
            path: segments.join("."),
            kind,
        };
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    fn lookup(&mut self, segments: &[&str]) -> Option<&'v Value> {
        let found = segments.split_first().and_then(|(first, rest)| {
            rest.iter().try_fold(
                self.variables.get(*first)?,
                |current, segment| match current {
                    Value::Object(map) => map.get(*segment),
                    Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                    _ => None,
                },
            )
        });
        match found {
            Some(_) => self.used.push(segments.join(".")),
            None => self.problem(segments, VariableProblemKind::Missing),
        }
        found
    }

    fn fill(&mut self, value: &Value) -> Value {
        match value {
            Value::String(text) => self.fill_string(text),
            Value::Array(items) => Value::Array(items.iter().map(|item| self.fill(item)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.fill(v))).collect())
            }
            other => other.clone(),
        }
    }

    fn fill_string(&mut self, text: &str) -> Value {
        if !text.contains(OPEN) {
            return Value::String(text.to_owned());
        }
        let pieces = match pieces(text) {
            Ok(pieces) => pieces,
            Err(reason) => {
                self.broken.get_or_insert(reason);
                return Value::Null;
            }
        };
        if let [Piece::Variable(segments)] = pieces.as_slice() {
            return self.lookup(segments).cloned().unwrap_or(Value::Null);
        }
        let mut out = String::with_capacity(text.len());
        for piece in &pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Variable(segments) => match self.lookup(segments) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(Value::Number(n)) => out.push_str(&n.to_string()),
                    Some(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
                    Some(_) => self.problem(segments, VariableProblemKind::NotText),
                    None => {}
                },
            }
        }
        Value::String(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn holder() -> Did {
        Did::parse("did:example:holder").unwrap()
    }

    fn vars(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn fills_whole_values_and_text() {
        let t = CredentialTemplate::new(json!({
            "schemaId": "{{ variables.schema }}",
            "issuerDid": "did:example:issuer",
            "claims": {
                "name": "{{variables.name}}",
                "title": "Dr. {{ variables.name }} ({{ variables.age }}, {{ variables.ok }})",
                "degree": "{{ variables.degree }}",
                "first": "{{ variables.items.0 }}",
                "literal": "no placeholders"
            }
        }))
        .unwrap();
        let v = vars(json!({"schema": "s1", "name": "Ada", "age": 36, "ok": true,
            "degree": {"type": "BSc"}, "items": ["x", "y"]}));
        let request = t.render(&v, &holder()).unwrap();
        assert_eq!(request.schema_id, "s1");
        assert_eq!(request.holder_did(), Some(&holder()));
        assert_eq!(
            Value::Object(request.claims),
            json!({"name": "Ada", "title": "Dr. Ada (36, true)", "degree": {"type": "BSc"},
                "first": "x", "literal": "no placeholders"})
        );
    }

    #[test]
    fn inserted_values_are_not_expanded_again() {
        let t = CredentialTemplate::new(json!({"schemaId": "s", "issuerDid": "did:example:i",
            "claims": {"n": "{{ variables.a }}"}}))
        .unwrap();
        let request = t
            .render(
                &vars(json!({"a": "{{ variables.b }}", "b": "secret"})),
                &holder(),
            )
            .unwrap();
        assert_eq!(request.claims["n"], "{{ variables.b }}");
    }

    #[test]
    fn refuses_bad_templates_and_missing_variables() {
        for bad in [
            json!([]),
            json!({"holderDid": "did:example:x"}),
            json!({"claims": {"a": "{{ variables.a "}}),
            json!({"claims": {"a": "{{ env.HOME }}"}}),
            json!({"claims": {"a": "{{ variables..a }}"}}),
            json!({"claims": {"a": "{{ variables }}"}}),
        ] {
            let err = CredentialTemplate::new(bad.clone()).unwrap_err();
            assert_eq!(err.code(), "INVALID_WORKFLOW", "{bad}");
        }
        let t = CredentialTemplate::new(json!({"schemaId": "s", "issuerDid": "did:example:i",
            "claims": {"n": "{{ variables.missing.deep }}", "m": "x {{ variables.obj }}"}}))
        .unwrap();
        let err = t.render(&vars(json!({"obj": {}})), &holder()).unwrap_err();
        assert_eq!(err.code(), "TEMPLATE_FAILED");
        let t = CredentialTemplate::new(json!({"schemaId": "s", "issuerDid": "did:example:i",
            "claims": {"m": "x {{ variables.obj }}"}}))
        .unwrap();
        let err = t.render(&vars(json!({"obj": {}})), &holder()).unwrap_err();
        assert_eq!(err.code(), "TEMPLATE_FAILED");
        // A filled template that is no issuance request.
        let t = CredentialTemplate::new(json!({"schemaId": "{{ variables.n }}",
            "issuerDid": "did:example:i", "claims": {}}))
        .unwrap();
        let err = t.render(&vars(json!({"n": 5})), &holder()).unwrap_err();
        assert_eq!(err.code(), "TEMPLATE_FAILED");
    }

    fn degree_template() -> CredentialTemplate {
        CredentialTemplate::new(json!({
            "schemaId": "{{ variables.schema }}",
            "claims": {
                "name": "{{ variables.name }}",
                "degree": "{{ variables.degree }}",
                "title": "{{ variables.degree.name }} of {{ variables.name }}",
                "first": "{{ variables.items.0 }}"
            },
            "issuerDid": "did:example:{{ variables.issuer }}",
            "expirationDate": "{{ variables.expires }}"
        }))
        .unwrap()
    }

    fn summary(problems: &[VariableProblem]) -> Vec<(String, &'static str)> {
        problems
            .iter()
            .map(|p| (p.pointer(), p.code().as_str()))
            .collect()
    }

    #[test]
    fn check_names_every_variable_the_template_cannot_use() {
        let t = degree_template();
        // Nothing given: each referenced variable once, in template order.
        let problems = t.check(&Map::new(), &holder()).unwrap();
        assert_eq!(
            summary(&problems),
            [
                ("/variables/schema".to_owned(), "VARIABLE_MISSING"),
                ("/variables/name".to_owned(), "VARIABLE_MISSING"),
                ("/variables/degree".to_owned(), "VARIABLE_MISSING"),
                ("/variables/degree/name".to_owned(), "VARIABLE_MISSING"),
                ("/variables/items/0".to_owned(), "VARIABLE_MISSING"),
                ("/variables/issuer".to_owned(), "VARIABLE_MISSING"),
                ("/variables/expires".to_owned(), "VARIABLE_MISSING"),
            ]
        );
        // Wrong kinds: an object inside text, an index past the end, a path into a string.
        let v = vars(
            json!({"schema": "s", "name": {"first": "Ada"}, "degree": "BSc",
            "items": [], "issuer": "u", "expires": "2030-01-01T00:00:00Z"}),
        );
        let problems = t.check(&v, &holder()).unwrap();
        assert_eq!(
            summary(&problems),
            [
                ("/variables/degree/name".to_owned(), "VARIABLE_MISSING"),
                ("/variables/name".to_owned(), "VARIABLE_NOT_TEXT"),
                ("/variables/items/0".to_owned(), "VARIABLE_MISSING"),
            ]
        );
        assert_eq!(problems[1].path(), "name");
        assert_eq!(problems[1].kind(), &VariableProblemKind::NotText);
        // Everything there, but three fill fields of the request with what they cannot hold.
        let v = vars(
            json!({"schema": 7, "name": "Ada", "degree": {"name": "BSc"},
            "items": ["x"], "issuer": "a b", "expires": 2030}),
        );
        let problems = t.check(&v, &holder()).unwrap();
        assert_eq!(
            summary(&problems),
            [
                ("/variables/schema".to_owned(), "VARIABLE_UNUSABLE"),
                ("/variables/issuer".to_owned(), "VARIABLE_UNUSABLE"),
                ("/variables/expires".to_owned(), "VARIABLE_UNUSABLE"),
            ]
        );
        assert_eq!(
            problems[2].to_json(),
            json!({"pointer": "/variables/expires", "code": "VARIABLE_UNUSABLE",
                "field": "expirationDate",
                "message": "variable variables.expires does not make a valid expirationDate of \
                    the issuance request"})
        );
        // The messages name paths and fields, never the values given.
        assert!(problems.iter().all(|p| !p.message().contains("a b")));
    }

    #[test]
    fn check_accepts_exactly_what_render_accepts() {
        let t = degree_template();
        let good = json!({"schema": "s", "name": "Ada", "degree": {"name": "BSc"},
            "items": ["x"], "issuer": "u", "expires": "2030-01-01T00:00:00Z"});
        // (variable, value, whether the template can use it)
        let cases = [
            ("schema", json!("s"), true),
            ("schema", json!(null), false),
            ("schema", json!(["s"]), false),
            ("name", json!([]), false),
            // Claims take any value, and numbers read as text.
            ("name", json!(42), true),
            ("degree", json!({"name": true}), true),
            ("degree", json!({}), false),
            // A path segment is a key of an object as well as an index of an array.
            ("items", json!({"0": "x"}), true),
            ("items", json!([{"deep": 1}]), true),
            ("items", json!([]), false),
            ("issuer", json!("a b"), false),
            ("issuer", json!(7), true),
            ("issuer", json!({"id": "u"}), false),
            ("expires", json!(2030), false),
            ("expires", json!({}), false),
            // Text that is no dateTime is kept (documents deserialize leniently); the issuer
            // refuses it, like any other request.
            ("expires", json!("soon"), true),
        ];
        for (key, value, usable) in cases {
            let mut case = good.clone();
            case[key] = value;
            let v = vars(case.clone());
            let problems = t.check(&v, &holder()).unwrap();
            let rendered = t.render(&v, &holder());
            assert_eq!(problems.is_empty(), usable, "{case}: {problems:?}");
            assert_eq!(rendered.is_ok(), usable, "{case}");
        }
    }

    #[test]
    fn a_template_wrong_whatever_the_variables_is_the_workflows_fault() {
        let t = CredentialTemplate::new(json!({"schemaId": "s", "issuerDid": "not a DID",
            "claims": {"n": "{{ variables.n }}"}}))
        .unwrap();
        let err = t.check(&vars(json!({"n": "x"})), &holder()).unwrap_err();
        assert_eq!(err.code(), "TEMPLATE_FAILED");
        // A missing variable is still the caller's to fix first.
        let problems = t.check(&Map::new(), &holder()).unwrap();
        assert_eq!(
            summary(&problems),
            [("/variables/n".to_owned(), "VARIABLE_MISSING")]
        );
    }
}
