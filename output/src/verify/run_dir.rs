//! Loading a run directory from disk: every file read once, hashed, and parsed by its path.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;
use orgforge_engine::event::Event;
use orgforge_engine::log::sha256_hex;
use orgforge_engine::outcome::{RosterEntry, Snapshot};
use orgforge_engine::scenario::Scenario;
use serde::de::DeserializeOwned;

use super::VerifyError;
use super::formats::{
    JiraIssue, PageFront, PullRequest, SlackChannel, SlackMessage, SlackUser, parse_page,
};
use crate::manifest::{MANIFEST_FILE, Manifest};
use crate::write::{EVENTS_FILE, SCENARIO_FILE, SNAPSHOT_FILE};

/// Deepest directory nesting read; corpus paths have at most [`crate::paths::MAX_PATH_COMPONENTS`].
const MAX_DEPTH: usize = 16;

/// A parsed file and its relative path.
#[derive(Debug, Clone)]
pub(crate) struct Loaded<T> {
    pub path: String,
    pub value: T,
}

/// One Slack channel-day file.
#[derive(Debug, Clone)]
pub(crate) struct SlackDay {
    pub path: String,
    pub channel: String,
    pub date: NaiveDate,
    pub messages: Vec<SlackMessage>,
}

/// A run directory as read from disk. Nothing here comes from memory of the writer.
#[derive(Debug, Default)]
pub(crate) struct RunDir {
    /// Regular files: relative path -> sha256.
    pub files: BTreeMap<String, String>,
    /// Entries that are not regular files (links, devices), or have non-UTF-8 names.
    pub irregular: BTreeSet<String>,
    /// Files that could not be read or parsed, with why.
    pub problems: Vec<String>,
    pub manifest: Option<Manifest>,
    pub scenario: Option<Scenario>,
    pub snapshot: Option<Snapshot>,
    /// Events in file order; unparseable lines are left out (and reported as problems).
    pub events: Vec<Event>,
    /// Number of lines of `events.jsonl`.
    pub event_lines: u64,
    pub users: Vec<SlackUser>,
    pub channels: Vec<SlackChannel>,
    pub slack_days: Vec<SlackDay>,
    pub issues: Vec<Loaded<JiraIssue>>,
    pub pages: Vec<Loaded<PageFront>>,
    pub pulls: Vec<Loaded<PullRequest>>,
    /// Causal chains (`chains/<id>.json`).
    pub chains: Vec<Loaded<crate::chains::Chain>>,
    /// Email messages (`email/<mailbox>/<id>.eml`), as a mail client reads them.
    pub emails: Vec<Loaded<super::email::EmailFile>>,
}

impl RunDir {
    /// Reads and parses every file under `root`.
    pub fn load(root: &Path) -> Result<RunDir, VerifyError> {
        let metadata = fs::metadata(root).map_err(|_| VerifyError::NotARunDirectory {
            path: root.to_path_buf(),
            reason: "it does not exist",
        })?;
        if !metadata.is_dir() {
            return Err(VerifyError::NotARunDirectory {
                path: root.to_path_buf(),
                reason: "it is not a directory",
            });
        }
        if !root.join(MANIFEST_FILE).exists() && !root.join(EVENTS_FILE).exists() {
            return Err(VerifyError::NotARunDirectory {
                path: root.to_path_buf(),
                reason: "it has neither manifest.json nor events.jsonl",
            });
        }
        let mut run = RunDir::default();
        let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        run.walk(root, root, 0, &mut contents)?;
        for (path, bytes) in &contents {
            run.parse(path, bytes);
        }
        for required in [MANIFEST_FILE, EVENTS_FILE, SCENARIO_FILE, SNAPSHOT_FILE] {
            if !run.files.contains_key(required) {
                run.problems.push(format!("{required}: missing"));
            }
        }
        if !run.slack_days.is_empty() {
            for metadata in ["slack/users.json", "slack/channels.json"] {
                if !run.files.contains_key(metadata) {
                    run.problems.push(format!("{metadata}: missing"));
                }
            }
        }
        Ok(run)
    }

    fn walk(
        &mut self,
        root: &Path,
        directory: &Path,
        depth: usize,
        contents: &mut BTreeMap<String, Vec<u8>>,
    ) -> Result<(), VerifyError> {
        let unreadable = |path: &Path| {
            let path = path.to_path_buf();
            move |source| VerifyError::Unreadable { path, source }
        };
        let mut entries: Vec<PathBuf> = fs::read_dir(directory)
            .map_err(unreadable(directory))?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<_, _>>()
            .map_err(unreadable(directory))?;
        entries.sort();
        for path in entries {
            let relative = relative_path(root, &path);
            let metadata = fs::symlink_metadata(&path).map_err(unreadable(&path))?;
            let Some(relative) = relative else {
                self.problems
                    .push(format!("{}: file name is not UTF-8", path.display()));
                self.irregular.insert(path.display().to_string());
                continue;
            };
            if metadata.is_dir() {
                if depth >= MAX_DEPTH {
                    self.problems.push(format!("{relative}: nested too deeply"));
                    self.irregular.insert(relative);
                    continue;
                }
                self.walk(root, &path, depth + 1, contents)?;
            } else if metadata.is_file() {
                let bytes = fs::read(&path).map_err(unreadable(&path))?;
                self.files.insert(relative.clone(), sha256_hex(&bytes));
                contents.insert(relative, bytes);
            } else {
                self.problems
                    .push(format!("{relative}: not a regular file"));
                self.irregular.insert(relative);
            }
        }
        Ok(())
    }

