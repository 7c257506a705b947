//! Confluence pages: Markdown with YAML front matter; the reader sees title, author, date, body.

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

use super::{Context, Document, DocumentKind, display_time};
use crate::error::DatasetError;
use crate::run_dir::Run;

/// The front matter fields a reader sees (provenance is read separately).
#[derive(Debug, Deserialize)]
struct Front {
    id: u64,
    title: String,
    space: String,
    author: String,
    created: String,
    #[serde(default)]
    events: Vec<String>,
}

/// One document per `confluence/<SPACE>/<ID>.md`.
pub(super) fn documents(run: &Run, context: &Context) -> Result<Vec<Document>, DatasetError> {
    let mut documents = Vec::new();
    for (path, bytes) in &run.artifacts {
        let parts: Vec<&str> = path.split('/').collect();
        let ["confluence", _, file] = parts.as_slice() else {
            continue;
        };
        if !file.ends_with(".md") {
            continue;
        }
        let full = run.root.join(path);
        let text = std::str::from_utf8(bytes)
            .map_err(|e| DatasetError::bad_input(&full, None, format!("not UTF-8: {e}")))?;
        let Some(rest) = text.strip_prefix("---\n") else {
            return Err(DatasetError::bad_input(
                &full,
                Some(1),
                "a page must start with `---` front matter",
            ));
        };
        let Some(end) = rest.find("\n---\n") else {
            return Err(DatasetError::bad_input(
                &full,
                None,
                "front matter is not closed by `---`",
            ));
        };
        let front: Front = serde_saphyr::from_str(&rest[..end])
            .map_err(|e| DatasetError::bad_input(&full, None, format!("front matter: {e}")))?;
        let body = rest[end + 5..].trim_start_matches('\n');
        let created: DateTime<FixedOffset> =
            DateTime::parse_from_rfc3339(&front.created).map_err(|e| {
                DatasetError::bad_input(&full, None, format!("front matter `created`: {e}"))
            })?;
        let text = format!(
            "Space {}. Written by {} on {}.\n\n{}",
            front.space,
            context.name(&front.author),
            display_time(&created),
            body
        );
        documents.push(Document {
            id: format!("confluence-{}", front.id),
            kind: DocumentKind::ConfluencePage,
            title: front.title,
            text,
            author: front.author,
            timestamp: created.to_rfc3339(),
            day: context.day_of(&created),
            access: context.everyone.clone(),
            source: vec![path.clone()],
            events: front.events.into_iter().collect(),
            handle: front.id.to_string(),
            created,
        });
    }
    Ok(documents)
}
