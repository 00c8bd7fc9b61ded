//! Decentralized identifiers ([`Did`]) and DID URLs ([`DidUrl`]), parsed by the ABNF of
//! [DID Core §3](https://www.w3.org/TR/did-core/#did-syntax).
//!
//! ```text
//! did                = "did:" method-name ":" method-specific-id
//! method-name        = 1*method-char
//! method-char        = %x61-7A / DIGIT
//! method-specific-id = *( *idchar ":" ) 1*idchar
//! idchar             = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
//! did-url            = did path-abempty [ "?" query ] [ "#" fragment ]
//! ```
//!
//! `path-abempty`, `query` and `fragment` are those of RFC 3986. The scheme and method name are
//! lowercase only, as DID Core requires. Both types store the string once and remember where its parts
//! begin, so the accessors neither allocate nor re-parse.
//!
//! ```
//! use vc_core::did::{Did, DidUrl};
//!
//! let did: Did = "did:web:example.com%3A8443".parse()?;
//! assert_eq!(did.method(), "web");
//! assert_eq!(did.method_specific_id(), "example.com%3A8443");
//!
//! let url = DidUrl::parse("did:example:123/path?service=x#key-1")?;
//! assert_eq!(url.did_str(), "did:example:123");
//! assert_eq!(url.path(), Some("/path"));
//! assert_eq!(url.query(), Some("service=x"));
//! assert_eq!(url.fragment(), Some("key-1"));
//!
//! assert_eq!(did.join_fragment("key-1")?.as_str(), "did:web:example.com%3A8443#key-1");
//! assert!(Did::parse("did:Example:123").is_err());
//! # Ok::<(), vc_core::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{excerpt, Error, Result};

/// The longest DID or DID URL accepted, in bytes.
///
/// The ABNF sets no limit; this one keeps parsing cheap on hostile input while leaving room for any
/// identifier seen in practice.
pub const MAX_LEN: usize = 4096;

const SCHEME: &str = "did:";
/// Where the method name starts.
const METHOD_START: usize = SCHEME.len();

/// A DID such as `did:example:123456789abcdefghi`: no path, query or fragment.
///
/// Ordering, equality and hashing are those of the string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Did {
    repr: String,
    /// Index of the `:` between method name and method-specific id.
    method_end: usize,
}

/// A DID URL: a DID, optionally followed by a path, a `?query` and a `#fragment`
/// (for example the verification method id `did:key:z6Mk…#z6Mk…`).
///
/// Only absolute DID URLs are accepted; relative references such as `#key-1` must be resolved against
/// their DID first. Ordering, equality and hashing are those of the string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DidUrl {
    repr: String,
    /// Index of the `:` between method name and method-specific id.
    method_end: usize,
    /// End of the DID (start of the path, query or fragment, or the length).
    did_end: usize,
    /// End of the path (start of `?` or `#`, or the length).
    path_end: usize,
    /// End of the query (start of `#`, or the length).
    query_end: usize,
}

impl Did {
    /// Parses a DID; paths, queries and fragments are rejected (use [`DidUrl::parse`] for those).
    pub fn parse(input: &str) -> Result<Self> {
        Self::try_from(input)
    }

    /// The DID as a string.
    pub fn as_str(&self) -> &str {
        &self.repr
    }

    /// The DID as an owned string, without copying.
    pub fn into_string(self) -> String {
        self.repr
    }

    /// The method name, such as `key` or `web`.
    pub fn method(&self) -> &str {
        part(&self.repr, METHOD_START, self.method_end)
    }

    /// Everything after the method name and its colon, still percent-encoded.
    pub fn method_specific_id(&self) -> &str {
        part(&self.repr, self.method_end + 1, self.repr.len())
    }

    /// The DID URL `<did>#<fragment>`, for example a verification method id.
    ///
    /// `fragment` is given without the `#` and must be a valid RFC 3986 fragment (percent-encode
    /// anything else).
    pub fn join_fragment(&self, fragment: &str) -> Result<DidUrl> {
        let mut repr = String::with_capacity(self.repr.len() + 1 + fragment.len());
        repr.push_str(&self.repr);
        repr.push('#');
        repr.push_str(fragment);
        let did_end = self.repr.len();
        let reason = if repr.len() > MAX_LEN {
            Some(TOO_LONG)
        } else {
            scan(repr.as_bytes(), did_end + 1, Part::Fragment)
                .err()
                .map(|(_, reason)| reason)
        };
        if let Some(reason) = reason {
            return Err(Error::InvalidDidUrl {
                input: excerpt(&repr),
                reason,
            });
        }
        Ok(DidUrl {
            repr,
            method_end: self.method_end,
            did_end,
            path_end: did_end,
            query_end: did_end,
        })
    }

