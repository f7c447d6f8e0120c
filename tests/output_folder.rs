//! The output folder is the tool's alone: `build` refuses (exit 2, nothing touched) an output
//! that is the root, contains it, lies inside the root's own folders, is a link, or is a
//! non-empty folder the tool did not make; it marks every output, adopts an earlier version's
//! output once (only if it holds nothing an earlier version did not write), puts back a site a
//! killed swap left aside (only its own, marked), refuses folders of the user's at the staging
//! names `.NAME.new` and `.NAME.old`, keeps its working folder `.aspnet-kb/` free of links, and
//! builds one root at a time.

#![cfg(unix)]

mod common;

use common::{Run, Site};
use std::fs;
use std::path::{Path, PathBuf};

const MARKER: &str = ".aspnet-kb-output";

/// The fixture, with a `.git` folder and a `static/` folder of the user's.
fn site() -> Site {
    let site = Site::fixture("basic");
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    site.write(".git/config", "[core]\n\tbare = false\n");
    site.write(".git/objects/ab/cdef", "object bytes");
    site.write("static/CNAME", "example.org\n");
    site
}

/// Every entry under `dir` (links not followed): files with their bytes, folders and links by
/// path, so "nothing changed" covers files and folders made or removed too.
fn tree(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut entries = Vec::new();
    walk(dir, dir, &mut entries);
    entries.sort();
    entries
}

fn walk(root: &Path, dir: &Path, entries: &mut Vec<(PathBuf, Option<Vec<u8>>)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let relative = path.strip_prefix(root).unwrap().to_path_buf();
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            entries.push((
                relative,
                Some(
                    fs::read_link(&path)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                ),
            ));
        } else if meta.is_dir() {
            entries.push((relative, None));
            walk(root, &path, entries);
        } else {
            entries.push((relative, Some(fs::read(&path).unwrap())));
        }
    }
}

fn assert_refused(run: &Run, label: &str, says: &str) {
    assert_eq!(run.status, 2, "{label}: {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("error: {label}: ")),
        "{label}: {}",
        run.stderr
    );
    assert!(run.stderr.contains(says), "{label}: {}", run.stderr);
    assert!(run.stderr.contains("hint: "), "{label}: {}", run.stderr);
}

#[test]
fn outputs_over_the_users_files_are_refused_and_nothing_is_touched() {
    let site = site();
    fs::create_dir_all(site.root().join("themes/default")).unwrap();
    fs::write(site.root().join("themes/default/keep.txt"), "mine").unwrap();
    let before = tree(site.root());
    for (output, says) in [
        ("content", "may not be the site's content/"),
        ("content/practices", "may not be inside content/"),
        ("content/new-folder", "may not be inside content/"),
        ("content/../content", "may not be the site's content/"),
        ("themes", "may not be the site's themes/"),
        ("themes/default", "may not be inside themes/"),
        ("static", "may not be the site's static/"),
        ("static/out", "may not be inside static/"),
        (".git", "may not be the site's .git/"),
        (".git/objects", "may not be inside .git/"),
        (".aspnet-kb/out", "may not be inside .aspnet-kb/"),
        (".", "may not be the site root"),
        ("public/..", "may not be the site root"),
        ("..", "may not contain the site root"),
        ("/", "may not contain the site root"),
        ("site.yaml", "is not a folder"),
    ] {
        let run = site.run_in_root(&["build", "--output", output]);
        assert_refused(&run, &format!("--output {output}"), says);
        assert_eq!(
            tree(site.root()),
            before,
            "--output {output} changed the site's files"
        );
    }
    // Given as an absolute path, and with the sources reached through other spellings.
    let absolute = site.root().join("content");
    let run = site.run_in_root(&["build", "--output", absolute.to_str().unwrap()]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(tree(site.root()), before);
}

#[test]
fn links_cannot_smuggle_the_output_into_the_sources() {
    let site = site();
    let root = site.root();
    std::os::unix::fs::symlink(root.join("content"), root.join("to-content")).unwrap();
    std::os::unix::fs::symlink(root, root.join("to-root")).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling")).unwrap();
    let before = tree(root);
    for (output, says) in [
        ("to-content", "may not be a symbolic link"),
        ("to-content/", "may not be a symbolic link"),
        ("to-content/sub", "may not be inside content/"),
        (
            "to-root/public/../content",
            "may not be the site's content/",
        ),
        ("to-root/new", "ok"),
        ("dangling", "may not be a symbolic link"),
        ("dangling/sub", "symbolic link to nothing"),
    ] {
        let run = site.run_in_root(&["build", "--output", output]);
        if says == "ok" {
            // A link to the root, then a new folder: an ordinary output beside the sources.
            assert_eq!(run.status, 0, "{output}: {}", run.stderr);
            fs::remove_dir_all(root.join("new")).unwrap();
            fs::remove_dir_all(root.join(".aspnet-kb")).unwrap();
        } else {
            assert_refused(&run, &format!("--output {output}"), says);
        }
        assert_eq!(tree(root), before, "--output {output} changed the site");
    }
}

#[test]
fn a_content_folder_that_is_a_link_is_protected_where_it_points() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let content = elsewhere.path().join("content");
    fs::rename(site.root().join("content"), &content).unwrap();
    std::os::unix::fs::symlink(&content, site.root().join("content")).unwrap();
    let before = tree(elsewhere.path());
    for output in [
        content.clone(),
        content.join("x"),
        elsewhere.path().to_path_buf(),
    ] {
        let run = site.run_in_root(&["build", "--output", output.to_str().unwrap()]);
        assert_eq!(run.status, 2, "{}: {}", output.display(), run.stderr);
        assert!(run.stderr.contains("content/"), "{}", run.stderr);
    }
    assert_eq!(tree(elsewhere.path()), before);
}

