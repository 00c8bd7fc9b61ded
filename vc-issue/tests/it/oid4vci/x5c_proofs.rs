//! Key proofs naming their key by an `x5c` chain (OpenID4VCI 1.0 §8.2.1.1, Appendix F.1): the
//! chain must lead to a trust anchor the issuer configured, be valid now, and its leaf certify
//! the key that signs; the credential is bound to that key. Certificates are made here, at test
//! time (rcgen, as the SD-JWT `x5c` tests do): no private key is checked in.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, PublicKeyData,
    SignatureAlgorithm, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384, PKCS_ED25519,
};
use serde_json::{json, Value};

use super::harness::{error_of, start, start_custom, Harness, HolderKey, Proof, JWT, LDP};

/// A public key as rcgen takes it for a certificate whose private key it does not hold.
struct Spki {
    key: Vec<u8>,
    alg: &'static SignatureAlgorithm,
}

impl PublicKeyData for Spki {
    fn der_bytes(&self) -> &[u8] {
        &self.key
    }

    fn algorithm(&self) -> &SignatureAlgorithm {
        self.alg
    }
}

fn spki(key: &HolderKey) -> Spki {
    let alg = match key {
        HolderKey::Ed25519(_) => &PKCS_ED25519,
        HolderKey::P256(_) => &PKCS_ECDSA_P256_SHA256,
        HolderKey::P384(_) => &PKCS_ECDSA_P384_SHA384,
    };
    Spki {
        key: key.public_key_bytes(),
        alg,
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    name
}

/// A certificate authority: a self-signed root, or an intermediate signed by another.
struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    fn root(common_name: &str) -> Self {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = Self::params(common_name).self_signed(&key).unwrap();
        Self { cert, key }
    }

    fn intermediate(&self, common_name: &str) -> Self {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = Self::params(common_name)
            .signed_by(&key, &self.cert, &self.key)
            .unwrap();
        Self { cert, key }
    }

    fn params(common_name: &str) -> CertificateParams {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = name(common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
    }

    fn der(&self) -> Vec<u8> {
        self.cert.der().to_vec()
    }

    /// A leaf certifying `key`, valid from 2020 until January of `until`.
    fn leaf(&self, key: &HolderKey, until: i32) -> Vec<u8> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = name("Wallet instance");
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(until, 1, 1);
        params
            .signed_by(&spki(key), &self.cert, &self.key)
            .unwrap()
            .der()
            .to_vec()
    }
}

/// An issuer that trusts `anchor` for `x5c` proofs.
async fn start_trusting(anchor: Vec<u8>) -> Harness {
    start_custom(
        false,
        Box::new(move |b, _| b.x5c_trust_anchor(&anchor).unwrap()),
    )
    .await
}

