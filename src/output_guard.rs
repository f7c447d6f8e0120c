//! Owns the rule that the output folder is the tool's alone, and the tool's working folder
//! `.aspnet-kb/` under the root: what a build may replace, decided before anything is
//! written.
//!
//! A build replaces its output folder whole, so the folder must hold nothing of the user's.
//! [`claim_output`] refuses an output that is the site root, contains it, lies inside one of the
//! root's own folders (`content/`, `themes/`, `static/`, `.git/`, `.aspnet-kb/`) or contains
//! one of them, is a symbolic link, or is an existing non-empty folder the tool did not make.
//! Paths are compared canonicalised (symbolic links resolved): an output that does not exist
//! yet is its nearest existing ancestor, canonicalised, with the rest appended.
//!
//! The tool marks every output it writes with [`MARKER`], a one-line file at the output's top
//! level. An existing non-empty folder without the marker is adopted (replaced, then marked) only
//! if it looks like an output an earlier version wrote: it holds `sitemap.xml`, `robots.txt` and
//! `404.html` as files at its top level ([`LEGACY_OUTPUT_FILES`]). Anything else is refused.

use crate::diagnostic::EnvError;
use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as an output of this tool, at the folder's top level.
pub const MARKER: &str = ".aspnet-kb-output";

/// What the marker file says to whoever opens it.
pub const MARKER_TEXT: &str = "# Written by `aspnet-kb build`: this folder is the tool's output and the next build replaces it whole; keep nothing of yours here.\n";

/// The top-level files that make an unmarked folder an output of an earlier version, which
/// the build adopts once (it is replaced by a marked output).
pub const LEGACY_OUTPUT_FILES: [&str; 3] = ["sitemap.xml", "robots.txt", "404.html"];

/// The root's folders an output may neither be inside nor contain.
const PROTECTED: [&str; 5] = ["content", "themes", "static", ".git", ".aspnet-kb"];

/// The tool's working folder under the root (the tantivy index lives in its `index/`).
pub const WORK_DIR: &str = ".aspnet-kb";

/// An output folder that passed [`claim_output`]: its absolute, resolved path.
#[derive(Debug, Clone)]
pub struct ClaimedOutput {
    pub path: PathBuf,
}

/// Checks that `output` may be replaced by a build of the site at `root`, and returns its
/// resolved path (the one to write to). `label` names the output in messages, e.g.
/// `--output content`.
pub fn claim_output(root: &Path, output: &Path, label: &str) -> Result<ClaimedOutput, EnvError> {
    let refuse = |message: String, hint: &str| EnvError {
        path: PathBuf::from(label),
        message: format!("{message}\n  hint: {hint}"),
    };
    let root = fs::canonicalize(root).map_err(|e| EnvError {
        path: root.to_path_buf(),
        message: format!("cannot read the site root: {e}"),
    })?;
    // `public/` and `public` are one folder (a trailing slash would follow a link).
    let output: PathBuf = output.components().collect();
    let output = output.as_path();
    let pick =
        "give --output a new or empty folder outside the site's sources, e.g. --output public";
    match fs::symlink_metadata(output) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refuse(
                "the output folder may not be a symbolic link (the build replaces the folder, not what it points to)".into(),
                "give --output the real folder's path",
            ));
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(refuse("the output exists and is not a folder".into(), pick));
        }
        _ => {}
    }
    let resolved = resolve(output).map_err(|message| refuse(message, pick))?;
    if resolved == root {
        return Err(refuse(
            "the output folder may not be the site root (the build would replace your sources)"
                .into(),
            pick,
        ));
    }
    if root.starts_with(&resolved) {
        return Err(refuse(
            "the output folder may not contain the site root (the build would replace your sources)"
                .into(),
            pick,
        ));
    }
    for name in PROTECTED {
        let lexical = root.join(name);
        let canonical = fs::canonicalize(&lexical).ok();
        for protected in std::iter::once(&lexical).chain(canonical.as_ref()) {
            if resolved.starts_with(protected) {
                let place = if resolved == *protected {
                    format!("be the site's {name}/")
                } else {
                    format!("be inside {name}/")
                };
                return Err(refuse(
                    format!(
                        "the output folder may not {place} (the build would replace what is there)"
                    ),
                    pick,
                ));
            }
            if protected.starts_with(&resolved) {
                return Err(refuse(
                    format!(
                        "the output folder may not contain the site's {name}/ (the build would replace it)"
                    ),
                    pick,
                ));
            }
        }
    }
    match fs::read_dir(&resolved) {
        Ok(mut entries) => {
            if entries.next().is_some() && !is_tool_output(&resolved) {
                return Err(refuse(
                    format!(
                        "the output folder is not empty and was not written by aspnet-kb (it has neither the {MARKER} file the tool writes nor the {} of an earlier version's output)",
                        LEGACY_OUTPUT_FILES.join(", ")
                    ),
                    "the build replaces the output folder whole: give --output a new or empty folder, or move this one's files away first",
                ));
            }
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(refuse(format!("cannot read the output folder: {e}"), pick)),
    }
    Ok(ClaimedOutput { path: resolved })
}

