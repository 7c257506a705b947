//! A pure-Rust check of a GGUF model file before anything is run: present, a GGUF file, not
//! truncated. It reads only the header and tensor table (and hashes the file), so it works in
//! builds without llama.cpp and turns a bad `--model` into a clear error instead of a crash.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The first four bytes of every GGUF file.
const GGUF_MAGIC: &[u8; 4] = b"GGUF";
/// Default alignment of the tensor data section (GGUF spec: `general.alignment`).
const DEFAULT_ALIGNMENT: u64 = 32;
/// Limits that keep a corrupt header from making the reader allocate or loop without bound.
const MAX_METADATA_ENTRIES: u64 = 1 << 20;
const MAX_TENSORS: u64 = 1 << 20;
const MAX_STRING_BYTES: u64 = 1 << 26;
const MAX_DIMENSIONS: u32 = 8;

/// Why a model file is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    /// The file cannot be opened or read.
    #[error("cannot read the model file {}: {message}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        message: String,
    },
    /// The file does not start with the GGUF magic.
    #[error("{} is not a GGUF model file (it does not start with \"GGUF\")", path.display())]
    NotGguf {
        /// The file.
        path: PathBuf,
    },
    /// The header or tensor table is cut short, or the tensor data is shorter than it declares.
    #[error("the model file {} is truncated or corrupt: {message}", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
        /// What is missing.
        message: String,
    },
    /// A GGUF version this check does not know.
    #[error("the model file {} has GGUF version {version}; versions 2 and 3 are supported", path.display())]
    Version {
        /// The file.
        path: PathBuf,
        /// The version found.
        version: u32,
    },
}

/// What the check learnt about a model file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFile {
    /// The file.
    pub path: PathBuf,
    /// File name without directories, as the manifest names the model.
    pub name: String,
    /// sha256 of the whole file, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Tensors declared.
    pub tensors: u64,
}

/// The model tests and benchmarks use: `$ORGFORGE_TEST_MODEL`, else the first `*.gguf` (by
/// name) in `models`; `None` when there is neither (callers skip and say why).
pub fn test_model(models: &Path) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ORGFORGE_TEST_MODEL") {
        return Some(PathBuf::from(path));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(models)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "gguf"))
        .collect();
    found.sort();
    found.into_iter().next()
}

/// Checks a GGUF file: magic, version, the metadata and tensor tables, and that every tensor's
/// data lies inside the file. Also hashes the file.
pub fn check_model_file(path: &Path) -> Result<ModelFile, ModelFileError> {
    let unreadable = |error: std::io::Error| ModelFileError::Unreadable {
        path: path.to_path_buf(),
        message: error.to_string(),
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(ModelFileError::Unreadable {
            path: path.to_path_buf(),
            message: "not a regular file".to_string(),
        });
    }
    let bytes = metadata.len();
    let file = File::open(path).map_err(unreadable)?;
    let mut reader = Reader {
        inner: BufReader::new(file),
        offset: 0,
        path,
    };
    let header = reader.header(bytes)?;
    let sha256 = file_sha256(path).map_err(unreadable)?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(ModelFile {
        path: path.to_path_buf(),
        name,
        sha256,
        bytes,
        tensors: header,
    })
}

/// sha256 of a file, streamed.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// Bytes per block and elements per block of a ggml tensor type; `None` for types this check
/// does not size (their data is then only checked to start inside the file).
fn type_block(type_id: u32) -> Option<(u64, u64)> {
    Some(match type_id {
        0 => (4, 1),      // F32
        1 => (2, 1),      // F16
        2 => (18, 32),    // Q4_0
        3 => (20, 32),    // Q4_1
        6 => (22, 32),    // Q5_0
        7 => (24, 32),    // Q5_1
        8 => (34, 32),    // Q8_0
        9 => (36, 32),    // Q8_1
        10 => (84, 256),  // Q2_K
        11 => (110, 256), // Q3_K
        12 => (144, 256), // Q4_K
        13 => (176, 256), // Q5_K
        14 => (210, 256), // Q6_K
        15 => (292, 256), // Q8_K
        24 => (1, 1),     // I8
        25 => (2, 1),     // I16
        26 => (4, 1),     // I32
        27 => (8, 1),     // I64
        28 => (8, 1),     // F64
        30 => (2, 1),     // BF16
        _ => return None,
    })
}

