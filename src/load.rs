//! Stage 1, load: reads `site.yaml` and walks `content/`, sorting what it finds into Markdown
//! sources, site data (`content/_data/*.yaml`) and bundle assets. It reads; it does not parse.

use crate::diagnostic::{Diagnostic, EnvError, display_path};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A text file of the site, with its path relative to the root (`content/practices/x.md`).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A non-Markdown file beside a page bundle's `index.md`, copied with the page.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Relative to `content/`: `practices/sandwatch/beach.svg`.
    pub content_path: String,
    pub absolute: PathBuf,
}

#[derive(Debug, Default)]
pub struct SourceTree {
    pub config: Option<SourceFile>,
    pub markdown: Vec<SourceFile>,
    pub data: Vec<SourceFile>,
    pub assets: Vec<Asset>,
}

pub fn load(root: &Path) -> Result<(SourceTree, Vec<Diagnostic>), EnvError> {
    let mut tree = SourceTree::default();
    let mut problems = Vec::new();
    let config_path = root.join("site.yaml");
    match read_text(root, &config_path) {
        Ok(Some(file)) => tree.config = Some(file),
        Ok(None) => problems.push(
            Diagnostic::error("site.yaml", 0, "no site.yaml at the site root")
                .with_hint("run the command in the site's folder, or pass --root DIR"),
        ),
        Err(d) => problems.push(d),
    }
    let content = root.join("content");
    if !content.is_dir() {
        return Err(EnvError {
            path: content,
            message: "no content/ folder here; pass --root DIR".into(),
        });
    }
    let mut markdown_paths = Vec::new();
    let mut data_paths = Vec::new();
    for entry in WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.map_err(|e| EnvError {
            path: e.path().map(Path::to_path_buf).unwrap_or(content.clone()),
            message: e.to_string(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let relative = path.strip_prefix(&content).unwrap_or(path);
        if relative.starts_with("_data") {
            if name.ends_with(".yaml") || name.ends_with(".yml") {
                data_paths.push(path.to_path_buf());
            }
        } else if name.ends_with(".md") {
            markdown_paths.push(path.to_path_buf());
        } else {
            tree.assets.push(Asset {
                content_path: display_path(relative),
                absolute: path.to_path_buf(),
            });
        }
    }
    let read_all = |paths: Vec<PathBuf>| -> Vec<Result<Option<SourceFile>, Diagnostic>> {
        paths.par_iter().map(|p| read_text(root, p)).collect()
    };
    for (paths, into) in [
        (markdown_paths, &mut tree.markdown),
        (data_paths, &mut tree.data),
    ] {
        for result in read_all(paths) {
            match result {
                Ok(Some(file)) => into.push(file),
                Ok(None) => {}
                Err(d) => problems.push(d),
            }
        }
    }
    Ok((tree, problems))
}

/// Reads a UTF-8 file; a missing file is `None`; undecodable bytes are a content error.
pub fn read_text(root: &Path, path: &Path) -> Result<Option<SourceFile>, Diagnostic> {
    let relative = display_path(path.strip_prefix(root).unwrap_or(path));
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::error(&relative, 0, format!("cannot read: {e}"))),
    };
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(SourceFile {
            path: relative,
            text: text.replace("\r\n", "\n"),
        })),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let column =
                valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
            Err(
                Diagnostic::error(&relative, line, "the file is not valid UTF-8")
                    .at_column(column)
                    .with_hint(
                        "save it as UTF-8 in your editor (it may be Latin-1 or Windows-1252)",
                    ),
            )
        }
    }
}
