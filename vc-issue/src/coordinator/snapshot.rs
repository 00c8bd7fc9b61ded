//! An exchange as the workflow service reported it to the coordinator.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::state::ExchangeState;

/// The exchange object of the VC API (`{id, sequence, expires, step, state, lastError,
/// variables}`), as read by the coordinator.
///
/// Only `state` is required: services differ in which of the other members they return. Members
/// this type does not name are kept in [`other`](Self::other), so the snapshot serializes back to
/// what the service sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExchangeSnapshot {
    /// The exchange's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The optimistic-concurrency counter: grows with every change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
    /// When the exchange expires (an XML `dateTime`, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The current step's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The life-cycle state.
    pub state: ExchangeState,
    /// The service's last error, as sent: `{"code", "message"}` from this crate's workflow
    /// service (`exchange::LastError`: why the exchange became invalid, or the wallet's last
    /// refused attempt while it is still open), `{"name", "message"}` from services that use the
    /// VC API's error shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<Value>,
    /// The exchange's variables: those given at creation, and the verified results of each step
    /// under `results.<stepName>`.
    #[serde(default)]
    pub variables: Map<String, Value>,
    /// Every other member, kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ExchangeSnapshot {
    /// Parses a read response: the VC API's `{"exchange": {...}}` or a bare exchange object.
    pub(crate) fn from_json(body: &Value) -> Result<Self, serde_json::Error> {
        let exchange = match body.get("exchange") {
            Some(inner @ Value::Object(_)) => inner,
            _ => body,
        };
        Self::deserialize(exchange)
    }

    /// The verified per-step results (`variables.results`), once a step has recorded any.
    pub fn results(&self) -> Option<&Map<String, Value>> {
        self.variables.get("results").and_then(Value::as_object)
    }

    /// The verified result of one step (`variables.results.<name>`, e.g. `ownerBinding`).
    pub fn result(&self, name: &str) -> Option<&Value> {
        self.results().and_then(|results| results.get(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exchange() -> Value {
        json!({
            "id": "z19uokPn3b1Z4XDbQSHo7VhFR",
            "sequence": 3,
            "expires": "2026-01-01T00:15:00Z",
            "step": "issue",
            "state": "complete",
            "variables": {
                "productId": "sku-1",
                "results": {"ownerBinding": {"did": "did:key:z6Mk"}}
            },
            "ttl": 900
        })
    }

    #[test]
    fn reads_the_wrapped_and_the_bare_form_alike() {
        let bare = ExchangeSnapshot::from_json(&exchange()).unwrap();
        let wrapped = ExchangeSnapshot::from_json(&json!({ "exchange": exchange() })).unwrap();
        assert_eq!(bare, wrapped);
        assert_eq!(bare.state, ExchangeState::Complete);
        assert_eq!(bare.sequence, Some(3));
        assert_eq!(
            bare.result("ownerBinding"),
            Some(&json!({"did": "did:key:z6Mk"}))
        );
    }

    #[test]
    fn keeps_unknown_members() {
        let snapshot = ExchangeSnapshot::from_json(&exchange()).unwrap();
        assert_eq!(serde_json::to_value(&snapshot).unwrap(), exchange());
    }

    #[test]
    fn refuses_objects_without_a_known_state() {
        assert!(ExchangeSnapshot::from_json(&json!({"id": "x"})).is_err());
        assert!(ExchangeSnapshot::from_json(&json!({"state": "finished"})).is_err());
        assert!(ExchangeSnapshot::from_json(&json!({"exchange": {"state": 1}})).is_err());
        assert!(ExchangeSnapshot::from_json(&json!([1, 2])).is_err());
    }
}