    /// Parses one file according to where it lives.
    fn parse(&mut self, path: &str, bytes: &[u8]) {
        let components: Vec<&str> = path.split('/').collect();
        match components.as_slice() {
            [MANIFEST_FILE] => self.manifest = self.json(path, bytes),
            [EVENTS_FILE] => self.parse_events(bytes),
            [SCENARIO_FILE] => {
                self.scenario = match std::str::from_utf8(bytes) {
                    Ok(text) => match serde_saphyr::from_str(text) {
                        Ok(scenario) => Some(scenario),
                        Err(error) => self.problem(path, error),
                    },
                    Err(error) => self.problem(path, error),
                }
            }
            [SNAPSHOT_FILE] => self.snapshot = self.json(path, bytes),
            ["slack", "users.json"] => self.users = self.json(path, bytes).unwrap_or_default(),
            ["slack", "channels.json"] => {
                self.channels = self.json(path, bytes).unwrap_or_default()
            }
            ["slack", channel, file] => {
                let date = file
                    .strip_suffix(".json")
                    .and_then(|stem| NaiveDate::parse_from_str(stem, "%Y-%m-%d").ok());
                match date {
                    Some(date) => {
                        if let Some(messages) = self.json(path, bytes) {
                            self.slack_days.push(SlackDay {
                                path: path.to_string(),
                                channel: channel.to_string(),
                                date,
                                messages,
                            });
                        }
                    }
                    None => self
                        .problems
                        .push(format!("{path}: not named <YYYY-MM-DD>.json")),
                }
            }
            ["jira", _] => {
                if let Some(value) = self.json(path, bytes) {
                    self.issues.push(Loaded {
                        path: path.to_string(),
                        value,
                    });
                }
            }
            [crate::chains::CHAINS_DIR, file] if file.ends_with(".json") => {
                if let Some(value) = self.json(path, bytes) {
                    self.chains.push(Loaded {
                        path: path.to_string(),
                        value,
                    });
                }
            }
            ["git", "prs", _] => {
                if let Some(value) = self.json(path, bytes) {
                    self.pulls.push(Loaded {
                        path: path.to_string(),
                        value,
                    });
                }
            }
            ["email", mailbox, file] if file.ends_with(".eml") => {
                match super::email::parse_eml(mailbox, bytes) {
                    Ok(value) => self.emails.push(Loaded {
                        path: path.to_string(),
                        value,
                    }),
                    Err(error) => self.problems.push(format!("{path}: {error}")),
                }
            }
            ["confluence", _, _] => {
                let parsed = std::str::from_utf8(bytes)
                    .map_err(|error| error.to_string())
                    .and_then(parse_page);
                match parsed {
                    Ok(value) => self.pages.push(Loaded {
                        path: path.to_string(),
                        value,
                    }),
                    Err(error) => self.problems.push(format!("{path}: {error}")),
                }
            }
            _ => {}
        }
    }

    fn parse_events(&mut self, bytes: &[u8]) {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                self.problems.push(format!("{EVENTS_FILE}: {error}"));
                return;
            }
        };
        for (index, line) in text.lines().enumerate() {
            self.event_lines += 1;
            match serde_json::from_str::<Event>(line) {
                Ok(event) => self.events.push(event),
                Err(error) => self
                    .problems
                    .push(format!("{EVENTS_FILE} line {}: {error}", index + 1)),
            }
        }
    }

    fn json<T: DeserializeOwned>(&mut self, path: &str, bytes: &[u8]) -> Option<T> {
        match serde_json::from_slice(bytes) {
            Ok(value) => Some(value),
            Err(error) => self.problem(path, error),
        }
    }

    fn problem<T>(&mut self, path: &str, error: impl std::fmt::Display) -> Option<T> {
        self.problems.push(format!("{path}: {error}"));
        None
    }

    /// Index of events by id.
    pub fn events_by_id(&self) -> BTreeMap<&str, &Event> {
        self.events
            .iter()
            .map(|event| (event.id.as_str(), event))
            .collect()
    }

    /// The roster by person id (empty without a readable snapshot).
    pub fn roster(&self) -> BTreeMap<&str, &RosterEntry> {
        self.snapshot
            .iter()
            .flat_map(|snapshot| &snapshot.roster.people)
            .map(|person| (person.id.as_str(), person))
            .collect()
    }

    /// Slack user id -> person id.
    pub fn slack_people(&self) -> BTreeMap<&str, &str> {
        self.users
            .iter()
            .map(|user| (user.id.as_str(), user.name.as_str()))
            .collect()
    }

    /// The company's time zone, when the scenario is readable and names a valid one.
    pub fn time_zone(&self) -> Option<Tz> {
        self.scenario.as_ref()?.company.timezone.parse().ok()
    }
}

fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for component in relative.components() {
        parts.push(component.as_os_str().to_str()?);
    }
    Some(parts.join("/"))
}
