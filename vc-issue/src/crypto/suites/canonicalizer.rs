//! Turning a JSON document into the bytes a suite hashes.

use std::fmt::Debug;

use serde_json::Value;

use crate::error::IssueError;

/// A document transformation: JCS for the `-jcs-` suites, RDF Dataset Canonicalization for the
/// `-rdfc-` ones.
pub trait Canonicalizer: Send + Sync + Debug + 'static {
    /// The canonical bytes of `document` (a credential without proof, or a proof configuration).
    fn canonicalize(&self, document: &Value) -> Result<Vec<u8>, IssueError>;
}

/// RFC 8785 JSON Canonicalization.
#[derive(Debug, Clone, Copy, Default)]
pub struct JcsCanonicalizer;

impl Canonicalizer for JcsCanonicalizer {
    fn canonicalize(&self, document: &Value) -> Result<Vec<u8>, IssueError> {
        Ok(vc_core::jcs::canonicalize_value(document)?)
    }
}