    /// Builds a DID from parts already known to be valid.
    pub(crate) fn from_valid(repr: String, method_end: usize) -> Self {
        debug_assert_eq!(parse_did(&repr), Ok(method_end), "{repr}");
        Did { repr, method_end }
    }
}

impl DidUrl {
    /// Parses an absolute DID URL. A plain DID is a valid DID URL.
    pub fn parse(input: &str) -> Result<Self> {
        Self::try_from(input)
    }

    /// The DID URL as a string.
    pub fn as_str(&self) -> &str {
        &self.repr
    }

    /// The DID URL as an owned string, without copying.
    pub fn into_string(self) -> String {
        self.repr
    }

    /// The DID part, as a string (`did:example:123` of `did:example:123/path#frag`).
    pub fn did_str(&self) -> &str {
        part(&self.repr, 0, self.did_end)
    }

    /// The DID part, as a [`Did`] (copies the DID part; no re-parse).
    pub fn to_did(&self) -> Did {
        Did {
            repr: self.did_str().to_owned(),
            method_end: self.method_end,
        }
    }

    /// The method name of the DID.
    pub fn method(&self) -> &str {
        part(&self.repr, METHOD_START, self.method_end)
    }

    /// The method-specific id of the DID, still percent-encoded.
    pub fn method_specific_id(&self) -> &str {
        part(&self.repr, self.method_end + 1, self.did_end)
    }

    /// The path including its leading `/`, or `None` when there is none.
    pub fn path(&self) -> Option<&str> {
        (self.path_end > self.did_end).then(|| part(&self.repr, self.did_end, self.path_end))
    }

    /// The query without its `?`, or `None` when there is no `?`. `did:ex:1?` has the query `""`.
    pub fn query(&self) -> Option<&str> {
        (self.repr.as_bytes().get(self.path_end) == Some(&b'?'))
            .then(|| part(&self.repr, self.path_end + 1, self.query_end))
    }

    /// The fragment without its `#`, or `None` when there is no `#`. `did:ex:1#` has the fragment `""`.
    pub fn fragment(&self) -> Option<&str> {
        (self.query_end < self.repr.len())
            .then(|| part(&self.repr, self.query_end + 1, self.repr.len()))
    }

    /// Whether this is a plain DID, with no path, query or fragment.
    pub fn is_bare_did(&self) -> bool {
        self.did_end == self.repr.len()
    }

    /// Builds `<did>#<fragment>` from parts already known to be valid: `did_end` is the index of the
    /// `#`, and there is no path or query.
    pub(crate) fn from_valid_with_fragment(
        repr: String,
        method_end: usize,
        did_end: usize,
    ) -> Self {
        let url = DidUrl {
            repr,
            method_end,
            did_end,
            path_end: did_end,
            query_end: did_end,
        };
        debug_assert_eq!(
            parse_did_url(&url.repr).map(|o| o.with_repr(url.repr.clone())),
            Ok(url.clone()),
        );
        url
    }
}

/// A slice of a string whose offsets the parser produced; all parsed DIDs are ASCII, so every offset is
/// a char boundary and in range. `get` keeps a broken invariant from turning into a panic.
fn part(repr: &str, start: usize, end: usize) -> &str {
    repr.get(start..end).unwrap_or_default()
}

impl From<Did> for DidUrl {
    fn from(did: Did) -> Self {
        let len = did.repr.len();
        DidUrl {
            repr: did.repr,
            method_end: did.method_end,
            did_end: len,
            path_end: len,
            query_end: len,
        }
    }
}

// Validation runs before anything is allocated, so rejected input costs nothing; the error
// echoes only an excerpt of the input.
fn invalid_did(input: &str) -> impl FnOnce(&'static str) -> Error + '_ {
    move |reason| Error::InvalidDid {
        input: excerpt(input),
        reason,
    }
}

fn invalid_did_url(input: &str) -> impl FnOnce(&'static str) -> Error + '_ {
    move |reason| Error::InvalidDidUrl {
        input: excerpt(input),
        reason,
    }
}

impl TryFrom<String> for Did {
    type Error = Error;

    fn try_from(input: String) -> Result<Self> {
        let method_end = parse_did(&input).map_err(invalid_did(&input))?;
        Ok(Did {
            repr: input,
            method_end,
        })
    }
}

impl TryFrom<&str> for Did {
    type Error = Error;

    fn try_from(input: &str) -> Result<Self> {
        let method_end = parse_did(input).map_err(invalid_did(input))?;
        Ok(Did {
            repr: input.to_owned(),
            method_end,
        })
    }
}

impl TryFrom<String> for DidUrl {
    type Error = Error;

    fn try_from(input: String) -> Result<Self> {
        let offsets = parse_did_url(&input).map_err(invalid_did_url(&input))?;
        Ok(offsets.with_repr(input))
    }
}

impl TryFrom<&str> for DidUrl {
    type Error = Error;

    fn try_from(input: &str) -> Result<Self> {
        let offsets = parse_did_url(input).map_err(invalid_did_url(input))?;
        Ok(offsets.with_repr(input.to_owned()))
    }
}

impl FromStr for Did {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        Self::try_from(input)
    }
}

impl FromStr for DidUrl {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self> {
        Self::try_from(input)
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr)
    }
}

