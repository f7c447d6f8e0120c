//! The browser search index while serving. It is made again on a thread of its own once
//! edits pause: for the documents of the edited pages only (their words' shards, their
//! records), while the pages searched stay the same; whole, in a new folder, when pages come
//! or go.
//!
//! Below `session` (which hands it [`SearchJob`]s) and above `memory`: it reports
//! what it made through the callback it is given, and imports neither `session` nor `serve`.

use super::guard::guarded;
use super::memory::{Files, in_memory};
use crate::resolve::Site;
use crate::search::{self, browser::LanguageIndex, browser::Manifest};
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Work for the search thread.
pub enum SearchJob {
    /// The index a full run made: updates start from it.
    Made(HashMap<String, LanguageIndex>),
    /// Bring the index up to `site`: the documents of the `changed` keys, or (`None`) all.
    Update {
        site: Arc<Site>,
        changed: Option<HashSet<String>>,
    },
}

/// What the search thread made: files to put on show, and each language's manifest when
/// the index is whole and new (a new folder, which the search pages must name).
pub struct Searched {
    pub files: Files,
    pub manifests: Option<HashMap<String, Manifest>>,
    /// How long making them took.
    pub took: Duration,
}

/// How long edits must pause before the search index is made again: while someone is typing,
/// the pages come first.
const SEARCH_PAUSE: Duration = Duration::from_secs(2);

/// The whole browser index of `site`: its files, and each language's index (made one
/// language after the other, see `search`).
pub fn whole_index(site: &Site) -> (Files, HashMap<String, LanguageIndex>) {
    let mut files = Files::new();
    let mut indexes = HashMap::new();
    for language in &site.config.languages {
        let lang = &language.code;
        let (index, made) = match search::index_language(site, lang, |_| Ok::<_, Infallible>(())) {
            Ok(made) => made,
            Err(never) => match never {},
        };
        files.extend(in_memory(made));
        indexes.insert(lang.clone(), index);
    }
    (files, indexes)
}

/// Runs jobs one at a time, the updates that come together as one once edits pause, and
/// hands what they made to `report`, until no job can come or `report` says no one listens
/// (returns `false`).
pub fn worker(jobs: Receiver<SearchJob>, mut report: impl FnMut(Searched) -> bool) {
    let mut worker = Worker::default();
    loop {
        let job = match worker.pending {
            Some(_) => jobs.recv_timeout(SEARCH_PAUSE),
            None => jobs.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match job {
            Ok(job) => worker.take(job),
            Err(RecvTimeoutError::Timeout) => {
                if let Some(searched) = worker.run_pending()
                    && !report(searched)
                {
                    return;
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// What the search thread keeps between jobs.
#[derive(Default)]
struct Worker {
    indexes: HashMap<String, LanguageIndex>,
    /// The site to index, and the keys changed since the index was last brought up to date
    /// (`None`: all).
    pending: Option<(Arc<Site>, Option<HashSet<String>>)>,
    /// After a panic the indexes may be half changed: the next run makes them whole.
    whole_next: bool,
}

impl Worker {
    /// Takes a job in: a full run's index replaces the one kept, an update joins those
    /// pending.
    fn take(&mut self, job: SearchJob) {
        match job {
            SearchJob::Made(made) => {
                self.indexes = made;
                self.pending = None;
            }
            SearchJob::Update { site, changed } => {
                let changed = match (self.pending.take(), changed) {
                    (Some((_, Some(mut before))), Some(now)) => {
                        before.extend(now);
                        Some(before)
                    }
                    (None, changed) => changed,
                    _ => None,
                };
                self.pending = Some((site, changed));
            }
        }
    }

    /// Brings the index up to the pending site, if any. A panic is reported in the terminal
    /// and makes nothing.
    fn run_pending(&mut self) -> Option<Searched> {
        let (site, changed) = self.pending.take()?;
        let started = Instant::now();
        let changed = changed.filter(|_| !self.whole_next);
        let run = guarded(|| bring_up_to_date(&mut self.indexes, &site, changed.as_ref()));
        self.whole_next = run.is_err();
        match run {
            Ok(searched) => Some(Searched {
                took: started.elapsed(),
                ..searched
            }),
            Err(message) => {
                eprintln!(
                    "error: internal error while updating the search index: {message}; it is \
                     made again at the next change"
                );
                None
            }
        }
    }
}

/// Updates `indexes` to `site`: only the documents of `changed` when every one of them
/// keeps its place in its index, otherwise the whole index.
fn bring_up_to_date(
    indexes: &mut HashMap<String, LanguageIndex>,
    site: &Site,
    changed: Option<&HashSet<String>>,
) -> Searched {
    if let Some(files) = changed.and_then(|keys| replace_documents(indexes, site, keys)) {
        return Searched {
            files,
            manifests: None,
            took: Duration::ZERO,
        };
    }
    // The old indexes are of no use to the new one: dropped first, so that the two are never
    // held together (the peak of a preview that gains a page).
    indexes.clear();
    let (files, made) = whole_index(site);
    *indexes = made;
    Searched {
        files,
        manifests: Some(search::manifests(indexes)),
        took: Duration::ZERO,
    }
}

/// The files of the documents of `keys` put in place in every language; `None` when a page
/// came, went or moved (then the whole index is made again).
fn replace_documents(
    indexes: &mut HashMap<String, LanguageIndex>,
    site: &Site,
    keys: &HashSet<String>,
) -> Option<Files> {
    let mut files = Files::new();
    for (lang, index) in indexes.iter_mut() {
        for key in keys {
            let document = site
                .entry(lang, key)
                .and_then(|entry| search::document(site, entry));
            match document {
                Some(document) => files.extend(in_memory(index.replace(&document)?)),
                None if index.has(key) => return None,
                None => {}
            }
        }
    }
    Some(files)
}
