//! Proofs: Data Integrity (`DataIntegrityProof` and the legacy suites) and the fields of older ones.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::datetime::DateTime;
use crate::one_or_many::OneOrMany;

/// The `type` of a Data Integrity proof that names its cryptosuite in `cryptosuite`.
pub const DATA_INTEGRITY_PROOF: &str = "DataIntegrityProof";

/// A proof attached to a credential or presentation.
///
/// Covers the properties of the W3C Data Integrity `DataIntegrityProof` and the legacy fields `jws`
/// and `signatureValue` (Ed25519Signature2018/2020 variants, JcsEd25519Signature2020); anything else is
/// kept in [`properties`](Self::properties) so that a proof survives a round trip unchanged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Proof {
    /// A JSON-LD context carried by the proof itself (used while signing a proof configuration).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// An identifier for the proof, used by proof chains (`previousProof`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The proof type, such as `DataIntegrityProof` or `Ed25519Signature2020`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The cryptosuite of a `DataIntegrityProof`, such as `eddsa-rdfc-2022`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cryptosuite: Option<String>,
    /// When the proof was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime>,
    /// When the proof stops being valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime>,
    /// The verification method (a DID URL) whose key verifies the proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_method: Option<String>,
    /// Why the proof was made: `assertionMethod`, `authentication`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_purpose: Option<String>,
    /// The signature, multibase-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_value: Option<String>,
    /// A challenge from the verifier (presentations, DID authentication).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// The domain(s) the proof is restricted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<OneOrMany<String>>,
    /// A nonce supplied by the prover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The proof(s) this proof chains onto.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_proof: Option<OneOrMany<String>>,
    /// A detached JWS (Ed25519Signature2018 and similar legacy suites).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jws: Option<String>,
    /// The signature of legacy suites such as JcsEd25519Signature2020 (base58).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_value: Option<String>,
    /// Every other property, in document order.
    #[serde(flatten)]
    pub properties: Map<String, Value>,
}

impl Proof {
    /// A proof of the given type with no other property yet.
    pub fn new(type_: impl Into<String>) -> Self {
        Self {
            type_: type_.into(),
            ..Self::default()
        }
    }

    /// A `DataIntegrityProof` for `cryptosuite`.
    pub fn data_integrity(cryptosuite: impl Into<String>) -> Self {
        Self {
            type_: DATA_INTEGRITY_PROOF.to_owned(),
            cryptosuite: Some(cryptosuite.into()),
            ..Self::default()
        }
    }

    /// The name a verifier dispatches on: the cryptosuite of a `DataIntegrityProof`, the type
    /// otherwise.
    pub fn suite_name(&self) -> &str {
        match (&self.type_[..], &self.cryptosuite) {
            (DATA_INTEGRITY_PROOF, Some(cryptosuite)) => cryptosuite,
            _ => &self.type_,
        }
    }
}
