//! `aspnet-kb serve`: builds the site into memory, serves it (see [`http`]) and rebuilds when
//! `site.yaml`, `content/` or the site's `themes/` change. Open pages reload by themselves; a
//! change with errors keeps the last good site on show, with the errors in an overlay and in
//! the terminal, until a later change fixes them.

pub mod http;
pub mod search;
pub mod session;

use crate::config::Overrides;
use crate::diagnostic::EnvError;
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher};
use search::Searched;
use session::{Files, Session, Update};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// What the server shows: the last good site, and the problems of the last run if it failed.
pub struct Preview {
    files: RwLock<Files>,
    base_path: RwLock<String>,
    problems: RwLock<Option<Vec<String>>>,
    subscribers: Mutex<Vec<Sender<String>>>,
}

impl Preview {
    fn new() -> Preview {
        Preview {
            files: RwLock::new(Files::new()),
            base_path: RwLock::new("/".into()),
            problems: RwLock::new(None),
            subscribers: Mutex::new(Vec::new()),
        }
    }

    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.files.read().ok()?.get(path).cloned()
    }

    pub fn base_path(&self) -> String {
        self.base_path
            .read()
            .map(|b| b.clone())
            .unwrap_or_else(|_| "/".into())
    }

    /// A channel that receives every event from now on.
    pub fn subscribe(&self) -> Receiver<String> {
        let (sender, receiver) = channel();
        if let Ok(mut subscribers) = self.subscribers.lock() {
            subscribers.push(sender);
        }
        receiver
    }

    /// The event describing the current problems, if the last run failed.
    pub fn problems_event(&self) -> Option<String> {
        let problems = self.problems.read().ok()?.clone()?;
        Some(format!(
            "event: problems\ndata: {}\n\n",
            serde_json::to_string(&problems).unwrap_or_default()
        ))
    }

    /// Puts `files` on show, without `removed` (or without anything else, for a full run).
    fn apply(&self, files: Files, removed: &[String], full: bool) {
        if let Ok(mut shown) = self.files.write() {
            if full {
                shown.clear();
            }
            for path in removed {
                shown.remove(path);
            }
            shown.extend(files);
        }
    }

    fn publish(&self, event: &str) {
        if let Ok(mut subscribers) = self.subscribers.lock() {
            subscribers.retain(|s| s.send(event.to_string()).is_ok());
        }
    }
}

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
        if let Ok(mut problems) = preview.problems.write() {
            *problems = Some(errors);
        }
        if let Some(event) = preview.problems_event() {
            preview.publish(&event);
        }
        return false;
    }
    preview.apply(update.files, &update.removed, full);
    if let Ok(mut problems) = preview.problems.write() {
        *problems = None;
    }
    preview.publish("event: reload\ndata: \n\n");
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

