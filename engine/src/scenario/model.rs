//! The typed scenario: what a scenario author writes in YAML, with every default documented.
//!
//! **API boundary**: these types are the input contract of the engine. They derive `Deserialize`
//! (from YAML), `Serialize` (the resolved `scenario.yaml` in the output) and `JsonSchema` (the
//! editor schema in `schema/scenario.schema.json`). Semantic checks live in `validate.rs`.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A whole scenario: the company, its people and systems, and the knobs of every subsystem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The company being simulated.
    pub company: Company,
    /// Seed of the one ChaCha tree all randomness comes from. `--seed` overrides it.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Number of business days to simulate. `--days` overrides it.
    #[serde(default = "default_days")]
    pub days: u32,
    /// Work days, business hours and holidays.
    #[serde(default)]
    pub calendar: Calendar,
    /// Departments, each with a lead, members, a ticket key prefix and Slack channels.
    pub departments: Vec<Department>,
    /// Everyone employed on day 1 (hires join later through `lifecycle.hires`).
    pub people: Vec<Person>,
    /// Components of the product.
    #[serde(default)]
    pub systems: Vec<System>,
    /// Sprint cadence and ticket sizing.
    #[serde(default)]
    pub sprints: Sprints,
    /// Normal-day collaboration: 1:1s, async questions, design discussions, ad-hoc pages, reviews.
    #[serde(default)]
    pub collaboration: Collaboration,
    /// Incident hazard, severity mix and on-call.
    #[serde(default)]
    pub incidents: Incidents,
    /// Social graph weights and dynamics.
    #[serde(default)]
    pub graph: Graph,
    /// Stress, burnout and morale dynamics.
    #[serde(default)]
    pub morale: Morale,
    /// Scheduled departures and hires, and random attrition.
    #[serde(default)]
    pub lifecycle: Lifecycle,
    /// People who left before day 1 and what they knew.
    #[serde(default)]
    pub knowledge_gaps: Vec<KnowledgeGap>,
    /// Documentation coverage dynamics and when missing knowledge becomes a gap.
    #[serde(default)]
    pub knowledge: Knowledge,
    /// Customers and vendors.
    #[serde(default)]
    pub external: External,
    /// Email gates and cooldowns.
    #[serde(default)]
    pub email: Email,
    /// How prose is written.
    #[serde(default)]
    pub prose: Prose,
    /// What the output contains.
    #[serde(default)]
    pub output: Output,
}

fn default_seed() -> u64 {
    7
}
fn default_days() -> u32 {
    22
}

/// The company being simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Company {
    /// Display name, e.g. "Halcyon Freight".
    pub name: String,
    /// Email domain of employees, e.g. "halcyonfreight.com".
    pub domain: String,
    /// Industry, free text.
    #[serde(default)]
    pub industry: String,
    /// One or two sentences about what the company does.
    #[serde(default)]
    pub description: String,
    /// IANA time zone of the company, e.g. "America/Chicago". Default "UTC".
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Calendar date of the first simulated day (moved forward to a work day). Default 2026-03-02.
    #[serde(default = "default_start_date")]
    pub start_date: NaiveDate,
}

fn default_timezone() -> String {
    "UTC".to_string()
}
fn default_start_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()
}

/// A day of the week, as written in YAML.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// The chrono weekday.
    pub fn to_chrono(self) -> chrono::Weekday {
        match self {
            Weekday::Mon => chrono::Weekday::Mon,
            Weekday::Tue => chrono::Weekday::Tue,
            Weekday::Wed => chrono::Weekday::Wed,
            Weekday::Thu => chrono::Weekday::Thu,
            Weekday::Fri => chrono::Weekday::Fri,
            Weekday::Sat => chrono::Weekday::Sat,
            Weekday::Sun => chrono::Weekday::Sun,
        }
    }
}

/// A local time of day written "HH:MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime {
    /// Minutes after midnight, 0..1440.
    pub minutes: u32,
}

