use std::sync::Arc;

use serde_json::json;
use vc_core::{Credential, DidUrl};
use vc_didcomm::iota::{
    ChallengeSignature, HolderKey, HolderSession, HolderState, IotaMessage, IotaProblemCode,
    IssuanceRequest, IssuanceResponse, IssuerState, SignatureChallenge,
};
use vc_didcomm::{Message, ProblemReport};
use vc_issue::{CredentialVerifier, Ed25519Signer};

use crate::common::{wire, World, DEGREE};

/// `message` sent by the holder, in the thread `thid` when given.
fn from_holder(world: &World, message: IotaMessage, thid: Option<vc_didcomm::ThreadId>) -> Message {
    let mut builder = message
        .to_message()
        .unwrap()
        .from(DidUrl::from(world.holder_did.clone()));
    if let Some(thid) = thid {
        builder = builder.thid(thid);
    }
    builder.build().unwrap()
}

fn offer_of(message: &Message) -> vc_didcomm::iota::IssuanceOffer {
    match IotaMessage::from_message(message).unwrap() {
        IotaMessage::Offer(offer) => offer,
        other => panic!("not an offer: {other:?}"),
    }
}

fn issuance_of(message: &Message) -> vc_didcomm::iota::Issuance {
    match IotaMessage::from_message(message).unwrap() {
        IotaMessage::Issuance(issuance) => issuance,
        other => panic!("not an issuance: {other:?}"),
    }
}

#[tokio::test]
async fn holder_initiated_flow_with_challenges_on_both_steps() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let mut holder = world.holder_session();

    let request = holder
        .request(
            IssuanceRequest::new(world.holder_did.clone(), ["VerifiableCredential", DEGREE])
                .with_trusted_issuers([world.issuer_did.to_string()]),
        )
        .unwrap();
    let step = issuer.handle(&wire(&request)).await.unwrap();
    assert!(step.messages.is_empty() && step.rejection.is_none());
    assert!(matches!(issuer.state(), IssuerState::RequestReceived(_)));

    let offer = issuer.offer(world.degree()).unwrap();
    assert_eq!(offer.thread_id(), request.thread_id());
    let body = offer_of(&offer);
    let challenge = body.signature_challenge.clone().unwrap();
    assert_eq!(challenge.challenge, "challenge-1");
    assert_eq!(
        challenge.credential_hash,
        world.degree().credential_hash().unwrap()
    );
    assert_eq!(body.expiry.unwrap().as_str(), "2024-03-01T12:30:00Z");

    let step = holder.handle(&wire(&offer)).await.unwrap();
    assert!(step.messages.is_empty());
    assert!(matches!(holder.state(), HolderState::OfferReceived(_)));
    let response = holder.accept().await.unwrap();

    let step = issuer.handle(&wire(&response)).await.unwrap();
    assert!(step.rejection.is_none(), "{:?}", step.rejection);
    let issuance_message = step.message().unwrap().clone();
    let issuance = issuance_of(&issuance_message);
    let second = issuance.signature_challenge.clone().unwrap();
    assert_eq!(second.challenge, "challenge-2");
    assert_eq!(
        second.credential_hash,
        issuance.signed_credential.credential_hash().unwrap(),
        "the issuance hash covers the proof"
    );
    assert_ne!(second.credential_hash, challenge.credential_hash);

    let step = holder.handle(&wire(&issuance_message)).await.unwrap();
    assert!(step.rejection.is_none(), "{:?}", step.rejection);
    let ack = step.message().unwrap().clone();
    let HolderState::Done { credential } = holder.state() else {
        panic!("holder not done: {:?}", holder.state());
    };
    CredentialVerifier::new(world.registry.clone())
        .verify(credential)
        .await
        .unwrap();

    let step = issuer.handle(&wire(&ack)).await.unwrap();
    assert!(step.messages.is_empty());
    let IssuerState::Done {
        acknowledgment,
        acceptance,
        ..
    } = issuer.state()
    else {
        panic!("issuer not done: {:?}", issuer.state());
    };
    assert_eq!(acceptance.as_ref().unwrap().signature_challenge, challenge);
    assert_eq!(acknowledgment.as_ref().unwrap().signature_challenge, second);
    // The audit trail verifies on its own.
    acknowledgment
        .as_ref()
        .unwrap()
        .verify(&world.holder_did, world.registry.as_ref())
        .await
        .unwrap();
}

