//! `dc+sd-jwt`: issued through the pipeline (ES256, EdDSA), presented by the holder with a key
//! binding JWT, verified; tampered, stray and repeated disclosures; Token Status List status.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use time::macros::datetime;
use vc_core::FixedClock;
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::sd_jwt::{
    present, KeyBinding, SdJwtError, SdJwtVcVerifier, StaticStatusListTokens, VerifiedSdJwtVc,
    SALT_BYTES,
};
use vc_issue::{Ed25519Signer, IssuanceRequest, ProofType, SchemaEntry, Signer};
use vc_status::store::MemoryStore;
use vc_status::{ListFormat, StatusEntry, StatusRegistry};

use crate::fixtures::{degree_schema, Setup};

const VCT: &str = "https://university.example/vct/degree";
const NOW: time::OffsetDateTime = datetime!(2024-06-01 12:00 UTC);

fn sd_schema() -> SchemaEntry {
    degree_schema().with_sd_jwt_vc(SdJwtVcConfig::new(
        VCT,
        vec![
            "/gpa".into(),
            "/degree".into(),
            "/degree/name".into(),
            "/nationalities/*".into(),
        ],
    ))
}

fn claims() -> Map<String, Value> {
    json!({
        "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
        "gpa": 3.7,
        "nationalities": ["DE", "FR"],
        "given_name": "Erika"
    })
    .as_object()
    .unwrap()
    .clone()
}

fn holder_key() -> Ed25519Signer {
    Ed25519Signer::from_seed(&[8; 32])
}

fn setup() -> Setup {
    let setup = Setup::new();
    setup.schemas.insert(sd_schema());
    setup
}

fn request(setup: &Setup, p256: bool) -> IssuanceRequest {
    let issuer = if p256 {
        setup.p256.did()
    } else {
        setup.ed25519.did()
    };
    IssuanceRequest::new(
        "university-degree-v1",
        issuer,
        setup.holder.clone(),
        claims(),
    )
    .with_proof_type(ProofType::DcSdJwt)
}

async fn issue(setup: &Setup, request: IssuanceRequest) -> String {
    let response = setup.issuer.issue(request).await.unwrap();
    response.credential.as_jwt().unwrap().to_owned()
}

fn segment(jwt: &str, n: usize) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(n).unwrap())
            .unwrap(),
    )
    .unwrap()
}

/// `jwt` with its payload's `claim` set to `value` and its signature kept (no longer valid).
fn with_claim(jwt: &str, claim: &str, value: Value) -> String {
    let parts: Vec<&str> = jwt.split('.').collect();
    let mut payload = segment(jwt, 1);
    payload[claim] = value;
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

fn verifier() -> SdJwtVcVerifier {
    SdJwtVcVerifier::new().clock(Arc::new(FixedClock::new(NOW)))
}

/// Verifies `sd_jwt`, fetching Status List Tokens from `loader`.
async fn verify_with_tokens(
    sd_jwt: &str,
    loader: StaticStatusListTokens,
) -> Result<VerifiedSdJwtVc, SdJwtError> {
    verifier()
        .status_lists(Arc::new(loader))
        .verify(sd_jwt)
        .await
}

fn disclosures(sd_jwt: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = sd_jwt.split('~').collect();
    parts.remove(0);
    parts.pop();
    parts
}

#[tokio::test]
async fn eddsa_and_es256_sd_jwt_vcs_come_out_of_the_pipeline_and_verify() {
    let setup = setup();
    for (p256, alg) in [(false, "EdDSA"), (true, "ES256")] {
        let sd_jwt = issue(&setup, request(&setup, p256)).await;
        assert!(sd_jwt.ends_with('~'));
        let jwt = sd_jwt.split('~').next().unwrap();
        let header = segment(jwt, 0);
        assert_eq!(header["alg"], alg);
        assert_eq!(header["typ"], "dc+sd-jwt");
        let payload = segment(jwt, 1);
        let issuer = if p256 {
            setup.p256.did()
        } else {
            setup.ed25519.did()
        };
        assert_eq!(payload["iss"], issuer.as_str());
        assert_eq!(payload["iat"], NOW.unix_timestamp());
        assert_eq!(payload["vct"], VCT);
        assert_eq!(payload["_sd_alg"], "sha-256");
        assert_eq!(payload["cnf"]["jwk"]["kty"], "OKP");
        assert_eq!(
            payload["given_name"], "Erika",
            "not listed: always disclosed"
        );
        assert!(payload.get("gpa").is_none() && payload.get("degree").is_none());
        // gpa, degree, degree/name, two nationalities.
        let found = disclosures(&sd_jwt);
        assert_eq!(found.len(), 5);
        for d in &found {
            let array: Vec<Value> =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(d).unwrap()).unwrap();
            let salt = URL_SAFE_NO_PAD.decode(array[0].as_str().unwrap()).unwrap();
            assert_eq!(salt.len(), SALT_BYTES);
        }
        // Decoys: more top-level digests than top-level disclosures (gpa, degree).
        let digests = payload["_sd"].as_array().unwrap();
        assert!(digests.len() > 2 && digests.len() <= 2 + 3, "{digests:?}");
        assert!(payload["nationalities"][0]["..."].is_string());

        // The holder's DID is the subject.
        assert_eq!(payload["sub"], setup.holder.as_str());
        let verified = verifier().verify(&sd_jwt).await.unwrap();
        let mut expected = claims();
        for name in ["iss", "iat", "sub", "vct", "cnf"] {
            expected.insert(name.into(), payload[name].clone());
        }
        assert_eq!(Value::Object(verified.claims), Value::Object(expected));
    }
}

