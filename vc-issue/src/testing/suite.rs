//! The conformance suites for [`ProofSuite`] and [`EnvelopingSuite`] implementations (a host's
//! own cryptosuite, a KMS-backed JOSE envelope).
//!
//! ```
//! use vc_issue::crypto::suites::DataIntegritySuite;
//! use vc_issue::Ed25519Signer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = Ed25519Signer::generate();
//! let suite = DataIntegritySuite::eddsa_jcs_2022();
//! vc_issue::testing::suite::check_proof_suite(&suite, &key, &key.verification_method_id()).await?;
//! # Ok(()) }
//! ```

use serde_json::json;
use vc_core::context::CREDENTIALS_EXAMPLES_V2;
use vc_core::{Context, Credential, DataModelVersion, DidUrl, OneOrMany, Presentation, Proof};

use super::failure::{conform, conform_eq, At, ConformanceError};
use crate::crypto::secured_document::SecuredDocument;
use crate::crypto::signer::Signer;
use crate::crypto::suites::{EnvelopingSuite, ProofOptions, ProofSuite};

const SIGNS: &str = "a signed document verifies";
const COVERS: &str = "the proof covers the document (a changed document does not verify)";
const OPTIONS: &str = "the proof states the options it was made with";

/// A small credential by the DID of `verification_method`, with the contexts `suite` needs.
fn credential(
    verification_method: &DidUrl,
    contexts: &[&str],
) -> Result<Credential, ConformanceError> {
    let mut builder = Credential::builder()
        .context(CREDENTIALS_EXAMPLES_V2)
        .type_("ExampleMembershipCredential")
        .issuer(verification_method.to_did())
        .subject_value(json!({"id": "did:example:holder", "name": "Ada"}));
    for context in contexts {
        builder = builder.context(*context);
    }
    builder.build().at("the sample credential builds")
}

/// Checks that `suite`, signing with `signer` (the key of `verification_method`, of the suite's
/// key type):
/// - adds one proof to a credential and keeps the credential otherwise as it was, the proof
///   naming the suite, the verification method and the purpose it was asked for;
/// - signs a presentation the same way (suites sign any [`SecuredDocument`]);
/// - verifies both proofs with the signer's public key, and refuses them, as invalid rather than
///   "could not check", once the document changed.
pub async fn check_proof_suite(
    suite: &dyn ProofSuite,
    signer: &dyn Signer,
    verification_method: &DidUrl,
) -> Result<(), ConformanceError> {
    conform_eq!(
        "the signer's key is of a key type the suite takes",
        suite.accepts_key(signer.public_key().key_type()),
        true
    );
    let unsigned = credential(
        verification_method,
        suite.required_contexts(DataModelVersion::V2),
    )?;
    let options = ProofOptions::assertion(verification_method.clone(), None);
    let signed = suite
        .sign(unsigned.clone(), &options, signer)
        .await
        .at(SIGNS)?;
    let proof = match signed.proofs() {
        [proof] => proof.clone(),
        proofs => {
            return Err(ConformanceError::contract(
                SIGNS,
                format!("{} proofs on a credential that had none", proofs.len()),
            ))
        }
    };
    conform_eq!(
        "signing changes nothing but the proof",
        signed.without_proof(),
        unsigned
    );
    states_options(suite, &proof, &options)?;
    verifies_and_covers(suite, signer, &signed, &proof, |credential| {
        credential.id = Some("urn:example:another".to_owned());
    })?;

    let mut presentation = Presentation::new(DataModelVersion::V2, verification_method.to_did());
    if let Some(OneOrMany::Many(contexts)) = &mut presentation.context {
        let required = suite.required_contexts(DataModelVersion::V2);
        contexts.extend(required.iter().map(|c| Context::from(*c)));
    }
    let options = ProofOptions::authentication(
        verification_method.clone(),
        None,
        "conformance-challenge",
        Some("conformance.example".to_owned()),
    );
    let proof = suite
        .sign_document(&presentation, &options, signer)
        .await
        .at(SIGNS)?;
    states_options(suite, &proof, &options)?;
    presentation.add_proof(proof.clone());
    verifies_and_covers(suite, signer, &presentation, &proof, |presentation| {
        presentation.id = Some("urn:example:another".to_owned());
    })
}

/// The proof names the suite, the verification method and the purpose of `options`.
fn states_options(
    suite: &dyn ProofSuite,
    proof: &Proof,
    options: &ProofOptions,
) -> Result<(), ConformanceError> {
    conform_eq!(OPTIONS, proof.suite_name(), suite.proof_type().as_str());
    conform_eq!(
        OPTIONS,
        proof.verification_method.as_deref(),
        Some(options.verification_method.as_str())
    );
    conform_eq!(
        OPTIONS,
        proof.proof_purpose.as_deref(),
        Some(options.proof_purpose.as_str())
    );
    Ok(())
}

/// `proof` of `document` verifies, and no longer once `change` changed the document.
fn verifies_and_covers<D: SecuredDocument + Clone>(
    suite: &dyn ProofSuite,
    signer: &dyn Signer,
    document: &D,
    proof: &Proof,
    change: impl FnOnce(&mut D),
) -> Result<(), ConformanceError> {
    suite
        .verify_proof(document, proof, signer.public_key())
        .at(SIGNS)?;
    let mut changed = document.clone();
    change(&mut changed);
    match suite.verify_proof(&changed, proof, signer.public_key()) {
        Err(e) if e.is_invalid() => Ok(()),
        Err(e) => Err(ConformanceError::contract(
            COVERS,
            format!("\"could not check\" instead of invalid: {e}"),
        )),
        Ok(()) => Err(ConformanceError::contract(
            COVERS,
            "the changed document verifies",
        )),
    }
}

/// Checks that `suite`, signing with `signer` (the key of `verification_method`): envelops a
/// credential so that the envelope names the verification method, opens it with the signer's
/// public key to the same credential, and refuses a tampered envelope as invalid.
pub async fn check_enveloping_suite(
    suite: &dyn EnvelopingSuite,
    signer: &dyn Signer,
    verification_method: &DidUrl,
) -> Result<(), ConformanceError> {
    conform!(
        "the suite accepts the signer's key type",
        suite.accepts(signer.public_key().key_type()),
        "{:?}",
        signer.public_key().key_type()
    );
    let credential = credential(verification_method, &[])?;
    let options = ProofOptions::assertion(verification_method.clone(), None);
    let envelope = suite
        .envelop(&credential, &options, signer)
        .await
        .at(SIGNS)?;
    conform_eq!(
        "the envelope names its verification method",
        suite.key_id(&envelope).at(SIGNS)?,
        verification_method.as_str()
    );
    conform_eq!(
        "the envelope opens to the document",
        suite.open(&envelope, signer.public_key()).at(SIGNS)?,
        credential.to_value().at(SIGNS)?
    );
    // One character in the middle (inside the signed payload of a compact JWS) changed.
    let middle = envelope.len() / 2;
    let tampered: String = envelope
        .char_indices()
        .map(|(i, c)| match (i == middle, c) {
            (true, 'e') => 'f',
            (true, _) => 'e',
            (false, c) => c,
        })
        .collect();
    match suite.open(&tampered, signer.public_key()) {
        Err(e) if e.is_invalid() => Ok(()),
        Err(e) => Err(ConformanceError::contract(
            COVERS,
            format!("\"could not check\" instead of invalid: {e}"),
        )),
        Ok(_) => Err(ConformanceError::contract(
            COVERS,
            "a tampered envelope opens",
        )),
    }
}