#[tokio::test]
async fn issuer_initiated_flow() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let mut holder = HolderSession::new(world.holder_config().build().unwrap(), None);
    let offer = issuer.offer(world.degree()).unwrap();
    assert!(offer.thid.is_none(), "the offer starts the thread");
    holder.handle(&wire(&offer)).await.unwrap();
    let response = holder.accept().await.unwrap();
    assert_eq!(response.thid.as_ref().unwrap(), &offer.thread_id());
    assert_eq!(response.to[0].as_str(), world.issuer_did.as_str());
    let issuance = issuer.handle(&wire(&response)).await.unwrap();
    let ack = holder
        .handle(&wire(issuance.message().unwrap()))
        .await
        .unwrap();
    issuer.handle(&wire(ack.message().unwrap())).await.unwrap();
    assert!(matches!(issuer.state(), IssuerState::Done { .. }));
    assert!(matches!(holder.state(), HolderState::Done { .. }));
}

#[tokio::test]
async fn flow_without_challenges() {
    let world = World::new();
    let config = world
        .issuer_config()
        .offer_challenge(false)
        .issuance_challenge(false)
        .build()
        .unwrap();
    let mut issuer = vc_didcomm::iota::IssuerSession::new(config, world.holder_did.clone());
    let mut holder = world.holder_session();
    let offer = issuer.offer(world.degree()).unwrap();
    assert!(offer_of(&offer).signature_challenge.is_none());
    holder.handle(&wire(&offer)).await.unwrap();
    let response = holder.accept().await.unwrap();
    assert!(response.body.get("signature").is_none());
    let issuance = issuer.handle(&wire(&response)).await.unwrap();
    let ack = holder
        .handle(&wire(issuance.message().unwrap()))
        .await
        .unwrap();
    assert_eq!(ack.message().unwrap().body, json!({}));
    issuer.handle(&wire(ack.message().unwrap())).await.unwrap();
    assert!(matches!(
        issuer.state(),
        IssuerState::Done {
            acknowledgment: None,
            ..
        }
    ));
}

#[tokio::test]
async fn holder_disputes_the_offer() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let mut holder = world.holder_session();
    let offer = issuer.offer(world.degree()).unwrap();
    holder.handle(&wire(&offer)).await.unwrap();
    let dispute = Credential::from_value(json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:6e8e989e-749e-4ed8-885b-b2a2bb64835f",
        "type": ["VerifiableCredential", "DisputeCredential"],
        "credentialSubject": {
            "id": "urn:uuid:6c1a1477-e452-4da7-b2db-65ad0b369d1a",
            "currentStatus": "Disputed",
            "statusReason": {"value": "Incorrect name.", "lang": "en"}
        },
        "issuer": world.holder_did.as_str(),
        "issuanceDate": "2024-03-01T12:01:00Z"
    }))
    .unwrap();
    let response = holder.dispute(vec![dispute.clone()]).unwrap();
    assert_eq!(response.body["accepted"], false);
    assert_eq!(holder.state(), &HolderState::Declined);
    let step = issuer.handle(&wire(&response)).await.unwrap();
    assert!(step.messages.is_empty());
    assert_eq!(
        issuer.state(),
        &IssuerState::Declined {
            disputes: vec![dispute]
        }
    );
}

#[tokio::test]
async fn accepted_with_disputes_is_refused() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let offer = issuer.offer(world.degree()).unwrap();
    let body: IssuanceResponse = serde_json::from_value(
        json!({"accepted": true, "disputes": [world.degree().to_value().unwrap()]}),
    )
    .unwrap();
    let response = from_holder(&world, IotaMessage::Response(body), Some(offer.thread_id()));
    let err = issuer.handle(&response).await.unwrap_err();
    assert_eq!(err.code(), "ACCEPTED_WITH_DISPUTES");
    assert!(matches!(issuer.state(), IssuerState::OfferSent(_)));
}

