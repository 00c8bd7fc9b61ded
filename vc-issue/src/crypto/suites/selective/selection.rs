//! Selecting parts of a compact JSON-LD document by JSON pointers (RFC 6901), as the Data Integrity
//! selective-disclosure functions define it (`selectJsonLd`): every object on the way to a selected
//! value keeps its `id` (unless a blank node id) and `type`, so that the selection is a subgraph of
//! the document; arrays become dense again afterwards.

use serde_json::{Map, Value};

/// Why a pointer does not select.
pub(crate) type PointerError = &'static str;

/// The reference tokens of `pointer` (`/a/b~1c` → `["a", "b/c"]`).
pub(crate) fn parse_pointer(pointer: &str) -> Result<Vec<String>, PointerError> {
    if pointer.is_empty() {
        return Err("the empty pointer (whole document) cannot be selected");
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or("a JSON pointer starts with '/'")?;
    rest.split('/').map(unescape).collect()
}

fn unescape(token: &str) -> Result<String, PointerError> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return Err("'~' must be followed by '0' or '1'"),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// The value at `token` under `value`.
fn step<'a>(value: &'a Value, token: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map.get(token),
        Value::Array(items) => array_index(token).and_then(|i| items.get(i)),
        _ => None,
    }
}

/// An array index token: digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let canonical = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && !(token.len() > 1 && token.starts_with('0'));
    canonical.then(|| token.parse().ok()).flatten()
}

/// A selection under construction.
enum Node {
    /// Some properties of an object, in insertion order.
    Object(Vec<(String, Node)>),
    /// Some elements of an array, by index (made dense at the end).
    Array(std::collections::BTreeMap<usize, Node>),
    /// A value selected whole.
    Whole(Value),
}

impl Node {
    /// The empty selection of `source`: `[]` for arrays, its `id` and `type` for objects.
    fn init(source: &Value) -> Node {
        match source {
            Value::Array(_) => Node::Array(Default::default()),
            Value::Object(map) => Node::Object(init_properties(map)),
            other => Node::Whole(other.clone()),
        }
    }

    /// Selects `source` (at this node) whole, blending an object with what is already selected.
    fn select_whole(&mut self, source: &Value) {
        match (self, source) {
            (Node::Object(properties), Value::Object(map)) => {
                for (key, value) in map {
                    match properties.iter_mut().find(|(k, _)| k == key) {
                        Some((_, node)) => *node = Node::Whole(value.clone()),
                        None => properties.push((key.clone(), Node::Whole(value.clone()))),
                    }
                }
            }
            (node, _) => *node = Node::Whole(source.clone()),
        }
    }

    /// The child selection at `token`, created from `source` (the child's source value) if absent.
    /// `None` when this node is already selected whole.
    fn child(&mut self, token: &str, source: &Value) -> Option<&mut Node> {
        match self {
            Node::Object(properties) => {
                let position = match properties.iter().position(|(k, _)| k == token) {
                    Some(position) => position,
                    None => {
                        properties.push((token.to_owned(), Node::init(source)));
                        properties.len() - 1
                    }
                };
                properties.get_mut(position).map(|(_, node)| node)
            }
            Node::Array(items) => {
                let index = array_index(token)?;
                Some(items.entry(index).or_insert_with(|| Node::init(source)))
            }
            Node::Whole(_) => None,
        }
    }

    fn into_value(self) -> Value {
        match self {
            Node::Object(properties) => Value::Object(
                properties
                    .into_iter()
                    .map(|(k, node)| (k, node.into_value()))
                    .collect(),
            ),
            Node::Array(items) => Value::Array(items.into_values().map(Node::into_value).collect()),
            Node::Whole(value) => value,
        }
    }
}

/// `id` (unless it is a blank node identifier) and `type` of an object.
fn init_properties(source: &Map<String, Value>) -> Vec<(String, Node)> {
    let mut properties = Vec::new();
    if let Some(id) = source.get("id") {
        if !id.as_str().is_some_and(|id| id.starts_with("_:")) {
            properties.push(("id".to_owned(), Node::Whole(id.clone())));
        }
    }
    if let Some(type_) = source.get("type") {
        properties.push(("type".to_owned(), Node::Whole(type_.clone())));
    }
    properties
}

