//! A simulated holder wallet with its own Ed25519 `did:key`: follows an interaction URL,
//! answers the exchange's DID Authentication request, and receives the credentials.

use serde_json::{json, Value};
use time::OffsetDateTime;
use vc_core::{DateTime, Did};
use vc_issue::exchange::DidAuthPresentation;
use vc_issue::Ed25519Signer;

use super::Error;

/// What a wallet took away from an exchange.
#[derive(Debug, Clone)]
pub struct Received {
    /// The exchange URL the interaction URL led to (from the exchange's `protocols`).
    pub exchange_url: String,
    /// The DID Authentication presentation the wallet sent.
    pub presentation: Value,
    /// The credentials the service delivered.
    pub credentials: Vec<Value>,
}

/// A wallet: an Ed25519 key (its `did:key`) and an HTTP client.
#[derive(Debug)]
pub struct Wallet {
    key: Ed25519Signer,
    http: reqwest::Client,
}

impl Wallet {
    /// A wallet with a fresh random key.
    pub fn generate() -> Self {
        Self {
            key: Ed25519Signer::generate(),
            http: reqwest::Client::new(),
        }
    }

    /// The wallet's DID.
    pub fn did(&self) -> Did {
        self.key.did()
    }

    /// Completes the exchange behind `interaction_url` (a VCALM interaction URL, `...?iuv=1`):
    ///
    /// 1. learns the exchange URL by opening the interaction URL (`protocols.vcapi`);
    /// 2. `POST {}` to it and gets a `verifiablePresentationRequest` for DID Authentication;
    /// 3. signs a presentation (`eddsa-jcs-2022`, `proofPurpose: authentication`) over the
    ///    request's `challenge` and `domain`, posts it, and receives the credentials.
    pub async fn complete(&self, interaction_url: &str) -> Result<Received, Error> {
        let exchange_url = self.discover(interaction_url).await?;

        let reply = self.post(&exchange_url, &json!({})).await?;
        let request = &reply["verifiablePresentationRequest"];
        let asks_for_did_auth = request["query"]
            .as_array()
            .is_some_and(|q| q.iter().any(|q| q["type"] == "DIDAuthentication"));
        let (Some(challenge), Some(domain)) =
            (request["challenge"].as_str(), request["domain"].as_str())
        else {
            return Err(format!("no DID Authentication request in {reply}").into());
        };
        if !asks_for_did_auth {
            return Err(format!("the exchange asks for something else: {request}").into());
        }

        let presentation = self.did_authentication(challenge, domain).await?;
        let reply = self
            .post(
                &exchange_url,
                &json!({ "verifiablePresentation": presentation }),
            )
            .await?;
        let credentials = match &reply["verifiablePresentation"]["verifiableCredential"] {
            Value::Array(credentials) => credentials.clone(),
            Value::Object(_) => {
                vec![reply["verifiablePresentation"]["verifiableCredential"].clone()]
            }
            _ => return Err(format!("no credentials delivered: {reply}").into()),
        };
        Ok(Received {
            exchange_url,
            presentation,
            credentials,
        })
    }

    /// A DID Authentication presentation: `holder` is the wallet's DID, signed with
    /// `eddsa-jcs-2022` for `authentication` over `challenge` and `domain`.
    pub async fn did_authentication(&self, challenge: &str, domain: &str) -> Result<Value, Error> {
        Ok(
            DidAuthPresentation::new(self.key.verification_method_id(), challenge)
                .domain(domain)
                .created(DateTime::from(OffsetDateTime::now_utc()))
                .sign(&self.key)
                .await?,
        )
    }

    /// The exchange URL behind an interaction URL: opening the interaction URL (`...?iuv=1`) with
    /// `Accept: application/json` answers the protocols the wallet may use.
    async fn discover(&self, interaction_url: &str) -> Result<String, Error> {
        let response = self
            .http
            .get(interaction_url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?;
        let body = Self::json(response).await?;
        body["protocols"]["vcapi"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no vcapi protocol in {body}").into())
    }

    async fn post(&self, url: &str, body: &Value) -> Result<Value, Error> {
        let response = self.http.post(url).json(body).send().await?;
        Self::json(response).await
    }

    async fn json(response: reqwest::Response) -> Result<Value, Error> {
        let status = response.status();
        let body: Value = response.json().await?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("{status}: {body}").into())
        }
    }
}
