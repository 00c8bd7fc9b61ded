//! `kid` and `x5c` in the headers of SD-JWT VCs and Status List Tokens when the host configures
//! them; the verifier trusting an `x5c` chain through its anchors, or checking it against the
//! key it already knows; the JWT VC Issuer Metadata publishing both (over loopback HTTP).

use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, IsCa, KeyPair, PublicKeyData, SanType, SignatureAlgorithm,
    PKCS_ECDSA_P256_SHA256,
};
use serde_json::{json, Value};
use time::macros::datetime;
use vc_core::FixedClock;
use vc_issue::pipeline::schema::SdJwtVcConfig;
use vc_issue::sd_jwt::{JwtKeyHeader, SdJwtError, SdJwtVcVerifier, VerifiedSdJwtVc};
use vc_issue::{IssuanceRequest, P256Signer, ProofType, Signer};

use crate::fixtures::{degree_claims, degree_schema, Setup};

const KID: &str = "issuer-key-2024";
const NOW: time::OffsetDateTime = datetime!(2024-06-01 12:00 UTC);

/// A public key as rcgen takes it for a certificate it does not hold the private key of.
struct Spki(Vec<u8>);

impl PublicKeyData for Spki {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &SignatureAlgorithm {
        &PKCS_ECDSA_P256_SHA256
    }
}

struct Pki {
    ca: Vec<u8>,
    ca_cert: rcgen::Certificate,
    ca_key: KeyPair,
}

impl Pki {
    fn new() -> Self {
        let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Test Issuer CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = params.self_signed(&ca_key).unwrap();
        Self {
            ca: ca_cert.der().to_vec(),
            ca_cert,
            ca_key,
        }
    }

    /// A leaf certifying `key` (compressed P-256), naming `uri`, valid in `year`..`until`.
    fn leaf(&self, key: &P256Signer, uri: Option<&str>, until: i32) -> Vec<u8> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Test Issuer");
        if let Some(uri) = uri {
            params.subject_alt_names = vec![SanType::URI(uri.try_into().unwrap())];
        }
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(until, 1, 1);
        params
            .signed_by(
                &Spki(key.public_key().as_bytes().to_vec()),
                &self.ca_cert,
                &self.ca_key,
            )
            .unwrap()
            .der()
            .to_vec()
    }
}

fn p256() -> P256Signer {
    // The fixtures' P-256 issuer key.
    P256Signer::from_bytes(&[9; 32]).unwrap()
}

fn setup(header: JwtKeyHeader) -> Setup {
    let key = p256();
    let setup = Setup::with(|b| b.jwt_key_header(&key.verification_method_id(), header));
    setup
        .schemas
        .insert(degree_schema().with_sd_jwt_vc(SdJwtVcConfig::new(
            "https://university.example/vct/degree",
            vec!["/degree".into()],
        )));
    setup
}

async fn issue(setup: &Setup) -> Result<String, vc_issue::IssueError> {
    let request = IssuanceRequest::new(
        "university-degree-v1",
        p256().did(),
        setup.holder.clone(),
        degree_claims(),
    )
    .with_proof_type(ProofType::DcSdJwt);
    Ok(setup
        .issuer
        .issue(request)
        .await?
        .credential
        .as_jwt()
        .unwrap()
        .to_owned())
}

fn segment(jwt: &str, n: usize) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(n).unwrap())
            .unwrap(),
    )
    .unwrap()
}

fn verifier_at(at: time::OffsetDateTime) -> SdJwtVcVerifier {
    SdJwtVcVerifier::new().clock(Arc::new(FixedClock::new(at)))
}

fn code(result: Result<VerifiedSdJwtVc, SdJwtError>) -> vc_core::ErrorCode {
    result.unwrap_err().code()
}

/// `sd_jwt`'s issuer-signed JWT with `header` instead, signed again by the issuer's key.
async fn resigned(sd_jwt: &str, header: Value) -> String {
    let (jwt, rest) = sd_jwt.split_once('~').unwrap();
    let payload = jwt.split('.').nth(1).unwrap();
    let input = format!(
        "{}.{payload}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap())
    );
    let signature = p256().sign(input.as_bytes()).await.unwrap();
    format!("{input}.{}~{rest}", URL_SAFE_NO_PAD.encode(signature))
}

