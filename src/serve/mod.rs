//! `aspnet-kb serve`: builds the site into memory, serves it (see [`http`]) and rebuilds when
//! `site.yaml`, `content/`, `static/` or the site's `themes/` change. Open pages reload by themselves; a
//! change with errors keeps the last good site on show, with the errors in an overlay and in
//! the terminal, until a later change fixes them. A rebuild that panics (a bug, not the
//! content's fault) is reported the same way, and the next change rebuilds in full.
//!
//! The modules depend one way: each imports only modules listed below it.
//!
//! ```text
//! serve    → http, session, search, preview, watch, guard   the threads, the watcher loop
//! http     → preview                                        the HTTP side
//! session  → rerender, search, memory                       incremental rebuilds
//! rerender                                                  what an edit makes render remake
//! search   → memory, guard                                  the search index's thread
//! preview  → memory, guard                                  what is on show, events to pages
//! watch                                                     which file events are changes
//! memory   → guard                                          the output in memory
//! guard                                                     panics caught, poisoned locks
//! ```

pub mod http;
pub mod preview;
mod rerender;
pub mod search;
pub mod session;

mod guard;
mod memory;
mod watch;

use crate::config::Overrides;
use crate::diagnostic::EnvError;
use guard::guarded;
use preview::Preview;
use search::{SearchJob, Searched};
use session::{Session, Update};
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;
use watch::{Change, LastRead};

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
    /// Preview only these languages (`--lang`).
    pub languages: Option<Vec<String>>,
    /// Preview drafts too (`--drafts`).
    pub drafts: bool,
    /// Called whenever what a run made is on show and the server waits for changes: the
    /// binary gives the memory its allocator keeps back to the system.
    pub idle: fn(),
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
    /// Saves to watched files, as the watcher took them together.
    Changed(Vec<Change>),
    /// What the search thread made, in the order of the jobs.
    Searched(Searched),
}

/// Serves the site until the process is stopped: binds the address, watches the site, builds
/// it once, starts the HTTP thread, then rebuilds on every change (see `Rebuilder`).
pub fn serve(options: &ServeOptions) -> Result<(), EnvError> {
    let (root, listener) = listen(options)?;
    let port = listener.local_addr().map_or(options.port, |a| a.port());
    let limits = http::Limits::from_env();
    let preview = Arc::new(Preview::default());
    let (base_url, own_host) = preview_address(&root, options.bind, port, &preview);

    let (messages, inbox) = channel();
    let changes = messages.clone();
    // Watching stops when the watcher is dropped, at the end of this function; it starts
    // before the first build, so no change after it is missed.
    let upstream = crate::config::Config::read(&root).and_then(|c| c.upstream);
    let _watcher = watch::watch(&root, upstream.as_deref(), move |batch| {
        let _ = changes.send(Message::Changed(batch));
    })?;
    let (search_jobs, search_inbox) = channel();
    std::thread::spawn(move || {
        search::worker(search_inbox, |searched| {
            messages.send(Message::Searched(searched)).is_ok()
        });
    });

    let mut rebuilder = Rebuilder {
        root: &root,
        overrides: Overrides {
            base_url: Some(base_url.clone()),
            languages: options.languages.clone(),
            drafts: options.drafts,
            offline: false,
        },
        preview: Arc::clone(&preview),
        session: None,
        search_jobs,
        panic_marker: limits.panic_marker.clone(),
        inbox,
        search_paths: (BTreeSet::new(), Vec::new()),
        last_read: LastRead::default(),
    };
    rebuilder.first_build()?;
    (options.idle)();
    eprintln!("serving {base_url} (Ctrl-C to stop)");
    std::thread::spawn(move || http::run(listener, preview, limits, own_host));
    rebuilder.run(options.idle)
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

/// The watcher loop and what it keeps between messages: changes to the site rebuild it
/// (see [`Rebuilder::rebuild_and_show`]), search results are put on show (see
/// [`Rebuilder::searched`]).
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
    /// When runs read which files: changes they read are not read again.
    last_read: LastRead,
}

impl Rebuilder<'_> {
    /// The first full run: puts the site on show (or its problems) and hands its search
    /// index to the search thread. A panic leaves nothing on show and no session, so the
    /// next change runs in full.
    fn first_build(&mut self) -> Result<(), EnvError> {
        let began = Instant::now();
        self.last_read.record(began, &[], true);
        let (session, mut update) = match guarded(|| Session::start(self.root, &self.overrides)) {
            Ok(run) => run?,
            // Nothing to show yet: the overlay says why, and the next change tries again.
            Err(message) => {
                report_panic(&self.preview, &message);
                return Ok(());
            }
        };
        self.session = session;
        let files = update.files.len();
        let search_job = update.search.take();
        if show(&self.preview, update, true)
            && let Some(job) = search_job
        {
            let _ = self.search_jobs.send(job);
        }
        eprintln!("built {files} files in {} ms", began.elapsed().as_millis());
        Ok(())
    }

    /// Handles messages until every sender is gone: the changes of all those waiting
    /// together, in one run (rebuilds are slower than saves), then the search results; then
    /// `idle`.
    fn run(mut self, idle: fn()) -> Result<(), EnvError> {
        while let Ok(first) = self.inbox.recv() {
            let mut changes = Vec::new();
            let mut searched = Vec::new();
            for message in std::iter::once(first).chain(self.inbox.try_iter()) {
                match message {
                    Message::Changed(batch) => changes.extend(batch),
                    Message::Searched(made) => searched.push(made),
                }
            }
            let paths = self.last_read.unread(changes);
            if !paths.is_empty() {
                self.rebuild_and_show(&paths)?;
            }
            for made in searched {
                self.searched(made)?;
            }
            idle();
        }
        Ok(())
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

    /// Rebuilds for the changed `paths` (see [`rebuild`]) and shows the result, handing its
    /// search index to the search thread if it is good. A panic is reported, and drops the
    /// session so that the next change runs in full.
    fn rebuild_and_show(&mut self, paths: &[PathBuf]) -> Result<(), EnvError> {
        let began = Instant::now();
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
        self.last_read.record(began, paths, full);
        let search = update.search.take();
        let files = update.files.len() + update.removed.len();
        if show(&self.preview, update, full) {
            eprintln!(
                "{} {files} files in {} ms",
                if full { "rebuilt" } else { "updated" },
                began.elapsed().as_millis()
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
