//! DIDComm: parsing a plaintext message with a credential attachment, and one complete issuance
//! between an issuer session and a holder session in memory (`didcomm:iota/issuance/0.1` and Aries
//! issue-credential 3.0, both with `eddsa-jcs-2022`), next to a bare Ed25519 signature measured in
//! the same run, so ratios can be read from one report.
//!
//! Every message crosses a JSON "wire" (serialized, then parsed), as in
//! `examples/examples/04_didcomm_issuance.rs`. Fresh sessions and the offered credential are
//! prepared outside timing; signing, verifying and every protocol check run in each iteration.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::json;
use std::sync::Arc;
use vc_core::{Clock, Credential, CredentialId, DidUrl, SystemClock};
use vc_didcomm::aries::{
    offer_from_request, AriesHolder, AriesHolderState, AriesIssuer, AriesIssuerState,
    OfferCredential,
};
use vc_didcomm::iota::{
    HolderConfig, HolderKey, HolderSession, HolderState, IssuanceRequest, IssuerConfig,
    IssuerSession, IssuerState,
};
use vc_didcomm::{Message, Step};
use vc_issue::{
    Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry, Issuer, ProofType,
};

const DEGREE: &str = "UniversityDegreeCredential";

/// The issuer's pipeline, both keys, the DID registry and the offered credential, built once.
struct World {
    dids: Arc<InMemoryDidRegistry>,
    pipeline: Arc<Issuer>,
    issuer_key: Arc<Ed25519Signer>,
    holder_key: Arc<Ed25519Signer>,
    /// The holder's key as its sessions sign with it.
    holder: HolderKey,
    /// The iota offer's unsigned degree.
    degree: Credential,
    clock: Arc<dyn Clock>,
}

impl World {
    fn new() -> Self {
        let dids = Arc::new(InMemoryDidRegistry::new());
        let issuer_key = Arc::new(Ed25519Signer::from_seed(&[0x11; 32]));
        let holder_key = Arc::new(Ed25519Signer::from_seed(&[0x22; 32]));
        let keys = Arc::new(InMemoryKeyStore::new());
        keys.insert(issuer_key.verification_method_id(), issuer_key.clone());
        let pipeline = Issuer::builder()
            .resolver(dids.clone())
            .schemas(Arc::new(InMemorySchemaRegistry::new()))
            .keys(keys)
            .build()
            .unwrap();
        let holder = HolderKey::new(holder_key.verification_method_id(), holder_key.clone());
        let degree = Credential::builder()
            .id(CredentialId::parse("urn:uuid:0b4e8f0c-2f4c-4c61-9f35-1c1f8d6c2a10").unwrap())
            .context("https://www.w3.org/ns/credentials/examples/v2")
            .type_(DEGREE)
            .issuer(issuer_key.did())
            .subject_value(json!({
                "id": holder_key.did().as_str(),
                "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}
            }))
            .build()
            .unwrap();
        Self {
            dids,
            pipeline: Arc::new(pipeline),
            issuer_key,
            holder_key,
            holder,
            degree,
            clock: Arc::new(SystemClock),
        }
    }

    fn iota_issuer(&self) -> IssuerSession {
        let config = IssuerConfig::builder()
            .issuer(self.issuer_key.did())
            .credential_type(DEGREE)
            .signer(self.pipeline.clone())
            .resolver(self.dids.clone())
            .proof_type(ProofType::EddsaJcs2022)
            .build()
            .unwrap();
        IssuerSession::new(config, self.holder_key.did())
    }

    fn iota_holder(&self) -> HolderSession {
        let config = HolderConfig::builder()
            .key(self.holder.clone())
            .trust_issuer(&self.issuer_key.did())
            .resolver(self.dids.clone())
            .build()
            .unwrap();
        HolderSession::new(config, Some(self.issuer_key.did()))
    }

    fn aries_parties(&self) -> (AriesIssuer, AriesHolder) {
        let issuer = AriesIssuer::new(
            self.pipeline.clone(),
            DidUrl::from(self.issuer_key.did()),
            self.holder_key.did(),
        );
        let holder = AriesHolder::new(
            DidUrl::from(self.holder_key.did()),
            self.dids.clone(),
            &[self.issuer_key.did()],
            None,
        );
        (issuer, holder)
    }

    fn aries_offer(&self) -> OfferCredential {
        let claims =
            json!({"name": "Alice", "degree": {"type": "BachelorDegree", "university": "MIT"}});
        let request = vc_issue::IssuanceRequest::new(
            "degree",
            self.issuer_key.did(),
            self.holder_key.did(),
            claims.as_object().cloned().unwrap(),
        )
        .with_proof_type(ProofType::EddsaJcs2022);
        offer_from_request(&request, &[DEGREE], self.clock.clone()).unwrap()
    }
}

