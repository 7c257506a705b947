//! Prompts built from a request's fact packet only, in a fixed order so that requests share the
//! longest possible token prefix: system instructions (the same for every request of a run), then
//! the author's persona card, then the facts, then the task, then (on a retry) the correction.

use crate::prose::fact_check::Finding;
use crate::prose::{ProseRequest, style_name};

/// Most allowed facts listed in a prompt; the fact check still accepts every fact of the packet.
/// Kickoff packets carry every ticket of a sprint, which would crowd out a small context.
pub const MAX_ALLOWED_FACTS_IN_PROMPT: usize = 40;
/// Most characters of one listed fact (long titles and descriptions are cut for the prompt).
const MAX_FACT_CHARS: usize = 160;

/// The system message, identical for every request of every run: the shared prefix.
pub const SYSTEM_INSTRUCTIONS: &str = "You write the everyday text of a software company: \
Slack messages, JIRA issues and comments, pull requests, reviews and Confluence pages. \
Rules: write in the voice of the author described. Use only the facts you are given: copy every \
required fact exactly as written, character for character. Never invent a name, a number, a \
date, a ticket key or any other id. Never write placeholders such as [Name]. \
Write only the text itself, with no preface, no explanation and no quotation marks around it.";

/// The two messages of a chat prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// System message.
    pub system: String,
    /// User message: persona card, facts, task and any correction.
    pub user: String,
}

/// The prompt of a request; `findings` (from the previous attempt) add a corrective instruction.
pub fn build_prompt(request: &ProseRequest, findings: &[Finding]) -> Prompt {
    let author = &request.author;
    let mut user = String::new();
    user.push_str(&format!("Author: {}, {}.\n", author.name, author.role));
    user.push_str(&format!("Writing style: {}.\n", style_name(author.style)));
    if !author.quirks.is_empty() {
        user.push_str(&format!("Habits: {}.\n", author.quirks.join("; ")));
    }
    if !request.facts.required.is_empty() {
        user.push_str("\nRequired facts (each must appear exactly as written):\n");
        for fact in &request.facts.required {
            user.push_str(&format!("- {}\n", clip(fact)));
        }
    }
    let allowed: Vec<&String> = request
        .facts
        .allowed
        .iter()
        .filter(|fact| **fact != author.name)
        .take(MAX_ALLOWED_FACTS_IN_PROMPT)
        .collect();
    if !allowed.is_empty() {
        user.push_str("\nOther facts you may use:\n");
        for fact in allowed {
            user.push_str(&format!("- {}\n", clip(fact)));
        }
    }
    user.push_str(&format!(
        "\nTask: {} At most {} words.\n",
        request.kind.describe(),
        request.kind.max_words()
    ));
    if !findings.is_empty() {
        let reasons: Vec<String> = findings.iter().map(ToString::to_string).collect();
        user.push_str(&format!(
            "\nYour previous answer was rejected because {}. Write it again and follow the rules.\n",
            reasons.join("; ")
        ));
    }
    Prompt {
        system: SYSTEM_INSTRUCTIONS.to_string(),
        user,
    }
}

/// Most allowed facts listed for one part of a group prompt, beyond the facts every part shares.
pub const MAX_PART_FACTS_IN_GROUP_PROMPT: usize = 16;

/// One part of a group prompt: its request and the findings of its previous attempt.
#[derive(Debug, Clone, Copy)]
pub struct PromptPart<'r> {
    /// The part's request.
    pub request: &'r ProseRequest,
    /// Why its previous answer was rejected (empty on a first try).
    pub findings: &'r [Finding],
}

/// The marker line that opens part `number` (1-based) of a group answer: `### 2 — Jax Moreno`.
pub fn part_marker(number: usize, author: &str) -> String {
    format!("### {number} — {author}")
}

