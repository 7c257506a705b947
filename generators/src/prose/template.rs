//! The default prose backend: minijinja templates, one per prose kind, varied by the author's
//! style through seeded choices. Deterministic and fact-complete.

use std::sync::{Arc, Mutex};

use minijinja::value::Rest;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value, context};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::quirks::apply_quirks;
use super::{ProseBackend, ProseError, ProseRequest, ProseStats, style_name, upper_first};

/// Template sources, embedded at compile time: one per prose kind, plus shared snippets.
const TEMPLATES: [(&str, &str); 50] = [
    (
        "slack_announcement.j2",
        include_str!("../../templates/slack_announcement.j2"),
    ),
    (
        "slack_standup_update.j2",
        include_str!("../../templates/slack_standup_update.j2"),
    ),
    (
        "slack_question.j2",
        include_str!("../../templates/slack_question.j2"),
    ),
    (
        "slack_answer.j2",
        include_str!("../../templates/slack_answer.j2"),
    ),
    (
        "slack_follow_up.j2",
        include_str!("../../templates/slack_follow_up.j2"),
    ),
    (
        "slack_thanks.j2",
        include_str!("../../templates/slack_thanks.j2"),
    ),
    (
        "slack_proposal.j2",
        include_str!("../../templates/slack_proposal.j2"),
    ),
    (
        "slack_agreement.j2",
        include_str!("../../templates/slack_agreement.j2"),
    ),
    (
        "slack_concern.j2",
        include_str!("../../templates/slack_concern.j2"),
    ),
    (
        "slack_decision.j2",
        include_str!("../../templates/slack_decision.j2"),
    ),
    (
        "ticket_description.j2",
        include_str!("../../templates/ticket_description.j2"),
    ),
    (
        "ticket_comment.j2",
        include_str!("../../templates/ticket_comment.j2"),
    ),
    ("pr_body.j2", include_str!("../../templates/pr_body.j2")),
    (
        "review_body.j2",
        include_str!("../../templates/review_body.j2"),
    ),
    (
        "retro_summary.j2",
        include_str!("../../templates/retro_summary.j2"),
    ),
    (
        "retro_discussion.j2",
        include_str!("../../templates/retro_discussion.j2"),
    ),
    (
        "design_context.j2",
        include_str!("../../templates/design_context.j2"),
    ),
    (
        "design_outcome.j2",
        include_str!("../../templates/design_outcome.j2"),
    ),
    (
        "how_to_overview.j2",
        include_str!("../../templates/how_to_overview.j2"),
    ),
    (
        "how_to_steps.j2",
        include_str!("../../templates/how_to_steps.j2"),
    ),
    (
        "slack_alert.j2",
        include_str!("../../templates/slack_alert.j2"),
    ),
    (
        "slack_page.j2",
        include_str!("../../templates/slack_page.j2"),
    ),
    (
        "slack_acknowledge.j2",
        include_str!("../../templates/slack_acknowledge.j2"),
    ),
    (
        "slack_recurrence_hint.j2",
        include_str!("../../templates/slack_recurrence_hint.j2"),
    ),
    (
        "slack_escalate.j2",
        include_str!("../../templates/slack_escalate.j2"),
    ),
    (
        "slack_status_update.j2",
        include_str!("../../templates/slack_status_update.j2"),
    ),
    (
        "slack_resolution.j2",
        include_str!("../../templates/slack_resolution.j2"),
    ),
    (
        "postmortem_summary.j2",
        include_str!("../../templates/postmortem_summary.j2"),
    ),
    (
        "postmortem_root_cause.j2",
        include_str!("../../templates/postmortem_root_cause.j2"),
    ),
    ("_greeting.j2", include_str!("../../templates/_greeting.j2")),
    ("_closing.j2", include_str!("../../templates/_closing.j2")),
    (
        "email_complaint.j2",
        include_str!("../../templates/email_complaint.j2"),
    ),
    (
        "email_renewal.j2",
        include_str!("../../templates/email_renewal.j2"),
    ),
    (
        "email_vendor_billing.j2",
        include_str!("../../templates/email_vendor_billing.j2"),
    ),
    (
        "email_vendor_security.j2",
        include_str!("../../templates/email_vendor_security.j2"),
    ),
    (
        "email_vendor_outage.j2",
        include_str!("../../templates/email_vendor_outage.j2"),
    ),
    (
        "email_candidate.j2",
        include_str!("../../templates/email_candidate.j2"),
    ),
    (
        "email_exit.j2",
        include_str!("../../templates/email_exit.j2"),
    ),
    (
        "email_acknowledgement.j2",
        include_str!("../../templates/email_acknowledgement.j2"),
    ),
    (
        "email_reply.j2",
        include_str!("../../templates/email_reply.j2"),
    ),
    (
        "email_follow_up.j2",
        include_str!("../../templates/email_follow_up.j2"),
    ),
    (
        "email_incident_update.j2",
        include_str!("../../templates/email_incident_update.j2"),
    ),
    (
        "email_postmortem_summary.j2",
        include_str!("../../templates/email_postmortem_summary.j2"),
    ),
    (
        "email_offer.j2",
        include_str!("../../templates/email_offer.j2"),
    ),
    (
        "email_onboarding.j2",
        include_str!("../../templates/email_onboarding.j2"),
    ),
    (
        "email_exit_checklist.j2",
        include_str!("../../templates/email_exit_checklist.j2"),
    ),
    (
        "slack_email_relay.j2",
        include_str!("../../templates/slack_email_relay.j2"),
    ),
    (
        "slack_email_relay_reply.j2",
        include_str!("../../templates/slack_email_relay_reply.j2"),
    ),
    (
        "_email_greeting.j2",
        include_str!("../../templates/_email_greeting.j2"),
    ),
    (
        "_email_signoff.j2",
        include_str!("../../templates/_email_signoff.j2"),
    ),
];

