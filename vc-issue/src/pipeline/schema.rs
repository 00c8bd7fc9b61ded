//! Credential schemas: the host's [`SchemaRegistry`], the in-memory reference registry, and the
//! compiled-schema cache the pipeline validates claims with.

mod cache;
mod memory;
mod sd_jwt_vc;

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use vc_core::Did;

use crate::host_error::HostError;

pub(crate) use cache::{validate, SchemaCache};
pub use memory::InMemorySchemaRegistry;
pub use sd_jwt_vc::SdJwtVcConfig;

/// What an issuer needs to know about a credential schema.
///
/// The JSON form (for schema files) is
/// `{"id", "jsonSchema", "types", "contexts", "authorizedIssuers"?, "schemaUrl"?, "name"?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SchemaEntry {
    /// The id requests refer to (`schemaId`).
    pub id: String,
    /// The JSON Schema the claims must satisfy (draft 2020-12 unless the schema says otherwise).
    pub json_schema: Value,
    /// Credential types added after `VerifiableCredential`.
    #[serde(default)]
    pub types: Vec<String>,
    /// Contexts added after the base context (they must define the claims' terms).
    #[serde(default)]
    pub contexts: Vec<String>,
    /// When set, only these issuers may issue credentials of this schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_issuers: Option<Vec<Did>>,
    /// Where the schema is published; becomes the `credentialSchema` id (the `id` when absent and
    /// it is a URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_url: Option<String>,
    /// A human-readable name, also used as the credential `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How credentials of this schema look as SD-JWT VCs (`dc+sd-jwt`): `vct` and the
    /// selectively disclosable claims. Without it every claim is always disclosed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd_jwt_vc: Option<SdJwtVcConfig>,
}

impl SchemaEntry {
    /// A schema entry with the required parts.
    pub fn new(
        id: impl Into<String>,
        json_schema: Value,
        types: Vec<String>,
        contexts: Vec<String>,
    ) -> Self {
        Self {
            id: id.into(),
            json_schema,
            types,
            contexts,
            authorized_issuers: None,
            schema_url: None,
            name: None,
            sd_jwt_vc: None,
        }
    }

    /// Sets the SD-JWT VC side of the schema.
    pub fn with_sd_jwt_vc(mut self, config: SdJwtVcConfig) -> Self {
        self.sd_jwt_vc = Some(config);
        self
    }

    /// Restricts the schema to these issuers.
    pub fn with_authorized_issuers(mut self, issuers: Vec<Did>) -> Self {
        self.authorized_issuers = Some(issuers);
        self
    }

    /// Sets where the schema is published.
    pub fn with_schema_url(mut self, url: impl Into<String>) -> Self {
        self.schema_url = Some(url.into());
        self
    }

    /// Whether `issuer` may issue credentials of this schema.
    pub fn authorizes(&self, issuer: &Did) -> bool {
        self.authorized_issuers
            .as_ref()
            .is_none_or(|issuers| issuers.contains(issuer))
    }

    /// The URL to put in `credentialSchema.id`, if there is one.
    pub fn credential_schema_id(&self) -> Option<&str> {
        self.schema_url
            .as_deref()
            .or_else(|| vc_core::uri::is_absolute(&self.id).then_some(self.id.as_str()))
    }
}

/// Looks schemas up by id. Hosts implement it over their schema store or trust registry.
#[async_trait]
pub trait SchemaRegistry: Send + Sync + Debug + 'static {
    /// The schema with this id, or `None` when there is none. [`HostError::unavailable`] when
    /// the store behind it is down (`SCHEMA_REGISTRY_UNAVAILABLE`, retried).
    async fn schema(&self, id: &str) -> Result<Option<Arc<SchemaEntry>>, HostError>;
}
