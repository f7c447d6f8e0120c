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
}
