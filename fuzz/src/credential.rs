//! Credentials as a verifier or the VC API receives them: `Credential::from_json_with_limits`,
//! then the data model rules, JCS and the `credentialHash` of whatever parses.

use vc_core::{Credential, ParseLimits};

use crate::{assert_code, refused};

/// Parses `data` as a credential under the default limits and checks what parses.
pub fn run(data: &[u8]) {
    let credential = match Credential::from_json_with_limits(data, &ParseLimits::default()) {
        Ok(credential) => credential,
        Err(error) => {
            assert_code(error.code(), &error);
            return refused(data, "Credential::from_json_with_limits", &error);
        }
    };
    if let Ok(text) = std::str::from_utf8(data) {
        match Credential::from_json(text) {
            Ok(same) if same == credential => {}
            other => panic!("from_json and from_json_with_limits disagree: {other:?}"),
        }
    }
    check(&credential);
}

/// The invariants of a parsed credential, shared with the presentation harness (embedded
/// credentials).
pub fn check(credential: &Credential) {
    // Serializing can lengthen the text (`1e5` is written `100000.0`), so the re-parse has no size
    // cap; nesting and keys are unchanged, so every other limit still holds.
    let unlimited = ParseLimits::max_bytes(usize::MAX);
    let json = match credential.to_json() {
        Ok(json) => json,
        Err(error) => panic!("a parsed credential must serialize: {error}"),
    };
    match Credential::from_json_with_limits(json.as_bytes(), &unlimited) {
        Ok(again) if again == *credential => {}
        Ok(again) => panic!("round trip changed the credential:\n{credential:?}\n{again:?}"),
        Err(error) => panic!("a serialized credential must parse: {error}\n{json}"),
    }
    match credential.to_value().map(Credential::from_value) {
        Ok(Ok(again)) if again == *credential => {}
        other => panic!("the Value round trip changed the credential: {other:?}"),
    }

    if let Err(errors) = credential.validate() {
        assert!(
            !errors.errors().is_empty(),
            "validation failed without an error"
        );
        for code in errors.codes() {
            assert_code(code, &errors);
        }
    }
    // Declared infallible for anything serde_json can hold, and the DIDComm issuance protocol
    // relies on that.
    let hash = match credential.credential_hash() {
        Ok(hash) => hash,
        Err(error) => panic!("credential_hash failed on a parsed credential: {error}"),
    };
    let canonical = match credential.canonicalize() {
        Ok(canonical) => canonical,
        Err(error) => panic!("canonicalize failed on a parsed credential: {error}"),
    };
    // JCS is a fixed point: the canonical form, parsed and canonicalized again, is unchanged.
    match Credential::from_json_with_limits(canonical.as_bytes(), &unlimited) {
        Ok(again) => {
            assert_eq!(
                again.canonicalize().ok().as_deref(),
                Some(canonical.as_str()),
                "JCS is not idempotent"
            );
            assert_eq!(
                again.credential_hash().ok(),
                Some(hash),
                "the hash of the canonical form differs"
            );
        }
        Err(error) => panic!("the JCS form must parse as a credential: {error}\n{canonical}"),
    }
}