#[tokio::test]
async fn es384_sd_jwt_vcs_are_issued_with_a_p384_key_and_verify() {
    let key = Arc::new(vc_issue::P384Signer::from_bytes(&[11; 48]).unwrap());
    let setup = Setup::with(|b| b);
    let keys = Arc::new(vc_issue::InMemoryKeyStore::new());
    keys.insert(key.verification_method_id(), key.clone());
    let schemas = Arc::new(vc_issue::InMemorySchemaRegistry::new());
    schemas.insert(sd_schema());
    let issuer = vc_issue::Issuer::builder()
        .resolver(setup.dids.clone())
        .schemas(schemas)
        .keys(keys)
        .clock(Arc::new(FixedClock::new(NOW)))
        .build()
        .unwrap();
    let request = IssuanceRequest::new(
        "university-degree-v1",
        key.did(),
        setup.holder.clone(),
        claims(),
    )
    .with_proof_type(ProofType::DcSdJwt);
    let response = issuer.issue(request).await.unwrap();
    let sd_jwt = response.credential.as_jwt().unwrap();
    assert_eq!(
        segment(sd_jwt.split('~').next().unwrap(), 0)["alg"],
        "ES384"
    );
    let verified = verifier().verify(sd_jwt).await.unwrap();
    assert_eq!(verified.claims["gpa"], 3.7);
}

#[tokio::test]
async fn every_salt_and_every_issuance_differs() {
    let setup = setup();
    let a = issue(&setup, request(&setup, false)).await;
    let b = issue(&setup, request(&setup, false)).await;
    let (da, db) = (disclosures(&a), disclosures(&b));
    assert!(da.iter().all(|d| !db.contains(d)));
}

#[tokio::test]
async fn the_request_narrows_the_schemas_disclosures_and_cannot_widen_them() {
    let setup = setup();
    let narrowed = request(&setup, false).with_selectively_disclosable(vec!["/gpa".into()]);
    let sd_jwt = issue(&setup, narrowed).await;
    assert_eq!(disclosures(&sd_jwt).len(), 1);
    let payload = segment(sd_jwt.split('~').next().unwrap(), 1);
    assert_eq!(payload["degree"]["name"], "Bachelor of Science and Arts");

    let widened = request(&setup, false).with_selectively_disclosable(vec!["/given_name".into()]);
    let err = setup.issuer.issue(widened).await.unwrap_err();
    assert_eq!(err.code(), "SELECTIVE_POINTER_INVALID");

    // The same checks and codes as every format.
    let mut bad = request(&setup, false);
    bad.claims.insert("gpa".into(), json!(9));
    let err = setup.issuer.issue(bad).await.unwrap_err();
    assert_eq!(err.code(), "SCHEMA_VALIDATION_FAILED");
    let mut unknown = request(&setup, false);
    unknown.schema_id = "nope".into();
    assert_eq!(
        setup.issuer.issue(unknown).await.unwrap_err().code(),
        "SCHEMA_NOT_FOUND"
    );
    for reserved in ["iss", "cnf", "status", "vct", "_sd"] {
        let mut r = request(&setup, false);
        r.claims.insert(reserved.into(), json!("x"));
        assert_eq!(
            setup.issuer.issue(r).await.unwrap_err().code(),
            "INVALID_REQUEST",
            "{reserved}"
        );
    }
    let mut nested = request(&setup, false);
    nested.claims.insert("x".into(), json!({"...": "digest"}));
    assert_eq!(
        setup.issuer.issue(nested).await.unwrap_err().code(),
        "INVALID_REQUEST"
    );
    let private = request(&setup, false).with_holder_jwk(json!({
        "kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode([1u8; 32]),
        "d": URL_SAFE_NO_PAD.encode([2u8; 32])
    }));
    assert_eq!(
        setup.issuer.issue(private).await.unwrap_err().code(),
        "INVALID_REQUEST"
    );
    // A revocable request needs a Token Status List registry.
    let revocable = request(&setup, false).revocable(true);
    assert_eq!(
        setup.issuer.issue(revocable).await.unwrap_err().code(),
        "STATUS_REGISTRATION_FAILED"
    );
}