/// Salt of the quirk substream, so a quirk's draw never shifts the template's choices.
const QUIRK_STREAM_SALT: u64 = 0x9e37_79b9_7f4a_7c15;

/// Writes prose from embedded minijinja templates.
pub struct TemplateBackend {
    environment: Environment<'static>,
    /// Why a template failed to load; every request then fails with it (tests keep it empty).
    load_error: Option<ProseError>,
    requests: u64,
}

impl std::fmt::Debug for TemplateBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateBackend")
            .field("requests", &self.requests)
            .field("load_error", &self.load_error)
            .finish()
    }
}

impl Default for TemplateBackend {
    fn default() -> Self {
        TemplateBackend::new()
    }
}

fn template_error(kind: &'static str, error: &Error) -> ProseError {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        message.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    ProseError::Template { kind, message }
}

fn environment() -> Result<Environment<'static>, ProseError> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    environment.set_auto_escape_callback(|_| AutoEscape::None);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .map_err(|error| template_error("syntax", &error))?;
    environment.set_syntax(syntax);
    environment.add_filter("upper_first", |text: String| upper_first(&text));
    environment.add_filter("plural", plural);
    environment.add_filter("and_list", and_list);
    for (name, source) in TEMPLATES {
        environment
            .add_template(name, source)
            .map_err(|error| template_error("load", &error))?;
    }
    Ok(environment)
}

impl TemplateBackend {
    /// Loads and compiles every embedded template. A template that fails to compile (a bug the
    /// tests catch) makes every request fail with its error instead of panicking here.
    pub fn new() -> TemplateBackend {
        let (environment, load_error) = match environment() {
            Ok(environment) => (environment, None),
            Err(error) => (Environment::new(), Some(error)),
        };
        TemplateBackend {
            environment,
            load_error,
            requests: 0,
        }
    }

    /// The template text of a request, checked for its required facts; counts nothing, so an
    /// LLM backend can use it as its fallback.
    pub fn text(&self, request: &ProseRequest) -> Result<String, ProseError> {
        let kind = request.kind.name();
        if let Some(ProseError::Template { kind, message }) = &self.load_error {
            return Err(ProseError::Template {
                kind,
                message: message.clone(),
            });
        }
        let template = self
            .environment
            .get_template(&format!("{kind}.j2"))
            .map_err(|error| template_error(kind, &error))?;
        let rng = Arc::new(Mutex::new(ChaCha8Rng::seed_from_u64(request.seed)));
        let author = &request.author;
        let first_name = author
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&author.name);
        let context = context! {
            style => style_name(author.style),
            author => context! { id => &author.id, name => &author.name, first_name, role => &author.role },
            pick => pick_function(Arc::clone(&rng)),
            variant => variant_function(Arc::clone(&rng)),
            chance => chance_function(rng),
            ..Value::from(minijinja::value::Serde(&request.context))
        };
        let rendered = template
            .render(context)
            .map_err(|error| template_error(kind, &error))?;
        let mut text = tidy(&rendered, request.kind.is_chat());
        let mut quirk_rng = ChaCha8Rng::seed_from_u64(request.seed ^ QUIRK_STREAM_SALT);
        text = apply_quirks(&text, request, &mut quirk_rng);
        let missing = request.facts.missing(&text);
        if !missing.is_empty() {
            return Err(ProseError::MissingFacts {
                kind,
                event_id: request.event_id.clone(),
                missing,
                text,
            });
        }
        Ok(text)
    }
}

