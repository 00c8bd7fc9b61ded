//! The JSON bodies of the workflow service: what a coordinator sends to create an exchange, and
//! what a wallet sends and gets back.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::error::ExchangeError;

/// A coordinator's request to create an exchange: `{ttl?, expires?, variables?}`.
///
/// `ttl` (seconds) and `expires` (an XML Schema `dateTime`) are alternatives; without either the
/// exchange lives [`DEFAULT_TTL`](super::DEFAULT_TTL) seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateExchangeRequest {
    /// How long the exchange lives, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u64>,
    /// When the exchange expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Variables for the workflow's templates (`results` is reserved for step results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<Map<String, Value>>,
}

impl CreateExchangeRequest {
    /// A request with the default lifetime and no variables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the lifetime in seconds.
    pub fn with_ttl(mut self, seconds: u64) -> Self {
        self.ttl = Some(seconds);
        self
    }

    /// Sets the expiry (an XML Schema `dateTime`, e.g. `2030-01-01T00:00:00Z`).
    pub fn with_expires(mut self, expires: impl Into<String>) -> Self {
        self.expires = Some(expires.into());
        self
    }

    /// Sets the variables.
    pub fn with_variables(mut self, variables: Map<String, Value>) -> Self {
        self.variables = Some(variables);
        self
    }

    /// Parses a request body (empty means `{}`), with typed errors.
    pub fn from_json(body: &[u8]) -> Result<Self, ExchangeError> {
        let Some(map) = body_object(body)? else {
            return Ok(Self::default());
        };
        if map.get("variables").is_some_and(|v| !v.is_object()) {
            return Err(ExchangeError::invalid_request(
                "variables must be an object",
            ));
        }
        serde_json::from_value(Value::Object(map)).map_err(|e| {
            ExchangeError::invalid_request(format!("the body is not an exchange request: {e}"))
        })
    }
}

/// What a wallet posts to an exchange: `{}` to ask what is wanted, or
/// `{"verifiablePresentation": {...}}` to answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WalletMessage {
    /// The wallet's presentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifiable_presentation: Option<Value>,
}

impl WalletMessage {
    /// `{}`: "what do you want from me?".
    pub fn empty() -> Self {
        Self::default()
    }

    /// A message carrying `presentation`.
    pub fn presentation(presentation: Value) -> Self {
        Self {
            verifiable_presentation: Some(presentation),
        }
    }

    /// Parses a wallet's body (empty means `{}`), with typed errors. Other members are ignored,
    /// as the VC API lets wallets send more than this service asks for.
    pub fn from_json(body: &[u8]) -> Result<Self, ExchangeError> {
        let Some(mut map) = body_object(body)? else {
            return Ok(Self::default());
        };
        Ok(Self {
            verifiable_presentation: map.remove("verifiablePresentation"),
        })
    }
}

/// A request for a presentation, in the VC API (VPR) shape:
/// `{"query": [...], "challenge", "domain"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerifiablePresentationRequest {
    /// What is asked for.
    pub query: Vec<Value>,
    /// The challenge the proof must carry.
    pub challenge: String,
    /// The domain the proof must carry.
    pub domain: String,
}

impl VerifiablePresentationRequest {
    /// A DID Authentication request:
    /// `{"type": "DIDAuthentication", "acceptedMethods": [{"method": ...}]}`.
    pub fn did_authentication(
        accepted_methods: &[String],
        challenge: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        let methods: Vec<Value> = accepted_methods
            .iter()
            .map(|m| json!({ "method": m }))
            .collect();
        Self {
            query: vec![json!({ "type": "DIDAuthentication", "acceptedMethods": methods })],
            challenge: challenge.into(),
            domain: domain.into(),
        }
    }
}

/// The service's answer to a wallet: the next request, issued credentials in an (unsigned)
/// presentation, both, or neither (`{}`: the exchange is complete).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WalletResponse {
    /// Credentials issued to the wallet, in a presentation the service does not sign (the
    /// credentials carry the issuer's proofs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifiable_presentation: Option<Value>,
    /// What the wallet must present next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifiable_presentation_request: Option<VerifiablePresentationRequest>,
}

impl WalletResponse {
    /// The credentials delivered, if any (the `verifiableCredential` of the presentation).
    pub fn credentials(&self) -> Vec<Value> {
        match self
            .verifiable_presentation
            .as_ref()
            .and_then(|vp| vp.get("verifiableCredential"))
        {
            Some(Value::Array(items)) => items.clone(),
            Some(one) => vec![one.clone()],
            None => Vec::new(),
        }
    }
}

/// A request body as a JSON object, or `None` when it is empty (which means `{}`).
///
/// Strict: no key twice, bounded nesting. Behind the HTTP edge the router's own limit has already
/// applied (with its codes); the ceiling is what no configuration exceeds.
fn body_object(body: &[u8]) -> Result<Option<Map<String, Value>>, ExchangeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let limits =
        vc_core::ParseLimits::default().with_max_depth(vc_core::ParseLimits::MAX_DEPTH_CEILING);
    let value: Value = vc_core::parse::parse_value(body, &limits).map_err(|e| {
        ExchangeError::invalid_request(format!("the body is not acceptable JSON: {e}"))
    })?;
    match value {
        Value::Object(map) => Ok(Some(map)),
        _ => Err(ExchangeError::invalid_request(
            "the body must be a JSON object",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bodies_with_typed_errors() {
        assert_eq!(
            CreateExchangeRequest::from_json(b"").unwrap(),
            CreateExchangeRequest::new()
        );
        let r = CreateExchangeRequest::from_json(br#"{"ttl": 60, "variables": {"a": 1}}"#).unwrap();
        assert_eq!(r.ttl, Some(60));
        for bad in [&b"[1]"[..], b"{", br#"{"ttl": -1}"#, br#"{"variables": 3}"#] {
            let err = CreateExchangeRequest::from_json(bad).unwrap_err();
            assert_eq!(err.code(), "INVALID_REQUEST");
        }
        assert_eq!(
            WalletMessage::from_json(b" ").unwrap(),
            WalletMessage::empty()
        );
        assert_eq!(
            WalletMessage::from_json(b"{}").unwrap(),
            WalletMessage::empty()
        );
        assert!(WalletMessage::from_json(b"\"x\"").is_err());
        let vpr = VerifiablePresentationRequest::did_authentication(&["key".into()], "c", "d");
        assert_eq!(
            serde_json::to_value(&vpr).unwrap(),
            json!({"query": [{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}],
                "challenge": "c", "domain": "d"})
        );
    }
}
