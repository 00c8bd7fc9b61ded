//! What the SQL exchange stores share: the row layout, error mapping and conversions.
//!
//! The table has migrations of its own (`migrations/*/exchange`) rather than a place in the
//! issuance queue's, so that a host using only exchanges gets only this table. Columns: `id` (primary key), `workflow_id`, `sequence` (compare-and-set), `expires` (Unix
//! milliseconds, indexed for purging), `state`, and `data`, the JSON of the rest (step,
//! lastError, variables, challenge).

use std::borrow::Cow;

use super::error::{StoreError, StoreErrorKind};
use super::id::{ExchangeId, WorkflowId};
use super::record::{from_millis, to_millis, Exchange, ExchangeRecord, ExchangeState, RecordData};

/// The table's name, in SQLite and in the PostgreSQL schema.
pub(super) const TABLE: &str = "vcalm_exchanges";

/// The columns every query selects, in [`Columns`] order.
pub(super) const COLUMNS: &str = "id, workflow_id, sequence, expires, state, data";

pub(super) fn map_err(e: sqlx::Error, context: impl Into<Cow<'static, str>>) -> StoreError {
    StoreError::from_sqlx(e, context)
}

pub(super) fn corrupt(what: &'static str) -> StoreError {
    StoreError::new(StoreErrorKind::Internal, what)
}

pub(super) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(super) fn sequence(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| corrupt("exchange sequence out of range"))
}

/// One row, as read or to be written.
#[derive(Debug)]
pub(super) struct Columns {
    pub(super) id: String,
    pub(super) workflow_id: String,
    pub(super) sequence: i64,
    pub(super) expires: i64,
    pub(super) state: String,
    pub(super) data: String,
}

impl Columns {
    pub(super) fn of(record: &ExchangeRecord) -> Result<Self, StoreError> {
        let e = &record.exchange;
        let data = RecordData {
            step: e.step.clone(),
            last_error: e.last_error.clone(),
            variables: e.variables.clone(),
            challenge: record.challenge.clone(),
        };
        Ok(Self {
            id: e.id.as_str().to_owned(),
            workflow_id: record.workflow_id.as_str().to_owned(),
            sequence: sequence(e.sequence)?,
            expires: to_millis(e.expires),
            state: e.state.as_str().to_owned(),
            data: serde_json::to_string(&data).map_err(|e| {
                StoreError::new(StoreErrorKind::Internal, "encode an exchange").with_source(e)
            })?,
        })
    }

    pub(super) fn into_record(self) -> Result<ExchangeRecord, StoreError> {
        let data: RecordData =
            serde_json::from_str(&self.data).map_err(|_| corrupt("undecodable exchange data"))?;
        let mut exchange = Exchange::new(
            ExchangeId::parse(self.id).map_err(|_| corrupt("invalid exchange id"))?,
            from_millis(self.expires).ok_or_else(|| corrupt("invalid expiry"))?,
            data.step,
            data.variables,
        );
        exchange.sequence =
            u64::try_from(self.sequence).map_err(|_| corrupt("negative exchange sequence"))?;
        exchange.state =
            ExchangeState::parse(&self.state).ok_or_else(|| corrupt("unknown exchange state"))?;
        exchange.last_error = data.last_error;
        Ok(ExchangeRecord::new(
            WorkflowId::parse(self.workflow_id).map_err(|_| corrupt("invalid workflow id"))?,
            exchange,
            data.challenge,
        ))
    }
}