#[tokio::test]
async fn expired_offer() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let mut holder = world.holder_session();
    let offer = issuer.offer(world.degree()).unwrap();
    holder.handle(&wire(&offer)).await.unwrap();

    // The holder refuses to accept an offer that has already expired...
    world.clock.advance(time::Duration::minutes(31));
    assert_eq!(holder.accept().await.unwrap_err().code(), "OFFER_EXPIRED");
    assert!(matches!(holder.state(), HolderState::OfferReceived(_)));

    // ...and the issuer refuses a response that arrives after the expiry.
    world.clock.advance(time::Duration::minutes(-2));
    let response = holder.accept().await.unwrap();
    world.clock.advance(time::Duration::minutes(2));
    let step = issuer.handle(&wire(&response)).await.unwrap();
    assert_eq!(step.rejection.as_ref().unwrap().code(), "OFFER_EXPIRED");
    let report = ProblemReport::from_message(step.message().unwrap()).unwrap();
    assert_eq!(report.code, IotaProblemCode::InvalidRequest.as_str());
    assert_eq!(
        step.message().unwrap().pthid.as_ref(),
        Some(&offer.thread_id())
    );
    assert!(matches!(issuer.state(), IssuerState::Abandoned { .. }));

    holder.handle(&wire(step.message().unwrap())).await.unwrap();
    assert_eq!(
        holder.state(),
        &HolderState::Abandoned {
            code: "e.p.prot.iota.issuance.invalid-request".into()
        }
    );
}

async fn to_issuance(world: &World) -> (vc_didcomm::iota::IssuerSession, HolderSession, Message) {
    let mut issuer = world.issuer_session();
    let mut holder = world.holder_session();
    let offer = issuer.offer(world.degree()).unwrap();
    holder.handle(&wire(&offer)).await.unwrap();
    let response = holder.accept().await.unwrap();
    let step = issuer.handle(&wire(&response)).await.unwrap();
    let issuance = step.message().unwrap().clone();
    (issuer, holder, issuance)
}

#[tokio::test]
async fn tampered_credential_is_rejected_with_a_problem_report() {
    let world = World::new();
    let (_, mut holder, mut issuance) = to_issuance(&world).await;
    issuance.body["signedCredential"]["credentialSubject"]["degree"]["name"] =
        json!("Doctor of Philosophy");
    let step = holder.handle(&wire(&issuance)).await.unwrap();
    assert_eq!(step.rejection.as_ref().unwrap().code(), "HASH_MISMATCH");
    let report = ProblemReport::from_message(step.message().unwrap()).unwrap();
    assert_eq!(report.code, "e.p.prot.iota.issuance.reject-vc");
    assert!(matches!(holder.state(), HolderState::Abandoned { .. }));
}

#[tokio::test]
async fn wrong_issuance_hash_is_rejected() {
    let world = World::new();
    let (_, mut holder, mut issuance) = to_issuance(&world).await;
    issuance.body["signatureChallenge"]["credentialHash"] =
        json!(world.degree().credential_hash().unwrap());
    let step = holder.handle(&wire(&issuance)).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "HASH_MISMATCH");
}

#[tokio::test]
async fn forged_proof_is_rejected() {
    let world = World::new();
    let (_, mut holder, mut issuance) = to_issuance(&world).await;
    // Re-sign with another key, and fix the issuance hash so that only the proof is wrong.
    let mut credential: Credential =
        serde_json::from_value(issuance.body["signedCredential"].clone()).unwrap();
    let mut proof = credential.proofs()[0].clone();
    proof.proof_value = Some("z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKiuQ2gYu3dTaGHsRcG".into());
    credential.proof = Some(vc_core::OneOrMany::One(proof));
    issuance.body["signedCredential"] = credential.to_value().unwrap();
    issuance.body["signatureChallenge"]["credentialHash"] =
        json!(credential.credential_hash().unwrap());
    let step = holder.handle(&wire(&issuance)).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "CREDENTIAL_NOT_VERIFIED");
}

