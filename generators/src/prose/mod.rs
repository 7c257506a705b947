//! The prose layer: renderers ask a [`ProseBackend`] for the text of a message, a description or
//! a page section, through a [`ProseRequest`] that carries everything a writer needs: what to
//! write, who writes it, the closed packet of facts it may and must use, and a seed.
//!
//! **API boundary**: a request is self-contained, so an LLM backend can build its prompt from the
//! request alone (SPEC §4) and a template backend can render it without looking anything up.
//! **Architecture invariant:** prose never decides a fact; every id, name, date and number in a
//! text comes from the request's [`FactPacket`].

pub mod cache;
pub mod fact_check;
pub mod llm;
mod quirks;
mod template;

use orgforge_engine::event::Intent;
use orgforge_engine::scenario::WritingStyle;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use template::TemplateBackend;

/// What a piece of prose is. One template per kind; one word limit per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProseKind {
    /// Slack root of an announcement thread (sprint kickoff, stand-up call).
    SlackAnnouncement,
    /// Slack stand-up update about one ticket, or none.
    SlackStandupUpdate,
    /// Slack question to an expert or a thread.
    SlackQuestion,
    /// Slack answer from an expert.
    SlackAnswer,
    /// Slack follow-up on an earlier message.
    SlackFollowUp,
    /// Slack thanks.
    SlackThanks,
    /// Slack design proposal.
    SlackProposal,
    /// Slack agreement with a proposal or plan.
    SlackAgreement,
    /// Slack concern about a proposal.
    SlackConcern,
    /// Slack decision that closes a discussion.
    SlackDecision,
    /// JIRA issue description: context and acceptance criteria.
    TicketDescription,
    /// JIRA comment reporting hours and progress.
    TicketComment,
    /// Pull-request body: what changed, `Closes KEY`, testing notes.
    PrBody,
    /// Pull-request review body with its verdict.
    ReviewBody,
    /// Retro page: summary of the sprint's outcome.
    RetroSummary,
    /// Retro page: what went well and what to change.
    RetroDiscussion,
    /// Design page: the question being decided and why.
    DesignContext,
    /// Design page: the decision, the rejected alternative and the reasoning.
    DesignOutcome,
    /// How-to page: what the system is and what it touches.
    HowToOverview,
    /// How-to page: the steps.
    HowToSteps,
    /// Slack alert posted by the monitoring bot at the root of an incident thread.
    SlackAlert,
    /// Slack page: the pager bot pages the on-call person.
    SlackPage,
    /// Slack acknowledgement: a responder joins the incident.
    SlackAcknowledge,
    /// Slack hint that an incident looks like a repeat of an earlier one.
    SlackRecurrenceHint,
    /// Slack message of an escalation chain: the author loops the next person in.
    SlackEscalate,
    /// Slack incident status update at a stage change.
    SlackStatusUpdate,
    /// Slack message that resolves an incident.
    SlackResolution,
    /// Postmortem page: the summary of the incident.
    PostmortemSummary,
    /// Postmortem page: the root cause section.
    PostmortemRootCause,
    /// A customer complains by email about an incident in a system they depend on.
    EmailComplaint,
    /// A customer writes as their renewal date nears.
    EmailRenewal,
    /// A vendor's billing notice.
    EmailVendorBilling,
    /// A vendor's security advisory.
    EmailVendorSecurity,
    /// A vendor's outage notice.
    EmailVendorOutage,
    /// A candidate accepts an offer before their start.
    EmailCandidate,
    /// A leaver answers the exit checklist.
    EmailExit,
    /// The first answer to an inbound email.
    EmailAcknowledgement,
    /// A reply to an inbound email.
    EmailReply,
    /// A follow-up on an earlier email.
    EmailFollowUp,
    /// A status update to customers affected by an incident.
    EmailIncidentUpdate,
    /// A postmortem summary to a top-tier customer.
    EmailPostmortemSummary,
    /// HR's offer letter to a future hire.
    EmailOffer,
    /// HR's first-day onboarding mail to a hire.
    EmailOnboarding,
    /// HR's exit checklist to a leaver.
    EmailExitChecklist,
    /// Slack message relaying an inbound email to the person it was routed to.
    SlackEmailRelay,
    /// Slack reply taking on a relayed email.
    SlackEmailRelayReply,
}