#[test]
fn a_non_empty_folder_the_tool_did_not_make_is_refused() {
    let site = site();
    site.write("mine/notes.txt", "my notes");
    site.write("mine/sub/photo.jpg", "jpeg");
    // Two of the three files of an earlier output are not enough.
    site.write("mine/sitemap.xml", "<urlset/>");
    site.write("mine/robots.txt", "User-agent: *");
    let before = tree(site.root());
    let run = site.run_in_root(&["build", "--output", "mine"]);
    assert_refused(
        &run,
        "--output mine",
        "not empty and was not written by aspnet-kb",
    );
    assert!(run.stderr.contains(MARKER), "{}", run.stderr);
    assert_eq!(tree(site.root()), before);

    // The default output too.
    site.write("public/index.html", "my own page");
    let before = tree(site.root());
    let run = site.run_in_root(&["build"]);
    assert_refused(&run, "the default output public/", "not empty");
    assert_eq!(tree(site.root()), before);
}

#[test]
fn every_output_is_marked_and_an_empty_folder_is_accepted() {
    let site = site();
    fs::create_dir(site.public()).unwrap();
    site.build_ok();
    assert!(site.read(MARKER).starts_with("# "), "a one-line comment");
    assert_eq!(site.read(MARKER).lines().count(), 1);
    // A marked output is replaced by the next build.
    site.build_ok();
    let out = site.root().join("elsewhere/out");
    let run = site.run_in_root(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(out.join(MARKER).is_file());
    assert!(out.join("en/index.html").is_file());
    // Nothing is left beside either output.
    assert!(!site.root().join(".public.new").exists());
    assert!(!site.root().join(".public.old").exists());
    assert!(!site.root().join("elsewhere/.out.new").exists());
}

#[test]
fn an_earlier_versions_output_is_adopted_once() {
    let site = site();
    for file in [
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "index.html",
        "en/index.html",
        "en/stale.html",
        "fr/sitemap.xml",
        "pt-br/index.html",
        "static/old-style.css",
        "old-address/index.html",
        "2019/05/moved/index.html",
    ] {
        site.write(&format!("public/{file}"), "from an earlier version");
    }
    site.build_ok();
    assert!(site.exists(MARKER));
    for stale in [
        "en/stale.html",
        "pt-br",
        "old-address",
        "2019",
        "static/old-style.css",
    ] {
        assert!(
            !site.exists(stale),
            "{stale}: the old output was replaced whole"
        );
    }
    assert_ne!(site.read("en/index.html"), "from an earlier version");
    for leftover in [".public.old", ".public.new"] {
        assert!(!site.root().join(leftover).exists(), "{leftover}");
    }
}

#[test]
fn an_earlier_output_with_anything_of_the_users_at_its_top_is_refused() {
    let site = site();
    // The three files of an earlier output do not make the rest of the folder the tool's.
    for file in ["sitemap.xml", "robots.txt", "404.html"] {
        site.write(&format!("victim/{file}"), "looks like an output");
    }
    site.write("victim/src/thesis.docx", "four years of work");
    site.write("victim/en/index.html", "an earlier page");
    let before = tree(site.root());
    let run = site.run_in_root(&["build", "--output", "victim"]);
    assert_refused(
        &run,
        "--output victim",
        "not empty and was not written by aspnet-kb",
    );
    assert!(run.stderr.contains("folder \"src\""), "{}", run.stderr);
    assert_eq!(tree(site.root()), before, "nothing was touched");

    // A file of the user's beside them, a folder that is neither a language's nor an alias's,
    // a link: each is named.
    for (extra, named) in [
        ("victim2/notes.txt", "file \"notes.txt\""),
        ("victim2/my_photos/index.html", "folder \"my_photos\""),
        ("victim2/old/index.htm", "folder \"old\""),
    ] {
        let site = Site::fixture("basic");
        for file in ["sitemap.xml", "robots.txt", "404.html", "en/index.html"] {
            site.write(&format!("victim2/{file}"), "from an earlier version");
        }
        site.write(extra, "mine");
        if extra.contains("my_photos") {
            site.write("victim2/my_photos/cat.jpg", "jpeg");
        }
        let before = tree(site.root());
        let run = site.run_in_root(&["build", "--output", "victim2"]);
        assert_refused(&run, "--output victim2", named);
        assert_eq!(tree(site.root()), before, "{extra}");
    }
    let site = Site::fixture("basic");
    for file in ["sitemap.xml", "robots.txt", "404.html"] {
        site.write(&format!("victim3/{file}"), "from an earlier version");
    }
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("victim3/en"))
        .unwrap();
    let before = tree(site.root());
    let run = site.run_in_root(&["build", "--output", "victim3"]);
    assert_refused(&run, "--output victim3", "symbolic link \"en\"");
    assert_eq!(tree(site.root()), before);
}

