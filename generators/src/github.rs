//! Pull requests: `git/prs/<n>.json`, shaped like the GitHub REST API pull request, with its
//! reviews (FORMATS.md). Times are UTC with a `Z`, GitHub's convention.

use orgforge_engine::event::{Event, EventKind, PrOpened, ReviewVerdict, TicketKind};
use serde::Serialize;
use serde_json::{Value, json};

use crate::ids::{github_review_id, head_commit_sha};
use crate::lookup::{Lookup, write};
use crate::prose::{ProseBackend, ProseKind};
use crate::time_format::github_time;
use crate::{RenderError, to_json_bytes};

/// Offset of GitHub deployment ids (above the review id space); one deployment per event.
const GITHUB_DEPLOYMENT_ID_BASE: u64 = 2_000_000_000;

/// GitHub deployment id of a `deploy` event, from its sequence number.
fn github_deployment_id(seq: u64) -> u64 {
    GITHUB_DEPLOYMENT_ID_BASE + seq
}

/// Branch every pull request targets.
const BASE_BRANCH: &str = "main";

#[derive(Serialize)]
struct PullRequest {
    number: u32,
    title: String,
    body: String,
    state: &'static str,
    user: Login,
    created_at: String,
    updated_at: String,
    closed_at: Option<String>,
    merged_at: Option<String>,
    merged: bool,
    merged_by: Option<Login>,
    assignee: Login,
    merge_commit_sha: Option<String>,
    draft: bool,
    head: Head,
    base: Base,
    requested_reviewers: Vec<Login>,
    additions: u32,
    deletions: u32,
    changed_files: u32,
    commits: u32,
    review_comments: u32,
    reviews: Vec<Review>,
    /// Deployments of the merged change, shaped like GitHub's deployments API.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deployments: Vec<Deployment>,
    linked_issue: String,
    orgforge: Provenance,
}

#[derive(Serialize)]
struct Login {
    login: String,
}

#[derive(Serialize)]
struct Head {
    #[serde(rename = "ref")]
    branch: String,
    sha: String,
}

#[derive(Serialize)]
struct Base {
    #[serde(rename = "ref")]
    branch: &'static str,
    repo: Repo,
}

#[derive(Serialize)]
struct Repo {
    name: String,
    full_name: String,
}

#[derive(Serialize)]
struct Review {
    id: u64,
    user: Login,
    body: String,
    state: &'static str,
    submitted_at: String,
}

#[derive(Serialize)]
struct Deployment {
    id: u64,
    sha: String,
    #[serde(rename = "ref")]
    branch: &'static str,
    task: &'static str,
    environment: &'static str,
    description: String,
    creator: Login,
    created_at: String,
    updated_at: String,
    statuses_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    incident: Option<String>,
}

#[derive(Serialize)]
struct Provenance {
    events: Vec<String>,
}

fn login(lookup: &Lookup<'_>, event: &Event, person: &str) -> Result<Login, RenderError> {
    Ok(Login {
        login: lookup.person(event, person)?.id.clone(),
    })
}

/// The GitHub organization: the first label of the company's email domain.
fn organization(lookup: &Lookup<'_>) -> String {
    let domain = &lookup.outcome.scenario.company.domain;
    domain.split('.').next().unwrap_or(domain).to_string()
}

fn body(
    lookup: &Lookup<'_>,
    event: &Event,
    pr: &PrOpened,
    prose: &mut dyn ProseBackend,
) -> Result<String, RenderError> {
    let system = match lookup.system(event, &pr.repository) {
        Ok(_) => lookup.system_json(event, &pr.repository)?,
        Err(_) => Value::Null,
    };
    let ticket = lookup.ticket(&pr.ticket);
    let kind = match ticket.map(|ticket| ticket.kind) {
        Some(TicketKind::Bug) => "bug",
        Some(TicketKind::Story) => "story",
        Some(TicketKind::Task) | None => "task",
    };
    let reviewers = pr
        .reviewers
        .iter()
        .map(|id| lookup.person_json(event, id))
        .collect::<Result<Vec<_>, _>>()?;
    let closes = format!("Closes {}", pr.ticket);
    let context = json!({
        "number": pr.number,
        "title": pr.title,
        "summary": ticket.map_or(pr.title.as_str(), |ticket| ticket.title.as_str()),
        "ticket": {
            "key": pr.ticket,
            "title": ticket.map_or(pr.title.as_str(), |ticket| ticket.title.as_str()),
            "kind": kind,
        },
        "repository": pr.repository,
        "system": system,
        "branch": pr.branch,
        "additions": pr.additions,
        "deletions": pr.deletions,
        "changed_files": pr.changed_files,
        "commits": pr.commits,
        "reviewers": reviewers,
        "closes": closes,
    });
    let request = lookup.request(
        event,
        0,
        ProseKind::PrBody,
        &pr.author,
        vec![closes],
        context,
    )?;
    write(prose, &request)
}

