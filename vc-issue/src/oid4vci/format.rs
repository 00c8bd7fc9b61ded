//! The credential formats the issuer serves, and what each contributes to the metadata.
//!
//! A format is the one place that knows its OpenID4VCI identifier, the proof type and data model
//! the pipeline signs it with, and what its metadata entry says of the credential (its
//! `credential_definition`, or its `vct`); the endpoints do not match on it.

use serde_json::{json, Map, Value};
use vc_core::DataModelVersion;

use crate::crypto::proof_type::ProofType;
use crate::pipeline::request::IssuanceRequest;
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
    /// `dc+sd-jwt` (Appendix A.3): an IETF SD-JWT VC, its claims selectively disclosable as the
    /// schema's [`SdJwtVcConfig`](crate::pipeline::schema::SdJwtVcConfig) says, bound to the
    /// proof key by `cnf.jwk`, with a Token Status List entry when revocable (features `oid4vci`
    /// and `sd-jwt`).
    #[cfg(feature = "sd-jwt")]
    DcSdJwt,
}

impl CredentialFormat {
    /// The format identifier of the specification (`jwt_vc_json`, `ldp_vc`, `dc+sd-jwt`).
    pub fn id(&self) -> &'static str {
        match self {
            CredentialFormat::JwtVcJson => "jwt_vc_json",
            CredentialFormat::LdpVc(_) => "ldp_vc",
            #[cfg(feature = "sd-jwt")]
            CredentialFormat::DcSdJwt => crate::sd_jwt::SD_JWT_VC_TYP,
        }
    }

    /// The proof type the pipeline secures a credential of this format with.
    pub fn proof_type(&self) -> ProofType {
        match self {
            CredentialFormat::JwtVcJson => ProofType::VcJwt,
            CredentialFormat::LdpVc(proof_type) => proof_type.clone(),
            #[cfg(feature = "sd-jwt")]
            CredentialFormat::DcSdJwt => ProofType::DcSdJwt,
        }
    }

    /// The data model the pipeline builds a credential of this format in (an SD-JWT VC is no
    /// W3C credential: the pipeline's default, which it does not read).
    pub fn data_model(&self) -> DataModelVersion {
        match self {
            CredentialFormat::JwtVcJson => DataModelVersion::V1,
            _ => DataModelVersion::V2,
        }
    }

    /// What the configuration's metadata says of a credential of `schema` (Appendix A): for
    /// `jwt_vc_json` and `ldp_vc` its `credential_definition` (the types, and for `ldp_vc` the
    /// contexts); for `dc+sd-jwt` its `vct`, the one the pipeline writes.
    pub(crate) fn describe(&self, schema: &SchemaEntry) -> Map<String, Value> {
        let mut types = vec!["VerifiableCredential".to_owned()];
        types.extend(schema.types.iter().cloned());
        let (name, value) = match self {
            CredentialFormat::JwtVcJson => ("credential_definition", json!({ "type": types })),
            CredentialFormat::LdpVc(_) => {
                let mut contexts = vec![CREDENTIALS_V2.to_owned()];
                contexts.extend(schema.contexts.iter().cloned());
                (
                    "credential_definition",
                    json!({ "@context": contexts, "type": types }),
                )
            }
            #[cfg(feature = "sd-jwt")]
            CredentialFormat::DcSdJwt => ("vct", json!(crate::sd_jwt::issue::vct(schema))),
        };
        let mut described = Map::new();
        described.insert(name.into(), value);
        described
    }

    /// The pipeline's request for a credential of this format issued by `issuer` of `schema_id`
    /// with `claims`, bound to the key of a verified proof: the `holder` DID it names, and for
    /// `dc+sd-jwt` the `key` itself (`cnf.jwk`, which a `did:jwk` holder would not give).
    pub(crate) fn request(
        &self,
        schema_id: &str,
        issuer: &vc_core::Did,
        holder: vc_core::Did,
        #[cfg_attr(
            not(feature = "sd-jwt"),
            expect(unused_variables, reason = "only an SD-JWT VC carries the key itself")
        )]
        key: &vc_core::PublicKey,
        claims: Map<String, Value>,
    ) -> Result<IssuanceRequest, super::error::Oid4vciError> {
        let request = IssuanceRequest::new(schema_id, issuer.clone(), holder, claims)
            .with_proof_type(self.proof_type())
            .with_data_model(self.data_model());
        #[cfg(feature = "sd-jwt")]
        if *self == CredentialFormat::DcSdJwt {
            let jwk = crate::crypto::jwt::public_jwk(key).map_err(|_| {
                super::error::Oid4vciError::invalid_proof(
                    "the proof key cannot be named as a JWK for cnf",
                )
            })?;
            return Ok(request.with_holder_jwk(Value::Object(jwk.as_ref().clone())));
        }
        Ok(request)
    }

    /// `cryptographic_binding_methods_supported`: a W3C credential names its holder by DID (the
    /// `did:key` of a `jwk` proof key, or the DID of a `kid`); an SD-JWT VC carries the proof
    /// key itself in `cnf.jwk`.
    pub(crate) fn binding_methods(&self) -> &'static [&'static str] {
        #[cfg(feature = "sd-jwt")]
        if *self == CredentialFormat::DcSdJwt {
            return &["jwk"];
        }
        &["jwk", "did:key"]
    }

    /// `credential_signing_alg_values_supported`: the proof type for `ldp_vc`; for
    /// `jwt_vc_json` and `dc+sd-jwt` the JWS algorithm of the issuer's key, when its DID says (`did:key`).
    pub(crate) fn signing_algs(&self, issuer_key: Option<vc_core::did_key::KeyType>) -> Vec<Value> {
        use vc_core::did_key::KeyType;
        match self {
            CredentialFormat::LdpVc(proof_type) => vec![json!(proof_type.as_str())],
            _ => match issuer_key {
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
            ldp.describe(&schema)["credential_definition"]["@context"][1],
            "https://www.w3.org/ns/credentials/examples/v2"
        );
        assert_eq!(
            jwt.describe(&schema)["credential_definition"],
            json!({"type": ["VerifiableCredential", "UniversityDegreeCredential"]})
        );
    }
}