struct Reader<'a> {
    inner: BufReader<File>,
    offset: u64,
    path: &'a Path,
}

impl Reader<'_> {
    fn truncated(&self, message: impl Into<String>) -> ModelFileError {
        ModelFileError::Truncated {
            path: self.path.to_path_buf(),
            message: message.into(),
        }
    }

    fn bytes<const N: usize>(&mut self, what: &str) -> Result<[u8; N], ModelFileError> {
        let mut buffer = [0u8; N];
        self.inner.read_exact(&mut buffer).map_err(|_| {
            self.truncated(format!(
                "the file ends inside {what} at byte {}",
                self.offset
            ))
        })?;
        self.offset += N as u64;
        Ok(buffer)
    }

    fn u32(&mut self, what: &str) -> Result<u32, ModelFileError> {
        Ok(u32::from_le_bytes(self.bytes::<4>(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64, ModelFileError> {
        Ok(u64::from_le_bytes(self.bytes::<8>(what)?))
    }

    fn skip(&mut self, count: u64, what: &str) -> Result<(), ModelFileError> {
        let copied = std::io::copy(&mut (&mut self.inner).take(count), &mut std::io::sink())
            .map_err(|e| self.truncated(e.to_string()))?;
        if copied != count {
            return Err(self.truncated(format!("the file ends inside {what}")));
        }
        self.offset += count;
        Ok(())
    }

    fn string(&mut self, what: &str) -> Result<Vec<u8>, ModelFileError> {
        let length = self.u64(what)?;
        if length > MAX_STRING_BYTES {
            return Err(self.truncated(format!("{what} claims {length} bytes")));
        }
        let mut buffer = Vec::new();
        (&mut self.inner)
            .take(length)
            .read_to_end(&mut buffer)
            .map_err(|e| self.truncated(e.to_string()))?;
        if buffer.len() as u64 != length {
            return Err(self.truncated(format!("the file ends inside {what}")));
        }
        self.offset += length;
        Ok(buffer)
    }

    /// Skips one metadata value of type `value_type`; returns it as a number when it is an
    /// unsigned integer (for `general.alignment`).
    fn value(&mut self, value_type: u32, depth: u32) -> Result<Option<u64>, ModelFileError> {
        let fixed = |size: u64| Some(size);
        let size = match value_type {
            0 | 1 | 7 => fixed(1), // u8, i8, bool
            2 | 3 => fixed(2),     // u16, i16
            4..=6 => fixed(4),     // u32, i32, f32
            10..=12 => fixed(8),   // u64, i64, f64
            _ => None,
        };
        match (value_type, size) {
            (4, _) => Ok(Some(u64::from(self.u32("a metadata value")?))),
            (10, _) => Ok(Some(self.u64("a metadata value")?)),
            (_, Some(size)) => self.skip(size, "a metadata value").map(|()| None),
            (8, None) => self.string("a metadata string").map(|_| None),
            (9, None) if depth < 4 => {
                let item_type = self.u32("an array type")?;
                let count = self.u64("an array length")?;
                if count > MAX_STRING_BYTES {
                    return Err(self.truncated(format!("an array claims {count} items")));
                }
                for _ in 0..count {
                    self.value(item_type, depth + 1)?;
                }
                Ok(None)
            }
            _ => Err(self.truncated(format!("unknown metadata value type {value_type}"))),
        }
    }

    /// Reads the header and tensor table; returns the tensor count.
    fn header(&mut self, file_bytes: u64) -> Result<u64, ModelFileError> {
        let magic = self
            .bytes::<4>("the magic")
            .map_err(|_| ModelFileError::NotGguf {
                path: self.path.to_path_buf(),
            })?;
        if &magic != GGUF_MAGIC {
            return Err(ModelFileError::NotGguf {
                path: self.path.to_path_buf(),
            });
        }
        let version = self.u32("the version")?;
        if !(2..=3).contains(&version) {
            return Err(ModelFileError::Version {
                path: self.path.to_path_buf(),
                version,
            });
        }
        let tensors = self.u64("the tensor count")?;
        let entries = self.u64("the metadata count")?;
        if tensors > MAX_TENSORS || entries > MAX_METADATA_ENTRIES {
            return Err(self.truncated(format!(
                "implausible header: {tensors} tensors, {entries} metadata entries"
            )));
        }
        let mut alignment = DEFAULT_ALIGNMENT;
        for _ in 0..entries {
            let key = self.string("a metadata key")?;
            let value_type = self.u32("a metadata type")?;
            let value = self.value(value_type, 0)?;
            if key == b"general.alignment"
                && let Some(value) = value
                && value > 0
            {
                alignment = value;
            }
        }
        let mut data_end: u64 = 0;
        let mut unsized_start: u64 = 0;
        for _ in 0..tensors {
            self.string("a tensor name")?;
            let dimensions = self.u32("a tensor's dimensions")?;
            if dimensions > MAX_DIMENSIONS {
                return Err(self.truncated(format!("a tensor claims {dimensions} dimensions")));
            }
            let mut elements: u64 = 1;
            for _ in 0..dimensions {
                elements = elements.saturating_mul(self.u64("a tensor shape")?);
            }
            let type_id = self.u32("a tensor type")?;
            let offset = self.u64("a tensor offset")?;
            match type_block(type_id) {
                Some((block_bytes, block_elements)) => {
                    let size = elements
                        .div_ceil(block_elements)
                        .saturating_mul(block_bytes);
                    data_end = data_end.max(offset.saturating_add(size));
                }
                None => unsized_start = unsized_start.max(offset.saturating_add(1)),
            }
        }
        let data_start = self.offset.div_ceil(alignment).saturating_mul(alignment);
        let needed = data_start.saturating_add(data_end.max(unsized_start));
        if needed > file_bytes {
            return Err(self.truncated(format!(
                "its tensors need {needed} bytes but the file has {file_bytes}"
            )));
        }
        Ok(tensors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal GGUF v3 file: one metadata string, one F32 tensor of `elements` values.
    fn tiny_gguf(elements: u64, data_bytes: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"GGUF");
        bytes.extend_from_slice(&3u32.to_le_bytes());
        bytes.extend_from_slice(&1u64.to_le_bytes()); // tensors
        bytes.extend_from_slice(&1u64.to_le_bytes()); // metadata entries
        let key = b"general.name";
        bytes.extend_from_slice(&(key.len() as u64).to_le_bytes());
        bytes.extend_from_slice(key);
        bytes.extend_from_slice(&8u32.to_le_bytes());
        let value = b"tiny";
        bytes.extend_from_slice(&(value.len() as u64).to_le_bytes());
        bytes.extend_from_slice(value);
        let name = b"weight";
        bytes.extend_from_slice(&(name.len() as u64).to_le_bytes());
        bytes.extend_from_slice(name);
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&elements.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes()); // F32
        bytes.extend_from_slice(&0u64.to_le_bytes()); // offset
        while !bytes.len().is_multiple_of(32) {
            bytes.push(0);
        }
        bytes.extend(std::iter::repeat_n(0u8, data_bytes));
        bytes
    }

    fn check_bytes(bytes: &[u8]) -> Result<ModelFile, ModelFileError> {
        let directory = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = directory.path().join("model.gguf");
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write: {e}"));
        check_model_file(&path)
    }

    #[test]
    fn a_complete_file_passes() {
        let model = check_bytes(&tiny_gguf(8, 32)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(model.tensors, 1);
        assert_eq!(model.name, "model.gguf");
        assert_eq!(model.sha256.len(), 64);
    }

    #[test]
    fn truncated_not_gguf_and_missing_files_fail() {
        assert!(matches!(
            check_bytes(&tiny_gguf(8, 31)),
            Err(ModelFileError::Truncated { .. })
        ));
        let whole = tiny_gguf(8, 32);
        assert!(matches!(
            check_bytes(&whole[..30]),
            Err(ModelFileError::Truncated { .. })
        ));
        assert!(matches!(
            check_bytes(b"PK\x03\x04 a zip file"),
            Err(ModelFileError::NotGguf { .. })
        ));
        assert!(matches!(
            check_bytes(b""),
            Err(ModelFileError::NotGguf { .. })
        ));
        assert!(matches!(
            check_model_file(Path::new("/nonexistent/model.gguf")),
            Err(ModelFileError::Unreadable { .. })
        ));
        let mut future = tiny_gguf(8, 32);
        future[4] = 9;
        assert!(matches!(
            check_bytes(&future),
            Err(ModelFileError::Version { version: 9, .. })
        ));
    }
}
