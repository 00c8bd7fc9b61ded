//! The VC API verifier and holder endpoints: `POST /credentials/verify`,
//! `POST /presentations/verify` and `POST /credentials/derive`, over a [`CredentialVerifier`].
//!
//! A verification answers `200 {"verified": true, "checks": [...], "warnings": [...],
//! "errors": []}` (the VC API's `VerificationResult`): `checks` lists what was checked, `"proof"`
//! always and `"status"` when the [`CredentialVerifier`] has a status list loader
//! ([`CredentialVerifier::with_status_loader`]) and the request's `options.checks` (if given)
//! names it; `warnings` holds `{"code", "message"}` objects, `STATUS_NOT_CHECKED` for a credential
//! with a `credentialStatus` whose status was not checked. A credential or presentation that was
//! checked and is invalid answers `400` in the [`ApiError`] shape with the verifier's code
//! (`INVALID_SIGNATURE`, `WRONG_CHALLENGE`, `CREDENTIAL_REVOKED`, `CREDENTIAL_SUSPENDED`, ...) and
//! `details` `{"verified": false, "checks": [], "errors": [{"code", "message"}]}`; one that could
//! not be checked answers with its code's status: a DID that does not resolve, a status list the
//! loader cannot reach (`503 STATUS_LIST_UNAVAILABLE`: the status is unknown, not revoked), a
//! status list that is malformed or not the issuer's (`502 STATUS_LIST_CREDENTIAL_INVALID`).
//! Signature failures say no more than that they failed. An option the endpoint does not know,
//! and `options.checks` naming `"status"` on a verifier without a loader, are a `400` that names
//! it.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use vc_core::{Credential, Presentation};

use super::body::JsonBody;
use super::error_status::core_error;
use super::{ApiError, BODY_LIMIT};
use crate::crypto::verify::{CredentialVerifier, Verification, VerifyError};
#[cfg(feature = "rdfc")]
use crate::error::IssueError;

/// The verifier routes alone (no token needed: verifying reveals nothing the caller did not
/// send), with the library's edge: bodies of at most [`BODY_LIMIT`] bytes, checked for type,
/// duplicate keys and nesting; every error in the JSON shape. Merge them into a
/// [`VcApi`](super::VcApi) with [`VcApiBuilder::merge`](super::VcApiBuilder::merge).
///
/// `POST /credentials/derive` (feature `rdfc`) derives `ecdsa-sd-2023` proofs (and `bbs-2023`
/// ones with the `bbs` feature) from a base proof: `{"verifiableCredential", "options": {"selectivePointers",
/// "presentationHeader"}}` answers `201 {"verifiableCredential"}`.
pub fn verifier_routes(verifier: Arc<CredentialVerifier>) -> Router {
    let router = Router::new()
        .route("/credentials/verify", post(verify_credential))
        .route("/presentations/verify", post(verify_presentation));
    // Without the RDF suites there is no selective-disclosure suite to derive with.
    #[cfg(feature = "rdfc")]
    let router = router.route("/credentials/derive", post(derive));
    super::edge::library_routes(router.with_state(verifier))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// `VerifyCredentialRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyCredentialRequest {
    verifiable_credential: Value,
    #[serde(default)]
    options: VerifyOptions,
}

/// `VerifyPresentationRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyPresentationRequest {
    verifiable_presentation: Value,
    #[serde(default)]
    options: VerifyOptions,
}

/// The verify options: which checks (`proof`, always run, and `status`; both by default when the
/// verifier has a status list loader), and for presentations the challenge and domain the proof
/// must be bound to.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyOptions {
    checks: Option<Vec<String>>,
    challenge: Option<String>,
    domain: Option<String>,
}

/// `DeriveCredentialRequest`.
#[cfg(feature = "rdfc")]
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeriveRequest {
    verifiable_credential: Value,
    #[serde(default)]
    options: DeriveOptions,
}

#[cfg(feature = "rdfc")]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeriveOptions {
    #[serde(default)]
    selective_pointers: Vec<String>,
    /// `bbs-2023` only: the presentation header the proof is bound to (UTF-8 text).
    presentation_header: Option<String>,
}

#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request"
)]
fn request<T: serde::de::DeserializeOwned>(body: JsonBody, what: &str) -> Result<T, ApiError> {
    serde_json::from_value(body.value()?)
        .map_err(|e| ApiError::bad_request(format!("not a {what}: {e}")))
}

/// The verifier to run for `options`: `verifier` itself, or without its status loader when
/// `options.checks` leaves `status` out.
#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request"
)]
fn verifier_for(
    verifier: &CredentialVerifier,
    options: &VerifyOptions,
) -> Result<Option<CredentialVerifier>, ApiError> {
    let Some(checks) = &options.checks else {
        return Ok(None);
    };
    if let Some(other) = checks
        .iter()
        .find(|check| !matches!(check.as_str(), "proof" | "status"))
    {
        return Err(ApiError::bad_request(format!(
            "options.checks: unknown check {other:?} (\"proof\" and \"status\" are run)"
        )));
    }
    let status = checks.iter().any(|check| check == "status");
    if status && !verifier.checks_status() {
        return Err(ApiError::bad_request(
            "options.checks: this verifier has no status list loader, so it cannot check \"status\"",
        ));
    }
    Ok((!status && verifier.checks_status()).then(|| verifier.without_status_loader()))
}

