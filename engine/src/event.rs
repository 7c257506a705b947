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
    IncidentOpened(IncidentOpened),
    IncidentStageChanged(IncidentStageChanged),
    IncidentResolved(IncidentResolved),
    RecurrenceDetected(RecurrenceDetected),
    Deploy(Deploy),
    PostmortemPublished(PostmortemPublished),
    Escalation(Escalation),
    EmailReceived(EmailMessage),
    EmailSent(EmailMessage),
    EmailRelayed(EmailRelayed),
    EmailDropped(EmailDropped),
    WorkReassigned(WorkReassigned),
    RotationUpdated(RotationUpdated),
    SystemOwnerChanged(SystemOwnerChanged),
    AccountLapsed(AccountLapsed),
    KnowledgeOrphaned(KnowledgeOrphaned),
    KnowledgeClaimed(KnowledgeClaimed),
    KnowledgeGapDetected(KnowledgeGapDetected),
    BurnoutStarted(BurnoutChanged),
    BurnoutEnded(BurnoutChanged),
    AttritionBlocked(AttritionBlocked),
    OnboardingPlanned(OnboardingPlanned),
    OnboardingSession(OnboardingSession),
    HireWarmedUp(HireWarmedUp),
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
            EventKind::IncidentOpened(_) => "incident_opened",
            EventKind::IncidentStageChanged(_) => "incident_stage_changed",
            EventKind::IncidentResolved(_) => "incident_resolved",
            EventKind::RecurrenceDetected(_) => "recurrence_detected",
            EventKind::Deploy(_) => "deploy",
            EventKind::PostmortemPublished(_) => "postmortem_published",
            EventKind::Escalation(_) => "escalation",
            EventKind::EmailReceived(_) => "email_received",
            EventKind::EmailSent(_) => "email_sent",
            EventKind::EmailRelayed(_) => "email_relayed",
            EventKind::EmailDropped(_) => "email_dropped",
            EventKind::WorkReassigned(_) => "work_reassigned",
            EventKind::RotationUpdated(_) => "rotation_updated",
            EventKind::SystemOwnerChanged(_) => "system_owner_changed",
            EventKind::AccountLapsed(_) => "account_lapsed",
            EventKind::KnowledgeOrphaned(_) => "knowledge_orphaned",
            EventKind::KnowledgeClaimed(_) => "knowledge_claimed",
            EventKind::KnowledgeGapDetected(_) => "knowledge_gap_detected",
            EventKind::BurnoutStarted(_) => "burnout_started",
            EventKind::BurnoutEnded(_) => "burnout_ended",
            EventKind::AttritionBlocked(_) => "attrition_blocked",
            EventKind::OnboardingPlanned(_) => "onboarding_planned",
            EventKind::OnboardingSession(_) => "onboarding_session",
            EventKind::HireWarmedUp(_) => "hire_warmed_up",
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
            EventKind::IncidentOpened(f) => Some(&f.thread),
            EventKind::IncidentStageChanged(f) => f.thread.as_ref(),
            EventKind::IncidentResolved(f) => Some(&f.thread),
            EventKind::EmailRelayed(f) => Some(&f.thread),
            EventKind::Escalation(f) => f.thread.as_ref(),
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
    /// A monitoring bot's alert (author is [`ALERT_BOT`]).
    Alert {
        incident: String,
    },
    /// The pager bot pages the on-call person (author is [`PAGER_BOT`]).
    Page {
        incident: String,
        to: String,
    },
    /// A responder acknowledges and joins.
    Acknowledge {
        incident: String,
    },
    /// A responder says this looks like a repeat of an earlier incident.
    RecurrenceHint {
        incident: String,
        of: String,
    },
    /// A status update at a stage change.
    StatusUpdate {
        incident: String,
        stage: IncidentStage,
    },
    /// The incident is resolved.
    Resolution {
        incident: String,
    },
    /// Someone relays an inbound email in Slack to the person it was routed to.
    EmailRelay {
        chain: String,
        message_id: String,
    },
    /// The routed person answers the relay.
    EmailRelayReply {
        chain: String,
    },
    /// One step of an escalation chain: the author loops the next person into an incident.
    Escalate {
        incident: String,
        to: String,
    },
}

