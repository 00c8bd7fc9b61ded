//! `POST /credentials/status` and `GET /status-lists/{listId}`.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{json, Value};
use vc_issue::status_index::{
    CredentialStatusIndex, PostgresCredentialStatusIndex, SqliteCredentialStatusIndex,
};
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
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": server.key.did().to_string(),
        "credentialSubject": {"id": server.holder.to_string()},
    });
    let body = json!({"credential": credential,
        "options": {"credentialId": "urn:example:badge-9", "proofType": "eddsa-jcs-2022",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}});
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(status, 201, "{reply}");
    let entry =
        StatusEntry::from_value(reply["verifiableCredential"]["credentialStatus"].clone()).unwrap();

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

/// A refused update changes nothing: two good items and one out of range, in every order, answer
/// `400 RANGE_ERROR` and leave both lists as they were; the good items alone then apply.
async fn refused_updates_change_nothing(server: Server) {
    let (first_id, first) = issue_revocable(&server).await;
    let (_, second) = issue_revocable(&server).await;
    let mut far = second.to_value();
    far["statusListIndex"] = "131072".into();
    let good = [
        json!({"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "status": "revoked"}),
        {
            let mut full = second.to_value();
            full["status"] = true.into();
            full
        },
    ];
    let bad = {
        far["status"] = true.into();
        far
    };
    for position in 0..=good.len() {
        let mut items = good.to_vec();
        items.insert(position, bad.clone());
        let body = json!({"credentialId": first_id, "credentialStatus": items});
        let (status, reply) = json_of(server.post("/credentials/status", &body).await).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some("RANGE_ERROR")),
            "{reply}"
        );
        assert_eq!(
            served_bit(&server, &first).await,
            0,
            "applied at {position}"
        );
        assert_eq!(
            served_bit(&server, &second).await,
            0,
            "applied at {position}"
        );
        assert_eq!(server.registry.status(&first).await.unwrap(), 0);
        assert_eq!(server.registry.status(&second).await.unwrap(), 0);
    }
    let body = json!({"credentialId": first_id, "credentialStatus": good});
    let (status, reply) = json_of(server.post("/credentials/status", &body).await).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(served_bit(&server, &first).await, 1);
    assert_eq!(served_bit(&server, &second).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_update_changes_nothing_in_memory() {
    refused_updates_change_nothing(start(Options::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_update_changes_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = vc_status::store::SqliteStore::open(dir.path().join("status.db"))
        .await
        .unwrap();
    let server = start(Options::status_on(store)).await;
    refused_updates_change_nothing(server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_update_changes_nothing_on_postgres() {
    crate::fresh_schema::one_in_fresh_schema(
        "http_status",
        |store: vc_status::store::PostgresStore| async move {
            let server = start(Options::status_on(store)).await;
            refused_updates_change_nothing(server).await;
        },
    )
    .await;
}

fn vc_api_credential(server: &Server, id: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "id": id,
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": server.key.did().to_string(),
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": server.holder.to_string(), "alumniOf": "Example University"}
    })
}

async fn issue_vc_api(server: &Server, credential: &Value, options: Value) -> (u16, Value) {
    let mut options = options;
    options["proofType"] = "eddsa-jcs-2022".into();
    let body = json!({"credential": credential, "options": options});
    json_of(server.post("/credentials/issue", &body).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_written_status_entry_is_refused() {
    let server = start(Options::default()).await;
    let (_, taken) = issue_revocable(&server).await;
    let mut unknown_list = taken.to_value();
    unknown_list["statusListCredential"] =
        format!("{}/status-lists/revocation-99", server.base).into();
    for entry in [taken.to_value(), unknown_list] {
        let mut credential =
            vc_api_credential(&server, "urn:uuid:0d7f1c3e-1d44-4e0e-9c1e-7b6c2d1a0b01");
        credential["credentialStatus"] = entry.clone();
        let (status, reply) = issue_vc_api(&server, &credential, json!({})).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some("CREDENTIAL_STATUS_NOT_ALLOCATED")),
            "{entry}: {reply}"
        );
        assert_eq!(reply["details"]["pointer"], "/credential/credentialStatus");
    }
    // Asking for status and writing one are not both allowed.
    let mut credential =
        vc_api_credential(&server, "urn:uuid:0d7f1c3e-1d44-4e0e-9c1e-7b6c2d1a0b02");
    credential["credentialStatus"] = taken.to_value();
    let options = json!({"credentialStatus": {"type": "BitstringStatusListEntry"}});
    let (status, reply) = issue_vc_api(&server, &credential, options).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("CREDENTIAL_STATUS_NOT_ALLOCATED"))
    );
    // Revoking the first credential still revokes it alone.
    server.registry.revoke(&taken).await.unwrap();
    assert_eq!(served_bit(&server, &taken).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_credential_status_allocates_a_fresh_entry() {
    let server = start(Options::default()).await;
    let id = "urn:uuid:5b1f0a2c-8f3e-4d7a-9b64-0c2e1f3a4d55";
    let credential = vc_api_credential(&server, id);
    let options = json!({"credentialStatus": {"type": "BitstringStatusListEntry"}});
    let (status, reply) = issue_vc_api(&server, &credential, options.clone()).await;
    assert_eq!(status, 201, "{reply}");
    let vc = &reply["verifiableCredential"];
    server.verify(vc).await;
    let entry = StatusEntry::from_value(vc["credentialStatus"].clone()).unwrap();
    assert_eq!(entry.purpose(), StatusPurpose::Revocation);
    // Nothing else changed: without its proof and status, the credential is what was sent.
    let mut rest = vc.clone();
    rest.as_object_mut().unwrap().remove("proof");
    rest.as_object_mut().unwrap().remove("credentialStatus");
    assert_eq!(rest, credential);

    // Each credential gets its own entry.
    let other = vc_api_credential(&server, "urn:uuid:5b1f0a2c-8f3e-4d7a-9b64-0c2e1f3a4d56");
    let (_, reply) = issue_vc_api(&server, &other, options.clone()).await;
    let other_entry =
        StatusEntry::from_value(reply["verifiableCredential"]["credentialStatus"].clone()).unwrap();
    assert_ne!(other_entry, entry);

    // The entry was recorded under the credential's id: revoking by id revokes this one only.
    let body = json!({"credentialId": id, "credentialStatus": {"type": "BitstringStatusListEntry",
        "statusPurpose": "revocation"}, "status": true});
    let (status, reply) = json_of(server.post("/credentials/status", &body).await).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(served_bit(&server, &entry).await, 1);
    assert_eq!(served_bit(&server, &other_entry).await, 0);

    // Its own entry, written back by the caller, is refused too: the id that would tie the entry
    // to "this" credential is the caller's to choose, under another credential as well.
    let mut again = credential.clone();
    again["credentialStatus"] = entry.to_value();
    let (status, reply) = issue_vc_api(&server, &again, json!({})).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("CREDENTIAL_STATUS_NOT_ALLOCATED"))
    );
    // Another credential under an id that already has entries gets none: revoking "that id"
    // must name one credential.
    let mut stolen = vc_api_credential(&server, "urn:uuid:5b1f0a2c-8f3e-4d7a-9b64-0c2e1f3a4d57");
    stolen["credentialSubject"]["alumniOf"] = "Somewhere Else".into();
    for options in [
        json!({"credentialId": id, "credentialStatus": {"type": "BitstringStatusListEntry"}}),
        json!({"credentialId": id, "credentialStatus": {"type": "BitstringStatusListEntry"},
               "proofType": "eddsa-jcs-2022"}),
    ] {
        let (status, reply) = issue_vc_api(&server, &stolen, options).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (409, Some("CREDENTIAL_ID_IN_USE"))
        );
    }
    let mut taken_id = stolen.clone();
    taken_id["credentialStatus"] = entry.to_value();
    let (status, reply) = issue_vc_api(&server, &taken_id, json!({"credentialId": id})).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("CREDENTIAL_STATUS_NOT_ALLOCATED"))
    );

    // Two purposes, two entries.
    let both = json!({"credentialStatus": {"type": "BitstringStatusListEntry",
        "statusPurpose": ["revocation", "suspension"]}});
    let third = vc_api_credential(&server, "urn:uuid:5b1f0a2c-8f3e-4d7a-9b64-0c2e1f3a4d58");
    let (status, reply) = issue_vc_api(&server, &third, both).await;
    assert_eq!(status, 201, "{reply}");
    let statuses = reply["verifiableCredential"]["credentialStatus"]
        .as_array()
        .unwrap();
    let purposes: Vec<&str> = statuses
        .iter()
        .map(|s| s["statusPurpose"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["revocation", "suspension"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_status_options_are_refused() {
    let server = start(Options::default()).await;
    let credential = vc_api_credential(&server, "urn:uuid:7c0e5d1a-2b3c-4d5e-8f90-a1b2c3d4e5f6");
    let cases = [
        (
            json!({"type": "StatusList2021Entry"}),
            "UNSUPPORTED_STATUS_TYPE",
        ),
        (
            json!({"type": "BitstringStatusListEntry", "statusPurpose": "message"}),
            "STATUS_PURPOSE_NOT_SUPPORTED",
        ),
        (
            json!({"type": "BitstringStatusListEntry", "statusPurpose": "bogus"}),
            "STATUS_ENTRY_INVALID",
        ),
        (
            json!({"type": "BitstringStatusListEntry", "statusPurpose": ["revocation", "revocation"]}),
            "INVALID_REQUEST",
        ),
        (
            json!({"type": "BitstringStatusListEntry", "extra": 1}),
            "INVALID_REQUEST",
        ),
    ];
    for (wanted, code) in cases {
        let (status, reply) =
            issue_vc_api(&server, &credential, json!({"credentialStatus": wanted})).await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some(code)),
            "{wanted}: {reply}"
        );
    }
    // A VC 1.1 credential does not define BitstringStatusListEntry: refused, not rewritten.
    let mut v1 = credential.clone();
    v1["@context"] = json!(["https://www.w3.org/2018/credentials/v1"]);
    v1.as_object_mut().unwrap().remove("validFrom");
    v1["issuanceDate"] = "2025-01-01T00:00:00Z".into();
    let options = json!({"credentialStatus": {"type": "BitstringStatusListEntry"}});
    let (status, reply) = issue_vc_api(&server, &v1, options).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("INVALID_REQUEST")),
        "{reply}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocable_request_under_a_recorded_id_is_refused() {
    let server = start(Options::default()).await;
    let id = vc_core::CredentialId::parse("urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d").unwrap();
    let request = server
        .request("gold")
        .revocable(true)
        .with_credential_id(id.clone());
    let body = serde_json::to_value(&request).unwrap();
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(status, 201, "{reply}");
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (409, Some("CREDENTIAL_ID_IN_USE")),
        "{reply}"
    );
}