#[tokio::test]
async fn a_configured_kid_and_x5c_are_sent_and_the_chain_is_trusted_through_its_anchor() {
    let pki = Pki::new();
    let did = p256().did();
    let leaf = pki.leaf(&p256(), Some(did.as_str()), 2030);
    let header = JwtKeyHeader::new()
        .kid(KID)
        .x5c(&[leaf.clone(), pki.ca.clone()])
        .unwrap();
    let setup = setup(header);
    let sd_jwt = issue(&setup).await.unwrap();
    let jwt_header = segment(sd_jwt.split('~').next().unwrap(), 0);
    assert_eq!(jwt_header["kid"], KID);
    assert_eq!(
        jwt_header["x5c"],
        json!([STANDARD.encode(&leaf), STANDARD.encode(&pki.ca)])
    );

    // Trusted through the CA: no key configured, the kid names nothing the verifier knows.
    let anchored = verifier_at(NOW).x5c_trust_anchor(&pki.ca).unwrap();
    let verified = anchored.verify(&sd_jwt).await.unwrap();
    assert_eq!(verified.claims["iss"], did.as_str());
    // Just the chain: the leaf pinned as the anchor.
    let pinned = verifier_at(NOW).x5c_trust_anchor(&leaf).unwrap();
    assert!(pinned.verify(&sd_jwt).await.is_ok());
    // No anchors: the kid's key must be the leaf's.
    let by_kid = verifier_at(NOW).issuer_key(Some(KID), p256().public_key().clone());
    assert!(by_kid.verify(&sd_jwt).await.is_ok());
    let other = P256Signer::from_bytes(&[10; 32]).unwrap();
    let wrong_kid_key = verifier_at(NOW).issuer_key(Some(KID), other.public_key().clone());
    assert_eq!(
        code(wrong_kid_key.verify(&sd_jwt).await),
        "SD_JWT_X5C_INVALID"
    );
    // Without anchors and without a key for the kid: nothing to trust.
    assert_eq!(
        code(verifier_at(NOW).verify(&sd_jwt).await),
        "INVALID_SIGNATURE"
    );

    // Another CA; the certificate expired; a leaf not naming the iss; a leaf of another key.
    let stranger = Pki::new();
    let elsewhere = verifier_at(NOW).x5c_trust_anchor(&stranger.ca).unwrap();
    assert_eq!(code(elsewhere.verify(&sd_jwt).await), "SD_JWT_X5C_INVALID");
    let later = verifier_at(datetime!(2031-01-01 0:00 UTC))
        .x5c_trust_anchor(&pki.ca)
        .unwrap();
    assert_eq!(code(later.verify(&sd_jwt).await), "SD_JWT_X5C_INVALID");
    let x5c =
        |chain: &[&[u8]]| Value::from(chain.iter().map(|c| STANDARD.encode(c)).collect::<Vec<_>>());
    let unnamed = pki.leaf(&p256(), Some("https://elsewhere.example"), 2030);
    let mut forged = jwt_header.clone();
    forged["x5c"] = x5c(&[&unnamed, &pki.ca]);
    let forged = resigned(&sd_jwt, forged).await;
    assert_eq!(code(anchored.verify(&forged).await), "SD_JWT_X5C_INVALID");
    // The leaf certifies another key than the one that signed: the signature fails.
    let swapped = pki.leaf(&other, Some(did.as_str()), 2030);
    let mut forged = jwt_header.clone();
    forged["x5c"] = x5c(&[&swapped, &pki.ca]);
    let forged = resigned(&sd_jwt, forged).await;
    assert_eq!(code(anchored.verify(&forged).await), "INVALID_SIGNATURE");
    // The chain in the wrong order, or without the certificate linking the leaf to the anchor.
    let mut forged = jwt_header.clone();
    forged["x5c"] = x5c(&[&pki.ca, &leaf]);
    let forged = resigned(&sd_jwt, forged).await;
    assert_eq!(code(anchored.verify(&forged).await), "SD_JWT_X5C_INVALID");

    // Hostile headers: not an array, not base64, not a certificate, too long, empty.
    let junk = STANDARD.encode(b"not a certificate");
    let long = vec![STANDARD.encode(&leaf); 9];
    for bad in [
        json!("MIIB"),
        json!(["%%%"]),
        json!([junk]),
        json!(long),
        json!([]),
        json!([42]),
    ] {
        let mut forged = jwt_header.clone();
        forged["x5c"] = bad.clone();
        let forged = resigned(&sd_jwt, forged).await;
        assert_eq!(
            code(anchored.verify(&forged).await),
            "SD_JWT_X5C_INVALID",
            "{bad}"
        );
        assert_eq!(
            code(by_kid.verify(&forged).await),
            "SD_JWT_X5C_INVALID",
            "{bad}"
        );
    }
    assert_eq!(
        SdJwtVcVerifier::new()
            .x5c_trust_anchor(b"junk")
            .unwrap_err()
            .code(),
        "SD_JWT_X5C_INVALID"
    );
}

#[tokio::test]
async fn a_chain_that_does_not_certify_the_signer_or_does_not_parse_is_refused_by_the_issuer() {
    let pki = Pki::new();
    assert_eq!(
        JwtKeyHeader::new()
            .x5c(&[b"junk".to_vec()])
            .unwrap_err()
            .code(),
        "INVALID_REQUEST"
    );
    assert_eq!(
        JwtKeyHeader::new().x5c(&[]).unwrap_err().code(),
        "INVALID_REQUEST"
    );
    let other = P256Signer::from_bytes(&[10; 32]).unwrap();
    let header = JwtKeyHeader::new()
        .x5c(&[pki.leaf(&other, None, 2030)])
        .unwrap();
    let setup = setup(header);
    assert_eq!(issue(&setup).await.unwrap_err().code(), "INTERNAL_ERROR");
}