#[tokio::test]
async fn a_proven_holder_jwk_becomes_cnf() {
    let setup = setup();
    let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(Ed25519Signer::from_seed(&[3; 32]).public_key().as_bytes())});
    let sd_jwt = issue(&setup, request(&setup, false).with_holder_jwk(jwk.clone())).await;
    let payload = segment(sd_jwt.split('~').next().unwrap(), 1);
    assert_eq!(payload["cnf"]["jwk"], jwk);
}

async fn presentation(sd_jwt: &str, reveal: &[&str], nonce: &str) -> String {
    let holder = holder_key();
    present(
        sd_jwt,
        reveal,
        Some(KeyBinding {
            signer: &holder,
            audience: "https://verifier.example",
            nonce,
            issued_at: NOW,
        }),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_holder_presents_a_subset_with_a_key_binding_jwt() {
    let setup = setup();
    let sd_jwt = issue(&setup, request(&setup, true)).await;
    let shown = presentation(&sd_jwt, &["/degree/name", "/nationalities/1"], "n-1").await;
    // degree (on the way), degree/name, the second nationality.
    assert_eq!(shown.split('~').count(), 1 + 3 + 1);
    let verified = verifier()
        .require_key_binding("https://verifier.example", "n-1")
        .verify(&shown)
        .await
        .unwrap();
    assert_eq!(
        verified.claims["degree"],
        json!({"type": "BachelorDegree", "name": "Bachelor of Science and Arts"})
    );
    assert_eq!(verified.claims["nationalities"], json!(["FR"]));
    assert!(verified.claims.get("gpa").is_none());
    assert_eq!(verified.key_binding.unwrap()["nonce"], "n-1");

    // Nothing revealed but the always-disclosed claims.
    let bare = presentation(&sd_jwt, &[], "n-2").await;
    let verified = verifier().verify(&bare).await.unwrap();
    assert_eq!(verified.claims["nationalities"], json!([]));
    assert!(verified.claims.get("degree").is_none());

    let code = |r: Result<_, vc_issue::sd_jwt::SdJwtError>| r.unwrap_err().code();
    let v = verifier().require_key_binding("https://verifier.example", "n-1");
    // The KB-JWT's payload changed after signing.
    let (head, kb) = shown.rsplit_once('~').unwrap();
    let edited = format!("{head}~{}", with_claim(kb, "nonce", json!("n-x")));
    assert_eq!(code(v.verify(&edited).await), "KB_JWT_INVALID");
    let wrong_nonce = presentation(&sd_jwt, &["/gpa"], "other").await;
    assert_eq!(code(v.verify(&wrong_nonce).await), "KB_JWT_MISMATCH");
    let plain = present(&sd_jwt, &["/gpa"], None).await.unwrap();
    assert_eq!(code(v.verify(&plain).await), "KB_JWT_MISSING");
    // Signed by another key than cnf's.
    let stranger = Ed25519Signer::from_seed(&[5; 32]);
    let forged = present(
        &sd_jwt,
        &["/gpa"],
        Some(KeyBinding {
            signer: &stranger,
            audience: "https://verifier.example",
            nonce: "n-1",
            issued_at: NOW,
        }),
    )
    .await
    .unwrap();
    assert_eq!(code(v.verify(&forged).await), "KB_JWT_INVALID");
    // A disclosure added after the KB-JWT was signed breaks sd_hash.
    let (head, kb) = shown.rsplit_once('~').unwrap();
    let gpa = disclosures(&sd_jwt)
        .into_iter()
        .find(|d| !shown.contains(d))
        .unwrap();
    let grown = format!("{head}~{gpa}~{kb}");
    assert_eq!(code(v.verify(&grown).await), "KB_JWT_INVALID");
    // Too old a KB-JWT.
    let late = SdJwtVcVerifier::new()
        .clock(Arc::new(FixedClock::new(NOW + time::Duration::hours(1))))
        .require_key_binding("https://verifier.example", "n-1");
    assert_eq!(code(late.verify(&shown).await), "KB_JWT_INVALID");
    // An unknown path to reveal.
    assert_eq!(
        present(&sd_jwt, &["gpa"], None).await.unwrap_err().code(),
        "SELECTIVE_POINTER_INVALID"
    );
}

#[tokio::test]
async fn tampered_stray_and_repeated_disclosures_are_refused_with_codes() {
    let setup = setup();
    let sd_jwt = issue(&setup, request(&setup, false)).await;
    let other = issue(&setup, request(&setup, false)).await;
    let code = |r: Result<_, vc_issue::sd_jwt::SdJwtError>| r.unwrap_err().code();
    let v = verifier();
    let jwt = sd_jwt.split('~').next().unwrap();
    let first = disclosures(&sd_jwt)[0];

    // A disclosure with its value changed (its digest is no longer in the payload).
    let mut array: Vec<Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(first).unwrap()).unwrap();
    *array.last_mut().unwrap() = json!("forged");
    let tampered = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&array).unwrap());
    let forged = sd_jwt.replace(first, &tampered);
    assert_eq!(
        code(v.verify(&forged).await),
        "SD_JWT_DISCLOSURE_UNREFERENCED"
    );
    // A disclosure of another credential.
    let stray = format!("{sd_jwt}{}~", disclosures(&other)[0]);
    assert_eq!(
        code(v.verify(&stray).await),
        "SD_JWT_DISCLOSURE_UNREFERENCED"
    );
    // The same disclosure twice.
    let twice = format!("{sd_jwt}{first}~");
    assert_eq!(code(v.verify(&twice).await), "SD_JWT_DIGEST_DUPLICATE");
    // Not a disclosure.
    for junk in ["%%%", "WyJhIl0", "eyJhIjoxfQ", "WyJzIiwgIl9zZCIsIDFd"] {
        let bad = format!("{jwt}~{junk}~");
        assert_eq!(
            code(v.verify(&bad).await),
            "SD_JWT_DISCLOSURE_MALFORMED",
            "{junk}"
        );
    }
    // The payload changed: the signature fails.
    let resigned = format!("{}~", with_claim(jwt, "given_name", json!("Mallory")));
    assert_eq!(code(v.verify(&resigned).await), "INVALID_SIGNATURE");
    // Another issuer's key.
    let strict = SdJwtVcVerifier::new()
        .clock(Arc::new(FixedClock::new(NOW)))
        .issuer_key(
            Some(segment(jwt, 0)["kid"].as_str().unwrap()),
            setup.p256.public_key().clone(),
        );
    assert_eq!(code(strict.verify(&sd_jwt).await), "INVALID_SIGNATURE");
    // Not an SD-JWT at all.
    for junk in ["", "abc", "a.b.c", &"~".repeat(3), jwt] {
        assert_eq!(code(v.verify(junk).await), "SD_JWT_MALFORMED", "{junk:?}");
    }
    // Expired, and not yet valid.
    let expiring = request(&setup, false)
        .with_expiration_date(vc_core::DateTime::parse("2024-06-02T00:00:00Z").unwrap());
    let expiring = issue(&setup, expiring).await;
    let later =
        SdJwtVcVerifier::new().clock(Arc::new(FixedClock::new(datetime!(2024-07-01 0:00 UTC))));
    assert_eq!(code(later.verify(&expiring).await), "SD_JWT_EXPIRED");
    let earlier =
        SdJwtVcVerifier::new().clock(Arc::new(FixedClock::new(datetime!(2024-05-01 0:00 UTC))));
    assert_eq!(code(earlier.verify(&sd_jwt).await), "SD_JWT_NOT_YET_VALID");
}

