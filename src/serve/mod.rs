//! `aspnet-kb serve`: builds the site into memory, serves it (see [`http`]) and rebuilds when
//! `site.yaml`, `content/`, `static/` or the site's `themes/` change. Open pages reload by themselves; a
//! change with errors keeps the last good site on show, with the errors in an overlay and in
//! the terminal, until a later change fixes them. A rebuild that panics (a bug, not the
//! content's fault) is reported the same way, and the next change rebuilds in full.
//!
//! The modules depend one way: each imports only modules listed below it.
//!
//! ```text
//! serve    → http, session, search, preview, guard   the threads, the watcher loop
//! http     → preview                                 the HTTP side
//! session  → rerender, search, memory                incremental rebuilds
//! rerender                                           what an edit makes render remake
//! search   → memory, guard                           the search index's thread
//! preview  → memory, guard                           what is on show, events to pages
//! memory   → guard                                   the output in memory
//! guard                                              panics caught, poisoned locks
//! ```

pub mod http;
pub mod preview;
mod rerender;
pub mod search;
pub mod session;

mod guard;
mod memory;

use crate::config::Overrides;
use crate::diagnostic::EnvError;
use guard::guarded;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher};
use preview::Preview;
use search::{SearchJob, Searched};
use session::{Session, Update};
use std::collections::{BTreeSet, VecDeque};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// Reports a rebuild that panicked, in the terminal and the overlay; the site on show stays.
fn report_panic(preview: &Preview, message: &str) {
    let text =
        format!("internal error while rebuilding: {message}; the last good site stays on show");
    eprintln!("error: {text}");
    preview.set_problems(vec![text]);
}

/// Test hook (see [`http::Limits::from_env`]): panics when one of `paths` contains `marker`.
fn panic_if_marked(marker: Option<&str>, paths: &[PathBuf]) {
    let Some(marker) = marker else { return };
    for path in paths {
        if std::fs::read_to_string(path).is_ok_and(|text| text.contains(marker)) {
            panic!("test hook: {} is marked", path.display());
        }
    }
}

/// The site to serve, and the address to serve it on.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: std::net::IpAddr,
    pub port: u16,
}

/// Shows the result of a run: on success its files (all of them for a full run, or the
/// changes) and a reload; otherwise the problems, keeping the last good site on show.
fn show(preview: &Preview, update: Update, full: bool) -> bool {
    for d in &update.problems {
        eprintln!("{d}");
    }
    let errors: Vec<String> = update.errors().map(|d| d.to_string()).collect();
    if !errors.is_empty() {
        preview.set_problems(errors);
        return false;
    }
    preview.apply(update.files, &update.removed, full);
    preview.reload();
    true
}

/// What the watcher loop waits for.
enum Message {
    Changed(notify::Event),
    /// What the search thread made, in the order of the jobs.
    Searched(Searched),
}

