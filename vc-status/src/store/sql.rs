//! What the SQL backends share: error mapping and row conversion.

use std::borrow::Cow;
use std::ops::Range;

use time::OffsetDateTime;

use super::{ListRecord, ReservationRecord, StoreError, StoreErrorKind};
use crate::{StatusListId, StatusPurpose, StatusSize};

/// How often an owned reservation is tried again after losing a race for its owner (the next try
/// finds the winner's reservation).
pub(super) const OWNER_RACE_ATTEMPTS: usize = 3;

/// Maps a sqlx error to a [`StoreError`] whose kind says what the caller should do.
pub(super) fn map_err(e: sqlx::Error, context: impl Into<Cow<'static, str>>) -> StoreError {
    StoreError::from_sqlx(e, context)
}

pub(super) fn corrupt(what: &'static str) -> StoreError {
    StoreError::new(StoreErrorKind::Internal, what)
}

/// A u64 for a BIGINT column (all our numbers are below 2^63).
pub(super) fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| corrupt("number does not fit a BIGINT column"))
}

/// A BIGINT column read back as u64.
pub(super) fn to_u64(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| corrupt("negative number in a status list column"))
}

/// The columns of a `status_lists` row, as read from either backend.
pub(super) struct ListColumns {
    pub list_id: String,
    pub series: String,
    pub sequence: i64,
    pub purpose: String,
    pub status_size: i64,
    pub capacity: i64,
    pub seed: Vec<u8>,
    pub created_at: i64,
}

pub(super) const LIST_COLUMNS: &str =
    "list_id, series, sequence, purpose, status_size, capacity, seed, created_at";

impl ListColumns {
    pub(super) fn into_record(self) -> Result<ListRecord, StoreError> {
        let seed: [u8; 32] = self
            .seed
            .try_into()
            .map_err(|_| corrupt("status list seed is not 32 bytes"))?;
        Ok(ListRecord {
            id: StatusListId::new(self.list_id).map_err(|_| corrupt("invalid status list id"))?,
            series: self.series,
            sequence: to_u64(self.sequence)?,
            purpose: self
                .purpose
                .parse::<StatusPurpose>()
                .map_err(|_| corrupt("unknown status purpose"))?,
            status_size: StatusSize::try_from(to_u64(self.status_size)?)
                .map_err(|_| corrupt("invalid status size"))?,
            capacity: to_u64(self.capacity)?,
            seed,
            created_at: OffsetDateTime::from_unix_timestamp(self.created_at)
                .map_err(|_| corrupt("invalid creation time"))?,
        })
    }
}

/// The counters a reservation of `n` was granted, from the `next_counter` and `capacity` that the
/// counter step returned.
pub(super) fn granted(next: i64, capacity: i64, n: u64) -> Result<Range<u64>, StoreError> {
    let (next, capacity) = (to_u64(next)?, to_u64(capacity)?);
    let start = next
        .checked_sub(n)
        .ok_or(corrupt("counter went backwards"))?;
    Ok(start..next.min(capacity))
}

/// The columns of a `status_reservations` row, as read from either backend.
pub(super) struct ReservationColumns {
    pub list_id: String,
    pub start_counter: i64,
    pub end_counter: i64,
}

pub(super) const RESERVATION_COLUMNS: &str = "list_id, start_counter, end_counter";

/// Steps list `$1`'s counter by `$2` unless the list is full, returning the counter after the
/// step and the capacity: what a reservation, owned or not, takes.
pub(super) const STEP_COUNTER: &str = "UPDATE status_lists SET next_counter = next_counter + $2 \
     WHERE list_id = $1 AND next_counter < capacity \
     RETURNING next_counter, capacity";

impl ReservationColumns {
    pub(super) fn into_record(self) -> Result<ReservationRecord, StoreError> {
        Ok(ReservationRecord {
            list: StatusListId::new(self.list_id)
                .map_err(|_| corrupt("invalid status list id in a reservation"))?,
            counters: to_u64(self.start_counter)?..to_u64(self.end_counter)?,
        })
    }
}