impl ProseKind {
    /// Every kind, in declaration order.
    pub const ALL: [ProseKind; 46] = [
        ProseKind::SlackAnnouncement,
        ProseKind::SlackStandupUpdate,
        ProseKind::SlackQuestion,
        ProseKind::SlackAnswer,
        ProseKind::SlackFollowUp,
        ProseKind::SlackThanks,
        ProseKind::SlackProposal,
        ProseKind::SlackAgreement,
        ProseKind::SlackConcern,
        ProseKind::SlackDecision,
        ProseKind::TicketDescription,
        ProseKind::TicketComment,
        ProseKind::PrBody,
        ProseKind::ReviewBody,
        ProseKind::RetroSummary,
        ProseKind::RetroDiscussion,
        ProseKind::DesignContext,
        ProseKind::DesignOutcome,
        ProseKind::HowToOverview,
        ProseKind::HowToSteps,
        ProseKind::SlackAlert,
        ProseKind::SlackPage,
        ProseKind::SlackAcknowledge,
        ProseKind::SlackRecurrenceHint,
        ProseKind::SlackEscalate,
        ProseKind::SlackStatusUpdate,
        ProseKind::SlackResolution,
        ProseKind::PostmortemSummary,
        ProseKind::PostmortemRootCause,
        ProseKind::EmailComplaint,
        ProseKind::EmailRenewal,
        ProseKind::EmailVendorBilling,
        ProseKind::EmailVendorSecurity,
        ProseKind::EmailVendorOutage,
        ProseKind::EmailCandidate,
        ProseKind::EmailExit,
        ProseKind::EmailAcknowledgement,
        ProseKind::EmailReply,
        ProseKind::EmailFollowUp,
        ProseKind::EmailIncidentUpdate,
        ProseKind::EmailPostmortemSummary,
        ProseKind::EmailOffer,
        ProseKind::EmailOnboarding,
        ProseKind::EmailExitChecklist,
        ProseKind::SlackEmailRelay,
        ProseKind::SlackEmailRelayReply,
    ];

