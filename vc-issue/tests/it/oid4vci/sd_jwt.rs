//! `dc+sd-jwt` over OpenID4VCI (features `oid4vci` and `sd-jwt`): the metadata entry, the
//! wallet's flow ending in an SD-JWT VC that our verifier accepts with its `cnf` the proof key and
//! its Token Status List entry valid, batches, the deferred path, and hostile proofs.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use vc_issue::oid4vci::{CredentialConfiguration, CredentialFormat, OfferRequest, Oid4vciIssuer};
use vc_issue::sd_jwt::{SdJwtError, SdJwtVcVerifier, StaticStatusListTokens, VerifiedSdJwtVc};
use vc_status::{ListFormat, StatusEntry, StatusListIndex, StatusPurpose};

use super::harness::{
    error_of, json_of, start_sd_jwt, Harness, HolderKey, Proof, SD, SD_DEFERRED, SD_VCT,
};

/// `did:jwk:<the key's JWK>#0`: the proof names its key by a `did:jwk` `kid`.
fn did_jwk_kid(key: &HolderKey) -> String {
    format!(
        "did:jwk:{}#0",
        URL_SAFE_NO_PAD.encode(key.jwk().to_string())
    )
}

/// A good proof by `key` whose header names the key by a `did:jwk` `kid`.
async fn did_jwk_proof(h: &Harness, key: &HolderKey, nonce: &str) -> String {
    let header = json!({"typ": "openid4vci-proof+jwt", "alg": key.alg(), "kid": did_jwk_kid(key)});
    let claims = json!({"aud": h.base, "iat": now(), "nonce": nonce});
    key.sign(&header, &claims).await
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Verifies `sd_jwt` with our verifier, its status through the Status List Token the server
/// serves at the credential's `status.status_list.uri`.
async fn verify(h: &Harness, sd_jwt: &str) -> VerifiedSdJwtVc {
    verify_status(h, sd_jwt).await.unwrap()
}

async fn verify_status(h: &Harness, sd_jwt: &str) -> Result<VerifiedSdJwtVc, SdJwtError> {
    let payload = sd_jwt.split('.').nth(1).unwrap();
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let uri = payload["status"]["status_list"]["uri"].as_str().unwrap();
    assert!(uri.starts_with(&h.url("/statuslists/")), "{uri}");
    let response = h.client.get(uri).send().await.unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/statuslist+jwt"
    );
    let token = response.text().await.unwrap();
    SdJwtVcVerifier::new()
        .status_lists(Arc::new(StaticStatusListTokens::new().with(uri, token)))
        .verify(sd_jwt)
        .await
}