#[cfg(feature = "http")]
#[tokio::test]
async fn the_jwt_vc_issuer_metadata_publishes_the_configured_kid_and_x5c() {
    use vc_issue::http::{BearerTokens, VcApi};

    use crate::http_api::server::{listen, serve};

    let pki = Pki::new();
    let did = p256().did();
    let leaf = pki.leaf(&p256(), Some(did.as_str()), 2030);
    let setup = setup(
        JwtKeyHeader::new()
            .kid(KID)
            .x5c(&[leaf.clone(), pki.ca.clone()])
            .unwrap(),
    );
    let (listener, base) = listen().await;
    let api = VcApi::builder()
        .issuer(setup.issuer.clone())
        .authorizer(Arc::new(BearerTokens::new(["t"])))
        .base_url(base.clone())
        .jwt_vc_issuer(did.clone())
        .build()
        .unwrap();
    serve(listener, api.router(), Default::default());
    let client = reqwest::Client::new();
    let response = client
        .get(format!("{base}/.well-known/jwt-vc-issuer"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let metadata: Value = response.json().await.unwrap();
    let keys = metadata["jwks"]["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["kid"], KID);
    assert_eq!(
        keys[0]["x5c"],
        json!([STANDARD.encode(&leaf), STANDARD.encode(&pki.ca)])
    );
    assert_eq!(
        &vc_core::PublicKey::from_jwk(&keys[0]).unwrap(),
        p256().public_key()
    );
    // Hostile: a path below it, a query, a method other than GET.
    for path in [
        "/.well-known/jwt-vc-issuer/..%2f..",
        "/.well-known/jwt-vc-issuer%00",
    ] {
        let status = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .status();
        assert!(matches!(status.as_u16(), 400 | 404), "{path}: {status}");
    }
    let status = client
        .delete(format!("{base}/.well-known/jwt-vc-issuer"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 405);
}

#[tokio::test]
async fn status_list_tokens_carry_the_kid_and_x5c_and_verify_through_the_anchor() {
    use vc_issue::sd_jwt::StaticStatusListTokens;
    use vc_status::store::MemoryStore;
    use vc_status::{ListFormat, StatusEntry, StatusRegistry};

    let pki = Pki::new();
    let did = p256().did();
    let leaf = pki.leaf(&p256(), Some(did.as_str()), 2030);
    let tokens = Arc::new(
        StatusRegistry::builder()
            .store(Arc::new(MemoryStore::new()))
            .list_url_template("https://issuer.example/statuslists/{list}")
            .issuer(did.as_str())
            .format(ListFormat::TokenStatusList)
            .clock(Arc::new(FixedClock::new(NOW)))
            .build()
            .unwrap(),
    );
    let header = JwtKeyHeader::new()
        .kid(KID)
        .x5c(&[leaf.clone(), pki.ca.clone()])
        .unwrap();
    let key = p256();
    let setup = Setup::with(|b| {
        b.jwt_key_header(&key.verification_method_id(), header)
            .token_status_registry(tokens.clone())
    });
    setup
        .schemas
        .insert(degree_schema().with_sd_jwt_vc(SdJwtVcConfig::new(
            "https://university.example/vct/degree",
            vec!["/degree".into()],
        )));
    let request = IssuanceRequest::new(
        "university-degree-v1",
        did.clone(),
        setup.holder.clone(),
        degree_claims(),
    )
    .with_proof_type(ProofType::DcSdJwt)
    .revocable(true);
    let response = setup.issuer.issue(request).await.unwrap();
    let sd_jwt = response.credential.as_jwt().unwrap().to_owned();
    let entry = StatusEntry::from_value(response.credential_status.unwrap()).unwrap();
    let uri = entry.list_credential().to_owned();
    let id = tokens.list_id_from_url(&uri).unwrap();
    let token = setup.issuer.status_list_token(&id).await.unwrap();
    let token_header = segment(&token, 0);
    assert_eq!(token_header["typ"], "statuslist+jwt");
    assert_eq!(token_header["kid"], KID);
    assert_eq!(
        token_header["x5c"],
        json!([STANDARD.encode(&leaf), STANDARD.encode(&pki.ca)])
    );
    let anchored = |token: String| {
        verifier_at(NOW)
            .x5c_trust_anchor(&pki.ca)
            .unwrap()
            .status_lists(Arc::new(StaticStatusListTokens::new().with(&uri, token)))
    };
    assert_eq!(
        anchored(token).verify(&sd_jwt).await.unwrap().status,
        Some(0)
    );
    tokens.revoke(&entry).await.unwrap();
    let revoked = setup.issuer.status_list_token(&id).await.unwrap();
    assert_eq!(
        code(anchored(revoked.clone()).verify(&sd_jwt).await),
        "SD_JWT_REVOKED"
    );
    // Trusting another CA only: the chains of the credential and its token lead nowhere.
    let stranger = Pki::new();
    let elsewhere = verifier_at(NOW)
        .x5c_trust_anchor(&stranger.ca)
        .unwrap()
        .status_lists(Arc::new(StaticStatusListTokens::new().with(&uri, revoked)));
    assert_eq!(code(elsewhere.verify(&sd_jwt).await), "SD_JWT_X5C_INVALID");
}