#[expect(
    clippy::result_large_err,
    reason = "ApiError is built once, on the refusal path of a request"
)]
fn outcome(result: Result<Verification, VerifyError>) -> Result<Response, ApiError> {
    match result {
        Ok(report) => {
            let checks: Vec<&str> = report.checks.iter().map(|c| c.as_str()).collect();
            let warnings: Vec<Value> = report
                .warnings
                .iter()
                .map(|w| json!({"code": w.code().as_str(), "message": w.message()}))
                .collect();
            Ok(Json(json!({
                "verified": true,
                "checks": checks,
                "warnings": warnings,
                "errors": [],
            }))
            .into_response())
        }
        Err(error) => {
            let code = error.code();
            let message = error.to_string();
            let api = ApiError::new(code, message.clone()).with_details(json!({
                "verified": false,
                "checks": [],
                "errors": [{"code": code.as_str(), "message": message}],
            }));
            Err(if error.is_invalid() {
                api.with_status(StatusCode::BAD_REQUEST)
            } else {
                api
            })
        }
    }
}

async fn verify_credential(
    State(verifier): State<Arc<CredentialVerifier>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: VerifyCredentialRequest = request(body, "VerifyCredentialRequest")?;
    let narrowed = verifier_for(&verifier, &request.options)?;
    let verifier = narrowed.as_ref().unwrap_or(&verifier);
    if request.options.challenge.is_some() || request.options.domain.is_some() {
        return Err(ApiError::bad_request(
            "options.challenge and options.domain belong to /presentations/verify",
        ));
    }
    let credential = Credential::from_value(request.verifiable_credential).map_err(core_error)?;
    outcome(verifier.verify_report(&credential).await)
}

async fn verify_presentation(
    State(verifier): State<Arc<CredentialVerifier>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: VerifyPresentationRequest = request(body, "VerifyPresentationRequest")?;
    let narrowed = verifier_for(&verifier, &request.options)?;
    let verifier = narrowed.as_ref().unwrap_or(&verifier);
    let presentation =
        Presentation::from_value(request.verifiable_presentation).map_err(core_error)?;
    outcome(
        verifier
            .verify_presentation_report(
                &presentation,
                request.options.challenge.as_deref(),
                request.options.domain.as_deref(),
            )
            .await,
    )
}

#[cfg(feature = "rdfc")]
async fn derive(
    State(_verifier): State<Arc<CredentialVerifier>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: DeriveRequest = request(body, "DeriveCredentialRequest")?;
    let credential = Credential::from_value(request.verifiable_credential).map_err(core_error)?;
    let derived = derive_credential(&credential, &request.options)?;
    let value = derived.to_value().map_err(core_error)?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "verifiableCredential": value })),
    )
        .into_response())
}

/// The derivation the credential's base proof asks for.
#[cfg(feature = "rdfc")]
fn derive_credential(
    credential: &Credential,
    options: &DeriveOptions,
) -> Result<Credential, IssueError> {
    let suite = credential
        .proofs()
        .iter()
        .find_map(|proof| proof.cryptosuite.as_deref())
        .unwrap_or_default();
    let pointers = &options.selective_pointers;
    match suite {
        crate::crypto::suites::ecdsa_sd::CRYPTOSUITE if options.presentation_header.is_none() => {
            crate::crypto::suites::ecdsa_sd::derive_proof(credential, pointers)
        }
        #[cfg(feature = "bbs")]
        crate::crypto::suites::bbs::CRYPTOSUITE => crate::crypto::suites::bbs::derive_proof(
            credential,
            pointers,
            options
                .presentation_header
                .as_deref()
                .unwrap_or_default()
                .as_bytes(),
        ),
        _ => Err(IssueError::BaseProofInvalid {
            reason: "no base proof of a selective-disclosure suite this server derives \
                     (ecdsa-sd-2023 without presentationHeader, bbs-2023)",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vc_core::ErrorCode;

    #[test]
    fn status_is_a_known_check_only_with_a_loader() {
        let plain = CredentialVerifier::new(Arc::new(crate::InMemoryDidRegistry::new()));
        let loading = plain
            .clone()
            .with_status_loader(Arc::new(crate::StaticResources::new()));
        let asking = |checks: &[&str]| VerifyOptions {
            checks: Some(checks.iter().map(|c| (*c).to_owned()).collect()),
            ..VerifyOptions::default()
        };
        assert!(verifier_for(&plain, &VerifyOptions::default())
            .unwrap()
            .is_none());
        assert!(verifier_for(&plain, &asking(&["proof", "status"])).is_err());
        assert!(verifier_for(&plain, &asking(&["proof", "expiry"])).is_err());
        assert!(verifier_for(&loading, &asking(&["proof", "status"]))
            .unwrap()
            .is_none());
        let narrowed = verifier_for(&loading, &asking(&["proof"])).unwrap();
        assert!(narrowed.is_some_and(|v| !v.checks_status()));
        assert_eq!(ErrorCode::WRONG_CHALLENGE.as_str(), "WRONG_CHALLENGE");
    }
}