/// The prompt of several parts of one artifact (a Slack thread, a page, an email thread),
/// answered together. Same order as a single prompt, so the system message stays the shared
/// prefix: system, then the persona card of every author, then each part's facts labelled by
/// part, then one task asking for every part, each opened by its [`part_marker`] line, then the
/// corrections of parts that were rejected before. One part gives exactly [`build_prompt`].
pub fn build_group_prompt(parts: &[PromptPart<'_>]) -> Prompt {
    if let [single] = parts {
        return build_prompt(single.request, single.findings);
    }
    let mut user = String::new();
    // Persona cards, one per author, in order of first appearance.
    let mut authors: Vec<&str> = Vec::new();
    user.push_str("Authors:\n");
    for part in parts {
        let author = &part.request.author;
        if authors.contains(&author.id.as_str()) {
            continue;
        }
        authors.push(&author.id);
        user.push_str(&format!(
            "- {}, {}. Writing style: {}.",
            author.name,
            author.role,
            style_name(author.style)
        ));
        if !author.quirks.is_empty() {
            user.push_str(&format!(" Habits: {}.", author.quirks.join("; ")));
        }
        user.push('\n');
    }
    // Facts every part may use, listed once.
    let shared: Vec<&String> = parts
        .first()
        .map(|first| {
            first
                .request
                .facts
                .all()
                .filter(|fact| {
                    parts
                        .iter()
                        .all(|part| part.request.facts.all().any(|other| other == *fact))
                })
                .collect()
        })
        .unwrap_or_default();
    let listed_shared: Vec<&String> = shared
        .iter()
        .copied()
        .filter(|fact| {
            !parts
                .iter()
                .any(|part| part.request.facts.required.contains(fact))
        })
        .take(MAX_ALLOWED_FACTS_IN_PROMPT)
        .collect();
    if !listed_shared.is_empty() {
        user.push_str("\nFacts every part may use:\n");
        for fact in listed_shared {
            user.push_str(&format!("- {}\n", clip(fact)));
        }
    }
    for (index, part) in parts.iter().enumerate() {
        let request = part.request;
        user.push_str(&format!(
            "\nPart {}, by {}:\n",
            index + 1,
            request.author.name
        ));
        if !request.facts.required.is_empty() {
            user.push_str("Required facts (each must appear exactly as written):\n");
            for fact in &request.facts.required {
                user.push_str(&format!("- {}\n", clip(fact)));
            }
        }
        let own: Vec<&String> = request
            .facts
            .allowed
            .iter()
            .filter(|fact| **fact != request.author.name && !shared.contains(fact))
            .take(MAX_PART_FACTS_IN_GROUP_PROMPT)
            .collect();
        if !own.is_empty() {
            user.push_str("Other facts this part may use:\n");
            for fact in own {
                user.push_str(&format!("- {}\n", clip(fact)));
            }
        }
    }
    user.push_str(&format!(
        "\nTask: write these {} parts, in order; each part uses only its own facts and the \
         facts every part may use.\n",
        parts.len()
    ));
    for (index, part) in parts.iter().enumerate() {
        let request = part.request;
        user.push_str(&format!(
            "Part {}, by {}: {} At most {} words.\n",
            index + 1,
            request.author.name,
            request.kind.describe(),
            request.kind.max_words()
        ));
    }
    user.push_str(
        "Start each part with its marker line, exactly as shown, then write that part's text \
         only:\n",
    );
    for (index, part) in parts.iter().enumerate() {
        user.push_str(&part_marker(index + 1, &part.request.author.name));
        user.push('\n');
    }
    for (index, part) in parts.iter().enumerate() {
        if part.findings.is_empty() {
            continue;
        }
        let reasons: Vec<String> = part.findings.iter().map(ToString::to_string).collect();
        user.push_str(&format!(
            "\nYour previous answer to part {} was rejected because {}. Write it again and \
             follow the rules.\n",
            index + 1,
            reasons.join("; ")
        ));
    }
    Prompt {
        system: SYSTEM_INSTRUCTIONS.to_string(),
        user,
    }
}

/// The number of a marker line (`### 2 — Name`, `### 2`, `### Part 2: Name`), if the line is
/// one. A line such as `### 2. Install` or `### Step 2` is text, not a marker.
fn marker_number(line: &str) -> Option<usize> {
    let rest = line.trim().strip_prefix("###")?.trim_start();
    let rest = rest
        .strip_prefix("Part ")
        .or_else(|| rest.strip_prefix("part "))
        .unwrap_or(rest);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let number: usize = rest[..digits].parse().ok()?;
    let after = rest[digits..].trim_start();
    let separated = after.is_empty() || ["—", "–", "-", ":"].iter().any(|s| after.starts_with(s));
    separated.then_some(number)
}

/// Splits a group answer into its `parts` texts by marker line. A part whose marker is absent
/// is `None`; text before the first marker, under a marker out of range or under a repeated
/// marker is dropped. An answer to a single part is that part's text (it needs no marker).
pub fn split_group_answer(answer: &str, parts: usize) -> Vec<Option<String>> {
    let mut texts: Vec<Option<String>> = vec![None; parts];
    if parts == 1 {
        texts[0] = Some(answer.to_string());
        return texts;
    }
    // The part being collected: its index, or `None` while text is dropped.
    let mut current: Option<usize> = None;
    let mut collected = String::new();
    fn flush(current: Option<usize>, collected: &mut String, texts: &mut [Option<String>]) {
        if let Some(index) = current {
            texts[index] = Some(std::mem::take(collected));
        }
        collected.clear();
    }
    for line in answer.lines() {
        match marker_number(line) {
            Some(number) => {
                flush(current, &mut collected, &mut texts);
                current = (1..=parts)
                    .contains(&number)
                    .then(|| number - 1)
                    .filter(|index| texts[*index].is_none());
            }
            None => {
                if current.is_some() {
                    collected.push_str(line);
                    collected.push('\n');
                }
            }
        }
    }
    flush(current, &mut collected, &mut texts);
    texts
}

/// A fact cut to [`MAX_FACT_CHARS`] characters, on one line.
fn clip(fact: &str) -> String {
    let one_line = fact.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_FACT_CHARS {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX_FACT_CHARS).collect();
        format!("{cut}...")
    }
}

