//! The issuer role of `didcomm:iota/issuance/0.1`.

use std::collections::BTreeSet;
use std::sync::Arc;

use vc_core::{Clock, Credential, DateTime, Did, DidUrl, SystemClock};
use vc_issue::{DidResolver, ProofType};

use super::messages::{
    IotaMessage, Issuance, IssuanceAcknowledgment, IssuanceOffer, IssuanceRequest, IssuanceResponse,
};
use super::problem::IotaProblemCode;
use super::signature::{ChallengeSignature, SignatureChallenge};
use crate::challenge::{ChallengeSource, RandomChallenges};
use crate::credential_signer::CredentialSigner;
use crate::error::{Error, Result};
use crate::message::Message;
use crate::problem_report::{ProblemReport, PROBLEM_REPORT_TYPE};
use crate::session::{Step, Thread};

/// What an issuer issues and how: shared by all its sessions. Build it with
/// [`IssuerConfig::builder`].
#[derive(Debug, Clone)]
pub struct IssuerConfig {
    inner: Arc<ConfigInner>,
}

#[derive(Debug)]
struct ConfigInner {
    issuer: Did,
    me: Option<DidUrl>,
    credential_types: BTreeSet<String>,
    signer: Arc<dyn CredentialSigner>,
    proof_type: ProofType,
    resolver: Arc<dyn DidResolver>,
    clock: Arc<dyn Clock>,
    challenges: Arc<dyn ChallengeSource>,
    offer_challenge: bool,
    issuance_challenge: bool,
    offer_ttl: Option<time::Duration>,
    issuance_ttl: Option<time::Duration>,
    opaque_rejections: bool,
}

impl IssuerConfig {
    /// Starts a configuration.
    pub fn builder() -> IssuerConfigBuilder {
        IssuerConfigBuilder::default()
    }

    /// The issuer DID (what the credentials' `issuer` is, and what `trustedIssuers` must name).
    pub fn issuer(&self) -> &Did {
        &self.inner.issuer
    }
}

/// Builds an [`IssuerConfig`].
#[derive(Debug, Default)]
#[must_use]
pub struct IssuerConfigBuilder {
    issuer: Option<Did>,
    me: Option<DidUrl>,
    credential_types: BTreeSet<String>,
    signer: Option<Arc<dyn CredentialSigner>>,
    proof_type: Option<ProofType>,
    resolver: Option<Arc<dyn DidResolver>>,
    clock: Option<Arc<dyn Clock>>,
    challenges: Option<Arc<dyn ChallengeSource>>,
    no_offer_challenge: bool,
    no_issuance_challenge: bool,
    offer_ttl: Option<time::Duration>,
    issuance_ttl: Option<time::Duration>,
    opaque_rejections: bool,
}

impl IssuerConfigBuilder {
    /// The issuer DID (required).
    pub fn issuer(mut self, issuer: Did) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// The `from` of outgoing messages (the issuer DID unless set).
    pub fn from(mut self, me: DidUrl) -> Self {
        self.me = Some(me);
        self
    }

    /// A credential type this issuer issues (`VerifiableCredential` is implied); requests for other
    /// types are refused.
    pub fn credential_type(mut self, type_: impl Into<String>) -> Self {
        self.credential_types.insert(type_.into());
        self
    }

    /// Who signs (required): a [`vc_issue::Issuer`], or a delegate.
    pub fn signer(mut self, signer: Arc<dyn CredentialSigner>) -> Self {
        self.signer = Some(signer);
        self
    }

    /// The proof type of issued credentials (`eddsa-jcs-2022` unless set).
    pub fn proof_type(mut self, proof_type: ProofType) -> Self {
        self.proof_type = Some(proof_type);
        self
    }