#[tokio::test]
async fn untrusted_issuer_is_rejected() {
    let world = World::new();
    let stranger = Ed25519Signer::from_seed(&[9; 32]).did();
    let config = world.holder_config().build().unwrap();
    // A holder that trusts someone else only.
    let other = vc_didcomm::iota::HolderConfig::builder()
        .key(HolderKey::new(
            world.holder_vm.clone(),
            world.holder_key.clone(),
        ))
        .trust_issuer(&stranger)
        .resolver(world.registry.clone())
        .clock(world.clock.clone())
        .build()
        .unwrap();
    drop(config);
    let mut issuer = world.issuer_session();
    let mut holder = HolderSession::new(other, Some(world.issuer_did.clone()));
    let offer = issuer.offer(world.degree()).unwrap();
    holder.handle(&wire(&offer)).await.unwrap();
    let response = holder.accept().await.unwrap();
    let step = issuer.handle(&wire(&response)).await.unwrap();
    let step = holder.handle(&wire(step.message().unwrap())).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "UNTRUSTED_ISSUER");
}

#[tokio::test]
async fn replayed_message_is_an_error_and_changes_nothing() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let mut holder = world.holder_session();
    let offer = issuer.offer(world.degree()).unwrap();
    holder.handle(&wire(&offer)).await.unwrap();
    assert_eq!(
        holder.handle(&wire(&offer)).await.unwrap_err().code(),
        "REPLAYED_MESSAGE"
    );
    let response = holder.accept().await.unwrap();
    let step = issuer.handle(&wire(&response)).await.unwrap();
    let state = issuer.state().clone();
    assert_eq!(
        issuer.handle(&wire(&response)).await.unwrap_err().code(),
        "REPLAYED_MESSAGE"
    );
    assert_eq!(issuer.state(), &state);
    // The protocol goes on.
    let ack = holder.handle(&wire(step.message().unwrap())).await.unwrap();
    issuer.handle(&wire(ack.message().unwrap())).await.unwrap();
    assert!(matches!(issuer.state(), IssuerState::Done { .. }));
}

#[tokio::test]
async fn out_of_order_message_is_an_error_and_changes_nothing() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let offer = issuer.offer(world.degree()).unwrap();
    let early_ack = from_holder(
        &world,
        IotaMessage::Acknowledgment(Default::default()),
        Some(offer.thread_id()),
    );
    let err = issuer.handle(&early_ack).await.unwrap_err();
    assert_eq!(err.code(), "OUT_OF_ORDER");
    assert!(matches!(issuer.state(), IssuerState::OfferSent(_)));

    // A request after the offer is out of order too.
    let mut holder = world.holder_session();
    let late_request =
        IotaMessage::Request(IssuanceRequest::new(world.holder_did.clone(), [DEGREE]))
            .to_message()
            .unwrap()
            .thid(offer.thread_id())
            .build()
            .unwrap();
    assert_eq!(
        issuer.handle(&late_request).await.unwrap_err().code(),
        "OUT_OF_ORDER"
    );

    // The holder cannot accept before an offer.
    assert_eq!(holder.accept().await.unwrap_err().code(), "INVALID_STATE");
    holder.handle(&wire(&offer)).await.unwrap();
    let response = holder.accept().await.unwrap();
    let step = issuer.handle(&wire(&response)).await.unwrap();
    assert!(step.rejection.is_none());
}

#[tokio::test]
async fn other_thread_and_other_sender_are_refused() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let mut holder = world.holder_session();
    let offer = issuer.offer(world.degree()).unwrap();
    holder.handle(&wire(&offer)).await.unwrap();
    let mut response = holder.accept().await.unwrap();
    response.thid = Some(vc_didcomm::ThreadId::parse("another-thread").unwrap());
    assert_eq!(
        issuer.handle(&response).await.unwrap_err().code(),
        "THREAD_MISMATCH"
    );
    response.thid = Some(offer.thread_id());
    response.from = Some(DidUrl::parse("did:example:mallory").unwrap());
    assert_eq!(
        issuer.handle(&response).await.unwrap_err().code(),
        "SENDER_MISMATCH"
    );
    assert!(matches!(issuer.state(), IssuerState::OfferSent(_)));
}