#[test]
fn folders_of_the_users_at_the_staging_names_are_refused_and_kept() {
    // Beside an existing output, and beside a missing one (where a marked `.NAME.old` would be
    // put back): an unmarked folder is neither deleted nor made the output.
    for (name, output_exists) in [
        (".public.old", true),
        (".public.old", false),
        (".public.new", true),
        (".public.new", false),
    ] {
        let site = site();
        let run = site.run_in_root(&["build", "--output", "o/public"]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        if !output_exists {
            fs::remove_dir_all(site.root().join("o/public")).unwrap();
        }
        site.write(&format!("o/{name}/keep.txt"), "my notes");
        site.write(&format!("o/{name}/deeper/photo.jpg"), "jpeg bytes");
        let before = tree(site.root());
        let run = site.run_in_root(&["build", "--output", "o/public"]);
        assert_eq!(run.status, 2, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "{name}: {name} beside the output is not the tool's: move it away"
            )),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("hint: "), "{}", run.stderr);
        assert_eq!(tree(site.root()), before, "{name}: nothing was touched");
        assert_eq!(
            fs::read(site.root().join(format!("o/{name}/keep.txt"))).unwrap(),
            b"my notes"
        );
        // Moved away, the build goes on.
        fs::rename(
            site.root().join(format!("o/{name}")),
            site.root().join("moved"),
        )
        .unwrap();
        let run = site.run_in_root(&["build", "--output", "o/public"]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert_eq!(
            fs::read(site.root().join("moved/keep.txt")).unwrap(),
            b"my notes"
        );
    }

    // A file or a link at a staging name is not the tool's either.
    let site = site();
    site.build_ok();
    site.write(".public.new", "a file of mine");
    let before = tree(site.root());
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not the tool's"), "{}", run.stderr);
    assert_eq!(tree(site.root()), before);
    fs::remove_file(site.root().join(".public.new")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(
        elsewhere.path().join(MARKER),
        "marked, but reached through a link",
    )
    .unwrap();
    fs::write(elsewhere.path().join("keep.txt"), "mine").unwrap();
    fs::remove_dir_all(site.public()).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.root().join(".public.old")).unwrap();
    let before = tree(site.root());
    let outside = tree(elsewhere.path());
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not the tool's"), "{}", run.stderr);
    assert_eq!(tree(site.root()), before);
    assert_eq!(tree(elsewhere.path()), outside);
}

