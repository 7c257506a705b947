//! Persona quirks the template backend can show: free-text habits from the scenario
//! ("signs off with -J", "uses emoji", "writes in lowercase") recognized by a few key phrases.
//! Quirks it does not recognize are left to the LLM backend, which reads them from the request.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::ProseRequest;

/// Chance that a recognized quirk shows in a chat message: "now and then", not every time.
const QUIRK_CHANCE_CHAT: f64 = 0.45;

/// Chance that a recognized quirk shows in a comment or review.
const QUIRK_CHANCE_COMMENT: f64 = 0.25;

/// Emoji a persona who "uses emoji" adds.
const EMOJI: [&str; 6] = ["🙂", "👍", "🚀", "🙏", "✅", "👀"];

/// Phrases that introduce a sign-off in a quirk.
const SIGN_OFF_PHRASES: [&str; 4] = [
    "signs off with",
    "signs messages with",
    "ends messages with",
    "ends with",
];

/// Phrases that introduce an opener in a quirk.
const OPENER_PHRASES: [&str; 3] = ["starts messages with", "opens with", "starts with"];

/// The text after `phrase` in `quirk`, without quotes or a final period.
fn quoted_tail(quirk: &str, phrase: &str) -> Option<String> {
    let lower = quirk.to_lowercase();
    let start = lower.find(phrase)? + phrase.len();
    let tail = quirk.get(start..)?.trim();
    let tail = tail.trim_end_matches('.').trim();
    let tail = tail.trim_matches(|c| c == '"' || c == '\'' || c == '`' || c == '“' || c == '”');
    (!tail.is_empty()).then(|| tail.to_string())
}

/// Applies the author's recognized quirks to `text`, each with its own draw.
pub(super) fn apply_quirks(text: &str, request: &ProseRequest, rng: &mut ChaCha8Rng) -> String {
    let chat = request.kind.is_chat();
    let commentary = matches!(
        request.kind,
        super::ProseKind::TicketComment | super::ProseKind::ReviewBody
    );
    if !chat && !commentary {
        return text.to_string();
    }
    let chance = if chat {
        QUIRK_CHANCE_CHAT
    } else {
        QUIRK_CHANCE_COMMENT
    };
    let mut text = text.to_string();
    for quirk in &request.author.quirks {
        // Draw for every quirk, shown or not, so one quirk never shifts another's draw.
        let shows = rng.random_bool(chance);
        let emoji = EMOJI[rng.random_range(0..EMOJI.len())];
        if !shows {
            continue;
        }
        let lower = quirk.to_lowercase();
        if let Some(sign_off) = SIGN_OFF_PHRASES
            .iter()
            .find_map(|phrase| quoted_tail(quirk, phrase))
        {
            let separator = if chat { " " } else { "\n\n" };
            text = format!("{text}{separator}{sign_off}");
        } else if let Some(opener) = OPENER_PHRASES
            .iter()
            .find_map(|phrase| quoted_tail(quirk, phrase))
        {
            text = format!("{opener} {text}");
        } else if lower.contains("emoji") && chat {
            text = format!("{text} {emoji}");
        } else if lower.contains("lowercase") || lower.contains("lower case") {
            text = lowercase_keeping_facts(&text, request);
        } else if lower.contains("ellipsis") || lower.contains("ellipses") {
            text = replace_final_period(&text, "...");
        } else if lower.contains("exclamation") {
            text = replace_final_period(&text, "!");
        }
    }
    text
}

/// The text with its final period replaced, if it ends with one.
fn replace_final_period(text: &str, replacement: &str) -> String {
    match text.strip_suffix('.') {
        Some(stripped) => format!("{stripped}{replacement}"),
        None => text.to_string(),
    }
}

/// Lowercases a text but keeps every fact of the packet (ids, names, mentions) as written.
fn lowercase_keeping_facts(text: &str, request: &ProseRequest) -> String {
    let mut lowered = text.to_lowercase();
    let mut facts: Vec<&String> = request.facts.all().collect();
    facts.sort_by_key(|fact| std::cmp::Reverse(fact.len()));
    for fact in facts {
        let fact_lower = fact.to_lowercase();
        if &fact_lower != fact {
            lowered = lowered.replace(&fact_lower, fact);
        }
    }
    lowered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_tail_reads_sign_offs() {
        assert_eq!(
            quoted_tail("Signs off with \"-J\".", "signs off with"),
            Some("-J".to_string())
        );
        assert_eq!(quoted_tail("uses emoji", "signs off with"), None);
    }
}
