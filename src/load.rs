//! Load: the site root → a [`SourceTree`] (`site.yaml`'s text, each Markdown source as a
//! [`SourceFile`], data files, [`Asset`]s to publish) and its problems. It reads; it knows
//! nothing of front matter, pages, the site, templates or output.
//!
//! It is also the door for files: symbolic links are refused (never followed), two files
//! whose paths differ only in case are an error, Markdown and data files have a size limit,
//! and a file that is not Markdown is published only from a page bundle (beside its
//! `index.md`) or from `static/`, and only if it is of a passive type ([`PASSIVE_TYPES`]);
//! SVG pictures are published sanitised ([`sanitize::clean_svg`]).

use crate::diagnostic::{Diagnostic, EnvError, display_path};
use crate::paths;
use crate::sanitize;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// The largest Markdown, YAML or SVG file read, in bytes: a long guide chapter is a tenth
/// of it; past it, parsing would cost memory out of proportion.
pub const MAX_TEXT_FILE: u64 = 2 * 1024 * 1024;

/// Extensions of files published as they are: pictures, documents, sound and video, which a
/// browser shows or downloads but never runs. (`svg` is published sanitised.)
pub const PASSIVE_TYPES: [&str; 31] = [
    "jpg", "jpeg", "png", "gif", "webp", "avif", "ico", "svg", "pdf", "txt", "csv", "doc", "docx",
    "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "epub", "mp3", "ogg", "oga", "opus", "wav",
    "m4a", "mp4", "webm", "ogv", "vtt",
];

/// A text file of the site, with its path relative to the root (`content/practices/x.md`).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A file published as it is (or sanitised): a page bundle's picture or document, or a
/// site-wide file of `static/`.
#[derive(Debug, Clone)]
pub struct Asset {
    /// For a bundle file, relative to `content/` (`practices/sandwatch/beach.jpg`); for a
    /// site-wide file, relative to `static/` (`favicon.ico`), which is also its output path.
    pub content_path: String,
    /// The file on disk, for messages and copying.
    pub absolute: PathBuf,
    /// The bytes to publish when they are not the file's own (a sanitised SVG).
    pub cleaned: Option<Arc<Vec<u8>>>,
    /// A file of `static/`, rather than of a page bundle.
    pub site_wide: bool,
}

impl Asset {
    /// Where it came from, relative to the root: `content/…` or `static/…`.
    pub fn source(&self) -> String {
        let folder = if self.site_wide { "static" } else { "content" };
        format!("{folder}/{}", self.content_path)
    }
}

#[derive(Debug, Default)]
pub struct SourceTree {
    pub config: Option<SourceFile>,
    pub markdown: Vec<SourceFile>,
    pub data: Vec<SourceFile>,
    /// Files of page bundles, then those of `static/`.
    pub assets: Vec<Asset>,
}

/// The site at `root`: its `site.yaml`, `content/` and `static/`.
pub fn load(root: &Path) -> Result<(SourceTree, Vec<Diagnostic>), EnvError> {
    load_tree(root, "")
}

