//! Bridges from the issuance pipeline's types: an `offer-credential` from an
//! [`IssuanceRequest`], an `issue-credential` from an [`IssuedCredential`].

use std::sync::Arc;

use vc_core::{Clock, Credential, CredentialSubject};
use vc_issue::pipeline::add_suite_contexts;
use vc_issue::{IssuanceRequest, IssuedCredential, Suites};

use super::format::{CredentialDetail, LD_PROOF_VC, VC_JWT};
use super::messages::{IssueCredential, OfferCredential};
use super::preview::CredentialPreview;
use crate::attachment::Attachment;
use crate::error::{Error, Result};

/// The attachment id of the credential detail in offers built here.
pub const DETAIL_ATTACHMENT_ID: &str = "credential-detail";
/// The attachment id of the credential in issuances built here.
pub const CREDENTIAL_ATTACHMENT_ID: &str = "credential";

/// An `offer-credential` for `request`: a preview of its claims (flattened to dotted names) and an
/// `aries/ld-proof-vc-detail@v1.0` attachment with the unsigned credential (issuer, holder as
/// subject, `VerifiableCredential` plus `credential_types`, the request's data model, id and
/// expiration, `validFrom` from `clock`) and the request's proof type.
///
/// The contexts the request's suite needs for its data model are added by the pipeline's
/// [`add_suite_contexts`], so the offer shows what will be signed.
pub fn offer_from_request(
    request: &IssuanceRequest,
    credential_types: &[&str],
    clock: Arc<dyn Clock>,
) -> Result<OfferCredential> {
    let mut claims = request.claims.clone();
    claims.remove("id");
    let mut builder = Credential::builder()
        .version(request.data_model)
        .issuer(&request.issuer_did)
        .subject(CredentialSubject {
            id: request.holder.subject_id().map(str::to_owned),
            claims: claims.clone(),
        })
        .clock(clock);
    for type_ in credential_types {
        builder = builder.type_(*type_);
    }
    if let Some(id) = &request.credential_id {
        builder = builder.id(id.clone());
    }
    if let Some(until) = &request.expiration_date {
        builder = builder.valid_until(until.clone());
    }
    let mut credential = builder.build().map_err(Error::from)?;
    if let Ok(suite) = Suites::default().securing(&request.proof_type) {
        add_suite_contexts(&mut credential, &suite);
    }
    let detail = CredentialDetail::new(credential, request.proof_type.as_str());
    OfferCredential::new(CredentialPreview::from_claims(&claims))
        .attach(detail.to_attachment(DETAIL_ATTACHMENT_ID)?)
}

/// The `issue-credential` carrying `issued`: `aries/ld-proof-vc@v1.0` (inline JSON) for an embedded
/// proof, `vc+jwt` (base64 of the compact JWS, media type `application/vc+jwt`) for a JWT.
pub fn issue_from_issued(issued: &IssuedCredential) -> Result<IssueCredential> {
    let attachment = match issued {
        IssuedCredential::Embedded(credential) => {
            Attachment::json(CREDENTIAL_ATTACHMENT_ID, credential.to_value()?)
                .with_format(LD_PROOF_VC)
        }
        IssuedCredential::Jwt(jwt) => Attachment::base64(CREDENTIAL_ATTACHMENT_ID, jwt.as_bytes())
            .with_format(VC_JWT)
            .with_media_type("application/vc+jwt"),
    };
    IssueCredential::default().attach(attachment)
}
