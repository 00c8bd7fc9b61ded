//! The unsigned status list credential.

use serde_json::json;
use time::macros::datetime;
use vc_status::{
    list_credential, Bitstring, DecodeOptions, ListCredentialParams, ListFormat, StatusPurpose,
    StatusSize,
};

#[test]
fn bitstring_status_list_credential_shape() {
    let mut bits = Bitstring::new(131_072, StatusSize::ONE).unwrap();
    bits.set(1234, 1).unwrap();
    let issuer = json!({"id": "did:example:issuer", "name": "Example"});
    let vc = list_credential(&ListCredentialParams {
        format: ListFormat::BitstringStatusList,
        url: "https://example.com/status/1",
        issuer: &issuer,
        purpose: StatusPurpose::Suspension,
        bitstring: &bits,
        valid_from: datetime!(2025-03-04 05:06:07.89 +02:00),
        valid_until: Some(datetime!(2025-03-05 03:06:07 UTC)),
        ttl_ms: Some(60_000),
    })
    .unwrap();
    let encoded = vc["credentialSubject"]["encodedList"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut expected = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://example.com/status/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": "did:example:issuer", "name": "Example"},
        "validFrom": "2025-03-04T03:06:07Z",
        "validUntil": "2025-03-05T03:06:07Z",
        "credentialSubject": {
            "id": "https://example.com/status/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "suspension",
            "encodedList": "",
            "ttl": 60000
        }
    });
    expected["credentialSubject"]["encodedList"] = json!(encoded);
    assert_eq!(vc, expected);
    let back = Bitstring::decode(&encoded, &DecodeOptions::new()).unwrap();
    assert_eq!(back.get(1234).unwrap(), 1);
    assert_eq!(back.count_nonzero(), 1);
}

#[test]
fn status_list_2021_credential_is_vc_1_1() {
    let bits = Bitstring::new(131_072, StatusSize::ONE).unwrap();
    let issuer = json!("did:example:issuer");
    let params = ListCredentialParams {
        format: ListFormat::StatusList2021,
        url: "https://example.com/status/2",
        issuer: &issuer,
        purpose: StatusPurpose::Revocation,
        bitstring: &bits,
        valid_from: datetime!(2025-01-01 00:00 UTC),
        valid_until: None,
        ttl_ms: Some(1000),
    };
    let vc = list_credential(&params).unwrap();
    assert_eq!(
        vc["@context"],
        json!([
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1"
        ])
    );
    assert_eq!(
        vc["type"],
        json!(["VerifiableCredential", "StatusList2021Credential"])
    );
    assert_eq!(vc["issuanceDate"], "2025-01-01T00:00:00Z");
    assert!(vc.get("validFrom").is_none() && vc.get("expirationDate").is_none());
    let subject = &vc["credentialSubject"];
    assert_eq!(subject["type"], "StatusList2021");
    assert!(
        subject.get("ttl").is_none(),
        "ttl is not a StatusList2021 term"
    );
    let encoded = subject["encodedList"].as_str().unwrap();
    assert!(encoded.starts_with("H4sI"));
    Bitstring::decode(encoded, &DecodeOptions::status_list_2021()).unwrap();

    let message = ListCredentialParams {
        purpose: StatusPurpose::Message,
        ..params
    };
    assert_eq!(
        list_credential(&message).unwrap_err().code(),
        "STATUS_CONFIG_ERROR"
    );
}

#[test]
fn list_credentials_are_valid_vc_core_credentials() {
    let bits = Bitstring::new(131_072, StatusSize::ONE).unwrap();
    let issuer = json!("did:example:issuer");
    for (format, purpose) in [
        (ListFormat::BitstringStatusList, StatusPurpose::Revocation),
        (ListFormat::BitstringStatusList, StatusPurpose::Message),
        (ListFormat::StatusList2021, StatusPurpose::Suspension),
    ] {
        let vc = list_credential(&ListCredentialParams {
            format,
            url: "https://example.com/status/1",
            issuer: &issuer,
            purpose,
            bitstring: &bits,
            valid_from: datetime!(2025-01-01 00:00 UTC),
            valid_until: Some(datetime!(2025-01-02 00:00 UTC)),
            ttl_ms: Some(1000),
        })
        .unwrap();
        let parsed = vc_core::Credential::from_value(vc.clone()).unwrap();
        parsed
            .validate()
            .unwrap_or_else(|e| panic!("{format:?}: {e:?}"));
        assert!(parsed.has_type(format.credential_type()));
        assert_eq!(parsed.issuer_id(), Some("did:example:issuer"));
        assert_eq!(parsed.to_value().unwrap(), vc, "round trip through vc_core");
    }
}
