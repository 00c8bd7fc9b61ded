//! A credential configuration: one kind of credential the issuer offers, as the metadata's
//! `credential_configurations_supported` names it.

use super::format::CredentialFormat;

/// One entry of `credential_configurations_supported`: a schema of the registry in one format.
///
/// The id is what offers and credential requests name (`credential_configuration_id`); the
/// schema gives the types, contexts, display name and the JSON Schema the claims must satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialConfiguration {
    /// The `credential_configuration_id`.
    pub id: String,
    /// The schema of the registry its credentials follow.
    pub schema_id: String,
    /// The format it is issued in.
    pub format: CredentialFormat,
    /// Whether its credentials get a revocation status entry (Bitstring Status List).
    pub revocable: bool,
    /// Whether its requests go through the approval queue and are answered with a
    /// `transaction_id` for the deferred credential endpoint.
    pub deferred: bool,
    /// The OAuth `scope` value that asks for it in an authorization request (OpenID4VCI 1.0
    /// §5.1.2), announced in the metadata; none by default (then only `authorization_details`
    /// name it).
    pub scope: Option<String>,
}

impl CredentialConfiguration {
    /// A configuration issued at once, without a status entry.
    pub fn new(
        id: impl Into<String>,
        schema_id: impl Into<String>,
        format: CredentialFormat,
    ) -> Self {
        Self {
            id: id.into(),
            schema_id: schema_id.into(),
            format,
            revocable: false,
            deferred: false,
            scope: None,
        }
    }

    /// Gives its credentials a revocation status entry.
    pub fn revocable(mut self, revocable: bool) -> Self {
        self.revocable = revocable;
        self
    }

    /// The `scope` value wallets may ask for it with (unique among the configurations; no
    /// spaces, quotes or backslashes, RFC 6749 §3.3).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sends its requests through the approval queue (deferred issuance).
    pub fn deferred(mut self, deferred: bool) -> Self {
        self.deferred = deferred;
        self
    }
}
