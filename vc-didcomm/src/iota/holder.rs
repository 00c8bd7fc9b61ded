//! The holder role of `didcomm:iota/issuance/0.1`.

use std::collections::BTreeSet;
use std::sync::Arc;

use vc_core::{Clock, Credential, DateTime, Did, DidUrl, SystemClock};
use vc_issue::{CredentialVerifier, DidResolver};

use super::issuer::unix;
use super::messages::{
    IotaMessage, Issuance, IssuanceAcknowledgment, IssuanceOffer, IssuanceRequest, IssuanceResponse,
};
use super::problem::IotaProblemCode;
use super::signature::{ChallengeSignature, HolderKey, SignatureChallenge};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::problem_report::{ProblemReport, PROBLEM_REPORT_TYPE};
use crate::session::{Step, Thread};

/// What a holder trusts and how it signs: shared by all its sessions. Build it with
/// [`HolderConfig::builder`].
#[derive(Debug, Clone)]
pub struct HolderConfig {
    inner: Arc<ConfigInner>,
}

#[derive(Debug)]
struct ConfigInner {
    key: HolderKey,
    trusted_issuers: BTreeSet<String>,
    resolver: Arc<dyn DidResolver>,
    clock: Arc<dyn Clock>,
}

impl HolderConfig {
    /// Starts a configuration.
    pub fn builder() -> HolderConfigBuilder {
        HolderConfigBuilder::default()
    }

    /// The holder DID.
    pub fn holder(&self) -> Did {
        self.inner.key.did()
    }
}

/// Builds a [`HolderConfig`].
#[derive(Debug, Default)]
#[must_use]
pub struct HolderConfigBuilder {
    key: Option<HolderKey>,
    trusted_issuers: BTreeSet<String>,
    resolver: Option<Arc<dyn DidResolver>>,
    clock: Option<Arc<dyn Clock>>,
}

impl HolderConfigBuilder {
    /// The holder's authentication key (required): it signs challenges, and its DID is the
    /// holder's.
    pub fn key(mut self, key: HolderKey) -> Self {
        self.key = Some(key);
        self
    }

    /// An issuer whose credentials the holder accepts (at least one is required).
    pub fn trust_issuer(mut self, issuer: &Did) -> Self {
        self.trusted_issuers.insert(issuer.to_string());
        self
    }

    /// Resolves issuer DIDs to verify credentials (required).
    pub fn resolver(mut self, resolver: Arc<dyn DidResolver>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// The clock for `expiry` and proof `created` times (the system clock unless set).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<HolderConfig> {
        let missing = |reason| Error::InvalidConfiguration { reason };
        if self.trusted_issuers.is_empty() {
            return Err(missing("a holder must trust at least one issuer"));
        }
        Ok(HolderConfig {
            inner: Arc::new(ConfigInner {
                key: self
                    .key
                    .ok_or_else(|| missing("a holder key is required"))?,
                trusted_issuers: self.trusted_issuers,
                resolver: self
                    .resolver
                    .ok_or_else(|| missing("a DID resolver is required"))?,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            }),
        })
    }
}

/// Where a holder is in one protocol instance.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum HolderState {
    /// Nothing happened yet.
    Start,
    /// The request went out; waiting for an offer.
    RequestSent(Box<IssuanceRequest>),
    /// A valid offer arrived; the host decides: [`accept`](HolderSession::accept),
    /// [`dispute`](HolderSession::dispute) or [`decline`](HolderSession::decline).
    OfferReceived(Box<IssuanceOffer>),
    /// The acceptance went out; waiting for the issuance.
    ResponseSent(Box<IssuanceOffer>),
    /// The credential arrived, checked, and was acknowledged.
    Done {
        /// The signed credential.
        credential: Box<Credential>,
    },
    /// The holder declined or disputed the offer.
    Declined,
    /// The protocol was abandoned with a problem report (sent or received).
    Abandoned {
        /// The problem code.
        code: String,
    },
}

impl HolderState {
    /// A short name for the state (used in errors).
    pub fn name(&self) -> &'static str {
        match self {
            HolderState::Start => "start",
            HolderState::RequestSent(_) => "request-sent",
            HolderState::OfferReceived(_) => "offer-received",
            HolderState::ResponseSent(_) => "response-sent",
            HolderState::Done { .. } => "done",
            HolderState::Declined => "declined",
            HolderState::Abandoned { .. } => "abandoned",
        }
    }

    fn is_terminal(&self) -> bool {
        matches!(
            self,
            HolderState::Done { .. } | HolderState::Declined | HolderState::Abandoned { .. }
        )
    }
}

