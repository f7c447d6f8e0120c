//! Owns the rule that the output folder is the tool's alone, and the tool's working folder
//! `.aspnet-kb/` under the root: what a build may replace, decided before anything is
//! written.
//!
//! A build replaces its output folder whole, so the folder must hold nothing of the user's.
//! [`claim_output`] refuses an output that is the site root, contains it, lies inside one of the
//! root's own folders (`content/`, `themes/`, `static/`, `.git/`, `.aspnet-kb/`, a mirror's
//! upstream) or contains one of them, is a symbolic link, or is an existing non-empty folder the tool did not make.
//! Paths are compared canonicalised (symbolic links resolved): an output that does not exist
//! yet is its nearest existing ancestor, canonicalised, with the rest appended.
//!
//! The tool marks every output it writes with [`MARKER`], a one-line file at the output's top
//! level. An existing non-empty folder without the marker is adopted (replaced, then marked) only
//! if it looks like an output an earlier version wrote ([`legacy_output_problem`]): it holds
//! `sitemap.xml`, `robots.txt` and `404.html` as files at its top level
//! ([`LEGACY_OUTPUT_FILES`]), and nothing at its top level that an earlier version did not
//! write. Anything else is refused, naming the first entry that is not an output's.
//!
//! The build also owns `.NAME.new` and `.NAME.old` beside the output `NAME` (its staging and
//! swap folders, [`staging_siblings`]), but only when they carry the marker at their top
//! ([`is_marked_folder`]): the tool marks every staging folder it makes. Anything else at those
//! names is the user's, and [`check_staging_siblings`] refuses the build rather than delete or
//! restore it.
//!
//! One build of a root at a time: [`lock_root`] holds `.aspnet-kb/lock` for the run, so that
//! a second build of the same root waits rather than share the search index's staging folder;
//! and one build into an output at a time: [`lock_output`] holds the output's parent folder,
//! so that builds of two roots into one output wait rather than share its staging folders.

use crate::diagnostic::EnvError;
use crate::paths;
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

/// The top-level files an earlier version wrote; with [`LEGACY_OUTPUT_FILES`], its `static/`
/// folder, language folders and alias folders, all an unmarked folder may hold to be adopted.
const LEGACY_TOP_FILES: [&str; 4] = ["index.html", "404.html", "robots.txt", "sitemap.xml"];

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
    let refuse = |refusal: Refusal| {
        EnvError::new(PathBuf::from(label), refusal.message).with_hint(refusal.hint)
    };
    let root = fs::canonicalize(root).map_err(|e| {
        EnvError::new(
            root.to_path_buf(),
            format!("cannot read the site root: {e}"),
        )
    })?;
    // `public/` and `public` are one folder (a trailing slash would follow a link).
    let output: PathBuf = output.components().collect();
    check_output_kind(&output).map_err(refuse)?;
    let resolved = resolve(&output).map_err(|message| refuse(Refusal::pick(message)))?;
    check_output_place(&root, &resolved).map_err(refuse)?;
    check_output_contents(&resolved).map_err(refuse)?;
    // The staging folders beside the output are deleted or renamed into place by the build:
    // they must be the tool's too (checked before anything is touched).
    check_staging_siblings(&resolved)?;
    Ok(ClaimedOutput { path: resolved })
}

/// Why [`claim_output`] refuses an output, and what to do instead.
struct Refusal {
    message: String,
    hint: &'static str,
}

impl Refusal {
    /// A refusal whose remedy is to pick another folder.
    fn pick(message: String) -> Refusal {
        Refusal {
            message,
            hint: "give --output a new or empty folder outside the site's sources, e.g. --output public",
        }
    }
}

/// The output, if it exists, must be a folder and not a symbolic link.
fn check_output_kind(output: &Path) -> Result<(), Refusal> {
    match fs::symlink_metadata(output) {
        Ok(meta) if meta.file_type().is_symlink() => Err(Refusal {
            message: "the output folder may not be a symbolic link (the build replaces the folder, not what it points to)".into(),
            hint: "give --output the real folder's path",
        }),
        Ok(meta) if !meta.is_dir() => Err(Refusal::pick(
            "the output exists and is not a folder".into(),
        )),
        _ => Ok(()),
    }
}

