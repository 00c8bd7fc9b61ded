//! Status List Tokens as CWTs (draft-ietf-oauth-status-list-20, `shared/vectors/token-status-list/`):
//! with the draft's inputs our token equals its example up to the (randomized ECDSA) signature;
//! the example verifies with the draft's key, ours with ours; tampered, re-keyed, untyped,
//! CWT-tagged, expired and otherwise hostile tokens are refused with their codes.

use std::sync::Arc;

use ciborium::Value as C;
use coset::{AsCborValue as _, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _};
use serde_json::Value;
use time::macros::datetime;
use time::OffsetDateTime;
use vc_core::{FixedClock, PublicKey};
use vc_issue::sd_jwt::{
    sign_status_list_cwt, status_list_cwt_claims, JwtKeyHeader, SdJwtError, SdJwtVcVerifier,
    VerifiedStatusListCwt, STATUS_LIST_CWT_MEDIA_TYPE,
};
use vc_issue::{Ed25519Signer, P256Signer, P384Signer, Signer};
use vc_status::{status_list_token_claims, StatusListTokenParams, StatusSize, TokenStatusList};

use crate::fixtures::shared;

const URI: &str = "https://example.com/statuslists/1";

/// A CWT Claims Set as CBOR map entries.
type Claims = Vec<(C, C)>;

