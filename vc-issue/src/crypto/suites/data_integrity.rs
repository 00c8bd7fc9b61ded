//! The hashed Data Integrity suites: canonicalize the proof configuration and the document, hash
//! each (SHA-256; SHA-384 for P-384 keys, as vc-di-ecdsa says), sign the concatenation, encode the
//! signature as base58btc multibase.
//!
//! `eddsa-jcs-2022`, `eddsa-rdfc-2022`, `ecdsa-rdfc-2019`, `ecdsa-jcs-2019` and the legacy
//! `Ed25519Signature2020` differ only in the canonicalization, the key types and a few proof
//! properties, so one type with a per-suite configuration serves them all.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha384};
use vc_core::context::{DATA_INTEGRITY_V2, ED25519_2020_V1};
use vc_core::did_key::KeyType;
use vc_core::proof::DATA_INTEGRITY_PROOF;
use vc_core::{DataModelVersion, OneOrMany, Proof, PublicKey};

use super::signature_encoding;
use super::{Canonicalizer, JcsCanonicalizer, ProofOptions, ProofSuite};
use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::SecuredDocument;
use crate::crypto::signer::Signer;
use crate::crypto::verify::{verify_signature, VerifyError};
use crate::error::IssueError;

/// One hashed Data Integrity suite.
#[derive(Debug, Clone)]
pub struct DataIntegritySuite {
    proof_type: ProofType,
    /// The proof's `type` (`DataIntegrityProof`, or the legacy suite's own type).
    type_name: &'static str,
    cryptosuite: Option<&'static str>,
    /// The key types it takes, the first being [`ProofSuite::key_type`].
    key_types: &'static [KeyType],
    canonicalizer: Arc<dyn Canonicalizer>,
    /// `eddsa-jcs-2022` keeps the `@context` in the emitted proof (as the W3C vectors do).
    context_in_proof: bool,
    contexts_v1: &'static [&'static str],
    contexts_v2: &'static [&'static str],
}

impl DataIntegritySuite {
    /// `eddsa-jcs-2022`.
    pub fn eddsa_jcs_2022() -> Self {
        Self {
            proof_type: ProofType::EddsaJcs2022,
            type_name: DATA_INTEGRITY_PROOF,
            cryptosuite: Some("eddsa-jcs-2022"),
            key_types: &[KeyType::Ed25519],
            canonicalizer: Arc::new(JcsCanonicalizer),
            context_in_proof: true,
            contexts_v1: &[DATA_INTEGRITY_V2],
            contexts_v2: &[],
        }
    }

    /// `eddsa-rdfc-2022`, with an RDF canonicalizer.
    pub fn eddsa_rdfc_2022(canonicalizer: Arc<dyn Canonicalizer>) -> Self {
        Self {
            proof_type: ProofType::EddsaRdfc2022,
            type_name: DATA_INTEGRITY_PROOF,
            cryptosuite: Some("eddsa-rdfc-2022"),
            key_types: &[KeyType::Ed25519],
            canonicalizer,
            context_in_proof: false,
            contexts_v1: &[DATA_INTEGRITY_V2],
            contexts_v2: &[],
        }
    }

    /// `ecdsa-rdfc-2019` with P-256 or P-384 keys, with an RDF canonicalizer.
    pub fn ecdsa_rdfc_2019(canonicalizer: Arc<dyn Canonicalizer>) -> Self {
        Self {
            proof_type: ProofType::EcdsaRdfc2019,
            cryptosuite: Some("ecdsa-rdfc-2019"),
            key_types: ECDSA_KEYS,
            ..Self::eddsa_rdfc_2022(canonicalizer)
        }
    }

    /// `ecdsa-jcs-2019` with P-256 or P-384 keys.
    pub fn ecdsa_jcs_2019() -> Self {
        Self {
            proof_type: ProofType::EcdsaJcs2019,
            cryptosuite: Some("ecdsa-jcs-2019"),
            key_types: ECDSA_KEYS,
            ..Self::eddsa_jcs_2022()
        }
    }

