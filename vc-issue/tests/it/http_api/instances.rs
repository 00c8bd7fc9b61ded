//! Issuer instances (tenants) over loopback: `/issuers/{instance}/...` with their own DID, keys,
//! suites, status lists and status records, tokens limited to instances, and the VC API's
//! `options` (suite selection in the common forms, `created`, `challenge`, `domain`,
//! `mandatoryPointers`).

use std::sync::Arc;

use serde_json::{json, Value};
use vc_core::Credential;
use vc_issue::http::{BearerTokens, InstanceId, IssuerInstance, ServeLimits, VcApi};
use vc_issue::{
    CredentialVerifier, Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore,
    InMemorySchemaRegistry, Issuer, P256Signer, ProofType, Signer,
};
use vc_status::StatusRegistry;

use crate::http_api::server::{
    json_of, listen, membership_schema, post_bearer, serve, verify_with, TOKEN,
};

const UNIVERSITY_TOKEN: &str = "token-of-the-university";

struct Tenants {
    base: String,
    client: reqwest::Client,
    dids: Arc<InMemoryDidRegistry>,
    university: Arc<Ed25519Signer>,
    clinic: Arc<P256Signer>,
    holder: String,
}

/// An issuer over `key`, with its own status registry on the shared `store`, lists served at
/// `/issuers/{name}/status-lists/{list}`.
fn issuer_for(
    name: &str,
    base: &str,
    key: Arc<dyn Signer>,
    vm: vc_core::DidUrl,
    did: &str,
    dids: &Arc<InMemoryDidRegistry>,
    store: &Arc<vc_status::store::MemoryStore>,
) -> Issuer {
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(vm, key);
    let registry = StatusRegistry::builder()
        .store(store.clone())
        .list_url_template(format!("{base}/issuers/{name}/status-lists/{{list}}"))
        .issuer(did)
        .namespace(name)
        .build()
        .unwrap();
    Issuer::builder()
        .resolver(dids.clone())
        .schemas({
            let schemas = InMemorySchemaRegistry::new();
            schemas.insert(membership_schema());
            Arc::new(schemas)
        })
        .keys(keys)
        .status_registry(Arc::new(registry))
        .build()
        .unwrap()
}

/// Two tenants sharing one status store: `university` (Ed25519, eddsa-rdfc-2022 by default, any
/// suite) and `clinic` (P-256, ecdsa-rdfc-2019 only), and the default instance (the university's
/// issuer, no DID restriction).
async fn tenants() -> Tenants {
    let (listener, base) = listen().await;
    let dids = Arc::new(InMemoryDidRegistry::new());
    let store = Arc::new(vc_status::store::MemoryStore::new());
    let university = Arc::new(Ed25519Signer::generate());
    let clinic = Arc::new(P256Signer::generate());
    let university_issuer = issuer_for(
        "university",
        &base,
        university.clone(),
        university.verification_method_id(),
        university.did().as_str(),
        &dids,
        &store,
    );
    let clinic_issuer = issuer_for(
        "clinic",
        &base,
        clinic.clone(),
        clinic.verification_method_id(),
        clinic.did().as_str(),
        &dids,
        &store,
    );
    let id = |name: &str| InstanceId::new(name).unwrap();
    let api = VcApi::builder()
        .issuer(university_issuer.clone())
        .authorizer(Arc::new(
            BearerTokens::new([TOKEN]).with_token_for(UNIVERSITY_TOKEN, [id("university")]),
        ))
        .instance(
            IssuerInstance::builder(id("university"), university_issuer)
                .did(university.did())
                .build()
                .unwrap(),
        )
        .instance(
            IssuerInstance::builder(id("clinic"), clinic_issuer)
                .did(clinic.did())
                .default_suite(ProofType::EcdsaRdfc2019)
                .allow([ProofType::EcdsaRdfc2019])
                .build()
                .unwrap(),
        )
        .base_url(base.clone())
        .build()
        .unwrap();
    serve(listener, api.router(), ServeLimits::default());
    Tenants {
        base,
        client: reqwest::Client::new(),
        dids,
        university,
        clinic,
        holder: Ed25519Signer::generate().did().to_string(),
    }
}