    /// Snake-case name; also the template's file stem.
    pub fn name(self) -> &'static str {
        match self {
            ProseKind::SlackAnnouncement => "slack_announcement",
            ProseKind::SlackStandupUpdate => "slack_standup_update",
            ProseKind::SlackQuestion => "slack_question",
            ProseKind::SlackAnswer => "slack_answer",
            ProseKind::SlackFollowUp => "slack_follow_up",
            ProseKind::SlackThanks => "slack_thanks",
            ProseKind::SlackProposal => "slack_proposal",
            ProseKind::SlackAgreement => "slack_agreement",
            ProseKind::SlackConcern => "slack_concern",
            ProseKind::SlackDecision => "slack_decision",
            ProseKind::TicketDescription => "ticket_description",
            ProseKind::TicketComment => "ticket_comment",
            ProseKind::PrBody => "pr_body",
            ProseKind::ReviewBody => "review_body",
            ProseKind::RetroSummary => "retro_summary",
            ProseKind::RetroDiscussion => "retro_discussion",
            ProseKind::DesignContext => "design_context",
            ProseKind::DesignOutcome => "design_outcome",
            ProseKind::HowToOverview => "how_to_overview",
            ProseKind::HowToSteps => "how_to_steps",
            ProseKind::SlackAlert => "slack_alert",
            ProseKind::SlackPage => "slack_page",
            ProseKind::SlackAcknowledge => "slack_acknowledge",
            ProseKind::SlackRecurrenceHint => "slack_recurrence_hint",
            ProseKind::SlackEscalate => "slack_escalate",
            ProseKind::SlackStatusUpdate => "slack_status_update",
            ProseKind::SlackResolution => "slack_resolution",
            ProseKind::PostmortemSummary => "postmortem_summary",
            ProseKind::PostmortemRootCause => "postmortem_root_cause",
            ProseKind::EmailComplaint => "email_complaint",
            ProseKind::EmailRenewal => "email_renewal",
            ProseKind::EmailVendorBilling => "email_vendor_billing",
            ProseKind::EmailVendorSecurity => "email_vendor_security",
            ProseKind::EmailVendorOutage => "email_vendor_outage",
            ProseKind::EmailCandidate => "email_candidate",
            ProseKind::EmailExit => "email_exit",
            ProseKind::EmailAcknowledgement => "email_acknowledgement",
            ProseKind::EmailReply => "email_reply",
            ProseKind::EmailFollowUp => "email_follow_up",
            ProseKind::EmailIncidentUpdate => "email_incident_update",
            ProseKind::EmailPostmortemSummary => "email_postmortem_summary",
            ProseKind::EmailOffer => "email_offer",
            ProseKind::EmailOnboarding => "email_onboarding",
            ProseKind::EmailExitChecklist => "email_exit_checklist",
            ProseKind::SlackEmailRelay => "slack_email_relay",
            ProseKind::SlackEmailRelayReply => "slack_email_relay_reply",
        }
    }

    /// One sentence saying what to write, for a prompt.
    pub fn describe(self) -> &'static str {
        match self {
            ProseKind::SlackAnnouncement => "A Slack message that opens a team thread.",
            ProseKind::SlackStandupUpdate => {
                "A Slack stand-up update: the ticket worked on, hours spent yesterday, blockers."
            }
            ProseKind::SlackQuestion => {
                "A Slack question naming the system or ticket, addressed to the expert."
            }
            ProseKind::SlackAnswer => "A Slack answer from the expert, concrete and confident.",
            ProseKind::SlackFollowUp => "A short Slack follow-up in the same thread.",
            ProseKind::SlackThanks => "A short Slack thank-you in the thread.",
            ProseKind::SlackProposal => {
                "A Slack design proposal: the topic, the proposed option and the alternative."
            }
            ProseKind::SlackAgreement => "A short Slack message agreeing with the plan.",
            ProseKind::SlackConcern => "A Slack message raising a concern about the proposal.",
            ProseKind::SlackDecision => {
                "A Slack message that records the decision and the rejected alternative."
            }
            ProseKind::TicketDescription => {
                "A JIRA issue description: context, then a list of acceptance criteria."
            }
            ProseKind::TicketComment => {
                "A JIRA comment reporting hours spent and progress on the ticket."
            }
            ProseKind::PrBody => {
                "A GitHub pull-request description: what changed, `Closes KEY`, testing notes."
            }
            ProseKind::ReviewBody => "A GitHub review comment that states its verdict.",
            ProseKind::RetroSummary => "The summary section of a sprint retro page.",
            ProseKind::RetroDiscussion => {
                "The discussion section of a sprint retro page: what went well, what to change."
            }
            ProseKind::DesignContext => "The context section of design meeting notes.",
            ProseKind::DesignOutcome => {
                "The decision section of design meeting notes, with the rejected alternative."
            }
            ProseKind::HowToOverview => "The overview section of a how-to page about a system.",
            ProseKind::HowToSteps => "The steps section of a how-to page, as a numbered list.",
            ProseKind::SlackAlert => {
                "A monitoring bot's Slack alert: severity, alert title, body and error signature."
            }
            ProseKind::SlackPage => "A pager bot's Slack message paging the on-call person.",
            ProseKind::SlackAcknowledge => {
                "A short Slack message acknowledging the page and joining the incident."
            }
            ProseKind::SlackRecurrenceHint => {
                "A Slack message saying the incident looks like a repeat of an earlier incident."
            }
            ProseKind::SlackEscalate => {
                "A short Slack message in an incident thread looping in the next person by name."
            }
            ProseKind::SlackStatusUpdate => {
                "A Slack incident status update: the new stage and what happened."
            }
            ProseKind::SlackResolution => {
                "A Slack message resolving the incident: root cause and how long it took."
            }
            ProseKind::PostmortemSummary => {
                "The summary section of an incident postmortem: what broke, how badly, how long."
            }
            ProseKind::PostmortemRootCause => "The root cause section of an incident postmortem.",
            ProseKind::EmailComplaint => {
                "A customer's email complaining about an outage in a system they depend on."
            }
            ProseKind::EmailRenewal => "A customer's email about their upcoming contract renewal.",
            ProseKind::EmailVendorBilling => "A vendor's billing notice by email.",
            ProseKind::EmailVendorSecurity => "A vendor's security advisory by email.",
            ProseKind::EmailVendorOutage => "A vendor's outage notice by email.",
            ProseKind::EmailCandidate => {
                "A candidate's email accepting an offer before their start date."
            }
            ProseKind::EmailExit => "A leaver's email answering the exit checklist.",
            ProseKind::EmailAcknowledgement => {
                "A short email acknowledging an inbound email and saying who handles it."
            }
            ProseKind::EmailReply => {
                "An email replying to an inbound email with what is being done."
            }
            ProseKind::EmailFollowUp => "A follow-up email on an earlier thread.",
            ProseKind::EmailIncidentUpdate => {
                "An email to an affected customer with the status of an incident."
            }
            ProseKind::EmailPostmortemSummary => {
                "An email to a customer summarizing an incident's postmortem and root cause."
            }
            ProseKind::EmailOffer => "HR's offer letter email to a future hire.",
            ProseKind::EmailOnboarding => "HR's email to a new hire about their first day.",
            ProseKind::EmailExitChecklist => "HR's email to a leaver with the exit checklist.",
            ProseKind::SlackEmailRelay => {
                "A Slack message relaying an inbound email to the colleague who should handle it."
            }
            ProseKind::SlackEmailRelayReply => {
                "A Slack reply in an email relay thread: the colleague takes the email on."
            }
        }
    }

    /// Most words a text of this kind should have (a limit for the LLM; templates stay below).
    pub fn max_words(self) -> u32 {
        match self {
            ProseKind::SlackAnnouncement => 120,
            ProseKind::SlackStandupUpdate
            | ProseKind::SlackQuestion
            | ProseKind::SlackAnswer
            | ProseKind::SlackProposal
            | ProseKind::SlackConcern
            | ProseKind::SlackDecision => 80,
            ProseKind::SlackFollowUp | ProseKind::SlackThanks | ProseKind::SlackAgreement => 40,
            ProseKind::SlackAlert
            | ProseKind::SlackStatusUpdate
            | ProseKind::SlackResolution
            | ProseKind::SlackRecurrenceHint => 80,
            ProseKind::SlackPage | ProseKind::SlackAcknowledge | ProseKind::SlackEscalate => 40,
            ProseKind::PostmortemSummary | ProseKind::PostmortemRootCause => 220,
            ProseKind::SlackEmailRelay => 80,
            ProseKind::SlackEmailRelayReply => 40,
            ProseKind::EmailAcknowledgement => 80,
            ProseKind::EmailComplaint
            | ProseKind::EmailRenewal
            | ProseKind::EmailVendorBilling
            | ProseKind::EmailVendorSecurity
            | ProseKind::EmailVendorOutage
            | ProseKind::EmailCandidate
            | ProseKind::EmailExit
            | ProseKind::EmailReply
            | ProseKind::EmailFollowUp
            | ProseKind::EmailIncidentUpdate
            | ProseKind::EmailOffer
            | ProseKind::EmailOnboarding
            | ProseKind::EmailExitChecklist => 160,
            ProseKind::EmailPostmortemSummary => 220,
            ProseKind::TicketDescription | ProseKind::PrBody => 200,
            ProseKind::TicketComment | ProseKind::ReviewBody => 80,
            ProseKind::RetroSummary
            | ProseKind::RetroDiscussion
            | ProseKind::DesignContext
            | ProseKind::DesignOutcome
            | ProseKind::HowToOverview
            | ProseKind::HowToSteps => 220,
        }
    }

    /// True for Slack messages, where mentions are `<@U...>` and quirks show most.
    pub fn is_chat(self) -> bool {
        self.name().starts_with("slack_")
    }

    /// The Slack prose kind that writes a message with this intent.
    pub fn for_intent(intent: &Intent) -> ProseKind {
        match intent {
            Intent::Announcement => ProseKind::SlackAnnouncement,
            Intent::StandupUpdate { .. } => ProseKind::SlackStandupUpdate,
            Intent::Question => ProseKind::SlackQuestion,
            Intent::Answer => ProseKind::SlackAnswer,
            Intent::FollowUp => ProseKind::SlackFollowUp,
            Intent::Thanks => ProseKind::SlackThanks,
            Intent::Proposal => ProseKind::SlackProposal,
            Intent::Agreement => ProseKind::SlackAgreement,
            Intent::Concern => ProseKind::SlackConcern,
            Intent::Decision => ProseKind::SlackDecision,
            Intent::Alert { .. } => ProseKind::SlackAlert,
            Intent::Page { .. } => ProseKind::SlackPage,
            Intent::Acknowledge { .. } => ProseKind::SlackAcknowledge,
            Intent::RecurrenceHint { .. } => ProseKind::SlackRecurrenceHint,
            Intent::Escalate { .. } => ProseKind::SlackEscalate,
            Intent::StatusUpdate { .. } => ProseKind::SlackStatusUpdate,
            Intent::Resolution { .. } => ProseKind::SlackResolution,
            Intent::EmailRelay { .. } => ProseKind::SlackEmailRelay,
            Intent::EmailRelayReply { .. } => ProseKind::SlackEmailRelayReply,
        }
    }
}

