//! Who decides at submit time: approval policies, and the observer hook.

use std::fmt::Debug;

use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;

use super::state::{TicketId, TicketState};
use crate::pipeline::request::IssuanceRequest;

/// What a policy decides for a valid request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Issue without a person: the ticket starts `approved`.
    Approve,
    /// Hold for a person: the ticket starts `pending_approval`.
    Hold,
    /// Refuse: the ticket starts (and ends) `rejected`.
    Reject {
        /// Why, shown to the requester.
        reason: String,
    },
}

/// Decides what happens to a valid request at submit time (and again once requested information
/// was provided).
#[async_trait]
pub trait ApprovalPolicy: Send + Sync + Debug + 'static {
    /// The decision for `request` (already validated against its schema).
    async fn decide(&self, request: &IssuanceRequest) -> Decision;
}

/// Approves every valid request.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysApprove;

#[async_trait]
impl ApprovalPolicy for AlwaysApprove {
    async fn decide(&self, _: &IssuanceRequest) -> Decision {
        Decision::Approve
    }
}

/// Holds every valid request for a person.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlwaysHold;

#[async_trait]
impl ApprovalPolicy for AlwaysHold {
    async fn decide(&self, _: &IssuanceRequest) -> Decision {
        Decision::Hold
    }
}

/// A test on one claim value, found by JSON pointer (RFC 6901) into the claims.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClaimTest {
    /// The value equals this one.
    Equals(Value),
    /// The value is one of these.
    OneOf(Vec<Value>),
    /// There is a value.
    Present,
    /// There is no value.
    Missing,
    /// The value is a number at least this large.
    AtLeast(f64),
    /// The value is a number at most this large.
    AtMost(f64),
}

impl ClaimTest {
    fn holds(&self, value: Option<&Value>) -> bool {
        match (self, value) {
            (ClaimTest::Missing, v) => v.is_none(),
            (ClaimTest::Present, v) => v.is_some(),
            (_, None) => false,
            (ClaimTest::Equals(want), Some(v)) => v == want,
            (ClaimTest::OneOf(set), Some(v)) => set.contains(v),
            (ClaimTest::AtLeast(min), Some(v)) => v.as_f64().is_some_and(|x| x >= *min),
            (ClaimTest::AtMost(max), Some(v)) => v.as_f64().is_some_and(|x| x <= *max),
        }
    }
}

/// One rule of a [`RulePolicy`]: when the schema (if given) and every claim test match, the
/// rule's decision applies.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    schema: Option<String>,
    tests: Vec<(String, ClaimTest)>,
    decision: Decision,
}

impl Rule {
    /// A rule that decides `decision` (and, without further conditions, matches everything).
    pub fn new(decision: Decision) -> Self {
        Self {
            schema: None,
            tests: Vec::new(),
            decision,
        }
    }

    /// Only for requests of schema `schema_id`.
    pub fn schema(mut self, schema_id: impl Into<String>) -> Self {
        self.schema = Some(schema_id.into());
        self
    }

    /// Only when the claim at `pointer` (e.g. `/degree/type`) passes `test`.
    pub fn claim(mut self, pointer: impl Into<String>, test: ClaimTest) -> Self {
        self.tests.push((pointer.into(), test));
        self
    }

    fn matches(&self, request: &IssuanceRequest) -> bool {
        if self
            .schema
            .as_ref()
            .is_some_and(|s| *s != request.schema_id)
        {
            return false;
        }
        let claims = Value::Object(request.claims.clone());
        self.tests
            .iter()
            .all(|(pointer, test)| test.holds(claims.pointer(pointer)))
    }
}

/// Decides by schema and claim values: the first matching rule wins, else the default.
///
/// ```
/// use serde_json::json;
/// use vc_issue::queue::{ClaimTest, Decision, Rule, RulePolicy};
///
/// // Doctorates need a person; everything else of the degree schema is approved; other schemas
/// // are held.
/// let policy = RulePolicy::new(Decision::Hold)
///     .rule(Rule::new(Decision::Hold).schema("degree").claim("/degree/type", ClaimTest::Equals(json!("PhD"))))
///     .rule(Rule::new(Decision::Approve).schema("degree"));
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RulePolicy {
    rules: Vec<Rule>,
    default: Decision,
}

impl RulePolicy {
    /// A policy with no rules yet that decides `default`.
    pub fn new(default: Decision) -> Self {
        Self {
            rules: Vec::new(),
            default,
        }
    }

    /// Appends a rule (rules are tried in order).
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// The decision for `request`, synchronously.
    pub fn evaluate(&self, request: &IssuanceRequest) -> Decision {
        self.rules
            .iter()
            .find(|r| r.matches(request))
            .map_or_else(|| self.default.clone(), |r| r.decision.clone())
    }
}

#[async_trait]
impl ApprovalPolicy for RulePolicy {
    async fn decide(&self, request: &IssuanceRequest) -> Decision {
        self.evaluate(request)
    }
}

/// One state change of a ticket, as given to an [`IssuanceObserver`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransitionEvent {
    /// The ticket.
    pub ticket: TicketId,
    /// The state before (`None` at submit).
    pub from: Option<TicketState>,
    /// The state after.
    pub to: TicketState,
    /// When.
    pub at: OffsetDateTime,
    /// Who caused it.
    pub actor: String,
    /// The authenticated caller behind it, when it came through an authenticated API (see
    /// [`HistoryEntry::principal`](super::HistoryEntry::principal)).
    pub principal: Option<String>,
}

/// Called after every stored transition (for webhooks, e-mail, metrics). It runs on the caller's
/// task after the change is durable; a slow observer slows that caller, so hand long work off.
#[async_trait]
pub trait IssuanceObserver: Send + Sync + Debug + 'static {
    /// One transition happened.
    async fn on_transition(&self, event: &TransitionEvent);
}

/// An observer that does nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

#[async_trait]
impl IssuanceObserver for NoObserver {
    async fn on_transition(&self, _: &TransitionEvent) {}
}
