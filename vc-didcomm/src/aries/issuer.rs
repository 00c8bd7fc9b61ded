//! The issuer role of Issue Credential 3.0.

use std::sync::Arc;

use vc_core::{Clock, Did, DidUrl, SystemClock};
use vc_issue::{IssuedCredential, ProofType};

use super::format::{self, CredentialDetail, LD_PROOF_VC_DETAIL};
use super::from_request::issue_from_issued;
use super::messages::{AriesMessage, OfferCredential, ProposeCredential, RequestCredential};
use super::{ISSUANCE_ABANDONED, PROBLEM_REPORT};
use crate::credential_signer::CredentialSigner;
use crate::error::{Error, Result};
use crate::iota::issuer::unix;
use crate::message::Message;
use crate::problem_report::ProblemReport;
use crate::session::{Step, Thread};

/// Where an issuer is in one protocol instance (the spec's issuer states).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AriesIssuerState {
    /// Nothing happened yet.
    Start,
    /// A proposal arrived; the host decides what to offer ([`AriesIssuer::offer`]).
    ProposalReceived(Box<ProposeCredential>),
    /// The offer went out; waiting for the request.
    OfferSent(Box<OfferCredential>),
    /// The credential went out; waiting for the ack.
    CredentialIssued(Box<IssuedCredential>),
    /// The holder acknowledged.
    Done(Box<IssuedCredential>),
    /// Abandoned with a problem report (sent or received).
    Abandoned {
        /// The problem code.
        code: String,
    },
}

impl AriesIssuerState {
    /// A short name for the state.
    pub fn name(&self) -> &'static str {
        match self {
            AriesIssuerState::Start => "start",
            AriesIssuerState::ProposalReceived(_) => "proposal-received",
            AriesIssuerState::OfferSent(_) => "offer-sent",
            AriesIssuerState::CredentialIssued(_) => "credential-issued",
            AriesIssuerState::Done(_) => "done",
            AriesIssuerState::Abandoned { .. } => "abandoned",
        }
    }

    fn is_terminal(&self) -> bool {
        matches!(
            self,
            AriesIssuerState::Done(_) | AriesIssuerState::Abandoned { .. }
        )
    }
}

/// The issuer's side of one Issue Credential 3.0 instance with one holder.
///
/// The issuer always offers before it issues (an offer carries the `ld-proof-vc-detail` it
/// commits to); a request that arrives first is out of order. It signs exactly the offered
/// detail, through its [`CredentialSigner`], and refuses a request whose detail differs.
#[derive(Debug)]
pub struct AriesIssuer {
    signer: Arc<dyn CredentialSigner>,
    me: DidUrl,
    holder: Did,
    clock: Arc<dyn Clock>,
    thread: Thread,
    state: AriesIssuerState,
}

impl AriesIssuer {
    /// A session of `me` (the issuer's DID) with `holder`, signing through `signer`.
    pub fn new(signer: Arc<dyn CredentialSigner>, me: DidUrl, holder: Did) -> Self {
        Self {
            signer,
            me,
            thread: Thread::with_peer(Some(holder.clone())),
            holder,
            clock: Arc::new(SystemClock),
            state: AriesIssuerState::Start,
        }
    }

    /// Uses `clock` for message expiry.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The current state.
    pub fn state(&self) -> &AriesIssuerState {
        &self.state
    }

    fn outgoing(&self, message: &AriesMessage) -> Result<Message> {
        let mut builder = message
            .to_message()?
            .from(self.me.clone())
            .to(DidUrl::from(self.holder.clone()))
            .created_time(unix(self.clock.now()));
        if let Some(thread) = self.thread.id() {
            builder = builder.thid(thread.clone());
        }
        builder.build()
    }