/// Who writes a text: a roster person's voice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Persona {
    /// Person id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Job title.
    pub role: String,
    /// Writing style.
    pub style: WritingStyle,
    /// Free-text habits, e.g. "signs off with -J".
    pub quirks: Vec<String>,
}

/// Snake-case name of a writing style, as templates and prompts see it.
pub fn style_name(style: WritingStyle) -> &'static str {
    match style {
        WritingStyle::Terse => "terse",
        WritingStyle::Friendly => "friendly",
        WritingStyle::Formal => "formal",
        WritingStyle::Detailed => "detailed",
        WritingStyle::Blunt => "blunt",
        WritingStyle::Cheerful => "cheerful",
    }
}

/// Parses a snake-case writing style name.
pub fn parse_style(name: &str) -> Option<WritingStyle> {
    [
        WritingStyle::Terse,
        WritingStyle::Friendly,
        WritingStyle::Formal,
        WritingStyle::Detailed,
        WritingStyle::Blunt,
        WritingStyle::Cheerful,
    ]
    .into_iter()
    .find(|style| style_name(*style) == name)
}

/// The closed set of facts a text may use: ids, names, dates and numbers, as they must appear.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FactPacket {
    /// Facts the text must contain, verbatim.
    pub required: Vec<String>,
    /// Further facts the text may contain.
    pub allowed: Vec<String>,
}

