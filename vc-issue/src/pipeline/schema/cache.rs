//! Compiled JSON Schemas, compiled once per schema and reused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::SchemaEntry;
use crate::error::{IssueError, SchemaViolation};

/// Compiling a JSON Schema costs far more than validating against it, so compiled validators are
/// kept per schema id and recompiled only when the registry hands out a different schema document.
#[derive(Debug, Default)]
pub(crate) struct SchemaCache {
    compiled: Mutex<HashMap<String, Compiled>>,
}

/// The schema entry a validator was compiled from, and the validator.
type Compiled = (Arc<SchemaEntry>, Arc<jsonschema::Validator>);

impl SchemaCache {
    /// The compiled validator of `entry`. A batch fetches it once: the lookup takes a lock that
    /// every worker would otherwise contend for on every item.
    pub(crate) fn validator(
        &self,
        entry: &Arc<SchemaEntry>,
    ) -> Result<Arc<jsonschema::Validator>, IssueError> {
        let mut compiled = self
            .compiled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((cached, validator)) = compiled.get(&entry.id) {
            if Arc::ptr_eq(cached, entry) || cached.json_schema == entry.json_schema {
                return Ok(validator.clone());
            }
        }
        let validator = jsonschema::validator_for(&entry.json_schema).map_err(|e| {
            IssueError::InvalidRequest {
                reason: format!("schema {} does not compile: {e}", entry.id),
            }
        })?;
        let validator = Arc::new(validator);
        compiled.insert(entry.id.clone(), (entry.clone(), validator.clone()));
        Ok(validator)
    }
}

/// Validates `claims` against `schema` (compiled from the entry `schema_id`), reporting every
/// violation.
pub(crate) fn validate(
    schema: &jsonschema::Validator,
    schema_id: &str,
    claims: &Value,
) -> Result<(), IssueError> {
    let violations: Vec<SchemaViolation> = schema
        .iter_errors(claims)
        .map(|error| SchemaViolation {
            instance_path: error.instance_path().to_string(),
            schema_path: error.schema_path().to_string(),
            message: error.to_string(),
        })
        .collect();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(IssueError::SchemaValidationFailed {
            schema_id: schema_id.to_owned(),
            violations,
        })
    }
}
