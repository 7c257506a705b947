//! Where each value of a YAML document is: a path -> (line, column) index built from parser events.
//!
//! Semantic problems name a path such as `departments[2].lead`; this index turns it into the line
//! and column of the offending value (or of its key, or of the nearest ancestor that is written).

use std::collections::BTreeMap;

use serde_saphyr::granit_parser::{Event, Parser, Span};

/// A position in the source, 1-based line and 1-based character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Position {
    /// The start of the document.
    pub const START: Position = Position { line: 1, column: 1 };

    fn of(span: &Span) -> Position {
        Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        }
    }
}

/// Where one node is written.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The mapping key that introduces the node, if the node is a mapping value.
    key: Option<Position>,
    /// The node itself.
    value: Position,
}

/// One open collection while walking the events.
enum Frame {
    Mapping {
        path: String,
        /// The key just read, waiting for its value; `None` while a key is expected.
        pending_key: Option<(String, Position)>,
    },
    Sequence {
        path: String,
        next_index: usize,
    },
    /// A collection used as a mapping key: its contents have no path.
    Ignored,
}

/// Path -> position index of one YAML document, built best-effort (it stops at a syntax error).
#[derive(Debug, Default)]
pub(crate) struct SourceIndex {
    entries: BTreeMap<String, Entry>,
    /// The path of the innermost node starting at each position, keys included.
    by_position: BTreeMap<Position, String>,
    /// Scalar text at each position where a scalar starts.
    scalars: BTreeMap<Position, String>,
}

impl SourceIndex {
    /// Walks the parser events of `text` and records where every key and value is.
    pub fn build(text: &str) -> SourceIndex {
        let mut index = SourceIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut documents_seen = 0usize;
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let position = Position::of(&span);
            match event {
                Event::DocumentStart(..) => {
                    documents_seen += 1;
                    if documents_seen > 1 {
                        break;
                    }
                }
                Event::Scalar(value, ..) => {
                    index.scalars.insert(position, value.to_string());
                    index.node(&mut stack, Some(value.as_ref()), position);
                }
                Event::Alias(..) => {
                    index.node(&mut stack, None, position);
                }
                Event::SequenceStart(..) => {
                    let frame = match index.node(&mut stack, None, position) {
                        Some(path) => Frame::Sequence {
                            path,
                            next_index: 0,
                        },
                        None => Frame::Ignored,
                    };
                    stack.push(frame);
                }
                Event::MappingStart(..) => {
                    let frame = match index.node(&mut stack, None, position) {
                        Some(path) => Frame::Mapping {
                            path,
                            pending_key: None,
                        },
                        None => Frame::Ignored,
                    };
                    stack.push(frame);
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        index
    }

    /// Records one node (`scalar_text` for a scalar); returns its path when it is a value, not a
    /// key or inside a key.
    fn node(
        &mut self,
        stack: &mut [Frame],
        scalar_text: Option<&str>,
        position: Position,
    ) -> Option<String> {
        let (path, key) = match stack.last_mut() {
            None => (String::new(), None),
            Some(Frame::Ignored) => return None,
            Some(Frame::Sequence { path, next_index }) => {
                let child = format!("{path}[{next_index}]");
                *next_index += 1;
                (child, None)
            }
            Some(Frame::Mapping { path, pending_key }) => match pending_key.take() {
                None => {
                    // This node is a key. Only scalar keys name a path.
                    match scalar_text {
                        Some(text) => {
                            let child = join(path, text);
                            self.by_position.insert(position, child);
                            *pending_key = Some((text.to_string(), position));
                        }
                        _ => *pending_key = Some((String::new(), position)),
                    }
                    return None;
                }
                Some((key_text, key_position)) => (join(path, &key_text), Some(key_position)),
            },
        };
        self.entries.entry(path.clone()).or_insert(Entry {
            key,
            value: position,
        });
        self.by_position.insert(position, path.clone());
        Some(path)
    }

    /// Where the value at `path` is written: the value itself, else the key of the nearest
    /// written ancestor (the value was left to its default), else the start of the document.
    pub fn locate(&self, path: &str) -> Position {
        if let Some(entry) = self.entries.get(path) {
            return entry.value;
        }
        let mut current = path;
        while let Some(parent) = parent_path(current) {
            if let Some(entry) = self.entries.get(parent) {
                return entry.key.unwrap_or(entry.value);
            }
            current = parent;
        }
        Position::START
    }

    /// The path of the innermost node (value or key) that starts at `position`.
    pub fn path_at(&self, position: Position) -> Option<&str> {
        self.by_position.get(&position).map(String::as_str)
    }

    /// Whether the document has no node at all (empty, or only comments).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The scalar text that starts at `position`.
    pub fn scalar_at(&self, position: Position) -> Option<&str> {
        self.scalars.get(&position).map(String::as_str)
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> ``; `None` above the root.
pub(crate) fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    if path.ends_with(']') {
        return path.rfind('[').map(|at| &path[..at]);
    }
    Some(path.rfind('.').map_or("", |at| &path[..at]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
company:
  name: Acme
departments:
  - id: eng
    members: [ana, bo]
  - id: ops
    members:
      - cy
days: 5
";

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn values_keys_and_sequence_items() {
        let index = SourceIndex::build(TEXT);
        assert_eq!(index.locate("company.name"), at(2, 9));
        assert_eq!(index.locate("departments[0].members[1]"), at(5, 20));
        assert_eq!(index.locate("departments[1].members[0]"), at(8, 9));
        assert_eq!(index.locate("departments[1].id"), at(6, 9));
        assert_eq!(index.locate("days"), at(9, 7));
    }

    #[test]
    fn missing_values_fall_back_to_the_nearest_written_ancestor() {
        let index = SourceIndex::build(TEXT);
        assert_eq!(index.locate("departments[1].lead"), at(6, 5));
        assert_eq!(index.locate("company.timezone"), at(1, 1));
        assert_eq!(index.locate("seed"), Position::START);
    }

    #[test]
    fn positions_map_back_to_paths_and_scalars() {
        let index = SourceIndex::build(TEXT);
        assert_eq!(index.path_at(at(9, 7)), Some("days"));
        assert_eq!(index.path_at(at(9, 1)), Some("days"));
        assert_eq!(index.scalar_at(at(9, 7)), Some("5"));
    }

    #[test]
    fn parent_paths() {
        assert_eq!(parent_path("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent_path("a.b[2]"), Some("a.b"));
        assert_eq!(parent_path("a"), Some(""));
        assert_eq!(parent_path(""), None);
    }
}
