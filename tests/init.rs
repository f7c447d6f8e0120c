//! `aspnet-kb init DIR [--upstream PATH] [--lang LIST]`: a new site that builds at once, a
//! mirror skeleton, a refusal (exit 2, nothing written) of a folder in use, and CI workflows
//! whose YAML has the jobs, steps and commands that check requests and publish `main`.

use serde_yaml::Value;
use std::path::Path;
use std::process::Command;

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn aspnet_kb(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .args(args)
        .output()
        .expect("run aspnet-kb");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `init` into `dir` with `options`, and fails the test unless it succeeded.
fn init_ok(dir: &Path, options: &[&str]) {
    let mut args = vec!["init", dir.to_str().expect("a UTF-8 temporary path")];
    args.extend(options);
    let run = aspnet_kb(&args);
    assert_eq!(run.status, 0, "init failed:\n{}{}", run.stdout, run.stderr);
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(dir: &Path, path: &str) -> Value {
    serde_yaml::from_str(&read(dir, path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The files of `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_new_site_builds_at_once_in_every_language() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("site");
    init_ok(&dir, &["--lang", "fr,ar,pt-BR"]);
    let written = files(&dir);
    for path in [
        ".gitignore",
        ".github/workflows/aspnet-kb.yml",
        ".gitlab-ci.yml",
        "README.md",
        "site.yaml",
        "content/_index.md",
        "content/_index.ar.md",
        "content/_index.pt-br.md",
        "content/practices/_index.md",
        "content/practices/example-school-garden.md",
        "content/themes/esd.md",
    ] {
        assert!(written.contains(&path.to_string()), "{path} in {written:?}");
    }
    assert!(!written.contains(&"content/_index.fr.md".to_string()));
    let site = yaml(&dir, "site.yaml");
    assert_eq!(site["default_language"], "fr");
    assert_eq!(site["languages"]["ar"]["name"], "العربية");
    assert_eq!(site["languages"]["ar"]["direction"], "rtl");
    assert_eq!(site["languages"]["pt-BR"]["name"], "português (Brasil)");
    let ignored = read(&dir, ".gitignore");
    assert!(ignored.lines().any(|l| l == ".aspnet-kb/"), "{ignored}");
    assert!(ignored.lines().any(|l| l == "public/"), "{ignored}");
    let readme = read(&dir, "README.md");
    for section in ["## Preview", "## Add a page", "## Translate", "## Publish"] {
        assert!(readme.contains(section), "{section} in README.md");
    }
    assert!(readme.contains("aspnet-kb new translation content/practices/water.md --lang ar"));
    assert!(readme.contains("The home page's translations are there already"));
    let root = dir.to_str().expect("UTF-8");
    let build = aspnet_kb(&["build", "--root", root]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    assert!(
        build.stderr.contains("0 warnings, 0 errors"),
        "{}",
        build.stderr
    );
    for page in [
        "fr/practices/example-school-garden/index.html",
        "ar/index.html",
        "pt-br/themes/esd/index.html",
    ] {
        assert!(dir.join("public").join(page).is_file(), "{page}");
    }
    let ar_home = read(&dir.join("public"), "ar/index.html");
    assert!(
        ar_home.contains("dir=\"rtl\""),
        "the Arabic site is right-to-left"
    );
}

#[test]
fn one_language_by_default() {
    let temp = tempfile::tempdir().expect("temp dir");
    init_ok(temp.path(), &[]);
    let site = yaml(temp.path(), "site.yaml");
    assert_eq!(site["default_language"], "en");
    let languages = site["languages"].as_mapping().map(|m| m.len());
    assert_eq!(languages, Some(1));
    let readme = read(temp.path(), "README.md");
    assert!(!readme.contains("home page's translations"), "{readme}");
    let root = temp.path().to_str().expect("UTF-8");
    let build = aspnet_kb(&["build", "--root", root]);
    assert_eq!(build.status, 0, "{}", build.stderr);
}

#[test]
fn a_folder_in_use_or_a_bad_option_is_refused_and_nothing_is_written() {
    let temp = tempfile::tempdir().expect("temp dir");
    let used = temp.path().join("used");
    std::fs::create_dir(&used).expect("mkdir");
    std::fs::write(used.join("notes.txt"), "mine").expect("write");
    let run = aspnet_kb(&["init", used.to_str().expect("UTF-8")]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("exists and is not empty"),
        "{}",
        run.stderr
    );
    assert_eq!(files(&used), ["notes.txt"]);

    let file = temp.path().join("notes.txt");
    std::fs::write(&file, "mine").expect("write");
    let run = aspnet_kb(&["init", file.to_str().expect("UTF-8")]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).ok().as_deref(), Some("mine"));

    for bad in [
        &["--lang", "fr,f r"][..],
        &["--lang", "en,EN"],
        &["--upstream", "/srv/global"],
    ] {
        let fresh = temp.path().join("fresh");
        let mut args = vec!["init", fresh.to_str().expect("UTF-8")];
        args.extend(bad);
        let run = aspnet_kb(&args);
        assert_eq!(run.status, 2, "{bad:?}: {}", run.stderr);
        assert!(!fresh.exists(), "{bad:?}: nothing may be written");
    }

    let empty = temp.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    init_ok(&empty, &[]);
    assert!(
        empty.join("site.yaml").is_file(),
        "an empty folder is accepted"
    );
}

#[test]
fn a_mirror_skeleton_names_its_upstream_languages_and_menu() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("maroc");
    init_ok(&dir, &["--upstream", "global", "--lang", "ar,fr"]);
    let written = files(&dir);
    assert_eq!(
        written,
        [
            ".github/workflows/aspnet-kb.yml",
            ".gitignore",
            ".gitlab-ci.yml",
            "README.md",
            "content/our-network.md",
            "site.yaml"
        ],
        "a mirror holds only what it adds: no copy of the global content"
    );
    let site = yaml(&dir, "site.yaml");
    assert_eq!(site["upstream"], "global");
    assert_eq!(site["default_language"], "ar");
    assert_eq!(site["source_language"], "ar");
    let languages: Vec<&str> = site["languages"]
        .as_mapping()
        .map(|m| m.keys().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert_eq!(languages, ["ar", "fr"]);
    assert_eq!(site["languages"]["ar"]["direction"], "rtl");
    assert_eq!(site["menu"][0]["page"], "@/our-network.md");
    assert!(
        site.get("upstream_url").is_none(),
        "upstream_url is an example"
    );
    let text = read(&dir, "site.yaml");
    assert!(
        text.lines()
            .any(|l| l.starts_with("# upstream_url: https://")),
        "{text}"
    );
    let about = read(&dir, "content/our-network.md");
    assert!(
        about.starts_with("---\n") && about.contains("\ntitle: "),
        "{about}"
    );
    let readme = read(&dir, "README.md");
    let at = |heading: &str| readme.find(heading).unwrap_or(usize::MAX);
    assert!(
        at("## The global site, as a submodule") < at("## Preview"),
        "the submodule comes first: nothing builds without it"
    );
    for needed in [
        "git submodule add <global repo URL> global",
        "git submodule update --remote global",
        "aspnet-kb translations --diff content/practices/water.fr.md",
        "aspnet-kb translations --done content/practices/water.fr.md",
        "## Preview",
        "## Publish",
    ] {
        assert!(
            readme.contains(needed),
            "`{needed}` in README.md:\n{readme}"
        );
    }
}

/// The step of a GitHub job whose action (`uses`) or command (`run`) starts with `action`.
fn step<'a>(job: &'a Value, action: &str) -> &'a Value {
    job["steps"]
        .as_sequence()
        .and_then(|steps| {
            steps.iter().find(|s| {
                s["uses"].as_str().is_some_and(|u| u.starts_with(action))
                    || s["run"].as_str().is_some_and(|r| r.starts_with(action))
            })
        })
        .unwrap_or_else(|| panic!("no step {action} in {job:?}"))
}

#[test]
fn the_github_workflow_checks_pull_requests_and_publishes_main() {
    let temp = tempfile::tempdir().expect("temp dir");
    init_ok(temp.path(), &[]);
    let workflow = yaml(temp.path(), ".github/workflows/aspnet-kb.yml");
    assert!(workflow["on"].get("pull_request").is_some(), "{workflow:?}");
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(workflow["env"]["ASPNET_KB_VERSION"], version.as_str());
    assert!(workflow["env"]["ASPNET_KB_GIT"].is_string());

    let site = &workflow["jobs"]["site"];
    assert_eq!(
        step(site, "actions/checkout")["with"]["submodules"],
        "recursive"
    );
    let cache = step(site, "actions/cache/restore");
    assert_eq!(cache["with"]["path"], "~/.cargo/bin/aspnet-kb");
    let key = cache["with"]["key"].as_str().unwrap_or_default();
    assert!(key.contains("${{ env.ASPNET_KB_VERSION }}"), "{key}");
    let cache_id = cache["id"].as_str().unwrap_or_default();
    let missed = format!("steps.{cache_id}.outputs.cache-hit != 'true'");
    // Saved right after compiling: a failing check must not lose the compiled tool.
    let save = step(site, "actions/cache/save");
    assert_eq!(save["with"]["path"], "~/.cargo/bin/aspnet-kb");
    assert_eq!(
        save["with"]["key"],
        format!("${{{{ steps.{cache_id}.outputs.cache-primary-key }}}}").as_str()
    );
    assert_eq!(save["if"].as_str(), Some(missed.as_str()));
    let install = step(site, "cargo install");
    assert_eq!(
        install["run"],
        "cargo install --locked --git \"$ASPNET_KB_GIT\" --tag \"$ASPNET_KB_VERSION\" aspnet-kb"
    );
    assert_eq!(
        install["if"].as_str(),
        Some(missed.as_str()),
        "the tool is compiled only when the cache misses"
    );
    let check = step(site, "aspnet-kb check");
    assert_eq!(check["run"], "aspnet-kb check --format github");
    assert!(check.get("if").is_none(), "every pull request is checked");
    let build = step(site, "aspnet-kb build");
    assert_eq!(build["if"], "github.event_name != 'pull_request'");
    assert_eq!(
        step(site, "actions/upload-pages-artifact")["with"]["path"],
        "public"
    );

    let deploy = &workflow["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "site");
    assert_eq!(deploy["if"], "github.event_name != 'pull_request'");
    assert_eq!(deploy["permissions"]["pages"], "write");
    assert_eq!(deploy["permissions"]["id-token"], "write");
    assert_eq!(deploy["environment"]["name"], "github-pages");
    step(deploy, "actions/deploy-pages");
}

#[test]
fn the_gitlab_pipeline_checks_merge_requests_and_publishes_main() {
    let temp = tempfile::tempdir().expect("temp dir");
    init_ok(temp.path(), &["--upstream", "global"]);
    let pipeline = yaml(temp.path(), ".gitlab-ci.yml");
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(pipeline["variables"]["ASPNET_KB_VERSION"], version.as_str());
    assert_eq!(pipeline["variables"]["GIT_SUBMODULE_STRATEGY"], "recursive");

    let shared = &pipeline[".aspnet-kb"];
    assert_eq!(shared["cache"]["key"], "aspnet-kb-$ASPNET_KB_VERSION");
    assert_eq!(shared["cache"]["paths"][0], ".ci-cache/");
    assert_eq!(shared["cache"]["when"], "always", "kept when a check fails");
    let setup: Vec<&str> = shared["before_script"]
        .as_sequence()
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        setup
            .iter()
            .any(|s| s.contains("if [ ! -x .ci-cache/bin/aspnet-kb ]")
                && s.contains("cargo install --locked --git \"$ASPNET_KB_GIT\"")
                && s.contains("--root .ci-cache")),
        "the tool is compiled only when the cache lacks it: {setup:?}"
    );

    let check = &pipeline["check"];
    assert_eq!(check["extends"], ".aspnet-kb");
    assert_eq!(
        check["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
    assert_eq!(
        check["script"][0],
        "aspnet-kb check --format gitlab > gl-code-quality-report.json"
    );
    assert_eq!(
        check["artifacts"]["reports"]["codequality"],
        "gl-code-quality-report.json"
    );
    assert_eq!(check["artifacts"]["when"], "always");

    let pages = &pipeline["pages"];
    assert_eq!(pages["extends"], ".aspnet-kb");
    assert_eq!(pages["rules"][0]["if"], "$CI_COMMIT_BRANCH == \"main\"");
    assert_eq!(
        pages["script"][0],
        "aspnet-kb build --base-url \"$CI_PAGES_URL/\""
    );
    assert_eq!(pages["artifacts"]["paths"][0], "public");
}
