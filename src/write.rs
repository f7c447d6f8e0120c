//! Stage 5, write: rendered files stream into a staging folder beside the output, which is
//! swapped in with renames once the whole site is rendered without errors. A failed or killed
//! build leaves the previous output whole; the next build clears the leftover staging folder.

use crate::diagnostic::EnvError;
use std::fs;
use std::path::{Path, PathBuf};

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

fn env_error(path: &Path, e: std::io::Error) -> EnvError {
    EnvError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// A folder beside the output that becomes the output on [`Staging::commit`].
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    previous: PathBuf,
}

impl Staging {
    pub fn begin(output: &Path) -> Result<Staging, EnvError> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| env_error(parent, e))?;
        let name = output
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().to_string());
        let staging = parent.join(format!(".{name}.new"));
        let previous = parent.join(format!(".{name}.old"));
        for leftover in [&staging, &previous] {
            if leftover.exists() {
                fs::remove_dir_all(leftover).map_err(|e| env_error(leftover, e))?;
            }
        }
        fs::create_dir_all(&staging).map_err(|e| env_error(&staging, e))?;
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            previous,
        })
    }

    /// The staging folder, for writers that make their own files (the search index).
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Swaps the staged site in for the output.
    pub fn commit(self) -> Result<(), EnvError> {
        let had_output = self.output.exists();
        if had_output {
            fs::rename(&self.output, &self.previous).map_err(|e| env_error(&self.output, e))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.output) {
            if had_output {
                let _ = fs::rename(&self.previous, &self.output);
            }
            return Err(env_error(&self.output, e));
        }
        if had_output {
            let _ = fs::remove_dir_all(&self.previous);
        }
        Ok(())
    }

    /// Drops the staged files; the output stays as it was.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        let target = self.staging.join(&file.path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| env_error(dir, e))?;
        }
        match &file.contents {
            Contents::Bytes(bytes) => fs::write(&target, bytes).map_err(|e| env_error(&target, e)),
            Contents::CopyOf(source) => fs::copy(source, &target)
                .map(drop)
                .map_err(|e| env_error(source, e)),
        }
    }
}
