//! `replies_after_parents`: effects never precede their causes inside an artifact. Slack replies
//! follow their root in the same channel; JIRA comments and changelog follow the issue's
//! creation; reviews follow the PR's opening, the merge follows the last review, closing follows
//! the merge.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};

use super::formats::{SlackMessage, SlackTs, parse_jira_time, parse_rfc3339};
use super::{Check, Context, Findings};

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("replies_after_parents");

    let mut channels: BTreeMap<&str, BTreeMap<SlackTs, &SlackMessage>> = BTreeMap::new();
    for day in &run.slack_days {
        let messages = channels.entry(&day.channel).or_default();
        for message in &day.messages {
            if let Some(ts) = SlackTs::parse(&message.ts) {
                messages.insert(ts, message);
            }
        }
    }
    for day in &run.slack_days {
        let Some(messages) = channels.get(day.channel.as_str()) else {
            continue;
        };
        for message in &day.messages {
            let place = || format!("{} ts {}", day.path, message.ts);
            let Some(ts) = SlackTs::parse(&message.ts) else {
                continue;
            };
            let Some(thread) = &message.thread_ts else {
                continue;
            };
            let Some(root_ts) = SlackTs::parse(thread) else {
                findings.flag(format!("{}: thread_ts {thread} does not parse", place()));
                continue;
            };
            if root_ts == ts {
                for reply in &message.replies {
                    let listed =
                        SlackTs::parse(&reply.ts).and_then(|reply_ts| messages.get(&reply_ts));
                    let matches = listed.is_some_and(|found| {
                        found.user == reply.user
                            && found.thread_ts.as_deref() == Some(thread.as_str())
                    });
                    if !matches {
                        findings.flag(format!(
                            "{}: listed reply {} is not a reply in the channel",
                            place(),
                            reply.ts
                        ));
                    }
                }
                continue;
            }
            if ts <= root_ts {
                findings.flag(format!("{}: reply is not after its root {thread}", place()));
            }
            match messages.get(&root_ts) {
                None => findings.flag(format!(
                    "{}: root {thread} is not in #{}",
                    place(),
                    day.channel
                )),
                Some(root) => {
                    if message
                        .parent_user_id
                        .as_ref()
                        .is_some_and(|parent| *parent != root.user)
                    {
                        findings.flag(format!(
                            "{}: parent_user_id is not the root's user",
                            place()
                        ));
                    }
                }
            }
        }
    }

    for issue in &run.issues {
        let path = &issue.path;
        let fields = &issue.value.fields;
        let Some(created) = parse_jira_time(&fields.created) else {
            continue;
        };
        for (index, comment) in fields
            .comment
            .iter()
            .flat_map(|page| &page.comments)
            .enumerate()
        {
            if parse_jira_time(&comment.created).is_some_and(|time| time <= created) {
                findings.flag(format!(
                    "{path}: comment {} is not after the issue was created",
                    index + 1
                ));
            }
        }
        for (index, history) in issue
            .value
            .changelog
            .iter()
            .flat_map(|log| &log.histories)
            .enumerate()
        {
            if parse_jira_time(&history.created).is_some_and(|time| time < created) {
                findings.flag(format!(
                    "{path}: changelog entry {} is before the issue was created",
                    index + 1
                ));
            }
        }
        for (name, time) in [
            ("updated", &fields.updated),
            ("resolutiondate", &fields.resolutiondate),
        ] {
            if time
                .as_deref()
                .and_then(parse_jira_time)
                .is_some_and(|time| time < created)
            {
                findings.flag(format!("{path}: {name} is before created"));
            }
        }
    }

    for pull in &run.pulls {
        let path = &pull.path;
        let pr = &pull.value;
        let Some(created) = parse_rfc3339(&pr.created_at) else {
            continue;
        };
        let mut last_review: Option<DateTime<FixedOffset>> = None;
        for (index, review) in pr.reviews.iter().enumerate() {
            let Some(submitted) = parse_rfc3339(&review.submitted_at) else {
                continue;
            };
            if submitted <= created {
                findings.flag(format!(
                    "{path}: review {} is not after the PR was opened",
                    index + 1
                ));
            }
            last_review = last_review.max(Some(submitted));
        }
        let merged_at = pr.merged_at.as_deref().and_then(parse_rfc3339);
        if pr.merged != pr.merged_at.is_some() || pr.merged != pr.merged_by.is_some() {
            findings.flag(format!("{path}: merged, merged_at and merged_by disagree"));
        }
        if let Some(merged_at) = merged_at {
            if merged_at <= created {
                findings.flag(format!("{path}: merged_at is not after created_at"));
            }
            if last_review.is_some_and(|review| merged_at <= review) {
                findings.flag(format!("{path}: merged_at is not after the last review"));
            }
            let closed_at = pr.closed_at.as_deref().and_then(parse_rfc3339);
            if closed_at.is_none_or(|closed| closed < merged_at) {
                findings.flag(format!("{path}: closed_at is missing or before merged_at"));
            }
        }
    }
    findings.finish()
}
