//! The fact check of model-written prose: a text may only use the facts of its request's packet.
//!
//! A check is pure: the same text, packet, roster and day always give the same findings, so a
//! replayed run (prose cache) falls back on exactly the same texts as the run that filled it.
//! **Architecture invariant:** the check never repairs a text; a text either passes or is replaced.

use std::collections::BTreeMap;
use std::fmt;

use orgforge_engine::outcome::Outcome;

use super::{FactPacket, ProseRequest};
use crate::ids;

/// Why a text failed the fact check. Each reason is counted separately in the run's statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FailureReason {
    /// The text is empty after trimming.
    Empty,
    /// The text is far over the kind's word limit.
    TooLong,
    /// A required fact is absent.
    MissingFact,
    /// A number, id or date appears that the packet does not hold.
    InventedNumber,
    /// A roster person is named whom the packet does not hold.
    UnknownPerson,
    /// A person is named who had left (or not yet joined) at the artifact's time.
    DepartedPerson,
    /// A template placeholder such as `[Your Name]` or `{name}`.
    Placeholder,
    /// The same line written [`REPEATED_LINE_LIMIT`] times: the model is looping.
    Repetition,
    /// The model produced no usable answer (context too small, generation failed).
    NoAnswer,
    /// The answer to a group request (a thread, a page) lacks this part's marker line.
    MissingPart,
}

impl FailureReason {
    /// Snake-case name, as counted in `run.json`.
    pub fn name(self) -> &'static str {
        match self {
            FailureReason::Empty => "empty",
            FailureReason::TooLong => "too_long",
            FailureReason::MissingFact => "missing_fact",
            FailureReason::InventedNumber => "invented_number",
            FailureReason::UnknownPerson => "unknown_person",
            FailureReason::DepartedPerson => "departed_person",
            FailureReason::Placeholder => "placeholder",
            FailureReason::Repetition => "repetition",
            FailureReason::NoAnswer => "no_answer",
            FailureReason::MissingPart => "missing_part",
        }
    }
}

/// One finding of the fact check: its reason and the offending fact or word.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Why the text fails.
    pub reason: FailureReason,
    /// The fact that is missing, or the word that is not allowed.
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            FailureReason::Empty => write!(f, "the answer was empty"),
            FailureReason::TooLong => write!(f, "the answer was too long ({})", self.detail),
            FailureReason::MissingFact => {
                write!(
                    f,
                    "it did not contain the required fact \"{}\"",
                    self.detail
                )
            }
            FailureReason::InventedNumber => write!(
                f,
                "it used \"{}\", a number that is not in the facts",
                self.detail
            ),
            FailureReason::UnknownPerson => {
                write!(f, "it named {}, who is not in the facts", self.detail)
            }
            FailureReason::DepartedPerson => write!(
                f,
                "it named {}, who was not at the company at that time",
                self.detail
            ),
            FailureReason::Placeholder => {
                write!(f, "it contained the placeholder \"{}\"", self.detail)
            }
            FailureReason::Repetition => {
                write!(
                    f,
                    "it repeated the line \"{}\" again and again",
                    self.detail
                )
            }
            FailureReason::NoAnswer => write!(f, "no answer ({})", self.detail),
            FailureReason::MissingPart => {
                write!(f, "the part was missing: no marker line opened it")
            }
        }
    }
}

/// A line written this many times fails the text: a model caught in a loop. Only lines of at
/// least [`REPEATED_LINE_MIN_WORDS`] words count (a checklist may repeat `- [ ] docs`).
pub const REPEATED_LINE_LIMIT: usize = 3;
/// Words (with a letter or digit) a line needs before its repetition counts.
const REPEATED_LINE_MIN_WORDS: usize = 4;

/// A text may be this many times the kind's word limit before it counts as too long; the limit
/// is a request to the model, the check only stops run-away answers.
pub const WORD_LIMIT_SLACK_FACTOR: u32 = 2;

