//! Errors of writing a run.

use std::path::PathBuf;

/// Why a run could not be written. The previous output directory is intact in every case.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output directory exists and is not empty, and `force` was not given (CLI exit 2).
    #[error("output directory {} already exists and is not empty; pass --force to replace it", path.display())]
    Exists {
        /// The output directory.
        path: PathBuf,
    },
    /// The output path exists but is not a directory.
    #[error("output path {} exists and is not a directory", path.display())]
    NotADirectory {
        /// The output path.
        path: PathBuf,
    },
    /// The output path has no final directory name (e.g. `/` or `..`).
    #[error("output path {} does not name a directory", path.display())]
    InvalidOut {
        /// The output path.
        path: PathBuf,
    },
    /// A corpus path would escape or misuse the output directory.
    #[error("refusing corpus path `{path}`: {reason}")]
    UnsafePath {
        /// The offending relative path.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two files would be written at the same path.
    #[error("corpus path `{path}` is written twice or collides with a file orgforge writes itself")]
    DuplicatePath {
        /// The relative path.
        path: String,
    },
    /// A corpus file names a provenance event that is not in the event log.
    #[error("corpus file `{path}` names event {event}, which is not in the event log")]
    UnknownEvent {
        /// The relative path.
        path: String,
        /// The event id.
        event: String,
    },
    /// A filesystem operation failed.
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "write".
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A value could not be serialized.
    #[error("could not serialize {what}: {message}")]
    Serialize {
        /// What was being serialized.
        what: &'static str,
        /// The serializer's message.
        message: String,
    },
    /// Writing `orgforge.db` failed.
    #[error("could not write orgforge.db: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl OutputError {
    /// An [`OutputError::Io`] for `path`.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> OutputError {
        let path = path.into();
        move |source| OutputError::Io {
            action,
            path,
            source,
        }
    }
}
