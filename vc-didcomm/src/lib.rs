//! DIDComm issuance protocols for vc-issuer-rs: DIDComm v2 plaintext messages, and the
//! `didcomm:iota/issuance/0.1` and Aries Issue Credential 3.0 protocols as typed state machines for
//! both the issuer and the holder.
//!
//! A host only moves messages: it hands every incoming [`Message`] of a thread to its role's
//! `handle`, and sends the messages it gets back in the [`Step`]. Encryption, signing of envelopes
//! and transport (mediators, HTTP, WebSockets) stay with the host, behind [`Transport`]; this crate
//! works on plaintext messages only.
//!
//! # Issue a credential over `didcomm:iota/issuance/0.1`
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use serde_json::json;
//! use vc_core::Credential;
//! use vc_didcomm::iota::{HolderConfig, HolderKey, HolderSession, HolderState, IssuerConfig, IssuerSession};
//! use vc_issue::{Ed25519Signer, InMemoryDidRegistry, InMemoryKeyStore, InMemorySchemaRegistry, Issuer};
//!
//! // Two did:keys, and the vc-issue pipeline that signs for the issuer.
//! let (issuer_key, holder_key) = (Arc::new(Ed25519Signer::generate()), Arc::new(Ed25519Signer::generate()));
//! let dids = Arc::new(InMemoryDidRegistry::new());
//! let keys = Arc::new(InMemoryKeyStore::new());
//! keys.insert(issuer_key.verification_method_id(), issuer_key.clone());
//! let pipeline = Issuer::builder()
//!     .resolver(dids.clone())
//!     .schemas(Arc::new(InMemorySchemaRegistry::new()))
//!     .keys(keys)
//!     .build()?;
//!
//! let issuer_config = IssuerConfig::builder()
//!     .issuer(issuer_key.did())
//!     .credential_type("ExampleDegreeCredential")
//!     .signer(Arc::new(pipeline))
//!     .resolver(dids.clone())
//!     .offer_ttl(time::Duration::minutes(10))
//!     .build()?;
//! let holder_config = HolderConfig::builder()
//!     .key(HolderKey::new(holder_key.verification_method_id(), holder_key.clone()))
//!     .trust_issuer(&issuer_key.did())
//!     .resolver(dids.clone())
//!     .build()?;
//! let mut issuer = IssuerSession::new(issuer_config, holder_key.did());
//! let mut holder = HolderSession::new(holder_config, Some(issuer_key.did()));
//!
//! // Issuer-initiated: offer → response (signed challenge) → issuance (signed challenge) → ack.
//! let offer = issuer.offer(
//!     Credential::builder()
//!         .type_("ExampleDegreeCredential")
//!         .issuer(&issuer_key.did())
//!         .subject_value(json!({"id": holder_key.did().as_str(), "degree": "BSc"}))
//!         .build()?,
//! )?;
//! holder.handle(&offer).await?;              // checks the offer; the host then decides
//! let response = holder.accept().await?;     // signs the offer's signatureChallenge
//! let step = issuer.handle(&response).await?; // verifies it, signs the credential
//! let issuance = step.message().ok_or("no issuance")?.clone();
//! let step = holder.handle(&issuance).await?; // checks hashes, proof, issuer; acknowledges
//! let ack = step.message().ok_or("no ack")?.clone();
//! issuer.handle(&ack).await?;
//!
//! assert!(matches!(holder.state(), HolderState::Done { .. }));
//! // Replays are refused and change nothing.
//! assert_eq!(issuer.handle(&ack).await.unwrap_err().code(), "REPLAYED_MESSAGE");
//! # Ok(())
//! # }
//! ```
//!
//! # Modules
//! - [`message`], [`attachment`], [`identifier`], [`problem_report`]: DIDComm v2 plaintext messages
//!   (`{id, type, from?, to[], thid?, pthid?, created_time?, expires_time?, body, attachments[]}`),
//!   a builder, threading ([`Message::reply`], [`Message::thread_id`]), attachments
//!   (`json | base64 | links`), bounded parsing ([`MessageLimits`]).
//! - [`iota`]: `didcomm:iota/issuance/0.1` (messages, holder signatures, problem codes, roles).
//! - [`aries`]: Issue Credential 3.0 (messages, credential preview, formats, roles, and the bridge
//!   from vc-issue's `IssuanceRequest`/`IssuedCredential`).
//! - [`credential_signer`]: the signing step as a trait ([`CredentialSigner`]), implemented by
//!   [`vc_issue::Issuer`] and by whatever delegate (the spec's "trusted party") a host uses.
//! - [`transport`]: the host's packing/transport trait and an in-memory implementation.
//! - [`challenge`]: injectable challenge randomness; [`session`]: [`Step`].
//!
//! # What the roles enforce
//! - `credentialHash` is base58(SHA-256(JCS(credential))): over the `unsignedCredential` at the
//!   offer, over the `signedCredential` *with* its proof at the issuance. Challenges are drawn per
//!   message from a [`ChallengeSource`] (random by default) and never repeat within a thread.
//! - `expiry` is written in UTC without sub-seconds (read with the injected [`vc_core::Clock`]); an
//!   expiry in another form is refused, and so is a response (or acknowledgment) after it.
//! - A response's `signatureChallenge` must equal the offer's and its `proof` must verify against an
//!   unrevoked `authentication` method of the holder, resolved through vc-issue's `DidResolver`; see
//!   [`iota::signature`] for the exact construction (`eddsa-jcs-2022` Data Integrity proof,
//!   `proofPurpose: authentication`, `challenge` = the challenge).
//! - The holder checks that the `signedCredential` is the offered credential plus a proof, that the
//!   proof verifies, and that its issuer is trusted; otherwise it answers with a problem report.
//! - The issuer refuses requested types it does not issue and `trustedIssuers` it is not, with
//!   specific codes or, with [`opaque_rejections`](iota::IssuerConfigBuilder::opaque_rejections),
//!   only `invalid-request`.
//! - Out-of-order, replayed, other-thread, other-sender and expired messages are errors that leave
//!   the state unchanged; a broken protocol rule ends the protocol with a problem report, and
//!   [`Step::rejection`] says which rule (with a stable [`Error::code`]).
//!
//! # Fuzzing
//! `cd fuzz && cargo +nightly fuzz run parse_message -- -max_total_time=600` runs the message parser
//! under libFuzzer; the same harness (`fuzz_harness::parse_message`, feature `fuzzing`) runs as a normal test
//! over mutations of the seed corpus.
#![forbid(unsafe_code)]
// On docs.rs (and `.ci/run`'s docs step) every item says which feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]

pub mod aries;
pub mod attachment;
pub mod challenge;
pub mod credential_signer;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzz_harness;
pub mod identifier;
pub mod iota;
pub mod message;
pub mod problem_report;
pub mod session;
pub mod transport;

// The crates whose types this crate's public API names (credentials, DIDs, the issuer and the
// host traits' `#[async_trait]`), so that a user needs one dependency.
pub use async_trait::async_trait;
pub use vc_core;
pub use vc_issue;

pub use attachment::{Attachment, AttachmentContent, AttachmentData};
pub use challenge::{ChallengeSource, RandomChallenges, SequentialChallenges};
pub use credential_signer::CredentialSigner;
pub use error::{BoxError, Error, Result};
pub use identifier::{MessageId, ThreadId};
pub use message::{Message, MessageBuilder, MessageLimits};
pub use problem_report::ProblemReport;
pub use session::Step;
pub use transport::{InMemoryTransport, Transport};
