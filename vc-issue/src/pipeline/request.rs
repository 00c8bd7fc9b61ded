//! Issuance requests and responses, in the JSON shape issuers already use.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use vc_core::{Credential, CredentialId, DataModelVersion, DateTime, Did, DidUrl};

use crate::crypto::proof_type::ProofType;
use crate::error::IssueError;
use crate::pipeline::holder::{explicit_null, Holder, HolderFields};

/// A request to issue one credential.
///
/// Serde-compatible with
/// `{"schemaId", "issuerDid", "holderDid", "claims": {...}, "expirationDate", "proofType", "revocable"}`
/// (plus the optional `validFrom`, `dataModel` (`"2.0"` or `"1.1"`) and `credentialId`).
///
/// A holder without a DID is named by `"subjectId": "mailto:…"` (any other absolute URL) instead
/// of `holderDid`, or by `"subjectId": null` for a credential whose subject has no `id` (see
/// [`holder`](crate::pipeline::holder)); [`IssuanceRequest::new`] takes a DID,
/// [`IssuanceRequest::for_holder`] any [`Holder`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "IssuanceRequestFields")]
#[non_exhaustive]
pub struct IssuanceRequest {
    /// The schema the claims follow (an id in the schema registry).
    pub schema_id: String,
    /// Who issues.
    pub issuer_did: Did,
    /// Who the credential is about and for: `holderDid`, `subjectId`, or `"subjectId": null`.
    #[serde(flatten)]
    pub holder: Holder,
    /// The claims about the holder.
    pub claims: Map<String, Value>,
    /// When the credential stops being valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<DateTime>,
    /// When the credential starts being valid (`validFrom`, or an SD-JWT VC's `nbf`); the time of
    /// issuance when absent. After `expirationDate` is `INVALID_REQUEST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<DateTime>,
    /// The proof to attach.
    #[serde(default)]
    pub proof_type: ProofType,
    /// Whether to give the credential a revocation status entry.
    #[serde(default)]
    pub revocable: bool,
    /// The data model version (2.0 unless asked).
    #[serde(default)]
    pub data_model: DataModelVersion,
    /// A fixed credential id (a fresh `urn:uuid` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<CredentialId>,
    /// `dc+sd-jwt` only: the claim paths to make selectively disclosable, a subset of the
    /// schema's ([`SdJwtVcConfig`](crate::pipeline::schema::SdJwtVcConfig)); all of the
    /// schema's when absent. A path the schema does not list is `SELECTIVE_POINTER_INVALID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectively_disclosable: Option<Vec<String>>,
    /// `dc+sd-jwt` only: the holder's public JWK, to bind the credential to (`cnf.jwk`). Set it
    /// only once the holder proved possession of the private key (an OpenID4VCI proof JWT, say).
    /// Without it, a `did:key` holder's key is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_jwk: Option<Value>,
    /// The issuer's verification method to sign with (an absolute DID URL of one of its
    /// `assertionMethod`s whose key the key store holds); the first usable one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_method: Option<DidUrl>,
}

/// What [`IssuanceRequest`] reads, before the holder's two members become one [`Holder`]
/// (serde cannot flatten an enum that is decided by which of two members is present, and
/// buffering the whole request to do it would cost every request a copy).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IssuanceRequestFields {
    schema_id: String,
    issuer_did: Did,
    #[serde(default)]
    holder_did: Option<String>,
    #[serde(default, deserialize_with = "explicit_null")]
    subject_id: Option<Option<String>>,
    claims: Map<String, Value>,
    #[serde(default)]
    expiration_date: Option<DateTime>,
    #[serde(default)]
    valid_from: Option<DateTime>,
    #[serde(default)]
    proof_type: ProofType,
    #[serde(default)]
    revocable: bool,
    #[serde(default)]
    data_model: DataModelVersion,
    #[serde(default)]
    credential_id: Option<CredentialId>,
    #[serde(default)]
    selectively_disclosable: Option<Vec<String>>,
    #[serde(default)]
    holder_jwk: Option<Value>,
    #[serde(default)]
    verification_method: Option<DidUrl>,
}

impl TryFrom<IssuanceRequestFields> for IssuanceRequest {
    type Error = IssueError;

    fn try_from(fields: IssuanceRequestFields) -> Result<Self, IssueError> {
        let holder = HolderFields {
            holder_did: fields.holder_did,
            subject_id: fields.subject_id,
        }
        .into_holder()?;
        Ok(Self {
            schema_id: fields.schema_id,
            issuer_did: fields.issuer_did,
            holder,
            claims: fields.claims,
            expiration_date: fields.expiration_date,
            valid_from: fields.valid_from,
            proof_type: fields.proof_type,
            revocable: fields.revocable,
            data_model: fields.data_model,
            credential_id: fields.credential_id,
            selectively_disclosable: fields.selectively_disclosable,
            holder_jwk: fields.holder_jwk,
            verification_method: fields.verification_method,
        })
    }
}

