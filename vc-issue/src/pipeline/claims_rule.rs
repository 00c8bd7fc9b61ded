//! Rules on claims that a JSON Schema cannot express (for example "the delegator must be the
//! issuer"), attached to a schema id and checked right after schema validation.

use std::fmt::Debug;

use serde_json::{Map, Value};
use vc_core::Did;

use crate::pipeline::holder::Holder;

/// A check of a request's claims against its issuer and holder.
///
/// Runs in step 3 of the pipeline, after JSON Schema validation; a failure stops the pipeline with
/// the returned error (nothing allocated, nothing signed).
pub trait ClaimsRule: Send + Sync + Debug + 'static {
    /// Checks `claims` of a credential `issuer` issues to `holder` (a DID, another URL, or
    /// nobody named: a rule that needs a DID holder refuses the others).
    fn check(
        &self,
        issuer: &Did,
        holder: &Holder,
        claims: &Map<String, Value>,
    ) -> Result<(), crate::IssueError>;
}