/// A roster person as the fact check sees them: the ways a text can name them, and when they
/// were at the company.
#[derive(Debug, Clone, PartialEq, Eq)]
struct KnownPerson {
    id: String,
    name: String,
    first_name: String,
    mention: String,
    joined_day: u32,
    left_day: Option<u32>,
}

/// Checks model answers against their request's packet and the run's roster.
#[derive(Debug, Clone, Default)]
pub struct FactChecker {
    people: Vec<KnownPerson>,
    /// Day of each event, by event id (the artifact's time).
    event_days: BTreeMap<String, u32>,
}

/// Shortest first name that is matched on its own; shorter ones ("Al") are too often plain words.
const FIRST_NAME_MIN_CHARS: usize = 3;

impl FactChecker {
    /// A checker for the people and events of a finished run.
    pub fn new(outcome: &Outcome) -> FactChecker {
        let mut checker = FactChecker::default();
        for person in &outcome.snapshot.roster.people {
            checker.add_person(&person.id, &person.name, person.joined_day, person.left_day);
        }
        for event in &outcome.events {
            checker.event_days.insert(event.id.clone(), event.day);
        }
        checker
    }

    /// Adds a person (tests build small checkers by hand).
    pub fn add_person(&mut self, id: &str, name: &str, joined_day: u32, left_day: Option<u32>) {
        let first_name = name.split_whitespace().next().unwrap_or(name).to_string();
        self.people.push(KnownPerson {
            id: id.to_string(),
            name: name.to_string(),
            first_name,
            mention: format!("<@{}>", ids::slack_user_id(id)),
            joined_day,
            left_day,
        });
    }

    /// Records the day of an event (tests build small checkers by hand).
    pub fn add_event(&mut self, event_id: &str, day: u32) {
        self.event_days.insert(event_id.to_string(), day);
    }

    /// Every finding for `text` as the answer to `request`, sorted and without duplicates;
    /// empty when the text passes.
    pub fn check(&self, request: &ProseRequest, text: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return vec![Finding {
                reason: FailureReason::Empty,
                detail: String::new(),
            }];
        }
        let words = trimmed.split_whitespace().count() as u64;
        let limit = u64::from(request.kind.max_words()) * u64::from(WORD_LIMIT_SLACK_FACTOR);
        if words > limit {
            findings.push(Finding {
                reason: FailureReason::TooLong,
                detail: format!("{words} words, limit {limit}"),
            });
        }
        let packet = &request.facts;
        for fact in packet.missing(trimmed) {
            findings.push(Finding {
                reason: FailureReason::MissingFact,
                detail: fact,
            });
        }
        for number in packet.numbers_outside(trimmed) {
            findings.push(Finding {
                reason: FailureReason::InventedNumber,
                detail: number,
            });
        }
        for placeholder in placeholders(trimmed) {
            findings.push(Finding {
                reason: FailureReason::Placeholder,
                detail: placeholder,
            });
        }
        if let Some(line) = repeated_line(trimmed) {
            findings.push(Finding {
                reason: FailureReason::Repetition,
                detail: line,
            });
        }
        let day = self.event_days.get(&request.event_id).copied();
        for person in &self.people {
            let Some(as_written) = person_named(person, trimmed) else {
                continue;
            };
            if person_in_packet(person, packet) {
                continue;
            }
            let present = day.is_none_or(|day| {
                person.joined_day <= day && person.left_day.is_none_or(|left| day < left)
            });
            findings.push(Finding {
                reason: if present {
                    FailureReason::UnknownPerson
                } else {
                    FailureReason::DepartedPerson
                },
                detail: as_written,
            });
        }
        for mention in mentions(trimmed) {
            let known = self.people.iter().any(|person| person.mention == mention);
            if !known && !packet.all().any(|fact| fact.contains(&mention)) {
                findings.push(Finding {
                    reason: FailureReason::UnknownPerson,
                    detail: mention,
                });
            }
        }
        findings.sort();
        findings.dedup();
        findings
    }
}