impl IssuanceRequest {
    /// A request to a DID holder with the required fields; the rest default (eddsa-rdfc-2022,
    /// not revocable, VC 2.0).
    pub fn new(
        schema_id: impl Into<String>,
        issuer_did: Did,
        holder_did: Did,
        claims: Map<String, Value>,
    ) -> Self {
        Self::for_holder(schema_id, issuer_did, Holder::Did(holder_did), claims)
    }

    /// A request to any [`Holder`]: a DID, another URL (`mailto:`, `https:`), or nobody named.
    ///
    /// ```
    /// use vc_issue::pipeline::holder::{Holder, SubjectUrl};
    /// use vc_issue::{Ed25519Signer, IssuanceRequest};
    ///
    /// let issuer = Ed25519Signer::from_seed(&[1; 32]).did();
    /// let to = Holder::Url(SubjectUrl::parse("mailto:alice@example.edu")?);
    /// let request = IssuanceRequest::for_holder("badge", issuer, to, serde_json::Map::new());
    /// assert_eq!(
    ///     serde_json::to_value(&request)?["subjectId"],
    ///     "mailto:alice@example.edu"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_holder(
        schema_id: impl Into<String>,
        issuer_did: Did,
        holder: Holder,
        claims: Map<String, Value>,
    ) -> Self {
        Self {
            schema_id: schema_id.into(),
            issuer_did,
            holder,
            claims,
            expiration_date: None,
            valid_from: None,
            proof_type: ProofType::default(),
            revocable: false,
            data_model: DataModelVersion::V2,
            credential_id: None,
            selectively_disclosable: None,
            holder_jwk: None,
            verification_method: None,
        }
    }

    /// The holder's DID, when the holder is named by one.
    pub fn holder_did(&self) -> Option<&Did> {
        self.holder.did()
    }

    /// Signs with this verification method of the issuer (see
    /// [`verification_method`](Self::verification_method)).
    pub fn with_verification_method(mut self, method: DidUrl) -> Self {
        self.verification_method = Some(method);
        self
    }

    /// `dc+sd-jwt`: narrows the selectively disclosable claims to `paths`.
    pub fn with_selectively_disclosable(mut self, paths: Vec<String>) -> Self {
        self.selectively_disclosable = Some(paths);
        self
    }

    /// `dc+sd-jwt`: binds the credential to the holder's public JWK (`cnf.jwk`).
    pub fn with_holder_jwk(mut self, jwk: Value) -> Self {
        self.holder_jwk = Some(jwk);
        self
    }

    /// Sets the proof type.
    pub fn with_proof_type(mut self, proof_type: ProofType) -> Self {
        self.proof_type = proof_type;
        self
    }

    /// Asks for a revocation status entry.
    pub fn revocable(mut self, revocable: bool) -> Self {
        self.revocable = revocable;
        self
    }

    /// Sets the expiration date.
    pub fn with_expiration_date(mut self, at: DateTime) -> Self {
        self.expiration_date = Some(at);
        self
    }

    /// Sets when the credential starts being valid.
    pub fn with_valid_from(mut self, at: DateTime) -> Self {
        self.valid_from = Some(at);
        self
    }

    /// Chooses the data model version.
    pub fn with_data_model(mut self, version: DataModelVersion) -> Self {
        self.data_model = version;
        self
    }

    /// Fixes the credential id.
    pub fn with_credential_id(mut self, id: CredentialId) -> Self {
        self.credential_id = Some(id);
        self
    }
}

/// An issued credential: embedded (Data Integrity proof) or enveloped (a JWT).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IssuedCredential {
    /// A JSON credential with its proof.
    Embedded(Box<Credential>),
    /// A compact JWS (`vc+jwt`).
    Jwt(String),
}

impl IssuedCredential {
    /// The embedded credential, if this is one.
    pub fn as_credential(&self) -> Option<&Credential> {
        match self {
            IssuedCredential::Embedded(credential) => Some(credential),
            IssuedCredential::Jwt(_) => None,
        }
    }

    /// The JWT, if this is one.
    pub fn as_jwt(&self) -> Option<&str> {
        match self {
            IssuedCredential::Jwt(jwt) => Some(jwt),
            IssuedCredential::Embedded(_) => None,
        }
    }
}

/// What a successful issuance returns: `{ credential, credentialId, statusListIndex? }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IssuanceResponse {
    /// The signed credential.
    pub credential: IssuedCredential,
    /// Its id.
    pub credential_id: CredentialId,
    /// The status list index allocated to it, when it is revocable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_list_index: Option<u64>,
    /// The full status entry (list URL, purpose, index), when it is revocable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_status: Option<Value>,
}