impl ClockTime {
    /// A clock time from hours and minutes.
    pub const fn hm(hours: u32, minutes: u32) -> ClockTime {
        ClockTime {
            minutes: hours * 60 + minutes,
        }
    }
    /// Parses "HH:MM" (24-hour).
    pub fn parse(text: &str) -> Option<ClockTime> {
        let (h, m) = text.split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let hours: u32 = h.parse().ok()?;
        let minutes: u32 = m.parse().ok()?;
        (hours < 24 && minutes < 60).then_some(ClockTime::hm(hours, minutes))
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl JsonSchema for ClockTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClockTime".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // The same grammar as `ClockTime::parse`, so editors flag "25:00" as you type.
        schemars::json_schema!({
            "description": "A local time of day, \"HH:MM\" on a 24-hour clock.",
            "type": "string",
            "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$",
        })
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ClockTime::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid time `{text}`: expected HH:MM on a 24-hour clock, e.g. 09:00"
            ))
        })
    }
}

/// Business hours, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// Start of the working day, "HH:MM". Default 09:00.
    pub start: ClockTime,
    /// End of the working day, "HH:MM". Default 17:30.
    pub end: ClockTime,
}

impl Default for Hours {
    fn default() -> Self {
        Hours {
            start: ClockTime::hm(9, 0),
            end: ClockTime::hm(17, 30),
        }
    }
}

/// Work days, business hours and holidays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Calendar {
    /// Days of the week people work. Default mon..fri.
    pub work_days: Vec<Weekday>,
    /// Default business hours for everyone (a persona may override).
    pub business_hours: Hours,
    /// Dates nobody works.
    pub holidays: Vec<NaiveDate>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            work_days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            business_hours: Hours::default(),
            holidays: Vec::new(),
        }
    }
}

/// A department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// Stable handle, lowercase, e.g. "platform".
    pub id: String,
    /// Display name, e.g. "Platform Engineering".
    pub name: String,
    /// Person id of the lead; must be one of `members`.
    pub lead: String,
    /// Person ids of everyone in the department on day 1, the lead included.
    pub members: Vec<String>,
    /// JIRA project key of the department's tickets, uppercase, e.g. "PLAT".
    pub ticket_prefix: String,
    /// Confluence space key; default: the ticket prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<String>,
    /// Slack channels (without `#`); the first is the department's home channel.
    pub channels: Vec<String>,
    /// Whether the department writes code (its tickets open pull requests). Default false.
    #[serde(default)]
    pub ships_code: bool,
}

impl Department {
    /// The Confluence space key: `space`, else the ticket prefix.
    pub fn space_key(&self) -> &str {
        self.space.as_deref().unwrap_or(&self.ticket_prefix)
    }
    /// The department's home channel.
    pub fn home_channel(&self) -> &str {
        self.channels
            .first()
            .map(String::as_str)
            .unwrap_or(&self.id)
    }
}

/// A person employed on day 1 (or a hire, inside `lifecycle.hires`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Stable handle, lowercase letters, digits, `.`, `-` or `_`, e.g. "jax".
    pub id: String,
    /// Display name, e.g. "Jax Moreno".
    pub name: String,
    /// Job title, e.g. "Senior Backend Engineer".
    pub role: String,
    /// Email address; default `<id>@<company.domain>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// How this person writes and works.
    #[serde(default)]
    pub persona: Persona,
}

/// Writing style, which drives the phrasing templates choose.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WritingStyle {
    /// Short sentences, no greetings.
    Terse,
    /// Warm and chatty.
    #[default]
    Friendly,
    /// Complete sentences, no slang.
    Formal,
    /// Explains context and reasoning.
    Detailed,
    /// Direct, sometimes sharp.
    Blunt,
    /// Upbeat, exclamation marks.
    Cheerful,
}

