//! What the registry hands the pipeline for a proof type: an embedded-proof suite or an
//! enveloping one, behind one interface for the parts the pipeline needs from either.

use std::sync::Arc;

use vc_core::did_key::KeyType;
use vc_core::DataModelVersion;

use super::{EnvelopingSuite, ProofSuite};
use crate::crypto::proof_type::ProofType;

/// How a proof type secures a credential: an embedded proof, or an envelope.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SecuringSuite {
    /// A suite that embeds its proof (Data Integrity and the legacy suites).
    Embedded(Arc<dyn ProofSuite>),
    /// A suite that envelopes the document (`vc+jwt`).
    Enveloping(Arc<dyn EnvelopingSuite>),
}

impl SecuringSuite {
    /// The proof type a request names the suite by.
    pub fn proof_type(&self) -> ProofType {
        match self {
            SecuringSuite::Embedded(suite) => suite.proof_type(),
            SecuringSuite::Enveloping(suite) => suite.proof_type(),
        }
    }

    /// Whether the suite signs with keys of `key_type`.
    pub fn accepts(&self, key_type: KeyType) -> bool {
        match self {
            SecuringSuite::Embedded(suite) => suite.accepts_key(key_type),
            SecuringSuite::Enveloping(suite) => suite.accepts(key_type),
        }
    }

    /// Contexts a credential of `version` must carry for the suite's terms to be defined (none
    /// for an envelope, whose header is not JSON-LD).
    pub fn required_contexts(&self, version: DataModelVersion) -> &'static [&'static str] {
        match self {
            SecuringSuite::Embedded(suite) => suite.required_contexts(version),
            SecuringSuite::Enveloping(_) => &[],
        }
    }
}