    /// The legacy `Ed25519Signature2020`, with an RDF canonicalizer.
    pub fn ed25519_signature_2020(canonicalizer: Arc<dyn Canonicalizer>) -> Self {
        Self {
            proof_type: ProofType::Ed25519Signature2020,
            type_name: "Ed25519Signature2020",
            cryptosuite: None,
            key_types: &[KeyType::Ed25519],
            canonicalizer,
            context_in_proof: false,
            contexts_v1: &[ED25519_2020_V1],
            contexts_v2: &[ED25519_2020_V1],
        }
    }

    /// The proof to sign, without `@context`: the configuration gets the document's (below), the
    /// proof keeps it only when the suite puts it there.
    fn proof_options(&self, options: &ProofOptions) -> Proof {
        options.proof(self.type_name, self.cryptosuite)
    }

    /// hash(canonical proof config) || hash(canonical document): the bytes that are signed. The
    /// hash is SHA-384 for P-384 keys, SHA-256 for every other.
    fn hash_data(
        &self,
        key_type: KeyType,
        config: &Value,
        document: &Value,
    ) -> Result<Vec<u8>, IssueError> {
        let config = self.canonicalizer.canonicalize(config)?;
        let document = self.canonicalizer.canonicalize(document)?;
        if key_type == KeyType::P384
            && self.canonicalizer.labels_with_sha256()
            && [&config, &document]
                .iter()
                .any(|c| has_second_blank_node(c))
        {
            // RDFC-1.0 with SHA-384 could order (and so label) the blank nodes differently: a
            // proof made here would not verify elsewhere. One blank node is `_:c14n0` either way.
            return Err(IssueError::UnsupportedProofType {
                proof_type: self.proof_type.to_string(),
                hint: Some(
                    "with a P-384 key, ecdsa-rdfc-2019 needs RDF canonicalization with SHA-384 \
                     labels, supported here only for documents with at most one blank node: give \
                     the credential and its subject ids, or use ecdsa-jcs-2019 or a P-256 key",
                ),
            });
        }
        Ok(match key_type {
            KeyType::P384 => [Sha384::digest(config), Sha384::digest(document)].concat(),
            _ => [Sha256::digest(config), Sha256::digest(document)].concat(),
        })
    }
}

/// Whether canonical N-Quads name a second blank node (`_:c14n1`).
fn has_second_blank_node(canonical: &[u8]) -> bool {
    canonical.windows(8).any(|w| w == b"_:c14n1 ")
}

/// The keys of the `ecdsa-*` suites.
const ECDSA_KEYS: &[KeyType] = &[KeyType::P256, KeyType::P384];

/// The configuration of `proof` as JSON: the proof without `proofValue`, with the document's
/// `@context` when the proof has none. `serialized` is the proof as the credential's serialization
/// already wrote it, when it is that proof: reusing it saves serializing the proof a second time
/// (a third of what verification adds to the bare signature check).
fn proof_configuration(
    proof: &Proof,
    serialized: Option<Value>,
    document: &Value,
) -> Result<Value, serde_json::Error> {
    let mut config = match serialized {
        Some(value) => value,
        None => serde_json::to_value(proof)?,
    };
    if let Value::Object(members) = &mut config {
        members.shift_remove("proofValue");
        if !members.contains_key("@context") {
            if let Some(context) = document.get("@context") {
                members.insert("@context".to_owned(), context.clone());
            }
        }
    }
    Ok(config)
}

/// The document a proof covers: the document without proofs, plus, for a chained proof, the
/// proofs it names in `previousProof`.
fn secured_document(
    document: &dyn SecuredDocument,
    previous: Option<&OneOrMany<String>>,
) -> Result<Value, IssueError> {
    Ok(secured_document_and_proofs(document, previous)?.0)
}

