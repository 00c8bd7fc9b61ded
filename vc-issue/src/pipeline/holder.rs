//! Who a credential is issued to: a DID, another URL (an e-mail address as `mailto:`, a web
//! page), or nobody named.
//!
//! On the wire (an [`IssuanceRequest`](crate::IssuanceRequest), a batch item) the holder is one
//! of three explicit shapes, so that a misspelt or forgotten field never yields a credential
//! bound to nobody:
//!
//! | JSON | [`Holder`] | `credentialSubject.id` | checked |
//! |---|---|---|---|
//! | `"holderDid": "did:key:z6Mk…"` | [`Holder::Did`] | the DID | it must resolve |
//! | `"subjectId": "mailto:alice@example.edu"` | [`Holder::Url`] | the URL | an absolute URL that is not a DID |
//! | `"subjectId": null` | [`Holder::None`] | absent (VC DM 2.0 allows it) | — |
//!
//! Both fields at once, neither, a `holderDid` that is not a DID and a `subjectId` that is not an
//! absolute URL (or is a DID: those go in `holderDid`, where they are resolved) are
//! `400 INVALID_REQUEST` with the field's JSON pointer in `details.pointer`.
//!
//! ```
//! use vc_issue::pipeline::holder::{Holder, SubjectUrl};
//!
//! let mail = Holder::Url(SubjectUrl::parse("mailto:alice@example.edu")?);
//! assert_eq!(mail.subject_id(), Some("mailto:alice@example.edu"));
//! assert!(SubjectUrl::parse("did:example:alice").is_err()); // a DID goes in holderDid
//! assert!(SubjectUrl::parse("alice@example.edu").is_err()); // not an absolute URL
//! assert_eq!(Holder::None.subject_id(), None);
//! # Ok::<(), vc_issue::IssueError>(())
//! ```

use std::fmt;

use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use vc_core::Did;

use crate::error::IssueError;

/// The JSON field of a DID holder.
pub const HOLDER_DID: &str = "holderDid";
/// The JSON field of a holder named by another URL, or (`null`) of none.
pub const SUBJECT_ID: &str = "subjectId";

/// Who a credential is about and for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Holder {
    /// A DID (`holderDid`): it must resolve before anything is signed. It is the subject's `id`,
    /// a `vc+jwt`'s `sub`, and (a `did:key`) the key a `dc+sd-jwt` is bound to (`cnf`).
    Did(Did),
    /// Another absolute URL (`subjectId`): the subject's `id` and a `vc+jwt`'s `sub`, as given;
    /// nothing resolves it. A `dc+sd-jwt` gets no `cnf` from it.
    Url(SubjectUrl),
    /// Nobody named (`"subjectId": null`): the credential subject has no `id`, a `vc+jwt` no
    /// `sub`, a `dc+sd-jwt` no `cnf` unless a holder JWK is given.
    None,
}

impl Holder {
    /// The DID, for a DID holder.
    pub fn did(&self) -> Option<&Did> {
        match self {
            Holder::Did(did) => Some(did),
            Holder::Url(_) | Holder::None => None,
        }
    }

    /// What becomes `credentialSubject.id`, if anything.
    pub fn subject_id(&self) -> Option<&str> {
        match self {
            Holder::Did(did) => Some(did.as_str()),
            Holder::Url(url) => Some(url.as_str()),
            Holder::None => None,
        }
    }

    /// The holder named by a request's two fields, as they arrived: `holder_did` is `holderDid`
    /// (absent or `null`: `None`), `subject_id` is `subjectId` (absent: `None`; `null`:
    /// `Some(None)`).
    pub fn from_fields(
        holder_did: Option<&str>,
        subject_id: Option<Option<&str>>,
    ) -> Result<Holder, IssueError> {
        match (holder_did, subject_id) {
            (Some(_), Some(_)) => Err(invalid(
                SUBJECT_ID,
                "give holderDid or subjectId, not both".into(),
            )),
            (Some(did), None) => Did::parse(did)
                .map(Holder::Did)
                .map_err(|e| invalid(HOLDER_DID, e.to_string())),
            (None, Some(Some(url))) => SubjectUrl::parse(url).map(Holder::Url),
            (None, Some(None)) => Ok(Holder::None),
            (None, None) => Err(invalid(
                HOLDER_DID,
                "name the holder: holderDid (a DID), subjectId (another URL), or \
                 \"subjectId\": null for a credential whose subject has no id"
                    .into(),
            )),
        }
    }

    /// The holder named in a JSON object's `holderDid` and `subjectId` members (the same rules
    /// as [`from_fields`](Self::from_fields); a member of another JSON type is refused).
    pub fn from_json(object: &Map<String, Value>) -> Result<Holder, IssueError> {
        let text = |name: &'static str| match object.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) => Ok(Some(Some(s.as_str()))),
            Some(_) => Err(invalid(name, "must be a string".into())),
        };
        // `"holderDid": null` is the same as no holderDid.
        let holder_did = text(HOLDER_DID)?.flatten();
        Holder::from_fields(holder_did, text(SUBJECT_ID)?)
    }
}

impl From<Did> for Holder {
    fn from(did: Did) -> Self {
        Holder::Did(did)
    }
}

impl From<SubjectUrl> for Holder {
    fn from(url: SubjectUrl) -> Self {
        Holder::Url(url)
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.subject_id().unwrap_or("(no subject id)"))
    }
}