    /// Resolves holder DIDs to check their signatures (required).
    pub fn resolver(mut self, resolver: Arc<dyn DidResolver>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// The clock for `expiry` (the system clock unless set).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Where challenges come from ([`RandomChallenges`] unless set).
    pub fn challenges(mut self, challenges: Arc<dyn ChallengeSource>) -> Self {
        self.challenges = Some(challenges);
        self
    }

    /// Whether offers carry a `signatureChallenge` (yes unless turned off).
    pub fn offer_challenge(mut self, on: bool) -> Self {
        self.no_offer_challenge = !on;
        self
    }

    /// Whether issuances carry a `signatureChallenge` (yes unless turned off).
    pub fn issuance_challenge(mut self, on: bool) -> Self {
        self.no_issuance_challenge = !on;
        self
    }

    /// How long an offer stands (`expiry`); no expiry unless set.
    pub fn offer_ttl(mut self, ttl: time::Duration) -> Self {
        self.offer_ttl = Some(ttl);
        self
    }

    /// How long the issuer waits for an acknowledgment (`expiry` of the issuance).
    pub fn issuance_ttl(mut self, ttl: time::Duration) -> Self {
        self.issuance_ttl = Some(ttl);
        self
    }

    /// Answer every rejected request with `invalid-request` only, which tells a prober less about
    /// which types and issuers are supported than `invalid-credential-type` and
    /// `invalid-trusted-issuer` do.
    pub fn opaque_rejections(mut self, on: bool) -> Self {
        self.opaque_rejections = on;
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<IssuerConfig> {
        let missing = |reason| Error::InvalidConfiguration { reason };
        let issuer = self
            .issuer
            .ok_or_else(|| missing("an issuer DID is required"))?;
        let ttl_ok = |ttl: Option<time::Duration>| ttl.is_none_or(|t| t.is_positive());
        if !ttl_ok(self.offer_ttl) || !ttl_ok(self.issuance_ttl) {
            return Err(missing("a TTL must be positive"));
        }
        Ok(IssuerConfig {
            inner: Arc::new(ConfigInner {
                me: self.me,
                credential_types: self.credential_types,
                signer: self
                    .signer
                    .ok_or_else(|| missing("a credential signer is required"))?,
                proof_type: self.proof_type.unwrap_or(ProofType::EddsaJcs2022),
                resolver: self
                    .resolver
                    .ok_or_else(|| missing("a DID resolver is required"))?,
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                challenges: self
                    .challenges
                    .unwrap_or_else(|| Arc::new(RandomChallenges)),
                offer_challenge: !self.no_offer_challenge,
                issuance_challenge: !self.no_issuance_challenge,
                offer_ttl: self.offer_ttl,
                issuance_ttl: self.issuance_ttl,
                opaque_rejections: self.opaque_rejections,
                issuer,
            }),
        })
    }
}

/// Where an issuer is in one protocol instance.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IssuerState {
    /// Nothing happened yet.
    Start,
    /// A valid `issuance-request` arrived; the host decides what to offer ([`IssuerSession::offer`]).
    RequestReceived(Box<IssuanceRequest>),
    /// The offer went out; waiting for the `issuance-response`.
    OfferSent(Box<IssuanceOffer>),
    /// The signed credential went out; waiting for the `issuance-acknowledgment`.
    IssuanceSent(Box<Issuance>),
    /// The holder acknowledged (with its signature, when one was asked for).
    Done {
        /// The issued credential.
        credential: Box<Credential>,
        /// The holder's signature over the issuance challenge, when there was one.
        acknowledgment: Option<Box<ChallengeSignature>>,
        /// The holder's signature over the offer challenge, when there was one.
        acceptance: Option<Box<ChallengeSignature>>,
    },
    /// The holder declined the offer (possibly disputing claims).
    Declined {
        /// The `DisputeCredential`s received.
        disputes: Vec<Credential>,
    },
    /// The protocol was abandoned with a problem report (sent or received).
    Abandoned {
        /// The problem code.
        code: String,
    },
}

impl IssuerState {
    /// A short name for the state (used in errors).
    pub fn name(&self) -> &'static str {
        match self {
            IssuerState::Start => "start",
            IssuerState::RequestReceived(_) => "request-received",
            IssuerState::OfferSent(_) => "offer-sent",
            IssuerState::IssuanceSent(_) => "issuance-sent",
            IssuerState::Done { .. } => "done",
            IssuerState::Declined { .. } => "declined",
            IssuerState::Abandoned { .. } => "abandoned",
        }
    }

    fn is_terminal(&self) -> bool {
        matches!(
            self,
            IssuerState::Done { .. } | IssuerState::Declined { .. } | IssuerState::Abandoned { .. }
        )
    }
}

/// The issuer's side of one protocol instance with one holder.
///
/// Feed it every message of the thread with [`handle`](Self::handle) and send what it returns. A
/// message that is out of order, replayed, from another thread or another sender is an error and
/// leaves the state unchanged; a message that breaks a protocol rule is answered with a problem
/// report and ends the protocol ([`Step::rejection`] says which rule).
#[derive(Debug)]
pub struct IssuerSession {
    config: IssuerConfig,
    holder: Did,
    thread: Thread,
    state: IssuerState,
    /// The holder's signature over the offer challenge, kept for the audit trail.
    acceptance: Option<Box<ChallengeSignature>>,
}

impl IssuerSession {
    /// A session with `holder` (the peer DID; incoming messages must be from it).
    pub fn new(config: IssuerConfig, holder: Did) -> Self {
        Self {
            thread: Thread::with_peer(Some(holder.clone())),
            config,
            holder,
            state: IssuerState::Start,
            acceptance: None,
        }
    }

    /// The current state.
    pub fn state(&self) -> &IssuerState {
        &self.state
    }