/// The holder's side of one protocol instance with one issuer.
///
/// See [`IssuerSession`](super::IssuerSession) for how errors and problem reports are told apart.
#[derive(Debug)]
pub struct HolderSession {
    config: HolderConfig,
    thread: Thread,
    state: HolderState,
}

impl HolderSession {
    /// A session; `issuer`, when known, is the only peer accepted (otherwise the first message's
    /// sender is).
    pub fn new(config: HolderConfig, issuer: Option<Did>) -> Self {
        Self {
            config,
            thread: Thread::with_peer(issuer),
            state: HolderState::Start,
        }
    }

    /// The current state.
    pub fn state(&self) -> &HolderState {
        &self.state
    }

    /// The thread id, once the protocol started.
    pub fn thread_id(&self) -> Option<&crate::ThreadId> {
        self.thread.id()
    }

    fn now(&self) -> time::OffsetDateTime {
        self.config.inner.clock.now()
    }

    fn outgoing(&self, message: &IotaMessage) -> Result<Message> {
        let mut builder = message
            .to_message()?
            .from(DidUrl::from(self.config.holder()))
            .created_time(unix(self.now()));
        if let Some(peer) = self.thread.peer() {
            builder = builder.to(DidUrl::from(peer.clone()));
        }
        if let Some(thread) = self.thread.id() {
            builder = builder.thid(thread.clone());
        }
        builder.build()
    }

    /// Starts the protocol with a request (holder-initiated). Needs a known issuer.
    pub fn request(&mut self, request: IssuanceRequest) -> Result<Message> {
        if self.state != HolderState::Start || self.thread.peer().is_none() {
            return Err(Error::InvalidState {
                action: "request",
                state: self.state.name(),
            });
        }
        request.validate()?;
        let message = self.outgoing(&IotaMessage::Request(request.clone()))?;
        self.thread.start(message.thread_id());
        self.state = HolderState::RequestSent(Box::new(request));
        Ok(message)
    }

    /// Accepts the offer, signing its challenge when there is one.
    pub async fn accept(&mut self) -> Result<Message> {
        let offer = self.offer_received("accept")?;
        if let Some(expiry) = &offer.expiry {
            if expiry.instant().is_ok_and(|at| self.now() > at) {
                return Err(Error::OfferExpired {
                    expiry: expiry.to_string(),
                });
            }
        }
        let signature = self.sign(offer.signature_challenge.as_ref()).await?;
        let response = IssuanceResponse {
            accepted: true,
            disputes: None,
            signature,
            extra: Default::default(),
        };
        let message = self.outgoing(&IotaMessage::Response(response))?;
        self.state = HolderState::ResponseSent(offer);
        Ok(message)
    }

    /// Declines the offer, disputing claims with `DisputeCredential`s (at least one).
    pub fn dispute(&mut self, disputes: Vec<Credential>) -> Result<Message> {
        if disputes.is_empty() {
            return Err(Error::invalid_field("disputes", "at least one dispute"));
        }
        self.offer_received("dispute")?;
        self.respond_declined(Some(disputes))
    }

    /// Declines the offer without disputes.
    pub fn decline(&mut self) -> Result<Message> {
        self.offer_received("decline")?;
        self.respond_declined(None)
    }

    fn respond_declined(&mut self, disputes: Option<Vec<Credential>>) -> Result<Message> {
        let response = IssuanceResponse {
            accepted: false,
            disputes,
            signature: None,
            extra: Default::default(),
        };
        let message = self.outgoing(&IotaMessage::Response(response))?;
        self.state = HolderState::Declined;
        Ok(message)
    }

    fn offer_received(&self, action: &'static str) -> Result<Box<IssuanceOffer>> {
        match &self.state {
            HolderState::OfferReceived(offer) => Ok(offer.clone()),
            state => Err(Error::InvalidState {
                action,
                state: state.name(),
            }),
        }
    }

    async fn sign(
        &self,
        challenge: Option<&SignatureChallenge>,
    ) -> Result<Option<ChallengeSignature>> {
        match challenge {
            None => Ok(None),
            Some(challenge) => {
                let created = DateTime::from(self.now());
                ChallengeSignature::sign(challenge, &self.config.inner.key, created)
                    .await
                    .map(Some)
            }
        }
    }

    /// Consumes one incoming message of this thread.
    pub async fn handle(&mut self, message: &Message) -> Result<Step> {
        self.thread.check(message, self.now().unix_timestamp())?;
        let parsed = IotaMessage::from_message(message)?;
        let before = self.thread.enter(message);
        // The first message names the issuer, when the session did not; later ones must come from it.
        self.thread.learn_peer(message);
        let outcome = self.dispatch(parsed).await;
        self.thread.settle(message, before, outcome)
    }