/// [`secured_document`], and the document's `proof` member as its serialization wrote it.
fn secured_document_and_proofs(
    secured: &dyn SecuredDocument,
    previous: Option<&OneOrMany<String>>,
) -> Result<(Value, Option<Value>), IssueError> {
    // Serializing and dropping `proof` avoids cloning the whole document first.
    let mut document = secured.to_json()?;
    let Value::Object(members) = &mut document else {
        return Ok((document, None));
    };
    let proofs = members.shift_remove("proof");
    if let Some(previous) = previous {
        let chained: Vec<&Proof> = secured
            .proofs()
            .iter()
            .filter(|p| {
                p.id.as_ref()
                    .is_some_and(|id| previous.iter().any(|want| want == id))
            })
            .collect();
        let chained = match chained.as_slice() {
            [] => None,
            [one] => Some(serde_json::to_value(one)),
            many => Some(serde_json::to_value(many)),
        };
        if let Some(chained) = chained {
            let chained = chained.map_err(|e| IssueError::internal("previous proofs", e))?;
            members.insert("proof".to_owned(), chained);
        }
    }
    Ok((document, proofs))
}

#[async_trait]
impl ProofSuite for DataIntegritySuite {
    fn proof_type(&self) -> ProofType {
        self.proof_type.clone()
    }

    fn key_type(&self) -> KeyType {
        self.key_types[0]
    }

    fn accepts_key(&self, key_type: KeyType) -> bool {
        self.key_types.contains(&key_type)
    }

    fn required_contexts(&self, version: DataModelVersion) -> &'static [&'static str] {
        match version {
            DataModelVersion::V1 => self.contexts_v1,
            _ => self.contexts_v2,
        }
    }

    async fn sign_document(
        &self,
        secured: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Proof, IssueError> {
        let key_type = signer.algorithm().key_type();
        if !self.accepts_key(key_type) {
            return Err(IssueError::SigningFailed { source: None });
        }
        let document = secured_document(secured, None)?;
        let mut proof = self.proof_options(options);
        let config = proof_configuration(&proof, None, &document)
            .map_err(|e| IssueError::internal("proof configuration", e))?;
        let data = self.hash_data(key_type, &config, &document)?;
        let signature = signer.sign(&data).await.map_err(IssueError::signing)?;
        proof.proof_value = Some(signature_encoding::encode_multibase(&signature));
        if self.context_in_proof {
            // The configuration's copy of the document's `@context`, no longer needed there.
            if let Value::Object(mut members) = config {
                proof.context = members.shift_remove("@context");
            }
        }
        Ok(proof)
    }

    fn verify_proof(
        &self,
        secured: &dyn SecuredDocument,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), VerifyError> {
        if !self.accepts_key(key.key_type()) {
            return Err(VerifyError::KeyTypeMismatch {
                suite: self.proof_type.to_string(),
                key_type: key.key_type().name(),
            });
        }
        let malformed = |reason: &str| VerifyError::MalformedProof {
            reason: reason.to_owned(),
        };
        if proof.type_ != self.type_name || proof.cryptosuite.as_deref() != self.cryptosuite {
            return Err(malformed(
                "proof type or cryptosuite does not match the suite",
            ));
        }
        let signature = proof
            .proof_value
            .as_deref()
            .ok_or_else(|| malformed("no proofValue"))
            .and_then(|value| {
                signature_encoding::decode_multibase(value)
                    .map_err(|_| malformed("proofValue is not base58btc"))
            })?;
        let (document, proofs) =
            secured_document_and_proofs(secured, proof.previous_proof.as_ref())
                .map_err(canonicalization)?;
        // The serialized `proof` member is this proof's JSON when the document has only this one.
        let serialized = match (secured.proofs(), proofs) {
            ([only], Some(value)) if std::ptr::eq(only, proof) => match value {
                Value::Array(mut one) if one.len() == 1 => one.pop(),
                value @ Value::Object(_) => Some(value),
                _ => None,
            },
            _ => None,
        };
        let config = proof_configuration(proof, serialized, &document).map_err(|e| {
            VerifyError::MalformedProof {
                reason: format!("proof: {e}"),
            }
        })?;
        let data = self
            .hash_data(key.key_type(), &config, &document)
            .map_err(canonicalization)?;
        verify_signature(key, &data, &signature)
    }
}

fn canonicalization(err: IssueError) -> VerifyError {
    VerifyError::Canonicalization {
        source: Some(Arc::new(err)),
    }
}
