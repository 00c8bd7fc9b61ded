//! Conformance checks for host implementations of the HTTP side's traits (feature `testing`).
//!
//! ```no_run
//! # async fn f(index: &dyn vc_issue::status_index::CredentialStatusIndex) {
//! vc_issue::testing::status_index::status_index_conformance(index).await.unwrap();
//! # }
//! ```
//!
//! A failed expectation panics (like `assert!`); a backend error is returned.

// A failed expectation panics, like the `assert!`s around it: that is how the suite reports.
#![allow(clippy::panic)]

use serde_json::json;
use vc_status::StatusEntry;

use crate::status_index::{CredentialStatusIndex, StatusIndexError};

fn entry(purpose: &str, index: u32) -> StatusEntry {
    let value = json!({
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": format!("https://issuer.example/status-lists/{purpose}-1"),
    });
    match StatusEntry::from_value(value) {
        Ok(entry) => entry,
        Err(e) => panic!("the sample entry parses: {e}"),
    }
}

/// Entries come back per credential, accumulate across calls without duplicates, and an unknown
/// credential has none. Run it against an index that has never seen the ids `conformance-*`.
pub async fn status_index_conformance(
    index: &dyn CredentialStatusIndex,
) -> Result<(), StatusIndexError> {
    let (a, b) = ("conformance-a", "conformance-b");
    assert!(index.entries(a).await?.is_empty());
    let revocation = entry("revocation", 7);
    let suspension = entry("suspension", 9);
    index.record(a, std::slice::from_ref(&revocation)).await?;
    index
        .record(a, &[revocation.clone(), suspension.clone()])
        .await?;
    index.record(b, &[entry("revocation", 8)]).await?;
    let found = index.entries(a).await?;
    assert_eq!(found.len(), 2, "no duplicates: {found:?}");
    assert!(found.contains(&revocation) && found.contains(&suspension));
    assert_eq!(index.entries(b).await?, vec![entry("revocation", 8)]);
    index.record(a, &[]).await?;
    assert_eq!(index.entries(a).await?.len(), 2);
    Ok(())
}
