//! The one place that puts a suite's contexts into a credential, for every path that signs one
//! (the pipeline's own credentials, a VC API `{credential, options}` body, a status list).
//!
//! Which contexts a suite needs for a data model is the suite's to say
//! ([`ProofSuite::required_contexts`](crate::crypto::suites::ProofSuite::required_contexts)):
//! a `DataIntegrityProof` on a VC 1.1 credential needs `https://w3id.org/security/data-integrity/v2`
//! (the 1.1 base context does not define `DataIntegrityProof`, `cryptosuite` or `proofValue`),
//! and `Ed25519Signature2020` needs its suite context under either model. VC Data Integrity
//! (section 2.4, Contexts and Vocabularies) asks the securing application to append the context
//! when the document's `@context` does not map the terms the proof uses; without it JSON-LD
//! expansion of the proof fails (`Invalid @type value`) and a verifier in JSON-LD safe mode
//! refuses the credential. Nothing else is added: a context already there (by URL) stays where it
//! is and is not repeated, and a 2.0 credential secured by a Data Integrity cryptosuite gets
//! nothing (the 2.0 base context defines the proof terms).

use vc_core::context::Context;
use vc_core::{Credential, OneOrMany};

use crate::crypto::suites::SecuringSuite;

/// Appends to `credential`'s `@context` each context `suite` needs for the credential's data model
/// (read from its base context; a credential without a known base context is left alone for
/// validation to refuse) that the `@context` does not already name.
pub fn add_suite_contexts(credential: &mut Credential, suite: &SecuringSuite) {
    let Some(version) = credential.version() else {
        return;
    };
    for needed in suite.required_contexts(version) {
        if credential
            .contexts()
            .iter()
            .any(|c| c.as_url() == Some(needed))
        {
            continue;
        }
        let context = Context::from(*needed);
        match &mut credential.context {
            Some(contexts) => contexts.push(context),
            None => credential.context = Some(OneOrMany::One(context)),
        }
    }
}