/// The resolved output may neither be, contain nor lie inside the site root or one of its
/// [`PROTECTED`] folders, nor a mirror's upstream (compared as written and canonicalised).
fn check_output_place(root: &Path, resolved: &Path) -> Result<(), Refusal> {
    if resolved == root {
        return Err(Refusal::pick(
            "the output folder may not be the site root (the build would replace your sources)"
                .into(),
        ));
    }
    if root.starts_with(resolved) {
        return Err(Refusal::pick(
            "the output folder may not contain the site root (the build would replace your sources)"
                .into(),
        ));
    }
    let upstream = crate::config::Config::read(root).and_then(|c| c.upstream);
    for name in PROTECTED.iter().copied().chain(upstream.as_deref()) {
        let lexical = root.join(name);
        let canonical = fs::canonicalize(&lexical).ok();
        for protected in std::iter::once(&lexical).chain(canonical.as_ref()) {
            if resolved.starts_with(protected) {
                let place = if resolved == *protected {
                    format!("be the site's {name}/")
                } else {
                    format!("be inside {name}/")
                };
                return Err(Refusal::pick(format!(
                    "the output folder may not {place} (the build would replace what is there)"
                )));
            }
            if protected.starts_with(resolved) {
                return Err(Refusal::pick(format!(
                    "the output folder may not contain the site's {name}/ (the build would replace it)"
                )));
            }
        }
    }
    Ok(())
}

/// An existing output must be empty, marked with [`MARKER`], or an earlier version's output
/// ([`legacy_output_problem`]).
fn check_output_contents(resolved: &Path) -> Result<(), Refusal> {
    match fs::read_dir(resolved) {
        Ok(mut entries) => {
            if entries.next().is_some()
                && !is_file(&resolved.join(MARKER))
                && let Some(problem) = legacy_output_problem(resolved)
            {
                return Err(Refusal {
                    message: format!(
                        "the output folder is not empty and was not written by aspnet-kb: it has no {MARKER} file (the tool marks every output it writes), and it is not an earlier version's output: {problem}"
                    ),
                    hint: "the build replaces the output folder whole: give --output a new or empty folder, or move this one's files away first",
                });
            }
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Refusal::pick(format!("cannot read the output folder: {e}"))),
    }
}

/// Whether `path` is a folder (not a symbolic link) with the [`MARKER`] file (a regular file)
/// at its top: a folder the tool made.
pub fn is_marked_folder(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) && is_file(&path.join(MARKER))
}

/// Writes the [`MARKER`] at the top of `folder`, which has none: as a new file, so that
/// nothing already at its name (a symbolic link the content planted, say) is followed or
/// overwritten; such a thing is refused.
pub fn write_marker(folder: &Path) -> Result<(), EnvError> {
    let marker = folder.join(MARKER);
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&marker)
        .and_then(|mut file| std::io::Write::write_all(&mut file, MARKER_TEXT.as_bytes()));
    written.map_err(|e| match e.kind() {
        ErrorKind::AlreadyExists => not_a_marker(marker.clone()),
        _ => EnvError::io(&marker, e),
    })
}

/// Refuses what is at the [`MARKER`]'s name at the top of `folder` when it is not a file (a
/// symbolic link, a folder): the build would have to write the marker there.
fn check_marker(folder: &Path) -> Result<(), EnvError> {
    let marker = folder.join(MARKER);
    match fs::symlink_metadata(&marker) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(not_a_marker(marker)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(EnvError::io(&marker, e)),
    }
}

/// The refusal of something at the marker's name that the tool did not write.
fn not_a_marker(marker: PathBuf) -> EnvError {
    let hint = format!("remove {}, then build again", marker.display());
    EnvError::new(
        marker,
        format!("{MARKER} is not the tool's marker (a symbolic link or a folder): the build writes this file itself; nothing was touched"),
    )
    .with_hint(hint)
}

