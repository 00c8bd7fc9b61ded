use serde_json::json;
use vc_core::DidUrl;
use vc_didcomm::aries::{
    issue_from_issued, offer_from_request, AriesHolder, AriesHolderState, AriesIssuer,
    AriesIssuerState, AriesMessage, CredentialPreview, ProposeCredential,
};
use vc_didcomm::ProblemReport;
use vc_issue::{IssuanceRequest, IssuedCredential, ProofType};

use crate::common::{wire, World, DEGREE};

fn request(world: &World, proof_type: ProofType) -> IssuanceRequest {
    let claims = json!({
        "name": "Alice",
        "degree": {"type": "BachelorDegree", "university": "MIT"}
    });
    IssuanceRequest::new(
        "degree",
        world.issuer_did.clone(),
        world.holder_did.clone(),
        claims.as_object().unwrap().clone(),
    )
    .with_proof_type(proof_type)
}

fn parties(world: &World) -> (AriesIssuer, AriesHolder) {
    let issuer = AriesIssuer::new(
        world.issuer.clone(),
        DidUrl::from(world.issuer_did.clone()),
        world.holder_did.clone(),
    )
    .with_clock(world.clock.clone());
    let holder = AriesHolder::new(
        DidUrl::from(world.holder_did.clone()),
        world.registry.clone(),
        std::slice::from_ref(&world.issuer_did),
        None,
    )
    .with_clock(world.clock.clone());
    (issuer, holder)
}

/// The offer of the degree for `proof_type`, from the issuing request.
fn degree_offer(world: &World, proof_type: ProofType) -> vc_didcomm::aries::OfferCredential {
    offer_from_request(&request(world, proof_type), &[DEGREE], world.clock.clone()).unwrap()
}

/// The issuer offers the degree, the holder takes the offer and returns its request.
async fn offered_and_requested(
    world: &World,
    issuer: &mut AriesIssuer,
    holder: &mut AriesHolder,
    proof_type: ProofType,
) -> vc_didcomm::Message {
    let offer = issuer.offer(degree_offer(world, proof_type)).unwrap();
    holder.handle(&wire(&offer)).await.unwrap();
    holder.request().unwrap()
}

#[tokio::test]
async fn offer_request_issue_ack() {
    let world = World::new();
    let (mut issuer, mut holder) = parties(&world);
    let offer = degree_offer(&world, ProofType::EddsaJcs2022);
    assert_eq!(
        offer.credential_preview.get("degree.university"),
        Some("MIT")
    );
    assert_eq!(offer.credential_preview.get("name"), Some("Alice"));
    let offer = issuer.offer(offer).unwrap();
    assert_eq!(
        offer.body["formats"][0]["format"],
        "aries/ld-proof-vc-detail@v1.0"
    );
    assert_eq!(
        offer.attachments[0].format.as_deref(),
        Some("aries/ld-proof-vc-detail@v1.0")
    );

    holder.handle(&wire(&offer)).await.unwrap();
    assert!(matches!(holder.state(), AriesHolderState::OfferReceived(_)));
    let request = holder.request().unwrap();
    assert_eq!(request.thid.as_ref(), Some(&offer.thread_id()));

    let step = issuer.handle(&wire(&request)).await.unwrap();
    assert!(step.rejection.is_none());
    let issue = step.message().unwrap().clone();
    assert_eq!(issue.body["formats"][0]["format"], "aries/ld-proof-vc@v1.0");

    let step = holder.handle(&wire(&issue)).await.unwrap();
    assert!(step.rejection.is_none(), "{:?}", step.rejection);
    let ack = step.message().unwrap().clone();
    assert_eq!(ack.type_, vc_didcomm::aries::ACK);
    let AriesHolderState::Done(issued) = holder.state() else {
        panic!("{:?}", holder.state())
    };
    let credential = issued.as_credential().unwrap();
    assert_eq!(
        credential.subjects()[0].claims["degree"]["university"],
        "MIT"
    );
    assert!(credential.has_type(DEGREE));

    issuer.handle(&wire(&ack)).await.unwrap();
    assert!(matches!(issuer.state(), AriesIssuerState::Done(_)));
    // Replays after the end are refused.
    assert_eq!(
        issuer.handle(&wire(&ack)).await.unwrap_err().code(),
        "REPLAYED_MESSAGE"
    );
}

#[tokio::test]
async fn propose_then_offer() {
    let world = World::new();
    let (mut issuer, _) = parties(&world);
    let mut holder = AriesHolder::new(
        DidUrl::from(world.holder_did.clone()),
        world.registry.clone(),
        std::slice::from_ref(&world.issuer_did),
        Some(world.issuer_did.clone()),
    );
    let mut proposal = ProposeCredential::default();
    proposal.credential_preview = Some(CredentialPreview::from_claims(
        json!({"degree": {"university": "MIT"}})
            .as_object()
            .unwrap(),
    ));
    let proposal = holder.propose(proposal).unwrap();
    issuer.handle(&wire(&proposal)).await.unwrap();
    assert!(matches!(
        issuer.state(),
        AriesIssuerState::ProposalReceived(_)
    ));
    let offer = degree_offer(&world, ProofType::EddsaJcs2022);
    let offer = issuer.offer(offer).unwrap();
    assert_eq!(offer.thid.as_ref(), Some(&proposal.thread_id()));
    holder.handle(&wire(&offer)).await.unwrap();
    let req = holder.request().unwrap();
    let issue = issuer.handle(&wire(&req)).await.unwrap();
    let ack = holder
        .handle(&wire(issue.message().unwrap()))
        .await
        .unwrap();
    issuer.handle(&wire(ack.message().unwrap())).await.unwrap();
    assert!(matches!(issuer.state(), AriesIssuerState::Done(_)));
}