fn sd_jwts(body: &Value) -> Vec<String> {
    body["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["credential"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metadata_announces_the_vct_binding_and_claims() {
    let h = start_sd_jwt().await;
    let response = h
        .client
        .get(h.url("/.well-known/openid-credential-issuer"))
        .send()
        .await
        .unwrap();
    let (status, md) = json_of(response).await;
    assert_eq!(status, 200, "{md}");
    let sd = &md["credential_configurations_supported"][SD];
    assert_eq!(sd["format"], "dc+sd-jwt");
    assert_eq!(sd["vct"], SD_VCT);
    assert!(sd.get("credential_definition").is_none());
    assert_eq!(
        sd["credential_signing_alg_values_supported"],
        json!(["EdDSA"])
    );
    assert_eq!(
        sd["cryptographic_binding_methods_supported"],
        json!(["jwk"])
    );
    assert_eq!(
        sd["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
        json!(["ES256", "ES384", "EdDSA"])
    );
    assert_eq!(
        sd["credential_metadata"]["claims"],
        json!([
            {"path": ["degree"], "mandatory": true},
            {"path": ["degree", "type"], "mandatory": true},
            {"path": ["degree", "name"], "mandatory": true},
            {"path": ["gpa"]},
        ])
    );
    assert!(sd["credential_metadata"]["display"][0]["name"].is_string());
    // The W3C formats keep their definition and their DID binding.
    let ldp = &md["credential_configurations_supported"][super::harness::LDP];
    assert_eq!(
        ldp["cryptographic_binding_methods_supported"],
        json!(["jwk", "did:key"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_receives_an_sd_jwt_vc_bound_to_its_proof_key_with_a_valid_status() {
    let h = start_sd_jwt().await;
    for (key, by_did_jwk) in [
        (HolderKey::ed25519(), false),
        (HolderKey::p256(), false),
        (HolderKey::p384(), true),
    ] {
        let (code, tx) = h.offer(SD, true).await;
        let (status, token) = h.token(&code, tx.as_deref()).await;
        assert_eq!(status, 200, "{token}");
        let access = token["access_token"].as_str().unwrap();
        let nonce = h.nonce().await;
        let proof = if by_did_jwk {
            did_jwk_proof(&h, &key, &nonce).await
        } else {
            Proof::new(&key, &h.base, &nonce).jwt().await
        };
        let request = json!({"credential_configuration_id": SD, "proofs": {"jwt": [proof]}});
        let (status, body) = h.credential(access, &request).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["notification_id"].is_string());
        let issued = sd_jwts(&body);
        assert_eq!(issued.len(), 1);

        let verified = verify(&h, &issued[0]).await;
        assert_eq!(verified.header["typ"], "dc+sd-jwt");
        assert_eq!(verified.claims["iss"], h.issuer_key.did().as_str());
        assert_eq!(verified.claims["vct"], SD_VCT);
        assert_eq!(
            verified.claims["cnf"],
            json!({"jwk": key.jwk()}),
            "cnf is the proof key"
        );
        assert_eq!(verified.status, Some(0), "valid in the Token Status List");
        // The schema's disclosable claims came as disclosures, the rest in the clear.
        assert_eq!(
            verified.claims["degree"]["name"],
            "Bachelor of Science and Arts"
        );
        assert_eq!(verified.claims["gpa"], 3.7);
        assert_eq!(verified.disclosed.len(), 2, "{:?}", verified.disclosed);
        assert!(issued[0].split('.').nth(1).is_some_and(|p| {
            let p = URL_SAFE_NO_PAD.decode(p).unwrap();
            !String::from_utf8_lossy(&p).contains("Science and Arts")
        }));

        // Revoked in the issuer's Token Status List, the credential no longer verifies.
        let reference = &verified.claims["status"]["status_list"];
        let format = ListFormat::TokenStatusList;
        let entry = StatusEntry::new(
            format,
            StatusPurpose::Revocation,
            StatusListIndex::new(reference["idx"].as_u64().unwrap()),
            reference["uri"].as_str().unwrap(),
            format.status_size(StatusPurpose::Revocation),
            None,
        )
        .unwrap();
        h.token_registry
            .as_ref()
            .unwrap()
            .revoke(&entry)
            .await
            .unwrap();
        let refused = verify_status(&h, &issued[0]).await.unwrap_err();
        assert_eq!(refused.code(), "SD_JWT_REVOKED");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_binds_each_sd_jwt_vc_to_its_own_key_and_status_entry() {
    let h = start_sd_jwt().await;
    let access = h.access_token(SD).await;
    let keys = [HolderKey::ed25519(), HolderKey::p256(), HolderKey::p384()];
    let nonce = h.nonce().await;
    let mut proofs = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        proofs.push(match i {
            2 => did_jwk_proof(&h, key, &nonce).await,
            _ => Proof::new(key, &h.base, &nonce).jwt().await,
        });
    }
    let request = json!({"credential_configuration_id": SD, "proofs": {"jwt": proofs}});
    let (status, body) = h.credential(&access, &request).await;
    assert_eq!(status, 200, "{body}");
    let issued = sd_jwts(&body);
    assert_eq!(issued.len(), 3);
    let mut indexes = std::collections::BTreeSet::new();
    for (sd_jwt, key) in issued.iter().zip(&keys) {
        let verified = verify(&h, sd_jwt).await;
        assert_eq!(verified.claims["cnf"]["jwk"], key.jwk());
        assert_eq!(verified.status, Some(0));
        indexes.insert(
            verified.claims["status"]["status_list"]["idx"]
                .as_u64()
                .unwrap(),
        );
    }
    assert_eq!(indexes.len(), 3, "one status entry per credential");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_sd_jwt_vc_keeps_the_proof_key_through_the_queue() {
    let h = start_sd_jwt().await;
    let access = h.access_token(SD_DEFERRED).await;
    let key = HolderKey::p256();
    let (status, body) = h
        .credential(&access, &h.request_with(&key, SD_DEFERRED).await)
        .await;
    assert_eq!(status, 202, "{body}");
    let transaction = json!({"transaction_id": body["transaction_id"]});
    let tickets = h.tickets.all();
    assert_eq!(tickets.len(), 1);
    h.queue
        .approve(&tickets[0], "registrar@university.example", None)
        .await
        .unwrap();
    h.queue.worker("w").run_until_idle(4).await.unwrap();
    let (status, issued) = h
        .post_bearer("/oid4vci/deferred_credential", &access, &transaction)
        .await;
    assert_eq!(status, 200, "{issued}");
    let sd_jwt = sd_jwts(&issued).remove(0);
    // Not revocable: no status, so verified without a status list.
    let verified = SdJwtVcVerifier::new().verify(&sd_jwt).await.unwrap();
    assert_eq!(verified.claims["cnf"]["jwk"], key.jwk());
    assert!(verified.claims.get("status").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_proofs_are_refused_and_cost_no_credential() {
    let h = start_sd_jwt().await;
    let access = h.access_token(SD).await;
    let key = HolderKey::ed25519();
    let request =
        |proofs: Vec<String>| json!({"credential_configuration_id": SD, "proofs": {"jwt": proofs}});
    let garbage_signature = URL_SAFE_NO_PAD.encode([7u8; 64]);
    let unsigned = |header: Value, nonce: &str| {
        let claims = json!({"aud": h.base, "iat": now(), "nonce": nonce});
        format!(
            "{}.{}.{garbage_signature}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    };

    // Key types no cnf of ours takes: secp256k1 and RSA.
    let nonce = h.nonce().await;
    let secp256k1 = json!({"kty": "EC", "crv": "secp256k1",
        "x": URL_SAFE_NO_PAD.encode([1u8; 32]), "y": URL_SAFE_NO_PAD.encode([2u8; 32])});
    let rsa = json!({"kty": "RSA", "n": URL_SAFE_NO_PAD.encode([3u8; 256]), "e": "AQAB"});
    for (alg, jwk) in [("ES256K", secp256k1), ("RS256", rsa)] {
        let header = json!({"typ": "openid4vci-proof+jwt", "alg": alg, "jwk": jwk});
        let answer = h
            .credential(&access, &request(vec![unsigned(header, &nonce)]))
            .await;
        assert_eq!(error_of(answer), (400, "invalid_proof".into()), "{alg}");
    }
    // An Ed25519 key under ES256: the algorithm does not fit the key.
    let header = json!({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": key.jwk()});
    let claims = json!({"aud": h.base, "iat": now(), "nonce": nonce});
    let mismatched = key.sign(&header, &claims).await;
    let answer = h.credential(&access, &request(vec![mismatched])).await;
    assert_eq!(error_of(answer), (400, "invalid_proof".into()));
    // No key at all, and a private key in the header.
    let header = json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA"});
    let keyless = key.sign(&header, &claims).await;
    let answer = h.credential(&access, &request(vec![keyless])).await;
    assert_eq!(error_of(answer), (400, "invalid_proof".into()));
    let mut private = key.jwk();
    private["d"] = json!(URL_SAFE_NO_PAD.encode([9u8; 32]));
    let header = json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "jwk": private});
    let leaked = key.sign(&header, &claims).await;
    let answer = h.credential(&access, &request(vec![leaked])).await;
    assert_eq!(error_of(answer), (400, "invalid_proof".into()));
    // A batch signed twice by one key, and one past the batch size (3).
    let twice = Proof::new(&key, &h.base, &nonce).jwt().await;
    let answer = h
        .credential(&access, &request(vec![twice.clone(), twice]))
        .await;
    assert_eq!(error_of(answer), (400, "invalid_proof".into()));
    let mut four = Vec::new();
    for _ in 0..4 {
        four.push(
            Proof::new(&HolderKey::ed25519(), &h.base, &nonce)
                .jwt()
                .await,
        );
    }
    let answer = h.credential(&access, &request(four)).await;
    assert_eq!(error_of(answer), (400, "invalid_credential_request".into()));

    // None of that used the nonce or the access token: a good proof with them works, once.
    let good = Proof::new(&key, &h.base, &nonce).jwt().await;
    let (status, body) = h.credential(&access, &request(vec![good])).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        verify(&h, &sd_jwts(&body)[0]).await.claims["cnf"]["jwk"],
        key.jwk()
    );

    // The nonce was used: replayed under a new access token, it is refused.
    let other = h.access_token(SD).await;
    let replayed = Proof::new(&HolderKey::p256(), &h.base, &nonce).jwt().await;
    let answer = h.credential(&other, &request(vec![replayed])).await;
    assert_eq!(error_of(answer), (400, "invalid_nonce".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offer_whose_claims_no_sd_jwt_vc_can_carry_is_refused_at_once() {
    let h = start_sd_jwt().await;
    let mut claims = super::harness::claims();
    claims.insert("vct".into(), json!("https://elsewhere.example/vct"));
    // A W3C credential takes the claim; an SD-JWT VC sets `vct` itself.
    h.oid4vci
        .create_offer(OfferRequest::new().credential(super::harness::LDP, claims.clone()))
        .await
        .unwrap();
    let refused = h
        .oid4vci
        .create_offer(OfferRequest::new().credential(SD, claims))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "INVALID_REQUEST", "{refused}");
}

#[tokio::test]
async fn a_revocable_dc_sd_jwt_configuration_needs_a_token_status_list() {
    let key = Arc::new(vc_issue::Ed25519Signer::from_seed(&[5; 32]));
    let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
    keys.insert(key.verification_method_id(), key.clone());
    let schemas = Arc::new(vc_issue::InMemorySchemaRegistry::new());
    schemas.insert(crate::fixtures::degree_schema());
    let issuer = vc_issue::Issuer::builder()
        .resolver(Arc::new(vc_issue::InMemoryDidRegistry::new()))
        .schemas(schemas)
        .keys(keys)
        .build()
        .unwrap();
    let build = |revocable: bool| {
        Oid4vciIssuer::builder()
            .issuer(issuer.clone())
            .issuer_did(key.did())
            .credential_issuer("https://university.example")
            .configuration(
                CredentialConfiguration::new(
                    "sd",
                    "university-degree-v1",
                    CredentialFormat::DcSdJwt,
                )
                .revocable(revocable),
            )
            .build()
    };
    let refused = build(true).unwrap_err();
    assert_eq!(refused.code(), "OID4VCI_CONFIGURATION", "{refused}");
    build(false).unwrap();
}
