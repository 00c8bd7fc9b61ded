//! The authorization code flow of the built-in authorization server (RFC 6749 §4.1, PKCE with
//! S256 only, RFC 7636; OpenID4VCI 1.0 §5, §6): the authorization endpoint, which asks the
//! host's [`UserAuthenticator`] who the user is, and the redemption of its codes at the token
//! endpoint.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::authenticator::{Authorizing, UserAuthenticator, UserDecision};
use super::client::OAuthClient;
use super::error::Oid4vciError;
use super::service::{paths, secret, Oid4vciIssuer};
use super::store::{Checked, Entry, EntryKind};
use crate::pickup::TokenDigest;

/// The `grant_type` of the authorization code flow.
pub const AUTHORIZATION_CODE_GRANT: &str = "authorization_code";

/// The `type` of OpenID4VCI's `authorization_details` (RFC 9396).
pub const OPENID_CREDENTIAL: &str = "openid_credential";

/// The built-in authorization server's part of the authorization code flow.
#[derive(Debug)]
pub(crate) struct AuthorizationServer {
    pub(crate) authenticator: Arc<dyn UserAuthenticator>,
    pub(crate) clients: BTreeMap<String, OAuthClient>,
    pub(crate) code_ttl: time::Duration,
}

/// What a checked authorization request leads to.
enum Step {
    /// A code was issued.
    Code(String),
    /// The browser goes to the host's login page.
    Login(String),
}

/// What an authorization request asks for.
struct Requested {
    configurations: Vec<String>,
    /// Whether `authorization_details` named them (the token response then names them too).
    details: bool,
}

impl Oid4vciIssuer {
    /// Whether the authorization code flow is on (an authenticator and clients were given).
    pub fn authorization_code_flow(&self) -> bool {
        self.inner.authorization.is_some()
    }

    /// The authorization endpoint (RFC 6749 §4.1.1, OpenID4VCI 1.0 §5.1): checks the request,
    /// asks the [`UserAuthenticator`], and returns where the browser goes next (a `302`): the
    /// wallet's `redirect_uri` with a `code` (or an `error`), `state` and `iss` (RFC 9207), or
    /// the host's login page.
    ///
    /// `params` are the request's parameters (each once), `headers` the browser's, `query` the
    /// request's query as received (for the login page to send the browser back).
    ///
    /// A `client_id` that is not registered and a `redirect_uri` that is not exactly one of the
    /// client's are `Err` ([`Oid4vciError::InvalidClient`]): shown to the user, never
    /// redirected. Every other refusal goes to the `redirect_uri`.
    pub async fn authorize(
        &self,
        params: &BTreeMap<String, String>,
        headers: &HeaderMap,
        query: &str,
    ) -> Result<String, Oid4vciError> {
        let server = self
            .inner
            .authorization
            .as_ref()
            .ok_or_else(|| Oid4vciError::config("the authorization code flow is off"))?;
        let param = |name: &str| params.get(name).map(String::as_str);
        let client_id = param("client_id")
            .ok_or_else(|| Oid4vciError::invalid_client("client_id is missing"))?;
        let client = server
            .clients
            .get(client_id)
            .ok_or_else(|| Oid4vciError::invalid_client("client_id is not registered"))?;
        let redirect_uri = param("redirect_uri")
            .ok_or_else(|| Oid4vciError::invalid_client("redirect_uri is missing"))?;
        if !client.allows(redirect_uri) {
            return Err(Oid4vciError::invalid_client(
                "redirect_uri is not one registered for this client",
            ));
        }
        let state = param("state");
        let mut answer = match self
            .authorize_checked(server, params, client_id, redirect_uri, headers, query)
            .await
        {
            Ok(Step::Login(location)) => return Ok(location),
            Ok(Step::Code(code)) => vec![("code", code)],
            Err(error) => {
                let server_side = error.code().class().is_server_side();
                if server_side {
                    tracing::error!(code = %error.code(), error = %error, "authorization request failed");
                }
                let description = if server_side {
                    "the authorization server could not complete the request".to_owned()
                } else {
                    error.to_string()
                };
                vec![
                    ("error", error.oauth_error().to_owned()),
                    ("error_description", description),
                ]
            }
        };
        if let Some(state) = state {
            answer.push(("state", state.to_owned()));
        }
        answer.push(("iss", self.credential_issuer().to_owned()));
        Ok(with_query(redirect_uri, &answer))
    }

