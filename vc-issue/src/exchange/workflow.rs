//! Workflows: the steps an exchange walks a wallet through.

use std::collections::{BTreeMap, HashSet};

use super::error::ExchangeError;
use super::id::WorkflowId;
use super::template::CredentialTemplate;

/// What one step does.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StepKind {
    /// Ask the wallet for a DID Authentication presentation (a fresh random `challenge`, the
    /// service's `domain`), verify it, and record `{did, verifiablePresentation}` as the step's
    /// result. Credentials of the following `issue` steps are bound to that DID.
    DidAuth {
        /// The DID methods the wallet may authenticate with (`["key"]` by default).
        accepted_methods: Vec<String>,
    },
    /// Issue one credential per template, filled from the exchange's variables, to the DID the
    /// preceding `didAuth` step authenticated. Runs in the same wallet request as that step.
    Issue {
        /// The credentials to issue.
        templates: Vec<CredentialTemplate>,
    },
}

/// One step of a workflow: what it does and which step follows (none: the exchange completes).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    kind: StepKind,
    next: Option<String>,
}

impl Step {
    /// A DID Authentication step accepting `did:key`.
    pub fn did_auth() -> Self {
        Self {
            kind: StepKind::DidAuth {
                accepted_methods: vec!["key".to_owned()],
            },
            next: None,
        }
    }

    /// An issue step.
    pub fn issue(templates: Vec<CredentialTemplate>) -> Self {
        Self {
            kind: StepKind::Issue { templates },
            next: None,
        }
    }

    /// Sets the DID methods a DID Authentication step accepts (ignored by other steps).
    pub fn accepted_methods<I, S>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if let StepKind::DidAuth { accepted_methods } = &mut self.kind {
            *accepted_methods = methods.into_iter().map(Into::into).collect();
        }
        self
    }

    /// Sets the step that follows.
    pub fn next(mut self, step: impl Into<String>) -> Self {
        self.next = Some(step.into());
        self
    }

    /// What the step does.
    pub fn kind(&self) -> &StepKind {
        &self.kind
    }

    /// The step that follows, if any.
    pub fn next_step(&self) -> Option<&str> {
        self.next.as_deref()
    }

    fn is_issue(&self) -> bool {
        matches!(self.kind, StepKind::Issue { .. })
    }
}

/// A workflow: an id, named steps, and the step every exchange starts at.
///
/// ```
/// use serde_json::json;
/// use vc_issue::exchange::{CredentialTemplate, Step, Workflow, WorkflowId};
///
/// let template = CredentialTemplate::new(json!({
///     "schemaId": "ownership-v1",
///     "issuerDid": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
///     "claims": {"product": "{{ variables.product }}"}
/// }))?;
/// let workflow = Workflow::builder(WorkflowId::parse("tag-ownership")?)
///     .step("ownerBinding", Step::did_auth().next("issue"))
///     .step("issue", Step::issue(vec![template]))
///     .initial_step("ownerBinding")
///     .build()?;
/// assert_eq!(workflow.initial_step(), "ownerBinding");
/// # Ok::<(), vc_issue::exchange::ExchangeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    id: WorkflowId,
    steps: BTreeMap<String, Step>,
    initial_step: String,
}

impl Workflow {
    /// A builder for the workflow `id`.
    pub fn builder(id: WorkflowId) -> WorkflowBuilder {
        WorkflowBuilder {
            id,
            steps: BTreeMap::new(),
            initial_step: None,
        }
    }

    /// The workflow's id.
    pub fn id(&self) -> &WorkflowId {
        &self.id
    }

    /// The step named `name`.
    pub fn step(&self, name: &str) -> Option<&Step> {
        self.steps.get(name)
    }

    /// Every step, by name.
    pub fn steps(&self) -> &BTreeMap<String, Step> {
        &self.steps
    }

    /// The step exchanges start at.
    pub fn initial_step(&self) -> &str {
        &self.initial_step
    }
}

/// Builds a [`Workflow`], checking on [`build`](Self::build) that it can run.
#[derive(Debug, Clone)]
pub struct WorkflowBuilder {
    id: WorkflowId,
    steps: BTreeMap<String, Step>,
    initial_step: Option<String>,
}

