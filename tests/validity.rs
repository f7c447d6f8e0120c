//! Every page the demo site makes is valid HTML for the W3C Nu HTML Checker (`vnu.jar`, run
//! with Java). `.ci/run` installs it under `target/vnu/`; elsewhere, set `VNU_JAR` or install
//! it there (`npm install --prefix target/vnu vnu-jar`), or the test says it did not run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The checker's jar, or `None` (with a note) where it is not installed outside CI.
fn vnu_jar() -> Option<PathBuf> {
    let installed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/vnu/node_modules/vnu-jar/build/dist/vnu.jar");
    let found = std::env::var_os("VNU_JAR")
        .map(PathBuf::from)
        .into_iter()
        .chain([installed])
        .find(|p| p.exists());
    let java = Command::new("java").arg("-version").output().is_ok();
    if found.is_none() || !java {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Java and vnu.jar: .ci/run installs them"
        );
        eprintln!("note: vnu.jar or Java is missing; HTML validity not checked");
        return None;
    }
    found
}

#[test]
fn every_page_of_the_demo_site_is_valid_html() {
    let Some(jar) = vnu_jar() else { return };
    let (_output, public) = common::build_demo(&[]);
    let check = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--skip-non-html", "--errors-only"])
        .arg(&public)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&check.stderr);
    assert!(
        check.status.success() && !report.contains("error:"),
        "the Nu HTML Checker found errors:\n{}",
        report.lines().take(40).collect::<Vec<_>>().join("\n")
    );
}
