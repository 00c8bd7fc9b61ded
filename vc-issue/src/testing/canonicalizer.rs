//! The conformance suite for [`Canonicalizer`] implementations (a host's own JSON-LD loader
//! behind RDF canonicalization, say).
//!
//! ```
//! use serde_json::json;
//! use vc_issue::crypto::suites::JcsCanonicalizer;
//!
//! let document = json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:example:1"});
//! vc_issue::testing::canonicalizer::check_canonicalizer(&JcsCanonicalizer, &document)?;
//! # Ok::<(), vc_issue::testing::ConformanceError>(())
//! ```

use serde_json::{Map, Value};

use super::failure::{conform, conform_eq, At, ConformanceError};
use crate::crypto::suites::Canonicalizer;

/// Checks that `canonicalizer` gives `document` (a JSON object it can canonicalize) the same
/// bytes every time and whatever the order of its members, and other bytes once a member's
/// value changed.
pub fn check_canonicalizer(
    canonicalizer: &dyn Canonicalizer,
    document: &Value,
) -> Result<(), ConformanceError> {
    const STABLE: &str = "a document has one canonical form, whatever its member order";
    const CHANGES: &str = "a changed document has another canonical form";
    let canonical = canonicalizer.canonicalize(document).at(STABLE)?;
    conform_eq!(
        STABLE,
        canonicalizer.canonicalize(document).at(STABLE)?,
        canonical
    );
    let Value::Object(members) = document else {
        return Err(ConformanceError::contract(
            STABLE,
            "the sample is not an object",
        ));
    };
    let reversed: Map<String, Value> = members
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    conform_eq!(
        STABLE,
        canonicalizer
            .canonicalize(&Value::Object(reversed))
            .at(STABLE)?,
        canonical
    );
    let mut changed = members.clone();
    changed.insert("id".to_owned(), Value::from("urn:example:changed"));
    conform!(
        CHANGES,
        canonicalizer
            .canonicalize(&Value::Object(changed))
            .at(CHANGES)?
            != canonical,
        "the same bytes"
    );
    Ok(())
}
