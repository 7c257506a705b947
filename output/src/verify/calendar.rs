//! The scenario's calendar, recomputed from `scenario.yaml`: work days, business-day dates, hours.

use chrono::{Datelike, NaiveDate, NaiveTime};
use orgforge_engine::scenario::{ClockTime, Scenario};

/// Most calendar days searched for business days; a calendar with no work day ends the search.
const MAX_CALENDAR_DAYS: u32 = 366 * 20;

/// True when people work on `date`: a configured work day and not a holiday.
pub(crate) fn is_work_day(scenario: &Scenario, date: NaiveDate) -> bool {
    let weekday = date.weekday();
    scenario
        .calendar
        .work_days
        .iter()
        .any(|day| day.to_chrono() == weekday)
        && !scenario.calendar.holidays.contains(&date)
}

/// Dates of business days 1..=count: the start date moved forward to a work day, then every
/// following work day.
pub(crate) fn business_dates(scenario: &Scenario, count: u32) -> Vec<NaiveDate> {
    let mut dates = Vec::with_capacity(count as usize);
    let mut date = scenario.company.start_date;
    let mut searched = 0;
    while dates.len() < count as usize && searched < MAX_CALENDAR_DAYS {
        if is_work_day(scenario, date) {
            dates.push(date);
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
        searched += 1;
    }
    dates
}

/// Business hours of a person, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Hours {
    /// Parses roster hours ("HH:MM").
    pub fn parse(start: &str, end: &str) -> Option<Hours> {
        let time =
            |clock: ClockTime| NaiveTime::from_hms_opt(clock.minutes / 60, clock.minutes % 60, 0);
        Some(Hours {
            start: time(ClockTime::parse(start)?)?,
            end: time(ClockTime::parse(end)?)?,
        })
    }

    /// True when `time` lies inside the hours (a window past midnight wraps).
    pub fn contains(self, time: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= time && time < self.end
        } else {
            self.start <= time || time < self.end
        }
    }
}