async fn respond_with(world: &World, signature: Option<ChallengeSignature>) -> vc_didcomm::Step {
    let mut issuer = world.issuer_session();
    let offer = issuer.offer(world.degree()).unwrap();
    let mut body = json!({"accepted": true});
    if let Some(signature) = signature {
        body["signature"] = serde_json::to_value(signature).unwrap();
    }
    let response = Message::builder(vc_didcomm::iota::ISSUANCE_RESPONSE, body)
        .thid(offer.thread_id())
        .from(DidUrl::from(world.holder_did.clone()))
        .build()
        .unwrap();
    issuer.handle(&response).await.unwrap()
}

fn offered_challenge(world: &World) -> SignatureChallenge {
    // The first challenge of a fresh session's sequence.
    SignatureChallenge::new("challenge-1", &world.degree()).unwrap()
}

#[tokio::test]
async fn missing_signature_is_refused() {
    let world = World::new();
    let step = respond_with(&world, None).await;
    assert_eq!(step.rejection.unwrap().code(), "SIGNATURE_MISSING");
}

#[tokio::test]
async fn signature_over_another_challenge_is_refused() {
    let world = World::new();
    let key = HolderKey::new(world.holder_vm.clone(), world.holder_key.clone());
    let other = SignatureChallenge::new("not-the-challenge", &world.degree()).unwrap();
    let signature = ChallengeSignature::sign(&other, &key, world.clock.now_dt())
        .await
        .unwrap();
    let step = respond_with(&world, Some(signature)).await;
    assert_eq!(step.rejection.unwrap().code(), "CHALLENGE_MISMATCH");
}

#[tokio::test]
async fn signature_by_another_key_is_refused() {
    let world = World::new();
    let mallory = Arc::new(Ed25519Signer::from_seed(&[7; 32]));
    // Mallory's key, claimed as the holder's method.
    let key = HolderKey::new(world.holder_vm.clone(), mallory);
    let signature =
        ChallengeSignature::sign(&offered_challenge(&world), &key, world.clock.now_dt())
            .await
            .unwrap();
    let step = respond_with(&world, Some(signature)).await;
    let rejection = step.rejection.unwrap();
    assert_eq!(rejection.code(), "INVALID_SIGNATURE");
    // Signature failures are opaque on the wire.
    let report = ProblemReport::from_message(step.messages.first().unwrap()).unwrap();
    assert!(report.comment.is_none());
}

#[tokio::test]
async fn signature_with_a_revoked_method_is_refused() {
    let world = World::new();
    let key = HolderKey::new(world.holder_vm.clone(), world.holder_key.clone());
    let signature =
        ChallengeSignature::sign(&offered_challenge(&world), &key, world.clock.now_dt())
            .await
            .unwrap();
    // The holder rotates its keys: its DID document no longer lists the method.
    let mut document = vc_issue::DidKeyResolver::resolve_now(&world.holder_did)
        .unwrap()
        .document;
    document.authentication.clear();
    world.registry.insert(document);
    let step = respond_with(&world, Some(signature.clone())).await;
    assert_eq!(step.rejection.unwrap().code(), "INVALID_SIGNATURE");

    // With the method in place the same signature verifies.
    let world = World::new();
    signature
        .verify(&world.holder_did, world.registry.as_ref())
        .await
        .unwrap();
    world.registry.deactivate(&world.holder_did);
    assert_eq!(
        signature
            .verify(&world.holder_did, world.registry.as_ref())
            .await
            .unwrap_err()
            .code(),
        "INVALID_SIGNATURE"
    );
}

async fn request_step(world: &World, opaque: bool, request: IssuanceRequest) -> vc_didcomm::Step {
    let config = world
        .issuer_config()
        .opaque_rejections(opaque)
        .build()
        .unwrap();
    let mut issuer = vc_didcomm::iota::IssuerSession::new(config, world.holder_did.clone());
    let message = from_holder(world, IotaMessage::Request(request), None);
    let step = issuer.handle(&message).await.unwrap();
    assert!(matches!(issuer.state(), IssuerState::Abandoned { .. }));
    assert_eq!(
        step.message().unwrap().pthid.as_ref(),
        Some(&message.thread_id())
    );
    step
}

