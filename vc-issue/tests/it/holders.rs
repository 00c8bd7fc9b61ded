//! Holders without a DID: a subject named by another URL (`mailto:`) or by nobody, in every proof
//! format, in batches, through the queue's stores; DIDs keep being resolved.

use std::collections::HashSet;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use vc_issue::pipeline::holder::{Holder, SubjectUrl};
use vc_issue::{
    BatchItem, BatchRequest, CredentialVerifier, IssuanceRequest, ItemStatus, ProofType,
};
use vc_status::store::MemoryStore;
use vc_status::StatusRegistry;

use crate::fixtures::{degree_claims, Setup};

const MAIL: &str = "mailto:alice@university.example";

fn mail() -> Holder {
    Holder::Url(SubjectUrl::parse(MAIL).unwrap())
}

/// The three kinds of holder: the setup's `did:key`, an e-mail address, nobody.
fn holders(setup: &Setup) -> [Holder; 3] {
    [Holder::Did(setup.holder.clone()), mail(), Holder::None]
}

fn request(setup: &Setup, holder: Holder) -> IssuanceRequest {
    IssuanceRequest::for_holder(
        "university-degree-v1",
        setup.ed25519.did(),
        holder,
        degree_claims(),
    )
}

fn payload(jwt: &str) -> Value {
    let part = jwt.split(['.', '~']).nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn with_status() -> Setup {
    let registry = StatusRegistry::builder()
        .store(Arc::new(MemoryStore::new()))
        .list_url_template("https://issuer.example/status/{list}")
        // The setup's Ed25519 issuer.
        .issuer(
            vc_issue::Ed25519Signer::from_seed(&[7; 32])
                .did()
                .to_string(),
        )
        .build()
        .unwrap();
    Setup::with(|builder| builder.status_registry(Arc::new(registry)))
}

#[tokio::test]
async fn data_integrity_credentials_name_the_holder_they_were_given() {
    let setup = Setup::new();
    let verifier = CredentialVerifier::new(setup.dids.clone());
    for proof_type in [ProofType::EddsaRdfc2022, ProofType::EddsaJcs2022] {
        for holder in holders(&setup) {
            let issued = setup
                .issuer
                .issue(request(&setup, holder.clone()).with_proof_type(proof_type.clone()))
                .await
                .unwrap_or_else(|e| panic!("{proof_type} {holder}: {e}"));
            let credential = issued.credential.as_credential().unwrap();
            verifier.verify(credential).await.unwrap();
            let subject = &credential.subjects()[0];
            assert_eq!(subject.id.as_deref(), holder.subject_id(), "{proof_type}");
            // The claims are all there, whoever the subject is.
            assert_eq!(subject.claims["gpa"], 3.7);
            let json = serde_json::to_value(credential).unwrap();
            assert_eq!(
                json["credentialSubject"].get("id").is_some(),
                holder != Holder::None
            );
        }
    }
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn a_vc_jwt_has_a_sub_only_when_the_holder_has_an_id() {
    let setup = Setup::new();
    let verifier = CredentialVerifier::new(setup.dids.clone());
    for holder in holders(&setup) {
        let issued = setup
            .issuer
            .issue(request(&setup, holder.clone()).with_proof_type(ProofType::VcJwt))
            .await
            .unwrap();
        let jwt = issued.credential.as_jwt().unwrap();
        assert_eq!(
            payload(jwt).get("sub").and_then(Value::as_str),
            holder.subject_id()
        );
        let credential = verifier.verify_jwt(jwt).await.unwrap();
        assert_eq!(credential.subjects()[0].id.as_deref(), holder.subject_id());
    }
}

#[cfg(feature = "sd-jwt")]
#[tokio::test]
async fn an_sd_jwt_vc_has_sub_and_cnf_only_for_a_holder_that_gives_them() {
    use vc_issue::pipeline::schema::SdJwtVcConfig;
    let setup = Setup::new();
    setup.schemas.insert(
        crate::fixtures::degree_schema().with_sd_jwt_vc(SdJwtVcConfig::new(
            "https://university.example/vct/degree",
            vec!["/gpa".into()],
        )),
    );
    for holder in holders(&setup) {
        let issued = setup
            .issuer
            .issue(request(&setup, holder.clone()).with_proof_type(ProofType::DcSdJwt))
            .await
            .unwrap();
        let sd_jwt = issued.credential.as_jwt().unwrap();
        let claims = payload(sd_jwt);
        assert_eq!(
            claims.get("sub").and_then(Value::as_str),
            holder.subject_id()
        );
        // Only the did:key holder has a key to bind to.
        assert_eq!(
            claims.get("cnf").is_some(),
            holder.did().is_some(),
            "{holder}"
        );
        let verified = vc_issue::sd_jwt::SdJwtVcVerifier::new()
            .clock(Arc::new(vc_core::FixedClock::new(
                time::macros::datetime!(2024-06-01 12:00 UTC),
            )))
            .verify(sd_jwt)
            .await
            .unwrap();
        assert_eq!(verified.claims["gpa"], 3.7);
    }
}

#[tokio::test]
async fn only_a_did_is_resolved_and_rules_see_the_holder_as_given() {
    let setup = Setup::new();
    // An unknown DID is refused, an e-mail address is not looked up anywhere.
    let unknown = Holder::Did(vc_core::Did::parse("did:example:nobody").unwrap());
    let error = setup
        .issuer
        .issue(request(&setup, unknown))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "HOLDER_NOT_FOUND");
    setup.issuer.issue(request(&setup, mail())).await.unwrap();
    // A delegation goes to an agent with a DID: never to a holder named otherwise.
    let delegation = IssuanceRequest::for_holder(
        vc_issue::pipeline::delegation::SCHEMA_ID,
        setup.ed25519.did(),
        mail(),
        json!({
            "delegator": setup.ed25519.did().as_str(),
            "delegate": setup.holder.as_str(),
            "scope": ["x"],
            "maxDepth": 0
        })
        .as_object()
        .unwrap()
        .clone(),
    );
    setup
        .schemas
        .insert(vc_issue::pipeline::delegation::schema_entry());
    let error = setup.issuer.issue(delegation).await.unwrap_err();
    assert_eq!(error.code(), "INVALID_REQUEST", "{error}");
}

#[tokio::test]
async fn a_batch_mixes_holders_and_fails_only_the_malformed_ones() {
    let setup = with_status();
    let item = |did: Option<&str>, subject: Option<Option<&str>>| {
        let mut item = BatchItem::new("", degree_claims());
        item.holder_did = did.map(str::to_owned);
        item.subject_id = subject.map(|s| s.map(str::to_owned));
        item
    };
    let holder = setup.holder.as_str();
    let items = vec![
        item(Some(holder), None),
        item(None, Some(Some(MAIL))),
        item(None, Some(None)),
        item(None, Some(Some("alice@university.example"))),
        item(None, Some(Some(holder))),
        item(Some(MAIL), None),
        item(None, None),
        item(Some(holder), Some(Some(MAIL))),
        BatchItem::for_holder(&mail(), degree_claims()),
    ];
    let mut batch: BatchRequest = serde_json::from_value(json!({
        "schemaId": "university-degree-v1",
        "issuerDid": setup.ed25519.did(),
        "revocable": true,
        "items": [],
    }))
    .unwrap();
    batch.items = items;
    let result = setup.issuer.issue_batch(batch).await.unwrap();
    let outcome: Vec<(ItemStatus, Option<String>)> = result
        .items
        .iter()
        .map(|r| {
            let pointer = r.error.as_ref().map(|e| {
                e.details()["pointer"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            });
            (r.status, pointer)
        })
        .collect();
    let failed = |at: &str| (ItemStatus::Failed, Some(at.to_owned()));
    assert_eq!(
        outcome,
        vec![
            (ItemStatus::Issued, None),
            (ItemStatus::Issued, None),
            (ItemStatus::Issued, None),
            failed("/subjectId"),
            failed("/subjectId"),
            failed("/holderDid"),
            failed("/holderDid"),
            failed("/subjectId"),
            (ItemStatus::Issued, None),
        ]
    );
    let verifier = CredentialVerifier::new(setup.dids.clone());
    let mut indexes = HashSet::new();
    let expected = [Some(holder), Some(MAIL), None, Some(MAIL)];
    let issued = result
        .items
        .iter()
        .filter(|r| r.status == ItemStatus::Issued);
    for (result, subject) in issued.zip(expected) {
        let credential = result.credential.as_ref().unwrap().as_credential().unwrap();
        verifier.verify(credential).await.unwrap();
        assert_eq!(credential.subjects()[0].id.as_deref(), subject);
        assert!(credential.credential_status.is_some());
        assert!(indexes.insert(result.status_list_index.unwrap()));
    }
    // Each result echoes the holder as it was given.
    let json = serde_json::to_value(&result.items[2]).unwrap();
    assert_eq!(json["subjectId"], Value::Null);
    assert!(json.as_object().unwrap().contains_key("subjectId"));
    assert_eq!(
        serde_json::to_value(&result.items[1]).unwrap()["subjectId"],
        MAIL
    );
}

#[test]
fn the_request_json_names_the_holder_in_one_of_three_explicit_shapes() {
    let base = json!({
        "schemaId": "s", "issuerDid": "did:example:issuer", "claims": {}
    });
    let with = |member: Value| {
        let mut body = base.clone();
        body.as_object_mut()
            .unwrap()
            .extend(member.as_object().unwrap().clone());
        serde_json::from_value::<IssuanceRequest>(body)
    };
    let did = with(json!({"holderDid": "did:example:alice"})).unwrap();
    assert_eq!(
        did.holder_did().map(|d| d.as_str()),
        Some("did:example:alice")
    );
    assert_eq!(with(json!({"subjectId": MAIL})).unwrap().holder, mail());
    assert_eq!(
        with(json!({"subjectId": null})).unwrap().holder,
        Holder::None
    );
    for refused in [
        json!({}),
        json!({"holderDid": MAIL}),
        json!({"subjectId": "did:example:alice"}),
        json!({"subjectId": "no scheme"}),
        json!({"holderDid": "did:example:alice", "subjectId": MAIL}),
    ] {
        let error = with(refused.clone()).unwrap_err().to_string();
        assert!(error.contains("invalid holder"), "{refused}: {error}");
    }
    // Each shape writes back as it was read; a DID holder exactly as before.
    for member in [
        json!({"holderDid": "did:example:alice"}),
        json!({"subjectId": MAIL}),
        json!({"subjectId": null}),
    ] {
        let request = with(member.clone()).unwrap();
        let written = serde_json::to_value(&request).unwrap();
        let (name, value) = member.as_object().unwrap().iter().next().unwrap();
        assert_eq!(&written[name], value);
        assert_eq!(
            serde_json::from_value::<IssuanceRequest>(written).unwrap(),
            request
        );
    }
    let did_first = serde_json::to_string(&did).unwrap();
    assert!(
        did_first.starts_with(
            r#"{"schemaId":"s","issuerDid":"did:example:issuer","holderDid":"did:example:alice","claims":{}"#
        ),
        "{did_first}"
    );
}

/// A ticket stored by the release before holders without DIDs (its request with `holderDid`, as
/// it was written then) still loads, and tickets of every kind of holder round-trip through the
/// SQL stores.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod stores {
    use std::sync::Arc;

    use serde_json::json;
    use vc_issue::queue::{IssuanceStore, TicketRecord, TicketState};

    use super::{mail, request, Holder, Setup};

    fn old_ticket() -> serde_json::Value {
        json!({
            "id": "5c1f7d0e-8d33-4d8f-9a55-0f4c3b1f2a10",
            "state": "pending_approval",
            "version": 0,
            "fingerprint": "00",
            "request": {
                "schemaId": "university-degree-v1",
                "issuerDid": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
                "holderDid": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                "claims": {"gpa": 3.7},
                "proofType": "eddsa-rdfc-2022",
                "revocable": true,
                "dataModel": "2.0",
                "credentialId": "urn:uuid:1a2b3c4d-0000-4000-8000-000000000001"
            },
            "createdAt": "2026-12-01T10:00:00Z",
            "attempts": 0,
            "history": [{"state": "pending_approval", "at": "2026-12-01T10:00:00Z", "actor": "policy"}]
        })
    }

    async fn round_trip(store: Arc<dyn IssuanceStore>) {
        let setup = Setup::new();
        let old: TicketRecord = serde_json::from_value(old_ticket()).unwrap();
        assert_eq!(
            old.request.holder_did().map(|d| d.as_str()),
            Some("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
        );
        // Its history predates the principal too.
        assert_eq!(old.history[0].principal, None);
        let mut records = vec![old];
        for holder in [mail(), Holder::None] {
            records.push(TicketRecord::new(
                request(&setup, holder),
                "00".into(),
                TicketState::PendingApproval,
                time::OffsetDateTime::now_utc(),
                "policy",
            ));
        }
        for record in records {
            store.insert(&record).await.unwrap();
            let loaded = store.get(&record.id).await.unwrap().unwrap();
            assert_eq!(loaded.request.holder, record.request.holder);
            assert_eq!(loaded.request, record.request);
        }
    }

    #[cfg(feature = "sqlite")]
    #[tokio::test]
    async fn sqlite_keeps_old_and_new_holders() {
        let dir = tempfile::tempdir().unwrap();
        let store = vc_issue::queue::SqliteIssuanceStore::open(dir.path().join("q.db"))
            .await
            .unwrap();
        round_trip(Arc::new(store)).await;
    }

    #[cfg(feature = "postgres")]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_keeps_old_and_new_holders() {
        let Some(url) = vc_status::testing::postgres::url() else {
            return;
        };
        let schema = vc_status::testing::postgres::unique_schema("vc_issue_test", "holders");
        let result = tokio::spawn({
            let (url, schema) = (url.clone(), schema.clone());
            async move {
                let store =
                    vc_issue::queue::PostgresIssuanceStore::connect_with_schema(&url, &schema)
                        .await
                        .unwrap();
                round_trip(Arc::new(store)).await;
            }
        })
        .await;
        vc_status::testing::postgres::drop_schemas(&url, &[&schema])
            .await
            .unwrap();
        if let Err(e) = result {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}
