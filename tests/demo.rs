//! The demo site in `content/` builds without a warning and has what the README promises.

use std::process::Command;

#[test]
fn the_demo_site_builds_cleanly_in_three_languages() {
    let output = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(output.path().join("public"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    let public = output.path().join("public");
    for lang in ["en", "fr", "es"] {
        for page in [
            "index.html",
            "about/index.html",
            "practices/sandwatch/index.html",
            "guides/member-institutions/01-joining/index.html",
        ] {
            assert!(public.join(lang).join(page).exists(), "{lang}/{page}");
        }
    }
    let practices = std::fs::read_dir(public.join("en/practices"))
        .unwrap()
        .count();
    assert!(practices >= 12, "{practices} entries under en/practices");
    // One build for both checks: two builds of one root at once share `.aspnet-kb/`.
    assert_matches_snapshot(&public);
}

/// FNV-1a, 64 bits: a stable hash for the snapshot (std's hasher may change between releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every file of the demo site's output, byte for byte, is what `tests/snapshots/demo.txt`
/// records (a hash per path): templates, contexts and site files (feeds, sitemaps,
/// robots.txt, redirects, 404) may be reorganised, never changed by accident. After a change
/// meant to show, rewrite the snapshot with `UPDATE_SNAPSHOTS=1 cargo test --test demo` and
/// say in the commit what changed for readers.
fn assert_matches_snapshot(public: &std::path::Path) {
    let mut lines: Vec<String> = walkdir::WalkDir::new(public)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e
                .path()
                .strip_prefix(public)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let bytes = std::fs::read(e.path()).unwrap();
            format!("{:016x} {path}", fnv1a(&bytes))
        })
        .filter(|line| !line.ends_with(" .aspnet-kb-output"))
        .collect();
    lines.sort_by(|a, b| a[17..].cmp(&b[17..]));
    let actual = lines.join("\n") + "\n";
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/demo.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    let expected: std::collections::BTreeSet<&str> = expected.lines().collect();
    let actual: std::collections::BTreeSet<&str> = actual.lines().collect();
    let differ: Vec<&str> = expected
        .symmetric_difference(&actual)
        .map(|line| &line[17..])
        .collect();
    assert!(
        differ.is_empty(),
        "{} output files differ from tests/snapshots/demo.txt (changed, missing or new): {:?}",
        differ.len(),
        differ.iter().take(40).collect::<Vec<_>>()
    );
}
