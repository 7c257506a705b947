//! The event log: the envelope of SPEC §3.1a and the typed facts of every event kind.
//!
//! **API boundary**: `Event` is the ground truth every later stage reads. Events are never
//! mutated after [`crate::log::EventLog`] seals them; a later fact is a new event.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactRef;

/// One sealed event: envelope plus typed facts. Serializes to one line of `events.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// "EVT-000042": the sequence number, zero-padded.
    pub id: String,
    /// 1-based, no gaps.
    pub seq: u64,
    /// Event type and its facts.
    #[serde(flatten)]
    pub kind: EventKind,
    /// Business-day index, from 1.
    pub day: u32,
    /// Local date of the event.
    pub date: NaiveDate,
    /// When it happened, with the company's UTC offset.
    pub timestamp: DateTime<FixedOffset>,
    /// Person ids who act in this event (unique, in order of appearance).
    pub actors: Vec<String>,
    /// Paths (relative to the output directory) of the artifacts this event produced or changed.
    pub artifacts: Vec<String>,
    /// True when the event happens outside the actor's business hours on purpose.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_hours: bool,
    /// One line of plain text.
    pub summary: String,
    /// `hash` of the previous event; 64 zeros for the first.
    pub prev_hash: String,
    /// sha256 (hex) of the canonical JSON of this event without `hash`.
    pub hash: String,
}

/// Formats an event id from its sequence number.
pub fn event_id(seq: u64) -> String {
    format!("EVT-{seq:06}")
}

/// Every event type with its typed facts. The snake-case names are fixed (SPEC §3.1a).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "facts", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EventKind {
    SprintPlanned(SprintPlanned),
    Standup(Standup),
    SprintRetro(SprintRetro),
    TicketCreated(TicketCreated),
    TicketProgressed(TicketProgressed),
    TicketCompleted(TicketCompleted),
    PrOpened(PrOpened),
    PrReviewed(PrReviewed),
    PrMerged(PrMerged),
    PagePublished(PagePublished),
    OneOnOne(OneOnOne),
    AsyncQuestion(AsyncQuestion),
    DesignDiscussion(DesignDiscussion),
    EmployeeDeparted(EmployeeDeparted),
    EmployeeHired(EmployeeHired),
    DaySummary(DaySummary),
}

impl EventKind {
    /// The fixed snake-case type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::SprintPlanned(_) => "sprint_planned",
            EventKind::Standup(_) => "standup",
            EventKind::SprintRetro(_) => "sprint_retro",
            EventKind::TicketCreated(_) => "ticket_created",
            EventKind::TicketProgressed(_) => "ticket_progressed",
            EventKind::TicketCompleted(_) => "ticket_completed",
            EventKind::PrOpened(_) => "pr_opened",
            EventKind::PrReviewed(_) => "pr_reviewed",
            EventKind::PrMerged(_) => "pr_merged",
            EventKind::PagePublished(_) => "page_published",
            EventKind::OneOnOne(_) => "one_on_one",
            EventKind::AsyncQuestion(_) => "async_question",
            EventKind::DesignDiscussion(_) => "design_discussion",
            EventKind::EmployeeDeparted(_) => "employee_departed",
            EventKind::EmployeeHired(_) => "employee_hired",
            EventKind::DaySummary(_) => "day_summary",
        }
    }

    /// The Slack thread this event posts, if any.
    pub fn thread(&self) -> Option<&Thread> {
        match self {
            EventKind::SprintPlanned(f) => Some(&f.thread),
            EventKind::Standup(f) => Some(&f.thread),
            EventKind::AsyncQuestion(f) => Some(&f.thread),
            EventKind::DesignDiscussion(f) => f.thread.as_ref(),
            EventKind::EmployeeDeparted(f) => Some(&f.thread),
            EventKind::EmployeeHired(f) => Some(&f.thread),
            _ => None,
        }
    }
}

/// A Slack thread decided by the engine: who says what kind of thing, and when. Prose fills in text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    /// Channel name without `#`.
    pub channel: String,
    /// Root message first, then replies in time order.
    pub messages: Vec<Message>,
}

