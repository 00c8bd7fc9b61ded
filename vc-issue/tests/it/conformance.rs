//! The key store and schema registry conformance suites: the shipped implementations pass, and a
//! host implementation that breaks the contract is caught with the contract it broke.

use std::sync::Arc;

use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::json;
use vc_core::DidUrl;
use vc_issue::testing::keystore::check_key_store;
use vc_issue::testing::schema::check_schema_registry;
use vc_issue::testing::ConformanceError;
use vc_issue::{
    Ed25519Signer, HostError, InMemoryKeyStore, InMemorySchemaRegistry, KeyStore, P256Signer,
    SchemaEntry, SchemaRegistry, Signer,
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
    vc_issue::testing::keystore::check_list_and_remove(
        &keys,
        &ed.verification_method_id(),
        &unknown,
    )
    .await
    .unwrap();
    assert_eq!(
        keys.list().await.unwrap(),
        vec![p256.verification_method_id()]
    );
    // A store that offers neither says so, and the suite reports it as the backend's failure.
    let key: Arc<dyn Signer> = p256.clone();
    let listless = EveryMethodIsMine(key);
    assert_eq!(
        listless.list().await.unwrap_err().kind(),
        vc_issue::HostErrorKind::Refused
    );
    assert!(matches!(
        vc_issue::testing::keystore::check_list_and_remove(&listless, &unknown, &unknown).await,
        Err(ConformanceError::Backend { .. })
    ));
}

/// Answers every lookup with the same key: a store that cannot tell its keys apart.
#[derive(Debug)]
struct EveryMethodIsMine(Arc<dyn Signer>);

#[async_trait]
impl KeyStore for EveryMethodIsMine {
    async fn signer(&self, _: &DidUrl) -> Result<Option<Arc<dyn Signer>>, HostError> {
        Ok(Some(self.0.clone()))
    }
}

/// Fails every lookup: a KMS that is down.
#[derive(Debug)]
struct Down;

