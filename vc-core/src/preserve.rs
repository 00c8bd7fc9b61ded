//! What was sent is what is kept: a credential read from JSON must write back to the same JSON
//! (key order aside), or be refused with the pointer of what would change.
//!
//! The typed [`Credential`](crate::Credential) keeps every property, but a few inputs have no
//! typed form: `"id": null` (an absent id and a null one are both `None`), a `name` value object
//! with a key besides `@value`, `@language` and `@direction` (the typed form has no place for
//! it). Parsing used to drop them silently, so an issuer signed something other than what was
//! sent. Now the language value objects are checked by their own rule (`LANGUAGE_VALUE_INVALID`),
//! and whatever else would not survive the round trip is refused as `VALUE_NOT_PRESERVED` (an
//! `id` as `INVALID_URL`), each with its JSON pointer.

use serde_json::{Map, Value};

use crate::validation::{Rule, ValidationError};

/// The keys a language value object may hold (VC Data Model 2.0, section 11.1).
const LANGUAGE_KEYS: [&str; 3] = ["@value", "@language", "@direction"];

/// What the typed form cannot report with a pointer once parsed: an `id` that is not a string,
/// and every language value object of `document` that breaks the data model's rules (any object
/// with `@value` and `@language` or `@direction`, and every object given as the credential's own
/// `name` or `description`).
pub(crate) fn raw_rules(document: &Value) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut path = Vec::new();
    if document
        .get("id")
        .is_some_and(|id| !id.is_string() && !id.is_null())
    {
        errors.push(ValidationError::new(
            "/id",
            Rule::InvalidUrl {
                reason: "not a string",
            },
        ));
    }
    if let Value::Object(members) = document {
        for (key, value) in members {
            path.push(key.clone());
            let typed = matches!(key.as_str(), "name" | "description");
            match value {
                Value::String(_) | Value::Object(_) => {}
                Value::Array(items)
                    if typed && items.iter().all(|i| i.is_string() || i.is_object()) => {}
                _ if typed => errors.push(ValidationError::new(
                    render(&path),
                    Rule::InvalidLanguageValue {
                        reason: "must be a string, a language value object, or an array of them",
                    },
                )),
                _ => {}
            }
            match value {
                Value::Array(items) if typed => {
                    for (i, item) in items.iter().enumerate() {
                        path.push(i.to_string());
                        walk(item, true, &mut path, &mut errors);
                        path.pop();
                    }
                }
                other => walk(other, typed, &mut path, &mut errors),
            }
            path.pop();
        }
    }
    errors
}

/// Checks `value` at `path`; `language_object`: an object here is one whatever it holds.
fn walk(
    value: &Value,
    language_object: bool,
    path: &mut Vec<String>,
    errors: &mut Vec<ValidationError>,
) {
    match value {
        Value::Object(members) => {
            let is_language = language_object
                || (members.contains_key("@value")
                    && (members.contains_key("@language") || members.contains_key("@direction")));
            if is_language {
                if let Err(reason) = check_language_object(members) {
                    errors.push(ValidationError::new(
                        render(path),
                        Rule::InvalidLanguageValue { reason },
                    ));
                }
                return;
            }
            for (key, item) in members {
                path.push(key.clone());
                walk(item, false, path, errors);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(item, false, path, errors);
                path.pop();
            }
        }
        _ => {}
    }
}

fn check_language_object(members: &Map<String, Value>) -> Result<(), &'static str> {
    if members.keys().any(|k| !LANGUAGE_KEYS.contains(&k.as_str())) {
        return Err("only @value, @language and @direction are allowed");
    }
    if !matches!(members.get("@value"), Some(Value::String(_))) {
        return Err("@value must be a string");
    }
    match members.get("@language") {
        None => {}
        Some(Value::String(tag)) if is_language_tag(tag) => {}
        Some(_) => return Err("@language must be a well-formed BCP 47 language tag"),
    }
    match members.get("@direction") {
        None => {}
        Some(Value::String(d)) if d == "ltr" || d == "rtl" => {}
        Some(_) => return Err("@direction must be ltr or rtl"),
    }
    Ok(())
}

/// BCP 47's shape: subtags of 1 to 8 letters or digits joined by `-`, the first of letters.
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The first place where `kept` (the typed form written back) differs from `sent`, as a
/// violation; `None` when nothing was lost or changed.
pub(crate) fn difference(sent: &Value, kept: &Value) -> Option<ValidationError> {
    let mut path = Vec::new();
    let (reason, last) = diff(sent, kept, &mut path)?;
    let pointer = render(&path);
    let rule = match (last, reason) {
        (Some("id"), "null") => Rule::InvalidUrl {
            reason: "null is not a URL",
        },
        (_, reason) => Rule::NotPreserved { reason },
    };
    Some(ValidationError::new(pointer, rule))
}

fn diff<'a>(
    sent: &'a Value,
    kept: &'a Value,
    path: &mut Vec<String>,
) -> Option<(&'static str, Option<&'a str>)> {
    match (sent, kept) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                match b.get(key) {
                    None => {
                        path.push(key.clone());
                        let reason = if value.is_null() { "null" } else { "dropped" };
                        return Some((reason, Some(key.as_str())));
                    }
                    Some(other) if other != value => {
                        path.push(key.clone());
                        return diff(value, other, path).or(Some(("changed", Some(key.as_str()))));
                    }
                    Some(_) => {}
                }
            }
            b.keys().find(|key| !a.contains_key(*key)).map(|key| {
                path.push(key.clone());
                ("added", None)
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if x != y {
                    path.push(i.to_string());
                    return diff(x, y, path).or(Some(("changed", None)));
                }
            }
            None
        }
        (a, b) if a == b => None,
        _ => Some(("changed", None)),
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn render(path: &[String]) -> String {
    path.iter().map(|s| format!("/{}", escape(s))).collect()
}