/// How a person writes and works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Persona {
    /// Writing style.
    pub style: WritingStyle,
    /// Habits that show in their messages, e.g. "signs off with -J".
    pub quirks: Vec<String>,
    /// System ids this person knows well (they review and answer questions about them).
    pub expertise: Vec<String>,
    /// Stress on day 1, in [0, 100]. Default 30.
    pub stress: f64,
    /// Years at the company on day 1. Default 2.
    pub tenure_years: f64,
    /// Own business hours, when they differ from the calendar's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<Hours>,
    /// Focus hours a day available for ticket work, in (0, 12]. Default 5.
    pub focus_hours: f64,
    /// Writes Slack messages after business hours now and then (flagged after-hours). Default false.
    pub night_owl: bool,
}

impl Default for Persona {
    fn default() -> Self {
        Persona {
            style: WritingStyle::Friendly,
            quirks: Vec::new(),
            expertise: Vec::new(),
            stress: 30.0,
            tenure_years: 2.0,
            hours: None,
            focus_hours: 5.0,
            night_owl: false,
        }
    }
}

/// A component of the product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Stable handle, e.g. "payments-api".
    pub id: String,
    /// Display name, e.g. "Payments API".
    pub name: String,
    /// Department id that owns the system.
    pub owner: String,
    /// System ids this one calls; failures cascade along them. No cycles.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Documentation coverage in [0, 1]. Default 0.5.
    #[serde(default = "default_documentation")]
    pub documentation: f64,
    /// How the system fails, with relative likelihoods.
    #[serde(default)]
    pub failure_modes: Vec<FailureMode>,
}

fn default_documentation() -> f64 {
    0.5
}

/// One way a system fails, with a relative likelihood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailureMode {
    /// Snake-case name, e.g. "connection_pool_exhaustion".
    pub kind: String,
    /// Relative likelihood, > 0. Default 1.
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

/// Sprint cadence and ticket sizing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Sprints {
    /// Business days per sprint. Default 10.
    pub length_days: u32,
    /// Days of the week with a stand-up. Default mon..fri.
    pub standup_days: Vec<Weekday>,
    /// Stand-up start, "HH:MM". Default 09:30.
    pub standup_time: ClockTime,
    /// Sprint planning start on a sprint's first day, "HH:MM". Default 10:00.
    pub planning_time: ClockTime,
    /// Retro start on a sprint's last day, "HH:MM". Default 15:00.
    pub retro_time: ClockTime,
    /// Story-point values tickets are drawn from. Default [1, 2, 3, 5, 8].
    pub point_scale: Vec<u32>,
    /// Work hours per story point. Default 3.
    pub hours_per_point: f64,
    /// Points committed per person per sprint, before capacity scaling. Default 10.
    pub points_per_person: u32,
}

impl Default for Sprints {
    fn default() -> Self {
        Sprints {
            length_days: 10,
            standup_days: Calendar::default().work_days,
            standup_time: ClockTime::hm(9, 30),
            planning_time: ClockTime::hm(10, 0),
            retro_time: ClockTime::hm(15, 0),
            point_scale: vec![1, 2, 3, 5, 8],
            hours_per_point: 3.0,
            points_per_person: 10,
        }
    }
}

/// Normal-day collaboration rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Collaboration {
    /// Business days between a lead's 1:1s with each report. Default 5.
    pub one_on_one_every_days: u32,
    /// Probability a person asks an async question in Slack on a given day. Default 0.25.
    pub async_question_probability: f64,
    /// Probability a department holds a design discussion on a given day. Default 0.2.
    pub design_discussion_probability: f64,
    /// Share of design discussions held as a meeting (with notes) instead of a thread. Default 0.3.
    pub design_meeting_share: f64,
    /// Probability a person writes an ad-hoc Confluence page on a given day. Default 0.04.
    pub adhoc_page_probability: f64,
    /// Most review rounds a pull request can need before approval. Default 3.
    pub max_review_rounds: u32,
    /// Probability a review round requests changes (until the last round). Default 0.35.
    pub changes_requested_probability: f64,
    /// Reviewers requested per pull request. Default 2.
    pub reviewers_per_pr: u32,
}

