//! The verifier's status check over loopback HTTP: credentials issued by a `VcApi`, their status
//! lists fetched from that same router over a real socket by a reqwest `ResourceLoader`, then
//! revoked, suspended, unreachable, forged or tampered with.

use std::sync::Arc;

use serde_json::{json, Value};
use vc_core::{Credential, DataModelVersion, Presentation};
use vc_issue::crypto::suites::DataIntegritySuite;
use vc_issue::http::{verifier_routes, ServeLimits};
use vc_issue::{
    Check, CredentialVerifier, HostError, InMemoryDidRegistry, ProofOptions, ProofSuite,
    ResourceLoader, StaticResources, VerifyError,
};
use vc_status::{Bitstring, DecodeOptions, ListFormat, StatusEntry};

use super::server::{json_of, listen, serve, start, Options, Server};

/// A `ResourceLoader` over HTTP: `404` is "not held" (`Ok(None)`), any other failure is
/// "unavailable".
#[derive(Debug, Default)]
struct HttpLoader {
    client: reqwest::Client,
}

#[async_trait::async_trait]
impl ResourceLoader for HttpLoader {
    async fn load(&self, url: &str) -> Result<Option<Arc<[u8]>>, HostError> {
        let response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(HostError::unavailable)?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(HostError::unavailable(std::io::Error::other(format!(
                "{url} answered {}",
                response.status()
            ))));
        }
        let bytes = response.bytes().await.map_err(HostError::unavailable)?;
        Ok(Some(Arc::from(bytes.as_ref())))
    }
}

/// A verifier router on its own socket, and the verifier behind it.
struct Verifier {
    base: String,
    client: reqwest::Client,
    verifier: Arc<CredentialVerifier>,
}

impl Verifier {
    async fn start(loader: Option<Arc<dyn ResourceLoader>>) -> Self {
        let (listener, base) = listen().await;
        let mut verifier = CredentialVerifier::new(Arc::new(InMemoryDidRegistry::new()));
        if let Some(loader) = loader {
            verifier = verifier.with_status_loader(loader);
        }
        let verifier = Arc::new(verifier);
        serve(
            listener,
            verifier_routes(verifier.clone()),
            ServeLimits::default(),
        );
        Self {
            base,
            client: reqwest::Client::new(),
            verifier,
        }
    }

    async fn over_http() -> Self {
        Self::start(Some(Arc::new(HttpLoader::default()))).await
    }

    /// `POST /credentials/verify`: the status and the body.
    async fn verify(&self, vc: &Value, options: Value) -> (u16, Value) {
        let body = json!({"verifiableCredential": vc, "options": options});
        let response = self
            .client
            .post(format!("{}/credentials/verify", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        json_of(response).await
    }

    /// The code a refused verification answers with, checking the VC API failure shape.
    async fn refused(&self, vc: &Value) -> (u16, String) {
        let (status, body) = self.verify(vc, json!({})).await;
        assert_ne!(status, 200, "{body}");
        let code = body["code"].as_str().unwrap_or_default().to_owned();
        if status == 400 {
            assert_eq!(body["details"]["verified"], false, "{body}");
            assert_eq!(body["details"]["errors"][0]["code"], code.as_str());
        }
        (status, code)
    }
}

async fn issue_revocable(server: &Server) -> (Value, StatusEntry) {
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
    let vc = body["verifiableCredential"].clone();
    let entry = StatusEntry::from_value(vc["credentialStatus"].clone()).unwrap();
    (vc, entry)
}

async fn set_status(server: &Server, id: &str, purpose: &str, set: bool) {
    let body = json!({"credentialId": id,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
        "status": set});
    let (status, reply) = json_of(server.post("/credentials/status", &body).await).await;
    assert_eq!(status, 200, "{reply}");
}

/// A VC 2.0 credential of the server's issuer with `status` as its `credentialStatus`, signed
/// with the issuer's key outside the router (to point entries where the router never would).
async fn signed_with_status(server: &Server, status: Value) -> Value {
    let credential = Credential::from_value(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": server.key.did().to_string(),
        "credentialSubject": {"id": server.holder.to_string()},
        "credentialStatus": status,
    }))
    .unwrap();
    let options = ProofOptions::assertion(server.key.verification_method_id(), None);
    DataIntegritySuite::eddsa_jcs_2022()
        .sign(credential, &options, server.key.as_ref())
        .await
        .unwrap()
        .to_value()
        .unwrap()
}

