//! XML Schema `dateTime` values, as the VC data model uses them.
//!
//! A [`DateTime`] keeps the exact text it was read from, so that a parsed credential serializes back to
//! the same bytes, and parses that text lazily-but-once: a document with a malformed date still
//! deserializes, and [`Credential::validate`](crate::Credential::validate) reports the date as invalid
//! instead of the whole document failing to load.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::error::{excerpt, Error, Result};

/// An XML Schema `dateTime` with a time zone (`xsd:dateTimeStamp`), such as `2024-01-01T00:00:00Z`.
///
/// ```
/// use vc_core::DateTime;
///
/// let t = DateTime::parse("2021-12-30T20:17:47.123+01:00")?;
/// assert_eq!(t.to_utc_seconds(), "2021-12-30T19:17:47Z");
/// assert_eq!(t.as_str(), "2021-12-30T20:17:47.123+01:00");
/// # Ok::<(), vc_core::Error>(())
/// ```
#[derive(Clone)]
pub struct DateTime {
    raw: String,
    /// The parsed instant, or why `raw` is not a dateTimeStamp (only lenient deserialization keeps
    /// invalid text).
    instant: std::result::Result<OffsetDateTime, &'static str>,
}

impl DateTime {
    /// Parses an XML Schema `dateTime` that carries a time zone (`Z` or `±hh:mm`).
    ///
    /// Years 0001 to 9999 are supported; `24:00:00` means midnight of the next day, as XML Schema says.
    pub fn parse(input: &str) -> Result<Self> {
        let instant = parse_date_time(input).map_err(|reason| Error::InvalidDateTime {
            input: excerpt(input),
            reason,
        })?;
        Ok(Self {
            raw: input.to_owned(),
            instant: Ok(instant),
        })
    }

    /// Keeps `input` verbatim without requiring it to be valid; [`instant`](Self::instant) reports the
    /// problem later. This is how documents are deserialized.
    pub fn lenient(input: impl Into<String>) -> Self {
        let raw = input.into();
        let instant = parse_date_time(&raw);
        Self { raw, instant }
    }

    /// The instant this value denotes, or the reason it is not a valid dateTimeStamp.
    pub fn instant(&self) -> Result<OffsetDateTime> {
        self.instant.map_err(|reason| Error::InvalidDateTime {
            input: excerpt(&self.raw),
            reason,
        })
    }

    /// Whether the text is a valid dateTimeStamp.
    pub fn is_valid(&self) -> bool {
        self.instant.is_ok()
    }

    /// The text as it was given.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The same instant in UTC with whole seconds, like `2021-12-30T19:17:47Z`, as the DIDComm
    /// issuance protocol requires for `expiry`. An invalid value is returned unchanged.
    pub fn to_utc_seconds(&self) -> String {
        match self.instant {
            Ok(instant) => format_utc_seconds(instant),
            Err(_) => self.raw.clone(),
        }
    }

    /// This value normalized to UTC with whole seconds (see [`to_utc_seconds`](Self::to_utc_seconds)).
    pub fn normalized(&self) -> Self {
        Self {
            raw: self.to_utc_seconds(),
            instant: self.instant.map(truncate_to_utc_seconds),
        }
    }
}

impl From<OffsetDateTime> for DateTime {
    /// Converts to UTC with whole seconds: the form issuers should put in credentials.
    fn from(instant: OffsetDateTime) -> Self {
        let instant = truncate_to_utc_seconds(instant);
        Self {
            raw: format_utc_seconds(instant),
            instant: Ok(instant),
        }
    }
}

impl FromStr for DateTime {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({:?})", self.raw)
    }
}

/// Two values are equal when they denote the same instant (`…T01:00:00+01:00` equals `…T00:00:00Z`);
/// invalid values compare by their text.
impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        match (self.instant, other.instant) {
            (Ok(a), Ok(b)) => a == b,
            (Err(_), Err(_)) => self.raw == other.raw,
            _ => false,
        }
    }
}

