//! Write: the [`OutputFile`]s of a run stream into a staging folder beside the output, which is
//! swapped in (an atomic exchange where the OS has one) once the whole site is rendered without
//! errors. A failed or killed build leaves the previous output whole; the next build puts back
//! an output a killed swap left aside and clears the leftover staging folder. Only folders the
//! tool marked are deleted or put back: anything else at a staging name stops the build.

use crate::diagnostic::EnvError;
use crate::output::{Contents, OutputFile, Sink};
use crate::output_guard::{
    check_staging_siblings, is_marked_folder, not_the_tools, staging_siblings, write_marker,
};
use crate::paths;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Owns the swap of a site (or the search index) into place: a staging folder `.NAME.new`
/// beside the output `NAME` is filled, then exchanged with the output in one step where the
/// OS can (Linux `renameat2(RENAME_EXCHANGE)`), else with two renames through `.NAME.old`.
/// The output is never missing for longer than a killed two-rename swap, and
/// [`recover`] (run by [`Staging::begin`] and at the start of every build) puts `.NAME.old`
/// back before anything else is done. Every staging folder carries the output marker, and
/// only marked folders at the staging names are deleted or put back (anything else there is
/// the user's, and stops the build with nothing touched).
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    previous: PathBuf,
}

/// Whether anything (a folder, a file, a link) is at `path`.
fn present(path: &Path) -> Result<bool, EnvError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(EnvError::io(path, e)),
    }
}

/// Removes the staging folder `path` beside `output`, if anything is there, but only a folder
/// the tool made (the marker at its top); anything else is refused and left as it is.
fn remove_ours(path: &Path, output: &Path) -> Result<(), EnvError> {
    if !present(path)? {
        return Ok(());
    }
    if !is_marked_folder(path) {
        return Err(not_the_tools(path, output));
    }
    fs::remove_dir_all(path).map_err(|e| EnvError::io(path, e))
}

/// Undoes a swap that was killed between its two renames: when the output is missing and
/// `.NAME.old` is a folder the tool made (the marker at its top, not a link), `.NAME.old`
/// becomes the output again. Anything at `.NAME.new` or `.NAME.old` that the tool did not make
/// is refused first, with nothing touched.
pub fn recover(output: &Path) -> Result<(), EnvError> {
    check_staging_siblings(output)?;
    let (_, previous) = staging_siblings(output);
    if is_marked_folder(&previous) && !present(output)? {
        fs::rename(&previous, output).map_err(|e| EnvError::io(&previous, e))?;
    }
    Ok(())
}

impl Staging {
    /// Recovers a killed swap, clears what an earlier run left beside the output, and makes
    /// an empty staging folder holding only the marker. `.NAME.old` is deleted only while the
    /// output exists, and either is deleted only if it carries the marker.
    pub fn begin(output: &Path) -> Result<Staging, EnvError> {
        let (staging, previous) = staging_siblings(output);
        let parent = staging.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| EnvError::io(parent, e))?;
        recover(output)?;
        remove_ours(&staging, output)?;
        if present(output)? {
            remove_ours(&previous, output)?;
        }
        fs::create_dir(&staging).map_err(|e| EnvError::io(&staging, e))?;
        write_marker(&staging)?;
        Ok(Staging {
            output: output.to_path_buf(),
            staging,
            previous,
        })
    }

    /// The staging folder, for writers that make their own files (the search index).
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Swaps the staged site in for the output: one atomic exchange where the OS has it (the
    /// old site, now at the staging name, is then deleted), two renames elsewhere. An old
    /// output without the marker (an earlier version's, adopted) is marked first, so that
    /// wherever a killed swap leaves it, the next run knows it for the tool's.
    pub fn commit(self) -> Result<(), EnvError> {
        if !present(&self.output)? {
            return fs::rename(&self.staging, &self.output)
                .map_err(|e| EnvError::io(&self.output, e));
        }
        if let Err(e) = self.mark_the_old_output() {
            self.abandon();
            return Err(e);
        }
        if exchange(&self.staging, &self.output).map_err(|e| EnvError::io(&self.output, e))? {
            // The old output is now at the staging name; a failure here leaves it for the
            // next run's `begin` to clear.
            let _ = remove_ours(&self.staging, &self.output);
            return Ok(());
        }
        self.commit_by_renames()
    }

    /// The swap where there is no atomic exchange: output → `.NAME.old`, staging → output.
    /// A kill between the two leaves the old site at `.NAME.old`, which [`recover`] restores.
    fn commit_by_renames(self) -> Result<(), EnvError> {
        self.mark_the_old_output()?;
        remove_ours(&self.previous, &self.output)?;
        fs::rename(&self.output, &self.previous).map_err(|e| EnvError::io(&self.output, e))?;
        if let Err(e) = fs::rename(&self.staging, &self.output) {
            let _ = fs::rename(&self.previous, &self.output);
            return Err(EnvError::io(&self.output, e));
        }
        let _ = remove_ours(&self.previous, &self.output);
        Ok(())
    }

    /// Puts the marker in the output about to be swapped out, if it is a folder without one (an
    /// earlier version's output, adopted by the guard): at the staging name or at `.NAME.old`
    /// it is then the tool's, to delete or put back.
    fn mark_the_old_output(&self) -> Result<(), EnvError> {
        let is_folder = fs::symlink_metadata(&self.output).is_ok_and(|m| m.is_dir());
        if is_folder && !is_marked_folder(&self.output) {
            write_marker(&self.output)?;
        }
        Ok(())
    }

    /// Drops the staged files; the output stays as it was.
    pub fn abandon(self) {
        let _ = remove_ours(&self.staging, &self.output);
    }
}

