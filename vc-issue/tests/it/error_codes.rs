//! The error-code registry (`vc_core::error_code`) is the one place wire codes are defined: every
//! public error of every crate returns a registered code, every registered code is returned by
//! something, and `docs/ERROR_CODES.md` is the registry's table (code, class, HTTP status,
//! meaning). `VC_UPDATE_ERROR_CODES=1` rewrites the table from the registry.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use vc_core::{ErrorClass, ErrorCode};
use vc_issue::exchange::ExchangeError;
use vc_issue::pickup::PickupError;
use vc_issue::pipeline::delegation::DelegationError;
use vc_issue::queue::QueueError;
use vc_issue::status_index::StatusIndexError;
use vc_issue::{HostError, IssueError, VerifyError};
use vc_status::store::{StoreError, StoreErrorKind};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("vc-issue lives in the workspace")
        .to_owned()
}

fn registered(code: ErrorCode) -> bool {
    ErrorCode::ALL.contains(&code)
}

/// One error of every public error type of every crate (and every kind of the store errors),
/// each with the code its variant must have.
fn samples() -> Vec<(ErrorCode, ErrorCode)> {
    let io = || -> vc_issue::BoxError { Arc::new(std::io::Error::other("x")) };
    let mut out = vec![
        (
            vc_core::Did::parse("nope").unwrap_err().code(),
            ErrorCode::INVALID_DID,
        ),
        (
            IssueError::RateLimitExceeded {
                did: "did:example:a".into(),
                retry_after: Duration::from_secs(1),
            }
            .code(),
            ErrorCode::RATE_LIMIT_EXCEEDED,
        ),
        (
            IssueError::SignerUnavailable { source: io() }.code(),
            ErrorCode::SIGNER_UNAVAILABLE,
        ),
        (
            IssueError::SigningFailed { source: None }.code(),
            ErrorCode::SIGNING_FAILED,
        ),
        (VerifyError::NoProof.code(), ErrorCode::NO_PROOF),
        (
            VerifyError::Revoked {
                list: "l".into(),
                index: 1,
            }
            .code(),
            ErrorCode::CREDENTIAL_REVOKED,
        ),
        (
            VerifyError::StatusListUnavailable {
                list: "l".into(),
                source: None,
            }
            .code(),
            ErrorCode::STATUS_LIST_UNAVAILABLE,
        ),
        (
            vc_issue::VerifyWarning::StatusNotChecked { credential: None }.code(),
            ErrorCode::STATUS_NOT_CHECKED,
        ),
        (
            DelegationError::EmptyChain.code(),
            ErrorCode::DELEGATION_EMPTY_CHAIN,
        ),
        (
            QueueError::TicketNotFound { id: "t".into() }.code(),
            ErrorCode::TICKET_NOT_FOUND,
        ),
        (
            ExchangeError::WrongChallenge.code(),
            ErrorCode::WRONG_CHALLENGE,
        ),
        (
            PickupError::InvalidTtl { reason: "zero" }.code(),
            ErrorCode::PICKUP_TTL_INVALID,
        ),
        (
            vc_status::Error::Irreversible.code(),
            ErrorCode::STATUS_IRREVERSIBLE,
        ),
    ];
    let kinds = [
        StoreErrorKind::NotFound,
        StoreErrorKind::AlreadyExists,
        StoreErrorKind::Conflict,
        StoreErrorKind::Exhausted,
        StoreErrorKind::Unavailable,
        StoreErrorKind::Unauthorized,
        StoreErrorKind::Internal,
    ];
    // A store error's code says what its kind says: retry an outage, nothing else.
    for kind in kinds {
        let store = if kind == StoreErrorKind::Unavailable {
            ErrorCode::STORE_UNAVAILABLE
        } else {
            ErrorCode::STORE_ERROR
        };
        let status = vc_status::Error::Store(StoreError::new(kind, "x")).code();
        assert_eq!(
            status.class().is_retryable(),
            kind == StoreErrorKind::Unavailable
        );
        out.push((status, status));
        out.push((QueueError::Store(StoreError::new(kind, "x")).code(), store));
        out.push((
            ExchangeError::Store(StoreError::new(kind, "x")).code(),
            store,
        ));
        out.push((
            StatusIndexError::Store(StoreError::new(kind, "x")).code(),
            store,
        ));
        // A pickup token that exists already is told apart (the service draws another).
        let pickup = match kind {
            StoreErrorKind::AlreadyExists => ErrorCode::STORE_ALREADY_EXISTS,
            _ => store,
        };
        out.push((
            PickupError::Store(StoreError::new(kind, "x")).code(),
            pickup,
        ));
    }
    out.push((
        QueueError::Issue(IssueError::SignerUnavailable {
            source: Arc::new(HostError::unavailable(std::io::Error::other("down"))),
        })
        .code(),
        ErrorCode::SIGNER_UNAVAILABLE,
    ));
    // The PKCS#11 signer's errors are a signer's: unavailable when the token is out of reach.
    #[cfg(feature = "pkcs11")]
    out.extend([
        (
            vc_issue::Pkcs11Error::WrongPin.code(),
            ErrorCode::SIGNING_FAILED,
        ),
        (
            vc_issue::Pkcs11Error::TokenNotFound { token: "t".into() }.code(),
            ErrorCode::SIGNER_UNAVAILABLE,
        ),
    ]);
    out
}