#[async_trait]
impl KeyStore for Down {
    async fn signer(&self, _: &DidUrl) -> Result<Option<Arc<dyn Signer>>, HostError> {
        Err(HostError::unavailable(std::io::Error::other(
            "connection refused",
        )))
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
    async fn schema(&self, id: &str) -> Result<Option<Arc<SchemaEntry>>, HostError> {
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
    async fn schema(&self, id: &str) -> Result<Option<Arc<SchemaEntry>>, HostError> {
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

#[tokio::test]
async fn the_static_resource_loader_passes() {
    use vc_issue::testing::resource_loader::check_resource_loader;
    let loader = vc_issue::StaticResources::new();
    let url = "https://issuer.example/status-lists/revocation-1";
    loader.insert(url, b"{\"id\": 1}".to_vec());
    loader.insert("https://issuer.example/other", b"other".to_vec());
    check_resource_loader(
        &loader,
        url,
        b"{\"id\": 1}",
        "https://issuer.example/nothing",
    )
    .await
    .unwrap();
}

/// Hands back the same bytes for every URL, held or not.
#[derive(Debug)]
struct EverythingHeld;

#[async_trait::async_trait]
impl vc_issue::ResourceLoader for EverythingHeld {
    async fn load(&self, _: &str) -> Result<Option<Arc<[u8]>>, HostError> {
        Ok(Some(Arc::from(&b"anything"[..])))
    }
}

#[tokio::test]
async fn a_resource_loader_that_breaks_the_contract_is_caught() {
    use vc_issue::testing::resource_loader::check_resource_loader;
    let error = check_resource_loader(
        &EverythingHeld,
        "https://a.example/1",
        b"anything",
        "https://a.example/2",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { check, .. } if check.contains("unknown url")),
        "{error}"
    );
    // And one that changes the bytes.
    let loader = vc_issue::StaticResources::new();
    loader.insert("https://a.example/1", b"changed".to_vec());
    let error = check_resource_loader(
        &loader,
        "https://a.example/1",
        b"anything",
        "https://a.example/2",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { check, .. } if check.contains("unchanged")),
        "{error}"
    );
}

/// Says every DID exists, whether it resolves or not.
#[derive(Debug)]
struct EverythingExists;

#[async_trait]
impl vc_issue::DidResolver for EverythingExists {
    async fn resolve(
        &self,
        did: &vc_core::Did,
    ) -> Result<Option<vc_issue::ResolvedDid>, HostError> {
        vc_issue::DidKeyResolver.resolve(did).await
    }

    async fn exists(&self, _: &vc_core::Did) -> Result<bool, HostError> {
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

    async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, HostError> {
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

#[tokio::test]
async fn every_default_suite_passes() {
    use vc_issue::testing::suite::{check_enveloping_suite, check_proof_suite};
    use vc_issue::{ProofType, Suites};
    let suites = Suites::default();
    let ed = Ed25519Signer::generate();
    let p256 = P256Signer::generate();
    let p384 = vc_issue::P384Signer::generate();
    let mut cases: Vec<(ProofType, &dyn Signer)> = vec![
        (ProofType::EddsaJcs2022, &ed),
        (ProofType::JcsEd25519Signature2020, &ed),
        (ProofType::EcdsaJcs2019, &p256),
        (ProofType::EcdsaJcs2019, &p384),
    ];
    if cfg!(feature = "rdfc") {
        cases.extend([
            (ProofType::EddsaRdfc2022, &ed as &dyn Signer),
            (ProofType::Ed25519Signature2020, &ed),
            (ProofType::EcdsaRdfc2019, &p256),
            (ProofType::EcdsaRdfc2019, &p384),
        ]);
    }
    for (proof_type, signer) in cases {
        let suite = suites.get(&proof_type).unwrap();
        let method = vc_core::did_key::DidKey::new(
            signer.public_key().key_type(),
            signer.public_key().as_bytes(),
        )
        .unwrap()
        .verification_method_id();
        check_proof_suite(suite.as_ref(), signer, &method)
            .await
            .unwrap_or_else(|e| panic!("{proof_type}: {e}"));
    }
    #[cfg(feature = "bbs")]
    {
        let bls = vc_issue::Bls12381G2Signer::generate();
        let suite = suites.get(&ProofType::Bbs2023).unwrap();
        check_proof_suite(suite.as_ref(), &bls, &bls.verification_method_id())
            .await
            .unwrap();
    }
    let jwt = suites.enveloping(&ProofType::VcJwt).unwrap();
    check_enveloping_suite(jwt.as_ref(), &ed, &ed.verification_method_id())
        .await
        .unwrap();
    check_enveloping_suite(jwt.as_ref(), &p256, &p256.verification_method_id())
        .await
        .unwrap();
}

/// Signs a constant instead of the document: a proof that covers nothing.
#[derive(Debug)]
struct CoversNothing;

#[async_trait]
impl vc_issue::ProofSuite for CoversNothing {
    fn proof_type(&self) -> vc_issue::ProofType {
        vc_issue::ProofType::from("covers-nothing")
    }

    fn key_type(&self) -> vc_core::KeyType {
        vc_core::KeyType::Ed25519
    }

    fn required_contexts(&self, _: vc_core::DataModelVersion) -> &'static [&'static str] {
        &[]
    }

    async fn sign_document(
        &self,
        _: &dyn vc_issue::crypto::secured_document::SecuredDocument,
        options: &vc_issue::ProofOptions,
        signer: &dyn Signer,
    ) -> Result<vc_core::Proof, vc_issue::IssueError> {
        let signature = signer.sign(b"constant").await.map_err(|source| {
            vc_issue::IssueError::SigningFailed {
                source: Some(Arc::new(source)),
            }
        })?;
        let mut proof = vc_core::Proof::new("covers-nothing");
        proof.verification_method = Some(options.verification_method.as_str().to_owned());
        proof.proof_purpose = Some(options.proof_purpose.clone());
        proof.proof_value = Some(URL_SAFE_NO_PAD.encode(signature));
        Ok(proof)
    }

    fn verify_proof(
        &self,
        _: &dyn vc_issue::crypto::secured_document::SecuredDocument,
        proof: &vc_core::Proof,
        key: &vc_core::PublicKey,
    ) -> Result<(), vc_issue::VerifyError> {
        let signature = proof
            .proof_value
            .as_deref()
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .ok_or(vc_issue::VerifyError::InvalidSignature)?;
        vc_issue::crypto::verify::verify_signature(key, b"constant", &signature)
    }
}

#[tokio::test]
async fn a_proof_suite_that_covers_nothing_is_caught() {
    let key = Ed25519Signer::generate();
    let error = vc_issue::testing::suite::check_proof_suite(
        &CoversNothing,
        &key,
        &key.verification_method_id(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { check, .. } if check.contains("covers")),
        "{error}"
    );
}

#[test]
fn the_shipped_canonicalizers_pass() {
    use vc_issue::crypto::suites::JcsCanonicalizer;
    use vc_issue::testing::canonicalizer::check_canonicalizer;
    let document = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:example:1",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:holder", "name": "Ada"}
    });
    check_canonicalizer(&JcsCanonicalizer, &document).unwrap();
    #[cfg(feature = "rdfc")]
    check_canonicalizer(
        &vc_issue::crypto::suites::RdfcCanonicalizer::default(),
        &document,
    )
    .unwrap();
}

/// Writes the members in the order they come: two forms for one document.
#[derive(Debug)]
struct AsWritten;

impl vc_issue::crypto::suites::Canonicalizer for AsWritten {
    fn canonicalize(&self, document: &serde_json::Value) -> Result<Vec<u8>, vc_issue::IssueError> {
        Ok(document.to_string().into_bytes())
    }
}

#[test]
fn a_canonicalizer_that_keeps_member_order_is_caught() {
    let error = vc_issue::testing::canonicalizer::check_canonicalizer(
        &AsWritten,
        &json!({"id": "urn:example:1", "name": "Ada"}),
    )
    .unwrap_err();
    assert!(
        matches!(&error, ConformanceError::Contract { check, .. } if check.contains("one canonical form")),
        "{error}"
    );
}

#[cfg(feature = "http")]
mod authorizers {
    use async_trait::async_trait;
    use axum::http::{header::AUTHORIZATION, HeaderMap, HeaderValue};
    use vc_issue::http::{Authorizer, BearerTokens, Principal, Unauthorized};
    use vc_issue::testing::authorizer::check_authorizer;
    use vc_issue::testing::ConformanceError;