impl fmt::Display for DidUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr)
    }
}

impl AsRef<str> for Did {
    fn as_ref(&self) -> &str {
        &self.repr
    }
}

impl AsRef<str> for DidUrl {
    fn as_ref(&self) -> &str {
        &self.repr
    }
}

impl From<Did> for String {
    fn from(did: Did) -> Self {
        did.repr
    }
}

impl From<DidUrl> for String {
    fn from(url: DidUrl) -> Self {
        url.repr
    }
}

impl PartialEq<str> for Did {
    fn eq(&self, other: &str) -> bool {
        self.repr == other
    }
}

impl PartialEq<&str> for Did {
    fn eq(&self, other: &&str) -> bool {
        self.repr == *other
    }
}

impl PartialEq<str> for DidUrl {
    fn eq(&self, other: &str) -> bool {
        self.repr == other
    }
}

impl PartialEq<&str> for DidUrl {
    fn eq(&self, other: &&str) -> bool {
        self.repr == *other
    }
}

impl Serialize for Did {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.repr)
    }
}

impl Serialize for DidUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.repr)
    }
}

impl<'de> Deserialize<'de> for Did {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Did::try_from(s).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for DidUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        DidUrl::try_from(s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------------
// Parser. Works on bytes: every allowed character is ASCII, so any non-ASCII byte is simply invalid.

const TOO_LONG: &str = "longer than 4096 bytes";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UrlOffsets {
    method_end: usize,
    did_end: usize,
    path_end: usize,
    query_end: usize,
}

impl UrlOffsets {
    fn with_repr(self, repr: String) -> DidUrl {
        DidUrl {
            repr,
            method_end: self.method_end,
            did_end: self.did_end,
            path_end: self.path_end,
            query_end: self.query_end,
        }
    }
}

/// Parses a DID; returns the index of the colon after the method name.
fn parse_did(input: &str) -> std::result::Result<usize, &'static str> {
    let (method_end, did_end) = parse_did_prefix(input)?;
    if did_end < input.len() {
        return Err("a DID has no path, query or fragment (that is a DID URL)");
    }
    Ok(method_end)
}

fn parse_did_url(input: &str) -> std::result::Result<UrlOffsets, &'static str> {
    let (method_end, did_end) = parse_did_prefix(input)?;
    let b = input.as_bytes();
    let mut i = did_end;
    while b.get(i) == Some(&b'/') {
        i = scan(b, i + 1, Part::Segment).map_err(|(_, reason)| reason)?;
    }
    let path_end = i;
    if b.get(i) == Some(&b'?') {
        i = scan(b, i + 1, Part::Query).map_err(|(_, reason)| reason)?;
    }
    let query_end = i;
    if b.get(i) == Some(&b'#') {
        i = scan(b, i + 1, Part::Fragment).map_err(|(_, reason)| reason)?;
    }
    // The scanners stop only at the delimiters handled above or at the end.
    debug_assert_eq!(i, b.len());
    Ok(UrlOffsets {
        method_end,
        did_end,
        path_end,
        query_end,
    })
}

