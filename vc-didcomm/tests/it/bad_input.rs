use serde_json::json;
use vc_didcomm::aries::AriesMessage;
use vc_didcomm::iota::IotaMessage;
use vc_didcomm::{Message, MessageLimits};

fn iota(body: serde_json::Value, type_: &str) -> vc_didcomm::Error {
    let message = Message::builder(type_, body).build().unwrap();
    IotaMessage::from_message(&message).unwrap_err()
}

#[test]
fn unknown_message_type() {
    let message = Message::builder("didcomm:iota/issuance/0.1/issuance-bribe", json!({}))
        .build()
        .unwrap();
    assert_eq!(
        IotaMessage::from_message(&message).unwrap_err().code(),
        "UNKNOWN_MESSAGE_TYPE"
    );
    assert_eq!(
        AriesMessage::from_message(&message).unwrap_err().code(),
        "UNKNOWN_MESSAGE_TYPE"
    );
}

#[test]
fn missing_required_fields() {
    use vc_didcomm::iota::*;
    for (type_, body, field) in [
        (
            ISSUANCE_REQUEST,
            json!({"type": ["VerifiableCredential"]}),
            "subject",
        ),
        (
            ISSUANCE_REQUEST,
            json!({"subject": "did:example:a"}),
            "type",
        ),
        (
            ISSUANCE_OFFER,
            json!({"expiry": "2021-01-05T20:07:24Z"}),
            "unsignedCredential",
        ),
        (ISSUANCE_RESPONSE, json!({"disputes": []}), "accepted"),
        (ISSUANCE, json!({}), "signedCredential"),
        (
            ISSUANCE_RESPONSE,
            json!({"accepted": true, "signature": {"signatureChallenge": {"challenge": "c", "credentialHash": "h"}}}),
            "proof",
        ),
        (
            ISSUANCE_RESPONSE,
            json!({"accepted": true, "signature": {"signatureChallenge": {"challenge": "c"}, "proof": {"type": "x"}}}),
            "credentialHash",
        ),
    ] {
        let err = iota(body, type_);
        assert_eq!(err.code(), "MISSING_FIELD", "{type_}: {err}");
        assert!(
            matches!(&err, vc_didcomm::Error::MissingField { field: f } if f == field),
            "{err}"
        );
    }
    let err = AriesMessage::from_message(
        &Message::builder(vc_didcomm::aries::OFFER_CREDENTIAL, json!({}))
            .build()
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "MISSING_FIELD");
}

