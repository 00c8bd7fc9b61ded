//! Proof suites: how a document (a credential, a presentation, any JSON-LD object) gets its proof,
//! and how the proof is checked.

#[cfg(feature = "bbs")]
pub mod bbs;
mod canonicalizer;
mod data_integrity;
#[cfg(feature = "rdfc")]
mod deep_stack;
#[cfg(feature = "rdfc")]
pub mod ecdsa_sd;
mod enveloping;
mod jcs_ed25519_2020;
mod options;
#[cfg(feature = "rdfc")]
mod rdfc;
#[cfg(feature = "rdfc")]
mod rdfc_scalar;
#[cfg(feature = "rdfc")]
mod rdfc_template;
mod securing;
#[cfg(feature = "rdfc")]
mod selective;
mod signature_encoding;

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use vc_core::did_key::KeyType;
use vc_core::{Credential, DataModelVersion, Proof, PublicKey};

use crate::crypto::proof_type::ProofType;
use crate::crypto::secured_document::SecuredDocument;
use crate::crypto::signer::Signer;
use crate::crypto::verify::VerifyError;
use crate::error::IssueError;

#[cfg(feature = "bbs")]
pub use bbs::Bbs2023Suite;
pub use canonicalizer::{Canonicalizer, JcsCanonicalizer};
pub use data_integrity::DataIntegritySuite;
#[cfg(feature = "rdfc")]
pub use ecdsa_sd::EcdsaSd2023Suite;
pub use enveloping::EnvelopingSuite;
pub use jcs_ed25519_2020::JcsEd25519Signature2020;
pub use options::ProofOptions;
#[cfg(feature = "rdfc")]
pub use rdfc::{ContextLoader, RdfcCanonicalizer};
#[cfg(feature = "rdfc")]
pub use rdfc_template::TemplateStats;
pub use securing::SecuringSuite;
#[cfg(feature = "rdfc")]
pub use selective::mandatory::DEFAULT_MANDATORY_POINTERS;

