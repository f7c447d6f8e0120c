//! The map of the output: every file a full run writes passes through an [`OutputMap`] on
//! its way to the sink, with what made it. A path that is not a safe relative path, or one
//! that a second producer claims (compared without case, as case-insensitive disks and hosts
//! would), is an error naming both producers, and neither claim replaces the other. Since a
//! build writes into a staging folder that is swapped in only when the run has no errors, no
//! such file ever reaches the published output.

use crate::diagnostic::{Diagnostic, EnvError};
use crate::output::{OutputFile, Sink};
use crate::paths;
use std::collections::HashMap;
use std::sync::Mutex;

/// A sink that checks and registers each file before passing it on.
pub struct OutputMap<'a> {
    inner: &'a dyn Sink,
    /// Lower-cased path → (path as written, producer).
    claimed: Mutex<HashMap<String, (String, String)>>,
    /// Lower-cased folder → (folder as written, producer of the first file in it): a file may
    /// not be a folder another file needs (`robots.txt` and an alias `robots.txt/index.html`).
    folders: Mutex<HashMap<String, (String, String)>>,
    problems: Mutex<Vec<Diagnostic>>,
}

impl<'a> OutputMap<'a> {
    pub fn new(inner: &'a dyn Sink) -> OutputMap<'a> {
        OutputMap {
            inner,
            claimed: Mutex::new(HashMap::new()),
            folders: Mutex::new(HashMap::new()),
            problems: Mutex::new(Vec::new()),
        }
    }

    /// The collisions and unsafe paths found.
    pub fn into_problems(self) -> Vec<Diagnostic> {
        self.problems
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn report(&self, problem: Diagnostic) {
        match self.problems.lock() {
            Ok(mut problems) => problems.push(problem),
            Err(poisoned) => poisoned.into_inner().push(problem),
        }
    }
}

/// The file a problem is reported on: the producer when it is a file of the site
/// (`content/x.md (aliases)` → `content/x.md`), else `site.yaml`, which decides the rest.
fn reported_on(source: &str) -> &str {
    if source.starts_with("generated ") || source.starts_with("theme ") {
        "site.yaml"
    } else {
        source.split(' ').next().unwrap_or(source)
    }
}

impl Sink for OutputMap<'_> {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        if let Err(why) = paths::output_file(&file.path) {
            self.report(
                Diagnostic::error(
                    reported_on(&file.source),
                    1,
                    format!(
                        "{} would write to `{}`, which is not a safe path: {why}",
                        file.source, file.path
                    ),
                )
                .with_hint(why.hint()),
            );
            return Ok(());
        }
        let folded = paths::folded(&file.path);
        // Folding keeps every `/`: the folded path's folders pair with the written ones.
        let ancestors: Vec<(String, &str)> = folded
            .match_indices('/')
            .zip(file.path.match_indices('/'))
            .map(|((f, _), (i, _))| (folded[..f].to_string(), &file.path[..i]))
            .collect();
        let (earlier, file_and_folder) = {
            // Always in this order: `claimed`, then `folders`.
            let mut claimed = self.claimed.lock().unwrap_or_else(|p| p.into_inner());
            let mut folders = self.folders.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(earlier) = claimed.get(&folded) {
                (Some(earlier.clone()), false)
            } else if let Some(earlier) = folders
                .get(&folded)
                .or_else(|| ancestors.iter().find_map(|(folder, _)| claimed.get(folder)))
            {
                (Some(earlier.clone()), true)
            } else {
                claimed.insert(folded, (file.path.clone(), file.source.clone()));
                for (folder, written) in ancestors {
                    folders
                        .entry(folder)
                        .or_insert_with(|| (written.to_string(), file.source.clone()));
                }
                (None, false)
            }
        };
        match earlier {
            None => self.inner.put(file),
            Some((path, source)) => {
                let same = if file_and_folder {
                    format!("`{path}` a file and a folder (`{}`)", file.path)
                } else if path == file.path {
                    format!("`{path}`")
                } else {
                    format!(
                        "`{path}` and `{}` (the same file on case-insensitive disks)",
                        file.path
                    )
                };
                let (first, second) = if source <= file.source {
                    (source, file.source)
                } else {
                    (file.source, source)
                };
                // On the site's own file when one of them is (an alias, a static file).
                let on = [reported_on(&second), reported_on(&first)]
                    .into_iter()
                    .find(|on| *on != "site.yaml")
                    .unwrap_or("site.yaml");
                self.report(
                    Diagnostic::error(
                        on,
                        1,
                        format!("output collision: {second} and {first} both make {same}"),
                    )
                    .with_hint("change the `slug`, `aliases` or file name of one of them"),
                );
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Contents, Discard};

    fn file(path: &str, source: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(Vec::new()),
            source: source.into(),
        }
    }

    #[test]
    fn a_second_claim_is_an_error_naming_both() {
        let map = OutputMap::new(&Discard);
        map.put(file("en/a/index.html", "content/a.md")).ok();
        map.put(file("en/A/index.html", "content/b.md")).ok();
        map.put(file("en/../x", "content/c.md")).ok();
        map.put(file(
            ".well-known/security.txt",
            "static/.well-known/security.txt",
        ))
        .ok();
        let problems = map.into_problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.contains("content/a.md"), "{problems:?}");
        assert!(problems[0].message.contains("content/b.md"));
        assert_eq!(problems[1].path, "content/c.md");
    }

    #[test]
    fn a_file_may_not_be_another_claim_s_folder() {
        let map = OutputMap::new(&Discard);
        map.put(file("robots.txt", "generated robots.txt")).ok();
        map.put(file("robots.txt/index.html", "content/a.md (aliases)"))
            .ok();
        map.put(file("en/b/index.html", "content/b.md")).ok();
        map.put(file("en/B", "content/c.md (aliases)")).ok();
        let problems = map.into_problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].message.contains("content/a.md (aliases)"),
            "{problems:?}"
        );
        assert!(
            problems[0].message.contains("a file and a folder"),
            "{problems:?}"
        );
        assert_eq!(problems[1].path, "content/c.md");
    }
}
