//! What the preview shows, shared between the rebuilding thread (which changes it) and the
//! HTTP threads (which read it): the last good site's files, the site's base path, the
//! problems of the last run if it failed, and the open pages' subscriptions to [`Event`]s.
//! It knows nothing of HTTP (the event stream's wire format is [`super::http`]'s) nor of
//! rebuilding; it imports only `memory` and `guard`.

use super::guard::{lock, read, write};
use super::memory::Files;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};

/// What open pages are told.
#[derive(Clone, Debug)]
pub enum Event {
    /// The site on show changed: reload.
    Reload,
    /// The last run failed: show these problems over the last good page.
    Problems(Arc<[String]>),
}

/// What the server shows: the last good site, and the problems of the last run if it failed.
pub struct Preview {
    files: RwLock<Files>,
    base_path: RwLock<String>,
    problems: RwLock<Option<Arc<[String]>>>,
    /// The channels of the open event streams, each with its number (see [`Subscription`]).
    subscribers: Mutex<Vec<(u64, Sender<Event>)>>,
    next_subscriber: AtomicU64,
}

/// An event stream's channel of events; leaves the subscribers when dropped, so that a
/// closed stream costs nothing even if no event comes.
pub struct Subscription<'p> {
    preview: &'p Preview,
    number: u64,
    pub events: Receiver<Event>,
}

impl Drop for Subscription<'_> {
    fn drop(&mut self) {
        lock(&self.preview.subscribers).retain(|(n, _)| *n != self.number);
    }
}

impl Default for Preview {
    /// Nothing on show yet, under the base path `/`.
    fn default() -> Preview {
        Preview {
            files: RwLock::new(Files::new()),
            base_path: RwLock::new("/".into()),
            problems: RwLock::new(None),
            subscribers: Mutex::new(Vec::new()),
            next_subscriber: AtomicU64::new(0),
        }
    }
}

impl Preview {
    /// The file of the output at `path` (relative to the output folder), shared.
    pub fn file(&self, path: &str) -> Option<Arc<[u8]>> {
        let held = read(&self.files).get(path).cloned();
        held.and_then(|held| held.bytes())
    }

    /// The site's base path, percent-encoded as `Config` keeps it.
    pub fn base_path(&self) -> String {
        read(&self.base_path).clone()
    }

    pub fn set_base_path(&self, base_path: String) {
        *write(&self.base_path) = base_path;
    }

    /// A channel that receives every event from now on, until dropped.
    pub fn subscribe(&self) -> Subscription<'_> {
        let (sender, events) = channel();
        let number = self.next_subscriber.fetch_add(1, Ordering::Relaxed);
        lock(&self.subscribers).push((number, sender));
        Subscription {
            preview: self,
            number,
            events,
        }
    }

    /// The event describing the current problems, if the last run failed.
    pub fn problems_event(&self) -> Option<Event> {
        read(&self.problems).clone().map(Event::Problems)
    }

    /// Puts `files` on show, without `removed` (or without anything else, for a full run).
    pub fn apply(&self, files: Files, removed: &[String], full: bool) {
        let mut shown = write(&self.files);
        if full {
            shown.clear();
        }
        for path in removed {
            shown.remove(path);
        }
        shown.extend(files);
    }

    /// A good run is on show: the problems go, and open pages reload.
    pub fn reload(&self) {
        *write(&self.problems) = None;
        self.publish(Event::Reload);
    }

    /// Shows `problems` in the overlay of open pages (and of pages opened from now on).
    pub fn set_problems(&self, problems: Vec<String>) {
        let problems: Arc<[String]> = problems.into();
        *write(&self.problems) = Some(Arc::clone(&problems));
        self.publish(Event::Problems(problems));
    }

    fn publish(&self, event: Event) {
        lock(&self.subscribers).retain(|(_, s)| s.send(event.clone()).is_ok());
    }
}
