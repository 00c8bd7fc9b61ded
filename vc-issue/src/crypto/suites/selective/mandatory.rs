//! Which parts of a credential a holder must always reveal: the issuer's mandatory pointers.

use serde_json::Value;

use crate::crypto::suites::ProofOptions;

/// The mandatory pointers a selective-disclosure suite uses by default, each used only when the
/// credential has the property: what a verifier needs to check the credential at all (issuer,
/// validity period, status, schema). Holders always reveal these.
pub const DEFAULT_MANDATORY_POINTERS: &[&str] = &[
    "/issuer",
    "/validFrom",
    "/validUntil",
    "/issuanceDate",
    "/expirationDate",
    "/credentialStatus",
    "/credentialSchema",
];

/// A suite's configured choice of mandatory pointers.
#[derive(Debug, Clone, Default)]
pub(crate) enum Mandatory {
    /// [`DEFAULT_MANDATORY_POINTERS`] that the credential has.
    #[default]
    Defaults,
    /// Exactly these (each must select something).
    Exactly(Vec<String>),
}

impl Mandatory {
    /// The pointers a base proof of `document` gets: those of the request (`options`) when it
    /// names some, else the suite's.
    pub(crate) fn pointers(&self, options: &ProofOptions, document: &Value) -> Vec<String> {
        if let Some(pointers) = &options.mandatory_pointers {
            return pointers.clone();
        }
        match self {
            Mandatory::Exactly(pointers) => pointers.clone(),
            Mandatory::Defaults => DEFAULT_MANDATORY_POINTERS
                .iter()
                .filter(|pointer| {
                    pointer
                        .strip_prefix('/')
                        .is_some_and(|key| document.get(key).is_some())
                })
                .map(|pointer| (*pointer).to_owned())
                .collect(),
        }
    }
}
