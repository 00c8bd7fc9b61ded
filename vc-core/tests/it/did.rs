//! DIDs, DID URLs, `did:key`, multibase and multicodec against the DID Core ABNF and shared vectors.

use vc_core::did::{Did, DidUrl};
use vc_core::did_key::{DidKey, KeyType};
use vc_core::{multibase, multicodec};

const KEY_PAIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/vc-di-eddsa/keyPair.json"
);

/// The P-256 example of the did:key method specification.
const P256_DID: &str = "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169";

const VALID_DIDS: &[(&str, &str, &str)] = &[
    (
        "did:example:123456789abcdefghi",
        "example",
        "123456789abcdefghi",
    ),
    ("did:web:example.com", "web", "example.com"),
    ("did:web:example.com%3A8443", "web", "example.com%3A8443"),
    (
        "did:web:example.com:user:alice",
        "web",
        "example.com:user:alice",
    ),
    ("did:ex::a", "ex", ":a"),
    ("did:ex:a::b", "ex", "a::b"),
    ("did:ex:a%2Fb%2f", "ex", "a%2Fb%2f"),
    ("did:ex:A.B-C_D", "ex", "A.B-C_D"),
    ("did:ex2:0", "ex2", "0"),
    ("did:0:x", "0", "x"),
    (
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "key",
        "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    ),
    (
        P256_DID,
        "key",
        "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
    ),
    (
        "did:ion:EiClkZMDxPKqC9c-umQfTkR8vvZ9JPhl_xLDI9Nfk38w5w",
        "ion",
        "EiClkZMDxPKqC9c-umQfTkR8vvZ9JPhl_xLDI9Nfk38w5w",
    ),
    (
        "did:pkh:eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a",
        "pkh",
        "eip155:1:0xb9c5714089478a327f09197987f16f9e5d936e8a",
    ),
    ("did:ex:%41", "ex", "%41"),
    ("did:ex:_", "ex", "_"),
];

const INVALID_DIDS: &[(&str, &str)] = &[
    ("", "missing did: scheme"),
    ("example:123", "missing did: scheme"),
    ("DID:example:123", "missing did: scheme"),
    ("did:", "empty method name"),
    ("did::123", "empty method name"),
    ("did:example", "missing ':' after method name"),
    (
        "did:Example:123",
        "method name must be lowercase letters and digits",
    ),
    (
        "did:EXAMPLE:123",
        "method name must be lowercase letters and digits",
    ),
    (
        "did:ex_ample:123",
        "method name must be lowercase letters and digits",
    ),
    ("did:example:", "empty method-specific id"),
    ("did:example:123:", "method-specific id ends with ':'"),
    ("did:ex::", "method-specific id ends with ':'"),
    ("did:example:%zz", "invalid percent-encoding"),
    ("did:ex:a%2", "invalid percent-encoding"),
    ("did:ex:a%", "invalid percent-encoding"),
    (
        "did:example:12 3",
        "invalid character in method-specific id",
    ),
    (" did:example:123", "missing did: scheme"),
    (
        "did:example:123 ",
        "invalid character in method-specific id",
    ),
    (
        "did:example:müller",
        "invalid character in method-specific id",
    ),
    (
        "did:exämple:1",
        "method name must be lowercase letters and digits",
    ),
    ("did:example:a~b", "invalid character in method-specific id"),
    ("did:example:a@b", "invalid character in method-specific id"),
    (
        "did:example:123#frag",
        "a DID has no path, query or fragment (that is a DID URL)",
    ),
    (
        "did:example:123/path",
        "a DID has no path, query or fragment (that is a DID URL)",
    ),
];

/// (input, did, path, query, fragment)
type UrlCase = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const VALID_URLS: &[UrlCase] = &[
    ("did:example:123", "did:example:123", None, None, None),
    ("did:example:123?service=x#frag", "did:example:123", None, Some("service=x"), Some("frag")),
    ("did:example:123/path/to;p", "did:example:123", Some("/path/to;p"), None, None),
    ("did:example:123#key-1", "did:example:123", None, None, Some("key-1")),
    ("did:example:123/", "did:example:123", Some("/"), None, None),
    ("did:example:123//a", "did:example:123", Some("//a"), None, None),
    ("did:example:123?", "did:example:123", None, Some(""), None),
    ("did:example:123#", "did:example:123", None, None, Some("")),
    ("did:example:123?versionTime=2021-05-10T17:00:00Z", "did:example:123", None, Some("versionTime=2021-05-10T17:00:00Z"), None),
    ("did:example:123?a=1&b=2/c?d", "did:example:123", None, Some("a=1&b=2/c?d"), None),
    ("did:example:123#/a?b", "did:example:123", None, None, Some("/a?b")),
    ("did:example:123/a%20b?q=%C3%BC#f%2F", "did:example:123", Some("/a%20b"), Some("q=%C3%BC"), Some("f%2F")),
    ("did:web:example.com%3A8443/user/alice#key", "did:web:example.com%3A8443", Some("/user/alice"), None, Some("key")),
    ("did:ex::a/p", "did:ex::a", Some("/p"), None, None),
    ("did:ex:1/!$&'()*+,;=:@-._~", "did:ex:1", Some("/!$&'()*+,;=:@-._~"), None, None),
    (
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        None,
        None,
        Some("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"),
    ),
];

const INVALID_URLS: &[(&str, &str)] = &[
    ("#key-1", "missing did: scheme"),
    ("/path", "missing did: scheme"),
    (
        "did:Example:123#a",
        "method name must be lowercase letters and digits",
    ),
    ("did:example#a", "missing ':' after method name"),
    ("did:example:#a", "empty method-specific id"),
    ("did:example:/a", "empty method-specific id"),
    ("did:example:123:#a", "method-specific id ends with ':'"),
    ("did:example:123:/a", "method-specific id ends with ':'"),
    ("did:example:%zz/a", "invalid percent-encoding"),
    ("did:example:123/a%2", "invalid percent-encoding"),
    ("did:example:123?q=%zz", "invalid percent-encoding"),
    ("did:example:123#%", "invalid percent-encoding"),
    ("did:example:123/a b", "invalid character in path"),
    ("did:example:123/ü", "invalid character in path"),
    ("did:example:123/a[1]", "invalid character in path"),
    ("did:example:123?a b", "invalid character in query"),
    ("did:example:123?a\"b", "invalid character in query"),
    ("did:example:123#a#b", "invalid character in fragment"),
    ("did:example:123#a b", "invalid character in fragment"),
    ("did:example:123#<x>", "invalid character in fragment"),
    (
        "did:example:1 23#a",
        "invalid character in method-specific id",
    ),
];

#[test]
fn valid_dids() {
    for &(input, method, msid) in VALID_DIDS {
        let did = Did::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(did.as_str(), input);
        assert_eq!(did.method(), method, "{input}");
        assert_eq!(did.method_specific_id(), msid, "{input}");
        assert_eq!(did.to_string(), input);
        assert_eq!(input.parse::<Did>().unwrap(), did);
        assert_eq!(Did::try_from(input.to_owned()).unwrap(), did);
        // Every DID is also a bare DID URL.
        let url = DidUrl::parse(input).unwrap();
        assert!(url.is_bare_did(), "{input}");
        assert_eq!(url.to_did(), did);
    }
}

#[test]
fn invalid_dids() {
    for &(input, expected) in INVALID_DIDS {
        let err = Did::parse(input).expect_err(input);
        assert_eq!(err.code(), "INVALID_DID", "{input}");
        match &err {
            vc_core::Error::InvalidDid {
                input: echoed,
                reason,
            } => {
                assert_eq!(*reason, expected, "{input}");
                assert_eq!(echoed, input);
            }
            other => panic!("{input}: {other:?}"),
        }
        assert!(input.parse::<Did>().is_err());
        assert!(Did::try_from(input.to_owned()).is_err());
    }
}

#[test]
fn valid_did_urls() {
    for &(input, did, path, query, fragment) in VALID_URLS {
        let url = DidUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(url.as_str(), input);
        assert_eq!(url.did_str(), did, "{input}");
        assert_eq!(url.to_did().as_str(), did, "{input}");
        assert_eq!(url.path(), path, "{input}");
        assert_eq!(url.query(), query, "{input}");
        assert_eq!(url.fragment(), fragment, "{input}");
        assert_eq!(url.is_bare_did(), input == did, "{input}");
        assert_eq!(url.to_string(), input);
        assert_eq!(input.parse::<DidUrl>().unwrap(), url);
    }
}

#[test]
fn invalid_did_urls() {
    for &(input, expected) in INVALID_URLS {
        let err = DidUrl::parse(input).expect_err(input);
        assert_eq!(err.code(), "INVALID_DID_URL", "{input}");
        match &err {
            vc_core::Error::InvalidDidUrl { reason, .. } => {
                assert_eq!(*reason, expected, "{input}")
            }
            other => panic!("{input}: {other:?}"),
        }
    }
}

#[test]
fn oversized_input_is_rejected_quickly() {
    let huge = format!("did:ex:{}", "a".repeat(1 << 20));
    // Rejected by the length check up front, before any scanning.
    match Did::parse(&huge).unwrap_err() {
        vc_core::Error::InvalidDid { reason, .. } => assert_eq!(reason, "longer than 4096 bytes"),
        other => panic!("{other:?}"),
    }
    assert_eq!(DidUrl::parse(&huge).unwrap_err().code(), "INVALID_DID_URL");
    let at_limit = format!("did:ex:{}", "a".repeat(vc_core::did::MAX_LEN - 7));
    assert!(Did::parse(&at_limit).is_ok());
    // The error echoes a bounded excerpt, not the megabyte.
    assert!(Did::parse(&huge).unwrap_err().to_string().len() < 400);
}

#[test]
fn serde_validates() {
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Holder {
        issuer: Did,
        verification_method: DidUrl,
    }
    let json = r#"{"issuer":"did:example:123","verification_method":"did:example:123#key-1"}"#;
    let holder: Holder = serde_json::from_str(json).unwrap();
    assert_eq!(holder.verification_method.fragment(), Some("key-1"));
    assert_eq!(serde_json::to_string(&holder).unwrap(), json);
    let bad = r#"{"issuer":"did:example:","verification_method":"did:example:123"}"#;
    let err = serde_json::from_str::<Holder>(bad).err().unwrap();
    assert!(
        err.to_string().contains("empty method-specific id"),
        "{err}"
    );
}

fn key_pair() -> serde_json::Value {
    let text = std::fs::read_to_string(KEY_PAIR).unwrap_or_else(|e| panic!("{KEY_PAIR}: {e}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn eddsa_vector_public_key_round_trips() {
    let pair = key_pair();
    let public = pair["publicKeyMultibase"].as_str().unwrap();
    let key = DidKey::from_multikey(public).unwrap();
    assert_eq!(key.key_type(), KeyType::Ed25519);
    assert_eq!(key.public_key().len(), 32);
    assert_eq!(key.multikey(), public);
    assert_eq!(
        DidKey::new(KeyType::Ed25519, key.public_key())
            .unwrap()
            .multikey(),
        public
    );

    let did = key.did();
    assert_eq!(did.as_str(), format!("did:key:{public}"));
    assert_eq!(DidKey::from_did(&did).unwrap(), key);
    assert_eq!(DidKey::parse(did.as_str()).unwrap(), key);

    let vm_id = key.verification_method_id();
    assert_eq!(vm_id.as_str(), format!("did:key:{public}#{public}"));
    assert_eq!(vm_id.fragment(), Some(public));
    assert_eq!(DidKey::parse(vm_id.as_str()).unwrap(), key);
    assert_eq!(did.join_fragment(public).unwrap(), vm_id);

    let vm = key.verification_method();
    assert_eq!(vm["type"], "Multikey");
    assert_eq!(vm["controller"], did.as_str());
    assert_eq!(vm["publicKeyMultibase"], public);
    let doc = key.did_document();
    assert_eq!(doc["id"], did.as_str());
    assert_eq!(doc["@context"][1], "https://w3id.org/security/multikey/v1");
    assert_eq!(doc["verificationMethod"][0], vm);
    for rel in [
        "authentication",
        "assertionMethod",
        "capabilityInvocation",
        "capabilityDelegation",
    ] {
        assert_eq!(doc[rel], serde_json::json!([vm_id.as_str()]), "{rel}");
    }
}

#[test]
fn eddsa_vector_private_key_decodes() {
    let pair = key_pair();
    let private = pair["privateKeyMultibase"].as_str().unwrap();
    let bytes = multibase::decode(private).unwrap();
    let (code, seed) = multicodec::decode(&bytes).unwrap();
    assert_eq!(code, multicodec::ED25519_PRIV);
    assert_eq!(code, 0x1300);
    assert_eq!(seed.len(), 32);
    assert_eq!(
        multibase::encode_base58btc(&multicodec::encode(code, seed)),
        private
    );
    // A private multikey is not a public one.
    let err = DidKey::from_multikey(private).unwrap_err();
    assert_eq!(err.code(), "INVALID_DID_KEY");
}

#[test]
fn p256_did_key_round_trips() {
    let key = DidKey::parse(P256_DID).unwrap();
    assert_eq!(key.key_type(), KeyType::P256);
    assert_eq!(key.public_key().len(), 33);
    assert!(matches!(key.public_key()[0], 0x02 | 0x03));
    assert_eq!(key.did().as_str(), P256_DID);
    let again = DidKey::new(KeyType::P256, key.public_key()).unwrap();
    assert_eq!(again.did().as_str(), P256_DID);
    assert_eq!(again, key);
    let bytes = multibase::decode_base58btc(&key.multikey()).unwrap();
    let (code, raw) = multicodec::decode(&bytes).unwrap();
    assert_eq!(code, multicodec::P256_PUB);
    assert_eq!(raw, key.public_key());
}

#[test]
fn did_key_errors() {
    let cases = [
        (
            "did:example:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "INVALID_DID_KEY",
        ),
        ("did:key:u7QFbQ", "INVALID_DID_KEY"),
        ("did:key:z0OIl", "INVALID_DID_KEY"),
        (
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
            "INVALID_DID_KEY",
        ), // secp256k1
        (
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#other",
            "INVALID_DID_KEY",
        ),
        (
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2?x=1",
            "INVALID_DID_KEY",
        ),
        ("did:key:", "INVALID_DID"),
        ("did:key:z6Mk#a b", "INVALID_DID_URL"),
    ];
    for (input, code) in cases {
        assert_eq!(DidKey::parse(input).unwrap_err().code(), code, "{input}");
    }
    let truncated = multibase::encode_base58btc(&[0xed, 0x01, 1, 2, 3]);
    assert_eq!(
        DidKey::from_multikey(&truncated).unwrap_err().code(),
        "INVALID_DID_KEY"
    );
}

#[test]
fn multibase_round_trips_and_errors() {
    let samples: [&[u8]; 5] = [
        b"",
        b"\0",
        b"\0\0hello",
        b"Multibase is awesome! \\o/",
        &[0xff; 64],
    ];
    for bytes in samples {
        let z = multibase::encode_base58btc(bytes);
        assert!(z.starts_with('z'));
        assert_eq!(multibase::decode(&z).unwrap(), bytes);
        let u = multibase::encode_base64url(bytes);
        assert!(u.starts_with('u'));
        assert!(!u.contains('='));
        assert_eq!(multibase::decode(&u).unwrap(), bytes);
    }
    // Known values from the multibase test vectors.
    assert_eq!(
        multibase::encode_base58btc(b"Multibase is awesome! \\o/"),
        "zYAjKoNbau5KiqmHPmSxYCvn66dA1vLmwbt"
    );
    assert_eq!(
        multibase::encode_base64url(b"Multibase is awesome! \\o/"),
        "uTXVsdGliYXNlIGlzIGF3ZXNvbWUhIFxvLw"
    );

    for bad in [
        "", "Mabc", "zabc0", "zabc l", "uab=", "uab+/", "u@@", "Zabc", "U", "é",
    ] {
        assert_eq!(
            multibase::decode(bad).unwrap_err().code(),
            "INVALID_MULTIBASE",
            "{bad:?}"
        );
    }
    assert!(multibase::decode_base58btc("uabc").is_err());
    assert!(multibase::decode_base64url("zabc").is_err());
    assert!(multibase::base58_decode("0").is_err());
    assert_eq!(
        multibase::base58_decode(&multibase::base58_encode(b"abc")).unwrap(),
        b"abc"
    );
}
