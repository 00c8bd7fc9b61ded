//! DIDs and DID URLs as they arrive in `issuer`, `holder`, `verificationMethod` and `holderDid`:
//! `Did::parse`, `DidUrl::parse`, and `DidKey::parse` (the only method resolved from the string
//! itself).

use vc_core::{Did, DidDocument, DidKey, DidUrl};

use crate::{assert_code, refused};

/// Parses `data` (as UTF-8) as a DID, a DID URL and a `did:key`.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return refused(data, "DidUrl::parse", &"the input is not UTF-8");
    };
    let did = Did::parse(text);
    let url = DidUrl::parse(text);
    match (&did, &url) {
        (Ok(did), Ok(url)) => {
            assert!(url.is_bare_did(), "{text:?} is a DID, so a bare DID URL");
            assert_eq!(&url.to_did(), did);
        }
        (Ok(did), Err(error)) => panic!("{did:?} parses as a DID but not as a DID URL: {error}"),
        (Err(error), _) => assert_code(error.code(), error),
    }
    if let Ok(did) = &did {
        check_did(text, did);
    }
    match &url {
        Ok(url) => check_url(text, url),
        Err(error) => {
            assert_code(error.code(), error);
            refused(data, "DidUrl::parse", error);
        }
    }
    did_key(text);
}

fn check_did(text: &str, did: &Did) {
    assert_eq!(did.as_str(), text, "a DID keeps its text");
    assert_eq!(
        format!("did:{}:{}", did.method(), did.method_specific_id()),
        text,
        "method and method-specific id do not rebuild the DID"
    );
    match serde_json::to_string(did).map(|json| serde_json::from_str::<Did>(&json)) {
        Ok(Ok(again)) if again == *did => {}
        other => panic!("serde round trip changed {did:?}: {other:?}"),
    }
}

fn check_url(text: &str, url: &DidUrl) {
    assert_eq!(url.as_str(), text, "a DID URL keeps its text");
    let mut rebuilt = url.did_str().to_owned();
    rebuilt.push_str(url.path().unwrap_or_default());
    if let Some(query) = url.query() {
        rebuilt.push('?');
        rebuilt.push_str(query);
    }
    if let Some(fragment) = url.fragment() {
        rebuilt.push('#');
        rebuilt.push_str(fragment);
    }
    assert_eq!(rebuilt, text, "the parts do not rebuild the DID URL");
    match Did::parse(url.did_str()) {
        Ok(did) => assert_eq!(
            did,
            url.to_did(),
            "to_did differs from parsing the DID part"
        ),
        Err(error) => panic!("the DID part of {text:?} does not parse: {error}"),
    }
    assert_eq!(url.method(), url.to_did().method());
    assert_eq!(url.method_specific_id(), url.to_did().method_specific_id());
    match serde_json::to_string(url).map(|json| serde_json::from_str::<DidUrl>(&json)) {
        Ok(Ok(again)) if again == *url => {}
        other => panic!("serde round trip changed {url:?}: {other:?}"),
    }
    // A verification method id is built by joining a fragment: the join must give what parsing
    // the joined text gives.
    let fragment_only = url.path().is_none() && url.query().is_none();
    if let (true, Some(fragment)) = (fragment_only, url.fragment()) {
        match url.to_did().join_fragment(fragment) {
            Ok(joined) => assert_eq!(&joined, url, "join_fragment differs from parsing"),
            Err(error) => panic!("joining the fragment of {text:?} failed: {error}"),
        }
    }
}

fn did_key(text: &str) {
    let key = match DidKey::parse(text) {
        Ok(key) => key,
        Err(error) => return assert_code(error.code(), &error),
    };
    // The stored multikey is the input's; it must be the one encoding of the key.
    match DidKey::new(key.key_type(), key.public_key()) {
        Ok(fresh) => assert_eq!(
            fresh.multikey_str(),
            key.multikey_str(),
            "two encodings of one key"
        ),
        Err(error) => panic!("a parsed did:key must rebuild from its key: {error}"),
    }
    match DidKey::parse(key.did().as_str()) {
        Ok(again) => assert_eq!(again, key),
        Err(error) => panic!("the DID of a parsed did:key must parse: {error}"),
    }
    match DidKey::parse(key.verification_method_id().as_str()) {
        Ok(again) => assert_eq!(again, key),
        Err(error) => panic!("the verification method id of a did:key must parse: {error}"),
    }
    let document = DidDocument::from(&key);
    match DidDocument::from_value(key.did_document()) {
        Ok(parsed) => assert_eq!(parsed, document, "two DID documents for one did:key"),
        Err(error) => panic!("a did:key document must parse: {error}"),
    }
    for method in document.authentication_methods() {
        match method.public_key() {
            Ok(public) => assert_eq!(public.as_bytes(), key.public_key()),
            Err(error) => panic!("the did:key method publishes an unusable key: {error}"),
        }
    }
}