impl Eq for DateTime {}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self.instant, other.instant) {
            (Ok(a), Ok(b)) => Some(a.cmp(&b)),
            _ => None,
        }
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::lenient)
    }
}

fn truncate_to_utc_seconds(instant: OffsetDateTime) -> OffsetDateTime {
    // Near the ends of the supported range the UTC form may not exist; keep the offset then.
    let utc = instant.checked_to_offset(UtcOffset::UTC).unwrap_or(instant);
    utc.replace_nanosecond(0).unwrap_or(utc)
}

fn format_utc_seconds(instant: OffsetDateTime) -> String {
    let utc = truncate_to_utc_seconds(instant);
    // Rfc3339 cannot fail for a UTC value with a four-digit year; fall back to a manual form otherwise.
    utc.format(&Rfc3339).unwrap_or_else(|_| {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            utc.year(),
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        )
    })
}

/// The lexical space of `xsd:dateTimeStamp` (a `dateTime` whose time zone is required):
/// `YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)`.
fn parse_date_time(s: &str) -> std::result::Result<OffsetDateTime, &'static str> {
    let b = s.as_bytes();
    if b.len() > 64 {
        return Err("too long");
    }
    if b.first() == Some(&b'-') || b.get(4) != Some(&b'-') {
        return Err("year must have four digits (0001-9999)");
    }
    let year = digits(b, 0, 4).ok_or("year must be four digits")?;
    expect(b, 4, b'-')?;
    let month = digits(b, 5, 2).ok_or("month must be two digits")?;
    expect(b, 7, b'-')?;
    let day = digits(b, 8, 2).ok_or("day must be two digits")?;
    if b.get(10) != Some(&b'T') {
        return Err("expected 'T' between date and time");
    }
    let hour = digits(b, 11, 2).ok_or("hour must be two digits")?;
    expect(b, 13, b':')?;
    let minute = digits(b, 14, 2).ok_or("minute must be two digits")?;
    expect(b, 16, b':')?;
    let second = digits(b, 17, 2).ok_or("second must be two digits")?;
    let (nanos, all_zero, rest) = fraction(b, 19)?;
    let offset = time_zone(b.get(rest..).unwrap_or_default())?;

    if year == 0 {
        return Err("year 0000 is not supported");
    }
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or("month out of range")?;
    let date =
        Date::from_calendar_date(year as i32, month, day as u8).map_err(|_| "day out of range")?;
    let end_of_day = hour == 24;
    if end_of_day && (minute != 0 || second != 0 || !all_zero) {
        return Err("24:00:00 is the only time allowed with hour 24");
    }
    if minute > 59 || second > 59 || hour > 24 {
        return Err("time out of range");
    }
    let time = if end_of_day {
        Time::MIDNIGHT
    } else {
        Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanos)
            .map_err(|_| "time out of range")?
    };
    let mut local = PrimitiveDateTime::new(date, time);
    if end_of_day {
        local = local
            .checked_add(time::Duration::DAY)
            .ok_or("date out of range")?;
    }
    // Every accepted value must have a UTC form too, so that normalizing it cannot fail later.
    local
        .assume_offset(offset)
        .checked_to_offset(UtcOffset::UTC)
        .ok_or("date out of range once converted to UTC")
}

fn digits(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let slice = b.get(at..at + len)?;
    slice.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn expect(b: &[u8], at: usize, c: u8) -> std::result::Result<(), &'static str> {
    if b.get(at) == Some(&c) {
        Ok(())
    } else {
        Err("misplaced separator")
    }
}

/// Reads an optional `.d+` fraction; returns nanoseconds (extra digits are truncated), whether every
/// digit was zero, and the position after it.
fn fraction(b: &[u8], at: usize) -> std::result::Result<(u32, bool, usize), &'static str> {
    if b.get(at) != Some(&b'.') {
        return Ok((0, true, at));
    }
    let mut pos = at + 1;
    let mut nanos = 0u32;
    let mut scale = 100_000_000u32;
    let mut all_zero = true;
    while let Some(c) = b.get(pos).filter(|c| c.is_ascii_digit()) {
        let d = u32::from(c - b'0');
        all_zero &= d == 0;
        nanos += d * scale;
        scale /= 10;
        pos += 1;
    }
    if pos == at + 1 {
        return Err("fractional seconds need at least one digit");
    }
    Ok((nanos, all_zero, pos))
}

