//! Which suite signs a VC API request: named the ways common implementations name it, checked
//! against the instance's allowed suites, its default when the request names none.
//!
//! - `options.cryptosuite` (`"eddsa-rdfc-2022"`), with `options.type` absent or
//!   `"DataIntegrityProof"`: Digital Bazaar's and the W3C test suites' form;
//! - `options.type` alone: a legacy proof type (`"Ed25519Signature2020"`), or
//!   `"DataIntegrityProof"` meaning the instance's default when that is a Data Integrity
//!   cryptosuite;
//! - `options.proofType`: this crate's own name for either; when given next to the others it must
//!   name the same suite.

use serde::Deserialize;
use serde_json::json;
use vc_core::proof::DATA_INTEGRITY_PROOF;
use vc_core::ErrorCode;

use super::instance::SuitePolicy;
use super::ApiError;
use crate::crypto::proof_type::ProofType;

/// The suite members of `options`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SuiteOptions {
    proof_type: Option<ProofType>,
    #[serde(rename = "type")]
    type_: Option<String>,
    cryptosuite: Option<String>,
}

/// Proof types that are not Data Integrity cryptosuites (`options.type: "DataIntegrityProof"`
/// cannot mean them).
const NOT_CRYPTOSUITES: [&str; 3] = ["Ed25519Signature2020", "JcsEd25519Signature2020", "vc+jwt"];

impl SuiteOptions {
    /// The suite the options name, or the policy's default; refused when they disagree or the
    /// instance does not allow it.
    #[expect(
        clippy::result_large_err,
        reason = "ApiError is built once, on the refusal path of a request: boxing it would buy nothing"
    )]
    pub(crate) fn choose(&self, policy: &SuitePolicy) -> Result<ProofType, ApiError> {
        let by_type = match (self.type_.as_deref(), self.cryptosuite.as_deref()) {
            (Some(t), Some(_)) if t != DATA_INTEGRITY_PROOF => {
                return Err(invalid(
                    "options.type must be DataIntegrityProof when options.cryptosuite is given",
                    "/options/type",
                ))
            }
            (_, Some(cryptosuite)) => Some((ProofType::from(cryptosuite), "/options/cryptosuite")),
            (Some(DATA_INTEGRITY_PROOF), None) => {
                if NOT_CRYPTOSUITES.contains(&policy.default.as_str()) {
                    return Err(invalid(
                        "options.type DataIntegrityProof needs options.cryptosuite: this \
                         instance's default suite is not a cryptosuite",
                        "/options/cryptosuite",
                    ));
                }
                Some((policy.default.clone(), "/options/type"))
            }
            (Some(t), None) => Some((ProofType::from(t), "/options/type")),
            (None, None) => None,
        };
        let (chosen, pointer) = match (by_type, &self.proof_type) {
            (Some((named, _)), Some(proof_type)) if named != *proof_type => {
                return Err(invalid(
                    "options.proofType names another suite than options.type/cryptosuite",
                    "/options/proofType",
                ))
            }
            (Some(named), _) => named,
            (None, Some(proof_type)) => (proof_type.clone(), "/options/proofType"),
            (None, None) => (policy.default.clone(), ""),
        };
        if !policy.allows(&chosen) {
            return Err(suite_not_allowed(&chosen, pointer));
        }
        Ok(chosen)
    }
}

/// `400 SUITE_NOT_ALLOWED` for `suite`, named at `pointer`.
pub(crate) fn suite_not_allowed(suite: &ProofType, pointer: &str) -> ApiError {
    ApiError::new(
        ErrorCode::SUITE_NOT_ALLOWED,
        format!("this issuer instance does not sign with {suite}"),
    )
    .with_details(json!({"pointer": pointer}))
}

fn invalid(message: &'static str, pointer: &str) -> ApiError {
    ApiError::bad_request(message).with_details(json!({"pointer": pointer}))
}
