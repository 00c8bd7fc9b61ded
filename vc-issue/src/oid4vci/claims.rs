//! The claims description of a configuration's metadata (OpenID4VCI 1.0 §12.2.4,
//! `credential_metadata.claims`), drawn from its schema's JSON Schema: what a wallet shows
//! before it asks for the credential, and which claims it may count on.

use serde_json::{json, Map, Value};

/// How deep the description follows nested objects: a display needs no more, and a schema
/// nested deeper is described down to here.
const MAX_DEPTH: usize = 8;

/// One claims description per property of `json_schema` (nested objects, and the objects of
/// arrays as a `null` path step, recursively): its `path`, `mandatory` when the schema requires
/// it and everything above it, and a `display` name from its `title`.
pub(crate) fn describe(json_schema: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    walk(json_schema, &mut Vec::new(), true, &mut out);
    out
}

fn walk(schema: &Value, path: &mut Vec<Value>, parent_mandatory: bool, out: &mut Vec<Value>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if path.len() >= MAX_DEPTH {
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in properties {
        path.push(json!(name));
        let mandatory = parent_mandatory && required.contains(&name.as_str());
        let mut entry = Map::new();
        entry.insert("path".into(), Value::Array(path.clone()));
        if mandatory {
            entry.insert("mandatory".into(), json!(true));
        }
        if let Some(title) = property.get("title").and_then(Value::as_str) {
            entry.insert("display".into(), json!([{ "name": title, "locale": "en" }]));
        }
        out.push(Value::Object(entry));
        if property.get("properties").is_some() {
            walk(property, path, mandatory, out);
        } else if let Some(items) = property.get("items") {
            // An element of an array is no claim a wallet can count on.
            path.push(Value::Null);
            walk(items, path, false, out);
            path.pop();
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_become_paths_required_ones_mandatory() {
        let schema = json!({
            "type": "object",
            "required": ["degree"],
            "properties": {
                "degree": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string", "title": "Degree"}}
                },
                "address": {"type": "object", "required": ["city"], "properties": {"city": {}}},
                "courses": {"type": "array", "items": {"properties": {"code": {}}}}
            }
        });
        assert_eq!(
            describe(&schema),
            vec![
                json!({"path": ["degree"], "mandatory": true}),
                json!({"path": ["degree", "name"], "mandatory": true,
                       "display": [{"name": "Degree", "locale": "en"}]}),
                json!({"path": ["address"]}),
                json!({"path": ["address", "city"]}),
                json!({"path": ["courses"]}),
                json!({"path": ["courses", null, "code"]}),
            ]
        );
        assert!(describe(&json!({"type": "string"})).is_empty());
    }
}
