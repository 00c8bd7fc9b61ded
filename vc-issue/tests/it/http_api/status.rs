//! `POST /credentials/status` and `GET /status-lists/{listId}`.

use serde_json::{json, Value};
use vc_status::{Bitstring, DecodeOptions, StatusEntry, StatusPurpose};

use crate::http_api::server::{json_of, start, Options, Server};

/// The value of `entry` in the served, signed list (whose proof is checked first).
async fn served_bit(server: &Server, entry: &StatusEntry) -> u8 {
    let response = server
        .client
        .get(entry.list_credential())
        .send()
        .await
        .unwrap();
    let (status, list) = json_of(response).await;
    assert_eq!(status, 200, "{list}");
    server.verify(&list).await;
    let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
    let bits = Bitstring::decode(encoded, &DecodeOptions::new()).unwrap();
    bits.get(entry.index().get()).unwrap()
}

async fn issue_revocable(server: &Server) -> (String, StatusEntry) {
    let request = server.request("gold").revocable(true);
    let (status, body) = json_of(
        server
            .post(
                "/credentials/issue",
                &serde_json::to_value(request).unwrap(),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let vc = &body["verifiableCredential"];
    let entry = StatusEntry::from_value(vc["credentialStatus"].clone()).unwrap();
    (vc["id"].as_str().unwrap().to_owned(), entry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_by_credential_id_sets_the_bit_in_the_served_list() {
    let server = start(Options::default()).await;
    let (id, entry) = issue_revocable(&server).await;
    let (_, other) = issue_revocable(&server).await;
    assert!(entry
        .list_credential()
        .starts_with(&format!("{}/status-lists/", server.base)));
    assert_eq!(served_bit(&server, &entry).await, 0);

    let body = json!({
        "credentialId": id,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        "status": true
    });
    let (status, reply) = json_of(server.post("/credentials/status", &body).await).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        reply["credentialStatus"][0]["statusListIndex"],
        entry.index().get().to_string()
    );
    assert_eq!(served_bit(&server, &entry).await, 1);
    assert_eq!(served_bit(&server, &other).await, 0);

    // Revocation is for good.
    let undo = json!({"credentialId": id, "credentialStatus": {"type": "BitstringStatusListEntry",
        "statusPurpose": "revocation"}, "status": false});
    let (status, reply) = json_of(server.post("/credentials/status", &undo).await).await;
    assert_eq!(
        (status, reply["code"].as_str().unwrap()),
        (409, "STATUS_IRREVERSIBLE")
    );
    assert_eq!(served_bit(&server, &entry).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_entry_and_the_legacy_array_form_work_without_a_lookup() {
    let server = start(Options::default()).await;
    let (_, first) = issue_revocable(&server).await;
    let (second_id, second) = issue_revocable(&server).await;

    // The entry as found in the credential, no credentialId.
    let mut full = first.to_value();
    full["status"] = Value::Bool(true);
    let (status, reply) = json_of(
        server
            .post("/credentials/status", &json!({"credentialStatus": full}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(served_bit(&server, &first).await, 1);

    // The earlier draft: an array of {type, status}.
    let legacy = json!({"credentialId": second_id,
        "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "revoked"}]});
    let (status, reply) = json_of(server.post("/credentials/status", &legacy).await).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(served_bit(&server, &second).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vc_api_credential_with_a_suspension_entry_is_suspended_and_lifted() {
    let server = start(Options::default()).await;
    let entry = server
        .registry
        .allocate(StatusPurpose::Suspension, 1)
        .await
        .unwrap()
        .pop()
        .unwrap();
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": server.key.did().to_string(),
        "credentialSubject": {"id": server.holder.to_string()},
        "credentialStatus": entry.to_value(),
    });
    let body = json!({"credential": credential,
        "options": {"credentialId": "urn:example:badge-9", "proofType": "eddsa-jcs-2022"}});
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(status, 201, "{reply}");

    for (set, expected) in [(true, 1), (false, 0), (true, 1)] {
        let change = json!({"credentialId": "urn:example:badge-9",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"},
            "status": set});
        let (status, reply) = json_of(server.post("/credentials/status", &change).await).await;
        assert_eq!(status, 200, "{reply}");
        assert_eq!(server.registry.status(&entry).await.unwrap(), expected);
        assert_eq!(served_bit(&server, &entry).await, expected);
    }
    // That credential has no revocation entry.
    let revoke = json!({"credentialId": "urn:example:badge-9",
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        "status": true});
    let (status, reply) = json_of(server.post("/credentials/status", &revoke).await).await;
    assert_eq!(
        (status, reply["code"].as_str().unwrap()),
        (404, "CREDENTIAL_NOT_FOUND")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_status_requests_are_refused_before_anything_changes() {
    let server = start(Options::default()).await;
    let (id, entry) = issue_revocable(&server).await;
    let revocation = json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation"});
    let foreign = json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "5", "statusListCredential": "https://elsewhere.example/lists/1", "status": true});
    let cases = [
        (
            json!({"credentialId": "urn:uuid:unknown", "credentialStatus": revocation, "status": true}),
            404,
            "CREDENTIAL_NOT_FOUND",
        ),
        (
            json!({"credentialStatus": revocation, "status": true}),
            400,
            "INVALID_REQUEST",
        ),
        (
            json!({"credentialId": id, "credentialStatus": revocation}),
            400,
            "INVALID_REQUEST",
        ),
        (
            json!({"credentialId": id, "credentialStatus": [], "status": true}),
            400,
            "INVALID_REQUEST",
        ),
        (
            json!({"credentialId": id, "credentialStatus": {"type": "BitstringStatusListEntry"}, "status": true}),
            400,
            "INVALID_REQUEST",
        ),
        (
            json!({"credentialId": id, "credentialStatus": {"type": "X", "statusPurpose": "nonsense"}, "status": true}),
            400,
            "STATUS_ENTRY_INVALID",
        ),
        // The second item is bad: the first must not have been applied.
        (
            json!({"credentialId": id, "credentialStatus": [revocation, {"statusPurpose": "revocation", "status": "maybe"}], "status": true}),
            400,
            "INVALID_REQUEST",
        ),
        (
            json!({"credentialStatus": foreign}),
            404,
            "STATUS_LIST_FOREIGN",
        ),
    ];
    for (body, expected_status, expected_code) in cases {
        let (status, reply) = json_of(server.post("/credentials/status", &body).await).await;
        assert_eq!(
            (status, reply["code"].as_str().unwrap_or_default()),
            (expected_status, expected_code),
            "{body}: {reply}"
        );
    }
    assert_eq!(served_bit(&server, &entry).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_status_lists_are_404() {
    let server = start(Options::default()).await;
    for path in [
        "/status-lists/revocation-99",
        "/status-lists/..%2Fetc",
        "/status-lists/%20",
    ] {
        let (status, body) =
            json_of(server.client.get(server.url(path)).send().await.unwrap()).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
}
