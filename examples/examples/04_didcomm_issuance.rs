//! Issues credentials over DIDComm, in memory: both roles of `didcomm:iota/issuance/0.1` and of
//! Aries Issue Credential 3.0, moving plaintext messages through an in-memory transport.
//!
//!     cargo run -p vc-examples --example 04_didcomm_issuance
//!
//! Runs, in order: a holder-initiated flow and an issuer-initiated flow (both with signature
//! challenges on the response and the acknowledgment), a disputed offer, an expired offer, a
//! tampered credential (hash mismatch → problem report), and Aries 3.0 offer → request → issue →
//! ack. Time is a fixed clock moved by hand, so expiry needs no sleeping.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;
use time::macros::datetime;
use vc_core::{Credential, CredentialId, DidUrl, FixedClock};
use vc_didcomm::aries::{offer_from_request, AriesHolder, AriesHolderState, AriesIssuer};
use vc_didcomm::iota::{
    HolderConfig, HolderKey, HolderSession, HolderState, IssuanceRequest, IssuerConfig,
    IssuerSession, IssuerState,
};
use vc_didcomm::{InMemoryTransport, Message, ProblemReport, Transport};
use vc_issue::{Ed25519Signer, InMemoryDidRegistry, InMemorySchemaRegistry, Issuer, ProofType};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct World {
    clock: Arc<FixedClock>,
    dids: Arc<InMemoryDidRegistry>,
    pipeline: Arc<Issuer>,
    issuer_key: Arc<Ed25519Signer>,
    holder_key: Arc<Ed25519Signer>,
    wire: InMemoryTransport,
}

impl World {
    fn new() -> Res<Self> {
        let clock = Arc::new(FixedClock::new(datetime!(2024-06-01 09:00 UTC)));
        let dids = Arc::new(InMemoryDidRegistry::new());
        let issuer_key = Arc::new(Ed25519Signer::from_seed(&[0x11; 32]));
        let holder_key = Arc::new(Ed25519Signer::from_seed(&[0x22; 32]));
        let keys = vc_examples::one_key(issuer_key.verification_method_id(), issuer_key.clone());
        let pipeline = Issuer::builder()
            .resolver(dids.clone())
            .schemas(Arc::new(InMemorySchemaRegistry::new()))
            .keys(keys)
            .clock(clock.clone())
            .build()?;
        Ok(Self {
            clock,
            dids,
            pipeline: Arc::new(pipeline),
            issuer_key,
            holder_key,
            wire: InMemoryTransport::new(),
        })
    }

    fn issuer(&self) -> Res<IssuerSession> {
        let config = IssuerConfig::builder()
            .issuer(self.issuer_key.did())
            .credential_type("UniversityDegreeCredential")
            .signer(self.pipeline.clone())
            .resolver(self.dids.clone())
            .clock(self.clock.clone())
            .offer_ttl(time::Duration::minutes(15))
            .issuance_ttl(time::Duration::minutes(15))
            .build()?;
        Ok(IssuerSession::new(config, self.holder_key.did()))
    }

    /// A new issuer and holder, the degree offered by the issuer and delivered to the holder.
    async fn offered(&self) -> Res<(IssuerSession, HolderSession)> {
        let (mut issuer, mut holder) = (self.issuer()?, self.holder()?);
        let offer = issuer.offer(self.degree()?)?;
        let _ = holder.handle(&self.deliver(&offer).await?).await?;
        Ok((issuer, holder))
    }

    fn holder(&self) -> Res<HolderSession> {
        let config = HolderConfig::builder()
            .key(HolderKey::new(
                self.holder_key.verification_method_id(),
                self.holder_key.clone(),
            ))
            .trust_issuer(&self.issuer_key.did())
            .resolver(self.dids.clone())
            .clock(self.clock.clone())
            .build()?;
        Ok(HolderSession::new(config, Some(self.issuer_key.did())))
    }

    fn degree(&self) -> Res<Credential> {
        Ok(Credential::builder()
            .id(CredentialId::parse(
                "urn:uuid:0b4e8f0c-2f4c-4c61-9f35-1c1f8d6c2a10",
            )?)
            .context("https://www.w3.org/ns/credentials/examples/v2")
            .type_("UniversityDegreeCredential")
            .issuer(self.issuer_key.did())
            .subject_value(json!({
                "id": self.holder_key.did().as_str(),
                "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}
            }))
            .clock(self.clock.clone())
            .build()?)
    }

    /// Sends through the transport and returns what the peer receives (serialized and parsed).
    async fn deliver(&self, message: &Message) -> Res<Message> {
        self.wire.send(message).await.map_err(|e| e.to_string())?;
        let received = self.wire.take().pop().ok_or("nothing delivered")?;
        println!("  → {}", short(&received.type_));
        Ok(Message::from_slice(received.to_json()?.as_bytes())?)
    }
}

fn short(type_: &str) -> &str {
    type_.rsplit('/').next().unwrap_or(type_)
}

fn only(step: &vc_didcomm::Step) -> Res<Message> {
    Ok(step.message().ok_or("expected one message")?.clone())
}

