//! The business calendar: which dates are worked, and local wall time in the company's zone.
//!
//! Engine time is an [`Instant`]: seconds since the Unix epoch. Conversion to local dates and
//! RFC 3339 timestamps with the company's offset happens here, DST included.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::scenario::{Calendar as CalendarSpec, ClockTime};

/// Seconds since the Unix epoch.
pub type Instant = i64;

/// Most calendar days searched for the next work day (a year of holidays is still a bug).
const MAX_DAYS_SCANNED: u32 = 400;

/// The run's business days and the company's time zone.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    zone: Tz,
    dates: Vec<NaiveDate>,
}

/// A calendar cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalendarError {
    /// The zone name is not in the IANA database.
    #[error("unknown time zone `{0}`")]
    UnknownZone(String),
    /// No work day was found.
    #[error("no work day found within {MAX_DAYS_SCANNED} days of {0}")]
    NoWorkDay(NaiveDate),
}

impl BusinessCalendar {
    /// The first `days` business days on or after `start`.
    pub fn new(
        zone_name: &str,
        start: NaiveDate,
        days: u32,
        spec: &CalendarSpec,
    ) -> Result<BusinessCalendar, CalendarError> {
        let zone: Tz = zone_name
            .parse()
            .map_err(|_| CalendarError::UnknownZone(zone_name.to_string()))?;
        let mut dates = Vec::with_capacity(days as usize);
        let mut date = start;
        let mut gap = 0;
        while dates.len() < days as usize {
            let worked = spec
                .work_days
                .iter()
                .any(|w| w.to_chrono() == date.weekday())
                && !spec.holidays.contains(&date);
            if worked {
                dates.push(date);
                gap = 0;
            } else {
                gap += 1;
                if gap > MAX_DAYS_SCANNED {
                    return Err(CalendarError::NoWorkDay(start));
                }
            }
            date = date.succ_opt().ok_or(CalendarError::NoWorkDay(start))?;
        }
        Ok(BusinessCalendar { zone, dates })
    }

    /// Number of business days.
    pub fn days(&self) -> u32 {
        self.dates.len() as u32
    }

    /// Date of business day `day` (1-based).
    pub fn date(&self, day: u32) -> NaiveDate {
        let index = (day.max(1) - 1) as usize;
        self.dates
            .get(index)
            .or(self.dates.last())
            .copied()
            .unwrap_or_default()
    }

    /// The company's time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The instant of a local wall time on `date`. A time inside a DST gap moves forward an hour.
    pub fn at(&self, date: NaiveDate, time: ClockTime) -> Instant {
        let naive = date.and_hms_opt(time.minutes / 60, time.minutes % 60, 0);
        let naive = naive.unwrap_or_else(|| NaiveDateTime::from(date));
        let resolved = self
            .zone
            .from_local_datetime(&naive)
            .earliest()
            .or_else(|| {
                let later = naive + chrono::Duration::hours(1);
                self.zone.from_local_datetime(&later).earliest()
            });
        resolved.map_or(0, |t| t.timestamp())
    }

    /// An instant as a timestamp with the company's offset.
    pub fn timestamp(&self, instant: Instant) -> DateTime<FixedOffset> {
        match self.zone.timestamp_opt(instant, 0).single() {
            Some(t) => t.fixed_offset(),
            None => DateTime::<chrono::Utc>::default().fixed_offset(),
        }
    }

    /// Local date of an instant.
    pub fn local_date(&self, instant: Instant) -> NaiveDate {
        self.timestamp(instant).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Calendar as Spec;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn skips_weekends_and_holidays() {
        let spec = Spec {
            holidays: vec![date(2026, 3, 4)],
            ..Spec::default()
        };
        // 2026-02-28 is a Saturday.
        let cal = BusinessCalendar::new("UTC", date(2026, 2, 28), 4, &spec)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cal.date(1), date(2026, 3, 2));
        assert_eq!(cal.date(2), date(2026, 3, 3));
        assert_eq!(cal.date(3), date(2026, 3, 5));
        assert_eq!(cal.date(4), date(2026, 3, 6));
    }

    #[test]
    fn offsets_follow_daylight_saving() {
        let cal = BusinessCalendar::new("America/Chicago", date(2026, 3, 6), 3, &Spec::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let friday = cal.timestamp(cal.at(date(2026, 3, 6), ClockTime::hm(9, 0)));
        let monday = cal.timestamp(cal.at(date(2026, 3, 9), ClockTime::hm(9, 0)));
        assert_eq!(friday.to_rfc3339(), "2026-03-06T09:00:00-06:00");
        assert_eq!(monday.to_rfc3339(), "2026-03-09T09:00:00-05:00");
    }

    #[test]
    fn unknown_zone_is_an_error() {
        assert!(
            BusinessCalendar::new("Mars/Olympus", date(2026, 3, 2), 1, &Spec::default()).is_err()
        );
    }
}
