//! Attachment formats: the `formats` entries and the `aries/ld-proof-vc-detail@v1.0` payload.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use vc_core::Credential;

use crate::attachment::Attachment;
use crate::error::{Error, Result};

/// `aries/ld-proof-vc-detail@v1.0`: a credential to be issued, and how to sign it.
pub const LD_PROOF_VC_DETAIL: &str = "aries/ld-proof-vc-detail@v1.0";
/// `aries/ld-proof-vc@v1.0`: a credential with an embedded (Data Integrity / LD) proof.
pub const LD_PROOF_VC: &str = "aries/ld-proof-vc@v1.0";
/// `vc+jwt`: a credential secured as a compact JWS.
pub const VC_JWT: &str = "vc+jwt";

/// One `formats` entry: which attachment has which format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FormatSpec {
    /// The attachment's `id`.
    pub attach_id: String,
    /// The format and version, such as `aries/ld-proof-vc@v1.0`.
    pub format: String,
}

impl FormatSpec {
    /// An entry.
    pub fn new(attach_id: impl Into<String>, format: impl Into<String>) -> Self {
        Self {
            attach_id: attach_id.into(),
            format: format.into(),
        }
    }
}

/// The `aries/ld-proof-vc-detail@v1.0` payload (Aries RFC 0593).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CredentialDetail {
    /// The credential to issue, without proof.
    pub credential: Credential,
    /// How to sign it.
    pub options: DetailOptions,
}

/// The `options` of a credential detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DetailOptions {
    /// The proof type (`eddsa-jcs-2022`, `Ed25519Signature2020`, `vc+jwt`, ...).
    pub proof_type: String,
    /// Other options (`proofPurpose`, `created`, `domain`, `challenge`, `credentialStatus`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CredentialDetail {
    /// A detail for `credential` signed with `proof_type`.
    pub fn new(credential: Credential, proof_type: impl Into<String>) -> Self {
        Self {
            credential,
            options: DetailOptions {
                proof_type: proof_type.into(),
                extra: Map::new(),
            },
        }
    }

    /// The detail as an attachment with id `attach_id`.
    pub fn to_attachment(&self, attach_id: &str) -> Result<Attachment> {
        let value = serde_json::to_value(self).map_err(Error::from_json)?;
        Ok(Attachment::json(attach_id, value).with_format(LD_PROOF_VC_DETAIL))
    }

    /// Reads a detail from an attachment (inline JSON or base64 JSON).
    pub fn from_attachment(attachment: &Attachment) -> Result<Self> {
        let detail: CredentialDetail = serde_json::from_value(attachment.json_content()?)
            .map_err(|_| attachment.invalid("not an ld-proof-vc-detail"))?;
        if detail.credential.proof.is_some() {
            return Err(Error::ProofInOffer);
        }
        Ok(detail)
    }
}

/// The attachment of `attachments` that `formats` (or the attachment's own `format`) says has
/// `format`.
pub(crate) fn find<'a>(
    formats: &[FormatSpec],
    attachments: &'a [Attachment],
    format: &str,
) -> Option<&'a Attachment> {
    formats
        .iter()
        .filter(|spec| spec.format == format)
        .find_map(|spec| {
            attachments
                .iter()
                .find(|a| a.id.as_deref() == Some(spec.attach_id.as_str()))
        })
        .or_else(|| {
            attachments
                .iter()
                .find(|a| a.format.as_deref() == Some(format))
        })
}