/// One Slack message of a thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Person id of the author.
    pub author: String,
    /// When it was posted.
    pub timestamp: DateTime<FixedOffset>,
    /// What the message does; the prose layer writes text for it.
    pub intent: Intent,
    /// True when posted outside the author's business hours on purpose.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_hours: bool,
}

/// What a message does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Intent {
    /// The root of an announcement thread (sprint kickoff).
    Announcement,
    /// A stand-up update about one ticket (or none).
    StandupUpdate {
        ticket: Option<String>,
        /// Hours put into it on the previous business day.
        hours_yesterday: f64,
        blocked: bool,
    },
    Question,
    Answer,
    FollowUp,
    Thanks,
    Proposal,
    Agreement,
    Concern,
    Decision,
}

/// Reference to a Confluence page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRef {
    /// Numeric page id.
    pub id: u32,
    /// Space key.
    pub space: String,
    /// Page title.
    pub title: String,
}

/// A department's sprint starts: tickets committed, kickoff posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintPlanned {
    pub department: String,
    /// Sprint number, from 1.
    pub sprint: u32,
    /// "PLAT Sprint 3".
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// One-line goal.
    pub goal: String,
    /// Ticket keys committed (new and carried over).
    pub tickets: Vec<String>,
    /// Ticket keys carried over from the previous sprint.
    pub carried_over: Vec<String>,
    pub points_committed: u32,
    pub attendees: Vec<String>,
    pub duration_minutes: u32,
    /// The kickoff announcement in the department channel.
    pub thread: Thread,
}

/// A department's stand-up, posted as a thread of updates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standup {
    pub department: String,
    pub sprint: u32,
    pub thread: Thread,
}

/// A department's retro on the sprint's last day, written up as a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintRetro {
    pub department: String,
    pub sprint: u32,
    pub page: PageRef,
    pub facilitator: String,
    pub attendees: Vec<String>,
    pub completed: Vec<String>,
    pub not_completed: Vec<String>,
    pub points_committed: u32,
    pub points_completed: u32,
    pub duration_minutes: u32,
}

/// Kind of a JIRA issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum TicketKind {
    Story,
    Task,
    Bug,
}

/// JIRA priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Priority {
    Highest,
    High,
    Medium,
    Low,
}

/// JIRA workflow status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum TicketStatus {
    #[serde(rename = "To Do")]
    ToDo,
    #[serde(rename = "In Progress")]
    InProgress,
    #[serde(rename = "In Review")]
    InReview,
    Done,
}

impl TicketStatus {
    /// The name JIRA shows.
    pub fn name(self) -> &'static str {
        match self {
            TicketStatus::ToDo => "To Do",
            TicketStatus::InProgress => "In Progress",
            TicketStatus::InReview => "In Review",
            TicketStatus::Done => "Done",
        }
    }
}

/// A ticket is filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketCreated {
    pub key: String,
    pub department: String,
    pub title: String,
    pub kind: TicketKind,
    pub priority: Priority,
    /// System id the work is about, if any.
    pub system: Option<String>,
    pub story_points: u32,
    pub estimate_hours: f64,
    pub reporter: String,
    pub assignee: String,
    /// Sprint number it is committed to.
    pub sprint: Option<u32>,
}

/// Someone put hours into a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketProgressed {
    pub key: String,
    pub person: String,
    pub hours: f64,
    pub spent_hours: f64,
    pub estimate_hours: f64,
    pub status_from: TicketStatus,
    pub status_to: TicketStatus,
    /// Whether a JIRA comment was written about it.
    pub comment: bool,
}

/// A ticket is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketCompleted {
    pub key: String,
    pub person: String,
    pub spent_hours: f64,
    /// The pull request that delivered it, for code tickets.
    pub pr: Option<u32>,
}

/// A pull request is opened for a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrOpened {
    pub number: u32,
    /// Repository: the system id.
    pub repository: String,
    pub ticket: String,
    pub author: String,
    pub title: String,
    pub branch: String,
    pub reviewers: Vec<String>,
    pub additions: u32,
    pub deletions: u32,
    pub changed_files: u32,
    pub commits: u32,
}

