//! `actor_time`: each person's authored items are strictly increasing in time across every
//! artifact kind, and each source keeps its own order (Slack files sorted by unique `ts` on their
//! date; comments, changelog and reviews in time order).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::formats::{SlackTs, parse_jira_time, parse_rfc3339};
use super::items::AuthoredItem;
use super::{Check, Context, Findings};

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("actor_time");

    let mut by_person: BTreeMap<&str, Vec<&AuthoredItem>> = BTreeMap::new();
    for item in &context.items {
        by_person
            .entry(item.person.as_str())
            .or_default()
            .push(item);
    }
    for (person, items) in &mut by_person {
        items.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.place.cmp(&b.place)));
        for pair in items.windows(2) {
            if pair[0].at == pair[1].at {
                findings.flag(format!(
                    "{person}: two items at {}: {} and {}",
                    pair[0].at.to_rfc3339(),
                    pair[0].place,
                    pair[1].place
                ));
            }
        }
    }

    let zone = run.time_zone();
    let mut channel_ts: BTreeMap<(&str, SlackTs), &str> = BTreeMap::new();
    for day in &run.slack_days {
        let mut previous: Option<SlackTs> = None;
        for message in &day.messages {
            let Some(ts) = SlackTs::parse(&message.ts) else {
                continue;
            };
            if previous.is_some_and(|previous| ts <= previous) {
                findings.flag(format!(
                    "{}: ts {} is not after the message before it",
                    day.path, message.ts
                ));
            }
            previous = Some(ts);
            if let Some(first) = channel_ts.insert((&day.channel, ts), &day.path) {
                findings.flag(format!(
                    "#{}: ts {} appears twice ({first}, {})",
                    day.channel, message.ts, day.path
                ));
            }
            if let (Some(zone), Some(instant)) = (zone, ts.instant()) {
                let local = instant.with_timezone(&zone).date_naive();
                if local != day.date {
                    findings.flag(format!(
                        "{}: ts {} is on {local}, not the file's date",
                        day.path, message.ts
                    ));
                }
            }
        }
    }

    for issue in &run.issues {
        let fields = &issue.value.fields;
        let comments = fields.comment.iter().flat_map(|page| &page.comments);
        in_order(
            &mut findings,
            &issue.path,
            "comments",
            comments.map(|c| parse_jira_time(&c.created)),
        );
        let histories = issue.value.changelog.iter().flat_map(|log| &log.histories);
        in_order(
            &mut findings,
            &issue.path,
            "changelog",
            histories.map(|h| parse_jira_time(&h.created)),
        );
    }
    for pull in &run.pulls {
        let reviews = pull.value.reviews.iter();
        in_order(
            &mut findings,
            &pull.path,
            "reviews",
            reviews.map(|r| parse_rfc3339(&r.submitted_at)),
        );
    }
    findings.finish()
}

/// Flags entries of a list that come before the entry listed above them.
fn in_order(
    findings: &mut Findings,
    path: &str,
    what: &str,
    times: impl Iterator<Item = Option<DateTime<FixedOffset>>>,
) {
    let mut previous: Option<DateTime<FixedOffset>> = None;
    for (index, time) in times.enumerate() {
        let Some(time) = time else {
            continue;
        };
        if previous.is_some_and(|previous| time < previous) {
            findings.flag(format!(
                "{path}: {what} entry {} is earlier than the one before it",
                index + 1
            ));
        }
        previous = Some(time);
    }
}