    /// The thread id, once the protocol started.
    pub fn thread_id(&self) -> Option<&crate::ThreadId> {
        self.thread.id()
    }

    fn now(&self) -> time::OffsetDateTime {
        self.config.inner.clock.now()
    }

    fn base_message(&self, message: &IotaMessage) -> Result<Message> {
        let config = &self.config.inner;
        let from = config
            .me
            .clone()
            .unwrap_or_else(|| DidUrl::from(config.issuer.clone()));
        let mut builder = message
            .to_message()?
            .from(from)
            .to(DidUrl::from(self.holder.clone()))
            .created_time(unix(self.now()));
        if let Some(thread) = self.thread.id() {
            builder = builder.thid(thread.clone());
        }
        builder.build()
    }

    /// Offers `credential` (unsigned) to the holder: after a request, or to start the protocol
    /// (issuer-initiated). Returns the `issuance-offer` to send.
    pub fn offer(&mut self, credential: Credential) -> Result<Message> {
        if !matches!(
            self.state,
            IssuerState::Start | IssuerState::RequestReceived(_)
        ) {
            return Err(Error::InvalidState {
                action: "offer",
                state: self.state.name(),
            });
        }
        if credential.proof.is_some() {
            return Err(Error::ProofInOffer);
        }
        let config = &self.config.inner;
        let signature_challenge = if config.offer_challenge {
            Some(SignatureChallenge::new(
                config.challenges.challenge(),
                &credential,
            )?)
        } else {
            None
        };
        let offer = IssuanceOffer {
            unsigned_credential: credential,
            signature_challenge,
            expiry: config.offer_ttl.map(|ttl| DateTime::from(self.now() + ttl)),
            extra: Default::default(),
        };
        let message = self.base_message(&IotaMessage::Offer(offer.clone()))?;
        self.thread.start(message.thread_id());
        self.state = IssuerState::OfferSent(Box::new(offer));
        Ok(message)
    }

    /// Consumes one incoming message of this thread.
    pub async fn handle(&mut self, message: &Message) -> Result<Step> {
        self.thread.check(message, self.now().unix_timestamp())?;
        let parsed = IotaMessage::from_message(message)?;
        let before = self.thread.enter(message);
        let outcome = self.dispatch(parsed).await;
        self.thread.settle(message, before, outcome)
    }

    async fn dispatch(&mut self, parsed: IotaMessage) -> Result<Step> {
        Ok(match (&self.state, parsed) {
            (state, IotaMessage::ProblemReport(report)) if !state.is_terminal() => {
                self.state = IssuerState::Abandoned { code: report.code };
                Step::wait()
            }
            (IssuerState::Start, IotaMessage::Request(request)) => self.on_request(request)?,
            (IssuerState::OfferSent(offer), IotaMessage::Response(response)) => {
                let offer = offer.clone();
                self.on_response(&offer, response).await?
            }
            (IssuerState::IssuanceSent(issuance), IotaMessage::Acknowledgment(ack)) => {
                let issuance = issuance.clone();
                self.on_acknowledgment(&issuance, ack).await?
            }
            (state, parsed) => {
                return Err(Error::OutOfOrder {
                    message_type: parsed.message_type().to_owned(),
                    state: state.name(),
                })
            }
        })
    }

    fn on_request(&mut self, request: IssuanceRequest) -> Result<Step> {
        let config = &self.config.inner;
        let unsupported = request
            .types
            .iter()
            .find(|t| *t != "VerifiableCredential" && !config.credential_types.contains(*t));
        let rejection = if let Some(type_) = unsupported {
            Some(Error::UnsupportedCredentialType {
                type_: crate::error::excerpt(type_),
            })
        } else if request
            .trusted_issuers
            .as_ref()
            .is_some_and(|trusted| !trusted.iter().any(|t| t == config.issuer.as_str()))
        {
            Some(Error::UnsupportedTrustedIssuer)
        } else {
            None
        };
        match rejection {
            Some(error) => {
                let code = IotaProblemCode::for_issuer(&error, config.opaque_rejections);
                self.reject(code, error)
            }
            None => {
                self.state = IssuerState::RequestReceived(Box::new(request));
                Ok(Step::wait())
            }
        }
    }