fn read(path: &str) -> String {
    let path = shared(&format!("vectors/token-status-list/{path}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn hex(text: &str) -> Vec<u8> {
    let hex: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// The draft's signed example CWT.
fn example_cwt() -> Vec<u8> {
    hex(&read("examples/status_list_cwt.md"))
}

fn example_key() -> PublicKey {
    let jwk: Value = serde_json::from_str(&read("example-key.jwk.json")).unwrap();
    PublicKey::from_jwk(&jwk).unwrap()
}

/// The draft's claims: its first list (16 one-bit entries, b9 a3), iat, exp and ttl, no iss.
fn draft_claims() -> Value {
    let mut list = TokenStatusList::new(16, StatusSize::ONE).unwrap();
    for (i, s) in [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
        .into_iter()
        .enumerate()
    {
        list.set(i as u64, s).unwrap();
    }
    status_list_token_claims(&StatusListTokenParams {
        uri: URI,
        issuer: None,
        list: &list,
        issued_at: OffsetDateTime::from_unix_timestamp(1_686_920_170).unwrap(),
        expires_at: Some(OffsetDateTime::from_unix_timestamp(2_291_720_170).unwrap()),
        ttl_secs: Some(43_200),
    })
}

/// A verifier at a time inside the example's validity, trusting `key` as `kid`.
fn verifier(kid: Option<&str>, key: PublicKey) -> SdJwtVcVerifier {
    SdJwtVcVerifier::new()
        .clock(Arc::new(FixedClock::new(datetime!(2025-01-01 0:00 UTC))))
        .issuer_key(kid, key)
}

fn p256() -> P256Signer {
    P256Signer::from_bytes(&[7; 32]).unwrap()
}

/// `(protected bstr, unprotected, payload bstr, signature)` of a tagged COSE_Sign1.
fn parts(cwt: &[u8]) -> (Vec<u8>, C, Vec<u8>, Vec<u8>) {
    let value: C = ciborium::de::from_reader(cwt).unwrap();
    let C::Tag(18, inner) = value else {
        panic!("not tag 18")
    };
    let C::Array(items) = *inner else {
        panic!("not an array")
    };
    let [C::Bytes(p), u, C::Bytes(payload), C::Bytes(sig)] = <[C; 4]>::try_from(items).unwrap()
    else {
        panic!("not a COSE_Sign1")
    };
    (p, u, payload, sig)
}

#[tokio::test]
async fn with_the_drafts_inputs_our_cwt_is_the_drafts_example_up_to_the_signature() {
    let example = example_cwt();
    let signer = p256();
    let kid = JwtKeyHeader::new().kid("12");
    let ours = sign_status_list_cwt(
        &draft_claims(),
        &signer.verification_method_id(),
        Some(&kid),
        &signer,
    )
    .await
    .unwrap();
    let (p_ours, u_ours, payload_ours, sig_ours) = parts(&ours);
    let (p_ex, u_ex, payload_ex, sig_ex) = parts(&example);
    assert_eq!(p_ours, p_ex, "protected header bytes");
    assert_eq!(payload_ours, payload_ex, "payload bytes");
    assert_eq!(u_ours, u_ex, "unprotected header: kid h'3132'");
    assert_eq!(sig_ours.len(), 64, "ES256: r || s");
    assert_ne!(sig_ours, sig_ex, "ECDSA is randomized");
    // So the whole token is the example's but for the last 64 bytes.
    assert_eq!(ours.len(), example.len());
    assert_eq!(ours[..ours.len() - 64], example[..example.len() - 64]);
    // The claims alone, too.
    assert_eq!(status_list_cwt_claims(&draft_claims()).unwrap(), payload_ex);

    // The example verifies with the draft's key; ours with ours, not the other way round.
    let verified = verifier(Some("12"), example_key())
        .verify_status_list_cwt(&example, URI)
        .unwrap();
    assert_eq!(verified.sub, URI);
    assert_eq!(verified.iat, 1_686_920_170);
    assert_eq!(verified.exp, Some(2_291_720_170));
    assert_eq!(verified.ttl, Some(43_200));
    assert_eq!(verified.iss, None);
    assert_eq!(verified.kid.as_deref(), Some(&b"12"[..]));
    assert_eq!(verified.list.as_bytes(), &[0xb9, 0xa3]);
    assert_eq!(verified.check_status(1).unwrap(), 0);
    assert_eq!(
        verified.check_status(0).unwrap_err().code(),
        "SD_JWT_REVOKED"
    );
    assert_eq!(verified.check_status(16).unwrap_err().code(), "RANGE_ERROR");
    let ours_verified = verifier(Some("12"), signer.public_key().clone())
        .verify_status_list_cwt(&ours, URI)
        .unwrap();
    assert_eq!(ours_verified.list, verified.list);
    let code = |r: Result<VerifiedStatusListCwt, SdJwtError>| r.unwrap_err().code();
    assert_eq!(
        code(verifier(Some("12"), example_key()).verify_status_list_cwt(&ours, URI)),
        "INVALID_SIGNATURE"
    );
    assert_eq!(
        code(
            verifier(Some("12"), signer.public_key().clone()).verify_status_list_cwt(&example, URI)
        ),
        "INVALID_SIGNATURE"
    );
}

#[tokio::test]
async fn every_algorithm_signs_with_its_cose_alg_and_verifies() {
    let claims = draft_claims();
    let ed = Ed25519Signer::from_seed(&[3; 32]);
    let p384 = P384Signer::from_bytes(&[5; 48]).unwrap();
    let p256 = p256();
    let signers: [(&dyn Signer, i64, usize); 3] =
        [(&ed, -8, 64), (&p256, -7, 64), (&p384, -35, 96)];
    for (signer, alg, sig_len) in signers {
        let method = vc_core::DidUrl::parse("did:example:issuer#key-1").unwrap();
        let cwt = sign_status_list_cwt(&claims, &method, None, signer)
            .await
            .unwrap();
        let (protected, unprotected, _, sig) = parts(&cwt);
        let protected: C = ciborium::de::from_reader(protected.as_slice()).unwrap();
        assert_eq!(
            protected,
            C::Map(vec![
                (C::Integer(1.into()), C::Integer(alg.into())),
                (
                    C::Integer(16.into()),
                    C::Text(STATUS_LIST_CWT_MEDIA_TYPE.into())
                ),
            ])
        );
        // The kid is the JWT form's: the verification method, as bytes.
        assert_eq!(
            unprotected,
            C::Map(vec![(
                C::Integer(4.into()),
                C::Bytes(method.as_str().as_bytes().to_vec())
            )])
        );
        assert_eq!(sig.len(), sig_len);
        let verified = verifier(Some(method.as_str()), signer.public_key().clone())
            .verify_status_list_cwt(&cwt, URI)
            .unwrap();
        assert_eq!(verified.list.as_bytes(), &[0xb9, 0xa3]);
        // An unnamed key is picked too; a key of another name is not.
        assert!(verifier(None, signer.public_key().clone())
            .verify_status_list_cwt(&cwt, URI)
            .is_ok());
        assert_eq!(
            verifier(Some("other"), signer.public_key().clone())
                .verify_status_list_cwt(&cwt, URI)
                .unwrap_err()
                .code(),
            "INVALID_SIGNATURE"
        );
    }
}

/// A COSE_Sign1_Tagged of `protected`, `unprotected`, `payload`, signed by `signer` over the
/// real Sig_structure: what an attacker holding a trusted key could not make, but a buggy
/// issuer could.
async fn sign_raw(
    protected: coset::Header,
    unprotected: coset::Header,
    payload: Vec<u8>,
    signer: &P256Signer,
) -> Vec<u8> {
    let mut sign1 = CoseSign1Builder::new()
        .protected(protected)
        .unprotected(unprotected)
        .payload(payload)
        .build();
    sign1.signature = signer.sign(&sign1.tbs_data(&[])).await.unwrap();
    sign1.to_tagged_vec().unwrap()
}

fn typ() -> C {
    C::Text(STATUS_LIST_CWT_MEDIA_TYPE.into())
}

fn cbor(value: &C) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).unwrap();
    out
}

#[tokio::test]
async fn hostile_status_list_cwts_are_refused_with_their_codes() {
    let example = example_cwt();
    let v = || verifier(Some("12"), example_key());
    let code = |cwt: &[u8]| v().verify_status_list_cwt(cwt, URI).unwrap_err().code();
    let (p_ex, _, payload_ex, _) = parts(&example);
    let payload_at = example
        .windows(payload_ex.len())
        .position(|w| w == payload_ex.as_slice())
        .unwrap();
    let protected_at = example
        .windows(p_ex.len())
        .position(|w| w == p_ex.as_slice())
        .unwrap();

    // Tampered payload: one byte of sub, of iat, of the list.
    for offset in [10, 40, payload_ex.len() - 1] {
        let mut t = example.clone();
        t[payload_at + offset] ^= 0x01;
        assert_eq!(code(&t), "INVALID_SIGNATURE", "payload byte {offset}");
    }
    // Tampered protected header: alg ES256 -> EdDSA (0x26 -> 0x27), or typ's last letter.
    let mut t = example.clone();
    assert_eq!(t[protected_at + 2], 0x26);
    t[protected_at + 2] = 0x27;
    assert_eq!(code(&t), "INVALID_SIGNATURE");
    let mut t = example.clone();
    t[protected_at + p_ex.len() - 1] = b'x';
    assert_eq!(
        code(&t),
        "STATUS_LIST_TOKEN_INVALID",
        "typ no longer statuslist+cwt"
    );
    // The signature itself.
    let mut t = example.clone();
    let last = t.len() - 1;
    t[last] ^= 0x80;
    assert_eq!(code(&t), "INVALID_SIGNATURE");
    // Wrong key; a kid naming no trusted key.
    assert_eq!(
        verifier(Some("12"), p256().public_key().clone())
            .verify_status_list_cwt(&example, URI)
            .unwrap_err()
            .code(),
        "INVALID_SIGNATURE"
    );
    // Another uri than the token's sub.
    assert_eq!(
        v().verify_status_list_cwt(&example, "https://example.com/statuslists/2")
            .unwrap_err()
            .code(),
        "STATUS_LIST_TOKEN_INVALID"
    );
    // Expired: after exp (2042-08-15) plus the leeway.
    let late = SdJwtVcVerifier::new()
        .clock(Arc::new(FixedClock::new(datetime!(2042-08-16 0:00 UTC))))
        .issuer_key(Some("12"), example_key());
    assert_eq!(
        late.verify_status_list_cwt(&example, URI)
            .unwrap_err()
            .code(),
        "STATUS_LIST_TOKEN_INVALID"
    );
    // Wrapped in the CWT tag 61 (forbidden), untagged, tag 17 (MAC0), trailing bytes, truncated,
    // empty, not CBOR.
    let mut tagged = vec![0xd8, 0x3d];
    tagged.extend_from_slice(&example);
    let untagged = example[1..].to_vec();
    let mut mac0 = example.clone();
    mac0[0] = 0xd1;
    let mut trailing = example.clone();
    trailing.push(0x00);
    for (what, t) in [
        ("CWT tag 61", tagged),
        ("untagged", untagged),
        ("tag 17", mac0),
        ("trailing byte", trailing),
        ("truncated", example[..example.len() - 1].to_vec()),
        ("empty", Vec::new()),
        ("text", b"eyJhbGciOiJFUzI1NiJ9".to_vec()),
    ] {
        assert_eq!(code(&t), "STATUS_LIST_TOKEN_INVALID", "{what}");
    }
    // Larger than any list could make it: refused before decoding.
    assert_eq!(
        code(&vec![0xd2; vc_issue::sd_jwt::MAX_STATUS_LIST_CWT_LEN + 1]),
        "STATUS_LIST_TOKEN_INVALID"
    );

    // Validly signed by a trusted key, but malformed: these are the issuer's bugs, still refused.
    let signer = p256();
    let ours = |kid: &str| verifier(Some(kid), signer.public_key().clone());
    let good_protected = || {
        HeaderBuilder::new()
            .algorithm(coset::iana::Algorithm::ES256)
            .value(16, typ())
            .build()
    };
    let kid = || HeaderBuilder::new().key_id(b"k".to_vec()).build();
    let sign = |p, u, payload| sign_raw(p, u, payload, &signer);
    let code_ours = |cwt: &[u8]| {
        ours("k")
            .verify_status_list_cwt(cwt, URI)
            .unwrap_err()
            .code()
    };
    // No typ; typ in the unprotected header; another typ; a crit header.
    let no_typ = sign(
        HeaderBuilder::new()
            .algorithm(coset::iana::Algorithm::ES256)
            .build(),
        kid(),
        payload_ex.clone(),
    )
    .await;
    assert_eq!(
        code_ours(&no_typ),
        "STATUS_LIST_TOKEN_INVALID",
        "missing typ"
    );
    let typ_unprotected = sign(
        HeaderBuilder::new()
            .algorithm(coset::iana::Algorithm::ES256)
            .build(),
        HeaderBuilder::new()
            .key_id(b"k".to_vec())
            .value(16, typ())
            .build(),
        payload_ex.clone(),
    )
    .await;
    assert_eq!(code_ours(&typ_unprotected), "STATUS_LIST_TOKEN_INVALID");
    let jwt_typ = sign(
        HeaderBuilder::new()
            .algorithm(coset::iana::Algorithm::ES256)
            .value(16, C::Text("application/statuslist+jwt".into()))
            .build(),
        kid(),
        payload_ex.clone(),
    )
    .await;
    assert_eq!(code_ours(&jwt_typ), "STATUS_LIST_TOKEN_INVALID");
    let crit = sign(
        HeaderBuilder::new()
            .algorithm(coset::iana::Algorithm::ES256)
            .value(16, typ())
            .add_critical(coset::iana::HeaderParameter::Kid)
            .build(),
        kid(),
        payload_ex.clone(),
    )
    .await;
    assert_eq!(code_ours(&crit), "STATUS_LIST_TOKEN_INVALID");
    // The same well-formed payload verifies: the refusals above are the headers'.
    let fine = sign(good_protected(), kid(), payload_ex.clone()).await;
    assert!(ours("k").verify_status_list_cwt(&fine, URI).is_ok());

    // Claims: a repeated claim, missing sub / iat / status_list, wrong types, a bad list.
    let claims: Vec<(C, C)> = match ciborium::de::from_reader(payload_ex.as_slice()).unwrap() {
        C::Map(m) => m,
        _ => unreachable!(),
    };
    let without = |label: i64| -> Vec<(C, C)> {
        claims
            .iter()
            .filter(|(k, _)| *k != C::Integer(label.into()))
            .cloned()
            .collect()
    };
    let with = |label: i64, value: C| -> Vec<(C, C)> {
        let mut m = without(label);
        m.push((C::Integer(label.into()), value));
        m
    };
    let mut repeated = claims.clone();
    repeated.push((C::Integer(2.into()), C::Text(URI.into())));
    let status_list_as_text = with(65533, C::Text("eNrbuRgAAhcBXQ".into()));
    let cases: Vec<(&str, Claims, &str)> = vec![
        ("repeated sub", repeated, "STATUS_LIST_TOKEN_INVALID"),
        ("no sub", without(2), "STATUS_LIST_TOKEN_INVALID"),
        ("no iat", without(6), "STATUS_LIST_TOKEN_INVALID"),
        (
            "no status_list",
            without(65533),
            "STATUS_LIST_TOKEN_INVALID",
        ),
        (
            "sub as bytes",
            with(2, C::Bytes(URI.into())),
            "STATUS_LIST_TOKEN_INVALID",
        ),
        (
            "iat as text",
            with(6, C::Text("1".into())),
            "STATUS_LIST_TOKEN_INVALID",
        ),
        (
            "ttl zero",
            with(65534, C::Integer(0.into())),
            "STATUS_LIST_TOKEN_INVALID",
        ),
        (
            "status_list as text",
            status_list_as_text,
            "TOKEN_STATUS_LIST_INVALID",
        ),
        (
            "status_list with an unknown key",
            with(
                65533,
                C::Map(vec![
                    (C::Text("bits".into()), C::Integer(1.into())),
                    (C::Text("lst".into()), C::Bytes(hex("78dadbb918000217015d"))),
                    (C::Text("x".into()), C::Integer(1.into())),
                ]),
            ),
            "TOKEN_STATUS_LIST_INVALID",
        ),
    ];
    for (what, claims, expected) in cases {
        let cwt = sign(good_protected(), kid(), cbor(&C::Map(claims))).await;
        assert_eq!(code_ours(&cwt), expected, "{what}");
    }
    // Other claims (of other specifications) are allowed, as the draft says; once each.
    let mut other = claims.clone();
    other.push((C::Integer(7.into()), C::Bytes(vec![1])));
    other.push((C::Text("x-claim".into()), C::Bool(true)));
    let cwt = sign(good_protected(), kid(), cbor(&C::Map(other.clone()))).await;
    assert!(ours("k").verify_status_list_cwt(&cwt, URI).is_ok());
    other.push((C::Text("x-claim".into()), C::Bool(false)));
    let cwt = sign(good_protected(), kid(), cbor(&C::Map(other))).await;
    assert_eq!(
        code_ours(&cwt),
        "STATUS_LIST_TOKEN_INVALID",
        "repeated text claim"
    );
    // A payload that is not a map.
    let cwt = sign(good_protected(), kid(), cbor(&C::Array(vec![]))).await;
    assert_eq!(code_ours(&cwt), "STATUS_LIST_TOKEN_INVALID");
    // A duplicate header label (coset refuses it while decoding).
    let sign1 = coset::CoseSign1::from_tagged_slice(&example).unwrap();
    let mut value = sign1.to_cbor_value().unwrap();
    if let C::Array(items) = &mut value {
        items[1] = C::Map(vec![
            (C::Integer(4.into()), C::Bytes(b"12".to_vec())),
            (C::Integer(4.into()), C::Bytes(b"12".to_vec())),
        ]);
    }
    let dup = cbor(&C::Tag(18, Box::new(value)));
    assert_eq!(code(&dup), "STATUS_LIST_TOKEN_INVALID", "duplicate kid");
}

#[tokio::test]
async fn claims_without_a_cwt_mapping_are_refused_not_dropped() {
    let mut claims = draft_claims();
    claims["aud"] = "https://verifier.example".into();
    let err = status_list_cwt_claims(&claims).unwrap_err();
    assert_eq!(err.code(), "INTERNAL_ERROR");
    let mut claims = draft_claims();
    claims["status_list"]["extra"] = 1.into();
    assert_eq!(
        status_list_cwt_claims(&claims).unwrap_err().code(),
        "INTERNAL_ERROR"
    );
    let mut claims = draft_claims();
    claims["iat"] = "now".into();
    assert_eq!(
        status_list_cwt_claims(&claims).unwrap_err().code(),
        "INTERNAL_ERROR"
    );
    // With an issuer, iss (1) comes right after sub, as in the JSON claims.
    let mut claims = draft_claims();
    claims["iss"] = "did:example:issuer".into();
    let bytes = status_list_cwt_claims(&claims).unwrap();
    let C::Map(map) = ciborium::de::from_reader(bytes.as_slice()).unwrap() else {
        panic!()
    };
    let labels: Vec<_> = map
        .iter()
        .map(|(k, _)| i128::from(k.as_integer().unwrap()))
        .collect();
    assert_eq!(labels, [2, 1, 6, 4, 65534, 65533]);
}
