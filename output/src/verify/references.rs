//! `references`: every name in the corpus resolves: Slack users, mentions and channels, ticket
//! keys, page ids, and people (event actors, JIRA and GitHub users) in the roster.

use std::collections::BTreeSet;

use super::formats::{Scalar, closed_keys, is_ticket_key, mentions};
use super::{Check, Context, Findings};

/// Runs the check.
pub(crate) fn check(context: &Context) -> Check {
    let run = &context.run;
    let mut findings = Findings::new("references");
    let roster = run.roster();
    let has_roster = run.snapshot.is_some();
    let person = |who: &str, place: &dyn Fn() -> String, findings: &mut Findings| {
        if has_roster && !roster.contains_key(who) {
            findings.flag(format!("{}: `{who}` is not in the roster", place()));
        }
    };

    for event in &run.events {
        for actor in &event.actors {
            person(actor, &|| format!("{} actor", event.id), &mut findings);
        }
    }

    // Slack: users, channels, messages.
    let mut user_ids: BTreeSet<&str> = BTreeSet::new();
    for user in &run.users {
        if !user_ids.insert(&user.id) {
            findings.flag(format!(
                "slack/users.json: user id {} appears twice",
                user.id
            ));
        }
        if !user.is_bot {
            person(
                &user.name,
                &|| format!("slack/users.json user {}", user.id),
                &mut findings,
            );
        }
    }
    let user = |id: &str, place: &dyn Fn() -> String, findings: &mut Findings| {
        if !user_ids.contains(id) {
            findings.flag(format!("{}: user {id} is not in slack/users.json", place()));
        }
    };
    let channel_names: BTreeSet<&str> = run
        .channels
        .iter()
        .map(|channel| channel.name.as_str())
        .collect();
    for channel in &run.channels {
        let place = || format!("slack/channels.json #{}", channel.name);
        for member in channel.creator.iter().chain(&channel.members) {
            user(member, &place, &mut findings);
        }
    }
    let mut unknown_channels: BTreeSet<&str> = BTreeSet::new();
    for day in &run.slack_days {
        if !channel_names.contains(day.channel.as_str()) && unknown_channels.insert(&day.channel) {
            findings.flag(format!(
                "slack/{}: channel is not in slack/channels.json",
                day.channel
            ));
        }
        for message in &day.messages {
            let place = || format!("{} ts {}", day.path, message.ts);
            user(&message.user, &place, &mut findings);
            for mentioned in mentions(&message.text) {
                user(&mentioned, &place, &mut findings);
            }
            if let Some(parent) = &message.parent_user_id {
                user(parent, &place, &mut findings);
            }
        }
    }

    // JIRA.
    let ticket_files: BTreeSet<String> = run
        .files
        .keys()
        .filter_map(|path| path.strip_prefix("jira/")?.strip_suffix(".json"))
        .map(str::to_string)
        .collect();
    let ticket = |key: &str, place: &dyn Fn() -> String, findings: &mut Findings| {
        if !ticket_files.contains(key) {
            findings.flag(format!("{}: ticket {key} has no jira/{key}.json", place()));
        }
    };
    for issue in &run.issues {
        let path = &issue.path;
        let value = &issue.value;
        if *path != format!("jira/{}.json", value.key) {
            findings.flag(format!(
                "{path}: key {} does not match the file name",
                value.key
            ));
        }
        let fields = &value.fields;
        for (role, jira_user) in [
            ("assignee", &fields.assignee),
            ("reporter", &fields.reporter),
        ] {
            if let Some(jira_user) = jira_user {
                person(&jira_user.name, &|| format!("{path} {role}"), &mut findings);
            }
        }
        for comment in fields.comment.iter().flat_map(|page| &page.comments) {
            person(
                &comment.author.name,
                &|| format!("{path} comment author"),
                &mut findings,
            );
        }
        for history in value.changelog.iter().flat_map(|log| &log.histories) {
            if let Some(author) = &history.author {
                person(
                    &author.name,
                    &|| format!("{path} changelog author"),
                    &mut findings,
                );
            }
        }
        for link in &fields.issuelinks {
            for linked in link.inward_issue.iter().chain(&link.outward_issue) {
                ticket(&linked.key, &|| format!("{path} issuelinks"), &mut findings);
            }
        }
    }

    // Git pull requests.
    for pull in &run.pulls {
        let path = &pull.path;
        let pr = &pull.value;
        if *path != format!("git/prs/{}.json", pr.number) {
            findings.flag(format!(
                "{path}: number {} does not match the file name",
                pr.number
            ));
        }
        person(&pr.user.login, &|| format!("{path} user"), &mut findings);
        for reviewer in &pr.requested_reviewers {
            person(
                &reviewer.login,
                &|| format!("{path} requested reviewer"),
                &mut findings,
            );
        }
        for review in &pr.reviews {
            person(
                &review.user.login,
                &|| format!("{path} reviewer"),
                &mut findings,
            );
        }
        if let Some(merged_by) = &pr.merged_by {
            person(
                &merged_by.login,
                &|| format!("{path} merged_by"),
                &mut findings,
            );
        }
        if let Some(key) = &pr.linked_issue {
            ticket(key, &|| format!("{path} linked_issue"), &mut findings);
        }
        for key in closed_keys(pr.body.as_deref().unwrap_or("")) {
            ticket(
                &key,
                &|| format!("{path} body `Closes {key}`"),
                &mut findings,
            );
        }
    }

    // Confluence pages.
    let page_ids: BTreeSet<String> = run
        .files
        .keys()
        .filter_map(|path| {
            let rest = path.strip_prefix("confluence/")?;
            let (_, file) = rest.split_once('/')?;
            file.strip_suffix(".md").map(str::to_string)
        })
        .collect();
    for page in &run.pages {
        let path = &page.path;
        let front = &page.value;
        let id = front.id.text();
        let space_ok = front
            .space
            .as_deref()
            .is_none_or(|space| path.starts_with(&format!("confluence/{space}/")));
        if !path.ends_with(&format!("/{id}.md")) || !space_ok {
            findings.flag(format!(
                "{path}: id {id} or space does not match the file name"
            ));
        }
        person(&front.author, &|| format!("{path} author"), &mut findings);
        for link in &front.links {
            let target = link.text();
            let resolves = match link {
                Scalar::Text(text) if is_ticket_key(text) => ticket_files.contains(text),
                _ => page_ids.contains(&target),
            };
            if !resolves {
                findings.flag(format!(
                    "{path}: link {target} resolves to no ticket or page"
                ));
            }
        }
    }
    findings.finish()
}