    async fn on_response(
        &mut self,
        offer: &IssuanceOffer,
        response: IssuanceResponse,
    ) -> Result<Step> {
        if let Some(expiry) = &offer.expiry {
            if expiry.instant().is_ok_and(|at| self.now() > at) {
                let error = Error::OfferExpired {
                    expiry: expiry.to_string(),
                };
                return self.reject(IotaProblemCode::InvalidRequest, error);
            }
        }
        if !response.accepted {
            self.state = IssuerState::Declined {
                disputes: response.disputes.unwrap_or_default(),
            };
            return Ok(Step::wait());
        }
        if let Err(error) = self
            .check_signature(
                offer.signature_challenge.as_ref(),
                response.signature.as_ref(),
            )
            .await
        {
            return self.reject_signature(error);
        }
        let config = &self.config.inner;
        let signed = config
            .signer
            .sign(offer.unsigned_credential.clone(), &config.proof_type)
            .await
            .map_err(|source| Error::SigningFailed {
                source: Some(source),
            })?;
        let signed = signed
            .as_credential()
            .cloned()
            .ok_or(Error::SigningFailed { source: None })?;
        let signature_challenge = if config.issuance_challenge {
            let offer_challenge = offer.signature_challenge.as_ref().map(|c| &c.challenge);
            let mut challenge = config.challenges.challenge();
            // Unique per message: never reuse the offer's challenge.
            while Some(&challenge) == offer_challenge {
                challenge = config.challenges.challenge();
            }
            Some(SignatureChallenge::new(challenge, &signed)?)
        } else {
            None
        };
        let issuance = Issuance {
            signed_credential: signed,
            signature_challenge,
            expiry: config
                .issuance_ttl
                .map(|ttl| DateTime::from(self.now() + ttl)),
            extra: Default::default(),
        };
        let message = self.base_message(&IotaMessage::Issuance(issuance.clone()))?;
        self.acceptance = response.signature.map(Box::new);
        self.state = IssuerState::IssuanceSent(Box::new(issuance));
        Ok(Step::send(message))
    }

    async fn on_acknowledgment(
        &mut self,
        issuance: &Issuance,
        ack: IssuanceAcknowledgment,
    ) -> Result<Step> {
        if let Some(expiry) = &issuance.expiry {
            if expiry.instant().is_ok_and(|at| self.now() > at) {
                let error = Error::OfferExpired {
                    expiry: expiry.to_string(),
                };
                return self.reject(IotaProblemCode::InvalidRequest, error);
            }
        }
        if let Err(error) = self
            .check_signature(
                issuance.signature_challenge.as_ref(),
                ack.signature.as_ref(),
            )
            .await
        {
            return self.reject_signature(error);
        }
        self.state = IssuerState::Done {
            credential: Box::new(issuance.signed_credential.clone()),
            acknowledgment: ack.signature.map(Box::new),
            acceptance: self.acceptance.take(),
        };
        Ok(Step::wait())
    }

    /// The holder's signature must be there when a challenge was sent, name that challenge, and
    /// verify against an unrevoked authentication method of the holder.
    async fn check_signature(
        &self,
        sent: Option<&SignatureChallenge>,
        signature: Option<&ChallengeSignature>,
    ) -> Result<()> {
        match (sent, signature) {
            (None, None) => Ok(()),
            (Some(_), None) => Err(Error::SignatureMissing),
            (sent, Some(signature)) => {
                if sent.is_some_and(|sent| *sent != signature.signature_challenge) {
                    return Err(Error::ChallengeMismatch);
                }
                signature
                    .verify(&self.holder, self.config.inner.resolver.as_ref())
                    .await
            }
        }
    }

    /// "Could not check" stays an error (retry later, state unchanged); everything else is
    /// answered with a problem report.
    fn reject_signature(&mut self, error: Error) -> Result<Step> {
        if matches!(error, Error::ResolutionFailed { .. }) {
            return Err(error);
        }
        self.reject(IotaProblemCode::InvalidRequest, error)
    }

    fn reject(&mut self, code: IotaProblemCode, error: Error) -> Result<Step> {
        let mut report = ProblemReport::new(code.as_str());
        if !self.config.inner.opaque_rejections && !matches!(error, Error::InvalidSignature { .. })
        {
            report = report.with_comment(error.to_string());
        }
        let message = self.report_message(report)?;
        self.state = IssuerState::Abandoned {
            code: code.as_str().to_owned(),
        };
        Ok(Step::reject(message, error))
    }

    fn report_message(&self, report: ProblemReport) -> Result<Message> {
        let thread = self.thread.id().cloned().ok_or(Error::InvalidState {
            action: "report a problem",
            state: self.state.name(),
        })?;
        let config = &self.config.inner;
        let from = config
            .me
            .clone()
            .unwrap_or_else(|| DidUrl::from(config.issuer.clone()));
        report
            .into_message(PROBLEM_REPORT_TYPE, &thread)
            .from(from)
            .to(DidUrl::from(self.holder.clone()))
            .created_time(unix(self.now()))
            .build()
    }
}

pub(crate) fn unix(at: time::OffsetDateTime) -> u64 {
    u64::try_from(at.unix_timestamp()).unwrap_or(0)
}