/// Author id of monitoring alerts in incident threads (a Slack bot user, not a person).
pub const ALERT_BOT: &str = "alertbot";
/// Author id of pages in incident threads (a Slack bot user, not a person).
pub const PAGER_BOT: &str = "pagerbot";

/// True for the bot authors of incident threads.
pub fn is_bot(author: &str) -> bool {
    author == ALERT_BOT || author == PAGER_BOT
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
    /// The incident this ticket tracks (the incident ticket is filed right after the alert).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    /// The email chain this ticket was opened for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_chain: Option<String>,
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
    /// A hire's onboarding guide.
    Onboarding,
    /// An incident postmortem.
    Postmortem,
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
    /// Their betweenness centrality before they left.
    pub centrality: f64,
    /// Who absorbed the bridging load they carried (centrality gain after the node was removed).
    pub absorbed: Vec<BridgeLoad>,
    /// The lead's announcement (the farewell), posted after the cascade.
    pub thread: Thread,
}

/// One person's share of the bridging load a departure shifted onto them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BridgeLoad {
    pub person: String,
    pub centrality_before: f64,
    pub centrality_after: f64,
    /// Stress added, in proportion to the centrality gain.
    pub stress_added: f64,
}

/// Incident stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum IncidentStage {
    Detected,
    Investigating,
    Mitigated,
    Resolved,
}

/// An incident is detected: the alert fires, the page goes out, responders join the incident
/// thread, and an incident ticket is filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentOpened {
    /// "INC-7".
    pub incident: String,
    pub system: String,
    /// Failure mode kind, e.g. "connection_pool_exhaustion" (the truth; responders learn it later).
    pub failure_mode: String,
    /// "P1".."P4".
    pub severity: crate::scenario::Severity,
    /// The true earlier incident of the same system and failure mode (latest), or null.
    pub recurrence_of: Option<String>,
    /// Alert title as monitoring shows it.
    pub title: String,
    /// Alert body.
    pub alert: String,
    /// Error signature in the alert.
    pub signature: String,
    /// Who was on call and got paged.
    pub on_call: Option<String>,
    /// Who leads the response.
    pub commander: String,
    pub responders: Vec<String>,
    /// True when it fired outside business hours.
    pub after_hours: bool,
    /// The incident channel thread: the bot's alert, the page, responders acknowledging.
    pub thread: Thread,
}

/// An incident moves to its next stage; a status update is posted in its thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentStageChanged {
    pub incident: String,
    pub from: IncidentStage,
    pub to: IncidentStage,
    /// Who posted the update.
    pub by: String,
    /// True when progress stalled before this change (a stall is its own change to the same stage).
    pub stalled: bool,
    /// What happened, in engine words ("root cause identified: memory leak").
    pub note: String,
    pub thread: Option<Thread>,
}

/// An incident is resolved (after its fix is deployed, or the mitigation held).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentResolved {
    pub incident: String,
    pub system: String,
    pub severity: crate::scenario::Severity,
    pub resolved_by: String,
    /// Minutes from detection to resolution.
    pub duration_minutes: u32,
    /// The fix pull request, if there was one.
    pub pr: Option<u32>,
    pub root_cause: String,
    pub thread: Thread,
}

/// The recurrence detector's verdict at detection time, against the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurrenceDetected {
    pub incident: String,
    /// Earlier incident the detector matched, or null when it accepted none.
    pub matched: Option<String>,
    /// The true earlier incident of the same class, or null.
    pub truth: Option<String>,
    /// The detector's answer agrees with the truth (a match of the same class, or no match when
    /// there is no earlier one).
    pub correct: bool,
    /// "true_positive", "false_positive", "missed" or "true_negative".
    pub outcome: String,
    /// Fused reciprocal-rank score of the top candidate (0 when none).
    pub fused_score: f64,
    /// What the BM25 ranker alone would have matched (ablation).
    pub bm25_only: Option<String>,
    /// What the structural ranker alone would have matched (ablation).
    pub structural_only: Option<String>,
    /// The top candidates by fused score (then id), with both rankers' ranks and raw scores.
    pub candidates: Vec<RecurrenceCandidate>,
}

/// One earlier incident as the recurrence detector ranked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurrenceCandidate {
    pub incident: String,
    pub bm25_rank: Option<u32>,
    pub bm25_score: f64,
    pub structural_rank: Option<u32>,
    pub structural_score: f64,
    pub fused: f64,
}