impl Tenants {
    async fn post_as(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        json_of(post_bearer(&self.client, url, token, body).await).await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_as(TOKEN, path, body).await
    }

    fn credential(&self, issuer: &str) -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential", "ExampleAlumniCredential"],
            "issuer": issuer,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {"id": self.holder, "alumniOf": "Example University"}
        })
    }

    async fn verify(&self, vc: &Value) -> Credential {
        verify_with(&self.dids, vc).await
    }
}

fn code(reply: &Value) -> &str {
    reply["code"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_instance_signs_as_its_own_did_with_its_own_default_and_allowed_suites() {
    let t = tenants().await;
    let university = t.university.did().to_string();
    let clinic = t.clinic.did().to_string();
    let issue = |instance: &str| format!("/issuers/{instance}/credentials/issue");

    let (status, reply) = t
        .post(
            &issue("university"),
            &json!({"credential": t.credential(&university)}),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    let vc = &reply["verifiableCredential"];
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    t.verify(vc).await;

    let (status, reply) = t
        .post(
            &issue("clinic"),
            &json!({"credential": t.credential(&clinic)}),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    let vc = &reply["verifiableCredential"];
    assert_eq!(vc["proof"]["cryptosuite"], "ecdsa-rdfc-2019");
    t.verify(vc).await;

    // A suite the clinic does not allow, in each form a client may name it.
    for options in [
        json!({"cryptosuite": "eddsa-rdfc-2022"}),
        json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}),
        json!({"proofType": "eddsa-rdfc-2022"}),
        json!({"type": "Ed25519Signature2020"}),
    ] {
        let body = json!({"credential": t.credential(&clinic), "options": options});
        let (status, reply) = t.post(&issue("clinic"), &body).await;
        assert_eq!(
            (status, code(&reply)),
            (400, "SUITE_NOT_ALLOWED"),
            "{options}"
        );
    }
    // Another instance's DID, on either side.
    for (instance, issuer, pointer) in [
        ("clinic", &university, "/credential/issuer"),
        ("university", &clinic, "/credential/issuer"),
    ] {
        let (status, reply) = t
            .post(
                &issue(instance),
                &json!({"credential": t.credential(issuer)}),
            )
            .await;
        assert_eq!(
            (status, code(&reply), reply["details"]["pointer"].as_str()),
            (403, "INSTANCE_ISSUER_MISMATCH", Some(pointer)),
            "{reply}"
        );
    }
    // The default instance (bare routes) keeps its old behaviour.
    let (status, reply) = t
        .post(
            "/credentials/issue",
            &json!({"credential": t.credential(&university)}),
        )
        .await;
    assert_eq!(status, 201, "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_limited_to_one_instance_is_403_everywhere_else() {
    let t = tenants().await;
    let university = t.university.did().to_string();
    let body = json!({"credential": t.credential(&university)});
    let (status, reply) = t
        .post_as(
            UNIVERSITY_TOKEN,
            "/issuers/university/credentials/issue",
            &body,
        )
        .await;
    assert_eq!(status, 201, "{reply}");
    let status_body = json!({"credentialId": "urn:x", "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}, "status": true});
    for (path, body) in [
        ("/issuers/clinic/credentials/issue", &body),
        ("/credentials/issue", &body),
        ("/issuers/no-such-instance/credentials/issue", &body),
        ("/issuers/clinic/credentials/status", &status_body),
        ("/credentials/status", &status_body),
    ] {
        let (status, reply) = t.post_as(UNIVERSITY_TOKEN, path, body).await;
        assert_eq!(
            (status, code(&reply)),
            (403, "INSTANCE_FORBIDDEN"),
            "{path}"
        );
    }
    // A token for every instance learns that an instance does not exist; a wrong token nothing.
    let (status, reply) = t
        .post("/issuers/no-such-instance/credentials/issue", &body)
        .await;
    assert_eq!((status, code(&reply)), (404, "INSTANCE_NOT_FOUND"));
    for path in [
        "/issuers/bad%20name/credentials/issue",
        &format!("/issuers/{}/credentials/issue", "x".repeat(65)),
    ] {
        let (status, reply) = t.post(path, &body).await;
        assert_eq!(
            (status, code(&reply)),
            (404, "INSTANCE_NOT_FOUND"),
            "{path}"
        );
    }
    let (status, reply) = t
        .post_as("wrong", "/issuers/university/credentials/issue", &body)
        .await;
    assert_eq!((status, code(&reply)), (401, "UNAUTHORIZED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_lists_and_status_records_belong_to_one_instance() {
    let t = tenants().await;
    let university = t.university.did().to_string();
    let mut credential = t.credential(&university);
    credential["id"] = json!("urn:uuid:1c6e4d0a-1111-4b7a-9d1e-2b8c0f6a7e01");
    let body = json!({"credential": credential, "options": {
        "credentialStatus": {"type": "BitstringStatusListEntry"}}});
    let (status, reply) = t.post("/issuers/university/credentials/issue", &body).await;
    assert_eq!(status, 201, "{reply}");
    let entry = reply["verifiableCredential"]["credentialStatus"].clone();
    let list_url = entry["statusListCredential"].as_str().unwrap().to_owned();
    assert!(
        list_url.starts_with(&format!("{}/issuers/university/status-lists/", t.base)),
        "{list_url}"
    );
    // The list is served by its instance, signed as its DID.
    let list = t.client.get(&list_url).send().await.unwrap();
    let (status, list) = json_of(list).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["issuer"], university.as_str());
    t.verify(&list).await;
    // The clinic shares the store but not the list: not served, not changed.
    let list_id = list_url.rsplit('/').next().unwrap();
    let elsewhere = format!("{}/issuers/clinic/status-lists/{list_id}", t.base);
    let (status, reply) = json_of(t.client.get(&elsewhere).send().await.unwrap()).await;
    assert_eq!((status, code(&reply)), (404, "STATUS_LIST_NOT_FOUND"));
    let mut full = entry.clone();
    full["status"] = json!(true);
    let change = json!({"credentialStatus": full});
    let (status, reply) = t.post("/issuers/clinic/credentials/status", &change).await;
    assert_eq!(
        (status, code(&reply)),
        (404, "STATUS_LIST_FOREIGN"),
        "{reply}"
    );
    // The clinic keeps no record of the university's credential ids.
    let by_id = json!({"credentialId": "urn:uuid:1c6e4d0a-1111-4b7a-9d1e-2b8c0f6a7e01",
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        "status": true});
    let (status, reply) = t.post("/issuers/clinic/credentials/status", &by_id).await;
    assert_eq!(
        (status, code(&reply)),
        (404, "CREDENTIAL_NOT_FOUND"),
        "{reply}"
    );
    // Its own instance revokes it.
    let (status, reply) = t
        .post("/issuers/university/credentials/status", &by_id)
        .await;
    assert_eq!(status, 200, "{reply}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_choose_the_suite_and_the_proof_properties() {
    let t = tenants().await;
    let university = t.university.did().to_string();
    let issue = "/issuers/university/credentials/issue";
    for (options, cryptosuite, type_) in [
        (
            json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}),
            Some("eddsa-jcs-2022"),
            "DataIntegrityProof",
        ),
        (
            json!({"cryptosuite": "eddsa-jcs-2022"}),
            Some("eddsa-jcs-2022"),
            "DataIntegrityProof",
        ),
        (
            json!({"type": "DataIntegrityProof"}),
            Some("eddsa-rdfc-2022"),
            "DataIntegrityProof",
        ),
        (
            json!({"type": "Ed25519Signature2020"}),
            None,
            "Ed25519Signature2020",
        ),
        (
            json!({"proofType": "eddsa-jcs-2022", "cryptosuite": "eddsa-jcs-2022"}),
            Some("eddsa-jcs-2022"),
            "DataIntegrityProof",
        ),
    ] {
        let body = json!({"credential": t.credential(&university), "options": options});
        let (status, reply) = t.post(issue, &body).await;
        assert_eq!(status, 201, "{options}: {reply}");
        let proof = &reply["verifiableCredential"]["proof"];
        assert_eq!(proof["cryptosuite"].as_str(), cryptosuite, "{options}");
        assert_eq!(proof["type"], type_, "{options}");
        t.verify(&reply["verifiableCredential"]).await;
    }
    // created, challenge and domain go into the proof, and are signed.
    let body = json!({"credential": t.credential(&university), "options": {
        "cryptosuite": "eddsa-rdfc-2022", "created": "2024-06-01T00:00:00Z",
        "challenge": "c-123", "domain": "verifier.example"}});
    let (status, reply) = t.post(issue, &body).await;
    assert_eq!(status, 201, "{reply}");
    let vc = &reply["verifiableCredential"];
    assert_eq!(vc["proof"]["created"], "2024-06-01T00:00:00Z");
    assert_eq!(vc["proof"]["challenge"], "c-123");
    assert_eq!(vc["proof"]["domain"], "verifier.example");
    t.verify(vc).await;
    let mut tampered = vc.clone();
    tampered["proof"]["challenge"] = json!("c-124");
    let credential = Credential::from_value(tampered).unwrap();
    assert!(CredentialVerifier::new(t.dids.clone())
        .verify(&credential)
        .await
        .is_err());

    for (options, status, expected, pointer) in [
        (
            json!({"proofType": "eddsa-jcs-2022", "cryptosuite": "eddsa-rdfc-2022"}),
            400,
            "INVALID_REQUEST",
            "/options/proofType",
        ),
        (
            json!({"type": "Ed25519Signature2020", "cryptosuite": "eddsa-rdfc-2022"}),
            400,
            "INVALID_REQUEST",
            "/options/type",
        ),
        (
            json!({"created": "yesterday"}),
            400,
            "INVALID_DATETIME",
            "/options/created",
        ),
        (
            json!({"proofPurpose": "authentication"}),
            400,
            "UNSUPPORTED_OPTION",
            "/options/proofPurpose",
        ),
        (
            json!({"mandatoryPointers": ["/issuer"]}),
            400,
            "UNSUPPORTED_OPTION",
            "/options/mandatoryPointers",
        ),
        (
            json!({"cryptosuite": "bogus-2099"}),
            400,
            "UNSUPPORTED_PROOF_TYPE",
            "",
        ),
    ] {
        let body = json!({"credential": t.credential(&university), "options": options});
        let (got, reply) = t.post(issue, &body).await;
        assert_eq!(
            (got, code(&reply)),
            (status, expected),
            "{options}: {reply}"
        );
        if !pointer.is_empty() {
            assert_eq!(reply["details"]["pointer"], pointer, "{options}");
        }
    }
}

/// A default instance over `key` (suite `suite`), and the credential it issues through the VC API
/// with `mandatoryPointers: [/issuer, /credentialSubject/alumniOf]`, checked by the verifier.
async fn issued_with_mandatory_pointers(
    key: Arc<dyn Signer>,
    did: vc_core::Did,
    vm: vc_core::DidUrl,
    suite: ProofType,
) -> (Credential, CredentialVerifier) {
    let (listener, base) = listen().await;
    let dids = Arc::new(InMemoryDidRegistry::new());
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(vm, key);
    let issuer = Issuer::builder()
        .resolver(dids.clone())
        .schemas(Arc::new(InMemorySchemaRegistry::new()))
        .keys(keys)
        .build()
        .unwrap();
    let instance = IssuerInstance::builder(InstanceId::new("sd").unwrap(), issuer)
        .did(did.clone())
        .default_suite(suite.clone())
        .build()
        .unwrap();
    let api = VcApi::builder()
        .default_instance(instance)
        .authorizer(Arc::new(BearerTokens::new([TOKEN])))
        .build()
        .unwrap();
    serve(listener, api.router(), ServeLimits::default());
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": did.to_string(),
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"alumniOf": "Example University", "name": "Jayden Doe"}
    });
    let body = json!({"credential": credential, "options": {
        "mandatoryPointers": ["/issuer", "/credentialSubject/alumniOf"]}});
    let response = reqwest::Client::new()
        .post(format!("{base}/credentials/issue"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, reply) = json_of(response).await;
    assert_eq!(status, 201, "{reply}");
    assert_eq!(
        reply["verifiableCredential"]["proof"]["cryptosuite"],
        suite.as_str()
    );
    let base_vc = Credential::from_value(reply["verifiableCredential"].clone()).unwrap();
    let verifier = CredentialVerifier::new(dids);
    verifier.verify(&base_vc).await.unwrap();
    (base_vc, verifier)
}

/// `bbs-2023` through the VC API with the caller's mandatory pointers: what they name is revealed
/// in every derivation, the rest only when the holder chooses.
#[cfg(feature = "bbs")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bbs_2023_takes_mandatory_pointers_from_the_options() {
    use vc_issue::crypto::suites::bbs::derive_proof;
    let bls = Arc::new(vc_issue::Bls12381G2Signer::generate());
    let (base_vc, verifier) = issued_with_mandatory_pointers(
        bls.clone(),
        bls.did(),
        bls.verification_method_id(),
        ProofType::Bbs2023,
    )
    .await;
    // Revealing nothing selectively still reveals the mandatory claim, and only it.
    let derived = derive_proof(&base_vc, &[], b"").unwrap();
    let revealed = derived.to_value().unwrap();
    assert_eq!(
        revealed["credentialSubject"],
        json!({"alumniOf": "Example University"})
    );
    verifier.verify(&derived).await.unwrap();
}

/// `ecdsa-sd-2023` likewise.
#[cfg(feature = "rdfc")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecdsa_sd_2023_takes_mandatory_pointers_from_the_options() {
    use vc_issue::crypto::suites::ecdsa_sd::derive_proof;
    let p256 = Arc::new(P256Signer::generate());
    let (base_vc, verifier) = issued_with_mandatory_pointers(
        p256.clone(),
        p256.did(),
        p256.verification_method_id(),
        ProofType::EcdsaSd2023,
    )
    .await;
    let derived = derive_proof(&base_vc, &[]).unwrap();
    let revealed = derived.to_value().unwrap();
    assert_eq!(
        revealed["credentialSubject"],
        json!({"alumniOf": "Example University"})
    );
    verifier.verify(&derived).await.unwrap();
}

/// An `IssuanceRequest` that names no `proofType` is signed with the instance's default suite
/// (not the crate's); one that names a suite the instance does not allow is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuance_request_without_a_suite_gets_the_instance_default() {
    let tenants = tenants().await;
    let mut request = json!({
        "schemaId": "membership-v1",
        "issuerDid": tenants.clinic.did().to_string(),
        "holderDid": tenants.holder,
        "claims": {"level": "gold"},
    });
    let (status, reply) = tenants
        .post("/issuers/clinic/credentials/issue", &request)
        .await;
    assert_eq!(status, 201, "{reply}");
    let vc = &reply["verifiableCredential"];
    assert_eq!(vc["proof"]["cryptosuite"], "ecdsa-rdfc-2019", "{vc}");
    verify_with(&tenants.dids, vc).await;

    request["proofType"] = "eddsa-rdfc-2022".into();
    let (status, reply) = tenants
        .post("/issuers/clinic/credentials/issue", &request)
        .await;
    assert_eq!(
        (status, code(&reply)),
        (400, "SUITE_NOT_ALLOWED"),
        "{reply}"
    );
}
