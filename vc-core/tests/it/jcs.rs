//! RFC 8785 vectors: the cyberphone test data and the ES6 number serialization file.

use std::io::BufRead;

use serde_json::Value;
use vc_core::jcs;

use crate::{read_shared, shared};

#[test]
fn rfc8785_testdata_matches_byte_for_byte() {
    let dir = shared("vectors/jcs/testdata/input");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let input: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expected = std::fs::read(shared("vectors/jcs/testdata/output").join(&name)).unwrap();
        let actual = jcs::canonicalize_to_vec(&input).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&actual),
            String::from_utf8_lossy(&expected),
            "{name}"
        );
        let outhex = read_shared(&format!(
            "vectors/jcs/testdata/outhex/{}.txt",
            name.trim_end_matches(".json")
        ));
        let hex: String = actual.iter().map(|b| format!("{b:02x}")).collect();
        let expected_hex: String = outhex.split_whitespace().collect();
        assert_eq!(hex, expected_hex, "{name} (outhex)");
        count += 1;
    }
    assert_eq!(count, 6, "all six RFC 8785 inputs were checked");
}

#[test]
fn es6_number_serialization_first_100000_lines() {
    let file = std::fs::File::open(shared("vectors/jcs/es6testfile100000.txt")).unwrap();
    let mut checked = 0;
    for line in std::io::BufReader::new(file).lines().take(100_000) {
        let line = line.unwrap();
        let (hex, expected) = line.split_once(',').unwrap();
        let bits = u64::from_str_radix(hex, 16).unwrap();
        let value = f64::from_bits(bits);
        let number = serde_json::Number::from_f64(value).expect("the file has only finite numbers");
        let actual = jcs::canonicalize(&Value::Number(number)).unwrap();
        assert_eq!(actual, expected, "line {} ({hex})", checked + 1);
        checked += 1;
    }
    assert_eq!(checked, 100_000);
}

#[test]
fn integers_beyond_2_pow_53_serialize_as_doubles() {
    // JCS numbers are IEEE-754 doubles; serde_json keeps u64 exactly, JCS must not.
    let v: Value = serde_json::from_str("[9007199254740993, -0.0, 1e21, 1e-7]").unwrap();
    assert_eq!(
        jcs::canonicalize(&v).unwrap(),
        "[9007199254740992,0,1e+21,1e-7]"
    );
}

#[test]
fn credential_hash_is_base58_sha256_of_jcs() {
    let v: Value = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
    // sha256('{"a":1,"b":2}') = 43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777
    let expected = bs58_of_hex("43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777");
    assert_eq!(jcs::credential_hash(&v).unwrap(), expected);
}

fn bs58_of_hex(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    vc_core::multibase::base58_encode(&bytes)
}

/// The value writer against serde_jcs (the reference it replaced on the hot path) on randomized
/// documents built to hit every escaping and ordering rule.
#[test]
fn writer_matches_serde_jcs_on_random_documents() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for round in 0..3_000 {
        let value = random_value(&mut rng, 4);
        let ours = jcs::canonicalize_value(&value).unwrap();
        let reference = serde_jcs::to_vec(&value).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&reference),
            "round {round}: {value}"
        );
    }
}

/// Strings are scanned eight bytes at a time: every character that JCS escapes (and some it does
/// not) at every position of long strings, against serde_jcs.
#[test]
fn escapes_are_found_at_every_position_of_long_strings() {
    let specials: Vec<char> = (0u8..0x80)
        .map(char::from)
        .chain(['é', '€', '\u{2028}', '😀'])
        .collect();
    for special in specials {
        for len in [7usize, 8, 9, 16, 23, 40] {
            for at in 0..len {
                let mut text: String = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"[..len].into();
                text.replace_range(at..at + 1, &special.to_string());
                let value = serde_json::Value::String(text.clone());
                let ours = jcs::canonicalize_value(&value).unwrap();
                assert_eq!(ours, serde_jcs::to_vec(&value).unwrap(), "{text:?}");
                let back: String = serde_json::from_slice(&ours).unwrap();
                assert_eq!(back, text);
            }
        }
    }
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_string(rng: &mut XorShift) -> String {
    const PIECES: &[&str] = &[
        "a",
        "B",
        "z",
        "_",
        "\"",
        "\\",
        "\n",
        "\r",
        "\t",
        "\u{8}",
        "\u{c}",
        "\u{0}",
        "\u{1f}",
        "\u{7f}",
        "é",
        "€",
        "\u{2028}",
        "\u{e000}",
        "\u{fffd}",
        "\u{ffff}",
        "😀",
        "\u{10000}",
        "\u{10ffff}",
        "/",
        "<",
        "1",
    ];
    (0..rng.below(6))
        .map(|_| PIECES[rng.below(PIECES.len() as u64) as usize])
        .collect()
}

fn random_number(rng: &mut XorShift) -> Value {
    match rng.below(4) {
        0 => Value::from(rng.next() as i64),
        1 => Value::from(rng.next()),
        2 => Value::from(rng.below(1000) as i64 - 500),
        _ => {
            let f = f64::from_bits(rng.next());
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    }
}

fn random_value(rng: &mut XorShift, depth: u32) -> Value {
    let kind = if depth == 0 {
        rng.below(4)
    } else {
        rng.below(6)
    };
    match kind {
        0 => Value::String(random_string(rng)),
        1 => random_number(rng),
        2 => [Value::Null, Value::Bool(true), Value::Bool(false)][rng.below(3) as usize].clone(),
        3 => Value::String(String::new()),
        4 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(6))
                .map(|_| (random_string(rng), random_value(rng, depth - 1)))
                .collect(),
        ),
    }
}
