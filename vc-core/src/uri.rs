//! Absolute URI checks (RFC 3986 `absolute-URI`, with IRI characters allowed).
//!
//! The data model requires `id`, `issuer` and `type`-bearing resources' ids to be URLs. A full URL parser
//! is not needed to decide that, and pulling one in would grow `vc-core`'s dependency set; this checks
//! the scheme syntax and that the rest contains only characters a URI/IRI may hold.

use crate::error::{excerpt, Error, Result};

/// Checks that `input` is an absolute URI: a scheme (`[A-Za-z][A-Za-z0-9+.-]*`), a colon, and a
/// non-empty remainder without spaces, control characters, or characters RFC 3986 excludes
/// (`<>"{}|\^` and backtick), with well-formed percent-encodings.
///
/// ```
/// assert!(vc_core::uri::check("https://example.edu/credentials/1872").is_ok());
/// assert!(vc_core::uri::check("urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5").is_ok());
/// assert!(vc_core::uri::check("did:example:123").is_ok());
/// assert!(vc_core::uri::check("/relative/path").is_err());
/// ```
pub fn check(input: &str) -> Result<()> {
    check_reason(input).map_err(|reason| Error::InvalidUri {
        input: excerpt(input),
        reason,
    })
}

/// Whether `input` percent-decodes to UTF-8: every `%` followed by two hex digits taken as the
/// byte they spell, any other `%` as itself (as axum decodes path parameters and IRI libraries
/// decode escapes). A string that does not can't be handled as an IRI by libraries that decode
/// its escapes to characters (ssi's JSON-LD stack panics on one), so it is refused before them.
///
/// ```
/// use vc_core::uri::percent_decodes_to_utf8;
/// assert!(percent_decodes_to_utf8("https://ex.com/%C3%A9"));
/// assert!(percent_decodes_to_utf8("50% off"));
/// assert!(!percent_decodes_to_utf8("Bachelo%Degree")); // %De is the byte 0xDE, alone
/// ```
pub fn percent_decodes_to_utf8(input: &str) -> bool {
    let bytes = input.as_bytes();
    if !bytes.contains(&b'%') {
        return true;
    }
    let hex = |b: &u8| char::from(*b).to_digit(16);
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            if let (Some(high), Some(low)) = (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                // Two hex digits make one byte: high * 16 + low is at most 255.
                decoded.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        decoded.push(byte);
        i += 1;
    }
    std::str::from_utf8(&decoded).is_ok()
}

/// Whether `input` is an absolute URI (see [`check`]).
pub fn is_absolute(input: &str) -> bool {
    check_reason(input).is_ok()
}

fn check_reason(input: &str) -> std::result::Result<(), &'static str> {
    let (scheme, rest) = input.split_once(':').ok_or("missing scheme")?;
    let mut chars = scheme.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => {}
        _ => return Err("scheme must start with a letter"),
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return Err("invalid character in scheme");
    }
    if rest.is_empty() {
        return Err("nothing after the scheme");
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .ok_or("truncated percent-encoding")?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err("invalid percent-encoding");
                }
                i += 3;
                continue;
            }
            b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`' => {
                return Err("character not allowed in a URI")
            }
            _ if b.is_ascii_whitespace() || b.is_ascii_control() => {
                return Err("whitespace or control character in URI")
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode_as_axum_and_iri_libraries_decode_them() {
        assert!(percent_decodes_to_utf8("/status-lists/abc"));
        assert!(percent_decodes_to_utf8("/status-lists/%C3%A9"));
        assert!(percent_decodes_to_utf8("/a/%zz/%4"));
        assert!(!percent_decodes_to_utf8("/status-lists/%FF"));
        assert!(!percent_decodes_to_utf8("/%C3"));
        assert!(!percent_decodes_to_utf8("Bachelo%Degree"));
    }

    #[test]
    fn table() {
        for ok in [
            "https://example.com",
            "http://example.edu/credentials/3732",
            "urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b986873",
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "did:example:123#key-1",
            "mailto:a@b.example",
            "https://ex.com/%E2%82%AC",
            "https://例え.テスト/パス",
        ] {
            assert!(is_absolute(ok), "{ok}");
        }
        for bad in [
            "",
            "example.com",
            ":no-scheme",
            "1http://x",
            "ht tp://x",
            "https:",
            "https://ex ample.com",
            "https://ex.com/\n",
            "https://ex.com/%zz",
            "https://ex.com/%2",
            "https://ex.com/<a>",
        ] {
            assert_eq!(check(bad).unwrap_err().code(), "INVALID_URI", "{bad:?}");
        }
    }
}