#[test]
fn every_public_error_returns_its_registered_code() {
    for (code, expected) in samples() {
        assert!(registered(code), "{code} is not registered");
        assert_eq!(code, expected);
    }
}

#[test]
fn the_queue_retries_exactly_the_retryable_classes() {
    let retried = IssueError::SignerUnavailable {
        source: Arc::new(std::io::Error::other("down")),
    };
    let refused = IssueError::SigningFailed { source: None };
    assert!(retried.is_transient() && retried.code().class().is_retryable());
    assert!(!refused.is_transient() && !refused.code().class().is_retryable());
    assert!(QueueError::from(retried).is_transient());
    assert!(!QueueError::from(refused).is_transient());
}

/// Every `ErrorCode::NAME` the workspace's library sources mention.
fn codes_in_sources() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut dirs: Vec<PathBuf> = [
        "vc-core/src",
        "vc-status/src",
        "vc-issue/src",
        "vc-didcomm/src",
    ]
    .iter()
    .map(|d| workspace().join(d))
    .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("error_code.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices("ErrorCode::") {
                    let name: String = text[i + "ErrorCode::".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    if name.len() > 1 && name != "ALL" {
                        found.insert(name);
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_registered_code_is_used_and_no_code_is_dead() {
    let used = codes_in_sources();
    let unused: Vec<_> = ErrorCode::ALL
        .iter()
        .filter(|c| !used.contains(c.as_str()))
        .collect();
    assert!(
        unused.is_empty(),
        "registered but returned by nothing: {unused:?}"
    );
}

#[test]
fn every_class_is_server_side_exactly_when_its_status_is_5xx() {
    for code in ErrorCode::ALL {
        let status = vc_issue::http::status_of(*code);
        assert_eq!(
            code.class().is_server_side(),
            status.is_server_error(),
            "{code}: {status}"
        );
        if code.class() == ErrorClass::RateLimited {
            assert_eq!(status, 429);
        }
    }
}

/// The registry as the Markdown table of `docs/ERROR_CODES.md`.
fn table() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         Every wire code of vc-issuer-rs: the `code` of an error body `{ \"code\", \"message\", \
         \"details\" }` and of every `code()` in the library. Generated from the registry \
         (`vc_core::error_code`); the HTTP status is `vc_issue::http::status_of`. The class says \
         what to do: `Unavailable`, `RateLimited` and `Contended` may succeed when retried, the \
         others need a change first. Regenerate with \
         `VC_UPDATE_ERROR_CODES=1 cargo test -p vc-issue --all-features --test it error_codes`.\n\n\
         | code | class | HTTP | meaning |\n|---|---|---|---|\n",
    );
    for code in ErrorCode::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            code.as_str(),
            code.class(),
            vc_issue::http::status_of(*code).as_u16(),
            code.meaning()
        ));
    }
    out
}

#[test]
fn the_docs_table_is_the_registry() {
    let path = workspace().join("docs/ERROR_CODES.md");
    let expected = table();
    if std::env::var_os("VC_UPDATE_ERROR_CODES").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == expected,
        "docs/ERROR_CODES.md is not the registry; run with VC_UPDATE_ERROR_CODES=1"
    );
}