    /// Sends an offer (to start, or after a proposal). It must carry an
    /// `aries/ld-proof-vc-detail@v1.0` attachment.
    pub fn offer(&mut self, offer: OfferCredential) -> Result<Message> {
        if !matches!(
            self.state,
            AriesIssuerState::Start | AriesIssuerState::ProposalReceived(_)
        ) {
            return Err(Error::InvalidState {
                action: "offer",
                state: self.state.name(),
            });
        }
        offered_detail(&offer)?;
        let message = self.outgoing(&AriesMessage::Offer(offer.clone()))?;
        self.thread.start(message.thread_id());
        self.state = AriesIssuerState::OfferSent(Box::new(offer));
        Ok(message)
    }

    /// Consumes one incoming message of this thread.
    pub async fn handle(&mut self, message: &Message) -> Result<Step> {
        self.thread
            .check(message, self.clock.now().unix_timestamp())?;
        let parsed = AriesMessage::from_message(message)?;
        let before = self.thread.enter(message);
        let outcome = self.dispatch(parsed).await;
        self.thread.settle(message, before, outcome)
    }

    async fn dispatch(&mut self, parsed: AriesMessage) -> Result<Step> {
        Ok(match (&self.state, parsed) {
            (state, AriesMessage::ProblemReport(report)) if !state.is_terminal() => {
                self.state = AriesIssuerState::Abandoned { code: report.code };
                Step::wait()
            }
            (AriesIssuerState::Start, AriesMessage::Propose(proposal)) => {
                self.state = AriesIssuerState::ProposalReceived(Box::new(proposal));
                Step::wait()
            }
            (AriesIssuerState::OfferSent(offer), AriesMessage::Request(request)) => {
                let offer = offer.clone();
                self.on_request(&offer, &request).await?
            }
            (AriesIssuerState::CredentialIssued(issued), AriesMessage::Ack(_)) => {
                self.state = AriesIssuerState::Done(issued.clone());
                Step::wait()
            }
            (state, parsed) => {
                return Err(Error::OutOfOrder {
                    message_type: parsed.message_type().to_owned(),
                    state: state.name(),
                })
            }
        })
    }

    async fn on_request(
        &mut self,
        offer: &OfferCredential,
        request: &RequestCredential,
    ) -> Result<Step> {
        let offered = offered_detail(offer)?;
        if let Some(attachment) =
            format::find(&request.formats, &request.attachments, LD_PROOF_VC_DETAIL)
        {
            match CredentialDetail::from_attachment(attachment) {
                Ok(requested) if requested == offered => {}
                Ok(_) => return self.reject(Error::CredentialMismatch),
                Err(error) => return self.reject(error),
            }
        }
        let proof_type = ProofType::from(offered.options.proof_type.as_str());
        let issued = self
            .signer
            .sign(offered.credential, &proof_type)
            .await
            .map_err(|source| Error::SigningFailed {
                source: Some(source),
            })?;
        let message = self.outgoing(&AriesMessage::Issue(issue_from_issued(&issued)?))?;
        self.state = AriesIssuerState::CredentialIssued(Box::new(issued));
        Ok(Step::send(message))
    }

    fn reject(&mut self, error: Error) -> Result<Step> {
        let message = abandon(
            &self.thread,
            &self.me,
            Some(&self.holder),
            &error,
            unix(self.clock.now()),
        )?;
        self.state = AriesIssuerState::Abandoned {
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

/// An `issuance-abandoned` problem report about `thread`.
pub(crate) fn abandon(
    thread: &Thread,
    me: &DidUrl,
    peer: Option<&Did>,
    error: &Error,
    now: u64,
) -> Result<Message> {
    let thread = thread.id().cloned().ok_or(Error::InvalidState {
        action: "report a problem",
        state: "start",
    })?;
    let mut builder = ProblemReport::new(ISSUANCE_ABANDONED)
        .with_comment(error.to_string())
        .into_message(PROBLEM_REPORT, &thread)
        .from(me.clone())
        .created_time(now);
    if let Some(peer) = peer {
        builder = builder.to(DidUrl::from(peer.clone()));
    }
    builder.build()
}