impl Default for Collaboration {
    fn default() -> Self {
        Collaboration {
            one_on_one_every_days: 5,
            async_question_probability: 0.25,
            design_discussion_probability: 0.2,
            design_meeting_share: 0.3,
            adhoc_page_probability: 0.04,
            max_review_rounds: 3,
            changes_requested_probability: 0.35,
            reviewers_per_pr: 2,
        }
    }
}

/// Incident severities.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[allow(missing_docs)]
pub enum Severity {
    P1,
    P2,
    P3,
    P4,
}

/// Share of each severity; the four values sum to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SeverityMix {
    #[serde(rename = "P1")]
    pub p1: f64,
    #[serde(rename = "P2")]
    pub p2: f64,
    #[serde(rename = "P3")]
    pub p3: f64,
    #[serde(rename = "P4")]
    pub p4: f64,
}

impl Default for SeverityMix {
    fn default() -> Self {
        SeverityMix {
            p1: 0.1,
            p2: 0.25,
            p3: 0.4,
            p4: 0.25,
        }
    }
}

/// Incident hazard, severity mix and on-call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Incidents {
    /// Daily probability of an incident somewhere, at full health and no recent change. Default 0.15.
    pub base_rate_per_day: f64,
    /// Most incidents open at once. Default 3.
    pub max_open: u32,
    /// Share of each severity.
    pub severity_mix: SeverityMix,
    /// Person ids in the on-call rotation; empty means everyone in departments that ship code.
    pub on_call: Vec<String>,
    /// Business days per on-call shift. Default 5.
    pub rotation_days: u32,
    /// Stress each responder takes when an incident opens, by severity. Default P1 20, P2 12, P3 6, P4 3.
    pub stress_hit: PerSeverity,
    /// System health lost when an incident opens, by severity, in [0, 1]. Default P1 0.35, P2 0.2, P3 0.08, P4 0.03.
    pub health_hit: PerSeverity,
    /// Share of the gap to full health a system recovers per day, in [0, 1]. Default 0.1.
    pub health_recovery_per_day: f64,
    /// Probability that an incident cascades to a system depending on the failed one, in [0, 1]. Default 0.15.
    pub cascade_probability: f64,
    /// Share of incidents that fire outside business hours, in [0, 1]. Default 0.2.
    pub after_hours_share: f64,
    /// Incidents that happen on a given day whatever the hazard (for drills and tests).
    pub scheduled: Vec<ScheduledIncident>,
}

/// An incident forced on a given day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduledIncident {
    /// Business day (1-based).
    pub day: u32,
    /// System id.
    pub system: String,
    /// One of the system's failure mode kinds.
    pub failure_mode: String,
    /// Severity.
    pub severity: Severity,
}

/// A number per severity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PerSeverity {
    #[serde(rename = "P1")]
    pub p1: f64,
    #[serde(rename = "P2")]
    pub p2: f64,
    #[serde(rename = "P3")]
    pub p3: f64,
    #[serde(rename = "P4")]
    pub p4: f64,
}

impl PerSeverity {
    /// The value for `severity`.
    pub fn get(&self, severity: Severity) -> f64 {
        match severity {
            Severity::P1 => self.p1,
            Severity::P2 => self.p2,
            Severity::P3 => self.p3,
            Severity::P4 => self.p4,
        }
    }
}

impl Default for Incidents {
    fn default() -> Self {
        Incidents {
            base_rate_per_day: 0.15,
            max_open: 3,
            severity_mix: SeverityMix::default(),
            on_call: Vec::new(),
            rotation_days: 5,
            stress_hit: PerSeverity {
                p1: 20.0,
                p2: 12.0,
                p3: 6.0,
                p4: 3.0,
            },
            health_hit: PerSeverity {
                p1: 0.35,
                p2: 0.2,
                p3: 0.08,
                p4: 0.03,
            },
            health_recovery_per_day: 0.1,
            cascade_probability: 0.15,
            after_hours_share: 0.2,
            scheduled: Vec::new(),
        }
    }
}