/// Why the unmarked folder `dir` is not an output an earlier version wrote, or `None` when it
/// is one and may be adopted. It must hold [`LEGACY_OUTPUT_FILES`] at its top, and every
/// top-level entry must be something an earlier version wrote: one of `LEGACY_TOP_FILES`
/// (a regular file), the `static/` folder, a language folder (a folder named by a lower-case BCP 47
/// code, holding an `index.html` or a `sitemap.xml`), or an alias folder (a folder holding
/// nothing but `index.html` files, at any depth, and at least one). Entries are looked at in
/// name order, so the first unexpected one named is always the same.
pub fn legacy_output_problem(dir: &Path) -> Option<String> {
    let missing: Vec<&str> = LEGACY_OUTPUT_FILES
        .iter()
        .copied()
        .filter(|name| !is_file(&dir.join(name)))
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "an earlier version's output has {} at its top, and this folder lacks {}",
            LEGACY_OUTPUT_FILES.join(", "),
            missing.join(", ")
        ));
    }
    let mut names = match fs::read_dir(dir) {
        Ok(entries) => match entries
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(names) => names,
            Err(e) => return Some(format!("cannot read the folder: {e}")),
        },
        Err(e) => return Some(format!("cannot read the folder: {e}")),
    };
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            return Some(format!("cannot read {:?}", name.to_string_lossy()));
        };
        let text = name.to_string_lossy();
        let expected = if meta.is_file() {
            LEGACY_TOP_FILES.contains(&text.as_ref())
        } else if meta.is_dir() {
            text == "static"
                || (paths::language_code(&text).as_deref() == Ok(text.as_ref())
                    && (is_file(&path.join("index.html")) || is_file(&path.join("sitemap.xml"))))
                || holds_only_index_files(&path) == Some(true)
        } else {
            false
        };
        if !expected {
            let kind = if meta.file_type().is_symlink() {
                "symbolic link"
            } else if meta.is_dir() {
                "folder"
            } else {
                "file"
            };
            return Some(format!(
                "its {kind} {text:?} is none of what an earlier version wrote there (index.html, 404.html, robots.txt, sitemap.xml, static/, language folders with an index.html or sitemap.xml, alias folders holding only index.html files)"
            ));
        }
    }
    None
}

/// Whether the folder `dir` holds nothing but folders and `index.html` files (regular files),
/// at any depth, and at least one such file: an earlier version's alias redirects. `None`
/// when it cannot be read (then it is not adopted).
fn holds_only_index_files(dir: &Path) -> Option<bool> {
    let mut found = false;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).ok()? {
            let entry = entry.ok()?;
            let path = entry.path();
            let meta = fs::symlink_metadata(&path).ok()?;
            if meta.is_dir() {
                pending.push(path);
            } else if meta.is_file() && entry.file_name() == "index.html" {
                found = true;
            } else {
                return Some(false);
            }
        }
    }
    Some(found)
}

/// The folder that holds `output` (`.` for a bare name).
fn output_parent(output: &Path) -> &Path {
    output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The staging folder (`.NAME.new`) and the swap folder (`.NAME.old`) beside `output`.
pub fn staging_siblings(output: &Path) -> (PathBuf, PathBuf) {
    let parent = output_parent(output);
    let name = output
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().to_string());
    (
        parent.join(format!(".{name}.new")),
        parent.join(format!(".{name}.old")),
    )
}

/// Refuses when `.NAME.new` or `.NAME.old` beside `output` exists and is not a folder the tool
/// made (a folder with the [`MARKER`] at its top): the build would delete it, or rename it into
/// the output and then replace it. Nothing is touched.
pub fn check_staging_siblings(output: &Path) -> Result<(), EnvError> {
    let (staging, previous) = staging_siblings(output);
    for sibling in [staging, previous] {
        match fs::symlink_metadata(&sibling) {
            Ok(_) if is_marked_folder(&sibling) => {}
            Ok(_) => {
                return Err(not_the_tools(&sibling, output));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                return Err(EnvError::new(
                    sibling,
                    format!("cannot read the tool's staging folder: {e}"),
                ));
            }
        }
    }
    Ok(())
}

/// The refusal for something at a staging name beside `output` that the tool did not make.
pub fn not_the_tools(sibling: &Path, output: &Path) -> EnvError {
    let name = |path: &Path| {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().to_string(),
        )
    };
    let (sibling_name, output_name) = (name(sibling), name(output));
    EnvError::new(sibling.to_path_buf(), format!(
            "{sibling_name} beside the output is not the tool's: move it away (the build stages and swaps {output_name} through .{output_name}.new and .{output_name}.old and deletes or puts back what is there, but this is not a folder with the {MARKER} file the tool writes at its top; nothing was touched)"
        ))
    .with_hint(format!("move or rename {sibling_name}, then build again"))
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
/// inside the root; and the index's marker may only be a file.
pub fn check_work_dir(root: &Path) -> Result<(), EnvError> {
    let work = root.join(WORK_DIR);
    for path in [work.clone(), work.join("index")] {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(EnvError::new(
                    path,
                    "the tool's working folder may not be a symbolic link (the search index must stay inside the site root)",
                )
                .with_hint(format!("remove the link; the build makes {WORK_DIR}/ itself")));
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(
                    EnvError::new(path, "the tool's working folder is not a folder")
                        .with_hint(format!("remove it; the build makes {WORK_DIR}/ itself")),
                );
            }
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                return Err(EnvError::caused_by(
                    path,
                    format!("cannot read the tool's working folder: {e}"),
                    e,
                ));
            }
        }
    }
    // The search index is swapped like the output: its marker is written at the swap.
    check_marker(&work.join("index"))
}

