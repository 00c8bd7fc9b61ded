//! The conformance suite for [`CredentialStatusIndex`] backends (feature `testing`).
//!
//! ```no_run
//! # async fn f(index: &dyn vc_issue::status_index::CredentialStatusIndex) {
//! vc_issue::testing::status_index::status_index_conformance(index).await.unwrap();
//! # }
//! ```

use serde_json::json;
use vc_status::StatusEntry;

use super::failure::{conform, conform_eq, At, ConformanceError};
use crate::status_index::CredentialStatusIndex;

fn entry(purpose: &str, index: u32) -> Result<StatusEntry, ConformanceError> {
    let value = json!({
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": format!("https://issuer.example/status-lists/{purpose}-1"),
    });
    StatusEntry::from_value(value).at("the sample entry parses")
}

/// Entries come back per credential, accumulate across calls without duplicates, and an unknown
/// credential has none; [`record_many`](CredentialStatusIndex::record_many) does the same for
/// several credentials at once. Run it against an index that has never seen the ids `conformance-*`.
pub async fn status_index_conformance(
    index: &dyn CredentialStatusIndex,
) -> Result<(), ConformanceError> {
    const UNKNOWN: &str = "an unknown credential has no entries";
    const ACCUMULATE: &str = "entries accumulate per credential, without duplicates";
    let (a, b) = ("conformance-a", "conformance-b");
    conform_eq!(UNKNOWN, index.entries(a).await.at(UNKNOWN)?, Vec::new());
    let revocation = entry("revocation", 7)?;
    let suspension = entry("suspension", 9)?;
    index
        .record(a, std::slice::from_ref(&revocation))
        .await
        .at(ACCUMULATE)?;
    index
        .record(a, &[revocation.clone(), suspension.clone()])
        .await
        .at(ACCUMULATE)?;
    index
        .record(b, &[entry("revocation", 8)?])
        .await
        .at(ACCUMULATE)?;
    let found = index.entries(a).await.at(ACCUMULATE)?;
    conform!(
        ACCUMULATE,
        found.len() == 2 && found.contains(&revocation) && found.contains(&suspension),
        "{found:?}"
    );
    conform_eq!(
        "entries are kept per credential",
        index.entries(b).await.at(ACCUMULATE)?,
        vec![entry("revocation", 8)?]
    );
    index.record(a, &[]).await.at(ACCUMULATE)?;
    conform_eq!(
        "recording nothing changes nothing",
        index.entries(a).await.at(ACCUMULATE)?.len(),
        2
    );
    const MANY: &str = "record_many records each credential's entries as record does";
    let (c, d) = ("conformance-c", "conformance-d");
    index
        .record_many(&[
            (c.to_owned(), vec![entry("revocation", 10)?]),
            (
                d.to_owned(),
                vec![entry("revocation", 11)?, entry("suspension", 12)?],
            ),
            // The same credential twice in one call, and an entry it already has.
            (
                c.to_owned(),
                vec![entry("revocation", 10)?, entry("suspension", 13)?],
            ),
            (a.to_owned(), vec![revocation.clone()]),
        ])
        .await
        .at(MANY)?;
    conform_eq!(
        MANY,
        index.entries(c).await.at(MANY)?,
        vec![entry("revocation", 10)?, entry("suspension", 13)?]
    );
    conform_eq!(
        MANY,
        index.entries(d).await.at(MANY)?,
        vec![entry("revocation", 11)?, entry("suspension", 12)?]
    );
    conform_eq!(MANY, index.entries(a).await.at(MANY)?.len(), 2);
    index.record_many(&[]).await.at(MANY)?;
    Ok(())
}
