//! Loading a scenario from YAML text: parse, apply overrides, validate, and report every problem
//! with file, line, column, the offending value and a suggestion.

use std::fmt;

use serde_saphyr::{Error as YamlError, MessageFormatter};

use super::locate::{Position, SourceIndex, parent_path};
use super::model::Scenario;
use super::suggest::did_you_mean;
use super::validate::{Problem, validate};

/// Overrides applied before semantic validation (CLI `--days` / `--seed`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Replaces `days`.
    pub days: Option<u32>,
    /// Replaces `seed`.
    pub seed: Option<u64>,
}

/// One problem in a scenario file, located at the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name as given to [`load`].
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// How to fix it, when there is an obvious fix.
    pub suggestion: Option<String>,
    /// The source line the diagnostic points into.
    pub snippet: Option<String>,
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COL: error: MESSAGE`, the source line with a caret, then `help: SUGGESTION`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(snippet) = &self.snippet {
            let gutter = self.line.to_string();
            let blank = " ".repeat(gutter.len());
            // Keep tabs as tabs so the caret lines up under the offending character.
            let caret_indent: String = snippet
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(
                f,
                "\n {blank} |\n {gutter} | {snippet}\n {blank} | {caret_indent}^"
            )?;
        }
        if let Some(suggestion) = &self.suggestion {
            write!(f, "\n  help: {suggestion}")?;
        }
        Ok(())
    }
}

/// Every problem found in a scenario, sorted by line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The problems, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    /// Every diagnostic, a blank line between them, then a count when there is more than one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.diagnostics.iter().enumerate() {
            if index > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        match self.diagnostics.len() {
            0 => f.write_str("invalid scenario"),
            1 => Ok(()),
            count => write!(f, "\n\n{count} problems in the scenario"),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// Parses YAML text, applies overrides, validates semantics. `file` is only used in messages.
pub fn load(text: &str, file: &str, overrides: Overrides) -> Result<Scenario, ScenarioError> {
    let mut scenario: Scenario = match serde_saphyr::from_str(text) {
        Ok(scenario) => scenario,
        Err(error) => {
            let index = SourceIndex::build(text);
            let diagnostic = yaml_diagnostic(&error, text, file, &index);
            return Err(ScenarioError {
                diagnostics: vec![diagnostic],
            });
        }
    };
    // Lifecycle days are checked against the days the author wrote: a shorter `--days` run just
    // ends before later departures and hires happen, a longer one simply goes on.
    let mut problems = validate(&scenario);
    if let Some(days) = overrides.days {
        scenario.days = days;
        if !(1..=super::MAX_DAYS).contains(&days) {
            problems.push(Problem {
                path: "days".to_string(),
                message: format!("days {days} is outside 1..={}", super::MAX_DAYS),
                suggestion: None,
            });
        }
    }
    if let Some(seed) = overrides.seed {
        scenario.seed = seed;
    }
    if problems.is_empty() {
        return Ok(scenario);
    }
    let index = SourceIndex::build(text);
    let mut diagnostics: Vec<Diagnostic> = problems
        .into_iter()
        .map(|problem| problem_diagnostic(problem, text, file, &index, overrides))
        .collect();
    // Stable: problems at the same place keep the order validate found them in.
    diagnostics.sort_by_key(|diagnostic| (diagnostic.line, diagnostic.column));
    Err(ScenarioError { diagnostics })
}

/// A semantic problem, located through the index.
fn problem_diagnostic(
    problem: Problem,
    text: &str,
    file: &str,
    index: &SourceIndex,
    overrides: Overrides,
) -> Diagnostic {
    let Problem {
        path,
        mut message,
        mut suggestion,
    } = problem;
    let position = index.locate(&path);
    if let Some(days) = overrides.days {
        if path == "days" {
            message = format!("{message} (from --days {days})");
        } else if path.ends_with(".day") && suggestion.is_none() {
            suggestion = Some(format!(
                "the run has {days} day(s) because of --days {days}"
            ));
        }
    }
    diagnostic(file, text, position, message, suggestion)
}

fn diagnostic(
    file: &str,
    text: &str,
    position: Position,
    message: String,
    suggestion: Option<String>,
) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: position.line,
        column: position.column,
        message,
        suggestion,
        snippet: source_line(text, position.line),
    }
}

/// The text of line `line` (from 1), without its line break.
fn source_line(text: &str, line: usize) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .nth(line.checked_sub(1)?)
        .map(|line| line.trim_end_matches('\r').to_string())
}

/// A syntax or type error from the YAML deserializer, reworded with the path and the value.
fn yaml_diagnostic(error: &YamlError, text: &str, file: &str, index: &SourceIndex) -> Diagnostic {
    let position = error
        .location()
        .filter(|location| location.line() > 0 && location.column() > 0)
        .map_or(Position::START, |location| Position {
            line: location.line() as usize,
            column: location.column() as usize,
        });
    let mut inner = error.without_snippet();
    while let YamlError::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    let mut position = position;
    let mut path = index.path_at(position);
    if let YamlError::SerdeMissingField { .. } = inner {
        // Reported at the last key read; point at the start of the mapping that lacks the key.
        if let Some(owner) = path.and_then(parent_path) {
            position = index.locate(owner);
            path = Some(owner);
        }
    }
    if let YamlError::Eof { .. } = inner
        && index.is_empty()
    {
        let message = "the scenario is empty".to_string();
        let suggestion = Some(
            "a scenario needs at least `company`, `departments` and `people`; \
             `orgforge scenario init` writes a complete one"
                .to_string(),
        );
        return diagnostic(file, text, Position::START, message, suggestion);
    }
    let scalar = index.scalar_at(position);
    let (message, suggestion) = describe(inner, path, scalar);
    let suggestion = suggestion.or_else(|| {
        let line = source_line(text, position.line)?;
        line.contains('\t')
            .then(|| "indent with spaces; YAML does not allow tabs for indentation".to_string())
    });
    diagnostic(file, text, position, message, suggestion)
}

/// Message and suggestion for a deserializer error at a node with `path` and `scalar` text.
fn describe(
    error: &YamlError,
    path: Option<&str>,
    scalar: Option<&str>,
) -> (String, Option<String>) {
    let at = |path: Option<&str>| -> String {
        path.filter(|path| !path.is_empty())
            .map(|path| format!("`{path}`: "))
            .unwrap_or_default()
    };
    match error {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => (
            format!("unknown key `{field}`{}", owner_suffix(path)),
            did_you_mean(field, expected.iter().copied())
                .or_else(|| Some(format!("expected one of: {}", expected.join(", ")))),
        ),
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!("{}unknown value `{variant}`", at(path)),
            did_you_mean(variant, expected.iter().copied())
                .or_else(|| Some(format!("expected one of: {}", expected.join(", ")))),
        ),
        YamlError::SerdeMissingField { field, .. } => (
            match path.filter(|path| !path.is_empty()) {
                Some(owner) => format!("missing key `{field}` in `{owner}`"),
                None => format!("missing key `{field}`"),
            },
            Some(format!("add `{field}:` with a value")),
        ),
        YamlError::InvalidScalar { ty, .. } => {
            let found = scalar
                .map(|s| format!("`{s}`"))
                .unwrap_or_else(|| "this value".to_string());
            (
                format!("{}{found} is not {}", at(path), describe_type(ty)),
                None,
            )
        }
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | YamlError::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            format!("{}expected {expected}, found {unexpected}", at(path)),
            None,
        ),
        YamlError::DuplicateMappingKey { key, .. } => (
            match key {
                Some(key) => format!("duplicate key `{key}`{}", owner_suffix(path)),
                None => format!("duplicate key{}", owner_suffix(path)),
            },
            Some("a key may appear only once in a mapping: remove one of them".to_string()),
        ),
        YamlError::NullIntoString { .. } => (
            format!("{}expected a string, found nothing (null)", at(path)),
            None,
        ),
        YamlError::Message { msg, .. } => match scalar {
            Some(scalar) if !msg.contains(scalar) => {
                (format!("{}`{scalar}` is invalid: {msg}", at(path)), None)
            }
            _ => (format!("{}{msg}", at(path)), None),
        },
        YamlError::Unexpected { expected, .. } => {
            let expected = match *expected {
                "mapping start" => "a mapping of `key: value` entries",
                "sequence start" => "a list",
                other => other,
            };
            let found = scalar
                .map(|scalar| format!(", found `{scalar}`"))
                .unwrap_or_default();
            (format!("{}expected {expected}{found}", at(path)), None)
        }
        other => (
            serde_saphyr::DefaultMessageFormatter
                .format_message(other)
                .into_owned(),
            None,
        ),
    }
}

/// " in `departments[0]`": the mapping that holds the node at `path`, if not the root.
fn owner_suffix(path: Option<&str>) -> String {
    match path.and_then(parent_path) {
        Some(owner) if !owner.is_empty() => format!(" in `{owner}`"),
        _ => String::new(),
    }
}

/// "a whole number", "a number", ... for a Rust scalar type name.
fn describe_type(ty: &str) -> String {
    match ty {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            "a whole number of 0 or more".to_string()
        }
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number".to_string(),
        "f32" | "f64" => "a number".to_string(),
        "bool" => "a boolean (true or false)".to_string(),
        "char" => "a single character".to_string(),
        other => format!("a valid {other}"),
    }
}
