//! Encoding, decoding and bad input.

use std::io::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::write::GzEncoder;
use flate2::Compression;
use rand::{Rng, SeedableRng};
use vc_status::{Bitstring, DecodeOptions, StatusSize, MIN_ENTRIES};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn encoded(bytes: &[u8]) -> String {
    format!("u{}", URL_SAFE_NO_PAD.encode(gzip(bytes)))
}

fn one_percent() -> (Bitstring, Vec<u64>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut bits = Bitstring::new(MIN_ENTRIES, StatusSize::ONE).unwrap();
    let mut set = Vec::new();
    while set.len() < 1311 {
        let i = rng.gen_range(0..MIN_ENTRIES);
        if bits.get(i).unwrap() == 0 {
            bits.set(i, 1).unwrap();
            set.push(i);
        }
    }
    set.sort_unstable();
    (bits, set)
}

#[test]
fn index_zero_is_the_leftmost_bit() {
    let mut bits = Bitstring::new(MIN_ENTRIES, StatusSize::ONE).unwrap();
    bits.set(0, 1).unwrap();
    bits.set(9, 1).unwrap();
    bits.set(MIN_ENTRIES - 1, 1).unwrap();
    assert_eq!(bits.as_bytes()[0], 0x80);
    assert_eq!(bits.as_bytes()[1], 0x40);
    assert_eq!(*bits.as_bytes().last().unwrap(), 0x01);
    assert_eq!(bits.as_bytes().len(), 16_384);
    bits.set(9, 0).unwrap();
    assert_eq!(bits.as_bytes()[1], 0);
}

#[test]
fn multi_bit_entries_are_most_significant_bit_first() {
    let size = StatusSize::new(2).unwrap();
    let mut bits = Bitstring::new(MIN_ENTRIES, size).unwrap();
    assert_eq!(bits.as_bytes().len(), 32_768);
    bits.set(0, 0b10).unwrap();
    bits.set(3, 0b11).unwrap();
    assert_eq!(bits.as_bytes()[0], 0b1000_0011);
    assert_eq!(bits.get(0).unwrap(), 2);
    assert_eq!(bits.get(3).unwrap(), 3);
    assert_eq!(bits.set(1, 4).unwrap_err().code(), "STATUS_VALUE_ERROR");
    let eight = StatusSize::new(8).unwrap();
    let mut bits = Bitstring::new(MIN_ENTRIES, eight).unwrap();
    bits.set(5, 0xA5).unwrap();
    assert_eq!(bits.as_bytes()[5], 0xA5);
    let back = Bitstring::decode(&bits.encode(), &DecodeOptions::new().status_size(eight)).unwrap();
    assert_eq!(back.get(5).unwrap(), 0xA5);
}

#[test]
fn round_trip_with_one_percent_set() {
    let (bits, set) = one_percent();
    let enc = bits.encode();
    let back = Bitstring::decode(&enc, &DecodeOptions::new()).unwrap();
    assert_eq!(back, bits);
    let found: Vec<u64> = (0..MIN_ENTRIES)
        .filter(|&i| back.get(i).unwrap() == 1)
        .collect();
    assert_eq!(found, set);
    // The output is a standard GZIP stream: flate2's reader and the header agree.
    let gz = URL_SAFE_NO_PAD.decode(&enc[1..]).unwrap();
    assert_eq!(&gz[..3], &[0x1f, 0x8b, 8]);
}

#[test]
fn status_list_2021_has_no_multibase_prefix() {
    let (bits, _) = one_percent();
    let enc = bits.encode_status_list_2021();
    assert!(enc.starts_with("H4sI"));
    let back = Bitstring::decode(&enc, &DecodeOptions::status_list_2021()).unwrap();
    assert_eq!(back, bits);
    assert_eq!(
        Bitstring::decode(&enc, &DecodeOptions::new())
            .unwrap_err()
            .code(),
        "ENCODED_LIST_PREFIX_ERROR"
    );
}

#[test]
fn new_lists_respect_the_minimum_and_the_maximum() {
    assert_eq!(
        Bitstring::new(MIN_ENTRIES - 1, StatusSize::ONE)
            .unwrap_err()
            .code(),
        "STATUS_LIST_LENGTH_ERROR"
    );
    assert_eq!(
        Bitstring::new(u64::MAX, StatusSize::new(8).unwrap())
            .unwrap_err()
            .code(),
        "STATUS_LIST_TOO_LARGE"
    );
}

#[test]
fn wrong_or_missing_prefix_is_a_typed_error() {
    let good = Bitstring::new(MIN_ENTRIES, StatusSize::ONE)
        .unwrap()
        .encode();
    for bad in [
        "",
        "z",
        &good[1..],
        &format!("z{}", &good[1..]),
        &format!("U{}", &good[1..]),
    ] {
        let err = Bitstring::decode(bad, &DecodeOptions::new()).unwrap_err();
        assert_eq!(err.code(), "ENCODED_LIST_PREFIX_ERROR", "{bad:.10}");
    }
}