    async fn authorize_checked(
        &self,
        server: &AuthorizationServer,
        params: &BTreeMap<String, String>,
        client_id: &str,
        redirect_uri: &str,
        headers: &HeaderMap,
        query: &str,
    ) -> Result<Step, Oid4vciError> {
        let param = |name: &str| params.get(name).map(String::as_str);
        match param("response_type") {
            Some("code") => {}
            Some(_) => return Err(Oid4vciError::UnsupportedResponseType),
            None => return Err(Oid4vciError::invalid_request("response_type is missing")),
        }
        match param("code_challenge_method") {
            Some("S256") => {}
            Some(_) => {
                return Err(Oid4vciError::invalid_request(
                    "code_challenge_method must be S256 (plain is not accepted)",
                ))
            }
            None => {
                return Err(Oid4vciError::invalid_request(
                    "PKCE is required: code_challenge with code_challenge_method=S256",
                ))
            }
        }
        let challenge = param("code_challenge")
            .filter(|c| is_sha256_base64url(c))
            .ok_or_else(|| {
                Oid4vciError::invalid_request(
                    "code_challenge is the base64url SHA-256 of the code_verifier (43 characters)",
                )
            })?;
        // Parameters that would change what the request means are refused rather than ignored.
        for unsupported in ["request", "request_uri", "claims"] {
            if params.contains_key(unsupported) {
                return Err(Oid4vciError::invalid_request(format!(
                    "the parameter `{unsupported}` is not supported"
                )));
            }
        }
        let dpop_jkt = match param("dpop_jkt") {
            Some(jkt) if is_sha256_base64url(jkt) => Some(jkt),
            Some(_) => {
                return Err(Oid4vciError::invalid_request(
                    "dpop_jkt is a JWK SHA-256 thumbprint (43 base64url characters)",
                ))
            }
            None => None,
        };
        // RFC 8707: the token is for this credential issuer, if the wallet names one.
        if param("resource").is_some_and(|r| r != self.credential_issuer()) {
            return Err(Oid4vciError::invalid_request(
                "resource names another credential issuer",
            ));
        }
        let offer = match param("issuer_state") {
            Some(state) => Some(self.issuer_state(state).await?),
            None => None,
        };
        let (details, scope) = (param("authorization_details"), param("scope"));
        let requested = match &offer {
            // An offer's issuer_state alone asks for what the offer offered.
            Some((_, offered)) if details.is_none() && scope.is_none() => Requested {
                configurations: offered.clone(),
                details: false,
            },
            _ => self.requested(details, scope)?,
        };
        if let Some((_, offered)) = &offer {
            if requested
                .configurations
                .iter()
                .any(|id| !offered.contains(id))
            {
                return Err(Oid4vciError::invalid_request(
                    "the request asks for a configuration its offer did not offer",
                ));
            }
        }
        let issuer_state = offer.map(|(digest, _)| digest);

        let return_to = format!("{}?{query}", self.url(paths::AUTHORIZATION));
        let request = Authorizing {
            client_id,
            configurations: &requested.configurations,
            offered: issuer_state.is_some(),
            headers,
            return_to: &return_to,
        };
        let grant = match server
            .authenticator
            .authenticate(&request)
            .await
            .map_err(Oid4vciError::Authenticator)?
        {
            UserDecision::Authenticated(grant) => grant,
            UserDecision::Login(location) => return Ok(Step::Login(location)),
            UserDecision::Denied => return Err(Oid4vciError::AccessDenied),
        };
        let asked: BTreeSet<&String> = requested.configurations.iter().collect();
        if grant.credentials.keys().any(|id| !asked.contains(id)) {
            return Err(Oid4vciError::config(
                "the authenticator granted a configuration the request did not ask for",
            ));
        }
        let mut credentials = Map::new();
        for id in &requested.configurations {
            let claims = grant
                .credentials
                .get(id)
                .ok_or(Oid4vciError::AccessDenied)?;
            self.check_claims(self.configuration(id)?, claims).await?;
            credentials.insert(id.clone(), Value::Object(claims.clone()));
        }
        let now = self.now();
        // The offer is used up by the code it led to: of concurrent requests, one gets a code.
        if let Some(digest) = issuer_state {
            self.inner
                .store
                .take(EntryKind::IssuerState, &digest, now)
                .await?
                .ok_or_else(|| Oid4vciError::invalid_request("issuer_state was used"))?;
        }
        let code = secret()?;
        let binding = code_binding(code.expose(), client_id, redirect_uri, challenge);
        // One attempt: a wrong client, redirect URI or verifier burns the code (RFC 6749
        // §10.5, a stolen code is worth nothing to a thief without the verifier).
        let entry = Entry::new(
            EntryKind::AuthorizationCode,
            code.digest(),
            json!({
                "credentials": credentials,
                "details": requested.details,
                "dpop_jkt": dpop_jkt,
            }),
            now + server.code_ttl,
        )
        .with_check(binding, 1);
        self.inner.store.insert(&entry).await?;
        Ok(Step::Code(code.expose().to_owned()))
    }