/// A build's hold on a lock, released when dropped (or when the process ends, however it ends:
/// the system's advisory lock, so that none is ever left stale).
pub struct Held {
    file: fs::File,
    /// Folders made to hold the output, deepest first (the first is the locked folder):
    /// removed when the lock is released if the build left them empty (it wrote nothing).
    made: Vec<PathBuf>,
}

impl Drop for Held {
    fn drop(&mut self) {
        // Before the lock is released (the file closes after this): a build waiting on the
        // removed folder sees it is gone and makes and locks it anew. A folder above it is
        // removed only while no build holds it (another output's folder, not written yet).
        for (depth, folder) in self.made.iter().enumerate() {
            let free = depth == 0 || lock_if_free(folder).is_some();
            if !free || fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
}

/// The lock of `folder`, if no one holds it.
fn lock_if_free(folder: &Path) -> Option<fs::File> {
    let file = open_folder(folder).ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// `folder` opened to be locked.
fn open_folder(folder: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_DIRECTORY);
    options.open(folder)
}

/// Takes the lock of `root`'s working folder (making the folder if need be), waiting, with a
/// line on standard error, while another build holds it. Call after [`check_work_dir`].
pub fn lock_root(root: &Path) -> Result<Held, EnvError> {
    let work = root.join(WORK_DIR);
    fs::create_dir_all(&work).map_err(|e| EnvError::io(&work, e))?;
    let path = work.join("lock");
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    // Never through a link the content may have planted: opening creates the file.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let file = options.open(&path).map_err(|e| {
        EnvError::caused_by(&path, format!("cannot open the build's lock: {e}"), e).with_hint(
            format!(
                "remove {WORK_DIR}/lock if it is a link or a folder; the build makes it itself"
            ),
        )
    })?;
    let waiting = "waiting for another build of this site to end…";
    hold(file, &path, waiting, Vec::new())
}

/// Takes the lock of the folder that holds the (resolved) `output` and its staging siblings
/// (making it if need be), waiting, with a line on standard error, while another build holds
/// it: builds of two roots into one output would otherwise share `.NAME.new`. The lock is the
/// folder's own (nothing is written beside the output for it); folders made for it are
/// removed again if the build writes nothing. On systems other than Unix no lock is taken.
pub fn lock_output(output: &Path) -> Result<Option<Held>, EnvError> {
    let parent = output_parent(output);
    #[cfg(unix)]
    loop {
        let made: Vec<PathBuf> = (parent.ancestors())
            .take_while(|folder| !folder.as_os_str().is_empty() && !folder.is_dir())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(parent).map_err(|e| EnvError::io(parent, e))?;
        let file = open_folder(parent).map_err(|e| {
            EnvError::caused_by(parent, format!("cannot open the output's folder: {e}"), e)
                .with_hint(
                    "the build locks the folder that holds the output and so must be able to read it: make it readable, or give --output another folder",
                )
        })?;
        let waiting = format!(
            "waiting for another build writing into {} to end…",
            parent.display()
        );
        let mut held = hold(file, parent, &waiting, made)?;
        // The build waited for may have removed the folder it made (it wrote nothing): the
        // lock is then a removed folder's, and taken again on the folder made anew (which
        // this build did not make: it removes nothing as it lets go).
        if still_names(parent, &held.file) {
            return Ok(Some(held));
        }
        held.made.clear();
    }
    #[cfg(not(unix))]
    Ok(None)
}

/// Whether `path` is still the folder `file` was opened on.
#[cfg(unix)]
fn still_names(path: &Path, file: &fs::File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(path), file.metadata()) {
        (Ok(now), Ok(locked)) => (now.dev(), now.ino()) == (locked.dev(), locked.ino()),
        _ => false,
    }
}

