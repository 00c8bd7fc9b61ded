//! Over loopback HTTP: Token Status List tokens (`application/statuslist+jwt`, re-signed only after
//! a status change made through `POST /credentials/status`), the JWT VC Issuer Metadata, and
//! hostile requests to both.

use std::sync::Arc;

use serde_json::{json, Value};
use vc_issue::http::{BearerTokens, VcApi};
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::sd_jwt::{SdJwtVcVerifier, StaticStatusListTokens};
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry, IssuanceRequest,
    Issuer, ProofType, Signer,
};
use vc_status::store::MemoryStore;
use vc_status::{ListFormat, StatusRegistry};

use crate::fixtures::degree_schema;
use crate::http_api::server::{listen, serve};

const TOKEN: &str = "sd-jwt-http-token";

struct Api {
    base: String,
    issuer: Issuer,
    key: Arc<Ed25519Signer>,
    client: reqwest::Client,
}

async fn start() -> Api {
    let (listener, base) = listen().await;
    let key = Arc::new(Ed25519Signer::from_seed(&[21; 32]));
    let keys = Arc::new(InMemoryKeyStore::new());
    keys.insert(key.verification_method_id(), key.clone());
    let schemas = Arc::new(InMemorySchemaRegistry::new());
    schemas.insert(degree_schema().with_sd_jwt_vc(SdJwtVcConfig::new(
        "https://university.example/vct/degree",
        vec!["/gpa".into()],
    )));
    let tokens = Arc::new(
        StatusRegistry::builder()
            .store(Arc::new(MemoryStore::new()))
            .list_url_template(format!("{base}/statuslists/{{list}}"))
            .issuer(key.did().as_str())
            .format(ListFormat::TokenStatusList)
            .build()
            .unwrap(),
    );
    let issuer = Issuer::builder()
        .resolver(Arc::new(InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys)
        .token_status_registry(tokens)
        .build()
        .unwrap();
    let api = VcApi::builder()
        .issuer(issuer.clone())
        .authorizer(Arc::new(BearerTokens::new([TOKEN])))
        .base_url(base.clone())
        .jwt_vc_issuer(key.did())
        .build()
        .unwrap();
    serve(listener, api.router(), Default::default());
    Api {
        base,
        issuer,
        key,
        client: reqwest::Client::new(),
    }
}

impl Api {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn token(&self, uri: &str) -> String {
        let response = self.client.get(uri).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "application/statuslist+jwt"
        );
        response.text().await.unwrap()
    }

    async fn set_status(&self, entry: &Value, set: bool) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/credentials/status", self.base))
            .bearer_auth(TOKEN)
            .json(&json!({"credentialStatus": entry, "status": set}))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn status_list_tokens_are_served_cached_and_follow_revocation() {
    let api = start().await;
    let holder = Ed25519Signer::from_seed(&[22; 32]).did();
    let mut claims = crate::fixtures::degree_claims();
    claims.insert("gpa".into(), json!(3.1));
    let response = api
        .issuer
        .issue(
            IssuanceRequest::new("university-degree-v1", api.key.did(), holder, claims)
                .with_proof_type(ProofType::DcSdJwt)
                .revocable(true),
        )
        .await
        .unwrap();
    let sd_jwt = response.credential.as_jwt().unwrap().to_owned();
    let entry = response.credential_status.unwrap();
    let uri = entry["statusListCredential"].as_str().unwrap().to_owned();
    assert!(uri.starts_with(&format!("{}/statuslists/", api.base)));

    let first = api.token(&uri).await;
    assert_eq!(
        api.token(&uri).await,
        first,
        "one signature per list version"
    );
    let verify = |token: String| {
        let uri = uri.clone();
        let sd_jwt = sd_jwt.clone();
        async move {
            SdJwtVcVerifier::new()
                .status_lists(Arc::new(StaticStatusListTokens::new().with(uri, token)))
                .verify(&sd_jwt)
                .await
        }
    };
    assert_eq!(verify(first.clone()).await.unwrap().status, Some(0));

    // Revoke through the VC API status endpoint, with the entry as issued.
    let (status, body) = api.set_status(&entry, true).await;
    assert_eq!(status, 200, "{body}");
    let revoked = api.token(&uri).await;
    assert_ne!(revoked, first);
    assert_eq!(verify(revoked).await.unwrap_err().code(), "SD_JWT_REVOKED");
    // Revocation is for good; repeating it changes nothing.
    assert_eq!(api.set_status(&entry, false).await.0, 409);
    assert_eq!(api.set_status(&entry, true).await.0, 200);

    // Hostile requests.
    for path in [
        "/statuslists/none-1",
        "/statuslists/..",
        "/statuslists/%2e%2e%2fstatus-lists",
        "/statuslists/a%00b",
        &format!("/statuslists/{}", "a".repeat(10_000)),
    ] {
        let response = api.get(path).await;
        assert!(
            matches!(response.status().as_u16(), 400 | 404 | 414 | 431),
            "{path}: {}",
            response.status()
        );
    }
    let response = api
        .client
        .post(&uri)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    // An entry pointing at a list of this registry's shape but an index past its end.
    let mut forged = entry.clone();
    forged["statusListIndex"] = json!("999999999");
    assert_eq!(api.set_status(&forged, true).await.0, 400);
    // Many concurrent GETs right after a change all get a valid, current token.
    let mut gets = Vec::new();
    for _ in 0..16 {
        let client = api.client.clone();
        let uri = uri.clone();
        gets.push(tokio::spawn(async move {
            client.get(&uri).send().await.unwrap().text().await.unwrap()
        }));
    }
    for get in gets {
        let token = get.await.unwrap();
        assert_eq!(verify(token).await.unwrap_err().code(), "SD_JWT_REVOKED");
    }
}

#[tokio::test]
async fn jwt_vc_issuer_metadata_publishes_the_issuers_keys() {
    let api = start().await;
    let response = api.get("/.well-known/jwt-vc-issuer").await;
    assert_eq!(response.status(), 200);
    let metadata: Value = response.json().await.unwrap();
    assert_eq!(metadata["issuer"], api.key.did().as_str());
    let keys = metadata["jwks"]["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kid"], api.key.verification_method_id().as_str());
    let key = vc_core::PublicKey::from_jwk(&keys[0]).unwrap();
    assert_eq!(&key, api.key.public_key());
    assert!(keys[0].get("d").is_none());
    let response = api
        .client
        .delete(format!("{}/.well-known/jwt-vc-issuer", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}
