//! The credential formats the issuer serves, and what each contributes to the metadata.
//!
//! A format is the one place that knows its OpenID4VCI identifier, the proof type and data model
//! the pipeline signs it with, and its `credential_definition`; the endpoints do not match on it.
//! `dc+sd-jwt` joins as one more variant when the pipeline signs SD-JWT VCs.

use serde_json::{json, Value};
use vc_core::DataModelVersion;

use crate::crypto::proof_type::ProofType;
use crate::pipeline::schema::SchemaEntry;

/// The base context of the VC Data Model 2.0 credentials `ldp_vc` signs.
const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// A credential format of OpenID4VCI 1.0 Appendix A.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialFormat {
    /// `jwt_vc_json`: a VC Data Model 1.1 credential as a JWT (VC-JWT, the `vc` claim), no
    /// JSON-LD processing.
    JwtVcJson,
    /// `ldp_vc`: a VC Data Model 2.0 credential with an embedded Data Integrity proof of this
    /// type (`eddsa-rdfc-2022`, `eddsa-jcs-2022`, `ecdsa-rdfc-2019`, ...).
    LdpVc(ProofType),
}

impl CredentialFormat {
    /// The format identifier of the specification (`jwt_vc_json`, `ldp_vc`).
    pub fn id(&self) -> &'static str {
        match self {
            CredentialFormat::JwtVcJson => "jwt_vc_json",
            CredentialFormat::LdpVc(_) => "ldp_vc",
        }
    }

    /// The proof type the pipeline secures a credential of this format with.
    pub fn proof_type(&self) -> ProofType {
        match self {
            CredentialFormat::JwtVcJson => ProofType::VcJwt,
            CredentialFormat::LdpVc(proof_type) => proof_type.clone(),
        }
    }

    /// The data model the pipeline builds a credential of this format in.
    pub fn data_model(&self) -> DataModelVersion {
        match self {
            CredentialFormat::JwtVcJson => DataModelVersion::V1,
            CredentialFormat::LdpVc(_) => DataModelVersion::V2,
        }
    }

    /// The configuration's `credential_definition` (Appendix A.1): the types, and for
    /// `ldp_vc` the contexts, a credential of `schema` has.
    pub(crate) fn credential_definition(&self, schema: &SchemaEntry) -> Value {
        let mut types = vec!["VerifiableCredential".to_owned()];
        types.extend(schema.types.iter().cloned());
        match self {
            CredentialFormat::JwtVcJson => json!({ "type": types }),
            CredentialFormat::LdpVc(_) => {
                let mut contexts = vec![CREDENTIALS_V2.to_owned()];
                contexts.extend(schema.contexts.iter().cloned());
                json!({ "@context": contexts, "type": types })
            }
        }
    }

    /// `credential_signing_alg_values_supported`: the proof type for `ldp_vc`; for
    /// `jwt_vc_json` the JWS algorithm of the issuer's key, when its DID says (`did:key`).
    pub(crate) fn signing_algs(&self, issuer_key: Option<vc_core::did_key::KeyType>) -> Vec<Value> {
        use vc_core::did_key::KeyType;
        match self {
            CredentialFormat::LdpVc(proof_type) => vec![json!(proof_type.as_str())],
            CredentialFormat::JwtVcJson => match issuer_key {
                Some(KeyType::Ed25519) => vec![json!("EdDSA")],
                Some(KeyType::P256) => vec![json!("ES256")],
                Some(KeyType::P384) => vec![json!("ES384")],
                _ => Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_name_their_identifier_proof_and_model() {
        let ldp = CredentialFormat::LdpVc(ProofType::EddsaRdfc2022);
        assert_eq!(ldp.id(), "ldp_vc");
        assert_eq!(ldp.proof_type(), ProofType::EddsaRdfc2022);
        assert_eq!(ldp.data_model(), DataModelVersion::V2);
        let jwt = CredentialFormat::JwtVcJson;
        assert_eq!(
            (jwt.id(), jwt.proof_type()),
            ("jwt_vc_json", ProofType::VcJwt)
        );
        let schema = SchemaEntry::new(
            "degree",
            json!({}),
            vec!["UniversityDegreeCredential".into()],
            vec!["https://www.w3.org/ns/credentials/examples/v2".into()],
        );
        assert_eq!(
            ldp.credential_definition(&schema)["@context"][1],
            "https://www.w3.org/ns/credentials/examples/v2"
        );
        assert_eq!(
            jwt.credential_definition(&schema),
            json!({"type": ["VerifiableCredential", "UniversityDegreeCredential"]})
        );
    }
}
