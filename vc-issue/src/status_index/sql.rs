//! What the SQL backends share: an entry as a column.

use vc_status::store::{StoreError, StoreErrorKind};
use vc_status::StatusEntry;

/// The entry's JSON, as it appears in the credential. Serializing one entry always gives the same
/// text, which is what makes `(credential_id, entry)` a usable unique key.
pub(super) fn encode_entry(entry: &StatusEntry) -> Result<String, StoreError> {
    serde_json::to_string(entry).map_err(|e| {
        StoreError::new(StoreErrorKind::Internal, "serialize a status entry").with_source(e)
    })
}

pub(super) fn decode_entries(rows: Vec<(String,)>) -> Result<Vec<StatusEntry>, StoreError> {
    rows.into_iter()
        .map(|(text,)| {
            serde_json::from_str(&text).map_err(|e| {
                StoreError::new(StoreErrorKind::Internal, "corrupt status entry").with_source(e)
            })
        })
        .collect()
}
