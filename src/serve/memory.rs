//! The output held in memory while serving: [`Files`] by path, the [`MemorySink`] renders
//! into, and [`in_memory`] for files rendered as a list. Each file's bytes are shared
//! ([`Arc`]), so that serving one copies no more than the response needs. A leaf of `serve`
//! but for `guard`.

use super::guard::lock;
use crate::diagnostic::EnvError;
use crate::output::{Contents, OutputFile, Sink};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Files of the output, by path.
pub type Files = HashMap<String, Arc<[u8]>>;

/// Collects rendered files in memory.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Files>,
}

impl MemorySink {
    /// The files put. A lock poisoned by a rendering thread's panic still holds every file
    /// put before it (the panic itself is reported by whoever caught it).
    pub fn into_files(self) -> Files {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        let bytes = match file.contents {
            Contents::Bytes(bytes) => bytes,
            // Bundle assets: found by walking content/, which never follows symbolic links.
            Contents::CopyOf(path) | Contents::LinkOf(path) => {
                std::fs::read(&path).map_err(|e| EnvError::io(path.clone(), e))?
            }
        };
        lock(&self.files).insert(file.path, bytes.into());
        Ok(())
    }
}

/// Rendered files by path (search files and pages are always bytes).
pub fn in_memory(files: Vec<OutputFile>) -> Files {
    files
        .into_iter()
        .filter_map(|f| match f.contents {
            Contents::Bytes(bytes) => Some((f.path, bytes.into())),
            Contents::CopyOf(_) | Contents::LinkOf(_) => None,
        })
        .collect()
}
