//! The conformance suite for [`SchemaRegistry`] implementations (a host's database, a schema
//! service).
//!
//! ```
//! use serde_json::json;
//! use vc_issue::{InMemorySchemaRegistry, SchemaEntry};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let schemas = InMemorySchemaRegistry::new();
//! schemas.insert(SchemaEntry::new("membership-v1", json!({"type": "object"}), vec![], vec![]));
//! vc_issue::testing::schema::check_schema_registry(&schemas, "membership-v1", "no-such-schema").await?;
//! # Ok(()) }
//! ```

use super::failure::ConformanceError;
use crate::pipeline::schema::SchemaRegistry;

/// Checks that `registry` answers `known` with the entry of that id whose JSON Schema compiles,
/// the same entry on every lookup, and `unknown` with `Ok(None)`, not an error.
pub async fn check_schema_registry(
    registry: &dyn SchemaRegistry,
    known: &str,
    unknown: &str,
) -> Result<(), ConformanceError> {
    const KNOWN: &str = "a known schema id gives its entry";
    let entry = registry
        .schema(known)
        .await
        .map_err(ConformanceError::backend(KNOWN))?
        .ok_or_else(|| ConformanceError::contract(KNOWN, format!("nothing for {known:?}")))?;
    if entry.id != known {
        return Err(ConformanceError::contract(
            KNOWN,
            format!("asked for {known:?}, got {:?}", entry.id),
        ));
    }
    if let Err(e) = jsonschema::validator_for(&entry.json_schema) {
        return Err(ConformanceError::contract(
            "the entry's JSON Schema compiles",
            e.to_string(),
        ));
    }

    const STABLE: &str = "a schema id names one entry";
    let again = registry
        .schema(known)
        .await
        .map_err(ConformanceError::backend(STABLE))?
        .ok_or_else(|| ConformanceError::contract(STABLE, "the second lookup found nothing"))?;
    if *again != *entry {
        return Err(ConformanceError::contract(
            STABLE,
            "two lookups gave two entries",
        ));
    }

    const UNKNOWN: &str = "an unknown schema id is Ok(None)";
    match registry.schema(unknown).await {
        Ok(None) => Ok(()),
        Ok(Some(found)) => Err(ConformanceError::contract(
            UNKNOWN,
            format!("an entry {:?} for {unknown:?}", found.id),
        )),
        Err(source) => Err(ConformanceError::backend(UNKNOWN)(source)),
    }
}