    /// The configurations asked for by `authorization_details` (RFC 9396, OpenID4VCI 1.0
    /// §5.1.1) and `scope` (§5.1.2), in order, each once.
    fn requested(
        &self,
        details: Option<&str>,
        scope: Option<&str>,
    ) -> Result<Requested, Oid4vciError> {
        let mut configurations: Vec<String> = Vec::new();
        let mut add = |id: &str| {
            if !configurations.iter().any(|c| c == id) {
                configurations.push(id.to_owned());
            }
        };
        let invalid = |reason: &str| Oid4vciError::invalid_authorization_details(reason);
        if let Some(details) = details {
            let parsed = vc_core::parse::parse_value(
                details.as_bytes(),
                &vc_core::parse::ParseLimits::default(),
            )
            .map_err(|_| invalid("not well-formed JSON (or a key given twice)"))?;
            let entries = parsed
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(|| invalid("not a non-empty array"))?;
            for entry in entries {
                let entry = entry
                    .as_object()
                    .ok_or_else(|| invalid("an entry is not an object"))?;
                if entry.get("type").and_then(Value::as_str) != Some(OPENID_CREDENTIAL) {
                    return Err(invalid("an entry's type is not openid_credential"));
                }
                for (key, value) in entry {
                    match key.as_str() {
                        "type" | "credential_configuration_id" => {}
                        // Where the credential is to be used: this issuer, if said.
                        "locations" => {
                            let here = json!([self.credential_issuer()]);
                            if *value != here {
                                return Err(invalid("locations names another credential issuer"));
                            }
                        }
                        other => {
                            return Err(invalid(&format!("`{other}` is not supported")));
                        }
                    }
                }
                let id = entry
                    .get("credential_configuration_id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| invalid("an entry has no credential_configuration_id"))?;
                if !self.inner.configurations.contains_key(id) {
                    return Err(invalid(&format!(
                        "`{id}` is not a credential configuration"
                    )));
                }
                add(id);
            }
        }
        if let Some(scope) = scope {
            for value in scope.split(' ').filter(|v| !v.is_empty()) {
                let id = self
                    .configurations()
                    .find(|c| c.scope.as_deref() == Some(value))
                    .map(|c| c.id.clone())
                    .ok_or(Oid4vciError::InvalidScope)?;
                add(&id);
            }
        }
        if configurations.is_empty() {
            return Err(Oid4vciError::invalid_request(
                "the request asks for no credential: give authorization_details or scope",
            ));
        }
        Ok(Requested {
            configurations,
            details: details.is_some(),
        })
    }

    /// The digest of a live `issuer_state` and the configurations its offer offered.
    async fn issuer_state(&self, state: &str) -> Result<(TokenDigest, Vec<String>), Oid4vciError> {
        let unknown = || Oid4vciError::invalid_request("issuer_state is unknown or expired");
        let digest = TokenDigest::of_presented(state).ok_or_else(unknown)?;
        let offer = self
            .inner
            .store
            .get(EntryKind::IssuerState, &digest, self.now())
            .await?
            .ok_or_else(unknown)?;
        let offered: Option<Vec<String>> = offer
            .get("configurations")
            .and_then(Value::as_array)
            .and_then(|ids| {
                ids.iter()
                    .map(|id| id.as_str().map(str::to_owned))
                    .collect()
            });
        let offered = offered
            .ok_or_else(|| Oid4vciError::config("a stored issuer_state has no configurations"))?;
        Ok((digest, offered))
    }

    /// The token endpoint's `authorization_code` grant (RFC 6749 §4.1.3, RFC 7636 §4.5):
    /// redeems a code, once, for an access token, if `client_id` and `redirect_uri` are the
    /// authorization request's and `code_verifier` hashes to its `code_challenge`. Any
    /// mismatch burns the code. A DPoP proof binds the token as at the pre-authorized grant.
    pub async fn redeem_authorization_code(
        &self,
        code: Option<&str>,
        client_id: Option<&str>,
        redirect_uri: Option<&str>,
        code_verifier: Option<&str>,
        dpop_proof: Option<&str>,
    ) -> Result<Value, Oid4vciError> {
        if self.inner.authorization.is_none() {
            return Err(Oid4vciError::UnsupportedGrantType);
        }
        let jkt = self.token_dpop(dpop_proof).await?;
        let missing = |name: &str| Oid4vciError::invalid_request(format!("{name} is missing"));
        let code = code.ok_or_else(|| missing("code"))?;
        let client_id = client_id.ok_or_else(|| missing("client_id"))?;
        let redirect_uri = redirect_uri.ok_or_else(|| missing("redirect_uri"))?;
        let verifier = code_verifier.ok_or_else(|| missing("code_verifier"))?;
        if !is_code_verifier(verifier) {
            return Err(Oid4vciError::invalid_request(
                "code_verifier is 43 to 128 characters of A-Z, a-z, 0-9, -, ., _ and ~",
            ));
        }
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let digest = TokenDigest::of_presented(code).ok_or(Oid4vciError::InvalidGrant)?;
        let binding = code_binding(code, client_id, redirect_uri, &challenge);
        let now = self.now();
        let granted = match self
            .inner
            .store
            .take_checked(EntryKind::AuthorizationCode, &digest, Some(&binding), now)
            .await?
        {
            Checked::Taken(granted) => granted,
            _ => return Err(Oid4vciError::InvalidGrant),
        };
        // RFC 9449 §10: the code is for the key the authorization request named.
        if let Some(bound) = granted.get("dpop_jkt").and_then(Value::as_str) {
            if jkt.as_deref() != Some(bound) {
                return Err(Oid4vciError::invalid_dpop_proof(
                    "the DPoP key is not the one the authorization request named (dpop_jkt)",
                ));
            }
        }
        let credentials = granted
            .get("credentials")
            .and_then(Value::as_object)
            .ok_or_else(|| Oid4vciError::config("a stored code has no credentials"))?;
        let mut answer = self.grant_access(credentials, jkt, now).await?;
        if granted.get("details") == Some(&Value::Bool(true)) {
            // This issuer's credential identifiers are the configuration ids.
            let details: Vec<Value> = credentials
                .keys()
                .map(|id| {
                    json!({
                        "type": OPENID_CREDENTIAL,
                        "credential_configuration_id": id,
                        "credential_identifiers": [id],
                    })
                })
                .collect();
            answer["authorization_details"] = Value::Array(details);
        }
        Ok(answer)
    }
}

/// What a code is bound to, as its store check: the code itself (so the digest is no lookup
/// table), the client, the redirect URI and the PKCE challenge, each length-prefixed.
fn code_binding(code: &str, client_id: &str, redirect_uri: &str, challenge: &str) -> TokenDigest {
    let mut hasher = Sha256::new();
    hasher.update(b"oid4vci authorization_code\0");
    for part in [code.trim(), client_id, redirect_uri, challenge] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    TokenDigest::from_bytes(hasher.finalize().into())
}

/// 43 base64url characters: the unpadded encoding of a SHA-256 digest.
fn is_sha256_base64url(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters.
fn is_code_verifier(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `uri` with `params` added to its query (after any it has).
fn with_query(uri: &str, params: &[(&str, String)]) -> String {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_is_rfc_7636s() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(is_code_verifier(verifier));
        assert_eq!(
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(is_sha256_base64url(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!is_code_verifier("short"));
        assert!(!is_code_verifier(&"a".repeat(129)));
        assert!(!is_code_verifier(&format!("{}+", "a".repeat(43))));
        assert_ne!(
            code_binding("c", "ab", "c", "d"),
            code_binding("c", "a", "bc", "d")
        );
    }
}