/// Many revocable requests in flight at once over loopback: concurrent status reservations and
/// index records share store writes (group commit), and yet every credential gets an index of its
/// own, every entry is in the index under its credential, and revoking by credential id finds it.
async fn concurrent_revocable_issues_lose_nothing(
    status_store: Arc<dyn vc_status::store::StatusListStore>,
    index: Arc<dyn CredentialStatusIndex>,
) {
    const IN_FLIGHT: usize = 48;
    let server = Arc::new(
        start(Options {
            status_store: Some(status_store),
            status_index: Some(index.clone()),
            ..Options::default()
        })
        .await,
    );
    let issued = futures::future::join_all((0..IN_FLIGHT).map(|_| {
        let server = server.clone();
        async move { issue_revocable(&server).await }
    }))
    .await;
    let distinct: HashSet<(String, u64)> = issued
        .iter()
        .map(|(_, entry)| (entry.list_credential().to_owned(), entry.index().get()))
        .collect();
    assert_eq!(distinct.len(), IN_FLIGHT, "an index was handed out twice");
    for (id, entry) in &issued {
        assert_eq!(
            index.entries(id).await.unwrap(),
            vec![entry.clone()],
            "{id}"
        );
    }
    let (id, entry) = &issued[IN_FLIGHT / 2];
    let body = json!({
        "credentialId": id,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        "status": true
    });
    let (status, reply) = json_of(server.post("/credentials/status", &body).await).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(served_bit(&server, entry).await, 1);
    assert_eq!(served_bit(&server, &issued[0].1).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_revocable_issues_lose_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issuer.db");
    let store = vc_status::store::SqliteStore::open(&path).await.unwrap();
    let index = SqliteCredentialStatusIndex::open(&path).await.unwrap();
    concurrent_revocable_issues_lose_nothing(Arc::new(store), Arc::new(index)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_revocable_issues_lose_nothing_on_postgres() {
    vc_status::testing::postgres::in_fresh_schema(
        "vc_issue_test",
        "http_group_commit",
        |url, schema| async move {
            let store = vc_status::store::PostgresStore::connect_with_schema(&url, &schema)
                .await
                .unwrap();
            let index = PostgresCredentialStatusIndex::connect_with_schema(&url, &schema)
                .await
                .unwrap();
            concurrent_revocable_issues_lose_nothing(Arc::new(store), Arc::new(index)).await;
        },
    )
    .await;
}