#[test]
fn malformed_base64_is_a_typed_error() {
    let good = Bitstring::new(MIN_ENTRIES, StatusSize::ONE)
        .unwrap()
        .encode();
    for bad in [
        "u!!!!".to_owned(),
        format!("{good}="),     // padding is not allowed
        good.replace('-', "+"), // standard alphabet
        format!("{}*{}", &good[..10], &good[10..]),
        "u".to_owned(), // empty body: not a GZIP stream either
    ] {
        let err = Bitstring::decode(&bad, &DecodeOptions::new()).unwrap_err();
        assert!(
            matches!(
                err.code().as_str(),
                "ENCODED_LIST_BASE64_ERROR" | "ENCODED_LIST_GZIP_ERROR"
            ),
            "{bad:.16}: {}",
            err.code()
        );
    }
    let err = Bitstring::decode("u!!!!", &DecodeOptions::new()).unwrap_err();
    assert_eq!(err.code(), "ENCODED_LIST_BASE64_ERROR");
    assert!(std::error::Error::source(&err).is_some(), "source kept");
}

#[test]
fn truncated_or_corrupt_gzip_is_a_typed_error() {
    let (bits, _) = one_percent();
    let gz = gzip(bits.as_bytes());
    for cut in [1, 4, 8, gz.len() / 2, gz.len() - 10] {
        let bad = format!("u{}", URL_SAFE_NO_PAD.encode(&gz[..gz.len() - cut]));
        let err = Bitstring::decode(&bad, &DecodeOptions::new()).unwrap_err();
        assert_eq!(err.code(), "ENCODED_LIST_GZIP_ERROR", "cut {cut}");
    }
    // A flipped byte in the compressed data or the CRC.
    for pos in [gz.len() / 2, gz.len() - 6] {
        let mut bad = gz.clone();
        bad[pos] ^= 0x55;
        let bad = format!("u{}", URL_SAFE_NO_PAD.encode(&bad));
        let err = Bitstring::decode(&bad, &DecodeOptions::new()).unwrap_err();
        assert_eq!(err.code(), "ENCODED_LIST_GZIP_ERROR", "flip at {pos}");
    }
    // Not GZIP at all (a zlib stream).
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(bits.as_bytes()).unwrap();
    let bad = format!("u{}", URL_SAFE_NO_PAD.encode(z.finish().unwrap()));
    let err = Bitstring::decode(&bad, &DecodeOptions::new()).unwrap_err();
    assert_eq!(err.code(), "ENCODED_LIST_GZIP_ERROR");
}

#[test]
fn a_gzip_bomb_is_refused() {
    // 64 MiB of zeros compress to about 64 KiB.
    let bomb = encoded(&vec![0u8; 64 * 1024 * 1024]);
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let err = Bitstring::decode(&bomb, &DecodeOptions::new()).unwrap_err();
    assert_eq!(err.code(), "STATUS_LIST_TOO_LARGE");
    // A lower limit of the caller's choice, just above and just below the list.
    let list = encoded(&vec![0u8; 32 * 1024]);
    assert!(Bitstring::decode(&list, &DecodeOptions::new().max_bytes(32 * 1024)).is_ok());
    let err = Bitstring::decode(&list, &DecodeOptions::new().max_bytes(32 * 1024 - 1)).unwrap_err();
    assert_eq!(err.code(), "STATUS_LIST_TOO_LARGE");
}

#[test]
fn too_short_lists_are_a_length_error() {
    let short = encoded(&[0u8; 16_383]);
    let err = Bitstring::decode(&short, &DecodeOptions::new()).unwrap_err();
    assert_eq!(err.code(), "STATUS_LIST_LENGTH_ERROR");
    let empty = encoded(&[]);
    let err = Bitstring::decode(&empty, &DecodeOptions::new().min_entries(0)).unwrap_err();
    assert_eq!(err.code(), "STATUS_LIST_LENGTH_ERROR");
    // 16 KiB read as 2-bit entries is only 65,536 entries.
    let err = Bitstring::decode(
        &encoded(&[0u8; 16_384]),
        &DecodeOptions::new().status_size(StatusSize::new(2).unwrap()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "STATUS_LIST_LENGTH_ERROR");
}

#[test]
fn out_of_range_indexes_are_a_range_error() {
    let mut bits = Bitstring::new(MIN_ENTRIES, StatusSize::ONE).unwrap();
    assert_eq!(bits.get(MIN_ENTRIES).unwrap_err().code(), "RANGE_ERROR");
    assert_eq!(bits.set(u64::MAX, 1).unwrap_err().code(), "RANGE_ERROR");
    assert_eq!(bits.set(0, 2).unwrap_err().code(), "STATUS_VALUE_ERROR");
}

#[test]
fn random_garbage_never_panics() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let good = one_percent().0.encode();
    for _ in 0..300 {
        let mut s: Vec<u8> = good.bytes().collect();
        for _ in 0..rng.gen_range(1..5) {
            let i = rng.gen_range(0..s.len());
            s[i] = rng.gen_range(0x20..0x7f);
        }
        let s = String::from_utf8(s).unwrap();
        let _ = Bitstring::decode(&s, &DecodeOptions::new());
    }
}