/// Renders one pull request from the events that touched it, in sequence order.
pub(crate) fn render(
    lookup: &Lookup<'_>,
    path: &str,
    events: &[&Event],
    prose: &mut dyn ProseBackend,
) -> Result<Vec<u8>, RenderError> {
    let Some((opened_event, pr)) = events.iter().find_map(|event| match &event.kind {
        EventKind::PrOpened(pr) if format!("git/prs/{}.json", pr.number) == path => {
            Some((*event, pr))
        }
        _ => None,
    }) else {
        return Err(RenderError::MissingEvent {
            path: path.to_string(),
            expected: "pr_opened",
        });
    };
    let body = body(lookup, opened_event, pr, prose)?;

    let mut reviews = Vec::new();
    let mut review_comments = 0;
    let mut merge = None;
    let mut updated = opened_event.timestamp;
    let mut requested: Vec<String> = pr.reviewers.clone();
    let mut owner = pr.author.clone();
    let mut deployments = Vec::new();
    let item = pr.number.to_string();
    for event in events {
        updated = updated.max(event.timestamp);
        match &event.kind {
            EventKind::PrReviewed(review) if review.number == pr.number => {
                review_comments += review.comments;
                let verdict = match review.verdict {
                    ReviewVerdict::Approved => "approved",
                    ReviewVerdict::ChangesRequested => "changes_requested",
                };
                let required = if review.comments > 0 {
                    vec![review.comments.to_string()]
                } else {
                    Vec::new()
                };
                let context = json!({
                    "number": review.number,
                    "ticket": review.ticket,
                    "verdict": verdict,
                    "round": review.round,
                    "comments": review.comments,
                    "pr_author": lookup.person_json(event, &review.author)?,
                });
                let request = lookup.request(
                    event,
                    0,
                    ProseKind::ReviewBody,
                    &review.reviewer,
                    required,
                    context,
                )?;
                reviews.push(Review {
                    id: github_review_id(event.seq),
                    user: login(lookup, event, &review.reviewer)?,
                    body: write(prose, &request)?,
                    state: match review.verdict {
                        ReviewVerdict::Approved => "APPROVED",
                        ReviewVerdict::ChangesRequested => "CHANGES_REQUESTED",
                    },
                    submitted_at: github_time(&event.timestamp),
                });
            }
            EventKind::EmployeeDeparted(departed) => {
                for handoff in departed.reviews.iter().filter(|h| h.item == item) {
                    requested.retain(|reviewer| reviewer != &handoff.from);
                    if !requested.contains(&handoff.to) {
                        requested.push(handoff.to.clone());
                    }
                }
                for handoff in departed.pull_requests.iter().filter(|h| h.item == item) {
                    owner = handoff.to.clone();
                }
            }
            EventKind::PrMerged(merged) if merged.number == pr.number => {
                merge = Some((*event, merged));
            }
            EventKind::Deploy(deploy) if deploy.pr == pr.number => {
                let id = github_deployment_id(event.seq);
                let created = github_time(&event.timestamp);
                deployments.push(Deployment {
                    id,
                    sha: deploy.commit.clone(),
                    branch: BASE_BRANCH,
                    task: "deploy",
                    environment: "production",
                    description: match &deploy.incident {
                        Some(incident) => format!("Deploy fix for {incident}"),
                        None => format!("Deploy #{}", pr.number),
                    },
                    creator: login(lookup, event, &deploy.by)?,
                    created_at: created.clone(),
                    updated_at: created,
                    statuses_url: format!(
                        "https://api.github.com/repos/{}/{}/deployments/{id}/statuses",
                        organization(lookup),
                        pr.repository
                    ),
                    incident: deploy.incident.clone(),
                });
            }
            _ => {}
        }
    }

    let merged_at = merge.map(|(event, _)| github_time(&event.timestamp));
    let merged_by = match merge {
        Some((event, merged)) => Some(login(lookup, event, &merged.merged_by)?),
        None => None,
    };
    let requested_reviewers = requested
        .iter()
        .map(|reviewer| login(lookup, opened_event, reviewer))
        .collect::<Result<Vec<_>, _>>()?;
    let pull_request = PullRequest {
        number: pr.number,
        title: pr.title.clone(),
        body,
        state: if merge.is_some() { "closed" } else { "open" },
        user: login(lookup, opened_event, &pr.author)?,
        created_at: github_time(&opened_event.timestamp),
        updated_at: github_time(&updated),
        closed_at: merged_at.clone(),
        merged_at,
        merged: merge.is_some(),
        merged_by,
        assignee: login(lookup, opened_event, &owner)?,
        merge_commit_sha: merge.map(|(_, merged)| merged.merge_commit.clone()),
        draft: false,
        head: Head {
            branch: pr.branch.clone(),
            sha: head_commit_sha(&pr.repository, pr.number, pr.commits),
        },
        base: Base {
            branch: BASE_BRANCH,
            repo: Repo {
                name: pr.repository.clone(),
                full_name: format!("{}/{}", organization(lookup), pr.repository),
            },
        },
        requested_reviewers,
        additions: pr.additions,
        deletions: pr.deletions,
        changed_files: pr.changed_files,
        commits: pr.commits,
        review_comments,
        reviews,
        deployments,
        linked_issue: pr.ticket.clone(),
        orgforge: Provenance {
            events: events.iter().map(|event| event.id.clone()).collect(),
        },
    };
    to_json_bytes(path, &pull_request)
}