/// Whether `dir` is an output the tool wrote: it has the marker, or it is an earlier version's
/// output (the legacy files at its top level).
pub fn is_tool_output(dir: &Path) -> bool {
    is_file(&dir.join(MARKER))
        || LEGACY_OUTPUT_FILES
            .iter()
            .all(|name| is_file(&dir.join(name)))
}

/// A regular file, not a symbolic link.
fn is_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// The absolute path `path` stands for, symbolic links resolved: the nearest existing ancestor
/// canonicalised, the rest appended (`.` dropped, `..` taking off the last component).
fn resolve(path: &Path) -> Result<PathBuf, String> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot read the current folder: {e}"))?
            .join(path)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        match fs::canonicalize(existing) {
            Ok(canonical) => break canonical,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if fs::symlink_metadata(existing).is_ok() {
                    return Err(format!(
                        "{} is a symbolic link to nothing",
                        existing.display()
                    ));
                }
                let (Some(parent), Some(last)) =
                    (existing.parent(), existing.components().next_back())
                else {
                    return Err("no part of the output path exists".into());
                };
                rest.push(last);
                existing = parent;
            }
            Err(e) => return Err(format!("cannot resolve {}: {e}", existing.display())),
        }
    };
    let mut resolved = base;
    for component in rest.into_iter().rev() {
        match component {
            Component::Normal(name) => resolved.push(name),
            Component::ParentDir => {
                resolved.pop();
            }
            _ => {}
        }
    }
    Ok(resolved)
}

/// Checks the tool's working folder under `root` (`.aspnet-kb/`) and its `index/`: neither may
/// be a symbolic link or anything but a folder, so the search index and its staging stay
/// inside the root.
pub fn check_work_dir(root: &Path) -> Result<(), EnvError> {
    let work = root.join(WORK_DIR);
    for path in [work.clone(), work.join("index")] {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(EnvError {
                    path,
                    message: format!(
                        "the tool's working folder may not be a symbolic link (the search index must stay inside the site root)\n  hint: remove the link; the build makes {WORK_DIR}/ itself"
                    ),
                });
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(EnvError {
                    path,
                    message: format!(
                        "the tool's working folder is not a folder\n  hint: remove it; the build makes {WORK_DIR}/ itself"
                    ),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                return Err(EnvError {
                    message: format!("cannot read the tool's working folder: {e}"),
                    path,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_appends_what_does_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(resolve(&base.join("a/b")).unwrap(), base.join("a/b"));
        assert_eq!(resolve(&base.join("a/../c")).unwrap(), base.join("c"));
        assert_eq!(resolve(&base.join("a/./b/..")).unwrap(), base.join("a"));
    }
}