#[tokio::test]
async fn issuer_refuses_unsupported_types_and_trusted_issuers() {
    let world = World::new();
    let code = |step: &vc_didcomm::Step| {
        ProblemReport::from_message(step.message().unwrap())
            .unwrap()
            .code
    };
    let wrong_type = IssuanceRequest::new(
        world.holder_did.clone(),
        ["VerifiableCredential", "DriversLicence"],
    );
    let step = request_step(&world, false, wrong_type.clone()).await;
    assert_eq!(
        step.rejection.as_ref().unwrap().code(),
        "UNSUPPORTED_CREDENTIAL_TYPE"
    );
    assert_eq!(
        code(&step),
        "e.p.prot.iota.issuance.invalid-credential-type"
    );

    let wrong_issuer = IssuanceRequest::new(world.holder_did.clone(), [DEGREE])
        .with_trusted_issuers(["did:example:76e12ec712ebc6f1c221ebfeb1f"]);
    let step = request_step(&world, false, wrong_issuer.clone()).await;
    assert_eq!(
        step.rejection.as_ref().unwrap().code(),
        "UNSUPPORTED_TRUSTED_ISSUER"
    );
    assert_eq!(code(&step), "e.p.prot.iota.issuance.invalid-trusted-issuer");

    // The opaque setting answers both with invalid-request and no comment.
    for request in [wrong_type, wrong_issuer] {
        let step = request_step(&world, true, request).await;
        assert_eq!(code(&step), "e.p.prot.iota.issuance.invalid-request");
        let report = ProblemReport::from_message(step.message().unwrap()).unwrap();
        assert!(report.comment.is_none());
    }
}

#[tokio::test]
async fn holder_rejects_an_offer_with_a_proof_or_a_wrong_hash() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let offer = issuer.offer(world.degree()).unwrap();

    let mut with_proof = offer.clone();
    with_proof.body["unsignedCredential"]["proof"] =
        json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"});
    let mut holder = world.holder_session();
    let step = holder.handle(&wire(&with_proof)).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "PROOF_IN_OFFER");

    let mut wrong_hash = offer.clone();
    wrong_hash.body["signatureChallenge"]["credentialHash"] = json!(
        "28Ae7AdqzyMyF9pmnwUNK1Q7VT3EzDDGEj1Huk7uYQT94KYAhQzEPyhoF5Ugs3totUugLPpghGmE9HaG8usJZcZv"
    );
    let mut holder = world.holder_session();
    let step = holder.handle(&wire(&wrong_hash)).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "HASH_MISMATCH");

    let mut bad_expiry = offer;
    bad_expiry.body["expiry"] = json!("2024-03-01T13:30:00.500+01:00");
    let mut holder = world.holder_session();
    let step = holder.handle(&wire(&bad_expiry)).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "INVALID_EXPIRY");
}

#[tokio::test]
async fn holder_rejects_an_offer_that_does_not_match_its_request() {
    let world = World::new();
    let mut issuer = world.issuer_session();
    let mut holder = world.holder_session();
    let request = holder
        .request(IssuanceRequest::new(
            world.holder_did.clone(),
            ["DriversLicence"],
        ))
        .unwrap();
    // An issuer that ignores the requested type.
    let _ = request;
    let offer = issuer.offer(world.degree()).unwrap();
    let mut offer = offer;
    offer.thid = Some(holder.thread_id().unwrap().clone());
    let step = holder.handle(&wire(&offer)).await.unwrap();
    assert_eq!(step.rejection.unwrap().code(), "CREDENTIAL_MISMATCH");
}

#[tokio::test]
async fn challenges_are_unique() {
    let world = World::new();
    let config = world
        .issuer_config()
        .challenges(Arc::new(vc_didcomm::RandomChallenges))
        .build()
        .unwrap();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..50 {
        let mut issuer =
            vc_didcomm::iota::IssuerSession::new(config.clone(), world.holder_did.clone());
        let offer = issuer.offer(world.degree()).unwrap();
        let challenge = offer_of(&offer).signature_challenge.unwrap().challenge;
        assert!(seen.insert(challenge));
    }
}

trait NowDt {
    fn now_dt(&self) -> vc_core::DateTime;
}

impl NowDt for vc_core::FixedClock {
    fn now_dt(&self) -> vc_core::DateTime {
        use vc_core::Clock as _;
        vc_core::DateTime::from(self.now())
    }
}