#[tokio::test]
async fn disclosures_nested_past_the_depth_limit_are_refused_not_followed() {
    // Each disclosure holds an object whose `_sd` names the next one: 100 levels.
    let signer = Ed25519Signer::from_seed(&[4; 32]);
    let mut inner = json!({"leaf": true});
    let mut all = Vec::new();
    for i in 0..100 {
        let encoded = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&json!(["c2FsdHNhbHRzYWx0c2FsdA", format!("k{i}"), inner])).unwrap(),
        );
        let digest =
            URL_SAFE_NO_PAD.encode(<sha2::Sha256 as sha2::Digest>::digest(encoded.as_bytes()));
        all.push(encoded);
        inner = json!({"_sd": [digest]});
    }
    let did = signer.did();
    let mut payload = inner.as_object().unwrap().clone();
    payload.insert("iss".into(), json!(did.as_str()));
    payload.insert("vct".into(), json!(VCT));
    let header = json!({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": signer.verification_method_id().as_str()});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap())
    );
    let sig = signer.sign(input.as_bytes()).await.unwrap();
    let sd_jwt = format!("{input}.{}~{}~", URL_SAFE_NO_PAD.encode(sig), all.join("~"));
    let err = verifier().verify(&sd_jwt).await.unwrap_err();
    assert_eq!(err.code(), "SD_JWT_MALFORMED");
}