#[tokio::test]
async fn request_before_offer_is_out_of_order() {
    let world = World::new();
    let (mut issuer, _) = parties(&world);
    let req = AriesMessage::Request(Default::default())
        .to_message()
        .unwrap()
        .from(DidUrl::from(world.holder_did.clone()))
        .build()
        .unwrap();
    assert_eq!(
        issuer.handle(&req).await.unwrap_err().code(),
        "OUT_OF_ORDER"
    );
    assert_eq!(issuer.state(), &AriesIssuerState::Start);
}

#[tokio::test]
async fn tampered_issued_credential_is_abandoned() {
    let world = World::new();
    let (mut issuer, mut holder) = parties(&world);
    let req =
        offered_and_requested(&world, &mut issuer, &mut holder, ProofType::EddsaJcs2022).await;
    let mut issue = issuer.handle(&wire(&req)).await.unwrap().messages.remove(0);
    let mut value = serde_json::to_value(&issue).unwrap();
    value["attachments"][0]["data"]["json"]["credentialSubject"]["degree"]["university"] =
        json!("Harvard");
    issue = vc_didcomm::Message::from_value(value).unwrap();
    let step = holder.handle(&issue).await.unwrap();
    assert_eq!(
        step.rejection.as_ref().unwrap().code(),
        "CREDENTIAL_MISMATCH"
    );
    let report = ProblemReport::from_message(step.message().unwrap()).unwrap();
    assert_eq!(report.code, vc_didcomm::aries::ISSUANCE_ABANDONED);
    issuer.handle(&wire(step.message().unwrap())).await.unwrap();
    assert!(matches!(issuer.state(), AriesIssuerState::Abandoned { .. }));
}

#[tokio::test]
async fn request_with_another_detail_is_refused() {
    let world = World::new();
    let (mut issuer, mut holder) = parties(&world);
    let req =
        offered_and_requested(&world, &mut issuer, &mut holder, ProofType::EddsaJcs2022).await;
    let mut value = serde_json::to_value(&req).unwrap();
    value["attachments"][0]["data"]["json"]["credential"]["credentialSubject"]["name"] =
        json!("Mallory");
    let req = vc_didcomm::Message::from_value(value).unwrap();
    let step = issuer.handle(&req).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "CREDENTIAL_MISMATCH");
}

#[tokio::test]
async fn issue_from_issued_builds_the_right_attachment() {
    let world = World::new();
    let offer = degree_offer(&world, ProofType::EddsaJcs2022);
    let detail =
        vc_didcomm::aries::CredentialDetail::from_attachment(&offer.attachments[0]).unwrap();
    let signed = vc_didcomm::CredentialSigner::sign(
        world.issuer.as_ref(),
        detail.credential.clone(),
        &ProofType::EddsaJcs2022,
    )
    .await
    .unwrap();
    let issue = issue_from_issued(&signed).unwrap();
    assert_eq!(issue.formats[0].format, "aries/ld-proof-vc@v1.0");
    assert_eq!(
        issue.attachments[0].as_json().unwrap(),
        &signed.as_credential().unwrap().to_value().unwrap()
    );
    let jwt = issue_from_issued(&IssuedCredential::Jwt(
        "eyJhbGciOiJFZERTQSJ9.e30.sig".into(),
    ))
    .unwrap();
    assert_eq!(jwt.formats[0].format, "vc+jwt");
    assert_eq!(
        jwt.attachments[0].decode_base64().unwrap(),
        b"eyJhbGciOiJFZERTQSJ9.e30.sig"
    );
}

#[tokio::test]
async fn credential_signer_conformance_for_the_pipeline() {
    let world = World::new();
    vc_didcomm::credential_signer::conformance::check_credential_signer(
        world.issuer.as_ref(),
        world.degree(),
        world.registry.clone(),
    )
    .await;
}

#[cfg(feature = "jwt")]
#[tokio::test]
async fn vc_jwt_flow() {
    let world = World::new();
    let (mut issuer, mut holder) = parties(&world);
    let req = offered_and_requested(&world, &mut issuer, &mut holder, ProofType::VcJwt).await;
    let issue = issuer.handle(&wire(&req)).await.unwrap();
    assert_eq!(
        issue.message().unwrap().attachments[0].format.as_deref(),
        Some("vc+jwt")
    );
    let step = holder
        .handle(&wire(issue.message().unwrap()))
        .await
        .unwrap();
    assert!(step.rejection.is_none(), "{:?}", step.rejection);
    assert!(
        matches!(holder.state(), AriesHolderState::Done(c) if matches!(**c, IssuedCredential::Jwt(_)))
    );
}
