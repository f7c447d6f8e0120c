//! Stage 5, write: the rendered site goes into a fresh folder beside the output, which is then
//! swapped in with renames. A failed or killed build leaves the previous output whole.

use crate::diagnostic::EnvError;
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A file of the output, by path relative to the output folder.
pub struct OutputFile {
    pub path: String,
    pub contents: Contents,
}

pub enum Contents {
    Bytes(Vec<u8>),
    /// Copied from a source file (bundle assets), not read into memory.
    CopyOf(PathBuf),
}

fn env_error(path: &Path, e: std::io::Error) -> EnvError {
    EnvError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<(), EnvError> {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| env_error(parent, e))?;
    let name = output
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().to_string());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let previous = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(|e| env_error(&staging, e))?;
    let result = write_all(&staging, files).and_then(|()| swap(output, &staging, &previous));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<(), EnvError> {
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| staging.join(&f.path).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        fs::create_dir_all(dir).map_err(|e| env_error(dir, e))?;
    }
    files.par_iter().try_for_each(|file| {
        let target = staging.join(&file.path);
        match &file.contents {
            Contents::Bytes(bytes) => fs::write(&target, bytes).map_err(|e| env_error(&target, e)),
            Contents::CopyOf(source) => fs::copy(source, &target)
                .map(drop)
                .map_err(|e| env_error(source, e)),
        }
    })
}

fn swap(output: &Path, staging: &Path, previous: &Path) -> Result<(), EnvError> {
    let had_output = output.exists();
    if had_output {
        fs::rename(output, previous).map_err(|e| env_error(output, e))?;
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_output {
            let _ = fs::rename(previous, output);
        }
        return Err(env_error(output, e));
    }
    if had_output {
        let _ = fs::remove_dir_all(previous);
    }
    Ok(())
}