impl FactPacket {
    /// Adds a fact the text must contain (once; empty facts are ignored).
    pub fn require(&mut self, fact: impl Into<String>) {
        let fact = fact.into();
        if !fact.is_empty() && !self.required.contains(&fact) {
            self.allowed.retain(|allowed| allowed != &fact);
            self.required.push(fact);
        }
    }

    /// Adds a fact the text may contain (once; empty facts are ignored).
    pub fn allow(&mut self, fact: impl Into<String>) {
        let fact = fact.into();
        if !fact.is_empty() && !self.required.contains(&fact) && !self.allowed.contains(&fact) {
            self.allowed.push(fact);
        }
    }

    /// Every fact, required first.
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.required.iter().chain(self.allowed.iter())
    }

    /// Required facts that `text` does not contain, verbatim or with a capital first letter
    /// (a fact may open a sentence).
    pub fn missing(&self, text: &str) -> Vec<String> {
        self.required
            .iter()
            .filter(|fact| !text.contains(fact.as_str()) && !text.contains(&upper_first(fact)))
            .cloned()
            .collect()
    }

    /// Numbers in `text` (digit runs, with one inner `.`) that no fact contains as a number:
    /// the fact check that keeps invented numbers, ids and dates out of prose. Ordered-list
    /// markers (`2. `) and the chat idiom `+1` are not facts and are skipped.
    pub fn numbers_outside(&self, text: &str) -> Vec<String> {
        let mut known: Vec<String> = Vec::new();
        for fact in self.all() {
            known.extend(number_tokens(fact));
        }
        let mut outside = Vec::new();
        for line in text.lines() {
            let line = without_plus_one(strip_markup_marker(line));
            outside.extend(
                number_tokens(&line)
                    .into_iter()
                    .filter(|number| !known.contains(number)),
            );
        }
        outside
    }
}

