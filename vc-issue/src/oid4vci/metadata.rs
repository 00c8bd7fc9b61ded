//! The metadata wallets read first: the Credential Issuer Metadata (OpenID4VCI 1.0 §12.2) built
//! from the configurations and the schema registry, and the Authorization Server Metadata
//! (RFC 8414) of the built-in authorization server.

use serde_json::{json, Map, Value};
use vc_core::did_key::DidKey;

use super::authorization::{AUTHORIZATION_CODE_GRANT, OPENID_CREDENTIAL};
use super::error::Oid4vciError;
use super::offer::PRE_AUTHORIZED_GRANT;
use super::proof::PROOF_ALGS;
use super::service::{paths, Oid4vciIssuer};

impl Oid4vciIssuer {
    /// The Credential Issuer Metadata: endpoints, `batch_credential_issuance`, `display`, and one
    /// `credential_configurations_supported` entry per configuration, with the types, contexts
    /// and name of its schema in the registry.
    pub async fn metadata(&self) -> Result<Value, Oid4vciError> {
        let issuer_key = DidKey::from_did(&self.inner.issuer_did)
            .ok()
            .map(|key| key.key_type());
        let mut supported = Map::new();
        for configuration in self.configurations() {
            let schema = self
                .inner
                .issuer
                .schema(&self.inner.issuer_did, &configuration.schema_id)
                .await?;
            let format = &configuration.format;
            let mut entry = Map::new();
            entry.insert("format".into(), json!(format.id()));
            if let Some(scope) = &configuration.scope {
                entry.insert("scope".into(), json!(scope));
            }
            entry.extend(format.describe(&schema));
            let algs = format.signing_algs(issuer_key);
            if !algs.is_empty() {
                entry.insert(
                    "credential_signing_alg_values_supported".into(),
                    json!(algs),
                );
            }
            entry.insert(
                "cryptographic_binding_methods_supported".into(),
                json!(format.binding_methods()),
            );
            entry.insert(
                "proof_types_supported".into(),
                json!({ "jwt": { "proof_signing_alg_values_supported": PROOF_ALGS } }),
            );
            let name = schema
                .name
                .clone()
                .unwrap_or_else(|| configuration.id.clone());
            let mut credential_metadata = Map::new();
            credential_metadata.insert("display".into(), json!([{ "name": name, "locale": "en" }]));
            // The claims of an SD-JWT VC are its own top-level claims, as the schema has them.
            #[cfg(feature = "sd-jwt")]
            if *format == super::format::CredentialFormat::DcSdJwt {
                let claims = super::claims::describe(&schema.json_schema);
                if !claims.is_empty() {
                    credential_metadata.insert("claims".into(), Value::Array(claims));
                }
            }
            entry.insert(
                "credential_metadata".into(),
                Value::Object(credential_metadata),
            );
            supported.insert(configuration.id.clone(), Value::Object(entry));
        }
        let mut metadata = Map::new();
        metadata.insert("credential_issuer".into(), json!(self.credential_issuer()));
        let mut servers = vec![self.credential_issuer().to_owned()];
        servers.extend(self.inner.authorization_servers.iter().cloned());
        metadata.insert("authorization_servers".into(), json!(servers));
        metadata.insert(
            "credential_endpoint".into(),
            json!(self.url(paths::CREDENTIAL)),
        );
        metadata.insert("nonce_endpoint".into(), json!(self.url(paths::NONCE)));
        metadata.insert(
            "deferred_credential_endpoint".into(),
            json!(self.url(paths::DEFERRED_CREDENTIAL)),
        );
        metadata.insert(
            "notification_endpoint".into(),
            json!(self.url(paths::NOTIFICATION)),
        );
        metadata.insert(
            "batch_credential_issuance".into(),
            json!({ "batch_size": self.inner.batch_size }),
        );
        if let Some(name) = &self.inner.display_name {
            metadata.insert("display".into(), json!([{ "name": name, "locale": "en" }]));
        }
        metadata.insert(
            "credential_configurations_supported".into(),
            Value::Object(supported),
        );
        Ok(Value::Object(metadata))
    }

    /// The Authorization Server Metadata of the built-in server: the token endpoint, the
    /// pre-authorized code grant, that wallets need not authenticate to use it, and the DPoP
    /// proof algorithms it takes; with the authorization code flow, the authorization endpoint,
    /// PKCE S256, `authorization_details` of type `openid_credential`, the scopes, and `iss` in
    /// authorization responses (RFC 9207).
    pub fn authorization_server_metadata(&self) -> Value {
        let mut metadata = json!({
            "issuer": self.credential_issuer(),
            "token_endpoint": self.url(paths::TOKEN),
            "grant_types_supported": [PRE_AUTHORIZED_GRANT],
            "pre-authorized_grant_anonymous_access_supported": true,
            "response_types_supported": [],
            "token_endpoint_auth_methods_supported": ["none"],
            "dpop_signing_alg_values_supported": PROOF_ALGS,
        });
        if self.authorization_code_flow() {
            metadata["authorization_endpoint"] = json!(self.url(paths::AUTHORIZATION));
            metadata["grant_types_supported"] =
                json!([AUTHORIZATION_CODE_GRANT, PRE_AUTHORIZED_GRANT]);
            metadata["response_types_supported"] = json!(["code"]);
            metadata["code_challenge_methods_supported"] = json!(["S256"]);
            metadata["authorization_details_types_supported"] = json!([OPENID_CREDENTIAL]);
            metadata["authorization_response_iss_parameter_supported"] = json!(true);
            let scopes: Vec<&str> = self
                .configurations()
                .filter_map(|c| c.scope.as_deref())
                .collect();
            if !scopes.is_empty() {
                metadata["scopes_supported"] = json!(scopes);
            }
        }
        metadata
    }
}