/// Social graph weights and dynamics. Weights lie in [weight_floor, weight_max].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Graph {
    /// Lowest weight an edge decays to. Default 0.5.
    pub weight_floor: f64,
    /// Highest weight an edge can reach. Default 20.
    pub weight_max: f64,
    /// Daily decay factor toward the floor, in [0, 1]. Default 0.97.
    pub decay: f64,
    /// Initial weight between a lead and each report. Default 8.
    pub weight_lead_report: f64,
    /// Initial weight between department peers. Default 5.
    pub weight_peer: f64,
    /// Initial weight among department leads. Default 6.
    pub weight_leads: f64,
    /// Initial weight of a random cross-department tie. Default 2.
    pub weight_cross: f64,
    /// Initial weight between an external contact and their liaison. Default 4.
    pub weight_external: f64,
    /// Expected random cross-department ties per person. Default 0.5.
    pub cross_ties_per_person: f64,
    /// Boost per thread reply between two participants. Default 0.3.
    pub boost_thread_reply: f64,
    /// Boost per 1:1. Default 1.0.
    pub boost_one_on_one: f64,
    /// Boost per pull-request review between author and reviewer. Default 0.8.
    pub boost_pr_review: f64,
    /// Boost per incident co-response. Default 1.5.
    pub boost_incident: f64,
    /// Boost per shared meeting. Default 0.2.
    pub boost_meeting: f64,
    /// Boost per email between an external contact and an employee. Default 0.5.
    pub boost_email: f64,
    /// Top share of people by betweenness who count as key players, in [0, 1]. Default 0.1.
    pub key_player_fraction: f64,
    /// Most hops in an escalation chain. Default 4.
    pub max_hops: u32,
}

impl Default for Graph {
    fn default() -> Self {
        Graph {
            weight_floor: 0.5,
            weight_max: 20.0,
            decay: 0.97,
            weight_lead_report: 8.0,
            weight_peer: 5.0,
            weight_leads: 6.0,
            weight_cross: 2.0,
            weight_external: 4.0,
            cross_ties_per_person: 0.5,
            boost_thread_reply: 0.3,
            boost_one_on_one: 1.0,
            boost_pr_review: 0.8,
            boost_incident: 1.5,
            boost_meeting: 0.2,
            boost_email: 0.5,
            key_player_fraction: 0.1,
            max_hops: 4,
        }
    }
}

/// Stress, burnout and morale dynamics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Morale {
    /// Stress above which a person is over the line, in [0, 100]. Default 72.
    pub burnout_threshold: f64,
    /// Consecutive days over the threshold before burnout is recorded. Default 3.
    pub burnout_days: u32,
    /// Share of a key player's excess stress handed to neighbours per day, in [0, 1]. Default 0.25.
    pub propagation_fraction: f64,
    /// Stress recovered per quiet day. Default 3.
    pub recovery_per_day: f64,
    /// Morale on day 1, in [0, 1]. Default 0.75.
    pub initial: f64,
    /// Morale the organization returns to when nothing happens, in [0, 1]. Default 0.78.
    pub equilibrium: f64,
    /// Share of the gap to the target closed per day, in [0, 1]. Default 0.15.
    pub adjustment_rate: f64,
    /// Stress added per day to whoever is on call. Default 2.
    pub on_call_load_per_day: f64,
    /// Share of normal capacity a burnt-out person works, in [0, 1]. Default 0.6.
    pub burnout_capacity: f64,
    /// Burnout ends when stress falls this far below the threshold. Default 10.
    pub burnout_recovery_margin: f64,
}

impl Default for Morale {
    fn default() -> Self {
        Morale {
            burnout_threshold: 72.0,
            burnout_days: 3,
            propagation_fraction: 0.25,
            recovery_per_day: 3.0,
            initial: 0.75,
            equilibrium: 0.78,
            adjustment_rate: 0.15,
            on_call_load_per_day: 2.0,
            burnout_capacity: 0.6,
            burnout_recovery_margin: 10.0,
        }
    }
}