async fn holder_initiated(w: &World) -> Res<()> {
    println!("holder-initiated issuance:");
    let (mut issuer, mut holder) = (w.issuer()?, w.holder()?);
    let request = holder.request(
        IssuanceRequest::new(w.holder_key.did(), ["UniversityDegreeCredential"])
            .with_trusted_issuers([w.issuer_key.did().to_string()]),
    )?;
    let _ = issuer.handle(&w.deliver(&request).await?).await?;
    let offer = issuer.offer(w.degree()?)?;
    let _ = holder.handle(&w.deliver(&offer).await?).await?;
    let response = holder.accept().await?;
    let issuance = only(&issuer.handle(&w.deliver(&response).await?).await?)?;
    let ack = only(&holder.handle(&w.deliver(&issuance).await?).await?)?;
    let _ = issuer.handle(&w.deliver(&ack).await?).await?;
    let IssuerState::Done {
        acceptance,
        acknowledgment,
        ..
    } = issuer.state()
    else {
        return Err(format!("issuer ended in {}", issuer.state().name()).into());
    };
    println!(
        "  done; holder signed challenges {:?} and {:?}",
        acceptance
            .as_ref()
            .map(|s| s.signature_challenge.challenge.clone()),
        acknowledgment
            .as_ref()
            .map(|s| s.signature_challenge.challenge.clone()),
    );
    Ok(())
}

async fn issuer_initiated(w: &World) -> Res<()> {
    println!("issuer-initiated issuance:");
    let (mut issuer, mut holder) = w.offered().await?;
    let response = holder.accept().await?;
    let issuance = only(&issuer.handle(&w.deliver(&response).await?).await?)?;
    let ack = only(&holder.handle(&w.deliver(&issuance).await?).await?)?;
    let _ = issuer.handle(&w.deliver(&ack).await?).await?;
    let HolderState::Done { credential } = holder.state() else {
        return Err(format!("holder ended in {}", holder.state().name()).into());
    };
    println!("  done; holder stored:\n{}", credential.to_json_pretty()?);
    Ok(())
}

async fn disputed(w: &World) -> Res<()> {
    println!("disputed offer:");
    let (mut issuer, mut holder) = w.offered().await?;
    let dispute = Credential::from_value(json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "DisputeCredential"],
        "credentialSubject": {
            "id": "urn:uuid:0b4e8f0c-2f4c-4c61-9f35-1c1f8d6c2a10",
            "currentStatus": "Disputed",
            "statusReason": {"value": "Incorrect degree name.", "lang": "en"}
        },
        "issuer": w.holder_key.did().as_str(),
        "issuanceDate": "2024-06-01T09:01:00Z"
    }))?;
    let response = holder.dispute(vec![dispute])?;
    let _ = issuer.handle(&w.deliver(&response).await?).await?;
    println!("  issuer state: {}", issuer.state().name());
    Ok(())
}

async fn expired(w: &World) -> Res<()> {
    println!("expired offer:");
    let (mut issuer, mut holder) = w.offered().await?;
    let response = holder.accept().await?;
    w.clock.advance(time::Duration::minutes(20)); // the response arrives late
    let step = issuer.handle(&w.deliver(&response).await?).await?;
    let report = ProblemReport::from_message(&only(&step)?)?;
    println!(
        "  refused: {} ({})",
        report.code,
        step.rejection.as_ref().map_or("", |e| e.code().as_str())
    );
    w.clock.advance(time::Duration::minutes(-20));
    Ok(())
}

async fn tampered(w: &World) -> Res<()> {
    println!("tampered credential:");
    let (mut issuer, mut holder) = w.offered().await?;
    let response = holder.accept().await?;
    let mut issuance = only(&issuer.handle(&w.deliver(&response).await?).await?)?;
    // A man in the middle upgrades the degree.
    issuance.body["signedCredential"]["credentialSubject"]["degree"]["name"] =
        json!("Doctor of Philosophy");
    let step = holder.handle(&w.deliver(&issuance).await?).await?;
    let report = ProblemReport::from_message(&only(&step)?)?;
    println!(
        "  rejected: {} ({})",
        report.code,
        step.rejection.as_ref().map_or("", |e| e.code().as_str())
    );
    Ok(())
}

async fn aries(w: &World) -> Res<()> {
    println!("Aries issue-credential 3.0:");
    let mut issuer = AriesIssuer::new(
        w.pipeline.clone(),
        DidUrl::from(w.issuer_key.did()),
        w.holder_key.did(),
    )
    .with_clock(w.clock.clone());
    let mut holder = AriesHolder::new(
        DidUrl::from(w.holder_key.did()),
        w.dids.clone(),
        &[w.issuer_key.did()],
        None,
    )
    .with_clock(w.clock.clone());
    let claims =
        json!({"name": "Alice", "degree": {"type": "BachelorDegree", "university": "MIT"}});
    let request = vc_issue::IssuanceRequest::new(
        "degree",
        w.issuer_key.did(),
        w.holder_key.did(),
        claims.as_object().cloned().unwrap_or_default(),
    )
    .with_proof_type(ProofType::EddsaJcs2022);
    let offer = issuer.offer(offer_from_request(
        &request,
        &["UniversityDegreeCredential"],
        w.clock.clone(),
    )?)?;
    let _ = holder.handle(&w.deliver(&offer).await?).await?;
    let req = holder.request()?;
    let issue = only(&issuer.handle(&w.deliver(&req).await?).await?)?;
    let ack = only(&holder.handle(&w.deliver(&issue).await?).await?)?;
    let _ = issuer.handle(&w.deliver(&ack).await?).await?;
    let AriesHolderState::Done(issued) = holder.state() else {
        return Err(format!("holder ended in {}", holder.state().name()).into());
    };
    println!(
        "  done; issuer {}, credential {}",
        issuer.state().name(),
        issued
            .as_credential()
            .and_then(|c| c.id.clone())
            .unwrap_or_default()
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let run = async {
        let world = World::new()?;
        holder_initiated(&world).await?;
        issuer_initiated(&world).await?;
        disputed(&world).await?;
        expired(&world).await?;
        tampered(&world).await?;
        aries(&world).await?;
        Res::Ok(())
    };
    vc_examples::exit::outcome(run.await)
}
