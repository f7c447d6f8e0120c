//! Which changes to the site's files rebuild the preview. The watching and the grouping of an
//! editor's save (several events: truncate, write, close; or write a temporary file and
//! rename it into place) are `notify-debouncer-full`'s: it holds each event [`SAVE_PAUSE`],
//! merges those of a file and stitches a rename's two halves into one event. Here: which
//! events are changes (not reads, not metadata) to which files (`site.yaml`, and under
//! `content/`, `themes/` and `static/` anything but editors' swap, backup, temporary and
//! hidden files), and, in [`LastRead`], which changes a rebuild has already read. A leaf:
//! it imports nothing of `serve`.

use crate::diagnostic::EnvError;
use notify::event::ModifyKind;
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache, new_debouncer,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the debouncer holds an event, for the rest of its save to join it. An event waits
/// from [`SAVE_PAUSE`] to [`SAVE_PAUSE`] + [`TICK`] before its rebuild begins, which the
/// save -> reload latency adds up: measured with `bench/serve_compare.sh` (3 rounds, medians
/// in ms, body/title/tag/member/new), the hand-written grouping it replaced 49/54/89/51/393,
/// 5 + 2 ms 50/57/90/54/386 (within the rounds' spread), 5 + 5 ms 59/66/99/65/410, 10 + 5 ms
/// and 20 + 5 ms more again. A split save costs nothing (see [`LastRead`]).
const SAVE_PAUSE: Duration = Duration::from_millis(5);

/// How often the debouncer hands on the events held long enough; it wakes up this often even
/// when nothing changes (about 1.5% of a core while idle on the bench machine, 0.5% at 5 ms).
const TICK: Duration = Duration::from_millis(2);

/// A change to a watched file: its path, and when it was noticed.
#[derive(Debug)]
pub struct Change {
    pub path: PathBuf,
    pub noticed: Instant,
}

/// What a preview watches under the root: `site.yaml`, `content/`, `themes/`, `static/`,
/// and a mirror's upstream (its `site.yaml` and `content/`).
struct Watched {
    root: PathBuf,
    /// Folders watched recursively.
    folders: Vec<PathBuf>,
    /// Single files (their folder watched, not recursively).
    files: Vec<PathBuf>,
}

impl Watched {
    fn new(root: &Path, upstream: Option<&str>) -> Watched {
        let mut folders: Vec<PathBuf> = ["content", "themes", "static"]
            .iter()
            .map(|f| root.join(f))
            .collect();
        let mut files = vec![root.join("site.yaml")];
        if let Some(upstream) = upstream {
            folders.push(root.join(upstream).join("content"));
            files.push(root.join(upstream).join("site.yaml"));
        }
        Watched {
            root: root.to_path_buf(),
            folders,
            files,
        }
    }

    /// Whether a change to `path` matters: a relevant file in a watched folder, or a
    /// watched file.
    fn covers(&self, path: &Path) -> bool {
        relevant(path)
            && (self.folders.iter().any(|f| path.starts_with(f))
                || self.files.iter().any(|f| path == f))
    }
}

/// Watches `site.yaml` (the root, not recursively), whichever of `content/`, `themes/` and
/// `static/` exist, and a mirror's `upstream` folder's `site.yaml` and `content/`, handing
/// each batch of changes to `report` (never an empty one). Watching lasts as long as what is
/// returned; the watcher's own errors are printed as warnings.
pub fn watch(
    root: &Path,
    upstream: Option<&str>,
    mut report: impl FnMut(Vec<Change>) + Send + 'static,
) -> Result<Debouncer<RecommendedWatcher, RecommendedCache>, EnvError> {
    let watched = Watched::new(root, upstream);
    let places: Vec<(PathBuf, RecursiveMode)> = watched
        .folders
        .iter()
        .map(|f| (f.clone(), RecursiveMode::Recursive))
        .chain(
            watched
                .files
                .iter()
                .filter_map(|f| Some((f.parent()?.to_path_buf(), RecursiveMode::NonRecursive))),
        )
        .collect();
    let handle = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let changes = changes(&watched, events);
            if !changes.is_empty() {
                report(changes);
            }
        }
        Err(errors) => {
            for error in errors {
                eprintln!("warning: watching for changes: {error}");
            }
        }
    };
    let mut debouncer = new_debouncer(SAVE_PAUSE, Some(TICK), handle)
        .map_err(|e| EnvError::new(root.to_path_buf(), format!("cannot watch for changes: {e}")))?;
    for (path, mode) in places {
        if path.exists() {
            debouncer
                .watch(&path, mode)
                .map_err(|e| EnvError::new(path.clone(), format!("cannot watch: {e}")))?;
        }
    }
    Ok(debouncer)
}

