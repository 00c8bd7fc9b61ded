//! Claim paths: JSON pointers into the claims (RFC 6901, `~0`/`~1` escapes) with `*` for every
//! element of an array, and the tree of them the encoder walks.

use std::collections::BTreeMap;

use crate::error::IssueError;

/// One segment of a claim path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Segment {
    /// An object property, or an array index written as a decimal.
    Key(String),
    /// Every element of an array.
    Every,
}

fn invalid(pointer: &str, reason: &'static str) -> IssueError {
    IssueError::SelectivePointerInvalid {
        pointer: pointer.to_owned(),
        reason,
    }
}

/// Parses `pointer` (`/a/b/*`); the empty pointer (the whole claim set) is refused.
pub(crate) fn parse(pointer: &str) -> Result<Vec<Segment>, IssueError> {
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| invalid(pointer, "a claim path starts with /"))?;
    rest.split('/')
        .map(|raw| {
            if raw == "*" {
                return Ok(Segment::Every);
            }
            let mut out = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c != '~' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('0') => out.push('~'),
                    Some('1') => out.push('/'),
                    _ => return Err(invalid(pointer, "a ~ is not ~0 or ~1")),
                }
            }
            Ok(Segment::Key(out))
        })
        .collect()
}

/// The claim paths as a tree: which nodes become disclosures.
#[derive(Debug, Default, Clone)]
pub(crate) struct PathTree {
    /// This node becomes a disclosure.
    pub(crate) disclose: bool,
    /// Properties (and array indexes) below it.
    pub(crate) keys: BTreeMap<String, PathTree>,
    /// Every element of the array it is.
    pub(crate) every: Option<Box<PathTree>>,
}

impl PathTree {
    /// The tree of `pointers`.
    pub(crate) fn new<'a>(pointers: impl IntoIterator<Item = &'a str>) -> Result<Self, IssueError> {
        let mut root = PathTree::default();
        for pointer in pointers {
            let mut node = &mut root;
            for segment in parse(pointer)? {
                node = match segment {
                    Segment::Key(key) => node.keys.entry(key).or_default(),
                    Segment::Every => node.every.get_or_insert_with(Box::default),
                };
            }
            node.disclose = true;
        }
        Ok(root)
    }

    /// The node of object property `key`.
    pub(crate) fn property(&self, key: &str) -> Option<&PathTree> {
        self.keys.get(key)
    }

    /// The node of array element `index`: an explicit index wins over `*`.
    pub(crate) fn element(&self, index: usize) -> Option<&PathTree> {
        self.keys.get(&index.to_string()).or(self.every.as_deref())
    }
}
