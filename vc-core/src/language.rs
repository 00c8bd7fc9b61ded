//! Human-readable strings that may carry a language: `name` and `description`.

use serde::{Deserialize, Serialize};

use crate::one_or_many::OneOrMany;

/// A `name` or `description`: a plain string, a language-tagged value, or several of them.
pub type LanguageValue = OneOrMany<LanguageString>;

/// One human-readable string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LanguageString {
    /// A string with no language information.
    Plain(String),
    /// A value object: `{"@value": "...", "@language": "fr", "@direction": "ltr"}`.
    Tagged {
        /// The text.
        #[serde(rename = "@value")]
        value: String,
        /// A BCP 47 language tag.
        #[serde(rename = "@language", default, skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        /// The base direction, `ltr` or `rtl`.
        #[serde(
            rename = "@direction",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        direction: Option<String>,
    },
}

impl LanguageString {
    /// The text itself.
    pub fn text(&self) -> &str {
        match self {
            LanguageString::Plain(text) => text,
            LanguageString::Tagged { value, .. } => value,
        }
    }
}

impl From<&str> for LanguageString {
    fn from(text: &str) -> Self {
        LanguageString::Plain(text.to_owned())
    }
}

impl From<String> for LanguageString {
    fn from(text: String) -> Self {
        LanguageString::Plain(text)
    }
}
