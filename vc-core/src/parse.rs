//! Bounded, strict parsing of untrusted JSON documents.
//!
//! Every document a remote party can send goes through [`parse_value`] (or [`from_json_slice`],
//! which builds on it): the input is refused when it is larger than [`ParseLimits::max_bytes`],
//! nests deeper than [`ParseLimits::max_depth`] (`NESTING_TOO_DEEP`), or gives one key twice in an
//! object (`DUPLICATE_KEY`). serde_json alone would take the last of two `"issuer"` members, and
//! its own recursion limit (128) is far above what later recursive stages survive: JSON-LD
//! expansion, for one, uses kilobytes of stack per level. A document built in code, rather than
//! parsed, is checked with [`check_depth`] before such stages.
//!
//! ```
//! use vc_core::parse::{parse_value, ParseLimits};
//!
//! let limits = ParseLimits::default();
//! assert!(parse_value(br#"{"a": {"b": [1, 2]}}"#, &limits).is_ok());
//! let duplicate = parse_value(br#"{"issuer": "did:ex:a", "issuer": "did:ex:b"}"#, &limits);
//! assert_eq!(duplicate.unwrap_err().code(), "DUPLICATE_KEY");
//! let deep = "[".repeat(40) + &"]".repeat(40);
//! assert_eq!(parse_value(deep.as_bytes(), &limits).unwrap_err().code(), "NESTING_TOO_DEEP");
//! ```

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{excerpt, Error, Result};

/// Limits applied when parsing untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseLimits {
    /// The largest accepted input, in bytes.
    pub max_bytes: usize,
    /// The deepest accepted nesting of arrays and objects: `{}` is depth 1, `{"a": []}` depth 2.
    pub max_depth: usize,
}

impl ParseLimits {
    /// The default cap on input size: 4 MiB, well above any credential seen in practice.
    pub const DEFAULT_MAX_BYTES: usize = 4 * 1024 * 1024;

    /// The default cap on nesting: 32 levels. Credentials in the wild nest 5 to 10 levels (a
    /// subject, an achievement, its alignments); the cap leaves room for that three times over and
    /// keeps every recursive stage after parsing far from the end of its stack.
    pub const DEFAULT_MAX_DEPTH: usize = 32;

    /// The highest nesting limit that can be set, below serde_json's own (128) so that deep input
    /// is always refused by this parser, with its own code and a pointer.
    pub const MAX_DEPTH_CEILING: usize = 100;

    /// Limits with the given maximum size in bytes (and the default depth).
    pub fn max_bytes(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            ..Self::default()
        }
    }

    /// The same limits with another nesting limit, capped at [`MAX_DEPTH_CEILING`](Self::MAX_DEPTH_CEILING).
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth.min(Self::MAX_DEPTH_CEILING);
        self
    }
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
        }
    }
}

/// Parses `json` as a `T` under `limits`: size, nesting and duplicate keys are checked on the way
/// to a [`Value`], which is then read as a `T`.
pub fn from_json_slice<T: DeserializeOwned>(json: &[u8], limits: &ParseLimits) -> Result<T> {
    let value = parse_value(json, limits)?;
    serde_json::from_value(value).map_err(Error::from_json)
}

