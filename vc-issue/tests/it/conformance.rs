//! The key store and schema registry conformance suites: the shipped implementations pass, and a
//! host implementation that breaks the contract is caught with the contract it broke.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use vc_core::DidUrl;
use vc_issue::error::BoxError;
use vc_issue::testing::keystore::check_key_store;
use vc_issue::testing::schema::check_schema_registry;
use vc_issue::testing::ConformanceError;
use vc_issue::{
    Ed25519Signer, InMemoryKeyStore, InMemorySchemaRegistry, KeyStore, P256Signer, SchemaEntry,
    SchemaRegistry, Signer,
};

#[tokio::test]
async fn the_in_memory_key_store_passes() {
    let keys = InMemoryKeyStore::new();
    let ed = Arc::new(Ed25519Signer::generate());
    let p256 = Arc::new(P256Signer::generate());
    keys.insert(ed.verification_method_id(), ed.clone());
    keys.insert(p256.verification_method_id(), p256.clone());
    let unknown = Ed25519Signer::generate().verification_method_id();
    check_key_store(&keys, &ed.verification_method_id(), &unknown)
        .await
        .unwrap();
    check_key_store(&keys, &p256.verification_method_id(), &unknown)
        .await
        .unwrap();
}

/// Answers every lookup with the same key: a store that cannot tell its keys apart.
#[derive(Debug)]
struct EveryMethodIsMine(Arc<dyn Signer>);

#[async_trait]
impl KeyStore for EveryMethodIsMine {
    async fn signer(&self, _: &DidUrl) -> Result<Option<Arc<dyn Signer>>, BoxError> {
        Ok(Some(self.0.clone()))
    }
}

/// Fails every lookup: a KMS that is down.
#[derive(Debug)]
struct Down;

#[async_trait]
impl KeyStore for Down {
    async fn signer(&self, _: &DidUrl) -> Result<Option<Arc<dyn Signer>>, BoxError> {
        Err(Arc::new(std::io::Error::other("connection refused")))
    }
}

#[tokio::test]
async fn a_key_store_that_breaks_the_contract_is_caught() {
    let key = Arc::new(Ed25519Signer::generate());
    let known = key.verification_method_id();
    let unknown = Ed25519Signer::generate().verification_method_id();
    let error = check_key_store(&EveryMethodIsMine(key), &known, &unknown)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ConformanceError::Contract { check, .. } if check.contains("unknown")),
        "{error}"
    );
    let error = check_key_store(&Down, &known, &unknown).await.unwrap_err();
    assert!(matches!(error, ConformanceError::Backend { .. }), "{error}");
}

#[tokio::test]
async fn the_in_memory_schema_registry_passes() {
    let schemas = InMemorySchemaRegistry::new();
    schemas.insert(SchemaEntry::new(
        "membership-v1",
        json!({"type": "object", "required": ["level"]}),
        vec!["MembershipCredential".into()],
        vec![],
    ));
    check_schema_registry(&schemas, "membership-v1", "no-such-schema")
        .await
        .unwrap();
}

/// Hands out the entry of another id, with a JSON Schema that does not compile.
#[derive(Debug)]
struct Confused;

#[async_trait]
impl SchemaRegistry for Confused {
    async fn schema(&self, id: &str) -> Result<Option<Arc<SchemaEntry>>, BoxError> {
        Ok(Some(Arc::new(SchemaEntry::new(
            format!("{id}-other"),
            json!({"type": 7}),
            vec![],
            vec![],
        ))))
    }
}

/// Right id, but a JSON Schema that does not compile.
#[derive(Debug)]
struct BrokenSchema;

#[async_trait]
impl SchemaRegistry for BrokenSchema {
    async fn schema(&self, id: &str) -> Result<Option<Arc<SchemaEntry>>, BoxError> {
        Ok(Some(Arc::new(SchemaEntry::new(
            id,
            json!({"type": 7}),
            vec![],
            vec![],
        ))))
    }
}

#[tokio::test]
async fn a_schema_registry_that_breaks_the_contract_is_caught() {
    let error = check_schema_registry(&Confused, "a", "b")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { detail, .. } if detail.contains("a-other")),
        "{error}"
    );
    let error = check_schema_registry(&BrokenSchema, "a", "b")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { check, .. } if check.contains("compiles")),
        "{error}"
    );
}

#[tokio::test]
async fn the_shipped_resolvers_pass() {
    use vc_issue::testing::resolver::check_resolver;
    use vc_issue::{DidKeyResolver, InMemoryDidRegistry};
    let known = Ed25519Signer::generate().did();
    let unknown = vc_core::Did::parse("did:example:nobody").unwrap();
    check_resolver(&DidKeyResolver, &known, &unknown)
        .await
        .unwrap();
    check_resolver(&InMemoryDidRegistry::new(), &known, &unknown)
        .await
        .unwrap();
}

/// Says every DID exists, whether it resolves or not.
#[derive(Debug)]
struct EverythingExists;

#[async_trait]
impl vc_issue::DidResolver for EverythingExists {
    async fn resolve(&self, did: &vc_core::Did) -> Result<Option<vc_issue::ResolvedDid>, BoxError> {
        vc_issue::DidKeyResolver.resolve(did).await
    }

    async fn exists(&self, _: &vc_core::Did) -> Result<bool, BoxError> {
        Ok(true)
    }
}

#[tokio::test]
async fn a_resolver_that_breaks_the_contract_is_caught() {
    let known = Ed25519Signer::generate().did();
    let unknown = vc_core::Did::parse("did:example:nobody").unwrap();
    let error = vc_issue::testing::resolver::check_resolver(&EverythingExists, &known, &unknown)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { check, .. } if check.contains("exists")),
        "{error}"
    );
}

/// Reports one key and signs with another.
#[derive(Debug)]
struct TwoKeys {
    reported: Ed25519Signer,
    used: Ed25519Signer,
}

#[async_trait]
impl Signer for TwoKeys {
    fn algorithm(&self) -> vc_issue::SignatureAlgorithm {
        self.reported.algorithm()
    }

    fn public_key(&self) -> &vc_core::PublicKey {
        self.reported.public_key()
    }

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, BoxError> {
        self.used.sign(message).await
    }
}

#[tokio::test]
async fn a_signer_that_breaks_the_contract_is_caught() {
    let signer = TwoKeys {
        reported: Ed25519Signer::generate(),
        used: Ed25519Signer::generate(),
    };
    let error = vc_issue::testing::signer::check_signer(&signer)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { check, .. } if check.contains("verify")),
        "{error}"
    );
}
