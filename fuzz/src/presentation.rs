//! Presentations as a wallet sends them: `Presentation::from_json`, the data model rules, and every
//! embedded credential through the credential checks.

use vc_core::Presentation;

use crate::{assert_code, credential, refused};

/// Parses `data` as a presentation and checks what parses.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return refused(data, "Presentation::from_json", &"the input is not UTF-8");
    };
    let presentation = match Presentation::from_json(text) {
        Ok(presentation) => presentation,
        Err(error) => {
            assert_code(error.code(), &error);
            return refused(data, "Presentation::from_json", &error);
        }
    };
    let json = match serde_json::to_string(&presentation) {
        Ok(json) => json,
        Err(error) => panic!("a parsed presentation must serialize: {error}"),
    };
    // `from_json` caps the size, and serializing may lengthen the text; the Value route has no cap.
    match Presentation::from_json(&json) {
        Ok(again) if again == presentation => {}
        Ok(again) => panic!("round trip changed the presentation:\n{presentation:?}\n{again:?}"),
        Err(error) if error.code() == "DOCUMENT_TOO_LARGE" => {}
        Err(error) => panic!("a serialized presentation must parse: {error}\n{json}"),
    }
    match presentation.to_value().map(Presentation::from_value) {
        Ok(Ok(again)) if again == presentation => {}
        other => panic!("the Value round trip changed the presentation: {other:?}"),
    }
    if let Err(errors) = presentation.validate() {
        assert!(
            !errors.errors().is_empty(),
            "validation failed without an error"
        );
        for code in errors.codes() {
            assert_code(code, &errors);
        }
    }
    let _ = presentation.holder_id();
    match presentation.credentials() {
        Ok(credentials) => credentials.iter().for_each(credential::check),
        Err(error) => assert_code(error.code(), &error),
    }
}
