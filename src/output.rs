//! What the stages produce and where it goes: an [`OutputFile`] (a path in the output and its
//! contents) put into a [`Sink`]. Search and render make files; `write` (a staging folder),
//! `output_map` (the map of the output), `serve` (memory) and `check` ([`Discard`]) receive
//! them. Knows nothing of pages, the site or folders on disk.

use crate::diagnostic::EnvError;
use std::path::PathBuf;

/// A file of the output, by path relative to the output folder.
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
    /// What made it, for the output map's errors: a source file (`content/x.md`,
    /// `themes/default/static/style.css`) or a generated page (`(generated) tag listing`).
    pub source: String,
}

pub enum Contents {
    Bytes(Vec<u8>),
    /// Copied from a source file (bundle assets), not read into memory.
    CopyOf(PathBuf),
    /// A file of the tool's own cache, only ever replaced by a rename and never rewritten in
    /// place (picture variants): hard-linked where the file system allows, copied otherwise,
    /// so a cached rebuild neither copies nor allocates what it already has.
    LinkOf(PathBuf),
}

/// Where render puts files; shared by the rendering threads.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), EnvError>;
}

/// For `check`: renders everything, keeps nothing.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _file: OutputFile) -> Result<(), EnvError> {
        Ok(())
    }
}