/// A fix is deployed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deploy {
    pub incident: Option<String>,
    pub system: String,
    pub pr: u32,
    pub commit: String,
    pub by: String,
}

/// A postmortem page for a P1/P2 incident: root cause, timeline, contributing factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostmortemPublished {
    pub incident: String,
    pub page: PageRef,
    pub author: String,
    pub system: String,
    pub severity: crate::scenario::Severity,
    pub failure_mode: String,
    pub root_cause: String,
    /// Timeline: (RFC 3339 time, what happened), from the log.
    pub timeline: Vec<TimelineEntry>,
    /// Contributing factors, e.g. "knowledge gap: route-optimizer (dmitri left)", "recurrence of INC-3".
    pub contributing_factors: Vec<String>,
    pub duration_minutes: u32,
    pub ticket: String,
    pub pr: Option<u32>,
}

/// One line of a postmortem timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<FixedOffset>,
    pub what: String,
}

/// A mail address with its display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub name: String,
    pub email: String,
}

/// What an email is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EmailKind {
    /// A customer complains about an incident in a system they depend on.
    Complaint,
    /// A customer writes as their renewal date nears.
    Renewal,
    VendorBilling,
    VendorSecurity,
    VendorOutage,
    /// A candidate accepts an offer before their start.
    Candidate,
    /// A leaver answers the exit checklist.
    Exit,
    /// The first answer to an inbound email.
    Acknowledgement,
    Reply,
    FollowUp,
    /// A status update to customers affected by an incident.
    IncidentUpdate,
    /// A postmortem summary to a top-tier customer.
    PostmortemSummary,
    /// HR's offer letter to a future hire.
    Offer,
    /// HR's first-day onboarding mail to a hire.
    Onboarding,
    /// HR's exit checklist to a leaver.
    ExitChecklist,
}

/// What an email's body must say: the facts the prose may use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailFacts {
    /// Customer or vendor id, when the mail is to or from one.
    pub party: Option<String>,
    /// Organization name of the external party.
    pub org: Option<String>,
    pub incident: Option<String>,
    pub system: Option<String>,
    pub severity: Option<crate::scenario::Severity>,
    /// Incident stage for status updates.
    pub stage: Option<IncidentStage>,
    /// Ticket opened for it, when one is referenced.
    pub ticket: Option<String>,
    /// Tone in [0, 1]: 0 calm, 1 furious (inbound complaints).
    pub tone: f64,
    /// Renewal date, for renewal mail.
    pub renewal_date: Option<NaiveDate>,
    /// Start or last date, for HR mail.
    pub date: Option<NaiveDate>,
    /// Root cause, for postmortem summaries.
    pub root_cause: Option<String>,
}

/// One email, as the facts of `email_received` (an inbound message; a new one roots a gated
/// chain) and `email_sent` (an outbound message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailMessage {
    /// RFC 5322 Message-ID without angle brackets, unique in the run.
    pub message_id: String,
    /// Chain id, "EML-n": an inbound chain, or its own for outbound mail that starts here.
    pub chain: String,
    /// Mailbox (person id) the message is filed under: the recipient's for inbound mail, the
    /// sender's for outbound.
    pub mailbox: String,
    pub kind: EmailKind,
    pub from: Address,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub facts: EmailFacts,
}

/// An inbound email is relayed in Slack to the person it was routed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailRelayed {
    pub chain: String,
    pub message_id: String,
    pub by: String,
    pub to: String,
    pub thread: Thread,
}

/// The gates of an inbound email's chain, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Gate {
    Acknowledge,
    Route,
    Relay,
    Ticket,
    Reply,
    FollowUp,
}

/// An inbound email's chain stops at a gate: nothing downstream ever happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailDropped {
    /// Message-ID of the inbound email.
    pub message_id: String,
    pub chain: String,
    pub gate: Gate,
    /// Who held it when it stopped.
    pub holder: String,
    /// Why, in engine words.
    pub reason: String,
}

/// Why an escalation chain ends where it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EscalationTarget {
    /// The lead of the department that owns the affected system.
    OwnerLead,
    /// The owning lead was out of reach within `max_hops`: the nearest lead instead.
    NearestLead,
    /// The responder is the owning lead already.
    SelfOwned,
}

/// Why an escalation happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EscalationCause {
    /// An incident responder escalates.
    Incident,
    /// A departing person's active incident is handed off.
    Handoff,
    /// An inbound email is routed to who owns its subject.
    Email,
}

