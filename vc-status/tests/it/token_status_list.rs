//! The IETF Token Status List: the draft's published examples (`shared/vectors/token-status-list/`,
//! draft 20) byte for byte, hostile `status_list` objects, and a Token Status List registry.

use std::sync::Arc;

use serde_json::{json, Value};
use time::macros::datetime;
use vc_core::FixedClock;
use vc_status::store::MemoryStore;
use vc_status::{
    status_list_cbor_from_json, status_list_reference, status_list_token_claims, ListFormat,
    StatusListTokenParams, StatusPurpose, StatusRegistry, StatusSize, TokenStatusList,
};

use crate::support::shared;

fn read(path: &str) -> String {
    let path = shared(&format!("vectors/token-status-list/{path}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// The `status_list` object of an example file (its `lst` wrapped at 68 columns).
fn example(name: &str) -> Value {
    let text = read(&format!("examples/{name}"));
    let start = text.find('{').unwrap();
    let unwrapped: String = text[start..]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    serde_json::from_str(&unwrapped).unwrap()
}

/// `status[i] = 0b...` lines.
fn statuses(name: &str) -> Vec<(u64, u8)> {
    read(&format!("inline/{name}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            // One line of the draft has no space before `=`.
            let (left, right) = line.split_once("= 0b").unwrap();
            let index = left
                .trim()
                .trim_start_matches("status[")
                .trim_end_matches(']');
            (
                index.parse().unwrap(),
                u8::from_str_radix(right.trim(), 2).unwrap(),
            )
        })
        .collect()
}

const CASES: [(&str, &str, u8); 6] = [
    (
        "status_list_encoding_json.md",
        "status_list_1bit_statuses.txt",
        1,
    ),
    (
        "status_list_encoding2_json.md",
        "status_list_2bit_statuses.txt",
        2,
    ),
    (
        "status_list_encoding1_long_json.md",
        "status_list_1bit_long_statuses.txt",
        1,
    ),
    (
        "status_list_encoding2_long_json.md",
        "status_list_2bit_long_statuses.txt",
        2,
    ),
    (
        "status_list_encoding4_json.md",
        "status_list_4bit_long_statuses.txt",
        4,
    ),
    (
        "status_list_encoding8_json.md",
        "status_list_8bit_long_statuses.txt",
        8,
    ),
];

#[test]
fn every_example_decodes_to_its_statuses_and_nothing_else() {
    for (file, statuses_file, bits) in CASES {
        let value = example(file);
        assert_eq!(value["bits"], u64::from(bits), "{file}");
        let list = TokenStatusList::from_value(&value, 16 << 20).unwrap();
        assert_eq!(list.bits().bits(), bits);
        let expected = statuses(statuses_file);
        for &(i, v) in &expected {
            assert_eq!(list.get(i).unwrap(), v, "{file} status[{i}]");
        }
        let nonzero = (0..list.entries())
            .filter(|&i| list.get(i).unwrap() != 0)
            .count();
        let expected_nonzero = expected.iter().filter(|(_, v)| *v != 0).count();
        assert_eq!(nonzero, expected_nonzero, "{file}: no other entry is set");
    }
}

#[test]
fn encoding_the_examples_statuses_gives_their_lst_byte_for_byte() {
    for (file, statuses_file, bits) in CASES {
        let value = example(file);
        // The number of entries the example's bytes hold (the long ones: 2^20).
        let entries = TokenStatusList::from_value(&value, 16 << 20)
            .unwrap()
            .entries();
        let mut ours = TokenStatusList::new(entries, StatusSize::new(bits).unwrap()).unwrap();
        for (i, v) in statuses(statuses_file) {
            ours.set(i, v).unwrap();
        }
        assert_eq!(ours.to_value(), value, "{file}");
    }
}

#[test]
fn the_first_examples_bytes_are_least_significant_bit_first() {
    let list = TokenStatusList::from_value(&example("status_list_encoding_json.md"), 64).unwrap();
    assert_eq!(list.as_bytes(), &[0xb9, 0xa3]);
    let list = TokenStatusList::from_value(&example("status_list_encoding2_json.md"), 64).unwrap();
    assert_eq!(list.as_bytes(), &[0xc9, 0x44, 0xf9]);
}

#[test]
fn status_list_token_claims_equal_the_drafts_example_payload() {
    let text = read("examples/status_list_jwt.md");
    // Header `{...}`, a line with `.`, then the payload.
    let payload = &text[text.find("\n.\n").unwrap() + 3..];
    let expected: Value = serde_json::from_str(payload).unwrap();
    let list = TokenStatusList::from_value(&example("status_list_encoding_json.md"), 64).unwrap();
    let claims = status_list_token_claims(&StatusListTokenParams {
        uri: "https://example.com/statuslists/1",
        issuer: None,
        list: &list,
        issued_at: time::OffsetDateTime::from_unix_timestamp(1_686_920_170).unwrap(),
        expires_at: Some(time::OffsetDateTime::from_unix_timestamp(2_291_720_170).unwrap()),
        ttl_secs: Some(43_200),
    });
    assert_eq!(claims, expected);
}

#[test]
fn hostile_status_lists_are_typed_errors() {
    let code = |v: Value, max: usize| TokenStatusList::from_value(&v, max).unwrap_err().code();
    let lst = "eNrbuRgAAhcBXQ";
    for bits in [0, 3, 5, 7, 9, 16] {
        assert_eq!(
            code(json!({"bits": bits, "lst": lst}), 64),
            "TOKEN_STATUS_LIST_INVALID"
        );
    }
    assert_eq!(
        code(json!({"bits": "1", "lst": lst}), 64),
        "TOKEN_STATUS_LIST_INVALID"
    );
    assert_eq!(code(json!({"bits": 1}), 64), "TOKEN_STATUS_LIST_INVALID");
    assert_eq!(
        code(json!({"bits": 1, "lst": 7}), 64),
        "TOKEN_STATUS_LIST_INVALID"
    );
    assert_eq!(code(json!([1]), 64), "TOKEN_STATUS_LIST_INVALID");
    // Padding, a non-base64url character, a GZIP stream, a truncated zlib stream.
    for bad in [
        "eNrbuRgAAhcBXQ==",
        "eNrbuRgAAhc+XQ",
        "H4sIAAAAAAAA",
        "eNrbuRgA",
    ] {
        assert_eq!(
            code(json!({"bits": 1, "lst": bad}), 64),
            "TOKEN_STATUS_LIST_INVALID",
            "{bad}"
        );
    }
    // An empty list.
    let empty = TokenStatusList::new(8, StatusSize::ONE).unwrap();
    let mut value = empty.to_value();
    let zero = {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&[]).unwrap();
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            e.finish().unwrap(),
        )
    };
    value["lst"] = zero.into();
    assert_eq!(code(value, 64), "TOKEN_STATUS_LIST_INVALID");
    // A zlib bomb: 16 MiB of zeros is about 16 KiB compressed; a 1 MiB limit stops it.
    let bomb = TokenStatusList::new(16 << 23, StatusSize::ONE)
        .unwrap()
        .to_value();
    assert!(bomb["lst"].as_str().unwrap().len() < 64 * 1024);
    assert_eq!(code(bomb, 1 << 20), "STATUS_LIST_TOO_LARGE");
    // Sizes the draft does not allow, values that do not fit, indexes outside.
    for bits in [3, 5, 6, 7] {
        let err = TokenStatusList::new(8, StatusSize::new(bits).unwrap()).unwrap_err();
        assert_eq!(err.code(), "TOKEN_STATUS_LIST_INVALID");
    }
    let mut list = TokenStatusList::new(16, StatusSize::TWO).unwrap();
    assert_eq!(list.set(3, 4).unwrap_err().code(), "STATUS_VALUE_ERROR");
    assert_eq!(list.set(16, 1).unwrap_err().code(), "RANGE_ERROR");
    assert_eq!(list.get(u64::MAX).unwrap_err().code(), "RANGE_ERROR");
    assert_eq!(
        TokenStatusList::new(u64::MAX, StatusSize::ONE)
            .unwrap_err()
            .code(),
        "STATUS_LIST_TOO_LARGE"
    );
}

#[test]
fn a_referenced_tokens_status_claim_is_read_strictly() {
    let good = json!({"status_list": {"idx": 7, "uri": "https://e.example/s/1"}});
    assert_eq!(
        status_list_reference(&good).unwrap(),
        (7, "https://e.example/s/1")
    );
    for bad in [
        json!({}),
        json!({"status_list": {"idx": -1, "uri": "https://e.example/s/1"}}),
        json!({"status_list": {"idx": "7", "uri": "https://e.example/s/1"}}),
        json!({"status_list": {"idx": 7}}),
        json!({"status_list": {"idx": 7, "uri": ""}}),
        json!({"status_list": [7]}),
    ] {
        assert_eq!(
            status_list_reference(&bad).unwrap_err().code(),
            "STATUS_ENTRY_INVALID",
            "{bad}"
        );
    }
}

fn token_registry(store: Arc<MemoryStore>) -> StatusRegistry {
    StatusRegistry::builder()
        .store(store)
        .list_url_template("https://issuer.example/statuslists/{list}")
        .issuer("https://issuer.example")
        .format(ListFormat::TokenStatusList)
        .namespace("tsl")
        .clock(Arc::new(FixedClock::new(datetime!(2026-01-01 00:00 UTC))))
        .validity(time::Duration::days(1))
        .ttl_ms(300_000)
        .build()
        .unwrap()
}

fn decoded(claims: &Value) -> TokenStatusList {
    TokenStatusList::from_value(&claims["status_list"], 16 << 20).unwrap()
}

#[tokio::test]
async fn a_token_status_list_registry_revokes_and_suspends_with_the_drafts_values() {
    let store = Arc::new(MemoryStore::new());
    let registry = token_registry(store.clone());
    assert!(!registry.supports(StatusPurpose::Refresh));
    let revocable = registry
        .allocate(StatusPurpose::Revocation, 3)
        .await
        .unwrap();
    let suspendable = registry
        .allocate(StatusPurpose::Suspension, 1)
        .await
        .unwrap();
    let claim = revocable[0].status_claim();
    let (idx, uri) = status_list_reference(&claim).unwrap();
    assert_eq!(idx, revocable[0].index().get());
    assert_eq!(uri, "https://issuer.example/statuslists/tsl-revocation-1");
    assert_eq!(claim.as_object().unwrap().len(), 1);

    let id = registry.list_id_from_url(uri).unwrap();
    let before = registry.list_credential(&id).await.unwrap();
    assert_eq!(before["sub"], uri);
    assert_eq!(before["iss"], "https://issuer.example");
    assert_eq!(before["iat"], 1_767_225_600);
    assert_eq!(before["exp"], 1_767_225_600 + 86_400);
    assert_eq!(before["ttl"], 300);
    assert_eq!(before["status_list"]["bits"], 1);
    assert_eq!(decoded(&before).entries(), 131_072);
    // Cached while nothing changes.
    assert!(Arc::ptr_eq(
        &before,
        &registry.list_credential(&id).await.unwrap()
    ));

    registry.revoke(&revocable[0]).await.unwrap();
    let after = registry.list_credential(&id).await.unwrap();
    assert!(!Arc::ptr_eq(&before, &after));
    let list = decoded(&after);
    assert_eq!(list.get(revocable[0].index().get()).unwrap(), 0x01);
    assert_eq!(list.get(revocable[1].index().get()).unwrap(), 0x00);
    assert_eq!(
        registry
            .set_status(&revocable[0], 0)
            .await
            .unwrap_err()
            .code(),
        "STATUS_IRREVERSIBLE"
    );

    // Suspension lists have 2-bit entries: SUSPENDED is 0x02, lifted back to VALID.
    let s = &suspendable[0];
    assert_eq!(s.status_size(), StatusSize::TWO);
    let sid = registry.list_id_from_url(s.list_credential()).unwrap();
    registry.suspend(s).await.unwrap();
    let claims = registry.list_credential(&sid).await.unwrap();
    assert_eq!(claims["status_list"]["bits"], 2);
    assert_eq!(decoded(&claims).get(s.index().get()).unwrap(), 0x02);
    assert_eq!(registry.status(s).await.unwrap(), 0x02);
    registry.unsuspend(s).await.unwrap();
    let claims = registry.list_credential(&sid).await.unwrap();
    assert_eq!(decoded(&claims).get(s.index().get()).unwrap(), 0x00);

    // Entries survive the store round trip (the status index keeps them as JSON).
    let back = vc_status::StatusEntry::from_value(revocable[2].to_value()).unwrap();
    assert_eq!(back, revocable[2]);
    assert_eq!(back.format(), ListFormat::TokenStatusList);
}

#[tokio::test]
async fn token_and_bitstring_registries_share_one_store_without_sharing_an_index() {
    let store = Arc::new(MemoryStore::new());
    let tokens = token_registry(store.clone());
    let bitstrings = StatusRegistry::builder()
        .store(store.clone())
        .list_url_template("https://issuer.example/status/{list}")
        .issuer("did:example:issuer")
        .build()
        .unwrap();
    let a = tokens
        .allocate(StatusPurpose::Revocation, 500)
        .await
        .unwrap();
    let w3c = bitstrings
        .allocate(StatusPurpose::Revocation, 500)
        .await
        .unwrap();
    let mut seen = std::collections::HashSet::new();
    for e in a.iter().chain(&w3c) {
        assert!(seen.insert((e.list_credential().to_owned(), e.index())));
    }
    // A Token Status List entry is refused by the Bitstring registry, and vice versa.
    assert_eq!(
        bitstrings.revoke(&a[0]).await.unwrap_err().code(),
        "STATUS_ENTRY_MISMATCH"
    );
    assert_eq!(
        tokens.revoke(&w3c[0]).await.unwrap_err().code(),
        "STATUS_ENTRY_MISMATCH"
    );
    // No message lists in the Token Status List format.
    let err = StatusRegistry::builder()
        .store(store)
        .list_url_template("https://issuer.example/s/{list}")
        .issuer("https://issuer.example")
        .format(ListFormat::TokenStatusList)
        .messages(
            StatusSize::TWO,
            (0..4u8)
                .map(|v| vc_status::StatusMessage::new(v, format!("m{v}")))
                .collect(),
        )
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "STATUS_CONFIG_ERROR");
}