/// The text with its first character in upper case.
pub fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A line without its leading markup marker: a Markdown ordered-list marker (`12. `, `3) `) or
/// a JIRA heading (`h3. `).
fn strip_markup_marker(line: &str) -> &str {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix('h')
        && rest.len() > 2
        && matches!(rest.as_bytes()[0], b'1'..=b'6')
        && rest[1..].starts_with(". ")
    {
        return &rest[3..];
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return line;
    }
    let rest = &trimmed[digits..];
    match rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
        Some(after) => after,
        None => line,
    }
}

/// A line with every `+1` that is not part of a longer number blanked out.
fn without_plus_one(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(position) = rest.find("+1") {
        let after = &rest[position + 2..];
        out.push_str(&rest[..position]);
        if after.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            out.push_str("+1");
        } else {
            out.push('+');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Digit runs of a text, a decimal point between digits kept (`2.5`, `2026`, `03`).
pub fn number_tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if !chars[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        let start = index;
        let mut seen_point = false;
        while index < chars.len() {
            let c = chars[index];
            let decimal_point =
                c == '.' && !seen_point && chars.get(index + 1).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() {
                index += 1;
            } else if decimal_point {
                seen_point = true;
                index += 1;
            } else {
                break;
            }
        }
        tokens.push(chars[start..index].iter().collect());
    }
    tokens
}

/// One piece of prose to write, self-contained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProseRequest {
    /// What to write.
    pub kind: ProseKind,
    /// The event the text belongs to (for provenance and caching).
    pub event_id: String,
    /// Seed for every random choice of the writer, from (event hash, index, kind).
    pub seed: u64,
    /// Who writes it.
    pub author: Persona,
    /// The ids, names, dates and numbers the text must and may use.
    pub facts: FactPacket,
    /// Structured facts for templates and prompts (a JSON object).
    pub context: serde_json::Value,
    /// The artifact this text is one part of (a Slack thread, a page, an email thread), when it
    /// is one: the llm backend writes all parts of a group in one model request. Templates
    /// ignore it. Absent for a text that stands alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<ProseGroup>,
}

/// Where a text sits in a larger artifact: the artifact's name and the text's position in it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ProseGroup {
    /// Stable name of the artifact, e.g. `slack-thread/<event id>` or a page's path.
    pub id: String,
    /// Position of the part within its group (parts are ordered by it, ties by render order).
    pub part: u32,
}

impl ProseRequest {
    /// The request as part `part` of the artifact `group`.
    pub fn in_group(mut self, group: impl Into<String>, part: u32) -> ProseRequest {
        self.group = Some(ProseGroup {
            id: group.into(),
            part,
        });
        self
    }
}