impl ProseBackend for TemplateBackend {
    fn name(&self) -> &str {
        "template"
    }

    fn write(&mut self, request: &ProseRequest) -> Result<String, ProseError> {
        self.requests += 1;
        self.text(request)
    }

    fn stats(&self) -> ProseStats {
        ProseStats {
            backend: self.name().to_string(),
            requests: self.requests,
            fallbacks: 0,
        }
    }
}

fn locked_draw<T>(
    rng: &Mutex<ChaCha8Rng>,
    draw: impl FnOnce(&mut ChaCha8Rng) -> T,
) -> Result<T, Error> {
    let mut guard = rng
        .lock()
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, "prose rng lock poisoned"))?;
    Ok(draw(&mut guard))
}

/// `count | plural("ticket")` -> "1 ticket", "3 tickets"; an irregular plural as a second
/// argument (`plural("person", "people")`).
fn plural(count: i64, singular: String, plural: Option<String>) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        let plural = plural.unwrap_or_else(|| format!("{singular}s"));
        format!("{count} {plural}")
    }
}

/// `["a", "b", "c"] | and_list` -> "a, b and c".
fn and_list(items: Vec<String>) -> String {
    match items.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `pick(a, b, c)` or `pick(list)`: one of the options, drawn from the request's rng.
fn pick_function(rng: Arc<Mutex<ChaCha8Rng>>) -> Value {
    Value::from_function(move |options: Rest<Value>| -> Result<Value, Error> {
        let options: Vec<Value> = match options.as_slice() {
            [single] if single.kind() == minijinja::value::ValueKind::Seq => {
                single.try_iter()?.collect()
            }
            many => many.to_vec(),
        };
        if options.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "pick() needs at least one option",
            ));
        }
        let index = locked_draw(&rng, |rng| rng.random_range(0..options.len()))?;
        Ok(options[index].clone())
    })
}

/// `variant(n)`: an integer in `0..n`, drawn from the request's rng.
fn variant_function(rng: Arc<Mutex<ChaCha8Rng>>) -> Value {
    Value::from_function(move |count: u32| -> Result<u32, Error> {
        if count == 0 {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "variant() needs a positive count",
            ));
        }
        locked_draw(&rng, |rng| rng.random_range(0..count))
    })
}

/// `chance(p)`: true with probability `p`, drawn from the request's rng.
fn chance_function(rng: Arc<Mutex<ChaCha8Rng>>) -> Value {
    Value::from_function(move |probability: f64| -> Result<bool, Error> {
        let probability = probability.clamp(0.0, 1.0);
        locked_draw(&rng, |rng| rng.random_bool(probability))
    })
}

/// Normalizes template whitespace: single spaces inside lines, no trailing spaces, at most one
/// blank line in a row (none in chat messages), none at either end.
fn tidy(rendered: &str, chat: bool) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in rendered.lines() {
        // Chat has no indentation; Markdown keeps it for nested lists.
        let indent: String = if chat {
            String::new()
        } else {
            line.chars().take_while(|c| *c == ' ').collect()
        };
        let body = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let body = body
            .replace(" .", ".")
            .replace(" ,", ",")
            .replace(" :", ":");
        if body.is_empty() {
            if !chat && lines.last().is_some_and(|last| !last.is_empty()) {
                lines.push(String::new());
            }
        } else {
            lines.push(format!("{indent}{body}"));
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prose::ProseKind;

    #[test]
    fn every_prose_kind_has_a_template() {
        let backend = TemplateBackend::new();
        assert!(backend.load_error.is_none(), "{:?}", backend.load_error);
        for kind in ProseKind::ALL {
            let name = format!("{}.j2", kind.name());
            assert!(
                backend.environment.get_template(&name).is_ok(),
                "no template {name}"
            );
        }
    }

    #[test]
    fn tidy_collapses_whitespace() {
        assert_eq!(
            tidy("\n  Hello   there .\n\n\n\nBye , now  \n\n", false),
            "  Hello there.\n\nBye, now"
        );
        assert_eq!(tidy("Hello\n\nBye\n", true), "Hello\nBye");
    }
}