impl WorkflowBuilder {
    /// Adds (or replaces) the step `name`. Names are 1 to 128 characters out of
    /// `A-Z a-z 0-9 - _`; a step's result lands under `variables.results.<name>`.
    pub fn step(mut self, name: impl Into<String>, step: Step) -> Self {
        self.steps.insert(name.into(), step);
        self
    }

    /// Sets the step exchanges start at.
    pub fn initial_step(mut self, name: impl Into<String>) -> Self {
        self.initial_step = Some(name.into());
        self
    }

    /// Checks the workflow: step names are well formed, the initial step and every `next` exist,
    /// the initial step is not an `issue` step (there would be no authenticated holder), every
    /// DID Authentication step accepts at least one method, and no chain of `issue` steps loops
    /// (they run within one wallet request).
    pub fn build(self) -> Result<Workflow, ExchangeError> {
        let invalid = |reason: String| ExchangeError::InvalidWorkflow { reason };
        let initial = self
            .initial_step
            .ok_or_else(|| invalid("no initial step".into()))?;
        for (name, step) in &self.steps {
            let well_formed = !name.is_empty()
                && name.len() <= 128
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !well_formed {
                return Err(invalid(format!("step name {name:?} is not a simple name")));
            }
            if let Some(next) = &step.next {
                if !self.steps.contains_key(next) {
                    return Err(invalid(format!(
                        "step {name} names unknown next step {next}"
                    )));
                }
            }
            if let StepKind::DidAuth { accepted_methods } = &step.kind {
                if accepted_methods.is_empty() {
                    return Err(invalid(format!("step {name} accepts no DID method")));
                }
            }
        }
        match self.steps.get(&initial) {
            None => return Err(invalid(format!("initial step {initial} is not defined"))),
            Some(step) if step.is_issue() => {
                return Err(invalid(format!(
                    "initial step {initial} is an issue step; a didAuth step must come first"
                )))
            }
            Some(_) => {}
        }
        for (name, step) in &self.steps {
            if !step.is_issue() {
                continue;
            }
            let mut seen = HashSet::new();
            let mut current = Some(name.as_str());
            while let Some(at) = current {
                match self.steps.get(at) {
                    Some(s) if s.is_issue() => {
                        if !seen.insert(at) {
                            return Err(invalid(format!("issue steps loop through {at}")));
                        }
                        current = s.next.as_deref();
                    }
                    _ => break,
                }
            }
        }
        Ok(Workflow {
            id: self.id,
            steps: self.steps,
            initial_step: initial,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> WorkflowId {
        WorkflowId::parse("w").unwrap()
    }

    #[test]
    fn refuses_workflows_that_cannot_run() {
        let cases = [
            Workflow::builder(id()).step("a", Step::did_auth()),
            Workflow::builder(id()).initial_step("a"),
            Workflow::builder(id())
                .step("a", Step::did_auth().next("b"))
                .initial_step("a"),
            Workflow::builder(id())
                .step("a", Step::issue(vec![]))
                .initial_step("a"),
            Workflow::builder(id())
                .step("a", Step::did_auth().next("b"))
                .step("b", Step::issue(vec![]).next("c"))
                .step("c", Step::issue(vec![]).next("b"))
                .initial_step("a"),
            Workflow::builder(id())
                .step("a b", Step::did_auth())
                .initial_step("a b"),
            Workflow::builder(id())
                .step("a", Step::did_auth().accepted_methods(Vec::<String>::new()))
                .initial_step("a"),
        ];
        for builder in cases {
            let err = builder.clone().build().unwrap_err();
            assert_eq!(err.code(), "INVALID_WORKFLOW", "{builder:?}");
        }
        // Two rounds of authentication, with issuance in between, are fine.
        Workflow::builder(id())
            .step("a", Step::did_auth().next("b"))
            .step("b", Step::issue(vec![]).next("c"))
            .step("c", Step::did_auth().next("b"))
            .initial_step("a")
            .build()
            .unwrap();
    }
}
