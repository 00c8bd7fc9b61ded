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

impl Api {
    /// `GET uri` with `accept` (none when `None`): status, content type, `Vary`, body bytes.
    async fn negotiate(&self, uri: &str, accept: Option<&str>) -> (u16, String, String, Vec<u8>) {
        let mut request = self.client.get(uri);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = request.send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (content_type, vary) = (header("content-type"), header("vary"));
        let status = response.status().as_u16();
        (
            status,
            content_type,
            vary,
            response.bytes().await.unwrap().to_vec(),
        )
    }

    async fn cwt(&self, uri: &str) -> Vec<u8> {
        let (status, content_type, vary, body) = self
            .negotiate(uri, Some("application/statuslist+cwt"))
            .await;
        assert_eq!(status, 200);
        assert_eq!(content_type, "application/statuslist+cwt");
        assert_eq!(vary, "accept");
        body
    }
}

#[tokio::test]
async fn one_route_serves_the_status_list_token_as_jwt_or_cwt_by_accept() {
    let api = start().await;
    let holder = Ed25519Signer::from_seed(&[23; 32]).did();
    let response = api
        .issuer
        .issue(
            IssuanceRequest::new(
                "university-degree-v1",
                api.key.did(),
                holder,
                crate::fixtures::degree_claims(),
            )
            .with_proof_type(ProofType::DcSdJwt)
            .revocable(true),
        )
        .await
        .unwrap();
    let entry = response.credential_status.unwrap();
    let uri = entry["statusListCredential"].as_str().unwrap().to_owned();
    let idx = response.status_list_index.unwrap();
    let verifier = SdJwtVcVerifier::new().issuer_key(
        Some(api.key.verification_method_id().as_str()),
        api.key.public_key().clone(),
    );

    // The CWT: binary, verifying with the issuer's key and kid, the entry VALID; the same
    // bytes on the next GET (signed once per list version), and the same claims as the JWT.
    let first = api.cwt(&uri).await;
    assert_eq!(first[0], 0xd2, "COSE_Sign1_Tagged, not the CWT tag");
    assert_eq!(api.cwt(&uri).await, first, "one signature per list version");
    let verified = verifier.verify_status_list_cwt(&first, &uri).unwrap();
    assert_eq!(verified.check_status(idx).unwrap(), 0);
    assert_eq!(verified.sub, uri);
    assert_eq!(verified.iss.as_deref(), Some(api.key.did().as_str()));
    let jwt = api.token(&uri).await;
    let jwt_claims: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            jwt.split('.').nth(1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(jwt_claims["iat"], verified.iat);
    assert_eq!(
        vc_status::TokenStatusList::from_value(&jwt_claims["status_list"], 1 << 24).unwrap(),
        verified.list
    );
    assert_eq!(
        api.issuer
            .status_list_token_cwt(
                &api.issuer
                    .token_status_registry()
                    .unwrap()
                    .list_id_from_url(&uri)
                    .unwrap()
            )
            .await
            .unwrap(),
        first,
        "the route serves the issuer's cached token"
    );

    // Negotiation: the JWT is the default, for no Accept, */*, a tie, or a heavier weight.
    let jwt_type = "application/statuslist+jwt";
    let cwt_type = "application/statuslist+cwt";
    for (accept, expected) in [
        (None, jwt_type),
        (Some("*/*"), jwt_type),
        (Some("application/*"), jwt_type),
        (Some(jwt_type), jwt_type),
        (
            Some("application/statuslist+cwt, application/statuslist+jwt"),
            jwt_type,
        ),
        (
            Some("application/statuslist+cwt;q=0.5, application/statuslist+jwt"),
            jwt_type,
        ),
        (
            Some("application/statuslist+cwt, application/statuslist+jwt;q=0.9"),
            cwt_type,
        ),
        (Some("application/statuslist+jwt;q=0, */*"), cwt_type),
        (Some("APPLICATION/STATUSLIST+CWT"), cwt_type),
        (
            Some("text/html, application/statuslist+cwt;q=0.1"),
            cwt_type,
        ),
    ] {
        let (status, content_type, vary, _) = api.negotiate(&uri, accept).await;
        assert_eq!(status, 200, "{accept:?}");
        assert_eq!(content_type, expected, "{accept:?}");
        assert_eq!(vary, "accept", "{accept:?}");
    }
    // Neither form acceptable: 406 in the JSON error shape.
    for accept in [
        "application/json",
        "text/*",
        "application/statuslist+jwt;q=0, application/statuslist+cwt;q=0",
        "*/*;q=0",
        "application/statuslist+cwt;q=2",
        "application/statuslist+cwt;q=abc",
        "nonsense",
    ] {
        let (status, content_type, _, body) = api.negotiate(&uri, Some(accept)).await;
        assert_eq!(status, 406, "{accept}");
        assert!(content_type.starts_with("application/json"), "{accept}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "NOT_ACCEPTABLE", "{accept}");
    }
    // An unknown list is 404 whatever the Accept.
    let (status, _, _, _) = api
        .negotiate(&format!("{}/statuslists/none-1", api.base), Some(cwt_type))
        .await;
    assert_eq!(status, 404);

    // Revoke over the VC API: the next CWT is a new signature with the entry INVALID.
    let (status, body) = api.set_status(&entry, true).await;
    assert_eq!(status, 200, "{body}");
    let revoked = api.cwt(&uri).await;
    assert_ne!(revoked, first);
    let verified = verifier.verify_status_list_cwt(&revoked, &uri).unwrap();
    assert_eq!(
        verified.check_status(idx).unwrap_err().code(),
        "SD_JWT_REVOKED"
    );
    assert_eq!(
        api.cwt(&uri).await,
        revoked,
        "cached again until the next change"
    );
    // The old token still verifies (it was signed) but says VALID: the relying party's ttl/exp
    // decide how long it may be used.
    assert_eq!(
        verifier
            .verify_status_list_cwt(&first, &uri)
            .unwrap()
            .check_status(idx)
            .unwrap(),
        0
    );
}
