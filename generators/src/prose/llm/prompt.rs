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
}
