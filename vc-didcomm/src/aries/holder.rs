//! The holder role of Issue Credential 3.0.

use std::collections::BTreeSet;
use std::sync::Arc;

use vc_core::{Clock, Credential, Did, DidUrl, SystemClock};
use vc_issue::{CredentialVerifier, DidResolver, IssuedCredential};

use super::format::{self, CredentialDetail, LD_PROOF_VC, LD_PROOF_VC_DETAIL, VC_JWT};
use super::issuer::abandon;
use super::messages::{
    Ack, AriesMessage, IssueCredential, OfferCredential, ProposeCredential, RequestCredential,
};
use super::ISSUANCE_ABANDONED;
use crate::error::{Error, Result};
use crate::iota::issuer::unix;
use crate::message::Message;
use crate::session::{Step, Thread};

/// Where a holder is in one protocol instance (the spec's holder states).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AriesHolderState {
    /// Nothing happened yet.
    Start,
    /// The proposal went out; waiting for an offer.
    ProposalSent(Box<ProposeCredential>),
    /// An offer arrived; the host decides ([`AriesHolder::request`]).
    OfferReceived(Box<OfferCredential>),
    /// The request went out; waiting for the credential.
    RequestSent(Box<CredentialDetail>),
    /// The credential arrived, checked, and was acknowledged.
    Done(Box<IssuedCredential>),
    /// Abandoned with a problem report (sent or received).
    Abandoned {
        /// The problem code.
        code: String,
    },
}

impl AriesHolderState {
    /// A short name for the state.
    pub fn name(&self) -> &'static str {
        match self {
            AriesHolderState::Start => "start",
            AriesHolderState::ProposalSent(_) => "proposal-sent",
            AriesHolderState::OfferReceived(_) => "offer-received",
            AriesHolderState::RequestSent(_) => "request-sent",
            AriesHolderState::Done(_) => "done",
            AriesHolderState::Abandoned { .. } => "abandoned",
        }
    }

    fn is_terminal(&self) -> bool {
        matches!(
            self,
            AriesHolderState::Done(_) | AriesHolderState::Abandoned { .. }
        )
    }
}

/// The holder's side of one Issue Credential 3.0 instance.
///
/// On `issue-credential` it checks that the credential is the offered one (all but its proof), that
/// its issuer is trusted, and that its proof verifies (`vc+jwt` needs the `jwt` feature); otherwise
/// it answers with an `issuance-abandoned` problem report.
#[derive(Debug)]
pub struct AriesHolder {
    me: DidUrl,
    resolver: Arc<dyn DidResolver>,
    trusted_issuers: BTreeSet<String>,
    clock: Arc<dyn Clock>,
    thread: Thread,
    state: AriesHolderState,
}

impl AriesHolder {
    /// A session of `me` (the holder's DID), verifying through `resolver` and accepting
    /// credentials from `trusted_issuers` only; `issuer`, when known, is the only peer accepted.
    pub fn new(
        me: DidUrl,
        resolver: Arc<dyn DidResolver>,
        trusted_issuers: &[Did],
        issuer: Option<Did>,
    ) -> Self {
        Self {
            me,
            resolver,
            trusted_issuers: trusted_issuers.iter().map(ToString::to_string).collect(),
            clock: Arc::new(SystemClock),
            thread: Thread::with_peer(issuer),
            state: AriesHolderState::Start,
        }
    }

    /// Uses `clock` for message expiry.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The current state.
    pub fn state(&self) -> &AriesHolderState {
        &self.state
    }

    fn outgoing(&self, message: &AriesMessage) -> Result<Message> {
        let mut builder = message
            .to_message()?
            .from(self.me.clone())
            .created_time(unix(self.clock.now()));
        if let Some(peer) = self.thread.peer() {
            builder = builder.to(DidUrl::from(peer.clone()));
        }
        if let Some(thread) = self.thread.id() {
            builder = builder.thid(thread.clone());
        }
        builder.build()
    }

    /// Starts the protocol with a proposal (needs a known issuer).
    pub fn propose(&mut self, proposal: ProposeCredential) -> Result<Message> {
        if self.state != AriesHolderState::Start || self.thread.peer().is_none() {
            return Err(Error::InvalidState {
                action: "propose",
                state: self.state.name(),
            });
        }
        let message = self.outgoing(&AriesMessage::Propose(proposal.clone()))?;
        self.thread.start(message.thread_id());
        self.state = AriesHolderState::ProposalSent(Box::new(proposal));
        Ok(message)
    }

    /// Requests the offered credential, echoing the offer's credential detail.
    pub fn request(&mut self) -> Result<Message> {
        let AriesHolderState::OfferReceived(offer) = &self.state else {
            return Err(Error::InvalidState {
                action: "request",
                state: self.state.name(),
            });
        };
        let detail = offered_detail(offer)?;
        let request = RequestCredential::default()
            .attach(detail.to_attachment(crate::aries::from_request::DETAIL_ATTACHMENT_ID)?)?;
        let message = self.outgoing(&AriesMessage::Request(request))?;
        self.state = AriesHolderState::RequestSent(Box::new(detail));
        Ok(message)
    }

