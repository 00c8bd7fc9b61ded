//! Credential templates: an [`IssuanceRequest`] with placeholders, filled from an exchange's
//! variables.
//!
//! See [`CredentialTemplate`] for the template language and why it is this small.

use serde_json::{Map, Value};
use vc_core::Did;

use super::error::ExchangeError;
use crate::request::IssuanceRequest;

const OPEN: &str = "{{";
const CLOSE: &str = "}}";
const ROOT: &str = "variables";

/// One credential to issue in an `issue` step: an [`IssuanceRequest`] in JSON without
/// `holderDid`, whose string values may reference the exchange's variables.
///
/// # The template language, and why it is this small
///
/// A template is the JSON of an [`IssuanceRequest`] without `holderDid` (the holder is always the
/// DID the wallet authenticated as). Any **string value** in it may reference a variable with
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
/// variable is an error ([`ExchangeError::Template`]), never an empty string.
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
        if template.contains_key("holderDid") {
            return Err(invalid(
                "a credential template must not set holderDid: the holder is the DID the wallet \
                 authenticated as",
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
        let mut request = Map::with_capacity(self.template.len() + 1);
        for (key, value) in &self.template {
            request.insert(key.clone(), fill(value, variables)?);
        }
        request.insert(
            "holderDid".into(),
            Value::String(holder.as_str().to_owned()),
        );
        serde_json::from_value(Value::Object(request)).map_err(|e| ExchangeError::Template {
            reason: format!("the filled template is not an issuance request: {e}"),
        })
    }
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

fn lookup<'v>(
    variables: &'v Map<String, Value>,
    segments: &[&str],
) -> Result<&'v Value, ExchangeError> {
    let missing = || ExchangeError::Template {
        reason: format!("variable {ROOT}.{} is not set", segments.join(".")),
    };
    let (first, rest) = segments.split_first().ok_or_else(missing)?;
    let mut current = variables.get(*first).ok_or_else(missing)?;
    for segment in rest {
        current = match current {
            Value::Object(map) => map.get(*segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
        .ok_or_else(missing)?;
    }
    Ok(current)
}

fn fill(value: &Value, variables: &Map<String, Value>) -> Result<Value, ExchangeError> {
    match value {
        Value::String(text) => fill_string(text, variables),
        Value::Array(items) => items
            .iter()
            .map(|item| fill(item, variables))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| Ok((k.clone(), fill(v, variables)?)))
            .collect::<Result<Map<_, _>, ExchangeError>>()
            .map(Value::Object),
        other => Ok(other.clone()),
    }
}

fn fill_string(text: &str, variables: &Map<String, Value>) -> Result<Value, ExchangeError> {
    if !text.contains(OPEN) {
        return Ok(Value::String(text.to_owned()));
    }
    // Checked when the template was built; a failure here would be a template built another way.
    let pieces = pieces(text).map_err(|reason| ExchangeError::Template { reason })?;
    if let [Piece::Variable(segments)] = pieces.as_slice() {
        return lookup(variables, segments).cloned();
    }
    let mut out = String::with_capacity(text.len());
    for piece in &pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Variable(segments) => match lookup(variables, segments)? {
                Value::String(s) => out.push_str(s),
                Value::Number(n) => out.push_str(&n.to_string()),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                _ => {
                    return Err(ExchangeError::Template {
                        reason: format!(
                            "variable {ROOT}.{} is not a string, number or boolean and cannot be \
                             placed inside text",
                            segments.join(".")
                        ),
                    })
                }
            },
        }
    }
    Ok(Value::String(out))
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
        assert_eq!(request.holder_did, holder());
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
}