/// Scheduled departures and hires, and random attrition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Lifecycle {
    /// People who leave on a given day.
    pub departures: Vec<Departure>,
    /// People who join on a given day.
    pub hires: Vec<Hire>,
    /// Random attrition.
    pub attrition: Attrition,
    /// Onboarding and warm-up of hires.
    pub onboarding: Onboarding,
}

/// How hires are brought in: sessions until their ties are warm, then a ramp before rotations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Onboarding {
    /// A hire is warmed up once their ties to their lead and mentor both reach this weight. Default 4.
    pub warmup_threshold: f64,
    /// Business days after joining before a hire joins the on-call and reviewer pools. Default 10.
    pub ramp_days: u32,
    /// A warm-up 1:1 with the lead every this many business days until warm. Default 2.
    pub warmup_one_on_one_every_days: u32,
}

impl Default for Onboarding {
    fn default() -> Self {
        Onboarding {
            warmup_threshold: 4.0,
            ramp_days: 10,
            warmup_one_on_one_every_days: 2,
        }
    }
}

/// A scheduled departure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Departure {
    /// Person id of who leaves.
    pub person: String,
    /// Business day (1-based) of the departure; they do not work that day.
    pub day: u32,
    /// Why they leave, free text. Default "resigned".
    #[serde(default = "default_reason")]
    pub reason: String,
    /// Share of what they knew that is written down, in [0, 1]. Default 0.3.
    #[serde(default = "default_documented")]
    pub documented_pct: f64,
}

fn default_reason() -> String {
    "resigned".to_string()
}
fn default_documented() -> f64 {
    0.3
}

/// A scheduled hire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hire {
    /// Who joins.
    pub person: Person,
    /// Department id they join.
    pub department: String,
    /// Business day (1-based) of their first day.
    pub day: u32,
}

/// Random attrition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Attrition {
    /// Daily probability of leaving at zero stress, in [0, 1]. Default 0 (off).
    pub base_daily_hazard: f64,
    /// Multiplier of the hazard at stress 100 (linear in between). Default 4.
    pub stress_multiplier: f64,
    /// Extra multiplier while burnt out. Default 3.
    pub burnout_multiplier: f64,
    /// A department never drops below this many people through attrition. Default 2.
    pub min_headcount: u32,
}

impl Default for Attrition {
    fn default() -> Self {
        Attrition {
            base_daily_hazard: 0.0,
            stress_multiplier: 4.0,
            burnout_multiplier: 3.0,
            min_headcount: 2,
        }
    }
}

/// Documentation coverage dynamics and the knowledge-gap rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Knowledge {
    /// An orphaned system (no one present knows it) below this coverage is a knowledge gap, in [0, 1]. Default 0.5.
    pub gap_coverage: f64,
    /// Coverage a Confluence page about a system adds, in [0, 1]. Default 0.04.
    pub page_coverage_gain: f64,
    /// Investigation takes this many times longer in a knowledge gap (at least 1). Default 1.8.
    pub gap_slowdown: f64,
}

impl Default for Knowledge {
    fn default() -> Self {
        Knowledge {
            gap_coverage: 0.5,
            page_coverage_gain: 0.04,
            gap_slowdown: 1.8,
        }
    }
}

/// Someone who left before day 1, and what they knew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeGap {
    /// Handle of the former employee; must not be a current person id.
    pub person: String,
    /// Their display name.
    pub name: String,
    /// Their last role.
    pub role: String,
    /// Date they left (before the start date).
    pub left_on: NaiveDate,
    /// System ids they owned knowledge of.
    pub systems: Vec<String>,
    /// Share of their knowledge that is written down, in [0, 1].
    #[serde(default = "default_documented")]
    pub documented_pct: f64,
}

/// Customers and vendors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct External {
    /// Customers.
    pub customers: Vec<Customer>,
    /// Vendors.
    pub vendors: Vec<Vendor>,
}

/// A customer account tier.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Tier {
    Enterprise,
    Growth,
    Starter,
}