/// `{"holderDid": …}`, `{"subjectId": …}` or `{"subjectId": null}`: the member the holder takes
/// in a request (which flattens it in).
impl Serialize for Holder {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Holder::Did(did) => map.serialize_entry(HOLDER_DID, did.as_str())?,
            Holder::Url(url) => map.serialize_entry(SUBJECT_ID, url.as_str())?,
            Holder::None => map.serialize_entry(SUBJECT_ID, &Value::Null)?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Holder {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = HolderFields::deserialize(deserializer)?;
        fields.into_holder().map_err(serde::de::Error::custom)
    }
}

/// The two holder members as they arrive, before [`Holder::from_fields`] decides.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HolderFields {
    #[serde(default)]
    pub(crate) holder_did: Option<String>,
    #[serde(default, deserialize_with = "explicit_null")]
    pub(crate) subject_id: Option<Option<String>>,
}

impl HolderFields {
    pub(crate) fn into_holder(self) -> Result<Holder, IssueError> {
        Holder::from_fields(
            self.holder_did.as_deref(),
            self.subject_id.as_ref().map(Option::as_deref),
        )
    }
}

/// Tells a member given as `null` (`Some(None)`) from an absent one (`None`, by `default`).
pub(crate) fn explicit_null<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// A holder's id that is an absolute URL but not a DID (`mailto:alice@example.edu`,
/// `https://example.edu/people/alice`), at most [`vc_core::did::MAX_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SubjectUrl(String);

impl SubjectUrl {
    /// Checks `input`: an absolute URI (RFC 3986, IRI characters allowed) whose escapes decode
    /// to UTF-8, not a DID, no longer than a DID may be.
    pub fn parse(input: &str) -> Result<Self, IssueError> {
        let bad = |reason: String| invalid(SUBJECT_ID, reason);
        if input.len() > vc_core::did::MAX_LEN {
            return Err(bad(format!("longer than {} bytes", vc_core::did::MAX_LEN)));
        }
        vc_core::uri::check(input).map_err(|e| bad(e.to_string()))?;
        // The JSON-LD suites decode escapes to characters; one that is not UTF-8 cannot be
        // signed, so it is refused here rather than at signing.
        if !vc_core::uri::percent_decodes_to_utf8(input) {
            return Err(bad("a percent-escape does not decode to UTF-8".into()));
        }
        if input
            .get(..4)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("did:"))
        {
            return Err(bad(
                "a DID names the holder in holderDid, where it is resolved".into(),
            ));
        }
        Ok(SubjectUrl(input.to_owned()))
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SubjectUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SubjectUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SubjectUrl::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn invalid(field: &'static str, reason: String) -> IssueError {
    IssueError::InvalidHolder {
        pointer: format!("/{field}"),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn from(value: Value) -> Result<Holder, IssueError> {
        match value {
            Value::Object(object) => Holder::from_json(&object),
            _ => unreachable!("tests pass objects"),
        }
    }

    fn pointer(e: IssueError) -> String {
        e.details()["pointer"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn each_shape_names_its_holder() {
        let did = from(json!({"holderDid": "did:example:alice"})).unwrap();
        assert_eq!(did.did().map(Did::as_str), Some("did:example:alice"));
        let mail = from(json!({"subjectId": "mailto:alice@example.edu"})).unwrap();
        assert_eq!(mail.subject_id(), Some("mailto:alice@example.edu"));
        assert_eq!(mail.did(), None);
        assert_eq!(from(json!({"subjectId": null})).unwrap(), Holder::None);
        assert_eq!(
            from(json!({"holderDid": null, "subjectId": null})).unwrap(),
            Holder::None
        );
    }

    #[test]
    fn ambiguous_or_malformed_holders_are_refused_with_their_pointer() {
        let cases = [
            (json!({}), "/holderDid"),
            (json!({"holderDid": null}), "/holderDid"),
            (json!({"holderDid": "mailto:a@b.c"}), "/holderDid"),
            (json!({"holderDid": 7}), "/holderDid"),
            (json!({"subjectId": "alice@example.edu"}), "/subjectId"),
            (json!({"subjectId": "did:example:alice"}), "/subjectId"),
            (json!({"subjectId": "DID:example:alice"}), "/subjectId"),
            (json!({"subjectId": "mailto:a b@c"}), "/subjectId"),
            (json!({"subjectId": "https://x.example/%FF"}), "/subjectId"),
            (json!({"subjectId": ["mailto:a@b.c"]}), "/subjectId"),
            (
                json!({"holderDid": "did:example:a", "subjectId": "mailto:a@b.c"}),
                "/subjectId",
            ),
        ];
        for (case, at) in cases {
            let e = from(case.clone()).unwrap_err();
            assert_eq!(e.code(), "INVALID_REQUEST", "{case}");
            assert_eq!(pointer(e), at, "{case}");
        }
        let long = format!("https://x.example/{}", "a".repeat(vc_core::did::MAX_LEN));
        assert_eq!(pointer(SubjectUrl::parse(&long).unwrap_err()), "/subjectId");
    }

    #[test]
    fn serializes_as_the_member_it_came_from() {
        for value in [
            json!({"holderDid": "did:example:alice"}),
            json!({"subjectId": "mailto:alice@example.edu"}),
            json!({"subjectId": null}),
        ] {
            let holder: Holder = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(serde_json::to_value(&holder).unwrap(), value);
        }
    }
}