/// Seed of a prose request: sha256 of the event hash, the text's index within the event and the
/// prose kind, so a text never depends on the order in which texts are rendered.
pub fn prose_seed(event_hash: &str, index: u32, kind: ProseKind) -> u64 {
    let digest = Sha256::digest(format!("{event_hash}:{index}:{}", kind.name()).as_bytes());
    let mut seed: u64 = 0;
    for byte in &digest[..8] {
        seed = (seed << 8) | u64::from(*byte);
    }
    seed
}

/// How a backend did: requests served and texts that fell back to templates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProseStats {
    /// Backend name.
    pub backend: String,
    /// Requests answered.
    pub requests: u64,
    /// Requests answered with the template text after the backend's own text failed.
    pub fallbacks: u64,
}

/// Why a backend could not write a text.
#[derive(Debug, thiserror::Error)]
pub enum ProseError {
    /// A template failed to load or render.
    #[error("template `{kind}`: {message}")]
    Template {
        /// Prose kind name.
        kind: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The text lacks required facts.
    #[error("{kind} text for {event_id} lacks required facts {missing:?}: {text:?}")]
    MissingFacts {
        /// Prose kind name.
        kind: &'static str,
        /// Event the text belongs to.
        event_id: String,
        /// Required facts not found.
        missing: Vec<String>,
        /// The text.
        text: String,
    },
    /// Any other backend failure.
    #[error("prose backend: {0}")]
    Backend(String),
}

/// Writes prose for requests. Implementations: [`TemplateBackend`] (default); the `llm` backend
/// does not answer one request at a time but a whole run at once ([`llm::render_with_model`]).
pub trait ProseBackend {
    /// Short name of the backend ("template", "llm").
    fn name(&self) -> &str;
    /// Writes the text of one request; it contains every required fact.
    fn write(&mut self, request: &ProseRequest) -> Result<String, ProseError>;
    /// Counters so far.
    fn stats(&self) -> ProseStats;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_tokens_keep_decimals_and_split_dates() {
        assert_eq!(
            number_tokens("PLAT-12: 2.5h on 2026-03-10. Done."),
            vec!["12", "2.5", "2026", "03", "10"]
        );
        assert_eq!(number_tokens("v1.x"), vec!["1"]);
    }

    #[test]
    fn packet_finds_missing_and_invented_facts() {
        let mut packet = FactPacket::default();
        packet.require("PLAT-12");
        packet.allow("3");
        packet.allow("PLAT-12");
        assert_eq!(packet.allowed, vec!["3"]);
        assert_eq!(packet.missing("PLAT-1 done"), vec!["PLAT-12"]);
        assert!(packet.missing("PLAT-12 done").is_empty());
        packet.require("retry budget");
        assert!(packet.missing("PLAT-12: Retry budget.").is_empty());
        assert_eq!(packet.numbers_outside("PLAT-12: 3h, 4 left"), vec!["4"]);
        assert!(
            packet
                .numbers_outside("1. PLAT-12\n2) +1 to 3\nh3. Context")
                .is_empty()
        );
        assert_eq!(packet.numbers_outside("+15 / h7. x"), vec!["15", "7"]);
    }

    #[test]
    fn seeds_differ_by_index_and_kind() {
        let a = prose_seed("abc", 0, ProseKind::SlackQuestion);
        assert_ne!(a, prose_seed("abc", 1, ProseKind::SlackQuestion));
        assert_ne!(a, prose_seed("abc", 0, ProseKind::SlackAnswer));
        assert_eq!(a, prose_seed("abc", 0, ProseKind::SlackQuestion));
    }

    #[test]
    fn style_names_round_trip() {
        for name in [
            "terse", "friendly", "formal", "detailed", "blunt", "cheerful",
        ] {
            assert_eq!(parse_style(name).map(style_name), Some(name));
        }
        assert_eq!(parse_style("loud"), None);
    }
}
