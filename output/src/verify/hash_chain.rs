//! `hash_chain`: the event log is a gapless, correctly hashed chain in time order, and every
//! event's day, date and timestamp agree with each other and with the calendar.

use chrono::Offset;
use orgforge_engine::event::event_id;
use orgforge_engine::log::{GENESIS_HASH, event_hash};

use super::calendar::business_dates;
use super::{Check, Context, Findings};

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("hash_chain");
    if run.event_lines != run.events.len() as u64 {
        findings.flag(format!(
            "events.jsonl: {} of {} lines are not events",
            run.event_lines - run.events.len() as u64,
            run.event_lines
        ));
    }
    let last_day = run.events.iter().map(|event| event.day).max().unwrap_or(0);
    let dates = run
        .scenario
        .as_ref()
        .map(|scenario| business_dates(scenario, last_day));
    let zone = run.time_zone();

    let mut previous: Option<&orgforge_engine::event::Event> = None;
    for event in &run.events {
        let id = &event.id;
        let expected_seq = previous.map_or(1, |p| p.seq + 1);
        if event.seq != expected_seq {
            findings.flag(format!(
                "{id}: seq {} where {expected_seq} was expected",
                event.seq
            ));
        }
        if *id != event_id(event.seq) {
            findings.flag(format!("{id}: id does not match seq {}", event.seq));
        }
        let expected_prev = previous.map_or(GENESIS_HASH, |p| p.hash.as_str());
        if event.prev_hash != expected_prev {
            findings.flag(format!(
                "{id}: prev_hash does not link to the previous event"
            ));
        }
        if event.hash != event_hash(event) {
            findings.flag(format!(
                "{id}: hash does not recompute (the event was changed)"
            ));
        }
        if let Some(previous) = previous {
            if event.timestamp < previous.timestamp {
                findings.flag(format!(
                    "{id}: timestamp {} is before the previous event's {}",
                    event.timestamp.to_rfc3339(),
                    previous.timestamp.to_rfc3339()
                ));
            }
            if event.day < previous.day {
                findings.flag(format!(
                    "{id}: day {} after day {}",
                    event.day, previous.day
                ));
            } else if event.day == previous.day && event.date != previous.date {
                findings.flag(format!("{id}: day {} has two dates", event.day));
            } else if event.day > previous.day && event.date <= previous.date {
                findings.flag(format!(
                    "{id}: day {} is not after the date of day {}",
                    event.day, previous.day
                ));
            }
        }
        if event.timestamp.date_naive() != event.date {
            findings.flag(format!(
                "{id}: timestamp {} is not on its date {}",
                event.timestamp.to_rfc3339(),
                event.date
            ));
        }
        if let Some(dates) = &dates {
            match event
                .day
                .checked_sub(1)
                .and_then(|index| dates.get(index as usize))
            {
                Some(date) if *date == event.date => {}
                Some(date) => findings.flag(format!(
                    "{id}: day {} is {date} by the calendar, not {}",
                    event.day, event.date
                )),
                None => findings.flag(format!(
                    "{id}: day {} is not a business day of the calendar",
                    event.day
                )),
            }
        }
        if let Some(zone) = zone {
            let expected = event.timestamp.with_timezone(&zone).offset().fix();
            if *event.timestamp.offset() != expected {
                findings.flag(format!(
                    "{id}: timestamp offset {} is not the company's {expected}",
                    event.timestamp.offset()
                ));
            }
        }
        previous = Some(event);
    }
    findings.finish()
}
