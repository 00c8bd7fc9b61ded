//! Schemas held in memory, loadable from JSON files.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;

use super::{SchemaEntry, SchemaRegistry};
use crate::error::IssueError;
use crate::host_error::HostError;

/// An in-memory [`SchemaRegistry`].
#[derive(Debug, Default)]
pub struct InMemorySchemaRegistry {
    schemas: RwLock<HashMap<String, Arc<SchemaEntry>>>,
}

impl InMemorySchemaRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a schema.
    pub fn insert(&self, entry: SchemaEntry) {
        self.schemas
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(entry.id.clone(), Arc::new(entry));
    }

    /// Loads one schema entry from a JSON file (the [`SchemaEntry`] JSON form) and adds it.
    pub fn load_file(&self, path: impl AsRef<Path>) -> Result<String, IssueError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| IssueError::InvalidRequest {
            reason: format!("cannot read schema file {}: {e}", path.display()),
        })?;
        let entry: SchemaEntry =
            serde_json::from_str(&text).map_err(|e| IssueError::InvalidRequest {
                reason: format!("{} is not a schema entry: {e}", path.display()),
            })?;
        let id = entry.id.clone();
        self.insert(entry);
        Ok(id)
    }

    /// Loads every `*.json` file of a directory; returns the ids loaded.
    pub fn load_dir(&self, dir: impl AsRef<Path>) -> Result<Vec<String>, IssueError> {
        let dir = dir.as_ref();
        let entries = std::fs::read_dir(dir).map_err(|e| IssueError::InvalidRequest {
            reason: format!("cannot read schema directory {}: {e}", dir.display()),
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        paths.iter().map(|path| self.load_file(path)).collect()
    }
}

#[async_trait]
impl SchemaRegistry for InMemorySchemaRegistry {
    async fn schema(&self, id: &str) -> Result<Option<Arc<SchemaEntry>>, HostError> {
        Ok(self
            .schemas
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(id)
            .cloned())
    }
}
