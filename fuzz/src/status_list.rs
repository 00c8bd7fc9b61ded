//! Status lists as a verifier fetches them: a status list credential (its `encodedList` decoded
//! under the options its type and `statusSize` call for), a bare `encodedList`, or a
//! `credentialStatus` entry (`StatusEntry::from_value`).
//!
//! The input is JSON when it starts with `{` (an entry when its `type` ends in `Entry`, a status
//! list credential otherwise) and an `encodedList` string otherwise.

use serde_json::Value;
use vc_core::{Credential, TypedResource};
use vc_status::{Bitstring, DecodeOptions, StatusEntry, StatusSize};

use crate::{assert_code, refused};

/// The uncompressed cap of the relaxed decodings: a gzip bomb up to the real cap
/// ([`vc_status::DEFAULT_MAX_BYTES`]) is tried once per input, not at every status size.
const RELAXED_MAX_BYTES: usize = 256 * 1024;

/// Decodes `data` as an entry, a status list credential or an `encodedList`.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return refused(data, "a status list", &"the input is not UTF-8");
    };
    if !text.trim_start().starts_with('{') {
        return encoded_list(data, text.trim());
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => return refused(data, "serde_json", &error),
    };
    let is_entry = value
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.ends_with("Entry"));
    if is_entry {
        entry(data, value);
    } else {
        list_credential(data);
    }
}

fn entry(data: &[u8], value: Value) {
    let entry = match StatusEntry::from_value(value) {
        Ok(entry) => entry,
        Err(error) => {
            assert_code(error.code(), &error);
            return refused(data, "StatusEntry::from_value", &error);
        }
    };
    let written = entry.to_value();
    match StatusEntry::from_value(written.clone()) {
        Ok(again) if again == entry => {}
        other => panic!("round trip changed the entry {entry:?}: {other:?}"),
    }
    // `to_resource` is documented as the JSON round trip, built directly.
    match serde_json::from_value::<TypedResource>(written) {
        Ok(resource) => assert_eq!(entry.to_resource(), resource, "to_resource differs"),
        Err(error) => panic!("an entry's JSON must be a TypedResource: {error}"),
    }
    assert!(entry.status_size().bits() >= 1 && entry.status_size().bits() <= 8);
    if let Some(messages) = entry.status_message() {
        assert_eq!(
            messages.len(),
            entry.status_size().values(),
            "a validated statusMessage table has one row per value"
        );
    }
}

fn list_credential(data: &[u8]) {
    let credential = match Credential::from_json_with_limits(data, &vc_core::ParseLimits::default())
    {
        Ok(credential) => credential,
        Err(error) => {
            assert_code(error.code(), &error);
            return refused(data, "Credential::from_json_with_limits", &error);
        }
    };
    let Some(subject) = credential.subjects().first() else {
        return refused(data, "a status list credential", &"no credentialSubject");
    };
    let Some(encoded) = subject.claims.get("encodedList").and_then(Value::as_str) else {
        return refused(data, "a status list credential", &"no encodedList");
    };
    let legacy = credential.has_type("StatusList2021Credential");
    let mut options = if legacy {
        DecodeOptions::status_list_2021()
    } else {
        DecodeOptions::new()
    };
    if let Some(size) = subject.claims.get("statusSize").and_then(Value::as_u64) {
        match StatusSize::try_from(size) {
            Ok(size) => options = options.status_size(size),
            Err(error) => return assert_code(error.code(), &error),
        }
    }
    if let Err(error) = decode(encoded, &options, !legacy) {
        refused(data, "Bitstring::decode", &error);
    }
}

fn encoded_list(data: &[u8], encoded: &str) {
    // The options a verifier uses, then relaxed ones that let short mutated lists through to the
    // bit accessors.
    let strict = decode(encoded, &DecodeOptions::new(), true);
    let relaxed = [
        (DecodeOptions::new(), true),
        (DecodeOptions::status_list_2021(), false),
        (DecodeOptions::new().status_size(size_for(encoded)), true),
    ]
    .map(|(options, multibase)| {
        let options = options.min_entries(1).max_bytes(RELAXED_MAX_BYTES);
        decode(encoded, &options, multibase)
    });
    if strict.is_err() && relaxed.iter().all(Result::is_err) {
        refused(data, "Bitstring::decode", &"no decoding accepts it");
    }
}

/// A status size chosen by the input, so that the fuzzer reaches every width.
fn size_for(encoded: &str) -> StatusSize {
    let bits = (encoded.len() % 8) as u8 + 1;
    StatusSize::new(bits).unwrap_or_default()
}

/// Decodes `encoded` and checks the list; the error (with a checked code) when it does not decode.
/// `multibase` says which `encodedList` form `options` read (they do not tell).
fn decode(encoded: &str, options: &DecodeOptions, multibase: bool) -> Result<(), vc_status::Error> {
    let bits = match Bitstring::decode(encoded, options) {
        Ok(bits) => bits,
        Err(error) => {
            assert_code(error.code(), &error);
            return Err(error);
        }
    };
    let size = bits.status_size();
    let entries = bits.entries();
    assert!(entries >= 1, "a decoded list has entries");
    assert!(
        entries * u64::from(size.bits()) <= bits.as_bytes().len() as u64 * 8,
        "{entries} entries of {size} bits do not fit {} bytes",
        bits.as_bytes().len()
    );
    for index in [0, entries / 2, entries - 1] {
        match bits.get(index) {
            Ok(value) => assert!(value <= size.max_value(), "{value} exceeds {size} bits"),
            Err(error) => panic!("index {index} of {entries} must be readable: {error}"),
        }
    }
    match bits.get(entries) {
        Err(error) => assert_eq!(error.code(), "RANGE_ERROR"),
        Ok(value) => panic!("index {entries} of {entries} entries read as {value}"),
    }
    assert!(bits.count_nonzero() <= entries);

    // Re-encoding is only tried on small lists: a 16 MiB one would take the fuzzer's time.
    if bits.as_bytes().len() <= RELAXED_MAX_BYTES {
        round_trip(&bits, options, multibase);
    }
    let mut changed = bits.clone();
    let last = entries - 1;
    let max = size.max_value();
    match changed.set(last, max) {
        Ok(()) => assert_eq!(changed.get(last).ok(), Some(max), "set then get differs"),
        Err(error) => panic!("setting entry {last} to {max} must work: {error}"),
    }
    if max < u8::MAX {
        assert!(
            changed.set(0, max + 1).is_err(),
            "a value over statusSize was stored"
        );
    }
    Ok(())
}

/// Encodes `bits` in the form it was read in and decodes it again under the same options.
fn round_trip(bits: &Bitstring, options: &DecodeOptions, multibase: bool) {
    let text = if multibase {
        bits.encode()
    } else {
        bits.encode_status_list_2021()
    };
    match Bitstring::decode(&text, options) {
        Ok(again) => {
            assert_eq!(again.entries(), bits.entries(), "entries changed");
            assert_eq!(again.as_bytes(), bits.as_bytes(), "bits changed");
        }
        Err(error) => panic!("a re-encoded list must decode: {error}"),
    }
}
