//! The output held in memory while serving: [`Files`] by path, the [`MemorySink`] renders
//! into, and [`in_memory`] for files rendered as a list. Pages and other text are [`Held`]
//! compressed (a sixth of their size: the standard corpus' 390 MB of pages take about 60),
//! and inflated when asked for, which costs a page less than a millisecond; other files'
//! bytes are shared ([`Arc`]), so that serving one copies no more than the response needs.
//! A leaf of `serve` but for `guard`.

use super::guard::lock;
use crate::diagnostic::EnvError;
use crate::output::{Contents, OutputFile, Sink};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Files of the output, by path.
pub type Files = HashMap<String, Held>;

/// One file's bytes as memory holds them.
#[derive(Clone)]
pub enum Held {
    Plain(Arc<[u8]>),
    /// Deflated, to be inflated when served.
    Deflated(Arc<[u8]>),
}

/// Extensions of the files held deflated: the text the tool makes.
const DEFLATED: [&str; 7] = ["html", "xml", "json", "js", "css", "svg", "txt"];

impl Held {
    /// `bytes` of the file at `path`, deflated when it is text that deflating makes smaller.
    pub fn new(path: &str, bytes: Vec<u8>) -> Held {
        let text = path
            .rsplit_once('.')
            .is_some_and(|(_, extension)| DEFLATED.contains(&extension));
        if text && let Some(deflated) = deflate(&bytes).filter(|d| d.len() < bytes.len()) {
            return Held::Deflated(deflated.into());
        }
        Held::Plain(bytes.into())
    }

    /// The file's bytes; `None` if deflated bytes cannot be inflated (never for those `new`
    /// made).
    pub fn bytes(&self) -> Option<Arc<[u8]>> {
        match self {
            Held::Plain(bytes) => Some(Arc::clone(bytes)),
            Held::Deflated(deflated) => {
                let mut bytes = Vec::with_capacity(deflated.len() * 6);
                let mut inflater = flate2::read::DeflateDecoder::new(&deflated[..]);
                std::io::Read::read_to_end(&mut inflater, &mut bytes).ok()?;
                Some(bytes.into())
            }
        }
    }
}

/// `bytes` deflated quickly (the preview makes every page at each full run).
fn deflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    std::io::Write::write_all(&mut encoder, bytes).ok()?;
    encoder.finish().ok()
}

/// Collects rendered files in memory.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Files>,
}

impl MemorySink {
    /// The files put. A lock poisoned by a rendering thread's panic still holds every file
    /// put before it (the panic itself is reported by whoever caught it).
    pub fn into_files(self) -> Files {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        let bytes = match file.contents {
            Contents::Bytes(bytes) => bytes,
            // Bundle assets: found by walking content/, which never follows symbolic links.
            Contents::CopyOf(path) | Contents::LinkOf(path) => {
                std::fs::read(&path).map_err(|e| EnvError::io(path.clone(), e))?
            }
        };
        let held = Held::new(&file.path, bytes);
        lock(&self.files).insert(file.path, held);
        Ok(())
    }
}

/// Rendered files by path (search files and pages are always bytes).
pub fn in_memory(files: Vec<OutputFile>) -> Files {
    files
        .into_iter()
        .filter_map(|f| match f.contents {
            Contents::Bytes(bytes) => {
                let held = Held::new(&f.path, bytes);
                Some((f.path, held))
            }
            Contents::CopyOf(_) | Contents::LinkOf(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_held_deflated_and_served_whole() {
        let page = "<!doctype html><p>Water for every school.</p>\n".repeat(200);
        let held = Held::new("en/practices/water/index.html", page.clone().into_bytes());
        assert!(matches!(&held, Held::Deflated(d) if d.len() * 10 < page.len()));
        assert_eq!(held.bytes().as_deref(), Some(page.as_bytes()));
        // Pictures and the search index's files (already compressed) are held as they are.
        let picture = Held::new("images/beach.jpg", page.clone().into_bytes());
        assert!(matches!(&picture, Held::Plain(_)));
        assert_eq!(picture.bytes().as_deref(), Some(page.as_bytes()));
        // Text that deflating would not make smaller stays plain.
        assert!(matches!(
            Held::new("robots.txt", b"x".to_vec()),
            Held::Plain(_)
        ));
    }
}