    fn accepted() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
        headers
    }

    #[tokio::test]
    async fn bearer_tokens_pass() {
        check_authorizer(&BearerTokens::new(["s3cret"]), &accepted())
            .await
            .unwrap();
    }

    /// Lets everyone in.
    #[derive(Debug)]
    struct OpenDoor;

    #[async_trait]
    impl Authorizer for OpenDoor {
        async fn authorize(&self, _: &HeaderMap) -> Result<Principal, Unauthorized> {
            Ok(Principal::any_instance())
        }
    }

    #[tokio::test]
    async fn an_authorizer_that_lets_everyone_in_is_caught() {
        let error = check_authorizer(&OpenDoor, &accepted()).await.unwrap_err();
        assert!(
            matches!(&error, ConformanceError::Contract { check, .. } if check.contains("without credentials")),
            "{error}"
        );
    }
}

#[cfg(feature = "sd-jwt")]
mod status_list_token {
    use async_trait::async_trait;
    use vc_issue::sd_jwt::{StaticStatusListTokens, StatusListTokenLoader};
    use vc_issue::testing::status_list_token::check_status_list_token_loader;
    use vc_issue::testing::ConformanceError;
    use vc_issue::{HostError, HostErrorKind};

    const URI: &str = "https://issuer.example/statuslists/revocation-1";
    const OTHER: &str = "https://issuer.example/statuslists/revocation-2";
    const TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6InN0YXR1c2xpc3Qrand0In0.e30.c2ln";

    #[tokio::test]
    async fn the_shipped_loader_passes() {
        let loader = StaticStatusListTokens::new()
            .with(URI, TOKEN)
            .with(OTHER, "another");
        check_status_list_token_loader(&loader, URI, TOKEN, "https://issuer.example/none")
            .await
            .unwrap();
        // Held as the verifier holds it.
        let shared: std::sync::Arc<dyn StatusListTokenLoader> = std::sync::Arc::new(loader);
        check_status_list_token_loader(
            shared.as_ref(),
            OTHER,
            "another",
            URI.trim_end_matches('1'),
        )
        .await
        .unwrap();
    }

    /// Serves its one token whatever the uri; or says Unavailable for what it does not hold;
    /// or trims what it serves.
    #[derive(Debug)]
    enum Broken {
        AnyUri,
        MissIsUnavailable,
        Trims,
    }

    #[async_trait]
    impl StatusListTokenLoader for Broken {
        async fn load(&self, uri: &str) -> Result<String, HostError> {
            match self {
                Broken::AnyUri => Ok(TOKEN.into()),
                Broken::MissIsUnavailable if uri == URI => Ok(TOKEN.into()),
                Broken::MissIsUnavailable => Err(HostError::new(HostErrorKind::Unavailable)),
                Broken::Trims => Ok(TOKEN[..TOKEN.len() - 1].into()),
            }
        }
    }

    #[tokio::test]
    async fn loaders_that_break_the_contract_are_caught() {
        for (loader, expected) in [
            (Broken::AnyUri, "NotFound"),
            (Broken::MissIsUnavailable, "NotFound"),
            (Broken::Trims, "unchanged"),
        ] {
            let error = check_status_list_token_loader(&loader, URI, TOKEN, OTHER)
                .await
                .unwrap_err();
            assert!(
                matches!(&error, ConformanceError::Contract { check, .. } if check.contains(expected)),
                "{loader:?}: {error}"
            );
        }
    }
}