/// Whether `event` ends a save: a file closed after writing, or moved into place.
fn ends_a_save(event: &notify::Event) -> bool {
    matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
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

/// Serves the site until the process is stopped: binds the address, watches the site, builds
/// it once, starts the HTTP thread, then rebuilds on every change (see `Rebuilder`).
pub fn serve(options: &ServeOptions) -> Result<(), EnvError> {
    let (root, listener) = listen(options)?;
    let root = &root;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let limits = http::Limits::from_env();
    let panic_marker = limits.panic_marker.clone();
    let preview = Arc::new(Preview::default());
    let (base_url, own_host) = preview_address(root, options.bind, port, &preview);
    let overrides = Overrides {
        base_url: Some(base_url.clone()),
        ..Overrides::default()
    };

    let (messages, inbox) = channel();
    // Watching stops when the watcher is dropped, at the end of this function.
    let _watcher = watch(root, messages.clone())?;
    let (search_jobs, search_inbox) = channel();
    std::thread::spawn(move || {
        search::worker(search_inbox, |searched| {
            messages.send(Message::Searched(searched)).is_ok()
        });
    });

    // Watching starts before the first build, so no change after it is missed.
    let session = first_build(root, &overrides, &preview, &search_jobs)?;
    eprintln!("serving {base_url} (Ctrl-C to stop)");
    let http_preview = Arc::clone(&preview);
    std::thread::spawn(move || http::run(listener, http_preview, limits, own_host));

    Rebuilder {
        root,
        overrides,
        preview,
        session,
        search_jobs,
        panic_marker,
        inbox,
        search_paths: (BTreeSet::new(), Vec::new()),
        deferred: VecDeque::new(),
    }
    .run()
}

/// The site's root made absolute (as the watcher reports changes), and the listener bound to
/// the address of `options`.
fn listen(options: &ServeOptions) -> Result<(PathBuf, TcpListener), EnvError> {
    let root = options
        .root
        .canonicalize()
        .map_err(|e| EnvError::io(options.root.clone(), e))?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(address)
        .map_err(|e| EnvError::new(root.clone(), format!("cannot listen on {address}: {e}")))?;
    Ok((root, listener))
}

/// The preview's base URL and the host requests must name; puts the site's base path in
/// `preview`.
fn preview_address(root: &Path, bind: IpAddr, port: u16, preview: &Preview) -> (String, String) {
    // Links in the preview point at the preview, under the site's own base path.
    let base_path = crate::config::Config::read(root).map_or("/".to_string(), |c| c.base_path);
    // `SocketAddr` puts an IPv6 address in brackets (`[::1]:1111`), as a URL needs.
    let base_url = format!("http://{}{base_path}", SocketAddr::new(bind, port));
    // Requests must name this host, `localhost` or an IP address (see `http::host_allowed`).
    let own_host = url::Url::parse(&base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    preview.set_base_path(base_path);
    (base_url, own_host)
}

/// Watches `site.yaml` (the root, not recursively) and whichever of `content/`, `themes/` and
/// `static/` exist, sending each event to `messages`. Watching lasts as long as the watcher.
fn watch(root: &Path, messages: Sender<Message>) -> Result<impl Watcher, EnvError> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = messages.send(Message::Changed(event));
        }
    })
    .map_err(|e| EnvError::new(root.to_path_buf(), format!("cannot watch for changes: {e}")))?;
    for (path, mode) in [
        (root.join("content"), RecursiveMode::Recursive),
        (root.join("themes"), RecursiveMode::Recursive),
        (root.join("static"), RecursiveMode::Recursive),
        (root.to_path_buf(), RecursiveMode::NonRecursive),
    ] {
        if path.exists() {
            watcher
                .watch(&path, mode)
                .map_err(|e| EnvError::new(path.clone(), format!("cannot watch: {e}")))?;
        }
    }
    Ok(watcher)
}

/// The first full run: puts the site on show (or its problems) and hands its search index to
/// the search thread. A panic leaves nothing on show and no session, so the next change runs
/// in full.
fn first_build(
    root: &Path,
    overrides: &Overrides,
    preview: &Preview,
    search_jobs: &Sender<SearchJob>,
) -> Result<Option<Session>, EnvError> {
    let started = Instant::now();
    match guarded(|| Session::start(root, overrides)) {
        Ok(run) => {
            let (session, mut update) = run?;
            let files = update.files.len();
            let search_job = update.search.take();
            if show(preview, update, true)
                && let Some(job) = search_job
            {
                let _ = search_jobs.send(job);
            }
            eprintln!(
                "built {files} files in {} ms",
                started.elapsed().as_millis()
            );
            Ok(session)
        }
        // Nothing to show yet: the overlay says why, and the next change tries again.
        Err(message) => {
            report_panic(preview, &message);
            Ok(None)
        }
    }
}

/// The watcher loop and what it keeps between messages: changes to the site rebuild it
/// (see [`Rebuilder::changed`]), search results are put on show (see [`Rebuilder::searched`]).
struct Rebuilder<'r> {
    root: &'r Path,
    overrides: Overrides,
    preview: Arc<Preview>,
    /// `None` before a first good setup, or after a panic: the next change runs in full.
    session: Option<Session>,
    search_jobs: Sender<SearchJob>,
    /// Test hook (see [`panic_if_marked`]).
    panic_marker: Option<String>,
    inbox: Receiver<Message>,
    /// The search files on show, and those of the index before (an open search page may
    /// still read them until it reloads).
    search_paths: (BTreeSet<String>, Vec<String>),
    /// Messages that arrived while a save's events were being gathered.
    deferred: VecDeque<Message>,
}