/// Locks `file` (the lock at `path`), saying `waiting` on standard error if another build
/// holds it first; `made`, folders to remove with the lock if they are empty.
fn hold(file: fs::File, path: &Path, waiting: &str, made: Vec<PathBuf>) -> Result<Held, EnvError> {
    let locked = |result: Result<(), std::io::Error>| {
        result.map_err(|e| {
            EnvError::caused_by(path, format!("cannot lock the site for the build: {e}"), e)
        })
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("{waiting}");
            locked(file.lock())?;
        }
        Err(fs::TryLockError::Error(e)) => locked(Err(e))?,
    }
    Ok(Held { file, made })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_build_that_wrote_nothing_removes_the_empty_folders_it_made_that_no_build_holds() {
        let dir = tempfile::tempdir().unwrap();
        let (new, sub) = (dir.path().join("new"), dir.path().join("new/sub"));
        let made = |folders: &[&PathBuf]| {
            fs::create_dir_all(&sub).unwrap();
            let file = open_folder(&sub).unwrap();
            file.lock().unwrap();
            let made = folders.iter().map(|f| f.to_path_buf()).collect();
            Held { file, made }
        };
        // Another build holds `new`, the folder of its own output, not written yet.
        fs::create_dir_all(&new).unwrap();
        let other = open_folder(&new).unwrap();
        other.lock().unwrap();
        drop(made(&[&sub, &new]));
        assert!(!sub.exists());
        assert!(new.is_dir(), "the other build's folder stays");
        drop(other);
        // No one holds it: both go; a folder not empty stays.
        drop(made(&[&sub, &new]));
        assert!(!new.exists());
        let held = made(&[&sub, &new]);
        fs::write(sub.join("page.html"), "written").unwrap();
        drop(held);
        assert!(sub.join("page.html").is_file());
    }

    #[test]
    fn resolve_appends_what_does_not_exist() {
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        assert_eq!(resolve(&base.join("a/b")).unwrap(), base.join("a/b"));
        assert_eq!(resolve(&base.join("a/../c")).unwrap(), base.join("c"));
        assert_eq!(resolve(&base.join("a/./b/..")).unwrap(), base.join("a"));
    }

    fn write(dir: &Path, path: &str) {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "x").unwrap();
    }

    /// An earlier version's output with its three files plus `extra`.
    fn legacy(extra: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for path in LEGACY_OUTPUT_FILES.iter().chain(extra) {
            write(dir.path(), path);
        }
        dir
    }

    #[test]
    fn an_earlier_output_holds_only_what_an_earlier_version_wrote() {
        let full = legacy(&[
            "index.html",
            "static/style.css",
            "static/fonts/a.woff2",
            "en/index.html",
            "en/practices/water/photo.jpg",
            "fr/sitemap.xml",
            "pt-br/index.html",
            "old-page/index.html",
            "blog/2019/post/index.html",
        ]);
        assert_eq!(legacy_output_problem(full.path()), None);
        for (extra, named) in [
            (&["src/thesis.docx"][..], "\"src\""),
            (&["a/index.html", "zz/x.txt"], "\"zz\""),
            (&["notes.txt"], "\"notes.txt\""),
            (
                &["my_stuff/index.html", "my_stuff/keep.txt"],
                "\"my_stuff\"",
            ),
            (&["x/sitemap.xml"], "\"x\""),
            (
                &["en/index.html", "a-very-long-code/sitemap.xml"],
                "\"a-very-long-code\"",
            ),
            (&["de/about.html"], "\"de\""),
            (&[".hidden"], "\".hidden\""),
        ] {
            let dir = legacy(extra);
            let problem = legacy_output_problem(dir.path()).expect(named);
            assert!(problem.contains(named), "{named}: {problem}");
        }
        let two = tempfile::tempdir().unwrap();
        write(two.path(), "sitemap.xml");
        write(two.path(), "robots.txt");
        assert!(
            legacy_output_problem(two.path())
                .unwrap()
                .contains("lacks 404.html")
        );
    }

    #[test]
    #[cfg(unix)]
    fn links_in_an_earlier_output_are_not_adopted() {
        let dir = legacy(&[]);
        std::os::unix::fs::symlink("/", dir.path().join("en")).unwrap();
        assert!(
            legacy_output_problem(dir.path())
                .unwrap()
                .contains("symbolic link \"en\"")
        );
        let dir = legacy(&["old_alias/index.html"]);
        std::os::unix::fs::symlink("/", dir.path().join("old_alias/deeper")).unwrap();
        assert!(legacy_output_problem(dir.path()).is_some());
    }
}
