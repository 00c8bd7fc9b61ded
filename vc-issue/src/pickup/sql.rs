//! What the SQL pickup backends share: how a credential and an instant become columns.

use time::OffsetDateTime;
use vc_status::store::{StoreError, StoreErrorKind};

use crate::pipeline::request::IssuedCredential;

/// Unix milliseconds, as the SQL stores keep instants.
pub(super) fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

pub(super) fn encode(credential: &IssuedCredential) -> Result<String, StoreError> {
    serde_json::to_string(credential).map_err(|e| {
        StoreError::new(StoreErrorKind::Internal, "serialize a credential").with_source(e)
    })
}

/// The credential of a taken row, if the row had not expired at `now`.
pub(super) fn decode(
    credential: &str,
    expires_at: i64,
    now: OffsetDateTime,
) -> Result<Option<IssuedCredential>, StoreError> {
    if expires_at <= to_millis(now) {
        return Ok(None);
    }
    serde_json::from_str(credential).map(Some).map_err(|e| {
        StoreError::new(StoreErrorKind::Internal, "corrupt pickup credential").with_source(e)
    })
}
