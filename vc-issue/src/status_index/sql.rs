//! What the SQL backends share: an entry as a column, and sqlx errors as [`StatusIndexError`]s.

use vc_status::store::StoreErrorKind;
use vc_status::StatusEntry;

use super::StatusIndexError;

/// The entry's JSON, as it appears in the credential. Serializing one entry always gives the same
/// text, which is what makes `(credential_id, entry)` a usable unique key.
pub(super) fn encode_entry(entry: &StatusEntry) -> Result<String, StatusIndexError> {
    serde_json::to_string(entry).map_err(|e| {
        StatusIndexError::store(
            StoreErrorKind::Internal,
            "serialize a status entry",
            Some(std::sync::Arc::new(e)),
        )
    })
}

pub(super) fn decode_entries(rows: Vec<(String,)>) -> Result<Vec<StatusEntry>, StatusIndexError> {
    rows.into_iter()
        .map(|(text,)| {
            serde_json::from_str(&text).map_err(|e| {
                StatusIndexError::store(
                    StoreErrorKind::Internal,
                    "corrupt status entry",
                    Some(std::sync::Arc::new(e)),
                )
            })
        })
        .collect()
}

pub(super) fn sql_error(e: sqlx::Error, context: &'static str) -> StatusIndexError {
    StatusIndexError::store(
        crate::queue::sql::kind_of(&e),
        context,
        Some(std::sync::Arc::new(e)),
    )
}