/// Parses untrusted JSON into a [`Value`], refusing input larger than `limits.max_bytes`
/// (`DOCUMENT_TOO_LARGE`), nested deeper than `limits.max_depth` (`NESTING_TOO_DEEP`), with a key
/// given twice in one object (`DUPLICATE_KEY`), or not JSON (`MALFORMED_JSON`).
pub fn parse_value(json: &[u8], limits: &ParseLimits) -> Result<Value> {
    if json.len() > limits.max_bytes {
        return Err(Error::DocumentTooLarge {
            size: json.len(),
            limit: limits.max_bytes,
        });
    }
    let refusal = RefCell::new(None);
    let seed = StrictValue {
        depth_left: limits.max_depth.min(ParseLimits::MAX_DEPTH_CEILING),
        limit: limits.max_depth,
        refusal: &refusal,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let parsed = seed
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    match (parsed, refusal.into_inner()) {
        (_, Some(refusal)) => Err(refusal.into_error()),
        (Ok(value), None) => Ok(value),
        (Err(err), None) => Err(Error::from_json(err)),
    }
}

/// Checks that `value` nests no deeper than `max_depth`, for documents built in code rather than
/// parsed by [`parse_value`]. The walk itself stops at the limit, so it is safe on any input.
pub fn check_depth(value: &Value, max_depth: usize) -> Result<()> {
    // Nothing is allocated on the way down; the path is built only for a refusal, on the way up.
    fn walk(value: &Value, depth_left: usize, path: &mut Vec<String>) -> bool {
        match value {
            Value::Array(items) => {
                if depth_left == 0 {
                    return false;
                }
                for (i, item) in items.iter().enumerate() {
                    if !walk(item, depth_left - 1, path) {
                        path.push(i.to_string());
                        return false;
                    }
                }
                true
            }
            Value::Object(map) => {
                if depth_left == 0 {
                    return false;
                }
                for (key, item) in map {
                    if !walk(item, depth_left - 1, path) {
                        path.push(key.clone());
                        return false;
                    }
                }
                true
            }
            _ => true,
        }
    }
    let mut path = Vec::new();
    if walk(value, max_depth, &mut path) {
        return Ok(());
    }
    Err(Refusal {
        kind: RefusalKind::TooDeep { limit: max_depth },
        path,
    }
    .into_error())
}

/// Why the strict parser stopped, with the path to where (innermost first while unwinding).
#[derive(Debug)]
struct Refusal {
    kind: RefusalKind,
    path: Vec<String>,
}

#[derive(Debug)]
enum RefusalKind {
    TooDeep { limit: usize },
    DuplicateKey { key: String },
}

impl Refusal {
    fn into_error(self) -> Error {
        let pointer = pointer_of(self.path.iter().rev());
        match self.kind {
            RefusalKind::TooDeep { limit } => Error::NestingTooDeep { limit, pointer },
            RefusalKind::DuplicateKey { key } => Error::DuplicateKey {
                key: excerpt(&key),
                pointer,
            },
        }
    }
}

/// An RFC 6901 JSON pointer from path segments, outermost first, cut to a length that is safe to
/// echo.
fn pointer_of<'a>(segments: impl Iterator<Item = &'a String>) -> String {
    let mut pointer = String::new();
    for segment in segments {
        pointer.push('/');
        pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    }
    excerpt(&pointer)
}

/// Deserializes a [`Value`] one level at a time, so that depth and duplicate keys are seen while
/// parsing rather than after (when the stack has already been spent).
struct StrictValue<'r> {
    depth_left: usize,
    limit: usize,
    refusal: &'r RefCell<Option<Refusal>>,
}