/// A plain chat rendering for generators without a model chat template (the test stub).
pub fn plain_chat(prompt: &Prompt) -> String {
    format!(
        "<system>\n{}\n</system>\n<user>\n{}</user>\n<assistant>\n",
        prompt.system, prompt.user
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prose::fact_check::FailureReason;
    use crate::prose::{FactPacket, Persona, ProseKind};
    use orgforge_engine::scenario::WritingStyle;

    fn request() -> ProseRequest {
        let mut facts = FactPacket::default();
        facts.require("PLAT-12");
        facts.allow("Jax Moreno");
        facts.allow("retry budget");
        ProseRequest {
            kind: ProseKind::TicketComment,
            event_id: "E1".to_string(),
            seed: 3,
            author: Persona {
                id: "jax".to_string(),
                name: "Jax Moreno".to_string(),
                role: "Engineer".to_string(),
                style: WritingStyle::Blunt,
                quirks: vec!["signs off with -J".to_string()],
            },
            facts,
            context: serde_json::Value::Null,
            group: None,
        }
    }

    #[test]
    fn prompts_put_persona_facts_and_task_in_order() {
        let prompt = build_prompt(&request(), &[]);
        assert_eq!(prompt.system, SYSTEM_INSTRUCTIONS);
        let persona = prompt.user.find("Author: Jax Moreno").unwrap_or(usize::MAX);
        let facts = prompt.user.find("- PLAT-12").unwrap_or(usize::MAX);
        let task = prompt.user.find("Task:").unwrap_or(usize::MAX);
        assert!(persona < facts && facts < task, "{}", prompt.user);
        assert!(prompt.user.contains("- retry budget"));
        assert!(!prompt.user.contains("rejected"));
    }

    #[test]
    fn a_retry_adds_the_correction_at_the_end() {
        let first = build_prompt(&request(), &[]);
        let finding = Finding {
            reason: FailureReason::MissingFact,
            detail: "PLAT-12".to_string(),
        };
        let retry = build_prompt(&request(), &[finding]);
        assert!(retry.user.starts_with(&first.user));
        assert!(
            retry
                .user
                .contains("rejected because it did not contain the required fact")
        );
    }

    #[test]
    fn a_group_prompt_lists_authors_then_parts_then_one_task_with_markers() {
        let first = request();
        let mut second = request();
        second.kind = ProseKind::SlackThanks;
        second.author.id = "omar".to_string();
        second.author.name = "Omar Haddad".to_string();
        second.facts = FactPacket::default();
        second.facts.require("PLAT-13");
        second.facts.allow("retry budget");
        let finding = Finding {
            reason: FailureReason::MissingPart,
            detail: part_marker(2, "Omar Haddad"),
        };
        let parts = [
            PromptPart {
                request: &first,
                findings: &[],
            },
            PromptPart {
                request: &second,
                findings: std::slice::from_ref(&finding),
            },
        ];
        let prompt = build_group_prompt(&parts);
        assert_eq!(prompt.system, SYSTEM_INSTRUCTIONS);
        let user = &prompt.user;
        let at = |needle: &str| user.find(needle).unwrap_or(usize::MAX);
        assert!(
            at("- Jax Moreno, Engineer") < at("- Omar Haddad, Engineer"),
            "{user}"
        );
        // "retry budget" is allowed in both packets: listed once, as a shared fact.
        assert_eq!(user.matches("- retry budget").count(), 1, "{user}");
        assert!(at("Facts every part may use") < at("Part 1, by Jax Moreno"));
        assert!(at("Part 1, by Jax Moreno") < at("Part 2, by Omar Haddad"));
        assert!(at("Part 2, by Omar Haddad") < at("Task:"));
        assert!(at("Task:") < at("### 1 — Jax Moreno"));
        assert!(at("### 1 — Jax Moreno") < at("### 2 — Omar Haddad"));
        assert!(at("### 2 — Omar Haddad") < at("answer to part 2 was rejected"));
        assert!(!user.contains("answer to part 1"));
        // One part is exactly the single prompt.
        assert_eq!(build_group_prompt(&parts[..1]), build_prompt(&first, &[]));
    }
}