impl Rebuilder<'_> {
    /// Handles messages, those held back first, until every sender is gone.
    fn run(mut self) -> Result<(), EnvError> {
        while let Some(message) = self.deferred.pop_front().or_else(|| self.inbox.recv().ok()) {
            match message {
                Message::Changed(event) => self.changed(event)?,
                Message::Searched(searched) => self.searched(searched)?,
            }
        }
        Ok(())
    }

    /// Whether a change to `path` matters: `site.yaml`, or a relevant file under `content/`,
    /// `themes/` or `static/`.
    fn watched(&self, path: &Path) -> bool {
        let root = self.root;
        relevant(path)
            && (path.starts_with(root.join("content"))
                || path.starts_with(root.join("themes"))
                || path.starts_with(root.join("static"))
                || path == root.join("site.yaml"))
    }

    /// Puts what the search thread made on show; a new search index is no reason to reload
    /// open pages. Documents go into the folder on show; a new folder is named to the search
    /// pages through the session, and the folder before it is removed at the next one.
    fn searched(&mut self, searched: Searched) -> Result<(), EnvError> {
        let Searched {
            files,
            manifests,
            took,
        } = searched;
        eprintln!(
            "search index: {} {} files in {} ms",
            if manifests.is_some() {
                "made"
            } else {
                "updated"
            },
            files.len(),
            took.as_millis()
        );
        match (manifests, self.session.as_mut()) {
            // Documents put in place, in the folder on show.
            (None, _) => {
                self.search_paths.0.extend(files.keys().cloned());
                self.preview.apply(files, &[], false);
            }
            // A new folder, which the search pages now name.
            (Some(manifests), Some(ready)) => {
                let mut update = match guarded(|| ready.search_ready(manifests)) {
                    Ok(update) => update?,
                    Err(message) => {
                        self.session = None;
                        report_panic(&self.preview, &message);
                        return Ok(());
                    }
                };
                update.removed = std::mem::take(&mut self.search_paths.1);
                let made = files.keys().cloned().collect();
                let before = std::mem::replace(&mut self.search_paths.0, made);
                self.search_paths.1 = before.into_iter().collect();
                update.files.extend(files);
                if update.errors().next().is_none() {
                    self.preview.apply(update.files, &update.removed, false);
                }
            }
            (Some(_), None) => {}
        }
        Ok(())
    }

    /// A file event: if it changes a watched file, gathers the rest of the save and rebuilds.
    fn changed(&mut self, event: notify::Event) -> Result<(), EnvError> {
        // Reading a file (the build itself does) is no change.
        let changed = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_)
        ) && !matches!(event.kind, EventKind::Modify(ModifyKind::Metadata(_)));
        if !changed || !event.paths.iter().any(|p| self.watched(p)) {
            return Ok(());
        }
        let paths = self.gather_save(event);
        self.rebuild_and_show(&paths)
    }

    /// The watched paths of a save that begins with `event`. An editor's save is often several
    /// events (truncate, write, close; or write and rename): take them together, until the
    /// file is closed or moved into place, or until events pause. Search results that come
    /// meanwhile wait in `deferred`.
    fn gather_save(&mut self, event: notify::Event) -> Vec<PathBuf> {
        let mut saved = ends_a_save(&event);
        let mut paths: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|p| self.watched(p))
            .collect();
        loop {
            let more = if saved {
                self.inbox.try_recv().ok()
            } else {
                self.inbox.recv_timeout(Duration::from_millis(20)).ok()
            };
            match more {
                Some(Message::Changed(more)) => {
                    saved |= ends_a_save(&more);
                    paths.extend(more.paths.into_iter().filter(|p| self.watched(p)));
                }
                Some(searched) => self.deferred.push_back(searched),
                None => break,
            }
        }
        paths.sort();
        paths.dedup();
        paths
    }

    /// Rebuilds for the changed `paths` (see [`rebuild`]) and shows the result, handing its
    /// search index to the search thread if it is good. A panic is reported, and drops the
    /// session so that the next change runs in full.
    fn rebuild_and_show(&mut self, paths: &[PathBuf]) -> Result<(), EnvError> {
        let started = Instant::now();
        let rebuilt = guarded(|| {
            panic_if_marked(self.panic_marker.as_deref(), paths);
            rebuild(&mut self.session, self.root, &self.overrides, paths)
        });
        let (mut update, full) = match rebuilt {
            Ok(rebuilt) => rebuilt?,
            Err(message) => {
                // What the session holds may be half changed: the next change runs in full.
                self.session = None;
                report_panic(&self.preview, &message);
                return Ok(());
            }
        };
        let search = update.search.take();
        let files = update.files.len() + update.removed.len();
        if show(&self.preview, update, full) {
            eprintln!(
                "{} {files} files in {} ms",
                if full { "rebuilt" } else { "updated" },
                started.elapsed().as_millis()
            );
            if let Some(job) = search {
                let _ = self.search_jobs.send(job);
            }
        } else {
            eprintln!("kept the last good site: fix the errors above");
        }
        Ok(())
    }
}

/// Brings the site up to the changed `paths`: an update of the session when it can, or a
/// full run (which replaces the session). Whether it was a full run, with what it made.
fn rebuild(
    session: &mut Option<Session>,
    root: &Path,
    overrides: &Overrides,
    paths: &[PathBuf],
) -> Result<(Update, bool), EnvError> {
    if let Some(update) = session
        .as_mut()
        .map(|s| s.update(paths))
        .transpose()?
        .flatten()
    {
        return Ok((update, false));
    }
    let (new_session, update) = Session::start(root, overrides)?;
    *session = new_session;
    Ok((update, true))
}
