//! Builds a VC 2.0 credential with `vc-core`, validates it, and prints it with its `credentialHash`.
//!
//!     cargo run -p vc-examples --example 00_credential
//!
//! Signing arrives with `vc-issue` (`01_issue`); this example shows the data model alone.
#![allow(clippy::print_stdout)]

use serde_json::json;
use vc_core::{Credential, CredentialId};

fn main() -> Result<(), vc_core::Error> {
    let credential = Credential::builder()
        .id(CredentialId::parse(
            "http://university.example/credentials/3732",
        )?)
        .context("https://www.w3.org/ns/credentials/examples/v2")
        .type_("ExampleDegreeCredential")
        .issuer("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
        .subject_value(json!({
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "degree": {
                "type": "ExampleBachelorDegree",
                "name": "Bachelor of Science and Arts"
            }
        }))
        .build()?;
    credential.validate()?;
    println!("{}", credential.to_json_pretty()?);
    eprintln!("credentialHash: {}", credential.credential_hash()?);
    Ok(())
}