/// Outcome of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ReviewVerdict {
    Approved,
    ChangesRequested,
}

/// A reviewer reviews a pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrReviewed {
    pub number: u32,
    pub ticket: String,
    pub author: String,
    pub reviewer: String,
    /// Review round, from 1.
    pub round: u32,
    pub verdict: ReviewVerdict,
    /// Inline comments left.
    pub comments: u32,
}

/// A pull request is merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrMerged {
    pub number: u32,
    pub ticket: String,
    pub author: String,
    pub merged_by: String,
    /// 40-hex merge commit id, derived from the seed.
    pub merge_commit: String,
    pub rounds: u32,
}

/// What a Confluence page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum PageKind {
    /// How-to or reference notes written on a normal day.
    Adhoc,
    /// Notes of a design meeting.
    Design,
    /// A sprint retro.
    Retro,
}

/// A Confluence page is published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PagePublished {
    pub page: PageRef,
    pub kind: PageKind,
    pub author: String,
    /// System the page documents, if any.
    pub system: Option<String>,
    /// Ticket keys it links to.
    pub links: Vec<String>,
    /// Documentation coverage of the system before and after, when it documents one.
    pub coverage_before: Option<f64>,
    pub coverage_after: Option<f64>,
}

/// A lead's 1:1 with a report (a meeting; no artifact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneOnOne {
    pub lead: String,
    pub report: String,
    pub duration_minutes: u32,
    /// Ticket keys discussed.
    pub topics: Vec<String>,
}

/// Someone asks a question in Slack and an expert answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsyncQuestion {
    pub asker: String,
    pub answerer: String,
    pub system: Option<String>,
    pub ticket: Option<String>,
    pub thread: Thread,
}

/// Format of a design discussion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum DiscussionFormat {
    Thread,
    Meeting,
}

/// A design discussion about a system, held in a thread or a meeting with notes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignDiscussion {
    pub department: String,
    pub system: String,
    /// What is being decided, e.g. "caching strategy for Payments API".
    pub topic: String,
    /// The option chosen.
    pub decision: String,
    /// The option rejected.
    pub alternative: String,
    pub participants: Vec<String>,
    pub format: DiscussionFormat,
    pub thread: Option<Thread>,
    /// Meeting notes page, for meetings.
    pub page: Option<PageRef>,
}

/// A ticket or review handed from one person to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    /// Ticket key, or pull-request number as a string for reviews and PR ownership.
    pub item: String,
    pub from: String,
    pub to: String,
}

/// Someone leaves the company (before the day's planning). Their work is handed off and their
/// lead announces it in the department channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmployeeDeparted {
    pub person: String,
    pub department: String,
    pub reason: String,
    /// Share of their knowledge that is written down.
    pub documented_pct: f64,
    /// Open tickets reassigned (JIRA assignee changes).
    pub tickets: Vec<Handoff>,
    /// Pending pull-request reviews handed to another reviewer.
    pub reviews: Vec<Handoff>,
    /// Open pull requests they authored, handed to a new owner who finishes them.
    pub pull_requests: Vec<Handoff>,
    /// The lead's announcement.
    pub thread: Thread,
}

/// Someone joins the company; their lead welcomes them in the department channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmployeeHired {
    pub person: String,
    pub name: String,
    pub department: String,
    pub role: String,
    pub thread: Thread,
}

/// End-of-day counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    pub headcount: u32,
    pub events: u32,
    pub tickets_open: u32,
    pub tickets_done: u32,
    pub prs_open: u32,
    pub prs_merged: u32,
}

/// An event before it is sealed: what the engine decided, without sequence or hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Event type and facts.
    pub kind: EventKind,
    /// When it happened.
    pub timestamp: DateTime<FixedOffset>,
    /// Person ids who act.
    pub actors: Vec<String>,
    /// Artifacts produced or changed.
    pub artifacts: Vec<ArtifactRef>,
    /// Deliberately outside business hours.
    pub after_hours: bool,
    /// One line of plain text.
    pub summary: String,
}