/// Parses `did:method:msid` at the start of `input`, stopping at `/`, `?`, `#` or the end. Returns the
/// index of the colon after the method name and the end of the DID.
fn parse_did_prefix(input: &str) -> std::result::Result<(usize, usize), &'static str> {
    if input.len() > MAX_LEN {
        return Err(TOO_LONG);
    }
    let b = input.as_bytes();
    if !b.starts_with(SCHEME.as_bytes()) {
        return Err("missing did: scheme");
    }
    let mut i = METHOD_START;
    while b.get(i).is_some_and(|&c| is_method_char(c)) {
        i += 1;
    }
    let method_end = i;
    match b.get(i) {
        Some(b':') if i > METHOD_START => {}
        Some(b':') | None if i == METHOD_START => return Err("empty method name"),
        None | Some(b'/' | b'?' | b'#') => return Err("missing ':' after method name"),
        Some(_) => return Err("method name must be lowercase letters and digits"),
    }
    let msid_start = method_end + 1;
    let did_end = scan(b, msid_start, Part::MethodSpecificId).map_err(|(_, reason)| reason)?;
    match did_end.checked_sub(1).and_then(|last| b.get(last)) {
        _ if did_end == msid_start => Err("empty method-specific id"),
        Some(b':') => Err("method-specific id ends with ':'"),
        _ => Ok((method_end, did_end)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    MethodSpecificId,
    Segment,
    Query,
    Fragment,
}

impl Part {
    fn allows(self, c: u8) -> bool {
        match self {
            Part::MethodSpecificId => is_idchar(c) || c == b':',
            Part::Segment => is_pchar(c),
            Part::Query | Part::Fragment => is_pchar(c) || c == b'/' || c == b'?',
        }
    }

    fn ends_at(self, c: u8) -> bool {
        match self {
            Part::MethodSpecificId => matches!(c, b'/' | b'?' | b'#'),
            Part::Segment => matches!(c, b'/' | b'?' | b'#'),
            Part::Query => c == b'#',
            Part::Fragment => false,
        }
    }

    fn invalid_char(self) -> &'static str {
        match self {
            Part::MethodSpecificId => "invalid character in method-specific id",
            Part::Segment => "invalid character in path",
            Part::Query => "invalid character in query",
            Part::Fragment => "invalid character in fragment",
        }
    }
}

/// Scans `part` from `start` to its end delimiter (not consumed) or the end of input, checking
/// characters and percent-encodings. Returns the end index, or the failing index and a reason.
fn scan(b: &[u8], start: usize, part: Part) -> std::result::Result<usize, (usize, &'static str)> {
    let mut i = start;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = b.get(i + 1..i + 3).unwrap_or_default();
            if hex.len() != 2 || !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err((i, "invalid percent-encoding"));
            }
            i += 3;
        } else if part.allows(c) {
            i += 1;
        } else if part.ends_at(c) {
            break;
        } else {
            return Err((i, part.invalid_char()));
        }
    }
    Ok(i)
}

fn is_method_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_idchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_')
}