/// How `text` names `person` (mention, full name or first name as a whole word), if it does.
fn person_named(person: &KnownPerson, text: &str) -> Option<String> {
    if text.contains(&person.mention) {
        return Some(person.mention.clone());
    }
    if contains_word(text, &person.name) {
        return Some(person.name.clone());
    }
    if person.first_name.chars().count() >= FIRST_NAME_MIN_CHARS
        && contains_word(text, &person.first_name)
    {
        return Some(person.first_name.clone());
    }
    None
}

/// Whether the packet holds the person: a fact names them, their id or their mention.
fn person_in_packet(person: &KnownPerson, packet: &FactPacket) -> bool {
    packet.all().any(|fact| {
        fact == &person.id
            || fact == &person.first_name
            || fact.contains(&person.mention)
            || contains_word(fact, &person.name)
    })
}

/// Whether `needle` occurs in `text` with no letter or digit directly before or after it.
fn contains_word(text: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut start = 0;
    while let Some(offset) = text[start..].find(needle) {
        let at = start + offset;
        let end = at + needle.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        start = at + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The first line of a text written [`REPEATED_LINE_LIMIT`] times (compared trimmed), if any.
fn repeated_line(text: &str) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        let words = line
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .count();
        if words < REPEATED_LINE_MIN_WORDS {
            continue;
        }
        let count = counts.entry(line).or_insert(0);
        *count += 1;
        if *count == REPEATED_LINE_LIMIT {
            return Some(line.to_string());
        }
    }
    None
}

