//! How a schema's credentials look as SD-JWT VCs (`dc+sd-jwt`).

use serde::{Deserialize, Serialize};

/// The SD-JWT VC side of a schema: its `vct` and which claims are selectively disclosable.
///
/// JSON: `{"vct": "https://…", "vctIntegrity"?: "sha256-…", "selectivelyDisclosable": ["/given_name",
/// "/address/street_address", "/nationalities/*"]}`. Paths are JSON pointers into the claims;
/// `*` stands for every element of an array. A claim whose path is listed becomes a disclosure
/// (nested ones recursively: listing `/address` and `/address/street_address` gives a
/// disclosure for the street inside the disclosure of the address); every claim not listed is
/// always disclosed. A request may narrow the list (`selectivelyDisclosable` of the request), never
/// widen it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SdJwtVcConfig {
    /// `vct`: the credential type (a URI). The schema's `schemaUrl` (or URL id) when empty.
    #[serde(default)]
    pub vct: String,
    /// `vct#integrity`: the integrity metadata of the type metadata document, when the schema
    /// publishes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vct_integrity: Option<String>,
    /// The claim paths that are selectively disclosable.
    #[serde(default)]
    pub selectively_disclosable: Vec<String>,
}

impl SdJwtVcConfig {
    /// A configuration with `vct` and the selectively disclosable claim paths.
    pub fn new(vct: impl Into<String>, selectively_disclosable: Vec<String>) -> Self {
        Self {
            vct: vct.into(),
            vct_integrity: None,
            selectively_disclosable,
        }
    }
}
