//! Agent delegation: credentials by which a delegator lets a delegate act for it within a scope,
//! re-delegable to a bounded depth, and the checker for chains of them.
//!
//! The built-in schema [`SCHEMA_ID`] (`agent-delegation-v1`) has the claims
//! `{delegator, delegate, scope[], constraints{}, maxDepth}`. Issuing one requires
//! `delegator == issuerDid` and `delegate == holderDid` (enforced by [`DelegationRule`]).
//!
//! A chain `[root, link1, link2, ...]` is valid ([`verify_chain`]) when every credential's proof
//! verifies, each link is issued by the previous link's delegate, scopes only narrow, constraints
//! only tighten (every constraint of the parent is kept with the same value), the chain is no deeper
//! than every ancestor's `maxDepth` allows, and nothing is expired or not yet valid.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use vc_core::{Credential, Did, ErrorCode};

use crate::crypto::verify::{CredentialVerifier, VerifyError};
use crate::error::IssueError;
use crate::pipeline::claims_rule::ClaimsRule;
use crate::pipeline::holder::Holder;
use crate::pipeline::schema::SchemaEntry;

/// The id of the built-in delegation schema.
pub const SCHEMA_ID: &str = "agent-delegation-v1";
/// The credential type of delegation credentials.
pub const CREDENTIAL_TYPE: &str = "AgentDelegationCredential";

/// The built-in `agent-delegation-v1` schema entry, to add to a schema registry.
pub fn schema_entry() -> SchemaEntry {
    SchemaEntry::new(
        SCHEMA_ID,
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["delegator", "delegate", "scope", "maxDepth"],
            "properties": {
                "delegator": {"type": "string", "pattern": "^did:[a-z0-9]+:"},
                "delegate": {"type": "string", "pattern": "^did:[a-z0-9]+:"},
                "scope": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "uniqueItems": true},
                "constraints": {"type": "object"},
                "maxDepth": {"type": "integer", "minimum": 0, "maximum": 16}
            },
            "additionalProperties": false
        }),
        vec![CREDENTIAL_TYPE.to_owned()],
        Vec::new(),
    )
}

/// Enforces `delegator == issuer` and `delegate == holder` when issuing a delegation.
#[derive(Debug, Clone, Copy, Default)]
pub struct DelegationRule;

impl ClaimsRule for DelegationRule {
    fn check(
        &self,
        issuer: &Did,
        holder: &Holder,
        claims: &Map<String, Value>,
    ) -> Result<(), IssueError> {
        let field = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
        if field("delegator") != issuer.as_str() {
            return Err(IssueError::InvalidRequest {
                reason: "delegator must be the issuer".into(),
            });
        }
        // A delegate is an agent with a DID: a holder named otherwise, or not at all, never is.
        if holder
            .did()
            .is_none_or(|holder| field("delegate") != holder.as_str())
        {
            return Err(IssueError::InvalidRequest {
                reason: "delegate must be the holder".into(),
            });
        }
        Ok(())
    }
}

/// Why a delegation chain is not valid.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum DelegationError {
    /// The chain has no credential.
    #[error("the delegation chain is empty")]
    EmptyChain,
    /// A credential is not a delegation credential (wrong type or claims).
    #[error("link {link} is not a delegation credential: {reason}")]
    Malformed {
        /// Position in the chain.
        link: usize,
        /// What is wrong.
        reason: String,
    },
    /// A credential's proof does not verify (or could not be checked).
    #[error("link {link} does not verify: {source}")]
    InvalidProof {
        /// Position in the chain.
        link: usize,
        /// The verifier's error.
        #[source]
        source: VerifyError,
    },
    /// A link is not issued by the previous link's delegate, or its issuer is not its delegator.
    #[error("link {link} is not issued by the previous delegate")]
    BrokenLink {
        /// Position in the chain.
        link: usize,
    },
    /// A link grants a scope its parent does not have.
    #[error("link {link} widens the scope with {scope:?}")]
    ScopeWidened {
        /// Position in the chain.
        link: usize,
        /// The scopes that are not in the parent.
        scope: Vec<String>,
    },
    /// A link drops or changes a constraint of its parent.
    #[error("link {link} relaxes constraint {constraint}")]
    ConstraintRelaxed {
        /// Position in the chain.
        link: usize,
        /// The constraint's name.
        constraint: String,
    },
    /// The chain is deeper than an ancestor's `maxDepth` allows.
    #[error("link {link} exceeds the delegation depth allowed by its ancestors")]
    TooDeep {
        /// Position in the chain.
        link: usize,
    },
    /// A credential is expired or not yet valid.
    #[error("link {link} is not valid now")]
    Expired {
        /// Position in the chain.
        link: usize,
    },
}

