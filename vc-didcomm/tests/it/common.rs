use std::sync::Arc;

use serde_json::json;
use time::macros::datetime;
use vc_core::{Credential, Did, DidUrl, FixedClock};
use vc_didcomm::iota::{HolderConfig, HolderKey, HolderSession, IssuerConfig, IssuerSession};
use vc_didcomm::SequentialChallenges;
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry, Issuer,
};

pub const DEGREE: &str = "UniversityDegreeCredential";

/// Two parties with `did:key`s, an in-memory DID registry, a pinned clock, and the vc-issue pipeline.
pub struct World {
    pub clock: Arc<FixedClock>,
    pub registry: Arc<InMemoryDidRegistry>,
    pub issuer: Arc<Issuer>,
    pub issuer_did: Did,
    pub holder_did: Did,
    pub holder_vm: DidUrl,
    pub holder_key: Arc<Ed25519Signer>,
}

impl World {
    pub fn new() -> Self {
        let clock = Arc::new(FixedClock::new(datetime!(2024-03-01 12:00 UTC)));
        let registry = Arc::new(InMemoryDidRegistry::new());
        let issuer_key = Arc::new(Ed25519Signer::from_seed(&[1; 32]));
        let holder_key = Arc::new(Ed25519Signer::from_seed(&[2; 32]));
        let keys = Arc::new(InMemoryKeyStore::new());
        keys.insert(issuer_key.verification_method_id(), issuer_key.clone());
        let issuer = Issuer::builder()
            .resolver(registry.clone())
            .schemas(Arc::new(InMemorySchemaRegistry::new()))
            .keys(keys)
            .clock(clock.clone())
            .build()
            .unwrap();
        Self {
            clock,
            registry,
            issuer: Arc::new(issuer),
            issuer_did: issuer_key.did(),
            holder_did: holder_key.did(),
            holder_vm: holder_key.verification_method_id(),
            holder_key,
        }
    }

    pub fn issuer_config(&self) -> vc_didcomm::iota::IssuerConfigBuilder {
        IssuerConfig::builder()
            .issuer(self.issuer_did.clone())
            .credential_type(DEGREE)
            .signer(self.issuer.clone())
            .resolver(self.registry.clone())
            .clock(self.clock.clone())
            .challenges(Arc::new(SequentialChallenges::new("challenge")))
            .offer_ttl(time::Duration::minutes(30))
            .issuance_ttl(time::Duration::minutes(30))
    }

    pub fn issuer_session(&self) -> IssuerSession {
        IssuerSession::new(
            self.issuer_config().build().unwrap(),
            self.holder_did.clone(),
        )
    }

    pub fn holder_config(&self) -> vc_didcomm::iota::HolderConfigBuilder {
        HolderConfig::builder()
            .key(HolderKey::new(
                self.holder_vm.clone(),
                self.holder_key.clone(),
            ))
            .trust_issuer(&self.issuer_did)
            .resolver(self.registry.clone())
            .clock(self.clock.clone())
    }

    pub fn holder_session(&self) -> HolderSession {
        HolderSession::new(
            self.holder_config().build().unwrap(),
            Some(self.issuer_did.clone()),
        )
    }

    /// The unsigned degree credential the issuer offers.
    pub fn degree(&self) -> Credential {
        Credential::builder()
            .id(
                vc_core::CredentialId::parse("urn:uuid:6c1a1477-e452-4da7-b2db-65ad0b369d1a")
                    .unwrap(),
            )
            .context("https://www.w3.org/ns/credentials/examples/v2")
            .type_(DEGREE)
            .issuer(&self.issuer_did)
            .subject_value(json!({
                "id": self.holder_did.as_str(),
                "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}
            }))
            .clock(self.clock.clone())
            .build()
            .unwrap()
    }
}

/// Sends a message over "the wire": serialize, parse, as a transport would.
pub fn wire(message: &vc_didcomm::Message) -> vc_didcomm::Message {
    vc_didcomm::Message::from_slice(message.to_json().unwrap().as_bytes()).unwrap()
}