impl StrictValue<'_> {
    fn child(&self) -> Self {
        StrictValue {
            depth_left: self.depth_left - 1,
            limit: self.limit,
            refusal: self.refusal,
        }
    }

    fn refuse<E: de::Error>(&self, kind: RefusalKind) -> E {
        *self.refusal.borrow_mut() = Some(Refusal {
            kind,
            path: Vec::new(),
        });
        E::custom("refused by the strict parser")
    }

    /// Records `segment` on the way out of a refused child, building the pointer innermost first.
    fn unwind<E>(&self, segment: impl FnOnce() -> String, err: E) -> E {
        if let Some(refusal) = self.refusal.borrow_mut().as_mut() {
            refusal.path.push(segment());
        }
        err
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        if self.depth_left == 0 {
            return Err(self.refuse(RefusalKind::TooDeep { limit: self.limit }));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json never hands a non-finite number to a visitor; `Null` is its own mapping too.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(self.child()) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(Value::Array(items)),
                Err(err) => return Err(self.unwind(|| items.len().to_string(), err)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(self.refuse(RefusalKind::DuplicateKey { key }));
            }
            match map.next_value_seed(self.child()) {
                Ok(value) => {
                    object.insert(key, value);
                }
                Err(err) => return Err(self.unwind(|| key, err)),
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }

    fn nested_objects(depth: usize) -> String {
        format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
    }

    #[test]
    fn depth_at_the_limit_parses_and_one_past_is_refused() {
        let limits = ParseLimits::default().with_max_depth(5);
        for text in [nested(5), nested_objects(5)] {
            assert!(parse_value(text.as_bytes(), &limits).is_ok(), "{text}");
        }
        for text in [nested(6), nested_objects(6)] {
            let err = parse_value(text.as_bytes(), &limits).unwrap_err();
            assert_eq!(err.code(), "NESTING_TOO_DEEP", "{text}");
        }
    }

    #[test]
    fn the_refusal_names_where() {
        let limits = ParseLimits::default().with_max_depth(3);
        let err = parse_value(br#"{"x": 1, "a/b": [0, {"c": {"d": 1}}]}"#, &limits).unwrap_err();
        match err {
            Error::NestingTooDeep { limit, pointer } => {
                assert_eq!(limit, 3);
                assert_eq!(pointer, "/a~1b/1/c");
            }
            other => panic!("{other:?}"),
        }
        let err = parse_value(br#"{"a": [{"k": 1, "k": 2}]}"#, &limits).unwrap_err();
        match err {
            Error::DuplicateKey { key, pointer } => {
                assert_eq!(key, "k");
                assert_eq!(pointer, "/a/0");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn default_limits_hold_far_past_serde_json_own() {
        let limits = ParseLimits::default();
        let text = nested(100_000);
        let err = parse_value(text.as_bytes(), &limits).unwrap_err();
        assert_eq!(err.code(), "NESTING_TOO_DEEP");
        let ceiling = ParseLimits::default().with_max_depth(usize::MAX);
        assert_eq!(ceiling.max_depth, ParseLimits::MAX_DEPTH_CEILING);
        let err = parse_value(text.as_bytes(), &ceiling).unwrap_err();
        assert_eq!(err.code(), "NESTING_TOO_DEEP");
    }

    #[test]
    fn the_parsed_value_is_serde_json_own() {
        let text = br#"{"b": [1, -2, 3.5, 1e300, true, null, "s\u00e9"], "a": {"": {}}, "n": 18446744073709551615}"#;
        let strict = parse_value(text, &ParseLimits::default()).unwrap();
        let plain: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(strict, plain);
        assert_eq!(strict.to_string(), plain.to_string());
    }

    #[test]
    fn other_failures_keep_their_codes() {
        let limits = ParseLimits::max_bytes(10);
        assert_eq!(
            parse_value(b"[1,2,3,4,5,6]", &limits).unwrap_err().code(),
            "DOCUMENT_TOO_LARGE"
        );
        let limits = ParseLimits::default();
        assert_eq!(
            parse_value(b"{\"a\":", &limits).unwrap_err().code(),
            "MALFORMED_JSON"
        );
        assert_eq!(
            parse_value(b"{} {}", &limits).unwrap_err().code(),
            "MALFORMED_JSON"
        );
        assert_eq!(
            parse_value(b"[1,]", &limits).unwrap_err().code(),
            "MALFORMED_JSON"
        );
    }

    #[test]
    fn long_keys_are_cut_in_the_error() {
        let key = "k".repeat(10_000);
        let text = format!(r#"{{"{key}": 1, "{key}": 2}}"#);
        let err = parse_value(text.as_bytes(), &ParseLimits::default()).unwrap_err();
        assert!(err.to_string().len() < 400, "{}", err.to_string().len());
    }

    #[test]
    fn check_depth_matches_the_parser() {
        for depth in 1..8 {
            let value: Value = serde_json::from_str(&nested_objects(depth)).unwrap();
            assert!(check_depth(&value, depth).is_ok());
            let err = check_depth(&value, depth - 1).unwrap_err();
            assert_eq!(err.code(), "NESTING_TOO_DEEP");
        }
        let value: Value = serde_json::from_str(r#"{"a": [0, {"b": [1]}]}"#).unwrap();
        match check_depth(&value, 3).unwrap_err() {
            Error::NestingTooDeep { pointer, .. } => assert_eq!(pointer, "/a/1/b"),
            other => panic!("{other:?}"),
        }
    }
}
