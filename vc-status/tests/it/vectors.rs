//! The known encoded lists in `shared/vectors/bitstring-status-list/`.

use serde::Deserialize;
use vc_status::{Bitstring, DecodeOptions, StatusSize};

use crate::support::shared;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector {
    source: String,
    encoded_list: String,
    length_bits: u64,
    set_indexes: Vec<u64>,
}

fn vectors() -> Vec<Vector> {
    let path = shared("vectors/bitstring-status-list/encodedList-vectors.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn set_indexes(bits: &Bitstring) -> Vec<u64> {
    (0..bits.entries())
        .filter(|&i| bits.get(i).unwrap() == 1)
        .collect()
}

#[test]
fn every_vector_decodes_to_its_length_and_set_bits() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 4);
    for v in vectors {
        let bits = Bitstring::decode(&v.encoded_list, &DecodeOptions::new().min_entries(0))
            .unwrap_or_else(|e| panic!("{}: {e}", v.source));
        assert_eq!(bits.entries(), v.length_bits, "{}", v.source);
        assert_eq!(set_indexes(&bits), v.set_indexes, "{}", v.source);
        assert_eq!(bits.count_nonzero(), v.set_indexes.len() as u64);
    }
}

#[test]
fn strict_decoding_refuses_lists_below_the_minimum() {
    for v in vectors() {
        let result = Bitstring::decode(&v.encoded_list, &DecodeOptions::new());
        if v.length_bits < 131_072 {
            let err = result.unwrap_err();
            assert_eq!(err.code(), "STATUS_LIST_LENGTH_ERROR", "{}", v.source);
        } else {
            assert_eq!(result.unwrap().entries(), v.length_bits);
        }
    }
}

#[test]
fn our_encoding_of_the_vectors_decodes_to_the_same_bits() {
    for v in vectors() {
        let theirs =
            Bitstring::decode(&v.encoded_list, &DecodeOptions::new().min_entries(0)).unwrap();
        let ours = theirs.encode();
        assert!(ours.starts_with("uH4sI"), "multibase u + GZIP magic");
        let back = Bitstring::decode(&ours, &DecodeOptions::new().min_entries(0)).unwrap();
        assert_eq!(back.as_bytes(), theirs.as_bytes(), "{}", v.source);
    }
}

#[test]
fn index_range_is_checked_against_the_decoded_length() {
    let v = vectors()
        .into_iter()
        .find(|v| v.set_indexes == [50000])
        .unwrap();
    let bits = Bitstring::decode(&v.encoded_list, &DecodeOptions::new().min_entries(0)).unwrap();
    assert_eq!(bits.get(50_000).unwrap(), 1);
    assert_eq!(bits.get(99_999).unwrap(), 0);
    assert_eq!(bits.get(100_000).unwrap_err().code(), "RANGE_ERROR");
    // Read as 2-bit entries the same bytes hold 50,000 entries; bit 50000 is the high bit of
    // entry 25000.
    let two = Bitstring::decode(
        &v.encoded_list,
        &DecodeOptions::new()
            .min_entries(0)
            .status_size(StatusSize::new(2).unwrap()),
    )
    .unwrap();
    assert_eq!(two.entries(), 50_000);
    assert_eq!(two.get(25_000).unwrap(), 0b10);
}
