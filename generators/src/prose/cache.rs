//! The prose cache: model answers in SQLite, keyed by what determines them.
//!
//! The key is the sha256 of (model file sha256, full prompt after the chat template, sampling
//! parameters, seed), so an answer is reused only for exactly the same question to exactly the
//! same model. A run whose every answer is cached makes no model call and, since the fact check
//! and the fallbacks are pure, writes the same corpus byte for byte. An answer the fact check
//! stopped early (at a finished line with an invented number, a placeholder, a looping line or
//! too many words: decided by the text and its request alone) is stored as far as it was
//! written (key v2).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// Version of the key derivation; bump it when the key's inputs change meaning.
const KEY_VERSION: &str = "orgforge-prose-cache-v2";

/// Why the cache failed.
#[derive(Debug, thiserror::Error)]
#[error("prose cache {}: {message}", path.display())]
pub struct CacheError {
    /// The cache file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// One cached answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedAnswer {
    /// The model's text, as generated (up to where the check stopped it, if it did).
    pub text: String,
    /// Tokens of the prompt when it was generated.
    pub prompt_tokens: u64,
    /// Tokens generated.
    pub generated_tokens: u64,
}

/// The sampling parameters that, with the prompt and the seed, determine an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SamplingKey {
    /// Temperature (0 means greedy).
    pub temperature: f32,
    /// Most tokens generated.
    pub max_tokens: u32,
}

/// The cache key of one generation, as lowercase hex.
pub fn cache_key(model_sha256: &str, prompt: &str, sampling: SamplingKey, seed: u32) -> String {
    let mut hasher = Sha256::new();
    for part in [
        KEY_VERSION,
        model_sha256,
        prompt,
        // Bits, not a decimal rendering, so 0.7 and 0.70000001 never share a key.
        &format!("temperature={:08x}", sampling.temperature.to_bits()),
        &format!("max_tokens={}", sampling.max_tokens),
        &format!("seed={seed}"),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A prose cache file (SQLite), shared between runs.
#[derive(Debug)]
pub struct ProseCache {
    connection: Connection,
    path: PathBuf,
}

impl ProseCache {
    /// Opens (creating when absent) the cache at `path`; its parent directory is created too.
    pub fn open(path: &Path) -> Result<ProseCache, CacheError> {
        let error = |message: String| CacheError {
            path: path.to_path_buf(),
            message,
        };
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| error(e.to_string()))?;
        }
        let connection = Connection::open(path).map_err(|e| error(e.to_string()))?;
        connection
            .execute_batch(
                "PRAGMA busy_timeout = 10000;
                 CREATE TABLE IF NOT EXISTS prose_cache (
                     key TEXT PRIMARY KEY,
                     text TEXT NOT NULL,
                     prompt_tokens INTEGER NOT NULL,
                     generated_tokens INTEGER NOT NULL
                 );",
            )
            .map_err(|e| error(format!("not a usable prose cache: {e}")))?;
        Ok(ProseCache {
            connection,
            path: path.to_path_buf(),
        })
    }

    /// An in-memory cache that forgets everything when dropped (tests, `--prose-cache` off).
    pub fn in_memory() -> Result<ProseCache, CacheError> {
        ProseCache::open(Path::new(":memory:"))
    }

    /// The file behind the cache.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, error: rusqlite::Error) -> CacheError {
        CacheError {
            path: self.path.clone(),
            message: error.to_string(),
        }
    }

    /// The answer stored under `key`, if any.
    pub fn get(&self, key: &str) -> Result<Option<CachedAnswer>, CacheError> {
        self.connection
            .query_row(
                "SELECT text, prompt_tokens, generated_tokens FROM prose_cache WHERE key = ?1",
                params![key],
                |row| {
                    Ok(CachedAnswer {
                        text: row.get(0)?,
                        prompt_tokens: row.get::<_, i64>(1)?.max(0) as u64,
                        generated_tokens: row.get::<_, i64>(2)?.max(0) as u64,
                    })
                },
            )
            .optional()
            .map_err(|e| self.error(e))
    }

    /// Stores answers in one transaction (an existing key keeps its first answer).
    pub fn put_all(&mut self, answers: &[(String, CachedAnswer)]) -> Result<(), CacheError> {
        let transaction = self.connection.transaction().map_err(|e| CacheError {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        {
            let mut statement = transaction
                .prepare(
                    "INSERT OR IGNORE INTO prose_cache (key, text, prompt_tokens, generated_tokens) \
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(|e| CacheError {
                    path: self.path.clone(),
                    message: e.to_string(),
                })?;
            for (key, answer) in answers {
                statement
                    .execute(params![
                        key,
                        answer.text,
                        answer.prompt_tokens as i64,
                        answer.generated_tokens as i64
                    ])
                    .map_err(|e| CacheError {
                        path: self.path.clone(),
                        message: e.to_string(),
                    })?;
            }
        }
        transaction.commit().map_err(|e| self.error(e))
    }

    /// Answers stored.
    pub fn len(&self) -> Result<u64, CacheError> {
        self.connection
            .query_row("SELECT COUNT(*) FROM prose_cache", [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|count| count.max(0) as u64)
            .map_err(|e| self.error(e))
    }

    /// Whether the cache holds no answer.
    pub fn is_empty(&self) -> Result<bool, CacheError> {
        Ok(self.len()? == 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLING: SamplingKey = SamplingKey {
        temperature: 0.7,
        max_tokens: 64,
    };

    #[test]
    fn keys_depend_on_every_input() {
        let key = cache_key("m", "p", SAMPLING, 1);
        assert_eq!(key.len(), 64);
        assert_eq!(key, cache_key("m", "p", SAMPLING, 1));
        assert_ne!(key, cache_key("n", "p", SAMPLING, 1));
        assert_ne!(key, cache_key("m", "q", SAMPLING, 1));
        assert_ne!(key, cache_key("m", "p", SAMPLING, 2));
        let hotter = SamplingKey {
            temperature: 0.8,
            ..SAMPLING
        };
        assert_ne!(key, cache_key("m", "p", hotter, 1));
        // Parts are length-prefixed: moving a character between parts changes the key.
        assert_ne!(
            cache_key("ab", "c", SAMPLING, 1),
            cache_key("a", "bc", SAMPLING, 1)
        );
    }

    #[test]
    fn answers_round_trip_through_a_file() {
        let directory = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = directory.path().join("nested/cache.sqlite");
        let answer = CachedAnswer {
            text: "PLAT-12 is done.".to_string(),
            prompt_tokens: 40,
            generated_tokens: 6,
        };
        {
            let mut cache = ProseCache::open(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(cache.is_empty().unwrap_or(false));
            cache
                .put_all(&[("k".to_string(), answer.clone())])
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let cache = ProseCache::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cache.get("k").ok().flatten(), Some(answer));
        assert_eq!(cache.get("other").ok().flatten(), None);
        assert_eq!(cache.len().ok(), Some(1));
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_refused() {
        let directory = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = directory.path().join("cache.sqlite");
        std::fs::write(&path, b"not a database at all, just some text").unwrap_or_default();
        assert!(ProseCache::open(&path).is_err());
    }
}