#[tokio::test]
async fn a_revocable_sd_jwt_vc_points_at_its_token_status_list_entry() {
    let registry = |issuer: &str| {
        Arc::new(
            StatusRegistry::builder()
                .store(Arc::new(MemoryStore::new()))
                .list_url_template("https://issuer.example/statuslists/{list}")
                .issuer(issuer)
                .format(ListFormat::TokenStatusList)
                .clock(Arc::new(FixedClock::new(NOW)))
                .build()
                .unwrap(),
        )
    };
    let issuer_did = Ed25519Signer::from_seed(&[7; 32]).did();
    let tokens = registry(issuer_did.as_str());
    let setup = Setup::with(|b| b.token_status_registry(tokens.clone()));
    setup.schemas.insert(sd_schema());
    let response = setup
        .issuer
        .issue(request(&setup, false).revocable(true))
        .await
        .unwrap();
    let sd_jwt = response.credential.as_jwt().unwrap().to_owned();
    let payload = segment(sd_jwt.split('~').next().unwrap(), 1);
    let reference = &payload["status"]["status_list"];
    assert_eq!(reference["idx"], response.status_list_index.unwrap());
    let uri = reference["uri"].as_str().unwrap();
    assert_eq!(uri, "https://issuer.example/statuslists/revocation-1");
    let id = tokens.list_id_from_url(uri).unwrap();

    let token = setup.issuer.status_list_token(&id).await.unwrap();
    assert_eq!(segment(&token, 0)["typ"], "statuslist+jwt");
    assert_eq!(segment(&token, 1)["sub"], uri);
    assert_eq!(
        setup.issuer.status_list_token(&id).await.unwrap(),
        token,
        "cached"
    );
    let loader = StaticStatusListTokens::new().with(uri, token.clone());
    let verified = verify_with_tokens(&sd_jwt, loader).await.unwrap();
    assert_eq!(verified.status, Some(0));

    let entry = StatusEntry::from_value(response.credential_status.unwrap()).unwrap();
    tokens.revoke(&entry).await.unwrap();
    let revoked = setup.issuer.status_list_token(&id).await.unwrap();
    assert_ne!(revoked, token);
    let loader = StaticStatusListTokens::new().with(uri, revoked.clone());
    let err = verify_with_tokens(&sd_jwt, loader).await.unwrap_err();
    assert_eq!(err.code(), "SD_JWT_REVOKED");
    // A token for another list, or from another key, is refused.
    let loader = StaticStatusListTokens::new().with(uri, token.replace('.', ".."));
    let err = verify_with_tokens(&sd_jwt, loader).await.unwrap_err();
    assert_eq!(err.code(), "STATUS_LIST_TOKEN_INVALID");
    let err = verify_with_tokens(&sd_jwt, StaticStatusListTokens::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "STATUS_LIST_TOKEN_INVALID");
}

