//! Holders without a DID over loopback HTTP: `subjectId` (another URL) and `"subjectId": null`
//! beside `holderDid`, at once and through the approval queue; malformed holders refused with
//! their code and pointer.

use serde_json::{json, Value};

use crate::http_api::server::{json_of, start, Options, Server};

const MAIL: &str = "mailto:alice@university.example";

/// A membership request (eddsa-jcs-2022) with `member` as its holder.
fn body(server: &Server, member: Value) -> Value {
    let mut body = serde_json::to_value(server.request("gold")).unwrap();
    let object = body.as_object_mut().unwrap();
    object.remove("holderDid");
    object.extend(member.as_object().unwrap().clone());
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_did_an_email_address_or_nobody_is_issued_to_at_once() {
    let server = start(Options::default()).await;
    let did = server.holder.as_str().to_owned();
    for (member, id) in [
        (json!({"holderDid": did}), Some(did.as_str())),
        (json!({"subjectId": MAIL}), Some(MAIL)),
        (
            json!({"subjectId": "https://people.example/alice"}),
            Some("https://people.example/alice"),
        ),
        (json!({"subjectId": null}), None),
    ] {
        let (status, reply) = json_of(
            server
                .post("/credentials/issue", &body(&server, member.clone()))
                .await,
        )
        .await;
        assert_eq!(status, 201, "{member}: {reply}");
        let credential = server.verify(&reply["verifiableCredential"]).await;
        assert_eq!(credential.subjects()[0].id.as_deref(), id, "{member}");
        assert_eq!(credential.subjects()[0].claims["level"], "gold");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_holder_is_refused_with_its_code_and_pointer() {
    let server = start(Options::default()).await;
    let did = server.holder.as_str().to_owned();
    for (member, pointer) in [
        (
            json!({"subjectId": "alice@university.example"}),
            "/subjectId",
        ),
        (
            json!({"subjectId": "mailto:alice smith@university.example"}),
            "/subjectId",
        ),
        (json!({"subjectId": did}), "/subjectId"),
        (json!({"subjectId": 42}), "/subjectId"),
        (json!({"holderDid": MAIL}), "/holderDid"),
        (json!({}), "/holderDid"),
        (json!({"holderDid": null}), "/holderDid"),
        (json!({"holderDid": did, "subjectId": MAIL}), "/subjectId"),
    ] {
        let (status, reply) = json_of(
            server
                .post("/credentials/issue", &body(&server, member.clone()))
                .await,
        )
        .await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (400, Some("INVALID_REQUEST")),
            "{member}: {reply}"
        );
        assert_eq!(reply["details"]["pointer"], pointer, "{member}: {reply}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_holder_goes_through_approval_and_gets_its_status_entry() {
    let server = start(Options {
        queue: true,
        hold: true,
        ..Options::default()
    })
    .await;
    let mut request = body(&server, json!({"subjectId": MAIL}));
    request["revocable"] = json!(true);
    let (status, submitted) = json_of(server.post("/credentials/issue", &request).await).await;
    assert_eq!(status, 202, "{submitted}");
    let ticket = submitted["id"].as_str().unwrap();
    let (status, decided) = json_of(
        server
            .post(
                &format!("/credentials/issue/{ticket}/approve"),
                &json!({"approver": "registrar"}),
            )
            .await,
    )
    .await;
    assert_eq!((status, decided["state"].as_str()), (200, Some("approved")));
    let queue = server.queue.as_ref().unwrap();
    assert_eq!(queue.worker("w").run_until_idle(4).await.unwrap().issued, 1);
    let (status, polled) = json_of(server.get(&format!("/credentials/issue/{ticket}")).await).await;
    assert_eq!(status, 200, "{polled}");
    let vc = &polled["verifiableCredential"];
    let credential = server.verify(vc).await;
    assert_eq!(credential.subjects()[0].id.as_deref(), Some(MAIL));
    // Its status entry was recorded under its id: revoking it by that id works.
    let id = vc["id"].as_str().unwrap();
    let (status, reply) = json_of(
        server
            .post(
                "/credentials/status",
                &json!({
                    "credentialId": id,
                    "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
                    "status": true
                }),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        reply["credentialStatus"][0]["statusListIndex"],
        vc["credentialStatus"]["statusListIndex"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_without_id_is_queued_as_such() {
    let server = start(Options::queued()).await;
    let (status, submitted) = json_of(
        server
            .post(
                "/credentials/issue",
                &body(&server, json!({"subjectId": null})),
            )
            .await,
    )
    .await;
    assert_eq!(status, 202, "{submitted}");
    let queue = server.queue.as_ref().unwrap();
    assert_eq!(queue.worker("w").run_until_idle(4).await.unwrap().issued, 1);
    let ticket = submitted["id"].as_str().unwrap();
    let (_, polled) = json_of(server.get(&format!("/credentials/issue/{ticket}")).await).await;
    let vc = &polled["verifiableCredential"];
    server.verify(vc).await;
    assert!(vc["credentialSubject"].get("id").is_none(), "{vc}");
    assert_eq!(vc["credentialSubject"]["level"], "gold");
}