/// The site whose root is `prefix` (`global/`, or empty for the site itself) under `root`,
/// with every path relative to `root` (`global/content/practices/x.md`): a mirror's upstream
/// is read with this, so its problems name the file in the tree it came from. An upstream's
/// `static/` is not read: site-wide files are the mirror's own.
pub fn load_tree(root: &Path, prefix: &str) -> Result<(SourceTree, Vec<Diagnostic>), EnvError> {
    let mut tree = SourceTree::default();
    let mut problems = Vec::new();
    if let Some(link) = paths::first_link(root, Path::new(prefix.trim_end_matches('/'))) {
        // An upstream reached through a link: nothing of it is read.
        let shown = display_path(link.strip_prefix(root).unwrap_or(&link));
        problems.push(symlink_problem(&shown));
        return Ok((tree, problems));
    }
    let site_root = root.join(prefix);
    let config_path = site_root.join("site.yaml");
    let config_shown = format!("{prefix}site.yaml");
    if is_symlink(&config_path) {
        problems.push(symlink_problem(&config_shown));
    } else {
        match read_text(root, &config_path) {
            Ok(Some(file)) => tree.config = Some(file),
            Ok(None) => problems.push(
                Diagnostic::error(&config_shown, 0, "no site.yaml at the site root")
                    .with_hint("run the command in the site's folder, or pass --root DIR"),
            ),
            Err(d) => problems.push(d),
        }
    }
    let content = site_root.join("content");
    if !content.is_dir() || is_symlink(&content) {
        return Err(EnvError::new(
            content,
            "no content/ folder here (a symbolic link is not followed); pass --root DIR",
        ));
    }
    let files = walk(root, &content, &mut problems)?;
    let content_shown = Path::new(prefix).join("content");
    let sorted = sort_content(&files, &content_shown, &mut problems);
    let (markdown_paths, data_paths, assets) = (sorted.markdown, sorted.data, sorted.assets);
    tree.assets = publishable(root, &content_shown, assets, false, &mut problems);
    if prefix.is_empty() {
        tree.assets.extend(site_wide_files(root, &mut problems)?);
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

/// The publishable files of `static/` under `root`.
fn site_wide_files(root: &Path, problems: &mut Vec<Diagnostic>) -> Result<Vec<Asset>, EnvError> {
    let static_dir = root.join("static");
    if is_symlink(&static_dir) {
        problems.push(symlink_problem("static"));
        return Ok(Vec::new());
    }
    if !static_dir.is_dir() {
        return Ok(Vec::new());
    }
    let statics = walk(root, &static_dir, problems)?;
    Ok(publishable(
        root,
        Path::new("static"),
        statics,
        true,
        problems,
    ))
}

/// The files under `content/`, by what the build does with them.
#[derive(Default)]
struct ContentFiles {
    markdown: Vec<PathBuf>,
    data: Vec<PathBuf>,
    /// Files of page bundles, as (path relative to `content/`, path on disk).
    assets: Vec<(PathBuf, PathBuf)>,
}

/// Sorts the files found under `content/`: Markdown, `_data/*.yaml`, and the files of page
/// bundles (folders with an `index.md`); anything else is a problem.
fn sort_content(
    files: &[(PathBuf, PathBuf)],
    content_shown: &Path,
    problems: &mut Vec<Diagnostic>,
) -> ContentFiles {
    let name_of = |relative: &Path| {
        relative
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let bundles: HashSet<&Path> = files
        .iter()
        .filter(|(relative, _)| {
            let name = name_of(relative);
            name == "index.md" || (name.starts_with("index.") && name.ends_with(".md"))
        })
        .filter_map(|(relative, _)| relative.parent())
        .filter(|dir| !dir.as_os_str().is_empty())
        .collect();
    let mut sorted = ContentFiles::default();
    for (relative, path) in files {
        let name = name_of(relative);
        let shown = display_path(&content_shown.join(relative));
        if relative.starts_with("_data") {
            if name.ends_with(".yaml") || name.ends_with(".yml") {
                sorted.data.push(path.clone());
            } else {
                problems.push(
                    Diagnostic::error(shown, 0, "content/_data/ holds only .yaml files")
                        .with_hint("move the file out of _data/: pictures and documents go in a page bundle or static/"),
                );
            }
        } else if name.ends_with(".md") {
            sorted.markdown.push(path.clone());
        } else if relative.parent().is_some_and(|dir| bundles.contains(dir)) {
            sorted.assets.push((relative.clone(), path.clone()));
        } else {
            problems.push(
                Diagnostic::error(shown, 0, "this file is not in a page bundle, so it is not published")
                    .with_hint("put pictures and documents beside the page that shows them, in a folder with its index.md (practices/name/index.md), or site-wide files in static/ at the root"),
            );
        }
    }
    sorted
}

/// An SVG file's bytes, cleaned of anything active; the problem (if any) otherwise.
fn cleaned_svg(
    root: &Path,
    absolute: &Path,
    shown: &str,
) -> Result<Arc<Vec<u8>>, Option<Diagnostic>> {
    let file = read_text(root, absolute).map_err(Some)?.ok_or(None)?;
    match sanitize::clean_svg(&file.text) {
        Some(svg) => Ok(Arc::new(svg.into_bytes())),
        None => Err(Some(
            Diagnostic::error(shown, 0, "this SVG file has no <svg> picture once cleaned")
                .with_hint("export it again as plain SVG, or as PNG"),
        )),
    }
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn symlink_problem(relative: &str) -> Diagnostic {
    Diagnostic::error(relative, 0, "symbolic links are not followed")
        .with_hint("replace the link with the file or folder itself")
}

/// The files under `folder` as (path relative to it, path on disk), in name order. Hidden
/// files and folders (`.git`, `.DS_Store`) are skipped; symbolic links and two paths that
/// differ only in case are problems.
fn walk(
    root: &Path,
    folder: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Result<Vec<(PathBuf, PathBuf)>, EnvError> {
    let mut files = Vec::new();
    let mut folded: HashMap<String, PathBuf> = HashMap::new();
    let visible = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0 || !name.starts_with('.') || name == ".well-known"
    };
    for entry in WalkDir::new(folder)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(visible)
    {
        let entry = entry.map_err(|e| {
            EnvError::caused_by(
                e.path()
                    .map(Path::to_path_buf)
                    .unwrap_or(folder.to_path_buf()),
                e.to_string(),
                e,
            )
        })?;
        let path = entry.path();
        let shown = display_path(path.strip_prefix(root).unwrap_or(path));
        if entry.path_is_symlink() {
            problems.push(symlink_problem(&shown));
            continue;
        }
        let relative = path.strip_prefix(folder).unwrap_or(path).to_path_buf();
        if entry.depth() > 0 {
            let key = paths::folded(&display_path(&relative));
            if let Some(other) = folded.insert(key, path.to_path_buf()) {
                let other = display_path(other.strip_prefix(root).unwrap_or(&other));
                problems.push(
                    Diagnostic::error(&shown, 0, format!("`{shown}` and `{other}` differ only in case"))
                        .with_hint("case-insensitive disks and hosts (Windows, macOS) see one file: rename one of them"),
                );
                continue;
            }
        }
        if entry.file_type().is_file() {
            files.push((relative, path.to_path_buf()));
        }
    }
    Ok(files)
}

/// Of the files found under `folder` (`content` or `static`), those that may be published:
/// safe paths of passive types, SVG sanitised.
fn publishable(
    root: &Path,
    folder: &Path,
    files: Vec<(PathBuf, PathBuf)>,
    site_wide: bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Asset> {
    let mut assets = Vec::new();
    for (relative, absolute) in files {
        let content_path = display_path(&relative);
        let shown = display_path(&folder.join(&relative));
        // `.well-known/` is the one hidden folder a site may publish (RFC 8615).
        let checked = match content_path.strip_prefix(".well-known/") {
            Some(rest) if site_wide => paths::relative(rest),
            _ => paths::relative(&content_path),
        };
        if let Err(why) = checked {
            problems.push(
                Diagnostic::error(
                    &shown,
                    0,
                    format!("this file name cannot be published: {why}"),
                )
                .with_hint(why.hint()),
            );
            continue;
        }
        let extension = relative
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let site_file = site_wide
            && (content_path == "CNAME"
                || (content_path.starts_with(".well-known/")
                    && matches!(extension.as_str(), "" | "txt" | "json")));
        if !site_file && !PASSIVE_TYPES.contains(&extension.as_str()) {
            problems.push(
                Diagnostic::error(
                    &shown,
                    0,
                    format!("files of type `.{extension}` are not published"),
                )
                .with_hint(format!(
                    "only passive files are: {}{}",
                    PASSIVE_TYPES.join(", "),
                    if site_wide {
                        ", CNAME and .well-known/ text or JSON"
                    } else {
                        ""
                    }
                )),
            );
            continue;
        }
        let cleaned = if extension == "svg" {
            match cleaned_svg(root, &absolute, &shown) {
                Ok(svg) => Some(svg),
                Err(problem) => {
                    problems.extend(problem);
                    continue;
                }
            }
        } else {
            None
        };
        assets.push(Asset {
            content_path,
            absolute,
            cleaned,
            site_wide,
        });
    }
    assets
}

/// Reads a UTF-8 file; a missing file is `None`; undecodable bytes are a content error.
pub fn read_text(root: &Path, path: &Path) -> Result<Option<SourceFile>, Diagnostic> {
    let relative = display_path(path.strip_prefix(root).unwrap_or(path));
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() > MAX_TEXT_FILE
    {
        return Err(Diagnostic::error(
            &relative,
            0,
            format!(
                "the file is {} KiB; text files may be at most {} KiB",
                meta.len() / 1024,
                MAX_TEXT_FILE / 1024
            ),
        )
        .with_hint(
            "split it into several pages (a guide's chapters), or move pictures out of it",
        ));
    }
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