fn time_zone(b: &[u8]) -> std::result::Result<UtcOffset, &'static str> {
    match b {
        [] => Err("a time zone is required (Z or ±hh:mm)"),
        [b'Z'] => Ok(UtcOffset::UTC),
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let hours = digits(b, 1, 2).ok_or("time zone hours must be two digits")?;
            let minutes = digits(b, 4, 2).ok_or("time zone minutes must be two digits")?;
            if minutes > 59 || hours > 14 || (hours == 14 && minutes > 0) {
                return Err("time zone out of range (-14:00 to +14:00)");
            }
            let total = (hours * 3600 + minutes * 60) as i32;
            let total = if *sign == b'-' { -total } else { total };
            UtcOffset::from_whole_seconds(total).map_err(|_| "time zone out of range")
        }
        _ => Err("invalid time zone (expected Z or ±hh:mm)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_forms() {
        for (input, utc) in [
            ("2010-01-01T19:23:24Z", "2010-01-01T19:23:24Z"),
            ("2010-01-01T19:23:24.999999999Z", "2010-01-01T19:23:24Z"),
            ("2010-01-01T19:23:24.1234567891234Z", "2010-01-01T19:23:24Z"),
            ("2021-12-30T20:17:47+01:00", "2021-12-30T19:17:47Z"),
            ("2021-12-30T00:17:47-05:30", "2021-12-30T05:47:47Z"),
            ("2021-12-31T24:00:00Z", "2022-01-01T00:00:00Z"),
            ("2024-02-29T00:00:00+14:00", "2024-02-28T10:00:00Z"),
        ] {
            let t = DateTime::parse(input).unwrap();
            assert_eq!(t.to_utc_seconds(), utc, "{input}");
            assert_eq!(t.as_str(), input);
        }
    }

    #[test]
    fn invalid_forms() {
        for input in [
            "",
            "2010-01-01",
            "2010-01-01T19:23:24",
            "2010-01-01 19:23:24Z",
            "2010-01-01t19:23:24Z",
            "2010-01-01T19:23:24z",
            "2010-13-01T19:23:24Z",
            "2010-02-30T19:23:24Z",
            "2023-02-29T00:00:00Z",
            "2010-01-01T25:00:00Z",
            "2010-01-01T24:00:01Z",
            "2010-01-01T23:60:00Z",
            "2010-01-01T23:59:60Z",
            "2010-01-01T19:23:24.Z",
            "2010-01-01T19:23:24+15:00",
            "2010-01-01T19:23:24+0100",
            "0000-01-01T00:00:00Z",
            "-2010-01-01T19:23:24Z",
            "12010-01-01T19:23:24Z",
            "２０１０-01-01T19:23:24Z",
            "9999-12-31T23:59:59-14:00",
        ] {
            let err = DateTime::parse(input).unwrap_err();
            assert_eq!(err.code(), "INVALID_DATETIME", "{input}");
            assert!(!DateTime::lenient(input).is_valid());
        }
    }

    #[test]
    fn equality_is_by_instant() {
        let a = DateTime::parse("2020-01-01T01:00:00+01:00").unwrap();
        let b = DateTime::parse("2020-01-01T00:00:00Z").unwrap();
        assert_eq!(a, b);
        assert!(DateTime::parse("2020-01-01T00:00:01Z").unwrap() > b);
    }

    #[test]
    fn from_offset_date_time_is_utc_seconds() {
        let t = DateTime::from(time::macros::datetime!(2020-05-06 07:08:09.5 +02:00));
        assert_eq!(t.as_str(), "2020-05-06T05:08:09Z");
    }
}
