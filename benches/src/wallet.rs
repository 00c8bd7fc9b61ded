//! The holder side of one exchange for the exchange bench: a fresh did:key follows the
//! interaction URL, answers the DID Authentication request, and takes the credentials.

use serde_json::{json, Value};
use vc_issue::exchange::DidAuthPresentation;
use vc_issue::Ed25519Signer;

use crate::FixtureError;

/// Completes the exchange behind `interaction_url` as a new wallet (its own key, its own
/// connections, as another device would) and returns how many credentials it was given.
pub async fn complete_exchange(interaction_url: &str) -> Result<usize, FixtureError> {
    let key = Ed25519Signer::generate();
    let http = reqwest::Client::new();
    let protocols = send(
        http.get(interaction_url)
            .header(reqwest::header::ACCEPT, "application/json"),
    )
    .await?;
    let exchange_url = protocols["protocols"]["vcapi"]
        .as_str()
        .ok_or("no vcapi protocol")?;

    let request = send(http.post(exchange_url).json(&json!({}))).await?;
    let request = &request["verifiablePresentationRequest"];
    let (Some(challenge), Some(domain)) =
        (request["challenge"].as_str(), request["domain"].as_str())
    else {
        return Err(format!("not a DID Authentication request: {request}").into());
    };
    let presentation = DidAuthPresentation::new(key.verification_method_id(), challenge)
        .domain(domain)
        .sign(&key)
        .await?;

    let reply = send(
        http.post(exchange_url)
            .json(&json!({ "verifiablePresentation": presentation })),
    )
    .await?;
    Ok(
        match &reply["verifiablePresentation"]["verifiableCredential"] {
            Value::Array(credentials) => credentials.len(),
            Value::Object(_) => 1,
            _ => 0,
        },
    )
}

async fn send(request: reqwest::RequestBuilder) -> Result<Value, FixtureError> {
    Ok(request.send().await?.error_for_status()?.json().await?)
}