    /// Consumes one incoming message of this thread.
    pub async fn handle(&mut self, message: &Message) -> Result<Step> {
        self.thread
            .check(message, self.clock.now().unix_timestamp())?;
        let parsed = AriesMessage::from_message(message)?;
        let before = self.thread.enter(message);
        self.thread.learn_peer(message);
        let outcome = self.dispatch(parsed).await;
        self.thread.settle(message, before, outcome)
    }

    async fn dispatch(&mut self, parsed: AriesMessage) -> Result<Step> {
        Ok(match (&self.state, parsed) {
            (state, AriesMessage::ProblemReport(report)) if !state.is_terminal() => {
                self.state = AriesHolderState::Abandoned { code: report.code };
                Step::wait()
            }
            (
                AriesHolderState::Start | AriesHolderState::ProposalSent(_),
                AriesMessage::Offer(offer),
            ) => match offered_detail(&offer) {
                Ok(_) => {
                    self.state = AriesHolderState::OfferReceived(Box::new(offer));
                    Step::wait()
                }
                Err(error) => self.reject(error)?,
            },
            (AriesHolderState::RequestSent(detail), AriesMessage::Issue(issue)) => {
                let detail = detail.clone();
                match self.check_issue(&detail, &issue).await {
                    Ok(issued) => {
                        let ack = self.outgoing(&AriesMessage::Ack(Ack::default()))?;
                        self.state = AriesHolderState::Done(Box::new(issued));
                        Step::send(ack)
                    }
                    Err(error @ Error::ResolutionFailed { .. }) => return Err(error),
                    Err(error) => self.reject(error)?,
                }
            }
            (state, parsed) => {
                return Err(Error::OutOfOrder {
                    message_type: parsed.message_type().to_owned(),
                    state: state.name(),
                })
            }
        })
    }

    async fn check_issue(
        &self,
        detail: &CredentialDetail,
        issue: &IssueCredential,
    ) -> Result<IssuedCredential> {
        let verifier = CredentialVerifier::new(self.resolver.clone());
        let (credential, issued) = if let Some(attachment) =
            format::find(&issue.formats, &issue.attachments, LD_PROOF_VC)
        {
            let credential = Credential::from_value(attachment.json_content()?)
                .map_err(|_| attachment.invalid("not a credential"))?;
            if credential.without_proof() != detail.credential {
                return Err(Error::CredentialMismatch);
            }
            self.check_issuer(&credential)?;
            verifier
                .verify(&credential)
                .await
                .map_err(|e| verify_error(e, &credential))?;
            (
                credential.clone(),
                IssuedCredential::Embedded(Box::new(credential)),
            )
        } else if let Some(attachment) = format::find(&issue.formats, &issue.attachments, VC_JWT) {
            let jwt = String::from_utf8(attachment.decode_base64()?)
                .map_err(|_| attachment.invalid("a JWT is ASCII text"))?;
            let credential = verify_jwt(&verifier, &jwt).await?;
            (credential, IssuedCredential::Jwt(jwt))
        } else {
            return Err(Error::InvalidAttachment {
                attachment: None,
                reason: format!("no {LD_PROOF_VC} or {VC_JWT} attachment"),
            });
        };
        if credential.without_proof() != detail.credential {
            return Err(Error::CredentialMismatch);
        }
        self.check_issuer(&credential)?;
        Ok(issued)
    }

    fn check_issuer(&self, credential: &Credential) -> Result<()> {
        let issuer = credential.issuer_id().unwrap_or_default();
        if self.trusted_issuers.contains(issuer) {
            Ok(())
        } else {
            Err(Error::UntrustedIssuer {
                issuer: crate::error::excerpt(issuer),
            })
        }
    }

    fn reject(&mut self, error: Error) -> Result<Step> {
        let message = abandon(
            &self.thread,
            &self.me,
            self.thread.peer(),
            &error,
            unix(self.clock.now()),
        )?;
        self.state = AriesHolderState::Abandoned {
            code: ISSUANCE_ABANDONED.to_owned(),
        };
        Ok(Step::reject(message, error))
    }
}

fn offered_detail(offer: &OfferCredential) -> Result<CredentialDetail> {
    let attachment = format::find(&offer.formats, &offer.attachments, LD_PROOF_VC_DETAIL)
        .ok_or_else(|| Error::InvalidAttachment {
            attachment: None,
            reason: format!("an offer needs an {LD_PROOF_VC_DETAIL} attachment"),
        })?;
    CredentialDetail::from_attachment(attachment)
}

fn verify_error(error: vc_issue::VerifyError, credential: &Credential) -> Error {
    if error.is_invalid() {
        Error::CredentialNotVerified {
            source: Some(Arc::new(error)),
        }
    } else {
        Error::ResolutionFailed {
            did: crate::error::excerpt(credential.issuer_id().unwrap_or_default()),
            source: Some(Arc::new(error)),
        }
    }
}

#[cfg(feature = "jwt")]
async fn verify_jwt(verifier: &CredentialVerifier, jwt: &str) -> Result<Credential> {
    verifier.verify_jwt(jwt).await.map_err(|e| {
        let issuer = Credential::default();
        verify_error(e, &issuer)
    })
}

#[cfg(not(feature = "jwt"))]
async fn verify_jwt(_verifier: &CredentialVerifier, _jwt: &str) -> Result<Credential> {
    Err(Error::InvalidAttachment {
        attachment: None,
        reason: "verifying vc+jwt needs the `jwt` feature of vc-didcomm".into(),
    })
}