#[test]
fn the_search_indexs_staging_names_are_guarded_too() {
    let site = site();
    site.build_ok();
    site.write(".aspnet-kb/.index.old/keep.txt", "mine");
    let before = tree(site.root());
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".index.old beside the output is not the tool's"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(site.root()), before);
}

#[test]
fn the_marker_is_never_written_through_a_link() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim.txt");
    fs::write(&victim, "the user's").unwrap();
    // An unmarked search index (as an earlier version left it) whose marker is a planted link.
    fs::create_dir_all(site.root().join(".aspnet-kb/index")).unwrap();
    let marker = site.root().join(format!(".aspnet-kb/index/{MARKER}"));
    std::os::unix::fs::symlink(&victim, &marker).unwrap();
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is not the tool's marker"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "the user's");
    // Refused before anything was made: no site, no staging left.
    assert!(!site.public().exists());
    assert!(!site.root().join(".public.new").exists());
    assert!(!site.root().join(".aspnet-kb/.index.new").exists());
    // Once the link is gone, the next build goes through.
    fs::remove_file(&marker).unwrap();
    site.build_ok();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "the user's");
}

#[test]
fn a_killed_swap_is_undone_by_the_next_build_even_a_failing_one() {
    let site = site();
    site.build_ok();
    let old_site = site.snapshot();
    // A swap killed between its two renames: the site is aside, no output.
    fs::rename(site.public(), site.root().join(".public.old")).unwrap();
    site.write(".public.new/en/index.html", "half written");
    site.write(&format!(".public.new/{MARKER}"), "# staging\n");
    // A build with a content error writes nothing, but puts the old site back first.
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("countries: [ke]", "countries: [zz]"),
    );
    let run = site.build();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(site.snapshot(), old_site, "the old site is back as public/");
    assert!(!site.root().join(".public.old").exists());
    // A good build then replaces it.
    site.write(
        "content/practices/water.md",
        &water.replace("Clean water", "Fresh water"),
    );
    site.build_ok();
    assert!(
        site.read("en/practices/water/index.html")
            .contains("Fresh water")
    );
    assert!(site.exists(MARKER));
    for leftover in [".public.old", ".public.new"] {
        assert!(!site.root().join(leftover).exists(), "{leftover}");
    }
}

#[test]
fn the_old_site_is_never_deleted_while_the_output_is_missing() {
    let site = site();
    site.build_ok();
    let old_site = site.snapshot();
    fs::rename(site.public(), site.root().join(".public.old")).unwrap();
    // A run that stops before it writes anything (site.yaml broken) still restores it.
    let config = site.source("site.yaml");
    site.write("site.yaml", "title: [unclosed\n");
    let run = site.build();
    assert_ne!(run.status, 0);
    assert_eq!(site.snapshot(), old_site);
    site.write("site.yaml", &config);
    site.build_ok();
}

#[test]
fn the_working_folder_may_not_be_a_link() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::write(elsewhere.path().join("precious.txt"), "keep me").unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.root().join(".aspnet-kb")).unwrap();
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains(".aspnet-kb"), "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert!(!site.public().exists(), "nothing was built");
    let left: Vec<_> = fs::read_dir(elsewhere.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing was written where the link points");

    // Its index/ neither.
    fs::remove_file(site.root().join(".aspnet-kb")).unwrap();
    fs::create_dir(site.root().join(".aspnet-kb")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.root().join(".aspnet-kb/index")).unwrap();
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("index"), "{}", run.stderr);
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 1);
    // `search` reads no index through a link either.
    let run = site.run(&["search", "water"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
}

/// Runs `aspnet-kb build ARGS` while `held` (a lock another build would hold, the system's
/// advisory lock) is taken: checks that the build waits, saying `says`, and succeeds once
/// the lock is released (after `then`, what the other build does last).
fn build_waits_for(held: &Path, args: &[&std::ffi::OsStr], says: &str, then: impl FnOnce()) {
    let lock = fs::File::open(held).unwrap();
    lock.lock().unwrap();
    let mut waiting = std::process::Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .arg("build")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(waiting.try_wait().unwrap().is_none(), "it waits");
    then();
    drop(lock);
    let done = waiting.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success(), "{stderr}");
    assert!(stderr.contains(says), "{stderr}");
}

