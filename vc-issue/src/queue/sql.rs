//! What the SQL backends share: error mapping and row conversion.

use std::borrow::Cow;

use super::error::{StoreError, StoreErrorKind};
use super::state::{from_millis, to_millis, Lease, TicketRecord, TicketState};

pub(super) fn map_err(e: sqlx::Error, context: impl Into<Cow<'static, str>>) -> StoreError {
    StoreError::from_sqlx(e, context)
}

pub(super) fn corrupt(what: &'static str) -> StoreError {
    StoreError::new(StoreErrorKind::Internal, what)
}

pub(super) const COLUMNS: &str =
    "id, state, version, lease_token, lease_worker, lease_until, attempts, deadline, data";

/// An `issuance_tickets` row, as either backend reads or writes it.
pub(super) struct Columns {
    pub(super) id: String,
    pub(super) state: String,
    pub(super) version: i64,
    pub(super) lease_token: Option<String>,
    pub(super) lease_worker: Option<String>,
    pub(super) lease_until: Option<i64>,
    pub(super) attempts: i64,
    pub(super) deadline: Option<i64>,
    pub(super) data: String,
}

impl Columns {
    /// The record: `data`, with the columns (which claims update in place) winning.
    pub(super) fn into_record(self) -> Result<TicketRecord, StoreError> {
        let mut r: TicketRecord = serde_json::from_str(&self.data).map_err(|e| {
            StoreError::new(StoreErrorKind::Internal, "corrupt ticket data").with_source(e)
        })?;
        if r.id.as_str() != self.id {
            return Err(corrupt("ticket id and data disagree"));
        }
        r.state = self
            .state
            .parse::<TicketState>()
            .map_err(|_| corrupt("unknown ticket state"))?;
        r.version = u64::try_from(self.version).map_err(|_| corrupt("negative version"))?;
        r.attempts = u32::try_from(self.attempts).map_err(|_| corrupt("attempts out of range"))?;
        r.deadline = match self.deadline {
            Some(ms) => Some(from_millis(ms).ok_or(corrupt("invalid deadline"))?),
            None => None,
        };
        r.lease = match (self.lease_token, self.lease_worker, self.lease_until) {
            (Some(token), Some(worker), Some(until)) => Some(Lease {
                token,
                worker,
                until: from_millis(until).ok_or(corrupt("invalid lease time"))?,
            }),
            _ => None,
        };
        Ok(r)
    }

    /// The row that stores `r`.
    pub(super) fn of(r: &TicketRecord) -> Result<Self, StoreError> {
        let data = serde_json::to_string(r).map_err(|e| {
            StoreError::new(StoreErrorKind::Internal, "serialize a ticket").with_source(e)
        })?;
        Ok(Self {
            id: r.id.as_str().to_owned(),
            state: r.state.as_str().to_owned(),
            lease_token: r.lease.as_ref().map(|l| l.token.clone()),
            lease_worker: r.lease.as_ref().map(|l| l.worker.clone()),
            lease_until: r.lease.as_ref().map(|l| to_millis(l.until)),
            attempts: i64::from(r.attempts),
            deadline: r.deadline.map(to_millis),
            data,
            version: i64::try_from(r.version).map_err(|_| corrupt("version out of range"))?,
        })
    }
}