/// A compact SD-JWT VC (no disclosures) of `payload`, signed by `signer` as its `did:key`.
async fn signed(signer: &Ed25519Signer, payload: Value) -> String {
    let header = json!({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": signer.verification_method_id().as_str()});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap())
    );
    let sig = signer.sign(input.as_bytes()).await.unwrap();
    format!("{input}.{}~", URL_SAFE_NO_PAD.encode(sig))
}

#[tokio::test]
async fn nbf_and_exp_come_from_the_request_and_bound_the_verifiers_acceptance() {
    let setup = setup();
    let from = datetime!(2024-07-01 0:00 UTC);
    let until = datetime!(2024-08-01 0:00 UTC);
    let windowed = request(&setup, false)
        .with_valid_from(vc_core::DateTime::from(from))
        .with_expiration_date(vc_core::DateTime::from(until));
    let sd_jwt = issue(&setup, windowed).await;
    let payload = segment(sd_jwt.split('~').next().unwrap(), 1);
    assert_eq!(
        payload["iat"],
        NOW.unix_timestamp(),
        "iat: the issuer's clock"
    );
    assert_eq!(payload["nbf"], from.unix_timestamp());
    assert_eq!(payload["exp"], until.unix_timestamp());
    let at = |t: time::OffsetDateTime| SdJwtVcVerifier::new().clock(Arc::new(FixedClock::new(t)));
    let code = |r: Result<VerifiedSdJwtVc, SdJwtError>| r.unwrap_err().code();
    // Before nbf (past the 60 s leeway), inside the window, after exp.
    assert_eq!(
        code(at(from - time::Duration::minutes(2)).verify(&sd_jwt).await),
        "SD_JWT_NOT_YET_VALID"
    );
    let inside = at(from + time::Duration::days(1))
        .verify(&sd_jwt)
        .await
        .unwrap();
    assert_eq!(inside.claims["nbf"], from.unix_timestamp());
    assert!(
        at(from - time::Duration::seconds(30))
            .verify(&sd_jwt)
            .await
            .is_ok(),
        "leeway"
    );
    assert_eq!(
        code(at(until + time::Duration::minutes(2)).verify(&sd_jwt).await),
        "SD_JWT_EXPIRED"
    );

    // A window that ends before it starts is refused for every format, before anything is taken.
    for proof_type in [ProofType::DcSdJwt, ProofType::default()] {
        let inverted = request(&setup, false)
            .with_proof_type(proof_type.clone())
            .with_valid_from(vc_core::DateTime::from(until))
            .with_expiration_date(vc_core::DateTime::from(from));
        assert_eq!(
            setup.issuer.issue(inverted).await.unwrap_err().code(),
            "INVALID_REQUEST",
            "{proof_type}"
        );
    }
    // The other formats carry the request's validFrom too, instead of the time of issuance.
    let plain = request(&setup, false)
        .with_proof_type(ProofType::default())
        .with_valid_from(vc_core::DateTime::from(from));
    let response = setup.issuer.issue(plain).await.unwrap();
    let credential = response.credential.as_credential().unwrap();
    assert_eq!(
        credential.valid_from.as_ref().unwrap().instant().unwrap(),
        from
    );

    // iat in the future, with no nbf, is not yet valid; a time that is not an integer is malformed.
    let signer = Ed25519Signer::from_seed(&[31; 32]);
    let base = json!({"iss": signer.did().as_str(), "vct": VCT});
    let mut future = base.clone();
    future["iat"] = json!((NOW + time::Duration::hours(1)).unix_timestamp());
    assert_eq!(
        code(verifier().verify(&signed(&signer, future).await).await),
        "SD_JWT_NOT_YET_VALID"
    );
    for (name, value) in [
        ("exp", json!("tomorrow")),
        ("nbf", json!(1.5)),
        ("iat", json!(null)),
    ] {
        let mut bad = base.clone();
        bad[name] = value;
        assert_eq!(
            code(verifier().verify(&signed(&signer, bad).await).await),
            "SD_JWT_MALFORMED",
            "{name}"
        );
    }
    let mut fine = base.clone();
    fine["iat"] = json!(NOW.unix_timestamp());
    assert!(verifier()
        .verify(&signed(&signer, fine).await)
        .await
        .is_ok());
}
