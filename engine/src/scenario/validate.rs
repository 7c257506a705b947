//! Semantic checks of a typed scenario: references resolve, ids are unique and usable as file
//! names, numbers lie in their ranges. Every problem is reported, not just the first.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use super::model::{Contact, Hours, Person, Persona, Scenario, SeverityMix, System, Weekday};
use super::suggest::did_you_mean;
use crate::artifact::is_safe_path_component;

/// Most business days a scenario may simulate.
pub const MAX_DAYS: u32 = 2000;
/// Smallest context window the llm backend accepts, in tokens.
const MIN_CONTEXT_SIZE: u32 = 512;
/// Most sequences `prose.batch_size` may decode together.
pub const MAX_BATCH_SIZE: u32 = 512;
/// Fewest tokens a single prose request may generate.
const MIN_MAX_TOKENS: u32 = 16;
/// Tolerance of the severity mix sum.
const SEVERITY_SUM_TOLERANCE: f64 = 1e-6;

/// One semantic problem of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the offending value is, e.g. `departments[2].lead`.
    pub path: String,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// How to fix it, when there is an obvious fix.
    pub suggestion: Option<String>,
}

/// All semantic problems of an already-typed scenario, in scenario order.
pub fn validate(scenario: &Scenario) -> Vec<Problem> {
    let mut checker = Checker::new(scenario);
    checker.top_level();
    checker.calendar();
    checker.people();
    checker.departments();
    checker.systems();
    checker.sprints();
    checker.collaboration();
    checker.incidents();
    checker.graph();
    checker.morale();
    checker.lifecycle();
    checker.knowledge_gaps();
    checker.external();
    checker.email();
    checker.prose();
    checker.problems
}

/// Collects problems; holds the id lookups every section needs.
struct Checker<'a> {
    scenario: &'a Scenario,
    problems: Vec<Problem>,
    /// Person id -> index of its first occurrence in `people`.
    people: BTreeMap<&'a str, usize>,
    /// Department id -> index of its first occurrence.
    departments: BTreeMap<&'a str, usize>,
    /// System id -> index of its first occurrence.
    systems: BTreeMap<&'a str, usize>,
    /// Person id of each hire -> index in `lifecycle.hires`.
    hires: BTreeMap<&'a str, usize>,
}