/// Exchanges two existing paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
/// `Ok(false)` when the kernel or the filesystem cannot (EINVAL, ENOSYS, EOPNOTSUPP): the
/// caller falls back to renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: `a` and `b` are NUL-terminated strings that outlive the call, which only reads
    // them; the other arguments are plain integers.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        return Ok(true);
    }
    let error = std::io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(error),
    }
}

/// No atomic exchange on this OS: the caller swaps with renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        // Every file lands inside the staging folder, whatever its path says.
        let relative = paths::output_file(&file.path).map_err(|why| EnvError::new(self.output.clone(), format!(
                "refusing to write {:?}: an output file's path must stay inside the output folder ({why})",
                file.path
            )))?;
        let target = relative.under(&self.staging);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| EnvError::io(dir, e))?;
        }
        match &file.contents {
            Contents::Bytes(bytes) => {
                fs::write(&target, bytes).map_err(|e| EnvError::io(&target, e))
            }
            Contents::CopyOf(source) => fs::copy(source, &target)
                .map(drop)
                .map_err(|e| EnvError::io(source, e)),
            // Another file system or one without links: a copy does as well.
            Contents::LinkOf(source) => fs::hard_link(source, &target)
                .or_else(|_| fs::copy(source, &target).map(drop))
                .map_err(|e| EnvError::io(source, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output_guard::{MARKER, MARKER_TEXT};

    fn site(dir: &Path, text: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join("index.html"), text).unwrap();
    }

    /// A folder the tool made: `site` with the marker.
    fn marked(dir: &Path, text: &str) {
        site(dir, text);
        fs::write(dir.join(MARKER), MARKER_TEXT).unwrap();
    }

    fn staged(output: &Path, text: &str) -> Staging {
        let staging = Staging::begin(output).unwrap();
        staging
            .put(OutputFile {
                path: "index.html".into(),
                contents: Contents::Bytes(text.as_bytes().to_vec()),
                source: "test".into(),
            })
            .unwrap();
        staging
    }

    #[test]
    fn commit_replaces_the_output_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        site(&output, "old");
        staged(&output, "new").commit().unwrap();
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "new"
        );
        assert!(output.join(MARKER).is_file());
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only public/ is left");
    }

    #[test]
    fn the_fallback_renames_replace_the_output_too() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        site(&output, "old");
        staged(&output, "new").commit_by_renames().unwrap();
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "new"
        );
        assert!(!dir.path().join(".public.old").exists());
    }

    #[test]
    fn a_swap_killed_between_renames_is_undone_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        marked(&dir.path().join(".public.old"), "old");
        marked(&dir.path().join(".public.new"), "half");
        let staging = Staging::begin(&output).unwrap();
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "old"
        );
        assert!(!dir.path().join(".public.old").exists());
        staging.abandon();
        assert!(!dir.path().join(".public.new").exists());
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "old"
        );
    }

    #[test]
    #[cfg(unix)]
    fn a_link_at_the_old_name_is_not_made_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        site(&dir.path().join("mine"), "mine");
        fs::write(dir.path().join("mine").join(MARKER), MARKER_TEXT).unwrap();
        std::os::unix::fs::symlink(dir.path().join("mine"), dir.path().join(".public.old"))
            .unwrap();
        // Even to a marked folder: the link is not a folder the tool made.
        let refused = recover(&output).unwrap_err();
        assert!(refused.message().contains("is not the tool's"), "{refused}");
        assert!(Staging::begin(&output).is_err());
        assert!(!output.exists());
        assert!(
            fs::symlink_metadata(dir.path().join(".public.old"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("mine/index.html")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn unmarked_folders_at_the_staging_names_are_neither_restored_nor_deleted() {
        for (name, output_exists) in [
            (".public.old", false),
            (".public.old", true),
            (".public.new", false),
            (".public.new", true),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let output = dir.path().join("public");
            if output_exists {
                marked(&output, "site");
            }
            site(&dir.path().join(name), "mine");
            let refused = Staging::begin(&output).err().expect(name);
            assert!(refused.message().contains("move it away"), "{refused}");
            assert_eq!(refused.path(), dir.path().join(name));
            assert!(recover(&output).is_err());
            assert_eq!(
                fs::read_to_string(dir.path().join(name).join("index.html")).unwrap(),
                "mine",
                "{name}"
            );
            assert_eq!(output.exists(), output_exists, "{name}");
            let left = fs::read_dir(dir.path()).unwrap().count();
            assert_eq!(left, 1 + usize::from(output_exists), "{name}: nothing made");
        }
    }

    #[test]
    fn an_unmarked_old_output_is_marked_before_it_is_swapped_aside() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        site(&output, "old");
        let staging = staged(&output, "new");
        staging.mark_the_old_output().unwrap();
        assert!(is_marked_folder(&output));
        staging.commit().unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn paths_leaving_the_output_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::begin(&dir.path().join("public")).unwrap();
        for path in ["../escape.html", "/etc/x", "a/../../b", ""] {
            let put = staging.put(OutputFile {
                path: path.into(),
                contents: Contents::Bytes(Vec::new()),
                source: "test".into(),
            });
            assert!(put.is_err(), "{path}");
        }
        assert!(!dir.path().join("escape.html").exists());
    }
}