    async fn dispatch(&mut self, parsed: IotaMessage) -> Result<Step> {
        Ok(match (&self.state, parsed) {
            (state, IotaMessage::ProblemReport(report)) if !state.is_terminal() => {
                self.state = HolderState::Abandoned { code: report.code };
                Step::wait()
            }
            (HolderState::Start, IotaMessage::Offer(offer)) => self.on_offer(offer, None)?,
            (HolderState::RequestSent(request), IotaMessage::Offer(offer)) => {
                let request = request.clone();
                self.on_offer(offer, Some(&request))?
            }
            (HolderState::ResponseSent(offer), IotaMessage::Issuance(issuance)) => {
                let offer = offer.clone();
                self.on_issuance(&offer, issuance).await?
            }
            (state, parsed) => {
                return Err(Error::OutOfOrder {
                    message_type: parsed.message_type().to_owned(),
                    state: state.name(),
                })
            }
        })
    }

    fn on_offer(
        &mut self,
        offer: IssuanceOffer,
        request: Option<&IssuanceRequest>,
    ) -> Result<Step> {
        if let Err(error) = offer.validate() {
            return self.reject(error);
        }
        if let Some(request) = request {
            let credential = &offer.unsigned_credential;
            let has_types = request.types.iter().all(|t| credential.has_type(t));
            let issuer = credential.issuer_id().unwrap_or_default();
            let from_trusted = request
                .trusted_issuers
                .as_ref()
                .is_none_or(|trusted| trusted.iter().any(|t| t == issuer));
            if !has_types || !from_trusted {
                return self.reject(Error::CredentialMismatch);
            }
        }
        self.state = HolderState::OfferReceived(Box::new(offer));
        Ok(Step::wait())
    }

    async fn on_issuance(&mut self, offer: &IssuanceOffer, issuance: Issuance) -> Result<Step> {
        match self.check_issuance(offer, &issuance).await {
            Ok(()) => {}
            Err(error @ Error::ResolutionFailed { .. }) => return Err(error),
            Err(error) => return self.reject(error),
        }
        let signature = self.sign(issuance.signature_challenge.as_ref()).await?;
        let ack = IssuanceAcknowledgment {
            signature,
            extra: Default::default(),
        };
        let message = self.outgoing(&IotaMessage::Acknowledgment(ack))?;
        self.state = HolderState::Done {
            credential: Box::new(issuance.signed_credential),
        };
        Ok(Step::send(message))
    }

    /// The checks of the spec's footnote on `issuance`: the credential is the one offered (all but
    /// its proof), its hashes are right, its issuer is trusted, and its proof verifies.
    async fn check_issuance(&self, offer: &IssuanceOffer, issuance: &Issuance) -> Result<()> {
        issuance.validate()?;
        let credential = &issuance.signed_credential;
        let unsigned = credential.without_proof();
        if let Some(challenge) = &offer.signature_challenge {
            challenge.check_hash(&unsigned)?;
        }
        if unsigned != offer.unsigned_credential {
            return Err(Error::CredentialMismatch);
        }
        let issuer = credential.issuer_id().unwrap_or_default();
        if !self.config.inner.trusted_issuers.contains(issuer) {
            return Err(Error::UntrustedIssuer {
                issuer: crate::error::excerpt(issuer),
            });
        }
        CredentialVerifier::new(self.config.inner.resolver.clone())
            .verify(credential)
            .await
            .map_err(|e| {
                if e.is_invalid() {
                    Error::CredentialNotVerified {
                        source: Some(Arc::new(e)),
                    }
                } else {
                    Error::ResolutionFailed {
                        did: issuer.to_owned(),
                        source: Some(Arc::new(e)),
                    }
                }
            })
    }

    fn reject(&mut self, error: Error) -> Result<Step> {
        let code = IotaProblemCode::RejectVc;
        let thread = self.thread.id().cloned().ok_or(Error::InvalidState {
            action: "report a problem",
            state: self.state.name(),
        })?;
        let mut builder = ProblemReport::new(code.as_str())
            .with_comment(error.to_string())
            .into_message(PROBLEM_REPORT_TYPE, &thread)
            .from(DidUrl::from(self.config.holder()))
            .created_time(unix(self.now()));
        if let Some(peer) = self.thread.peer() {
            builder = builder.to(DidUrl::from(peer.clone()));
        }
        let message = builder.build()?;
        self.state = HolderState::Abandoned {
            code: code.as_str().to_owned(),
        };
        Ok(Step::reject(message, error))
    }
}