/// `--root ROOT --output OUTPUT`.
fn root_and_output<'a>(root: &'a Path, output: &'a Path) -> [&'a std::ffi::OsStr; 4] {
    [
        "--root".as_ref(),
        root.as_os_str(),
        "--output".as_ref(),
        output.as_os_str(),
    ]
}

#[test]
fn a_second_build_of_the_same_root_waits_for_the_first() {
    let site = site();
    site.build_ok();
    let root = ["--root".as_ref(), site.root().as_os_str()];
    let lock = site.root().join(".aspnet-kb/lock");
    build_waits_for(
        &lock,
        &root,
        "waiting for another build of this site to end",
        || {},
    );
    assert!(site.public().join("en/index.html").is_file());
}

#[test]
fn builds_of_two_roots_into_one_output_take_turns() {
    let (first, second) = (site(), site());
    let shared = tempfile::tempdir().unwrap();
    let output = shared.path().join("public");
    let run = first.run(&["build", "--output", output.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // The first root's build is writing: it holds the lock of the folder that holds the
    // output and its staging siblings.
    let second_args = root_and_output(second.root(), &output);
    build_waits_for(
        shared.path(),
        &second_args,
        "waiting for another build writing into",
        || {},
    );
    assert!(output.join("en/index.html").is_file());
    let mut names: Vec<String> = fs::read_dir(shared.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["public"],
        "no staging and no lock file beside the output"
    );
}

#[test]
fn a_build_with_errors_makes_no_folder_for_its_output() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let output = elsewhere.path().join("deep/er/public");
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("countries: [ke]", "countries: [zz]"),
    );
    let run = site.run(&["build", "--output", output.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(!elsewhere.path().join("deep").exists(), "nothing was made");
    site.write("content/practices/water.md", &water);
    let run = site.run(&["build", "--output", output.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(output.join("en/index.html").is_file());
}

#[test]
fn a_build_waiting_on_a_folder_removed_meanwhile_locks_the_new_one() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let parent = elsewhere.path().join("made/by/another");
    let output = parent.join("public");
    // Another build made the output's folder and holds it; it writes nothing and removes
    // the folder it made before it lets go; a third makes it anew and holds it a while.
    fs::create_dir_all(&parent).unwrap();
    let args = root_and_output(site.root(), &output);
    let says = "waiting for another build writing into";
    let third_done = Arc::new(AtomicBool::new(false));
    let done = Arc::clone(&third_done);
    build_waits_for(&parent, &args, says, || {
        fs::remove_dir_all(elsewhere.path().join("made")).unwrap();
        fs::create_dir_all(&parent).unwrap();
        let third = fs::File::open(&parent).unwrap();
        third.lock().unwrap();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            done.store(true, Ordering::SeqCst);
            drop(third);
        });
    });
    assert!(third_done.load(Ordering::SeqCst), "it waited for the third");
    assert!(output.join("en/index.html").is_file());
}

#[test]
fn the_lock_is_never_opened_through_a_link() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    fs::create_dir(site.root().join(".aspnet-kb")).unwrap();
    let target = elsewhere.path().join("made-by-the-build");
    std::os::unix::fs::symlink(&target, site.root().join(".aspnet-kb/lock")).unwrap();
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("lock"), "{}", run.stderr);
    assert!(!target.exists(), "nothing was made where the link points");
    assert!(!site.public().exists(), "nothing was built");
}

#[test]
fn the_search_index_and_its_staging_stay_in_the_working_folder() {
    let site = site();
    site.build_ok();
    site.build_ok();
    let work = site.root().join(".aspnet-kb");
    let mut names: Vec<String> = fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["index", "lock"], "no staging left beside the index");
    for lang in ["en", "fr", "es"] {
        assert!(work.join("index").join(lang).is_dir(), "{lang}");
    }
    let stray: Vec<String> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("index"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
