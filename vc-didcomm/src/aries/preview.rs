//! The credential preview: the claims an offer or proposal is about, as flat attributes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `type` of a credential preview.
pub const PREVIEW_TYPE: &str = "https://didcomm.org/issue-credential/3.0/credential-preview";

/// `credential_preview`: `{type, attributes: [{name, value, mime-type?}]}`.
///
/// Nested claims are flattened to dotted names:
///
/// ```
/// use serde_json::json;
/// use vc_didcomm::aries::CredentialPreview;
///
/// let claims = json!({"name": "Alice", "degree": {"type": "BachelorDegree", "university": "MIT"}});
/// let preview = CredentialPreview::from_claims(claims.as_object().unwrap());
/// let names: Vec<_> = preview.attributes.iter().map(|a| a.name.as_str()).collect();
/// assert_eq!(names, ["name", "degree.type", "degree.university"]);
/// assert_eq!(preview.attributes[2].value, "MIT");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CredentialPreview {
    /// The preview type.
    #[serde(rename = "type", default = "preview_type")]
    pub type_: String,
    /// The attributes.
    pub attributes: Vec<PreviewAttribute>,
    /// Any other property.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn preview_type() -> String {
    PREVIEW_TYPE.to_owned()
}

/// One attribute of a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PreviewAttribute {
    /// The attribute name (dotted for nested claims).
    pub name: String,
    /// The value: text, or base64url when `mime-type` is set.
    pub value: String,
    /// The media type of a binary value.
    #[serde(rename = "mime-type", default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

impl PreviewAttribute {
    /// A text attribute.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            mime_type: None,
        }
    }
}

impl CredentialPreview {
    /// A preview with these attributes.
    pub fn new(attributes: Vec<PreviewAttribute>) -> Self {
        Self {
            type_: preview_type(),
            attributes,
            extra: Map::new(),
        }
    }

    /// Flattens claims: objects become dotted names, strings stay as they are, other values
    /// (numbers, booleans, arrays, null) become their JSON text.
    pub fn from_claims(claims: &Map<String, Value>) -> Self {
        let mut attributes = Vec::new();
        flatten("", claims, &mut attributes);
        Self::new(attributes)
    }

    /// The value of the attribute `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }
}

fn flatten(prefix: &str, claims: &Map<String, Value>, out: &mut Vec<PreviewAttribute>) {
    for (key, value) in claims {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => flatten(&name, inner, out),
            Value::String(text) => out.push(PreviewAttribute::new(name, text.clone())),
            other => out.push(PreviewAttribute::new(name, other.to_string())),
        }
    }
}
