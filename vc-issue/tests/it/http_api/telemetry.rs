//! What an operator sees of HTTP requests: a span per request with its id (echoed in
//! `X-Request-Id`), the pipeline's step spans inside it, a 5xx's cause logged with its source
//! chain (and kept out of the body), and never a claim, a token or a proof value.
//!
//! Current-thread runtimes: the server, the client and the capturing subscriber share the
//! test's thread.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use tracing::Level;
use vc_core::PublicKey;
use vc_issue::http::REQUEST_ID_HEADER;
use vc_issue::{Ed25519Signer, HostError, SignatureAlgorithm, Signer};

use crate::capture::{field, Capture};
use crate::http_api::server::{json_of, start, Options, TOKEN};

const CLAIM_SECRET: &str = "claim-secret-5e1f0c";
const REFUSED_CLAIM: &str = "platinum-secret-9a7d";

#[tokio::test]
async fn requests_have_ids_and_spans_and_logs_never_carry_claims_tokens_or_proofs() {
    let capture = Capture::default();
    let _guard = capture.install();
    let server = start(Options::default()).await;

    // A VC API body with a claim of our own, under the caller's request id.
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "issuer": server.key.did().to_string(),
        "credentialSubject": {"id": server.holder.to_string(), "secret": CLAIM_SECRET}
    });
    let response = server
        .client
        .post(server.url("/credentials/issue"))
        .bearer_auth(TOKEN)
        .header(REQUEST_ID_HEADER, "gateway-req.42")
        .json(&json!({"credential": credential, "options": {"proofType": "eddsa-jcs-2022"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[REQUEST_ID_HEADER], "gateway-req.42");
    let (status, body) = json_of(response).await;
    assert_eq!(status, 201, "{body}");
    let proof_value = body["verifiableCredential"]["proof"]["proofValue"]
        .as_str()
        .unwrap()
        .to_owned();

    // A request the schema refuses: its message quotes the claim, the log must not.
    let response = server
        .post(
            "/credentials/issue",
            &serde_json::to_value(server.request(REFUSED_CLAIM)).unwrap(),
        )
        .await;
    let fresh = response.headers()[REQUEST_ID_HEADER]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(fresh.len(), 32, "a fresh id when the caller sent none");
    let (status, body) = json_of(response).await;
    assert_eq!(status, 400);
    assert!(
        body.to_string().contains(REFUSED_CLAIM),
        "the caller is told: {body}"
    );

    // An id that is not a short token is replaced; a request without a token is refused.
    let response = server
        .client
        .post(server.url("/credentials/issue"))
        .header(REQUEST_ID_HEADER, "two words")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_ne!(response.headers()[REQUEST_ID_HEADER], "two words");

    // The pipeline's issuance, with the refused claim, as a library call.
    let _ = server.issuer.issue(server.request(REFUSED_CLAIM)).await;

    let text = capture.all_text();
    for secret in [CLAIM_SECRET, REFUSED_CLAIM, TOKEN, proof_value.as_str()] {
        assert!(!text.contains(secret), "{secret:?} was logged:\n{text}");
    }

    let spans = capture.spans();
    let request = spans
        .iter()
        .find(|s| {
            s.name == "http.request" && field(&s.fields, "request_id") == Some("gateway-req.42")
        })
        .expect("a span for the request");
    assert_eq!(field(&request.fields, "route"), Some("/credentials/issue"));
    assert_eq!(field(&request.fields, "method"), Some("POST"));
    assert_eq!(field(&request.fields, "status"), Some("201"));
    let refused = spans
        .iter()
        .find(|s| s.name == "http.request" && field(&s.fields, "request_id") == Some(&fresh))
        .expect("a span for the refused request");
    assert_eq!(field(&refused.fields, "status"), Some("400"));
    // The IssuanceRequest ran through the pipeline's steps inside its request's span.
    let steps: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "vc.step")
        .filter_map(|s| field(&s.fields, "step"))
        .collect();
    for step in ["issuer", "schema", "claims", "sign"] {
        assert!(steps.contains(&step), "{step} in {steps:?}");
    }
}

/// A signer whose KMS is down.
#[derive(Debug)]
struct KmsDown(Arc<Ed25519Signer>);

#[derive(Debug, thiserror::Error)]
#[error("connection to kms.internal:7443 refused")]
struct Cause;

#[derive(Debug, thiserror::Error)]
#[error("KMS key operation failed")]
struct KmsError(#[source] Cause);

#[async_trait]
impl Signer for KmsDown {
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::Ed25519
    }

    fn public_key(&self) -> &PublicKey {
        self.0.public_key()
    }

    async fn sign(&self, _: &[u8]) -> Result<Vec<u8>, HostError> {
        Err(HostError::refused(KmsError(Cause)))
    }
}

#[tokio::test]
async fn a_5xx_cause_is_logged_with_its_chain_and_request_id_but_not_sent() {
    let capture = Capture::default();
    let _guard = capture.install();
    let server = start(Options {
        signer: Some(|key| Arc::new(KmsDown(key))),
        ..Options::default()
    })
    .await;
    let response = server
        .client
        .post(server.url("/credentials/issue"))
        .bearer_auth(TOKEN)
        .header(REQUEST_ID_HEADER, "kms-outage-1")
        .json(&serde_json::to_value(server.request("gold")).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[REQUEST_ID_HEADER], "kms-outage-1");
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (500, Some("SIGNING_FAILED"))
    );
    assert!(!body.to_string().contains("kms.internal"), "{body}");

    let logged = capture
        .events()
        .into_iter()
        .find(|e| {
            e.level == Level::ERROR
                && field(&e.fields, "code") == Some("SIGNING_FAILED")
                && field(&capture.context(e.span), "request_id") == Some("kms-outage-1")
        })
        .expect("the failure logged in its request's span");
    let error = field(&logged.fields, "error").unwrap();
    assert!(
        error.contains("KMS key operation failed")
            && error.contains("connection to kms.internal:7443 refused"),
        "the whole chain: {error}"
    );
}