/// A contact at an external organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Stable handle, e.g. "northwind".
    pub id: String,
    /// Organization name.
    pub org: String,
    /// Account tier.
    pub tier: Tier,
    /// Annual recurring revenue in US dollars.
    pub arr_usd: u64,
    /// People who write to us.
    pub contacts: Vec<Contact>,
    /// System ids the customer depends on.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Sentiment on day 1, in [0, 1]. Default 0.7.
    #[serde(default = "default_sentiment")]
    pub sentiment: f64,
    /// Contract renewal date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_date: Option<NaiveDate>,
    /// Person id of the account owner.
    pub liaison: String,
}

fn default_sentiment() -> f64 {
    0.7
}

/// What a vendor writes about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum VendorNotice {
    Billing,
    Security,
    Outage,
}

/// A vendor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Stable handle, e.g. "cloudhost".
    pub id: String,
    /// Organization name.
    pub org: String,
    /// What they provide, free text, e.g. "cloud hosting".
    pub category: String,
    /// People who write to us.
    pub contacts: Vec<Contact>,
    /// What they send.
    #[serde(default)]
    pub sends: Vec<VendorNotice>,
    /// System ids that depend on this vendor.
    #[serde(default)]
    pub systems: Vec<String>,
    /// Person id who owns the relationship.
    pub liaison: String,
}

/// Email gates and cooldowns: each gate of an inbound email's chain passes with a probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Email {
    /// Probability an inbound email is acknowledged. Default 0.95.
    pub acknowledge_probability: f64,
    /// Probability it is routed to the responsible person. Default 0.9.
    pub route_probability: f64,
    /// Probability it is relayed in Slack. Default 0.85.
    pub relay_probability: f64,
    /// Probability a ticket is opened. Default 0.8.
    pub ticket_probability: f64,
    /// Probability it gets a reply. Default 0.9.
    pub reply_probability: f64,
    /// Probability of a follow-up. Default 0.5.
    pub follow_up_probability: f64,
    /// Business days before the same source writes again. Default 5.
    pub cooldown_days: u32,
    /// Department whose lead handles HR and recruiting mail (offers, onboarding, exits); none
    /// means no HR mail. Default none.
    pub hr_department: Option<String>,
    /// Daily probability that a vendor sends a security or outage notice it can send, in [0, 1]. Default 0.04.
    pub vendor_notice_probability: f64,
}

impl Default for Email {
    fn default() -> Self {
        Email {
            acknowledge_probability: 0.95,
            route_probability: 0.9,
            relay_probability: 0.85,
            ticket_probability: 0.8,
            reply_probability: 0.9,
            follow_up_probability: 0.5,
            cooldown_days: 5,
            hr_department: None,
            vendor_notice_probability: 0.04,
        }
    }
}

/// Which prose backend writes the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProseBackendKind {
    /// Deterministic minijinja templates.
    #[default]
    Template,
    /// A local GGUF model through llama.cpp.
    Llm,
}

/// How prose is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Prose {
    /// Backend. Default template.
    pub backend: ProseBackendKind,
    /// Path of the GGUF model for the llm backend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Context size in tokens. Default 4096.
    pub context_size: u32,
    /// Layers offloaded to the GPU. Default 0.
    pub gpu_layers: u32,
    /// Sequences decoded together. Default 16.
    pub batch_size: u32,
    /// Sampling temperature. Default 0.7.
    pub temperature: f64,
    /// Most tokens generated for one request. Default 384.
    pub max_tokens: u32,
}

impl Default for Prose {
    fn default() -> Self {
        Prose {
            backend: ProseBackendKind::Template,
            model: None,
            context_size: 4096,
            gpu_layers: 0,
            batch_size: 16,
            temperature: 0.7,
            max_tokens: 384,
        }
    }
}

/// What the output contains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Output {
    /// Write `orgforge.db` (SQLite). Default true.
    pub sqlite: bool,
}

impl Default for Output {
    fn default() -> Self {
        Output { sqlite: true }
    }
}
