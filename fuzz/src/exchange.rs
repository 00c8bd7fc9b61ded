//! VCALM exchange bodies: what a wallet POSTs to an exchange (`WalletMessage::from_json`, then its
//! presentation through `verify_did_authentication`, as the exchange service does) and what a
//! coordinator POSTs to create one (`CreateExchangeRequest::from_json`).
//!
//! The DID Authentication is checked against a fixed challenge and domain, the ones the committed
//! wallet seeds were signed over, so mutations of a seed get past the cheap checks into DID
//! resolution, canonicalization and signature verification.

use std::sync::OnceLock;

use serde_json::Value;
use vc_core::{DidUrl, Presentation};
use vc_issue::exchange::{
    verify_did_authentication, CreateExchangeRequest, DidAuthExpectation, WalletMessage,
};
use vc_issue::{DidKeyResolver, Suites};

use crate::{assert_code, refused, runtime};

/// The challenge the wallet seeds answer.
pub const CHALLENGE: &str = "6f1c2a9e-4b7d-4e2f-8a3c-5d9b0e7f1a24";
/// The domain the wallet seeds were signed for.
pub const DOMAIN: &str = "issuer.example";

/// Parses `data` as both bodies and verifies any presentation it carries.
pub fn run(data: &[u8]) {
    let created = create_request(data);
    let wallet = wallet_message(data);
    if !created && !wallet {
        refused(
            data,
            "CreateExchangeRequest or WalletMessage",
            &"neither parses",
        );
    }
}

fn create_request(data: &[u8]) -> bool {
    let request = match CreateExchangeRequest::from_json(data) {
        Ok(request) => request,
        Err(error) => {
            assert_code(error.code(), &error);
            return false;
        }
    };
    let json = match serde_json::to_vec(&request) {
        Ok(json) => json,
        Err(error) => panic!("a parsed exchange request must serialize: {error}"),
    };
    match CreateExchangeRequest::from_json(&json) {
        Ok(again) if again == request => {}
        other => panic!("round trip changed the exchange request {request:?}: {other:?}"),
    }
    true
}

fn wallet_message(data: &[u8]) -> bool {
    let message = match WalletMessage::from_json(data) {
        Ok(message) => message,
        Err(error) => {
            assert_code(error.code(), &error);
            return false;
        }
    };
    let json = match serde_json::to_vec(&message) {
        Ok(json) => json,
        Err(error) => panic!("a parsed wallet message must serialize: {error}"),
    };
    match WalletMessage::from_json(&json) {
        Ok(again) if again == message => {}
        other => panic!("round trip changed the wallet message {message:?}: {other:?}"),
    }
    if let Some(presentation) = &message.verifiable_presentation {
        did_authentication(data, presentation);
    }
    true
}

fn suites() -> &'static Suites {
    static SUITES: OnceLock<Suites> = OnceLock::new();
    SUITES.get_or_init(Suites::default)
}

fn did_authentication(data: &[u8], presentation: &Value) {
    let methods = ["key".to_owned()];
    let expected = DidAuthExpectation {
        challenge: CHALLENGE,
        domain: DOMAIN,
        accepted_methods: &methods,
    };
    let result = runtime().block_on(verify_did_authentication(
        presentation,
        &expected,
        &DidKeyResolver,
        suites(),
    ));
    let did = match result {
        Ok(did) => did,
        Err(error) => {
            assert_code(error.code(), &error);
            return refused(data, "verify_did_authentication", &error);
        }
    };
    // What authenticated is the DID of the one authentication proof, and the holder if named.
    assert_eq!(
        did.method(),
        "key",
        "a DID of a method the step does not accept"
    );
    let parsed = match Presentation::from_value(presentation.clone()) {
        Ok(parsed) => parsed,
        Err(error) => panic!("an authenticated presentation must parse: {error}"),
    };
    if let Some(holder) = parsed.holder_id() {
        assert_eq!(
            holder,
            did.as_str(),
            "authenticated as someone else than the holder"
        );
    }
    let signer = parsed
        .proofs()
        .iter()
        .filter(|p| p.proof_purpose.as_deref() == Some("authentication"))
        .filter_map(|p| p.verification_method.as_deref())
        .filter_map(|vm| DidUrl::parse(vm).ok())
        .map(|vm| vm.to_did())
        .collect::<Vec<_>>();
    assert_eq!(signer, [did], "the DID returned is not the proof's signer");
}