fn entry(list: &str, purpose: &str, index: u64) -> Value {
    json!({"id": format!("{list}#{index}"), "type": "BitstringStatusListEntry",
           "statusPurpose": purpose, "statusListIndex": index.to_string(),
           "statusListCredential": list})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocable_credential_verifies_until_it_is_revoked() {
    let server = start(Options::default()).await;
    let verifier = Verifier::over_http().await;
    let (vc, entry) = issue_revocable(&server).await;
    let (status, body) = verifier.verify(&vc, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"], json!(["proof", "status"]));
    assert_eq!(body["warnings"], json!([]));
    assert_eq!(body["errors"], json!([]));
    // Asked for the proof alone, the verifier says it did not check the status.
    let (status, body) = verifier.verify(&vc, json!({"checks": ["proof"]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"], json!(["proof"]));
    assert_eq!(body["warnings"][0]["code"], "STATUS_NOT_CHECKED");

    set_status(&server, vc["id"].as_str().unwrap(), "revocation", true).await;
    assert_eq!(
        verifier.refused(&vc).await,
        (400, "CREDENTIAL_REVOKED".to_owned())
    );
    // The same from Rust.
    let credential = Credential::from_value(vc.clone()).unwrap();
    match verifier.verifier.verify_report(&credential).await {
        Err(VerifyError::Revoked { list, index }) => {
            assert_eq!(
                (list.as_str(), index),
                (entry.list_credential(), entry.index().get())
            );
        }
        other => panic!("{other:?}"),
    }
    // The proof alone still verifies: revocation is a status, not a broken signature.
    let (status, _) = verifier.verify(&vc, json!({"checks": ["proof"]})).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_loader_status_is_not_claimed() {
    let server = start(Options::default()).await;
    let verifier = Verifier::start(None).await;
    let (vc, _) = issue_revocable(&server).await;
    set_status(&server, vc["id"].as_str().unwrap(), "revocation", true).await;
    let (status, body) = verifier.verify(&vc, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"], json!(["proof"]));
    assert_eq!(body["warnings"][0]["code"], "STATUS_NOT_CHECKED");
    let (status, body) = verifier.verify(&vc, json!({"checks": ["status"]})).await;
    assert_eq!(status, 400, "{body}");

    // A credential without credentialStatus passes the status check, with no warning.
    let plain = Verifier::over_http().await;
    let credential = Credential::from_value(vc.clone()).unwrap();
    let mut bare = credential.without_proof();
    bare.credential_status = None;
    let options = ProofOptions::assertion(server.key.verification_method_id(), None);
    let bare = DataIntegritySuite::eddsa_jcs_2022()
        .sign(bare, &options, server.key.as_ref())
        .await
        .unwrap();
    let report = plain.verifier.verify_report(&bare).await.unwrap();
    assert_eq!(report.checks, vec![Check::Proof, Check::Status]);
    assert!(report.statuses.is_empty() && report.warnings.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspension_is_reported_and_lifted() {
    let server = start(Options::default()).await;
    let verifier = Verifier::over_http().await;
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": server.key.did().to_string(),
        "credentialSubject": {"id": server.holder.to_string()},
    });
    let body = json!({"credential": credential,
        "options": {"credentialId": "urn:example:badge-7", "proofType": "eddsa-jcs-2022",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}}});
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(status, 201, "{reply}");
    let vc = reply["verifiableCredential"].clone();
    for (set, expected) in [
        (false, None),
        (true, Some("CREDENTIAL_SUSPENDED")),
        (false, None),
    ] {
        set_status(&server, "urn:example:badge-7", "suspension", set).await;
        match expected {
            None => assert_eq!(verifier.verify(&vc, json!({})).await.0, 200),
            Some(code) => assert_eq!(verifier.refused(&vc).await, (400, code.to_owned())),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_list_leaves_the_status_unknown() {
    let server = start(Options::default()).await;
    let verifier = Verifier::over_http().await;
    let (vc, taken) = issue_revocable(&server).await;
    // Nobody listens there; the router serves no such list (404); the loader holds nothing.
    let closed = {
        let (listener, base) = listen().await;
        drop(listener);
        format!("{base}/status-lists/revocation-1")
    };
    let missing = format!("{}/status-lists/revocation-99", server.base);
    for list in [closed, missing] {
        let vc = signed_with_status(&server, entry(&list, "revocation", 7)).await;
        assert_eq!(
            verifier.refused(&vc).await,
            (503, "STATUS_LIST_UNAVAILABLE".to_owned())
        );
    }
    let empty = Verifier::start(Some(Arc::new(StaticResources::new()))).await;
    assert_eq!(
        empty.refused(&vc).await,
        (503, "STATUS_LIST_UNAVAILABLE".to_owned())
    );
    // An unknown status does not hide a revocation another entry proves.
    set_status(&server, vc["id"].as_str().unwrap(), "revocation", true).await;
    let (listener, base) = listen().await;
    drop(listener);
    let both = signed_with_status(
        &server,
        json!([
            entry(
                &format!("{base}/status-lists/revocation-1"),
                "revocation",
                1
            ),
            taken.to_value()
        ]),
    )
    .await;
    assert_eq!(
        verifier.refused(&both).await,
        (400, "CREDENTIAL_REVOKED".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_tampered_and_mismatched_lists_are_refused() {
    let server = start(Options::default()).await;
    let other = start(Options::default()).await;
    let verifier = Verifier::over_http().await;
    let (_, ours) = issue_revocable(&server).await;
    let (_, theirs) = issue_revocable(&other).await;
    let invalid = (502, "STATUS_LIST_CREDENTIAL_INVALID".to_owned());

    // An entry pointing at another issuer's (validly signed) list.
    let vc = signed_with_status(
        &server,
        entry(theirs.list_credential(), "revocation", theirs.index().get()),
    )
    .await;
    assert_eq!(verifier.refused(&vc).await, invalid);

    // The other issuer's list, relabelled as ours: its proof no longer verifies.
    let (_, their_list) = json_of(other.get(theirs.list_credential()).await).await;
    let mut relabelled = their_list.clone();
    relabelled["issuer"] = server.key.did().to_string().into();
    relabelled["id"] = ours.list_credential().into();
    // Our own list with a forged encodedList (the entry's bit set), signature unchanged.
    let (_, our_list) = json_of(server.get(ours.list_credential()).await).await;
    let mut bits = Bitstring::decode(
        our_list["credentialSubject"]["encodedList"]
            .as_str()
            .unwrap(),
        &DecodeOptions::new(),
    )
    .unwrap();
    bits.set(ours.index().get(), 1).unwrap();
    let mut tampered = our_list.clone();
    tampered["credentialSubject"]["encodedList"] = bits.encode().into();
    // Our list served at another of our URLs (its id gives it away).
    let mut moved = our_list.clone();
    moved["id"] = format!("{}/status-lists/revocation-2", server.base).into();
    let vc = signed_with_status(&server, ours.to_value()).await;
    for forged in [relabelled, tampered, moved] {
        let loader = StaticResources::new();
        loader.insert(ours.list_credential(), serde_json::to_vec(&forged).unwrap());
        let served = Verifier::start(Some(Arc::new(loader))).await;
        assert_eq!(served.refused(&vc).await, invalid, "{forged}");
    }
    // Not JSON at all.
    let loader = StaticResources::new();
    loader.insert(ours.list_credential(), b"<html>".to_vec());
    let served = Verifier::start(Some(Arc::new(loader))).await;
    assert_eq!(served.refused(&vc).await, invalid);

    // The entry's purpose is not the list's; an index beyond the list.
    for (purpose, index) in [("suspension", ours.index().get()), ("revocation", 1 << 40)] {
        let vc = signed_with_status(&server, entry(ours.list_credential(), purpose, index)).await;
        assert_eq!(verifier.refused(&vc).await, invalid, "{purpose} {index}");
    }
    // An entry type no verifier here reads, and a malformed entry.
    let mut unknown = ours.to_value();
    unknown["type"] = "RevocationList2020Status".into();
    let vc = signed_with_status(&server, unknown).await;
    assert_eq!(
        verifier.refused(&vc).await,
        (400, "UNSUPPORTED_STATUS_TYPE".to_owned())
    );
    let mut malformed = ours.to_value();
    malformed["statusListIndex"] = "-1".into();
    let vc = signed_with_status(&server, malformed).await;
    assert_eq!(
        verifier.refused(&vc).await,
        (400, "STATUS_ENTRY_INVALID".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_presentation_of_a_revoked_credential_is_refused() {
    let server = start(Options::default()).await;
    let verifier = Verifier::over_http().await;
    let (vc, _) = issue_revocable(&server).await;
    let holder = vc_issue::Ed25519Signer::generate();
    let credential = Credential::from_value(vc.clone()).unwrap();
    let mut presentation = Presentation::new(DataModelVersion::V2, holder.did());
    presentation.push_credential(&credential).unwrap();
    let options = ProofOptions::authentication(holder.verification_method_id(), None, "c-9", None);
    let proof = DataIntegritySuite::eddsa_jcs_2022()
        .sign_document(&presentation, &options, &holder)
        .await
        .unwrap();
    presentation.proof = Some(vc_core::OneOrMany::One(proof));
    let body = json!({"verifiablePresentation": presentation.to_value().unwrap(),
                      "options": {"challenge": "c-9"}});
    let post = || async {
        json_of(
            verifier
                .client
                .post(format!("{}/presentations/verify", verifier.base))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    };
    let (status, reply) = post().await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["checks"], json!(["proof", "status"]));
    set_status(&server, vc["id"].as_str().unwrap(), "revocation", true).await;
    let (status, reply) = post().await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (400, Some("CREDENTIAL_REVOKED"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vc_1_1_credential_with_a_status_list_2021_entry() {
    let server = start(Options {
        status_format: Some(ListFormat::StatusList2021),
        ..Options::default()
    })
    .await;
    let verifier = Verifier::over_http().await;
    let credential = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1",
                     "https://w3id.org/vc/status-list/2021/v1"],
        "type": ["VerifiableCredential"],
        "issuer": server.key.did().to_string(),
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": server.holder.to_string()},
    });
    let body = json!({"credential": credential,
        "options": {"credentialId": "urn:example:v11-1", "proofType": "eddsa-jcs-2022",
            "credentialStatus": {"type": "StatusList2021Entry", "statusPurpose": "revocation"}}});
    let (status, reply) = json_of(server.post("/credentials/issue", &body).await).await;
    assert_eq!(status, 201, "{reply}");
    let vc = reply["verifiableCredential"].clone();
    assert_eq!(vc["credentialStatus"]["type"], "StatusList2021Entry");
    let (status, body) = verifier.verify(&vc, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["checks"], json!(["proof", "status"]));
    let change = json!({"credentialId": "urn:example:v11-1",
        "credentialStatus": {"type": "StatusList2021Entry", "statusPurpose": "revocation"},
        "status": true});
    let (status, reply) = json_of(server.post("/credentials/status", &change).await).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        verifier.refused(&vc).await,
        (400, "CREDENTIAL_REVOKED".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_loader_passes_the_resource_loader_suite() {
    let server = start(Options::default()).await;
    let (_, entry) = issue_revocable(&server).await;
    let bytes = server
        .get(entry.list_credential())
        .await
        .bytes()
        .await
        .unwrap();
    vc_issue::testing::resource_loader::check_resource_loader(
        &HttpLoader::default(),
        entry.list_credential(),
        &bytes,
        &format!("{}/status-lists/revocation-99", server.base),
    )
    .await
    .unwrap();
}