/// Serves the site until the process is stopped.
pub fn serve(options: &ServeOptions) -> Result<(), EnvError> {
    // Absolute, as the watcher reports changes.
    let root = &options.root.canonicalize().map_err(|e| EnvError {
        path: options.root.clone(),
        message: e.to_string(),
    })?;
    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address).map_err(|e| EnvError {
        path: root.to_path_buf(),
        message: format!("cannot listen on {address}: {e}"),
    })?;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let limits = http::Limits::from_env();
    let preview = Arc::new(Preview::new());
    // Links in the preview point at the preview, under the site's own base path.
    let base_path = crate::config::Config::read(root).map_or("/".to_string(), |c| c.base_path);
    let base_url = format!("http://{}:{port}{base_path}", options.bind);
    if let Ok(mut b) = preview.base_path.write() {
        *b = base_path.clone();
    }
    let overrides = Overrides {
        base_url: Some(base_url.clone()),
        ..Overrides::default()
    };

    let (messages, inbox) = channel();
    let watcher_messages = messages.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = watcher_messages.send(Message::Changed(event));
        }
    })
    .map_err(|e| EnvError {
        path: root.to_path_buf(),
        message: format!("cannot watch for changes: {e}"),
    })?;
    for (path, mode) in [
        (root.join("content"), RecursiveMode::Recursive),
        (root.join("themes"), RecursiveMode::Recursive),
        (root.to_path_buf(), RecursiveMode::NonRecursive),
    ] {
        if path.exists() {
            watcher.watch(&path, mode).map_err(|e| EnvError {
                path: path.clone(),
                message: format!("cannot watch: {e}"),
            })?;
        }
    }
    let (search_jobs, search_inbox) = channel();
    std::thread::spawn(move || search::worker(search_inbox, messages));

    // Watching starts before the first build, so no change after it is missed.
    let started = Instant::now();
    let (mut session, mut update) = Session::start(root, &overrides)?;
    let files = update.files.len();
    let search_job = update.search.take();
    if show(&preview, update, true)
        && let Some(job) = search_job
    {
        let _ = search_jobs.send(job);
    }
    eprintln!(
        "built {files} files in {} ms",
        started.elapsed().as_millis()
    );
    eprintln!("serving {base_url} (Ctrl-C to stop)");
    let http_preview = Arc::clone(&preview);
    std::thread::spawn(move || http::run(listener, http_preview, limits));

    let site_yaml = root.join("site.yaml");
    let watched = |path: &Path| {
        relevant(path)
            && (path.starts_with(root.join("content"))
                || path.starts_with(root.join("themes"))
                || path == site_yaml)
    };
    // The search files on show, and those of the index before (an open search page may
    // still read them until it reloads).
    let mut search_paths: (BTreeSet<String>, Vec<String>) = (BTreeSet::new(), Vec::new());
    // Messages that arrived while a save's events were being gathered.
    let mut deferred = std::collections::VecDeque::new();
    while let Some(message) = deferred.pop_front().or_else(|| inbox.recv().ok()) {
        let event = match message {
            Message::Changed(event) => event,
            // A new search index is no reason to reload open pages.
            Message::Searched(Searched {
                files,
                manifests,
                took,
            }) => {
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
                match (manifests, session.as_mut()) {
                    // Documents put in place, in the folder on show.
                    (None, _) => {
                        search_paths.0.extend(files.keys().cloned());
                        preview.apply(files, &[], false);
                    }
                    // A new folder, which the search pages now name.
                    (Some(manifests), Some(session)) => {
                        let mut update = session.search_ready(manifests)?;
                        update.removed = std::mem::take(&mut search_paths.1);
                        let made = files.keys().cloned().collect();
                        let before = std::mem::replace(&mut search_paths.0, made);
                        search_paths.1 = before.into_iter().collect();
                        update.files.extend(files);
                        if update.errors().next().is_none() {
                            preview.apply(update.files, &update.removed, false);
                        }
                    }
                    (Some(_), None) => {}
                }
                continue;
            }
        };
        // Reading a file (the build itself does) is no change.
        let changed = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_)
        ) && !matches!(event.kind, EventKind::Modify(ModifyKind::Metadata(_)));
        if !changed || !event.paths.iter().any(|p| watched(p)) {
            continue;
        }
        // An editor's save is often several events (truncate, write, close; or write and
        // rename): take them together, until the file is closed or moved into place, or
        // until events pause.
        let mut saved = ends_a_save(&event);
        let mut paths: Vec<PathBuf> = event.paths.into_iter().filter(|p| watched(p)).collect();
        loop {
            let more = if saved {
                inbox.try_recv().ok()
            } else {
                inbox.recv_timeout(Duration::from_millis(20)).ok()
            };
            match more {
                Some(Message::Changed(more)) => {
                    saved |= ends_a_save(&more);
                    paths.extend(more.paths.into_iter().filter(|p| watched(p)));
                }
                Some(searched) => deferred.push_back(searched),
                None => break,
            }
        }
        paths.sort();
        paths.dedup();
        let started = Instant::now();
        let incremental = match session.as_mut() {
            Some(session) => session.update(&paths)?,
            None => None,
        };
        let (mut update, full) = match incremental {
            Some(update) => (update, false),
            None => {
                let (new_session, update) = Session::start(root, &overrides)?;
                session = new_session;
                (update, true)
            }
        };
        let search = update.search.take();
        let files = update.files.len() + update.removed.len();
        if show(&preview, update, full) {
            eprintln!(
                "{} {files} files in {} ms",
                if full { "rebuilt" } else { "updated" },
                started.elapsed().as_millis()
            );
            if let Some(job) = search {
                let _ = search_jobs.send(job);
            }
        } else {
            eprintln!("kept the last good site: fix the errors above");
        }
    }
    Ok(())
}
