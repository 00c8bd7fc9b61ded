//! `credentialStatus` entries.

use serde_json::json;
use vc_status::{ListFormat, StatusEntry, StatusPurpose};

#[test]
fn spec_example_round_trips_byte_for_byte() {
    let text = r#"{"id":"https://example.com/credentials/status/3#94567","type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"94567","statusListCredential":"https://example.com/credentials/status/3","statusReference":"https://example.org/status-dictionary/"}"#;
    let entry: StatusEntry = serde_json::from_str(text).unwrap();
    assert_eq!(entry.purpose(), StatusPurpose::Revocation);
    assert_eq!(entry.index().get(), 94567);
    assert_eq!(entry.format(), ListFormat::BitstringStatusList);
    assert_eq!(
        entry.extra()["statusReference"],
        "https://example.org/status-dictionary/"
    );
    assert_eq!(serde_json::to_string(&entry).unwrap(), text);
}

#[test]
fn message_entries_need_a_full_message_table() {
    let messages = json!([
        {"status": "0x0", "message": "pending"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "undefined"}
    ]);
    let base = json!({
        "id": "https://example.com/status/m#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "7",
        "statusListCredential": "https://example.com/status/m",
        "statusSize": 2,
        "statusMessage": messages
    });
    let entry = StatusEntry::from_value(base.clone()).unwrap();
    assert_eq!(entry.status_size().bits(), 2);
    assert_eq!(entry.to_value(), base);

    let mut three = base.clone();
    three["statusMessage"].as_array_mut().unwrap().pop();
    assert_eq!(
        StatusEntry::from_value(three).unwrap_err().code(),
        "STATUS_ENTRY_INVALID"
    );

    let mut one_bit = base.clone();
    one_bit["statusSize"] = json!(1);
    assert!(StatusEntry::from_value(one_bit).is_err());

    let mut no_table = base.clone();
    no_table.as_object_mut().unwrap().remove("statusMessage");
    assert!(StatusEntry::from_value(no_table).is_err());

    let mut dup = base;
    dup["statusMessage"][3]["status"] = json!("0x2");
    assert!(StatusEntry::from_value(dup).is_err());
}

#[test]
fn malformed_entries_are_typed_errors() {
    let good = json!({
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://example.com/status/1"
    });
    assert!(StatusEntry::from_value(good.clone()).is_ok());
    let cases = [
        ("statusListIndex", json!("-1")),
        ("statusListIndex", json!("01")),
        ("statusListIndex", json!("1.5")),
        ("statusListIndex", json!(" 5")),
        ("statusListIndex", json!(5)),
        ("statusListIndex", json!("18446744073709551616")),
        ("statusPurpose", json!("expiry")),
        ("statusSize", json!(0)),
        ("statusSize", json!(9)),
        ("type", json!("RevocationList2020Status")),
        ("statusListCredential", json!("")),
    ];
    for (field, value) in cases {
        let mut v = good.clone();
        v[field] = value.clone();
        let err = StatusEntry::from_value(v).unwrap_err();
        assert_eq!(err.code(), "STATUS_ENTRY_INVALID", "{field} = {value}");
        assert!(std::error::Error::source(&err).is_some() || field == "statusListCredential");
    }
}

#[test]
fn status_list_2021_entries_are_revocation_or_suspension_only() {
    let entry = json!({
        "id": "https://example.com/status/1#3",
        "type": "StatusList2021Entry",
        "statusPurpose": "suspension",
        "statusListIndex": "3",
        "statusListCredential": "https://example.com/status/1"
    });
    let parsed = StatusEntry::from_value(entry.clone()).unwrap();
    assert_eq!(parsed.format(), ListFormat::StatusList2021);
    assert_eq!(parsed.to_value(), entry);
    let mut refresh = entry;
    refresh["statusPurpose"] = json!("refresh");
    assert!(StatusEntry::from_value(refresh).is_err());
}

#[test]
fn to_resource_is_the_json_round_trip_property_for_property() {
    let entries = [
        json!({"id": "https://example.com/credentials/status/3#94567",
               "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
               "statusListIndex": "94567",
               "statusListCredential": "https://example.com/credentials/status/3",
               "statusReference": "https://example.org/status-dictionary/"}),
        json!({"type": "BitstringStatusListEntry", "statusPurpose": "message",
               "statusListIndex": "7", "statusListCredential": "https://example.com/status/m",
               "statusSize": 2, "statusMessage": [
                   {"status": "0x0", "message": "pending"}, {"status": "0x1", "message": "accepted"},
                   {"status": "0x2", "message": "rejected"}, {"status": "0x3", "message": "undefined"}]}),
        json!({"id": "https://example.com/status/1#0", "type": "StatusList2021Entry",
               "statusPurpose": "suspension", "statusListIndex": "0",
               "statusListCredential": "https://example.com/status/1"}),
    ];
    for value in entries {
        let entry = StatusEntry::from_value(value.clone()).unwrap();
        let expected: vc_core::TypedResource = serde_json::from_value(entry.to_value()).unwrap();
        let resource = entry.to_resource();
        assert_eq!(resource, expected);
        // Same properties in the same order: the embedded JSON is unchanged, not only equal.
        assert_eq!(
            serde_json::to_string(&resource).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
        assert_eq!(serde_json::to_value(&resource).unwrap(), value);
    }
}
