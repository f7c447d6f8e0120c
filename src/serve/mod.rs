//! `aspnet-kb serve`: builds the site into memory, serves it (see [`http`]) and rebuilds when
//! `site.yaml`, `content/` or the site's `themes/` change. Open pages reload by themselves; a
//! change with errors keeps the last good site on show, with the errors in an overlay and in
//! the terminal, until a later change fixes them.

pub mod http;

use crate::build::{self, Options, Output};
use crate::config::Overrides;
use crate::diagnostic::EnvError;
use crate::write::{Contents, OutputFile, Sink};
use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// The output of a run, held in memory.
#[derive(Default)]
struct MemorySink {
    files: Mutex<HashMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        let bytes = match file.contents {
            Contents::Bytes(bytes) => bytes,
            // Bundle assets: found by walking content/, which never follows symbolic links.
            Contents::CopyOf(path) => std::fs::read(&path).map_err(|e| EnvError {
                path: path.clone(),
                message: e.to_string(),
            })?,
        };
        if let Ok(mut files) = self.files.lock() {
            files.insert(file.path, bytes);
        }
        Ok(())
    }
}

/// What the server shows: the last good site, and the problems of the last run if it failed.
pub struct Preview {
    files: RwLock<HashMap<String, Vec<u8>>>,
    base_path: RwLock<String>,
    problems: RwLock<Option<Vec<String>>>,
    subscribers: Mutex<Vec<Sender<String>>>,
}

impl Preview {
    fn new() -> Preview {
        Preview {
            files: RwLock::new(HashMap::new()),
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

/// One full run into memory; on success the preview shows its files, otherwise it keeps the
/// last good site and shows the problems. Prints the run's summary and problems.
fn rebuild(root: &Path, preview: &Preview, base_url: &str) -> Result<bool, EnvError> {
    let sink = MemorySink::default();
    let outcome = build::run(&Options {
        root: root.to_path_buf(),
        output: Output::Sink(&sink),
        overrides: Overrides {
            base_url: Some(base_url.to_string()),
            ..Overrides::default()
        },
        progress: false,
    })?;
    for d in &outcome.diagnostics {
        eprintln!("{d}");
    }
    eprintln!("{}", outcome.summary());
    if outcome.errors > 0 {
        let lines: Vec<String> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        if let Ok(mut problems) = preview.problems.write() {
            *problems = Some(lines);
        }
        if let Some(event) = preview.problems_event() {
            preview.publish(&event);
        }
        return Ok(false);
    }
    let files = sink.files.into_inner().unwrap_or_default();
    if let Ok(mut shown) = preview.files.write() {
        *shown = files;
    }
    if let Ok(mut problems) = preview.problems.write() {
        *problems = None;
    }
    preview.publish("event: reload\ndata: \n\n");
    Ok(true)
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
    let server = tiny_http::Server::http(address).map_err(|e| EnvError {
        path: root.to_path_buf(),
        message: format!("cannot listen on {address}: {e}"),
    })?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());
    let preview = Arc::new(Preview::new());
    // Links in the preview point at the preview, under the site's own base path.
    let base_path = std::fs::read_to_string(root.join("site.yaml"))
        .ok()
        .and_then(|t| crate::config::Config::parse(&t, &Overrides::default()).ok())
        .map_or("/".to_string(), |c| c.base_path);
    let base_url = format!("http://{}:{port}{base_path}", options.bind);
    if let Ok(mut b) = preview.base_path.write() {
        *b = base_path.clone();
    }

    let (events, changes) = channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = events.send(event);
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
    // Watching starts before the first build, so no change after it is missed.
    rebuild(root, &preview, &base_url)?;
    eprintln!("serving {base_url} (Ctrl-C to stop)");
    let http_preview = Arc::clone(&preview);
    std::thread::spawn(move || http::run(server, http_preview));
    let site_yaml = root.join("site.yaml");
    let watched = |path: &Path| {
        relevant(path)
            && (path.starts_with(root.join("content"))
                || path.starts_with(root.join("themes"))
                || path == site_yaml)
    };
    while let Ok(event) = changes.recv() {
        // Reading a file (the build itself does) is no change.
        let changed = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_)
        ) && !matches!(event.kind, EventKind::Modify(ModifyKind::Metadata(_)));
        if !changed || !event.paths.iter().any(|p| watched(p)) {
            continue;
        }
        // An editor's save is often several events (write, rename): take them together.
        while changes.recv_timeout(Duration::from_millis(20)).is_ok() {}
        let started = Instant::now();
        match rebuild(root, &preview, &base_url) {
            Ok(true) => eprintln!("reloaded in {} ms", started.elapsed().as_millis()),
            Ok(false) => eprintln!("kept the last good site: fix the errors above"),
            Err(e) => eprintln!("{e}"),
        }
    }
    Ok(())
}