/// A proof suite that embeds its proof in the document it secures (Data Integrity and the legacy
/// LD/JCS suites).
///
/// A suite signs any [`SecuredDocument`]: a credential, a presentation, a bare JSON-LD object.
/// Signing is async because the [`Signer`] may be remote; verifying is pure CPU work and sync.
#[async_trait]
pub trait ProofSuite: Send + Sync + Debug + 'static {
    /// The proof type this suite produces.
    fn proof_type(&self) -> ProofType;

    /// The key type it signs and verifies with (the first, when it takes several).
    fn key_type(&self) -> KeyType;

    /// Whether it signs and verifies with keys of `key_type` (the `ecdsa-*` suites take P-256 and
    /// P-384 keys).
    fn accepts_key(&self, key_type: KeyType) -> bool {
        key_type == self.key_type()
    }

    /// Contexts a credential of `version` must carry for this suite's proof terms to be defined
    /// (added after the credential's own contexts).
    fn required_contexts(&self, version: DataModelVersion) -> &'static [&'static str];

    /// The proof over `document` (and over the proofs it already has, where the suite chains
    /// proofs), for the caller to add with [`SecuredDocument::add_proof`].
    async fn sign_document(
        &self,
        document: &dyn SecuredDocument,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Proof, IssueError>;

    /// Adds a proof to `credential` (keeping any proofs it already has).
    async fn sign(
        &self,
        mut credential: Credential,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Credential, IssueError> {
        let proof = self.sign_document(&credential, options, signer).await?;
        credential.add_proof(proof);
        Ok(credential)
    }

    /// Checks one proof of `document` with `key`.
    fn verify_proof(
        &self,
        document: &dyn SecuredDocument,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), VerifyError>;
}

/// The proof suites available to the pipeline and the verifier, by proof type: suites that embed
/// their proof, and suites that envelope the document (`vc+jwt`).
#[derive(Debug, Clone)]
pub struct Suites {
    suites: HashMap<ProofType, Arc<dyn ProofSuite>>,
    enveloping: HashMap<ProofType, Arc<dyn EnvelopingSuite>>,
}

impl Default for Suites {
    /// Every suite compiled in: `eddsa-jcs-2022`, `ecdsa-jcs-2019`, `JcsEd25519Signature2020`, with the `rdfc`
    /// feature `eddsa-rdfc-2022`, `Ed25519Signature2020`, `ecdsa-rdfc-2019` and `ecdsa-sd-2023` (with
    /// its default mandatory pointers), with the `bbs`
    /// feature `bbs-2023` (with its default mandatory pointers), and with the `jwt` feature
    /// `vc+jwt` ([`VcJwtSuite`](crate::crypto::jwt::VcJwtSuite)).
    fn default() -> Self {
        let mut suites = Self::empty();
        suites.insert(Arc::new(DataIntegritySuite::eddsa_jcs_2022()));
        suites.insert(Arc::new(DataIntegritySuite::ecdsa_jcs_2019()));
        suites.insert(Arc::new(JcsEd25519Signature2020));
        #[cfg(feature = "jwt")]
        suites.insert_enveloping(Arc::new(crate::crypto::jwt::VcJwtSuite));
        #[cfg(feature = "sd-jwt")]
        suites.insert_enveloping(Arc::new(crate::sd_jwt::SdJwtVcSuite));
        #[cfg(feature = "rdfc")]
        {
            // One canonicalizer for the whole process: the suites (and every `Suites::default()`, e.g.
            // each `CredentialVerifier::new`) share its parsed bundled contexts, processed
            // contexts and shape templates instead of parsing ~100 KiB of contexts again.
            let canonicalizer = shared_canonicalizer();
            #[cfg(feature = "bbs")]
            suites.insert(Arc::new(Bbs2023Suite::new(canonicalizer.clone())));
            suites.insert(Arc::new(EcdsaSd2023Suite::new(canonicalizer.clone())));
            let rdfc: Arc<dyn Canonicalizer> = canonicalizer;
            suites.insert(Arc::new(DataIntegritySuite::eddsa_rdfc_2022(rdfc.clone())));
            suites.insert(Arc::new(DataIntegritySuite::ed25519_signature_2020(
                rdfc.clone(),
            )));
            suites.insert(Arc::new(DataIntegritySuite::ecdsa_rdfc_2019(rdfc)));
        }
        suites
    }
}

/// The process-wide canonicalizer over the bundled contexts (its caches are bounded).
#[cfg(feature = "rdfc")]
fn shared_canonicalizer() -> Arc<RdfcCanonicalizer> {
    static SHARED: std::sync::OnceLock<Arc<RdfcCanonicalizer>> = std::sync::OnceLock::new();
    SHARED
        .get_or_init(|| Arc::new(RdfcCanonicalizer::default()))
        .clone()
}

impl Suites {
    /// No suites at all: the host inserts each suite it wants, `vc+jwt` included
    /// (`insert_enveloping(Arc::new(VcJwtSuite))`, feature `jwt`).
    pub fn empty() -> Self {
        Self {
            suites: HashMap::new(),
            enveloping: HashMap::new(),
        }
    }

    /// Adds (or replaces) a suite that embeds its proof; an enveloping suite of the same proof
    /// type goes.
    pub fn insert(&mut self, suite: Arc<dyn ProofSuite>) {
        let proof_type = suite.proof_type();
        self.enveloping.remove(&proof_type);
        self.suites.insert(proof_type, suite);
    }

    /// Adds (or replaces) a suite that envelopes the document; an embedded-proof suite of the
    /// same proof type goes.
    pub fn insert_enveloping(&mut self, suite: Arc<dyn EnvelopingSuite>) {
        let proof_type = suite.proof_type();
        self.suites.remove(&proof_type);
        self.enveloping.insert(proof_type, suite);
    }

    /// The suite that secures a credential for `proof_type`, embedding or enveloping.
    pub fn securing(&self, proof_type: &ProofType) -> Result<SecuringSuite, IssueError> {
        if let Some(suite) = self.enveloping.get(proof_type) {
            return Ok(SecuringSuite::Enveloping(suite.clone()));
        }
        Ok(SecuringSuite::Embedded(self.get(proof_type)?.clone()))
    }

    /// The enveloping suite for `proof_type`.
    pub fn enveloping(
        &self,
        proof_type: &ProofType,
    ) -> Result<&Arc<dyn EnvelopingSuite>, IssueError> {
        self.enveloping
            .get(proof_type)
            .ok_or_else(|| unsupported(proof_type))
    }

    /// The suite for `proof_type` that embeds its proof.
    pub fn get(&self, proof_type: &ProofType) -> Result<&Arc<dyn ProofSuite>, IssueError> {
        self.suites
            .get(proof_type)
            .ok_or_else(|| unsupported(proof_type))
    }

    /// The suite that made `proof` (by `cryptosuite` for Data Integrity proofs, `type` otherwise).
    pub fn for_proof(&self, proof: &Proof) -> Result<&Arc<dyn ProofSuite>, VerifyError> {
        let name = proof.suite_name();
        self.suites
            .get(&ProofType::from(name))
            .ok_or_else(|| VerifyError::UnsupportedSuite {
                suite: name.to_owned(),
            })
    }
}

/// The error for a proof type that is unknown, superseded, or not compiled in.
pub(crate) fn unsupported(proof_type: &ProofType) -> IssueError {
    let hint = match proof_type.as_str() {
        "BbsBlsSignature2020" => {
            Some("BbsBlsSignature2020 is superseded by bbs-2023; request bbs-2023")
        }
        "eddsa-rdfc-2022" | "Ed25519Signature2020" | "ecdsa-rdfc-2019" | "ecdsa-sd-2023" => {
            Some("this suite needs the `rdfc` feature of vc-issue")
        }
        "bbs-2023" => Some("bbs-2023 needs the `bbs` feature of vc-issue"),
        // A suite set built by the host has `vc+jwt` only when the host inserted it.
        "vc+jwt" if cfg!(feature = "jwt") => {
            Some("vc+jwt is an enveloping suite: insert VcJwtSuite with Suites::insert_enveloping")
        }
        "vc+jwt" => Some("vc+jwt needs the `jwt` feature of vc-issue"),
        "dc+sd-jwt" if cfg!(feature = "sd-jwt") => Some(
            "dc+sd-jwt is an enveloping suite: insert SdJwtVcSuite with Suites::insert_enveloping",
        ),
        "dc+sd-jwt" => Some("dc+sd-jwt needs the `sd-jwt` feature of vc-issue"),
        _ => None,
    };
    IssueError::UnsupportedProofType {
        proof_type: proof_type.as_str().to_owned(),
        hint,
    }
}