/// The changes to watched files among `events`. When the system dropped events (a rescan),
/// the root itself changed: a full run.
fn changes(watched: &Watched, events: Vec<DebouncedEvent>) -> Vec<Change> {
    let root = &watched.root;
    let mut changes = Vec::new();
    for DebouncedEvent { event, time } in events {
        if event.need_rescan() {
            changes.push(Change {
                path: root.to_path_buf(),
                noticed: time,
            });
        }
        // Reading a file (the build itself does) is no change.
        let changed = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_)
        ) && !matches!(event.kind, EventKind::Modify(ModifyKind::Metadata(_)));
        if changed {
            let paths = event.paths.into_iter().filter(|p| watched.covers(p));
            changes.extend(paths.map(|path| Change {
                path,
                noticed: time,
            }));
        }
    }
    changes
}

/// Changes that matter: not editor backups, swap files or hidden files.
fn relevant(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp"))
}

/// When rebuilds began that read the site's files: a change noticed before a rebuild that
/// read its file began is on show already. The debouncer may hand on one save in two
/// batches (when its events straddle a tick); the second then rebuilds nothing.
#[derive(Default)]
pub struct LastRead {
    /// The beginning of the last full run, which read every file.
    all: Option<Instant>,
    /// The beginning of the last update that read each file, since that run.
    files: HashMap<PathBuf, Instant>,
}

impl LastRead {
    /// Records a run that began at `began` and read `paths`, or (`full`) every file.
    pub fn record(&mut self, began: Instant, paths: &[PathBuf], full: bool) {
        if full {
            self.all = Some(began);
            self.files.clear();
        } else {
            self.files
                .extend(paths.iter().map(|path| (path.clone(), began)));
        }
    }

    /// The paths of `changes` that no rebuild has read since they changed, sorted, each once.
    pub fn unread(&self, changes: Vec<Change>) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = changes
            .into_iter()
            .filter(|change| {
                let read = self.files.get(&change.path).max(self.all.as_ref());
                read.is_none_or(|read| *read <= change.noticed)
            })
            .map(|change| change.path)
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_files_and_files_outside_the_site_are_not_watched() {
        let root = Path::new("/site");
        let watched = Watched::new(root, Some("global"));
        for path in [
            "content/a.md",
            "themes/t/page.html",
            "static/x.css",
            "site.yaml",
            "global/content/practices/a.md",
            "global/site.yaml",
        ] {
            assert!(watched.covers(&root.join(path)), "{path}");
        }
        for path in [
            "content/.a.md.swp",
            "content/a.md~",
            "content/a.md.tmp",
            "content/.hidden.md",
            "public/index.html",
            "notes.txt",
            "global/README.md",
            "global/themes/t/page.html",
        ] {
            assert!(!watched.covers(&root.join(path)), "{path}");
        }
    }

    #[test]
    fn changes_read_by_a_rebuild_since_are_not_read_again() {
        let start = Instant::now();
        let at = |ms| start + Duration::from_millis(ms);
        let change = |path: &str, ms| Change {
            path: PathBuf::from(path),
            noticed: at(ms),
        };
        let mut last_read = LastRead::default();
        assert_eq!(
            last_read.unread(vec![change("b", 0), change("a", 1), change("b", 2)]),
            [PathBuf::from("a"), PathBuf::from("b")]
        );
        // An update of `a` began at 10: changes to `a` noticed before are read.
        last_read.record(at(10), &[PathBuf::from("a")], false);
        assert_eq!(
            last_read.unread(vec![change("a", 5), change("b", 5)]),
            [PathBuf::from("b")]
        );
        assert_eq!(
            last_read.unread(vec![change("a", 12)]),
            [PathBuf::from("a")]
        );
        // A full run at 20 read everything.
        last_read.record(at(20), &[], true);
        assert!(
            last_read
                .unread(vec![change("a", 15), change("c", 19)])
                .is_empty()
        );
        assert_eq!(
            last_read.unread(vec![change("c", 21)]),
            [PathBuf::from("c")]
        );
    }
}