/// An escalation chain: the shortest path on distance 1/w from `from` to `to`, at most `max_hops`
/// edges, each step an existing tie.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub cause: EscalationCause,
    /// Incident id, when it is about one.
    pub incident: Option<String>,
    /// Email chain id, when routing an inbound email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_chain: Option<String>,
    /// System whose owner is sought, when known.
    pub system: Option<String>,
    pub from: String,
    pub to: String,
    /// Person ids from `from` to `to`.
    pub path: Vec<String>,
    pub hops: u32,
    /// Sum of 1/w along the path.
    pub distance: f64,
    pub target: EscalationTarget,
    /// Plain-text reason for the target.
    pub reason: String,
    /// The chain as it happened in the incident channel: each person on the path loops in the
    /// next, the last acknowledges (incident escalations; cut short where a day is full).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<Thread>,
}

/// A departing person's open tickets, pending reviews and open pull requests are handed over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkReassigned {
    pub person: String,
    pub tickets: Vec<Handoff>,
    pub reviews: Vec<Handoff>,
    pub pull_requests: Vec<Handoff>,
}

/// Membership of the on-call rotation and the stand-up and reviewer pools changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RotationUpdated {
    pub person: String,
    /// "departure" or "ramp_complete".
    pub reason: String,
    /// Pools joined ("on_call", "standup", "reviewers").
    pub joined: Vec<String>,
    /// Pools left.
    pub left: Vec<String>,
    /// The on-call rotation afterwards, in order.
    pub on_call: Vec<String>,
}

/// A system gets a new owning person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemOwnerChanged {
    pub system: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// Which side of an external relationship a party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A customer account.
    Customer,
    /// A vendor.
    Vendor,
}

/// The owner of a customer account or vendor relationship left: it lapses to someone else
/// until reassigned, and the party's contacts are tied to them cold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountLapsed {
    /// Customer or vendor id.
    pub account: String,
    pub party: PartyKind,
    pub person: String,
    /// Who covers the account now.
    pub covered_by: String,
    /// Email addresses of the party's contacts, now tied to `covered_by`.
    pub contacts: Vec<String>,
}

/// The last person who knew a system left: what remains is what was written down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeOrphaned {
    pub system: String,
    pub person: String,
    pub documented_pct: f64,
    pub coverage_before: f64,
    pub coverage_after: f64,
}

/// Someone takes on an orphaned system's knowledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeClaimed {
    pub system: String,
    pub person: String,
    /// Who had known it before.
    pub previously: String,
    pub coverage: f64,
}

/// An incident hits a system nobody present knows and that is poorly documented.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeGapDetected {
    pub incident: String,
    pub system: String,
    /// Who knew it and left.
    pub departed: String,
    pub departed_name: String,
    /// Business day they left (0 or negative: before the run).
    pub departed_day: i64,
    pub coverage: f64,
    pub documented_pct: f64,
    /// How much longer investigation takes.
    pub slowdown: f64,
}

/// A person enters or leaves burnout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BurnoutChanged {
    pub person: String,
    pub stress: f64,
    /// Consecutive days over the threshold (entering) or days burnt out (leaving).
    pub days: u32,
}

/// Random attrition would have taken someone, but the department is at its minimum headcount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttritionBlocked {
    pub person: String,
    pub department: String,
    pub headcount: u32,
    pub min_headcount: u32,
}

/// A hire's onboarding plan: mentor, guide page, ramp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnboardingPlanned {
    pub person: String,
    pub lead: String,
    pub mentor: Option<String>,
    pub page: PageRef,
    /// Systems the guide covers.
    pub systems: Vec<String>,
    pub ramp_days: u32,
}

/// What an onboarding session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum SessionKind {
    Onboarding,
    WarmUp,
    Mentoring,
}

/// A hire meets their lead or mentor (a meeting; no artifact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnboardingSession {
    pub person: String,
    pub with: String,
    pub kind: SessionKind,
    pub duration_minutes: u32,
    /// Tie weight after the session.
    pub tie: f64,
}

/// A hire's ties to their lead and mentor passed the warm-up threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HireWarmedUp {
    pub person: String,
    pub days: u32,
    pub lead_tie: f64,
    pub mentor_tie: Option<f64>,
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
