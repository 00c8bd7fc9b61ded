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

/// The most rows one `INSERT` carries (two bound values each: far below either backend's limit
/// of bound values per statement).
pub(super) const ROWS_PER_INSERT: usize = 200;

/// `INSERT` of `rows` (credential id, encoded entry) in one statement, keeping an entry already
/// recorded (or repeated within `rows`) once.
pub(super) fn insert_rows<'a, DB>(rows: &'a [(&'a str, String)]) -> sqlx::QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut insert =
        sqlx::QueryBuilder::new("INSERT INTO credential_status_index (credential_id, entry) ");
    insert.push_values(rows, |mut row, (credential_id, entry)| {
        row.push_bind(*credential_id).push_bind(entry.as_str());
    });
    insert.push(" ON CONFLICT (credential_id, entry) DO NOTHING");
    insert
}
