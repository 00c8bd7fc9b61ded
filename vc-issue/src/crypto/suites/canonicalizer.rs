//! Turning a JSON document into the bytes a suite hashes.

use std::fmt::Debug;

use serde_json::Value;

use crate::error::IssueError;

/// A document transformation: JCS for the `-jcs-` suites, RDF Dataset Canonicalization for the
/// `-rdfc-` ones.
pub trait Canonicalizer: Send + Sync + Debug + 'static {
    /// The canonical bytes of `document` (a credential without proof, or a proof configuration).
    fn canonicalize(&self, document: &Value) -> Result<Vec<u8>, IssueError>;

    /// Whether the output names blank nodes with labels that RDFC-1.0 derives with SHA-256
    /// (`_:c14nN`): the `ecdsa-*` suites with P-384 keys need SHA-384 labels instead, which such a
    /// canonicalizer cannot make for a document with more than one blank node.
    fn labels_with_sha256(&self) -> bool {
        false
    }
}

/// RFC 8785 JSON Canonicalization.
#[derive(Debug, Clone, Copy, Default)]
pub struct JcsCanonicalizer;

impl Canonicalizer for JcsCanonicalizer {
    fn canonicalize(&self, document: &Value) -> Result<Vec<u8>, IssueError> {
        Ok(vc_core::jcs::canonicalize_value(document)?)
    }
}