#[test]
fn wrong_field_types() {
    use vc_didcomm::iota::*;
    for (type_, body) in [
        (
            ISSUANCE_REQUEST,
            json!({"subject": 42, "type": ["VerifiableCredential"]}),
        ),
        (
            ISSUANCE_REQUEST,
            json!({"subject": "not a did", "type": ["VerifiableCredential"]}),
        ),
        (
            ISSUANCE_REQUEST,
            json!({"subject": "did:example:a", "type": "VerifiableCredential"}),
        ),
        (
            ISSUANCE_REQUEST,
            json!({"subject": "did:example:a", "type": []}),
        ),
        (
            ISSUANCE_OFFER,
            json!({"unsignedCredential": "a credential"}),
        ),
        (ISSUANCE_RESPONSE, json!({"accepted": "yes"})),
        (
            ISSUANCE_RESPONSE,
            json!({"accepted": false, "disputes": {"a": 1}}),
        ),
        (ISSUANCE_ACKNOWLEDGMENT, json!({"signature": []})),
    ] {
        let err = iota(body.clone(), type_);
        assert_eq!(err.code(), "INVALID_FIELD", "{type_} {body}: {err}");
    }
    // Envelope fields.
    for text in [
        json!({"id": 1, "type": "t", "body": {}}),
        json!({"id": "", "type": "t", "body": {}}),
        json!({"id": "a", "type": "t", "body": "text"}),
        json!({"id": "a", "type": "t", "body": {}, "to": "did:example:a"}),
        json!({"id": "a", "type": "t", "body": {}, "from": "mailto:a@b"}),
        json!({"id": "a", "type": "t", "body": {}, "created_time": -1}),
    ] {
        let err = Message::from_slice(text.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.code(), "INVALID_FIELD", "{text}: {err}");
    }
    let err = Message::from_slice(br#"{"type": "t", "body": {}}"#).unwrap_err();
    assert_eq!(err.code(), "MISSING_FIELD");
    for garbage in [&b""[..], b"{", b"nul", b"{\"id\":\"a\",}", &[0xff, 0xfe]] {
        assert_eq!(
            Message::from_slice(garbage).unwrap_err().code(),
            "MALFORMED_JSON"
        );
    }
}

#[test]
fn oversized_messages() {
    let big = json!({"id": "a", "type": "t", "body": {"pad": "x".repeat(2 * 1024 * 1024)}});
    let err = Message::from_slice(big.to_string().as_bytes()).unwrap_err();
    assert_eq!(err.code(), "MESSAGE_TOO_LARGE");
    let small = MessageLimits::max_bytes(100);
    let err = Message::from_slice_with_limits(&[b' '; 101], &small).unwrap_err();
    assert_eq!(err.code(), "MESSAGE_TOO_LARGE");
    let many: Vec<_> = (0..100)
        .map(|i| json!({"id": i.to_string(), "data": {"json": 1}}))
        .collect();
    let text = json!({"id": "a", "type": "t", "body": {}, "attachments": many});
    let err = Message::from_slice(text.to_string().as_bytes()).unwrap_err();
    assert_eq!(err.code(), "MESSAGE_TOO_LARGE");
    // Deep nesting is refused by the parser, not by the stack.
    let deep = format!(
        "{{\"id\":\"a\",\"type\":\"t\",\"body\":{{\"x\":{}{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let err = Message::from_slice(deep.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");
    let long_id = json!({"id": "a".repeat(300), "type": "t", "body": {}});
    assert_eq!(
        Message::from_slice(long_id.to_string().as_bytes())
            .unwrap_err()
            .code(),
        "INVALID_FIELD"
    );
}

/// A message `depth` levels deep: the message object, its body, then nested objects.
fn message_of_depth(depth: usize) -> String {
    let nested = depth - 1;
    format!(
        r#"{{"id": "a", "type": "t", "body": {}1{}}}"#,
        r#"{"a": "#.repeat(nested),
        "}".repeat(nested)
    )
}

#[test]
fn nesting_at_the_limit_parses_and_one_past_is_refused() {
    let limit = MessageLimits::DEFAULT.max_depth;
    assert!(Message::from_slice(message_of_depth(limit).as_bytes()).is_ok());
    let err = Message::from_slice(message_of_depth(limit + 1).as_bytes()).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");
    let value: serde_json::Value = serde_json::from_str(&message_of_depth(limit + 1)).unwrap();
    assert_eq!(
        Message::from_value(value).unwrap_err().code(),
        "NESTING_TOO_DEEP"
    );
    let tight = MessageLimits::DEFAULT.with_max_depth(3);
    assert!(Message::from_slice_with_limits(message_of_depth(3).as_bytes(), &tight).is_ok());
    let err = Message::from_slice_with_limits(message_of_depth(4).as_bytes(), &tight).unwrap_err();
    assert_eq!(err.code(), "NESTING_TOO_DEEP");
}

#[test]
fn a_header_given_twice_is_refused() {
    let text = r#"{"id": "a", "type": "t", "from": "did:ex:a", "from": "did:ex:b", "body": {}}"#;
    let err = Message::from_slice(text.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "DUPLICATE_KEY");
    let text = r#"{"id": "a", "type": "t", "body": {"goal": 1, "goal": 2}}"#;
    let err = Message::from_slice(text.as_bytes()).unwrap_err();
    assert_eq!(err.code(), "DUPLICATE_KEY");
}

/// The fuzz harness over mutations of the seed corpus: the same function `cargo fuzz` runs.
#[test]
fn fuzz_harness_over_mutated_corpus() {
    use rand::{Rng, SeedableRng};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/parse_message");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("seed-")
        })
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "seed corpus missing");
    for seed in &seeds {
        assert!(
            Message::from_slice(seed).is_ok(),
            "seeds are valid messages"
        );
    }
    let tokens: [&[u8]; 12] = [
        b"null",
        b"{}",
        b"[]",
        b"\"\"",
        b"1e999",
        b"-1",
        b"true",
        b"\"did:example:x\"",
        b"{\"json\":1}",
        b"\"\\u0000\"",
        b"18446744073709551616",
        b"\"didcomm:iota/issuance/0.1/issuance\"",
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    let mut runs = 0;
    for _ in 0..20_000 {
        let mut input = seeds[rng.gen_range(0..seeds.len())].clone();
        for _ in 0..rng.gen_range(1..4) {
            if input.is_empty() {
                break;
            }
            let at = rng.gen_range(0..input.len());
            match rng.gen_range(0..5) {
                0 => input[at] = rng.gen(),
                1 => {
                    input.remove(at);
                }
                2 => {
                    let end = (at + rng.gen_range(1..64)).min(input.len());
                    input.drain(at..end);
                }
                3 => {
                    let token = tokens[rng.gen_range(0..tokens.len())];
                    input.splice(at..at, token.iter().copied());
                }
                _ => {
                    // Replace a JSON value following a colon with a token.
                    if let Some(colon) = input[at..].iter().position(|b| *b == b':') {
                        let start = at + colon + 1;
                        let end = input[start..]
                            .iter()
                            .position(|b| matches!(b, b',' | b'}'))
                            .map_or(input.len(), |p| start + p);
                        let token = tokens[rng.gen_range(0..tokens.len())];
                        input.splice(start..end, token.iter().copied());
                    }
                }
            }
        }
        vc_didcomm::fuzz_harness::parse_message(&input);
        runs += 1;
    }
    assert_eq!(runs, 20_000);
}
