//! The append-only event log: seals drafts into events with sequence ids and a sha256 hash chain.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::event::{Draft, Event, event_id};

/// Hash of "no previous event".
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Append-only log. Drafts of one day are sealed together, in time order.
#[derive(Debug, Default)]
pub struct EventLog {
    events: Vec<Event>,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> EventLog {
        EventLog::default()
    }

    /// Seals one day's drafts: stable-sorts them by timestamp (ties keep decision order, so a
    /// cause decided first stays first), numbers them and chains their hashes.
    pub fn seal_day(&mut self, day: u32, date: NaiveDate, mut drafts: Vec<Draft>) {
        drafts.sort_by_key(|draft| draft.timestamp);
        for draft in drafts {
            let seq = self.events.len() as u64 + 1;
            let prev_hash = self
                .events
                .last()
                .map_or_else(|| GENESIS_HASH.to_string(), |e| e.hash.clone());
            let mut artifacts: Vec<String> = Vec::with_capacity(draft.artifacts.len());
            for artifact in &draft.artifacts {
                let path = artifact.path();
                if !artifacts.contains(&path) {
                    artifacts.push(path);
                }
            }
            let mut event = Event {
                id: event_id(seq),
                seq,
                kind: draft.kind,
                day,
                date,
                timestamp: draft.timestamp,
                actors: draft.actors,
                artifacts,
                after_hours: draft.after_hours,
                summary: draft.summary,
                prev_hash,
                hash: String::new(),
            };
            event.hash = event_hash(&event);
            self.events.push(event);
        }
    }

    /// All sealed events, in sequence order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Number of sealed events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when nothing has been sealed.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Consumes the log.
    pub fn into_events(self) -> Vec<Event> {
        self.events
    }
}

/// Canonical JSON of a JSON value: object keys sorted, no whitespace, UTF-8 as is.
/// Reproducible elsewhere with `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
pub fn canonical_json(value: &serde_json::Value) -> String {
    // serde_json's Map is a BTreeMap in this workspace (no `preserve_order`), so keys are sorted.
    value.to_string()
}

/// sha256 (hex) of the canonical JSON of `event` without its `hash` field.
pub fn event_hash(event: &Event) -> String {
    let mut value = match serde_json::to_value(event) {
        Ok(value) => value,
        // Serializing plain data with string keys cannot fail.
        Err(_) => return String::new(),
    };
    if let Some(object) = value.as_object_mut() {
        object.remove("hash");
    }
    sha256_hex(canonical_json(&value).as_bytes())
}

/// sha256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}
