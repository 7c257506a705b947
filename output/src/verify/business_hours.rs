//! `business_hours`: each authored item lies on a work day inside its author's business hours
//! (company time zone), unless it is flagged after-hours.

use super::calendar::{Hours, is_work_day};
use super::{Check, Context, Findings};

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("business_hours");
    let Some(scenario) = &run.scenario else {
        return findings.finish();
    };
    let Some(zone) = run.time_zone() else {
        findings.flag(format!(
            "company timezone `{}` is not an IANA time zone",
            scenario.company.timezone
        ));
        return findings.finish();
    };
    let roster = run.roster();
    for item in &context.items {
        if item.after_hours {
            continue;
        }
        let Some(person) = roster.get(item.person.as_str()) else {
            continue;
        };
        let local = item.at.with_timezone(&zone);
        let date = local.date_naive();
        if !is_work_day(scenario, date) {
            findings.flag(format!(
                "{}: {} on {date}, not a work day, unflagged",
                item.place, item.person
            ));
            continue;
        }
        let Some(hours) = Hours::parse(&person.hours_start, &person.hours_end) else {
            findings.flag(format!(
                "{}: roster hours of {} do not parse",
                item.place, item.person
            ));
            continue;
        };
        if !hours.contains(local.time()) {
            findings.flag(format!(
                "{}: {} at {} local, outside {}-{}, unflagged",
                item.place,
                item.person,
                local.format("%H:%M:%S"),
                person.hours_start,
                person.hours_end
            ));
        }
    }
    findings.finish()
}