impl<'a> Checker<'a> {
    fn new(scenario: &'a Scenario) -> Checker<'a> {
        fn first_index<'s>(ids: impl Iterator<Item = &'s str>) -> BTreeMap<&'s str, usize> {
            let mut map = BTreeMap::new();
            for (index, id) in ids.enumerate() {
                map.entry(id).or_insert(index);
            }
            map
        }
        Checker {
            scenario,
            problems: Vec::new(),
            people: first_index(scenario.people.iter().map(|p| p.id.as_str())),
            departments: first_index(scenario.departments.iter().map(|d| d.id.as_str())),
            systems: first_index(scenario.systems.iter().map(|s| s.id.as_str())),
            hires: first_index(
                scenario
                    .lifecycle
                    .hires
                    .iter()
                    .map(|h| h.person.id.as_str()),
            ),
        }
    }

    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
            suggestion: None,
        });
    }

    fn push_with(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        suggestion: Option<String>,
    ) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
            suggestion,
        });
    }

    // ---- generic value checks ------------------------------------------------------------

    /// `value` must lie in [low, high] (and be finite).
    fn in_range(&mut self, path: &str, value: f64, low: f64, high: f64) {
        if !(low..=high).contains(&value) {
            self.push(
                path,
                format!(
                    "`{path}` is {}, outside [{}, {}]",
                    number(value),
                    number(low),
                    number(high)
                ),
            );
        }
    }

    /// A probability or fraction: [0, 1].
    fn fraction(&mut self, path: &str, value: f64) {
        self.in_range(path, value, 0.0, 1.0);
    }

    /// `value` must be finite and > 0.
    fn positive(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            self.push(
                path,
                format!("`{path}` is {}; it must be greater than 0", number(value)),
            );
        }
    }

    /// `value` must be finite and >= 0.
    fn non_negative(&mut self, path: &str, value: f64) {
        if !(value.is_finite() && value >= 0.0) {
            self.push(
                path,
                format!("`{path}` is {}; it must be 0 or more", number(value)),
            );
        }
    }

    /// An integer that must be at least `minimum`.
    fn at_least(&mut self, path: &str, value: u32, minimum: u32) {
        if value < minimum {
            self.push(
                path,
                format!("`{path}` is {value}; it must be at least {minimum}"),
            );
        }
    }

    /// An id that ends up in a file name.
    fn path_component(&mut self, path: &str, kind: &str, id: &str) -> bool {
        if is_safe_path_component(id) {
            return true;
        }
        self.push_with(
            path,
            format!("{kind} `{id}` cannot be used in a file name"),
            Some(
                "use 1 to 80 ASCII letters, digits, `.`, `-` or `_`, not starting with `.`"
                    .to_string(),
            ),
        );
        false
    }

    /// A person id: a safe path component made of lowercase letters, digits, `.`, `-`, `_`.
    fn person_id(&mut self, path: &str, id: &str) {
        let lowercase = id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        });
        if lowercase && is_safe_path_component(id) {
            return;
        }
        let lowered = id.to_ascii_lowercase();
        let fixable = lowered != id
            && is_safe_path_component(&lowered)
            && lowered.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
            });
        self.push_with(
            path,
            format!(
                "person id `{id}` is not a valid handle: use lowercase letters, digits, `.`, `-` or `_` (1 to 80, not starting with `.`)"
            ),
            fixable.then(|| format!("use `{lowered}`")),
        );
    }

    /// An optional email address of a person.
    fn email_address(&mut self, path: &str, address: &str) {
        if !is_valid_email(address) {
            self.push_with(
                path,
                format!("`{address}` is not a valid email address"),
                Some(
                    "write a plain address like `name@example.com` (no spaces or angle brackets)"
                        .to_string(),
                ),
            );
        }
    }

    /// Business hours: start before end.
    fn hours(&mut self, path: &str, hours: &Hours) {
        if hours.start >= hours.end {
            self.push(
                format!("{path}.end"),
                format!(
                    "business hours end {} is not after start {}",
                    hours.end, hours.start
                ),
            );
        }
    }

    /// A reference to a person employed on day 1: "{what} `{id}`{context} is not a known person".
    fn person_reference(&mut self, path: &str, what: &str, id: &str, context: &str) -> bool {
        if self.people.contains_key(id) {
            return true;
        }
        let suggestion = did_you_mean(id, self.people.keys().copied());
        self.push_with(
            path,
            format!("{what} `{id}`{context} is not a known person"),
            suggestion,
        );
        false
    }

    /// A reference to a system.
    fn system_reference(&mut self, path: &str, what: &str, id: &str) -> bool {
        if self.systems.contains_key(id) {
            return true;
        }
        let suggestion = did_you_mean(id, self.systems.keys().copied());
        self.push_with(
            path,
            format!("{what} `{id}` is not a known system"),
            suggestion,
        );
        false
    }

    /// A reference to a department.
    fn department_reference(&mut self, path: &str, what: &str, id: &str) -> bool {
        if self.departments.contains_key(id) {
            return true;
        }
        let suggestion = did_you_mean(id, self.departments.keys().copied());
        self.push_with(
            path,
            format!("{what} `{id}` is not a known department"),
            suggestion,
        );
        false
    }

    /// The business day `day` must lie in `first..=days`.
    fn day_in_run(&mut self, path: &str, what: &str, day: u32, first: u32) {
        let days = self.scenario.days;
        if day < first || day > days {
            let message = if days < first {
                format!("{what} day {day} cannot happen in a run of {days} day(s)")
            } else if first == 1 {
                format!("{what} day {day} is outside the run (days 1..={days})")
            } else {
                format!("{what} day {day} is outside days {first}..={days} of the run")
            };
            self.push(path, message);
        }
    }

    fn persona(&mut self, path: &str, persona: &Persona) {
        self.in_range(&format!("{path}.stress"), persona.stress, 0.0, 100.0);
        let focus_path = format!("{path}.focus_hours");
        if !(persona.focus_hours > 0.0 && persona.focus_hours <= 12.0) {
            self.push(
                &focus_path,
                format!(
                    "`{focus_path}` is {}; it must lie in (0, 12]",
                    number(persona.focus_hours)
                ),
            );
        }
        self.non_negative(&format!("{path}.tenure_years"), persona.tenure_years);
        if let Some(hours) = &persona.hours {
            self.hours(&format!("{path}.hours"), hours);
        }
        for (index, system) in persona.expertise.iter().enumerate() {
            self.system_reference(&format!("{path}.expertise[{index}]"), "expertise", system);
        }
    }

    fn person(&mut self, path: &str, person: &Person) {
        self.person_id(&format!("{path}.id"), &person.id);
        if let Some(email) = &person.email {
            self.email_address(&format!("{path}.email"), email);
        }
        self.persona(&format!("{path}.persona"), &person.persona);
    }

    fn contacts(&mut self, path: &str, contacts: &[Contact]) {
        for (index, contact) in contacts.iter().enumerate() {
            self.email_address(&format!("{path}[{index}].email"), &contact.email);
        }
    }

    // ---- sections ------------------------------------------------------------------------

    fn top_level(&mut self) {
        let scenario = self.scenario;
        if !(1..=MAX_DAYS).contains(&scenario.days) {
            self.push(
                "days",
                format!(
                    "days is {}; a run has 1 to {MAX_DAYS} business days",
                    scenario.days
                ),
            );
        }
        let company = &scenario.company;
        if company.name.trim().is_empty() {
            self.push("company.name", "company name is empty");
        }
        if !is_valid_domain(&company.domain) {
            self.push_with(
                "company.domain",
                format!("company domain `{}` is not a valid DNS name", company.domain),
                Some("use a name like `example.com`: dot-separated labels of letters, digits and `-`".to_string()),
            );
        }
        if chrono_tz::Tz::from_str(&company.timezone).is_err() {
            let suggestion = did_you_mean(
                &company.timezone,
                chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name()),
            )
            .or_else(|| {
                Some("use an IANA time zone name such as `America/Chicago` or `UTC`".to_string())
            });
            self.push_with(
                "company.timezone",
                format!("`{}` is not an IANA time zone", company.timezone),
                suggestion,
            );
        }
    }

    fn calendar(&mut self) {
        let calendar = &self.scenario.calendar;
        if calendar.work_days.is_empty() {
            self.push_with(
                "calendar.work_days",
                "calendar has no work days",
                Some("list at least one day, e.g. [mon, tue, wed, thu, fri]".to_string()),
            );
        }
        let mut seen = BTreeSet::new();
        for (index, day) in calendar.work_days.iter().enumerate() {
            if !seen.insert(*day) {
                self.push(
                    format!("calendar.work_days[{index}]"),
                    format!("work day `{}` is listed twice", weekday_name(*day)),
                );
            }
        }
        self.hours("calendar.business_hours", &calendar.business_hours);
    }

    fn people(&mut self) {
        let scenario = self.scenario;
        for (index, person) in scenario.people.iter().enumerate() {
            let path = format!("people[{index}]");
            if let Some(&first) = self.people.get(person.id.as_str())
                && first != index
            {
                self.push(
                    format!("{path}.id"),
                    format!(
                        "duplicate person id `{}` (first used by people[{first}])",
                        person.id
                    ),
                );
            }
            self.person(&path, person);
        }
    }

    fn departments(&mut self) {
        let scenario = self.scenario;
        // Person id -> (department index, member index) of its first membership.
        let mut membership: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut channels: BTreeMap<&str, usize> = BTreeMap::new();
        let mut prefixes: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, department) in scenario.departments.iter().enumerate() {
            let path = format!("departments[{index}]");
            let id = department.id.as_str();
            if let Some(&first) = self.departments.get(id)
                && first != index
            {
                self.push(
                    format!("{path}.id"),
                    format!("duplicate department id `{id}` (first used by departments[{first}])"),
                );
            }
            self.path_component(&format!("{path}.id"), "department id", id);

            let prefix = department.ticket_prefix.as_str();
            let prefix_path = format!("{path}.ticket_prefix");
            if !is_ticket_prefix(prefix) {
                let upper = prefix.to_ascii_uppercase();
                self.push_with(
                    &prefix_path,
                    format!("ticket prefix `{prefix}` must be an uppercase letter followed by 1 to 9 uppercase letters or digits"),
                    is_ticket_prefix(&upper).then(|| format!("use `{upper}`")),
                );
            } else if let Some(first) = prefixes.insert(prefix, index) {
                prefixes.insert(prefix, first);
                self.push(
                    &prefix_path,
                    format!(
                        "ticket prefix `{prefix}` is also used by department `{}`",
                        scenario.departments[first].id
                    ),
                );
            }
            if let Some(space) = &department.space {
                self.path_component(&format!("{path}.space"), "space key", space);
            }

            if department.channels.is_empty() {
                self.push_with(
                    format!("{path}.channels"),
                    format!("department `{id}` has no Slack channels"),
                    Some("list at least its home channel".to_string()),
                );
            }
            for (channel_index, channel) in department.channels.iter().enumerate() {
                let channel_path = format!("{path}.channels[{channel_index}]");
                if !is_channel_name(channel) {
                    let lowered = channel.trim_start_matches('#').to_ascii_lowercase();
                    self.push_with(
                        &channel_path,
                        format!("channel name `{channel}` must be 1 to 80 lowercase letters, digits, `-` or `_`"),
                        is_channel_name(&lowered).then(|| format!("use `{lowered}`")),
                    );
                } else if let Some(first) = channels.insert(channel, index) {
                    channels.insert(channel, first);
                    let owner = &scenario.departments[first].id;
                    let message = if first == index {
                        format!("channel `{channel}` is listed twice in department `{id}`")
                    } else {
                        format!("channel `{channel}` is also a channel of department `{owner}`")
                    };
                    self.push(&channel_path, message);
                }
            }

            if department.members.is_empty() {
                self.push_with(
                    format!("{path}.members"),
                    format!("department `{id}` has no members"),
                    Some("every department needs at least its lead as a member".to_string()),
                );
            }
            for (member_index, member) in department.members.iter().enumerate() {
                let member_path = format!("{path}.members[{member_index}]");
                if !self.person_reference(
                    &member_path,
                    "member",
                    member,
                    &format!(" of department `{id}`"),
                ) {
                    continue;
                }
                match membership.get(member.as_str()) {
                    Some(&(other, _)) if other == index => self.push(
                        &member_path,
                        format!("`{member}` is listed twice in the members of department `{id}`"),
                    ),
                    Some(&(other, _)) => self.push_with(
                        &member_path,
                        format!(
                            "person `{member}` is a member of both department `{}` and department `{id}`",
                            scenario.departments[other].id
                        ),
                        Some("a person belongs to exactly one department: remove one membership".to_string()),
                    ),
                    None => {
                        membership.insert(member, (index, member_index));
                    }
                }
            }

            let lead = department.lead.as_str();
            let lead_path = format!("{path}.lead");
            if !department.members.is_empty() && !department.members.iter().any(|m| m == lead) {
                if self.people.contains_key(lead) {
                    self.push_with(
                        &lead_path,
                        format!("lead `{lead}` of department `{id}` is not one of its members"),
                        Some(format!(
                            "add `{lead}` to `members`, or choose a lead among them"
                        )),
                    );
                } else {
                    let suggestion =
                        did_you_mean(lead, department.members.iter().map(String::as_str));
                    self.push_with(
                        &lead_path,
                        format!("lead `{lead}` of department `{id}` is not a known person"),
                        suggestion,
                    );
                }
            }
        }
        for (index, person) in scenario.people.iter().enumerate() {
            if !membership.contains_key(person.id.as_str())
                && self.people.get(person.id.as_str()) == Some(&index)
            {
                self.push_with(
                    format!("people[{index}].id"),
                    format!("person `{}` is not a member of any department", person.id),
                    Some(format!(
                        "add `{}` to the members of one department",
                        person.id
                    )),
                );
            }
        }
    }

    fn systems(&mut self) {
        let scenario = self.scenario;
        for (index, system) in scenario.systems.iter().enumerate() {
            let path = format!("systems[{index}]");
            if let Some(&first) = self.systems.get(system.id.as_str())
                && first != index
            {
                self.push(
                    format!("{path}.id"),
                    format!(
                        "duplicate system id `{}` (first used by systems[{first}])",
                        system.id
                    ),
                );
            }
            self.path_component(&format!("{path}.id"), "system id", &system.id);
            self.department_reference(&format!("{path}.owner"), "owner", &system.owner);
            for (dependency_index, dependency) in system.depends_on.iter().enumerate() {
                let dependency_path = format!("{path}.depends_on[{dependency_index}]");
                if *dependency == system.id {
                    self.push(
                        &dependency_path,
                        format!("system `{}` depends on itself", system.id),
                    );
                } else {
                    self.system_reference(&dependency_path, "dependency", dependency);
                }
            }
            self.fraction(&format!("{path}.documentation"), system.documentation);
            let mut kinds = BTreeSet::new();
            for (mode_index, mode) in system.failure_modes.iter().enumerate() {
                let mode_path = format!("{path}.failure_modes[{mode_index}]");
                if !is_snake_case(&mode.kind) {
                    self.push(
                        format!("{mode_path}.kind"),
                        format!(
                            "failure mode `{}` must be snake_case (lowercase letters, digits, `_`)",
                            mode.kind
                        ),
                    );
                } else if !kinds.insert(mode.kind.as_str()) {
                    self.push(
                        format!("{mode_path}.kind"),
                        format!(
                            "failure mode `{}` is listed twice for system `{}`",
                            mode.kind, system.id
                        ),
                    );
                }
                self.positive(&format!("{mode_path}.weight"), mode.weight);
            }
        }
        self.dependency_cycles();
    }

    /// Reports every cycle in `depends_on`, once per closing edge, naming the cycle.
    fn dependency_cycles(&mut self) {
        let systems = &self.scenario.systems;
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; systems.len()];
        let edges = |system: &System| -> Vec<usize> {
            system
                .depends_on
                .iter()
                .filter(|dependency| **dependency != system.id)
                .filter_map(|dependency| self.systems.get(dependency.as_str()).copied())
                .collect()
        };
        let mut found: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        for root in 0..systems.len() {
            if state[root] != 0 || self.systems.get(systems[root].id.as_str()) != Some(&root) {
                continue;
            }
            // Iterative depth-first search: (node, its edges, next edge).
            let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(root, edges(&systems[root]), 0)];
            state[root] = 1;
            while let Some((node, node_edges, next)) = stack.last_mut() {
                let node = *node;
                if let Some(&target) = node_edges.get(*next) {
                    *next += 1;
                    match state[target] {
                        0 => {
                            state[target] = 1;
                            stack.push((target, edges(&systems[target]), 0));
                        }
                        1 => {
                            let start = stack.iter().position(|(n, ..)| *n == target).unwrap_or(0);
                            let cycle: Vec<usize> =
                                stack[start..].iter().map(|(n, ..)| *n).collect();
                            found.push((node, target, cycle));
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
        for (node, target, cycle) in found {
            let mut names: Vec<&str> = cycle.iter().map(|&n| systems[n].id.as_str()).collect();
            names.push(systems[target].id.as_str());
            let edge_index = systems[node]
                .depends_on
                .iter()
                .position(|dependency| *dependency == systems[target].id)
                .unwrap_or(0);
            self.push_with(
                format!("systems[{node}].depends_on[{edge_index}]"),
                format!("dependency cycle: {}", names.join(" -> ")),
                Some(format!(
                    "remove `{}` from the depends_on of `{}` or break the cycle elsewhere",
                    systems[target].id, systems[node].id
                )),
            );
        }
    }

    fn sprints(&mut self) {
        let sprints = &self.scenario.sprints;
        self.at_least("sprints.length_days", sprints.length_days, 1);
        if sprints.point_scale.is_empty() {
            self.push("sprints.point_scale", "sprint point scale is empty");
        }
        for (index, points) in sprints.point_scale.iter().enumerate() {
            self.at_least(&format!("sprints.point_scale[{index}]"), *points, 1);
        }
        self.positive("sprints.hours_per_point", sprints.hours_per_point);
        let work_days = &self.scenario.calendar.work_days;
        for (index, day) in sprints.standup_days.iter().enumerate() {
            if !work_days.contains(day) {
                self.push(
                    format!("sprints.standup_days[{index}]"),
                    format!("stand-up day `{}` is not a work day", weekday_name(*day)),
                );
            }
        }
    }

    fn collaboration(&mut self) {
        let collaboration = &self.scenario.collaboration;
        self.at_least(
            "collaboration.one_on_one_every_days",
            collaboration.one_on_one_every_days,
            1,
        );
        self.fraction(
            "collaboration.async_question_probability",
            collaboration.async_question_probability,
        );
        self.fraction(
            "collaboration.design_discussion_probability",
            collaboration.design_discussion_probability,
        );
        self.fraction(
            "collaboration.design_meeting_share",
            collaboration.design_meeting_share,
        );
        self.fraction(
            "collaboration.adhoc_page_probability",
            collaboration.adhoc_page_probability,
        );
        self.at_least(
            "collaboration.max_review_rounds",
            collaboration.max_review_rounds,
            1,
        );
        self.fraction(
            "collaboration.changes_requested_probability",
            collaboration.changes_requested_probability,
        );
        self.at_least(
            "collaboration.reviewers_per_pr",
            collaboration.reviewers_per_pr,
            1,
        );
    }

    fn incidents(&mut self) {
        let incidents = &self.scenario.incidents;
        self.fraction("incidents.base_rate_per_day", incidents.base_rate_per_day);
        self.at_least("incidents.max_open", incidents.max_open, 1);
        self.at_least("incidents.rotation_days", incidents.rotation_days, 1);
        self.fraction(
            "incidents.health_recovery_per_day",
            incidents.health_recovery_per_day,
        );
        self.fraction(
            "incidents.cascade_probability",
            incidents.cascade_probability,
        );
        self.fraction("incidents.after_hours_share", incidents.after_hours_share);
        for (index, forced) in incidents.scheduled.iter().enumerate() {
            let path = format!("incidents.scheduled[{index}]");
            if forced.day == 0 || forced.day > self.scenario.days {
                self.push(
                    format!("{path}.day"),
                    format!(
                        "day {} is outside the run (1..={})",
                        forced.day, self.scenario.days
                    ),
                );
            }
            match self.scenario.systems.iter().find(|s| s.id == forced.system) {
                None => self.push(
                    format!("{path}.system"),
                    format!("unknown system `{}`", forced.system),
                ),
                Some(system) => {
                    if !system
                        .failure_modes
                        .iter()
                        .any(|m| m.kind == forced.failure_mode)
                    {
                        let known: Vec<&str> = system
                            .failure_modes
                            .iter()
                            .map(|m| m.kind.as_str())
                            .collect();
                        self.push(
                            format!("{path}.failure_mode"),
                            format!(
                                "`{}` is not a failure mode of `{}` (it has: {})",
                                forced.failure_mode,
                                system.id,
                                known.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        for (name, hit, health) in [
            ("P1", incidents.stress_hit.p1, incidents.health_hit.p1),
            ("P2", incidents.stress_hit.p2, incidents.health_hit.p2),
            ("P3", incidents.stress_hit.p3, incidents.health_hit.p3),
            ("P4", incidents.stress_hit.p4, incidents.health_hit.p4),
        ] {
            self.in_range(&format!("incidents.stress_hit.{name}"), hit, 0.0, 100.0);
            self.fraction(&format!("incidents.health_hit.{name}"), health);
        }
        let SeverityMix { p1, p2, p3, p4 } = incidents.severity_mix;
        let mut all_in_range = true;
        for (name, share) in [("P1", p1), ("P2", p2), ("P3", p3), ("P4", p4)] {
            if !(0.0..=1.0).contains(&share) {
                all_in_range = false;
            }
            self.fraction(&format!("incidents.severity_mix.{name}"), share);
        }
        let sum = p1 + p2 + p3 + p4;
        if all_in_range && (sum - 1.0).abs() > SEVERITY_SUM_TOLERANCE {
            self.push_with(
                "incidents.severity_mix",
                format!("severity mix sums to {}, not 1", number(sum)),
                Some("make P1 + P2 + P3 + P4 add up to exactly 1".to_string()),
            );
        }
        let mut seen = BTreeSet::new();
        for (index, person) in incidents.on_call.iter().enumerate() {
            let path = format!("incidents.on_call[{index}]");
            if self.person_reference(&path, "on-call person", person, "") && !seen.insert(person) {
                self.push(
                    &path,
                    format!("`{person}` is listed twice in the on-call rotation"),
                );
            }
        }
    }

    fn graph(&mut self) {
        let graph = &self.scenario.graph;
        self.positive("graph.weight_floor", graph.weight_floor);
        if graph.weight_max.is_nan() || graph.weight_floor >= graph.weight_max {
            self.push(
                "graph.weight_max",
                format!(
                    "graph weight_max {} is not above weight_floor {}",
                    number(graph.weight_max),
                    number(graph.weight_floor)
                ),
            );
        }
        for (name, weight) in [
            ("weight_lead_report", graph.weight_lead_report),
            ("weight_peer", graph.weight_peer),
            ("weight_leads", graph.weight_leads),
            ("weight_cross", graph.weight_cross),
            ("weight_external", graph.weight_external),
        ] {
            let path = format!("graph.{name}");
            if !(graph.weight_floor..=graph.weight_max).contains(&weight) {
                self.push(
                    &path,
                    format!(
                        "`{path}` is {}, outside [weight_floor, weight_max] = [{}, {}]",
                        number(weight),
                        number(graph.weight_floor),
                        number(graph.weight_max)
                    ),
                );
            }
        }
        self.fraction("graph.decay", graph.decay);
        self.non_negative("graph.cross_ties_per_person", graph.cross_ties_per_person);
        for (name, boost) in [
            ("boost_thread_reply", graph.boost_thread_reply),
            ("boost_one_on_one", graph.boost_one_on_one),
            ("boost_pr_review", graph.boost_pr_review),
            ("boost_incident", graph.boost_incident),
            ("boost_meeting", graph.boost_meeting),
            ("boost_email", graph.boost_email),
        ] {
            self.non_negative(&format!("graph.{name}"), boost);
        }
        self.fraction("graph.key_player_fraction", graph.key_player_fraction);
        self.at_least("graph.max_hops", graph.max_hops, 1);
    }

    fn morale(&mut self) {
        let morale = &self.scenario.morale;
        self.in_range(
            "morale.burnout_threshold",
            morale.burnout_threshold,
            0.0,
            100.0,
        );
        self.at_least("morale.burnout_days", morale.burnout_days, 1);
        self.fraction("morale.propagation_fraction", morale.propagation_fraction);
        self.non_negative("morale.recovery_per_day", morale.recovery_per_day);
        self.fraction("morale.initial", morale.initial);
        self.fraction("morale.equilibrium", morale.equilibrium);
        self.fraction("morale.adjustment_rate", morale.adjustment_rate);
        self.non_negative("morale.on_call_load_per_day", morale.on_call_load_per_day);
        self.fraction("morale.burnout_capacity", morale.burnout_capacity);
        self.non_negative(
            "morale.burnout_recovery_margin",
            morale.burnout_recovery_margin,
        );
        let knowledge = &self.scenario.knowledge;
        self.fraction("knowledge.gap_coverage", knowledge.gap_coverage);
        self.fraction("knowledge.page_coverage_gain", knowledge.page_coverage_gain);
        self.in_range("knowledge.gap_slowdown", knowledge.gap_slowdown, 1.0, 100.0);
    }

    fn lifecycle(&mut self) {
        let scenario = self.scenario;
        let lifecycle = &scenario.lifecycle;

        for (index, hire) in lifecycle.hires.iter().enumerate() {
            let path = format!("lifecycle.hires[{index}]");
            let id = hire.person.id.as_str();
            if let Some(&existing) = self.people.get(id) {
                self.push_with(
                    format!("{path}.person.id"),
                    format!("hire `{id}` has the id of an existing person (people[{existing}])"),
                    Some("give the new hire a different id".to_string()),
                );
            } else if let Some(&first) = self.hires.get(id)
                && first != index
            {
                self.push(
                    format!("{path}.person.id"),
                    format!("hire `{id}` is hired twice (also lifecycle.hires[{first}])"),
                );
            }
            self.person(&format!("{path}.person"), &hire.person);
            self.department_reference(
                &format!("{path}.department"),
                "department",
                &hire.department,
            );
            self.day_in_run(&format!("{path}.day"), "hire", hire.day, 2);
        }

        // Department index of each day-1 person, for the lead and emptiness rules.
        let mut department_of: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, department) in scenario.departments.iter().enumerate() {
            for member in &department.members {
                department_of.entry(member.as_str()).or_insert(index);
            }
        }
        let mut departing_per_department: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
        let mut departed: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, departure) in lifecycle.departures.iter().enumerate() {
            let path = format!("lifecycle.departures[{index}]");
            let person = departure.person.as_str();
            let person_path = format!("{path}.person");
            self.fraction(&format!("{path}.documented_pct"), departure.documented_pct);
            self.day_in_run(&format!("{path}.day"), "departure", departure.day, 1);
            if let Some(&hire_index) = self.hires.get(person) {
                let hire_day = lifecycle.hires[hire_index].day;
                if departure.day <= hire_day {
                    self.push(
                        format!("{path}.day"),
                        format!(
                            "`{person}` departs on day {} but is only hired on day {hire_day}",
                            departure.day
                        ),
                    );
                }
            } else if !self.people.contains_key(person) {
                let candidates = self
                    .people
                    .keys()
                    .copied()
                    .chain(self.hires.keys().copied())
                    .collect::<Vec<_>>();
                self.push_with(
                    &person_path,
                    format!("departing person `{person}` is not a known person"),
                    did_you_mean(person, candidates),
                );
                continue;
            }
            if let Some(first) = departed.insert(person, index) {
                departed.insert(person, first);
                self.push(
                    &person_path,
                    format!("`{person}` already departs in lifecycle.departures[{first}]"),
                );
                continue;
            }
            let Some(&department_index) = department_of.get(person) else {
                continue;
            };
            let department = &scenario.departments[department_index];
            if department.lead == person {
                self.push_with(
                    &person_path,
                    format!(
                        "`{person}` leads department `{}`; a lead cannot depart (the department would be left without a lead)",
                        department.id
                    ),
                    Some(format!("make someone else the lead of `{}` first", department.id)),
                );
                continue;
            }
            let departing = departing_per_department
                .entry(department_index)
                .or_default();
            departing.insert(person);
            let members: BTreeSet<&str> = department.members.iter().map(String::as_str).collect();
            if members.iter().all(|member| departing.contains(member)) {
                self.push(
                    &person_path,
                    format!(
                        "departure of `{person}` would leave department `{}` with no members",
                        department.id
                    ),
                );
            }
        }

        let attrition = &lifecycle.attrition;
        self.fraction(
            "lifecycle.attrition.base_daily_hazard",
            attrition.base_daily_hazard,
        );
        self.non_negative(
            "lifecycle.attrition.stress_multiplier",
            attrition.stress_multiplier,
        );
        self.non_negative(
            "lifecycle.attrition.burnout_multiplier",
            attrition.burnout_multiplier,
        );
        let onboarding = &lifecycle.onboarding;
        self.positive(
            "lifecycle.onboarding.warmup_threshold",
            onboarding.warmup_threshold,
        );
        self.at_least(
            "lifecycle.onboarding.warmup_one_on_one_every_days",
            onboarding.warmup_one_on_one_every_days,
            1,
        );
    }

    fn knowledge_gaps(&mut self) {
        let scenario = self.scenario;
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, gap) in scenario.knowledge_gaps.iter().enumerate() {
            let path = format!("knowledge_gaps[{index}]");
            let person = gap.person.as_str();
            let person_path = format!("{path}.person");
            if self.people.contains_key(person) {
                self.push_with(
                    &person_path,
                    format!("`{person}` left before day 1 but is also a current person id"),
                    Some("a former employee needs an id of their own".to_string()),
                );
            } else if self.hires.contains_key(person) {
                self.push_with(
                    &person_path,
                    format!("`{person}` left before day 1 but is also the id of a hire"),
                    Some("a former employee needs an id of their own".to_string()),
                );
            } else if let Some(first) = seen.insert(person, index) {
                seen.insert(person, first);
                self.push(
                    &person_path,
                    format!("`{person}` is listed twice in knowledge_gaps (also knowledge_gaps[{first}])"),
                );
            } else {
                self.person_id(&person_path, person);
            }
            for (system_index, system) in gap.systems.iter().enumerate() {
                self.system_reference(&format!("{path}.systems[{system_index}]"), "system", system);
            }
            let start = scenario.company.start_date;
            if gap.left_on >= start {
                self.push(
                    format!("{path}.left_on"),
                    format!(
                        "`{person}` left on {}, which is not before the start date {start}",
                        gap.left_on
                    ),
                );
            }
            self.fraction(&format!("{path}.documented_pct"), gap.documented_pct);
        }
    }

    fn external(&mut self) {
        let external = &self.scenario.external;
        // External org id -> ("customer" | "vendor", index), across both lists.
        let mut ids: BTreeMap<&str, (&str, usize)> = BTreeMap::new();
        for (index, customer) in external.customers.iter().enumerate() {
            let path = format!("external.customers[{index}]");
            self.external_id(&mut ids, &path, "customer", index, &customer.id);
            if customer.arr_usd == 0 {
                self.push(
                    format!("{path}.arr_usd"),
                    format!(
                        "ARR of customer `{}` is 0; it must be greater than 0",
                        customer.id
                    ),
                );
            }
            self.contacts(&format!("{path}.contacts"), &customer.contacts);
            for (system_index, system) in customer.depends_on.iter().enumerate() {
                self.system_reference(
                    &format!("{path}.depends_on[{system_index}]"),
                    "system",
                    system,
                );
            }
            self.fraction(&format!("{path}.sentiment"), customer.sentiment);
            self.person_reference(&format!("{path}.liaison"), "liaison", &customer.liaison, "");
        }
        for (index, vendor) in external.vendors.iter().enumerate() {
            let path = format!("external.vendors[{index}]");
            self.external_id(&mut ids, &path, "vendor", index, &vendor.id);
            self.contacts(&format!("{path}.contacts"), &vendor.contacts);
            for (system_index, system) in vendor.systems.iter().enumerate() {
                self.system_reference(&format!("{path}.systems[{system_index}]"), "system", system);
            }
            self.person_reference(&format!("{path}.liaison"), "liaison", &vendor.liaison, "");
        }
    }

    fn external_id(
        &mut self,
        ids: &mut BTreeMap<&'a str, (&'static str, usize)>,
        path: &str,
        kind: &'static str,
        index: usize,
        id: &'a str,
    ) {
        let id_path = format!("{path}.id");
        if !self.path_component(&id_path, &format!("{kind} id"), id) {
            return;
        }
        if let Some((first_kind, first)) = ids.get(id).copied() {
            self.push(
                &id_path,
                format!("duplicate external id `{id}` (also the {first_kind} at index {first})"),
            );
        } else {
            ids.insert(id, (kind, index));
        }
    }

    fn email(&mut self) {
        let email = &self.scenario.email;
        for (name, probability) in [
            ("acknowledge_probability", email.acknowledge_probability),
            ("route_probability", email.route_probability),
            ("relay_probability", email.relay_probability),
            ("ticket_probability", email.ticket_probability),
            ("reply_probability", email.reply_probability),
            ("follow_up_probability", email.follow_up_probability),
            ("vendor_notice_probability", email.vendor_notice_probability),
        ] {
            self.fraction(&format!("email.{name}"), probability);
        }
        if let Some(hr) = &email.hr_department
            && !self.scenario.departments.iter().any(|d| &d.id == hr)
        {
            self.push("email.hr_department", format!("unknown department `{hr}`"));
        }
    }

    fn prose(&mut self) {
        let prose = &self.scenario.prose;
        self.at_least("prose.context_size", prose.context_size, MIN_CONTEXT_SIZE);
        if !(1..=MAX_BATCH_SIZE).contains(&prose.batch_size) {
            self.push(
                "prose.batch_size",
                format!(
                    "`prose.batch_size` is {}, outside 1..={MAX_BATCH_SIZE}",
                    prose.batch_size
                ),
            );
        }
        self.in_range("prose.temperature", prose.temperature, 0.0, 2.0);
        self.at_least("prose.max_tokens", prose.max_tokens, MIN_MAX_TOKENS);
    }
}

/// A number for a message: at most 6 decimals, no trailing zeros.
fn number(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// `[A-Z][A-Z0-9]{1,9}`.
fn is_ticket_prefix(prefix: &str) -> bool {
    let bytes = prefix.as_bytes();
    (2..=10).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `[a-z0-9_-]{1,80}`.
fn is_channel_name(name: &str) -> bool {
    (1..=80).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `[a-z][a-z0-9_]*`.
fn is_snake_case(name: &str) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A DNS name of at least two labels: letters, digits and inner `-`, labels of 1 to 63 bytes,
/// at most 253 bytes, a top-level label that is not all digits.
pub(crate) fn is_valid_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|top| !top.bytes().all(|b| b.is_ascii_digit()))
}

/// A plain `local@domain` address: an RFC 5322 dot-atom local part (no spaces, quotes or angle
/// brackets) and a valid DNS domain.
pub(crate) fn is_valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    const ATOM_SPECIALS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";
    (1..=64).contains(&local.len())
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || ATOM_SPECIALS.contains(&b))
        && is_valid_domain(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert!(is_valid_domain("halcyonfreight.com"));
        assert!(is_valid_domain("mail.example-co.io"));
        assert!(!is_valid_domain("localhost"));
        assert!(!is_valid_domain("-bad.com"));
        assert!(!is_valid_domain("bad..com"));
        assert!(!is_valid_domain("exa mple.com"));
        assert!(!is_valid_domain("10.0.0.1"));
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("dana.ruiz@northwind.example"));
        assert!(is_valid_email("o'connor+ops@acme.io"));
        assert!(!is_valid_email("Dana <dana@acme.io>"));
        assert!(!is_valid_email("dana ruiz@acme.io"));
        assert!(!is_valid_email("dana@"));
        assert!(!is_valid_email("@acme.io"));
        assert!(!is_valid_email("dana.acme.io"));
        assert!(!is_valid_email("a@b@acme.io"));
    }

    #[test]
    fn prefixes_channels_numbers() {
        assert!(is_ticket_prefix("PLAT"));
        assert!(is_ticket_prefix("P2"));
        assert!(!is_ticket_prefix("P"));
        assert!(!is_ticket_prefix("plat"));
        assert!(!is_ticket_prefix("2PLAT"));
        assert!(is_channel_name("platform-eng"));
        assert!(!is_channel_name("#platform"));
        assert!(!is_channel_name("Platform"));
        assert_eq!(number(0.9000000000000001), "0.9");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(100.0), "100");
    }
}