/// RFC 3986 `pchar` without `pct-encoded` (handled by [`scan`]).
fn is_pchar(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        // unreserved
        || matches!(c, b'-' | b'.' | b'_' | b'~')
        // sub-delims
        || matches!(c, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=')
        || matches!(c, b':' | b'@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn did_reason(input: &str) -> &'static str {
        match Did::parse(input) {
            Err(Error::InvalidDid { reason, .. }) => reason,
            other => panic!("{input}: expected InvalidDid, got {other:?}"),
        }
    }

    fn url_reason(input: &str) -> &'static str {
        match DidUrl::parse(input) {
            Err(Error::InvalidDidUrl { reason, .. }) => reason,
            other => panic!("{input}: expected InvalidDidUrl, got {other:?}"),
        }
    }

    #[test]
    fn did_accessors() {
        let did = Did::parse("did:example:123:abc").unwrap();
        assert_eq!(did.method(), "example");
        assert_eq!(did.method_specific_id(), "123:abc");
        assert_eq!(did.as_str(), "did:example:123:abc");
        assert_eq!(did.to_string(), "did:example:123:abc");
        assert_eq!(did, "did:example:123:abc");
        assert_eq!(did.clone().into_string(), "did:example:123:abc");
    }

    #[test]
    fn did_reasons() {
        const BAD_METHOD: &str = "method name must be lowercase letters and digits";
        const BAD_CHAR: &str = "invalid character in method-specific id";
        const BAD_PERCENT: &str = "invalid percent-encoding";
        let cases = [
            ("DID:ex:a", "missing did: scheme"),
            ("di:ex:a", "missing did: scheme"),
            ("", "missing did: scheme"),
            ("did:", "empty method name"),
            ("did::a", "empty method name"),
            ("did:ex", "missing ':' after method name"),
            ("did:ex#a", "missing ':' after method name"),
            ("did:Ex:a", BAD_METHOD),
            ("did:e-x:a", BAD_METHOD),
            ("did:ex:", "empty method-specific id"),
            ("did:ex:a:", "method-specific id ends with ':'"),
            ("did:ex::", "method-specific id ends with ':'"),
            ("did:ex:a b", BAD_CHAR),
            ("did:ex:a~b", BAD_CHAR),
            ("did:ex:%zz", BAD_PERCENT),
            ("did:ex:a%2", BAD_PERCENT),
            ("did:ex:a%", BAD_PERCENT),
            (
                "did:ex:a#b",
                "a DID has no path, query or fragment (that is a DID URL)",
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(did_reason(input), reason, "{input}");
        }
    }

    #[test]
    fn empty_segments_but_no_trailing_colon() {
        assert_eq!(Did::parse("did:ex::a").unwrap().method_specific_id(), ":a");
        assert!(Did::parse("did:ex:a::b").is_ok());
        assert!(Did::parse("did:ex:a%3A").is_ok());
    }

    #[test]
    fn length_limit() {
        let ok = format!("did:ex:{}", "a".repeat(MAX_LEN - 7));
        assert_eq!(ok.len(), MAX_LEN);
        assert!(Did::parse(&ok).is_ok());
        let long = format!("{ok}a");
        assert_eq!(did_reason(&long), TOO_LONG);
        assert_eq!(url_reason(&long), TOO_LONG);
        assert!(TOO_LONG.contains(&MAX_LEN.to_string()));
    }

    #[test]
    fn url_offsets() {
        let url = DidUrl::parse("did:ex:1/a/b;p?q=/?#f/?").unwrap();
        assert_eq!(url.did_str(), "did:ex:1");
        assert_eq!(url.method(), "ex");
        assert_eq!(url.method_specific_id(), "1");
        assert_eq!(url.path(), Some("/a/b;p"));
        assert_eq!(url.query(), Some("q=/?"));
        assert_eq!(url.fragment(), Some("f/?"));
        assert!(!url.is_bare_did());
        assert_eq!(url.to_did(), Did::parse("did:ex:1").unwrap());

        let frag_only = DidUrl::parse("did:ex:1#k").unwrap();
        assert_eq!((frag_only.path(), frag_only.query()), (None, None));
        assert_eq!(frag_only.fragment(), Some("k"));

        let empty = DidUrl::parse("did:ex:1?#").unwrap();
        assert_eq!(
            (empty.path(), empty.query(), empty.fragment()),
            (None, Some(""), Some(""))
        );

        let bare = DidUrl::parse("did:ex:1").unwrap();
        assert!(bare.is_bare_did());
        assert_eq!(
            (bare.path(), bare.query(), bare.fragment()),
            (None, None, None)
        );
        assert_eq!(DidUrl::from(Did::parse("did:ex:1").unwrap()), bare);
    }

    #[test]
    fn url_reasons() {
        let cases = [
            ("did:ex:a:/p", "method-specific id ends with ':'"),
            ("did:ex:/p", "empty method-specific id"),
            ("did:ex:a/b c", "invalid character in path"),
            ("did:ex:a/%g0", "invalid percent-encoding"),
            ("did:ex:a?b[1]", "invalid character in query"),
            ("did:ex:a#b#c", "invalid character in fragment"),
            ("#key-1", "missing did: scheme"),
        ];
        for (input, reason) in cases {
            assert_eq!(url_reason(input), reason, "{input}");
        }
    }

    #[test]
    fn join_fragment() {
        let did = Did::parse("did:ex:1").unwrap();
        let url = did.join_fragment("key-1").unwrap();
        assert_eq!(url.as_str(), "did:ex:1#key-1");
        assert_eq!(url.fragment(), Some("key-1"));
        assert_eq!(url, DidUrl::parse("did:ex:1#key-1").unwrap());
        let err = did.join_fragment("a#b").unwrap_err();
        assert_eq!(err.code(), "INVALID_DID_URL");
        assert!(did.join_fragment(&"a".repeat(MAX_LEN)).is_err());
    }

    #[test]
    fn from_valid_matches_parse() {
        assert_eq!(
            Did::from_valid("did:key:z6Mk".to_owned(), 7),
            Did::parse("did:key:z6Mk").unwrap()
        );
        assert_eq!(
            DidUrl::from_valid_with_fragment("did:key:z6Mk#z6Mk".to_owned(), 7, 12),
            DidUrl::parse("did:key:z6Mk#z6Mk").unwrap()
        );
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let did: Did = serde_json::from_str("\"did:ex:1\"").unwrap();
        assert_eq!(serde_json::to_string(&did).unwrap(), "\"did:ex:1\"");
        let url: DidUrl = serde_json::from_str("\"did:ex:1#k\"").unwrap();
        assert_eq!(serde_json::to_string(&url).unwrap(), "\"did:ex:1#k\"");
        let err = serde_json::from_str::<Did>("\"did:ex:1#k\"").unwrap_err();
        assert!(err.to_string().contains("invalid DID"));
        assert!(serde_json::from_str::<DidUrl>("\"did:EX:1\"").is_err());
        assert!(serde_json::from_str::<Did>("17").is_err());
    }
}