/// Slack mentions `<@...>` in a text.
fn mentions(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("<@") {
        let after = &rest[start..];
        match after.find('>') {
            Some(end) => {
                found.push(after[..=end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    found
}

/// Placeholders a model writes when it lacks a fact: `[Your Name]`, `{name}`, `<name>`.
/// Markdown links `[text](url)` and task boxes `[ ]`/`[x]` are not placeholders.
fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (open, close) in [('[', ']'), ('{', '}')] {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else {
                break;
            };
            let inner = &after[..end];
            let next = after[end + close.len_utf8()..].chars().next();
            let is_link = open == '[' && next == Some('(');
            let is_box = inner.trim().is_empty() || inner.eq_ignore_ascii_case("x");
            let wordy = inner.chars().any(char::is_alphabetic) && inner.len() <= 40;
            if !is_link && !is_box && wordy {
                found.push(format!("{open}{inner}{close}"));
            }
            rest = &after[end + close.len_utf8()..];
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prose::{Persona, ProseKind};
    use orgforge_engine::scenario::WritingStyle;

    fn checker() -> FactChecker {
        let mut checker = FactChecker::default();
        checker.add_person("jax", "Jax Moreno", 0, None);
        checker.add_person("priya", "Priya Nair", 0, Some(3));
        checker.add_person("omar", "Omar Haddad", 0, None);
        checker.add_event("E1", 5);
        checker
    }

    fn request(required: &[&str], allowed: &[&str]) -> ProseRequest {
        let mut facts = FactPacket::default();
        for fact in required {
            facts.require(*fact);
        }
        for fact in allowed {
            facts.allow(*fact);
        }
        ProseRequest {
            kind: ProseKind::SlackQuestion,
            event_id: "E1".to_string(),
            seed: 1,
            author: Persona {
                id: "jax".to_string(),
                name: "Jax Moreno".to_string(),
                role: "Engineer".to_string(),
                style: WritingStyle::Terse,
                quirks: Vec::new(),
            },
            facts,
            context: serde_json::Value::Null,
            group: None,
        }
    }

    fn reasons(findings: &[Finding]) -> Vec<FailureReason> {
        findings.iter().map(|finding| finding.reason).collect()
    }

    #[test]
    fn a_text_with_only_packet_facts_passes() {
        let request = request(&["PLAT-12"], &["Jax Moreno", "3"]);
        let text = "Jax Moreno here: PLAT-12 took 3 hours, any idea why?";
        assert!(checker().check(&request, text).is_empty());
    }

    #[test]
    fn missing_facts_and_invented_numbers_fail() {
        let request = request(&["PLAT-12", "retry budget"], &["3"]);
        let findings = checker().check(&request, "PLAT-13 needs 4 more hours.");
        assert_eq!(
            reasons(&findings),
            vec![
                FailureReason::MissingFact,
                FailureReason::MissingFact,
                FailureReason::InventedNumber,
                FailureReason::InventedNumber,
            ]
        );
        assert_eq!(findings[0].detail, "PLAT-12");
        assert!(findings[0].to_string().contains("PLAT-12"));
    }

    #[test]
    fn people_outside_the_packet_or_gone_fail() {
        let request = request(&["PLAT-12"], &["Jax Moreno"]);
        let unknown = checker().check(&request, "PLAT-12: ask Omar Haddad.");
        assert_eq!(reasons(&unknown), vec![FailureReason::UnknownPerson]);
        // Priya left on day 3; the artifact is on day 5.
        let departed = checker().check(&request, "PLAT-12: Priya knows.");
        assert_eq!(reasons(&departed), vec![FailureReason::DepartedPerson]);
        assert_eq!(departed[0].detail, "Priya");
        // A departed person the packet names (a farewell) is allowed.
        let farewell = request.clone();
        let mut farewell = farewell;
        farewell.facts.allow("Priya Nair");
        assert!(
            checker()
                .check(&farewell, "PLAT-12: bye Priya Nair!")
                .is_empty()
        );
        // A mention nobody owns.
        let ghost = checker().check(&request, "PLAT-12 <@UNOBODY>");
        assert_eq!(reasons(&ghost), vec![FailureReason::UnknownPerson]);
        // Names inside words are not people: "Omarket" is no Omar.
        assert!(checker().check(&request, "PLAT-12 Omarket").is_empty());
    }

    #[test]
    fn placeholders_empty_and_long_texts_fail() {
        let request = request(&["PLAT-12"], &[]);
        let placeholder = checker().check(&request, "PLAT-12 done. Thanks, [Your Name]");
        assert_eq!(reasons(&placeholder), vec![FailureReason::Placeholder]);
        assert!(
            checker()
                .check(&request, "PLAT-12 [docs](https://x) - [ ] todo")
                .is_empty()
        );
        assert_eq!(
            reasons(&checker().check(&request, "  \n")),
            vec![FailureReason::Empty]
        );
        let long = format!("PLAT-12 {}", "word ".repeat(200));
        assert_eq!(
            reasons(&checker().check(&request, &long)),
            vec![FailureReason::TooLong]
        );
    }

    #[test]
    fn a_line_written_three_times_is_a_loop() {
        let request = request(&["PLAT-12"], &[]);
        let looping = "PLAT-12 is done.\nSending the notes to the team.\n\
                       Sending the notes to the team.\n  Sending the notes to the team.";
        let findings = checker().check(&request, looping);
        assert_eq!(reasons(&findings), vec![FailureReason::Repetition]);
        assert_eq!(findings[0].detail, "Sending the notes to the team.");
        // Twice is fine, and short lines (a checklist) never count.
        let twice =
            "PLAT-12 is done.\nSending the notes to the team.\nSending the notes to the team.";
        assert!(checker().check(&request, twice).is_empty());
        let checklist = "PLAT-12\n- [ ] write the docs\n- [ ] write the docs\n- [ ] write the docs";
        let findings = checker().check(&request, checklist);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn words_match_on_boundaries_only() {
        assert!(contains_word("ask Omar.", "Omar"));
        assert!(!contains_word("Omarket", "Omar"));
        assert!(!contains_word("", "Omar"));
        assert_eq!(mentions("hi <@U1> and <@U2"), vec!["<@U1>"]);
    }
}