/// What the peer receives: the message serialized to JSON and parsed back.
fn wire(message: &Message) -> Message {
    Message::from_slice(message.to_json().unwrap().as_bytes()).unwrap()
}

fn only(step: &Step) -> Message {
    assert!(step.rejection.is_none(), "{:?}", step.rejection);
    step.message().expect("expected one message").clone()
}

/// A step that accepted its message and has nothing to send.
fn quiet(step: Step) {
    assert!(step.rejection.is_none(), "{:?}", step.rejection);
    assert!(step.messages.is_empty());
}

/// Holder-initiated `didcomm:iota/issuance/0.1`: request → offer → response (holder-signed
/// challenge) → issuance (issuer signs the credential; holder verifies it and signs the
/// acknowledgment) → ack.
async fn iota_issuance(
    w: &World,
    mut issuer: IssuerSession,
    mut holder: HolderSession,
    credential: Credential,
) {
    let request = holder
        .request(
            IssuanceRequest::new(w.holder_key.did(), [DEGREE])
                .with_trusted_issuers([w.issuer_key.did().to_string()]),
        )
        .unwrap();
    quiet(issuer.handle(&wire(&request)).await.unwrap());
    let offer = issuer.offer(credential).unwrap();
    quiet(holder.handle(&wire(&offer)).await.unwrap());
    let response = holder.accept().await.unwrap();
    let issuance = only(&issuer.handle(&wire(&response)).await.unwrap());
    let ack = only(&holder.handle(&wire(&issuance)).await.unwrap());
    quiet(issuer.handle(&wire(&ack)).await.unwrap());
    assert!(matches!(issuer.state(), IssuerState::Done { .. }));
    assert!(matches!(holder.state(), HolderState::Done { .. }));
}

/// Aries issue-credential 3.0: offer → request → issue (issuer signs; holder verifies) → ack.
async fn aries_issuance(
    mut issuer: AriesIssuer,
    mut holder: AriesHolder,
    offer: OfferCredential,
) -> Message {
    let offer = issuer.offer(offer).unwrap();
    quiet(holder.handle(&wire(&offer)).await.unwrap());
    let request = holder.request().unwrap();
    let issue = only(&issuer.handle(&wire(&request)).await.unwrap());
    let ack = only(&holder.handle(&wire(&issue)).await.unwrap());
    quiet(issuer.handle(&wire(&ack)).await.unwrap());
    assert!(matches!(issuer.state(), AriesIssuerState::Done(_)));
    assert!(matches!(holder.state(), AriesHolderState::Done(_)));
    issue
}

fn didcomm(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let world = World::new();
    let signer = Ed25519Signer::from_seed(&[7; 32]);
    let message = [0x5a_u8; 64];

    // A real `issue-credential` message: an `aries/ld-proof-vc@v1.0` attachment holding the
    // eddsa-jcs-2022-signed credential.
    let (issuer, holder) = world.aries_parties();
    let issue = runtime.block_on(aries_issuance(issuer, holder, world.aries_offer()));
    let issue_json = issue.to_json().unwrap();
    assert!(!issue.attachments.is_empty());

    let mut group = c.benchmark_group("didcomm");
    group.bench_function("reference: bare ed25519 sign (64-byte message)", |b| {
        b.iter(|| signer.sign_now(black_box(&message)))
    });
    group.bench_function(
        format!(
            "parse issue-credential message with credential attachment ({} bytes)",
            issue_json.len()
        ),
        |b| b.iter(|| Message::from_slice(black_box(issue_json.as_bytes())).unwrap()),
    );
    group.bench_function(
        "iota/issuance/0.1 full flow, eddsa-jcs-2022 (request→offer→response→issuance→ack)",
        |b| {
            b.iter_batched(
                || {
                    (
                        world.iota_issuer(),
                        world.iota_holder(),
                        world.degree.clone(),
                    )
                },
                |(issuer, holder, credential)| {
                    runtime.block_on(iota_issuance(&world, issuer, holder, credential))
                },
                BatchSize::SmallInput,
            )
        },
    );
    group.bench_function(
        "aries issue-credential 3.0 full flow, eddsa-jcs-2022 (offer→request→issue→ack)",
        |b| {
            b.iter_batched(
                || {
                    let (issuer, holder) = world.aries_parties();
                    (issuer, holder, world.aries_offer())
                },
                |(issuer, holder, offer)| runtime.block_on(aries_issuance(issuer, holder, offer)),
                BatchSize::SmallInput,
            )
        },
    );
    group.finish();
}

criterion_group!(benches, didcomm);
criterion_main!(benches);