/// A proof signed by `signer` whose header carries `x5c` (and whatever `extra` adds).
async fn x5c_proof(
    h: &Harness,
    signer: &HolderKey,
    x5c: Value,
    extra: Value,
    nonce: &str,
) -> String {
    let mut header = json!({"typ": "openid4vci-proof+jwt", "alg": signer.alg(), "x5c": x5c});
    for (k, v) in extra.as_object().unwrap() {
        header[k] = v.clone();
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    signer
        .sign(&header, &json!({"aud": h.base, "iat": now, "nonce": nonce}))
        .await
}

fn chain(certs: &[&[u8]]) -> Value {
    certs
        .iter()
        .map(|der| json!(STANDARD.encode(der)))
        .collect()
}

fn request(configuration: &str, jwt: String) -> Value {
    json!({"credential_configuration_id": configuration, "proofs": {"jwt": [jwt]}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certified_key_is_bound_to_the_credential() {
    let root = Ca::root("Wallet Provider Root");
    let intermediate = root.intermediate("Wallet Provider Issuing CA");
    let h = start_trusting(root.der()).await;

    // ES256 through an intermediate, EdDSA and ES384 signed by the root itself.
    let p256 = HolderKey::p256();
    let ed25519 = HolderKey::ed25519();
    let p384 = HolderKey::p384();
    let cases = [
        (
            &p256,
            chain(&[&intermediate.leaf(&p256, 2099), &intermediate.der()]),
            LDP,
        ),
        (&ed25519, chain(&[&root.leaf(&ed25519, 2099)]), JWT),
        (&p384, chain(&[&root.leaf(&p384, 2099)]), LDP),
    ];
    for (key, x5c, configuration) in cases {
        let access = h.access_token(configuration).await;
        let jwt = x5c_proof(&h, key, x5c, json!({}), &h.nonce().await).await;
        let (status, body) = h.credential(&access, &request(configuration, jwt)).await;
        assert_eq!(status, 200, "{} {body}", key.alg());
        // Bound as a `jwk` proof is: the certified key's did:key.
        let credential = &body["credentials"][0]["credential"];
        let subject = if configuration == JWT {
            let payload = credential.as_str().unwrap().split('.').nth(1).unwrap();
            let payload: Value =
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
            payload["sub"].clone()
        } else {
            credential["credentialSubject"]["id"].clone()
        };
        assert_eq!(subject, key.did().as_str(), "{}", key.alg());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_chains_are_invalid_proofs_and_cost_neither_nonce_nor_token() {
    let root = Ca::root("Wallet Provider Root");
    let h = start_trusting(root.der()).await;
    let access = h.access_token(LDP).await;
    let nonce = h.nonce().await;
    let key = HolderKey::p256();
    let good_leaf = root.leaf(&key, 2099);
    let invalid_proof = (400, "invalid_proof".to_owned());
    let send = |jwt: String| {
        let (h, access) = (&h, access.clone());
        async move { error_of(h.credential(&access, &request(LDP, jwt)).await) }
    };

    let stranger = Ca::root("Someone Else's Root");
    let other_key = HolderKey::p256();
    let refused = [
        (
            "untrusted root",
            x5c_proof(
                &h,
                &key,
                chain(&[&stranger.leaf(&key, 2099)]),
                json!({}),
                &nonce,
            )
            .await,
        ),
        (
            "untrusted root, presented in the chain",
            x5c_proof(
                &h,
                &key,
                chain(&[&stranger.leaf(&key, 2099), &stranger.der()]),
                json!({}),
                &nonce,
            )
            .await,
        ),
        (
            "expired leaf",
            x5c_proof(
                &h,
                &key,
                chain(&[&root.leaf(&key, 2021)]),
                json!({}),
                &nonce,
            )
            .await,
        ),
        (
            "x5c and jwk",
            x5c_proof(
                &h,
                &key,
                chain(&[&good_leaf]),
                json!({"jwk": key.jwk()}),
                &nonce,
            )
            .await,
        ),
        (
            "x5c and kid",
            x5c_proof(
                &h,
                &key,
                chain(&[&good_leaf]),
                json!({"kid": key.kid()}),
                &nonce,
            )
            .await,
        ),
        (
            "garbage base64",
            x5c_proof(&h, &key, json!(["!!not base64!!"]), json!({}), &nonce).await,
        ),
        (
            "garbage DER",
            x5c_proof(
                &h,
                &key,
                json!([STANDARD.encode(b"not a certificate")]),
                json!({}),
                &nonce,
            )
            .await,
        ),
        (
            "not an array",
            x5c_proof(
                &h,
                &key,
                json!(STANDARD.encode(&good_leaf)),
                json!({}),
                &nonce,
            )
            .await,
        ),
        (
            "empty",
            x5c_proof(&h, &key, json!([]), json!({}), &nonce).await,
        ),
        (
            "signed by another key than the leaf's",
            x5c_proof(&h, &other_key, chain(&[&good_leaf]), json!({}), &nonce).await,
        ),
        (
            "an alg that does not fit the leaf's key",
            x5c_proof(
                &h,
                &HolderKey::p384(),
                chain(&[&good_leaf]),
                json!({}),
                &nonce,
            )
            .await,
        ),
    ];
    for (what, jwt) in refused {
        assert_eq!(send(jwt).await, invalid_proof, "{what}");
    }
    let (_, body) = h
        .credential(
            &access,
            &request(
                LDP,
                x5c_proof(
                    &h,
                    &key,
                    chain(&[&root.leaf(&key, 2021)]),
                    json!({}),
                    &nonce,
                )
                .await,
            ),
        )
        .await;
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("trust anchor")),
        "the wallet hears why: {body}"
    );

    // None of those used the nonce or the authorization: the good proof works, once.
    let good = x5c_proof(&h, &key, chain(&[&good_leaf]), json!({}), &nonce).await;
    assert_eq!(send(good.clone()).await.0, 200);
    assert_eq!(
        send(good).await,
        (400, "invalid_nonce".to_owned()),
        "a replayed proof"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_trust_anchors_x5c_is_refused_saying_why() {
    let h = start().await;
    let access = h.access_token(LDP).await;
    let nonce = h.nonce().await;
    let key = HolderKey::ed25519();
    let root = Ca::root("Wallet Provider Root");
    let jwt = x5c_proof(
        &h,
        &key,
        chain(&[&root.leaf(&key, 2099)]),
        json!({}),
        &nonce,
    )
    .await;
    let (status, body) = h.credential(&access, &request(LDP, jwt)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_proof"))
    );
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("trusts no certificate authority")),
        "{body}"
    );
    // The nonce and the token are still good.
    let jwt = Proof::new(&key, &h.base, &nonce).jwt().await;
    let (status, body) = h.credential(&access, &request(LDP, jwt)).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_trust_anchor_must_be_a_certificate() {
    let error = vc_issue::oid4vci::Oid4vciIssuer::builder()
        .x5c_trust_anchor(b"not DER")
        .unwrap_err();
    assert_eq!(error.code(), "OID4VCI_CONFIGURATION", "{error}");
}

#[cfg(feature = "sd-jwt")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sd_jwt_vc_carries_the_certified_key_in_cnf() {
    use super::harness::{start_sd_jwt_custom, SD};

    let root = Ca::root("Wallet Provider Root");
    let anchor = root.der();
    let h = start_sd_jwt_custom(Box::new(move |b, _| b.x5c_trust_anchor(&anchor).unwrap())).await;
    for key in [HolderKey::p256(), HolderKey::ed25519()] {
        let access = h.access_token(SD).await;
        let jwt = x5c_proof(
            &h,
            &key,
            chain(&[&root.leaf(&key, 2099)]),
            json!({}),
            &h.nonce().await,
        )
        .await;
        let (status, body) = h.credential(&access, &request(SD, jwt)).await;
        assert_eq!(status, 200, "{body}");
        let sd_jwt = body["credentials"][0]["credential"].as_str().unwrap();
        let payload = sd_jwt.split('.').nth(1).unwrap();
        let payload: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(payload["cnf"], json!({"jwk": key.jwk()}), "{}", key.alg());
    }
}