/// The bytes of a `*_cbor.md` example: hex after `encoded:` (the long ones: the whole file),
/// wrapped at 68 columns.
fn cbor_example(name: &str) -> Vec<u8> {
    let text = read(&format!("examples/{name}"));
    let hex_part = text
        .split_once("encoded:")
        .map_or(text.as_str(), |(_, h)| h);
    let hex: String = hex_part.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(hex.len().is_multiple_of(2) && !hex.is_empty(), "{name}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn every_cbor_example_is_our_encoding_byte_for_byte_and_decodes_back() {
    for (file, statuses_file, bits) in CASES {
        let cbor_file = file.replace("_json.md", "_cbor.md");
        let expected = cbor_example(&cbor_file);
        let json = example(file);
        let entries = TokenStatusList::from_value(&json, 16 << 20)
            .unwrap()
            .entries();
        let mut ours = TokenStatusList::new(entries, StatusSize::new(bits).unwrap()).unwrap();
        for (i, v) in statuses(statuses_file) {
            ours.set(i, v).unwrap();
        }
        assert_eq!(ours.to_cbor().unwrap(), expected, "{cbor_file}");
        // The registry's cached JSON claim converts to the same bytes without inflating.
        assert_eq!(
            status_list_cbor_from_json(&json).unwrap(),
            expected,
            "{cbor_file}"
        );
        let back = TokenStatusList::from_cbor(&expected, 16 << 20).unwrap();
        assert_eq!(back, ours, "{cbor_file}");
        assert_eq!(back.bits().bits(), bits);
    }
}

#[test]
fn hostile_cbor_status_lists_are_typed_errors() {
    use ciborium::Value as C;
    let enc = |v: &C| {
        let mut out = Vec::new();
        ciborium::ser::into_writer(v, &mut out).unwrap();
        out
    };
    let zlib = vec![0x78, 0xda, 0xdb, 0xb9, 0x18, 0x00, 0x02, 0x17, 0x01, 0x5d];
    let t = |s: &str| C::Text(s.into());
    let good = |extra: Vec<(C, C)>| {
        let mut map = vec![
            (t("bits"), C::Integer(1.into())),
            (t("lst"), C::Bytes(zlib.clone())),
        ];
        map.extend(extra);
        C::Map(map)
    };
    let code =
        |bytes: &[u8], max: usize| TokenStatusList::from_cbor(bytes, max).unwrap_err().code();
    // The draft's optional aggregation_uri (a text string) is allowed.
    let with_uri = good(vec![(t("aggregation_uri"), t("https://e.example/agg"))]);
    assert_eq!(
        TokenStatusList::from_cbor(&enc(&with_uri), 64)
            .unwrap()
            .as_bytes(),
        &[0xb9, 0xa3]
    );
    let bad: Vec<(&str, C)> = vec![
        ("not a map", C::Array(vec![C::Integer(1.into())])),
        ("empty map", C::Map(vec![])),
        (
            "unknown key",
            good(vec![(t("extra"), C::Integer(1.into()))]),
        ),
        (
            "integer key",
            good(vec![(C::Integer(1.into()), C::Integer(1.into()))]),
        ),
        (
            "duplicate bits",
            good(vec![(t("bits"), C::Integer(1.into()))]),
        ),
        (
            "duplicate lst",
            good(vec![(t("lst"), C::Bytes(zlib.clone()))]),
        ),
        (
            "aggregation_uri not text",
            good(vec![(t("aggregation_uri"), C::Integer(1.into()))]),
        ),
        (
            "duplicate aggregation_uri",
            good(vec![
                (t("aggregation_uri"), t("https://e.example/a")),
                (t("aggregation_uri"), t("https://e.example/b")),
            ]),
        ),
        (
            "missing bits",
            C::Map(vec![(t("lst"), C::Bytes(zlib.clone()))]),
        ),
        (
            "missing lst",
            C::Map(vec![(t("bits"), C::Integer(1.into()))]),
        ),
        (
            "bits as text",
            C::Map(vec![
                (t("bits"), t("1")),
                (t("lst"), C::Bytes(zlib.clone())),
            ]),
        ),
        (
            "negative bits",
            C::Map(vec![
                (t("bits"), C::Integer((-1).into())),
                (t("lst"), C::Bytes(zlib.clone())),
            ]),
        ),
        (
            "bits 3",
            C::Map(vec![
                (t("bits"), C::Integer(3.into())),
                (t("lst"), C::Bytes(zlib.clone())),
            ]),
        ),
        (
            "lst as text (the JSON form)",
            C::Map(vec![
                (t("bits"), C::Integer(1.into())),
                (t("lst"), t("eNrbuRgAAhcBXQ")),
            ]),
        ),
        (
            "lst not zlib",
            C::Map(vec![
                (t("bits"), C::Integer(1.into())),
                (t("lst"), C::Bytes(vec![1, 2, 3])),
            ]),
        ),
        (
            "lst truncated",
            C::Map(vec![
                (t("bits"), C::Integer(1.into())),
                (t("lst"), C::Bytes(zlib[..6].to_vec())),
            ]),
        ),
        ("tagged", C::Tag(24, Box::new(good(vec![])))),
    ];
    for (what, value) in bad {
        assert_eq!(
            code(&enc(&value), 64),
            "TOKEN_STATUS_LIST_INVALID",
            "{what}"
        );
    }
    // Trailing bytes, a truncated item, no item.
    let mut trailing = enc(&good(vec![]));
    trailing.push(0x00);
    assert_eq!(code(&trailing, 64), "TOKEN_STATUS_LIST_INVALID");
    let whole = enc(&good(vec![]));
    assert_eq!(
        code(&whole[..whole.len() - 1], 64),
        "TOKEN_STATUS_LIST_INVALID"
    );
    assert_eq!(code(&[], 64), "TOKEN_STATUS_LIST_INVALID");
    // A byte string header claiming 2^62 bytes: refused, nothing allocated for it.
    let mut huge = vec![0xa2, 0x64];
    huge.extend_from_slice(b"bits");
    huge.extend_from_slice(&[0x01, 0x63]);
    huge.extend_from_slice(b"lst");
    huge.extend_from_slice(&[0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 0xaa]);
    assert_eq!(code(&huge, 64), "TOKEN_STATUS_LIST_INVALID");
    // A zlib bomb inflating past the limit, and an item larger than any list of that limit.
    let bomb = TokenStatusList::new(16 << 23, StatusSize::ONE)
        .unwrap()
        .to_cbor()
        .unwrap();
    assert_eq!(code(&bomb, 1 << 20), "STATUS_LIST_TOO_LARGE");
    assert_eq!(code(&vec![0u8; 200 * 1024], 1024), "STATUS_LIST_TOO_LARGE");
    // Converting a JSON status_list: unknown members are refused, not dropped.
    let json_code = |v: Value| status_list_cbor_from_json(&v).unwrap_err().code();
    let lst = "eNrbuRgAAhcBXQ";
    for v in [
        json!({"bits": 1, "lst": lst, "extra": true}),
        json!({"bits": 3, "lst": lst}),
        json!({"bits": 1}),
        json!({"lst": lst}),
        json!({"bits": 1, "lst": "eNrb+RgA"}),
        json!({"bits": 1, "lst": lst, "aggregation_uri": 7}),
        json!([1]),
    ] {
        assert_eq!(json_code(v.clone()), "TOKEN_STATUS_LIST_INVALID", "{v}");
    }
    let with_uri = json!({"bits": 1, "lst": lst, "aggregation_uri": "https://e.example/agg"});
    let cbor = status_list_cbor_from_json(&with_uri).unwrap();
    assert_eq!(
        TokenStatusList::from_cbor(&cbor, 64).unwrap().as_bytes(),
        &[0xb9, 0xa3]
    );
}