impl DelegationError {
    /// A stable, upper-snake-case code.
    pub fn code(&self) -> ErrorCode {
        match self {
            DelegationError::EmptyChain => ErrorCode::DELEGATION_EMPTY_CHAIN,
            DelegationError::Malformed { .. } => ErrorCode::DELEGATION_MALFORMED,
            DelegationError::InvalidProof { .. } => ErrorCode::DELEGATION_INVALID_PROOF,
            DelegationError::BrokenLink { .. } => ErrorCode::DELEGATION_BROKEN_LINK,
            DelegationError::ScopeWidened { .. } => ErrorCode::DELEGATION_SCOPE_WIDENED,
            DelegationError::ConstraintRelaxed { .. } => ErrorCode::DELEGATION_CONSTRAINT_RELAXED,
            DelegationError::TooDeep { .. } => ErrorCode::DELEGATION_TOO_DEEP,
            DelegationError::Expired { .. } => ErrorCode::DELEGATION_EXPIRED,
        }
    }
}

/// The claims of one delegation credential.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Delegation {
    /// Who delegates.
    pub delegator: String,
    /// Who may act.
    pub delegate: String,
    /// What the delegate may do.
    pub scope: BTreeSet<String>,
    /// Further limits (kept as JSON).
    #[serde(default)]
    pub constraints: Map<String, Value>,
    /// How many further re-delegations are allowed below this one.
    pub max_depth: u32,
}

/// What a valid chain grants at its end.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifiedDelegation {
    /// The root delegator.
    pub root: String,
    /// The final delegate.
    pub delegate: String,
    /// The effective scope (the last link's).
    pub scope: BTreeSet<String>,
    /// The effective constraints (the last link's).
    pub constraints: Map<String, Value>,
}

/// Checks a delegation chain, root first, at time `now`.
pub async fn verify_chain(
    chain: &[Credential],
    verifier: &CredentialVerifier,
    now: OffsetDateTime,
) -> Result<VerifiedDelegation, DelegationError> {
    let mut previous: Option<Delegation> = None;
    let mut depth_budget = u32::MAX;
    for (link, credential) in chain.iter().enumerate() {
        let delegation = claims(link, credential)?;
        verifier
            .verify(credential)
            .await
            .map_err(|source| DelegationError::InvalidProof { link, source })?;
        check_validity(link, credential, now)?;
        if credential.issuer_id() != Some(delegation.delegator.as_str()) {
            return Err(DelegationError::BrokenLink { link });
        }
        if let Some(parent) = &previous {
            check_narrowing(link, parent, &delegation)?;
            depth_budget = depth_budget
                .checked_sub(1)
                .ok_or(DelegationError::TooDeep { link })?;
        }
        depth_budget = depth_budget.min(delegation.max_depth);
        previous = Some(delegation);
    }
    let (first, last) = match (chain.first(), previous) {
        (Some(first), Some(last)) => (first, last),
        _ => return Err(DelegationError::EmptyChain),
    };
    Ok(VerifiedDelegation {
        root: claims(0, first)?.delegator,
        delegate: last.delegate,
        scope: last.scope,
        constraints: last.constraints,
    })
}

fn claims(link: usize, credential: &Credential) -> Result<Delegation, DelegationError> {
    let malformed = |reason: String| DelegationError::Malformed { link, reason };
    if !credential.has_type(CREDENTIAL_TYPE) {
        return Err(malformed(format!("type must include {CREDENTIAL_TYPE}")));
    }
    let subject = credential
        .subjects()
        .first()
        .ok_or_else(|| malformed("no credentialSubject".into()))?;
    let delegation: Delegation = serde_json::from_value(Value::Object(subject.claims.clone()))
        .map_err(|e| malformed(e.to_string()))?;
    if subject.id.as_deref() != Some(delegation.delegate.as_str()) {
        return Err(malformed("the subject must be the delegate".into()));
    }
    Ok(delegation)
}

fn check_validity(
    link: usize,
    credential: &Credential,
    now: OffsetDateTime,
) -> Result<(), DelegationError> {
    let expired = || DelegationError::Expired { link };
    if let Some(from) = credential.valid_from_or_issued() {
        if from.instant().map_err(|_| expired())? > now {
            return Err(expired());
        }
    }
    if let Some(until) = credential.valid_until_or_expires() {
        if until.instant().map_err(|_| expired())? <= now {
            return Err(expired());
        }
    }
    Ok(())
}

fn check_narrowing(
    link: usize,
    parent: &Delegation,
    child: &Delegation,
) -> Result<(), DelegationError> {
    if child.delegator != parent.delegate {
        return Err(DelegationError::BrokenLink { link });
    }
    let widened: Vec<String> = child.scope.difference(&parent.scope).cloned().collect();
    if !widened.is_empty() {
        return Err(DelegationError::ScopeWidened {
            link,
            scope: widened,
        });
    }
    for (name, value) in &parent.constraints {
        if child.constraints.get(name) != Some(value) {
            return Err(DelegationError::ConstraintRelaxed {
                link,
                constraint: name.clone(),
            });
        }
    }
    Ok(())
}