/// The selection of `pointers` from `document` (which must be an object), or `None` when there are
/// no pointers. A pointer that does not parse or selects nothing is returned as the error, with why.
pub(crate) fn select_json_ld<'p>(
    document: &Value,
    pointers: &'p [String],
) -> Result<Option<Value>, (&'p str, PointerError)> {
    if pointers.is_empty() {
        return Ok(None);
    }
    let Value::Object(map) = document else {
        return Err(("", "the document is not a JSON object"));
    };
    let mut root = Vec::new();
    if let Some(context) = map.get("@context") {
        root.push(("@context".to_owned(), Node::Whole(context.clone())));
    }
    root.extend(init_properties(map));
    let mut root = Node::Object(root);
    for pointer in pointers {
        let tokens = parse_pointer(pointer).map_err(|reason| (pointer.as_str(), reason))?;
        select_path(&mut root, document, &tokens)
            .ok_or((pointer.as_str(), "does not match the credential"))?;
    }
    Ok(Some(root.into_value()))
}

/// Selects `tokens` below `node` (the selection of `source`). `None` when the path does not exist.
fn select_path(node: &mut Node, source: &Value, tokens: &[String]) -> Option<()> {
    let Some((token, rest)) = tokens.split_first() else {
        node.select_whole(source);
        return Some(());
    };
    let child_source = step(source, token)?;
    match node.child(token, child_source) {
        Some(child) => select_path(child, child_source, rest),
        // Already selected whole: only check that the rest of the path exists.
        None => rest
            .iter()
            .try_fold(child_source, |value, token| step(value, token))
            .map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn select(document: &Value, pointers: &[&str]) -> Value {
        let pointers: Vec<String> = pointers.iter().map(|p| (*p).to_owned()).collect();
        select_json_ld(document, &pointers).unwrap().unwrap()
    }

    #[test]
    fn pointers_parse_and_unescape() {
        assert_eq!(parse_pointer("/a/b~1c/~0d").unwrap(), ["a", "b/c", "~d"]);
        assert_eq!(parse_pointer("/").unwrap(), [""]);
        assert!(parse_pointer("").is_err());
        assert!(parse_pointer("a").is_err());
        assert!(parse_pointer("/a~2").is_err());
    }

    #[test]
    fn keeps_ids_and_types_on_the_way_and_makes_arrays_dense() {
        let document = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:1",
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {
                "id": "_:blank",
                "type": "Person",
                "sails": [{"size": 5.5}, {"size": 6.1}, {"size": 7}],
                "boards": [{"name": "a", "year": 2022}]
            }
        });
        let selected = select(
            &document,
            &[
                "/credentialSubject/sails/2",
                "/credentialSubject/boards/0/year",
                "/credentialSubject/boards/0",
            ],
        );
        assert_eq!(
            selected,
            json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": "urn:uuid:1",
                "type": ["VerifiableCredential"],
                "credentialSubject": {
                    "type": "Person",
                    "sails": [{"size": 7}],
                    "boards": [{"year": 2022, "name": "a"}]
                }
            })
        );
        // Order of blended properties: the earlier selection first (as in the W3C vectors).
        let boards = &selected["credentialSubject"]["boards"][0];
        assert_eq!(
            boards.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["year", "name"]
        );
    }

    #[test]
    fn missing_paths_are_errors() {
        let document = json!({"a": [1, 2], "b": "text"});
        for pointer in ["/c", "/a/2", "/a/01", "/a/x", "/b/0"] {
            let pointers = vec![pointer.to_owned()];
            assert!(select_json_ld(&document, &pointers).is_err(), "{pointer}");
        }
        let none: Vec<String> = Vec::new();
        assert!(select_json_ld(&document, &none).unwrap().is_none());
    }
}
