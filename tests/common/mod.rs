//! Helpers for integration tests: copy a fixture site to a temporary folder, run the binary on
//! it, and read what it wrote.
#![allow(dead_code)]

pub mod preview;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Site {
    pub dir: tempfile::TempDir,
    /// `dir`, or `dir/site` for a nested site, so that what appears beside it can be seen.
    root: PathBuf,
}

pub struct Run {
    pub status: i32,
    pub stderr: String,
    pub stdout: String,
}

impl Site {
    /// A copy of `tests/fixtures/<name>` that a test may change.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            dir.path(),
        );
        let root = dir.path().to_path_buf();
        Site { dir, root }
    }

    /// A copy of `tests/fixtures/<name>` in a folder of its own inside the temporary folder.
    pub fn fixture_nested(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            &dir.path().join("site"),
        );
        let root = dir.path().join("site");
        Site { dir, root }
    }

    pub fn empty() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        Site { dir, root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, path: &str, text: &str) {
        let path = self.root().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Gives the site a theme of its own, `plain`, with the default theme's page templates and
    /// interface strings (and none of its site files: feeds, sitemaps, robots.txt…).
    pub fn use_a_plain_theme(&self) {
        for template in [
            "base",
            "home",
            "page",
            "list",
            "directory",
            "search",
            "404",
            "macros",
        ] {
            let text = String::from_utf8(
                std::fs::read(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join(format!("themes/default/templates/{template}.html")),
                )
                .unwrap(),
            )
            .unwrap();
            self.write(&format!("themes/plain/templates/{template}.html"), &text);
        }
        for lang in ["en", "fr", "es"] {
            let strings = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("themes/default/i18n/{lang}.yaml"));
            self.write(
                &format!("themes/plain/i18n/{lang}.yaml"),
                &std::fs::read_to_string(strings).unwrap(),
            );
        }
        self.write(
            "site.yaml",
            &format!("{}\ntheme: plain\n", self.source("site.yaml")),
        );
    }

    pub fn remove(&self, path: &str) {
        fs::remove_file(self.root().join(path)).unwrap();
    }

    pub fn run(&self, args: &[&str]) -> Run {
        finish(
            Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
                .args(args)
                .arg("--root")
                .arg(self.root()),
        )
    }

    /// [`Site::run`] from inside the site's root (so relative outputs are relative to it).
    pub fn run_in_root(&self, args: &[&str]) -> Run {
        finish(
            Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
                .args(args)
                .arg("--root")
                .arg(self.root())
                .current_dir(self.root()),
        )
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    /// Builds and fails the test unless the build succeeded.
    pub fn build_ok(&self) -> Run {
        let run = self.build();
        assert_eq!(run.status, 0, "build failed:\n{}", run.stderr);
        run
    }

    /// A file of the output.
    pub fn read(&self, path: &str) -> String {
        let full = self.public().join(path);
        fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    /// A file of the site's sources.
    pub fn source(&self, path: &str) -> String {
        let full = self.root().join(path);
        fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.public().join(path).exists()
    }

    /// Every file of the output with its contents, for "nothing changed" checks.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        collect(&self.public(), &self.public(), &mut files);
        files.sort();
        files
    }

    /// Every file under `content/` with its contents.
    pub fn source_snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let content = self.root().join("content");
        let mut files = Vec::new();
        collect(&content, &content, &mut files);
        files.sort();
        files
    }
}

fn finish(command: &mut Command) -> Run {
    let output = command.output().expect("run aspnet-kb");
    Run {
        status: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            files.push((
                path.strip_prefix(root).unwrap().to_path_buf(),
                fs::read(&path).unwrap(),
            ));
        }
    }
}

/// Builds of the demo's root, one at a time within a test binary: they share its `.aspnet-kb/`
/// working folder.
static DEMO_BUILDS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The demo site of this repository built into a temporary folder (with `extra` arguments:
/// `--offline`, `--base-url`…), which must succeed: the folder, and the output in it.
pub fn build_demo(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let _one_at_a_time = DEMO_BUILDS.lock().unwrap_or_else(|e| e.into_inner());
    let output = tempfile::tempdir().unwrap();
    let public = output.path().join("public");
    let build = Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(&public)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    (output, public)
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Values of `attr="…"` in an HTML text.
pub fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// Serves `root` at `http://127.0.0.1:PORT{prefix}` from a background thread, as a plain static
/// host would (`/dir/` → `/dir/index.html`; a missing file gets `{prefix}404.html` with status
/// 404, as GitHub and GitLab Pages do). Returns the base URL.
pub fn serve_static(root: PathBuf, prefix: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let root = std::sync::Arc::new(root);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            // One thread per connection: Chromium opens connections ahead of its requests
            // (preconnects), which would block a server answering one at a time.
            let root = std::sync::Arc::clone(&root);
            std::thread::spawn(move || answer(stream, &root, prefix));
        }
    });
    format!("http://127.0.0.1:{port}{prefix}")
}

/// Answers one request of [`serve_static`].
fn answer(mut stream: std::net::TcpStream, root: &Path, prefix: &str) {
    use std::io::{BufRead, BufReader, Write};
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(30)));
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(path.split('?').next().unwrap_or("/"));
    let file = path
        .strip_prefix(prefix)
        .filter(|p| !p.contains(".."))
        .map(|p| {
            let f = root.join(p);
            if f.is_dir() { f.join("index.html") } else { f }
        })
        .filter(|f| f.is_file());
    let (status, body, kind) = match file {
        Some(f) => {
            let kind = match f.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                Some("svg") => "image/svg+xml",
                Some("xml") => "application/xml",
                _ => "application/octet-stream",
            };
            ("200 OK", fs::read(f).unwrap_or_default(), kind)
        }
        None => match fs::read(root.join("404.html")) {
            Ok(page) => ("404 Not Found", page, "text/html; charset=utf-8"),
            Err(_) => ("404 Not Found", b"not found".to_vec(), "text/plain"),
        },
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&body));
}

/// A URL's path with its `%XX` escapes decoded (as static hosts do: `/s/%D9%85.jsz`).
pub fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let escaped = path
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Headless Chromium, or `None` (with a note) where it is not installed outside CI.
pub fn chromium() -> Option<PathBuf> {
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium: .ci/run installs it"
        );
        eprintln!(
            "note: chromium is not installed; browser test not run (apt-get install chromium)"
        );
    }
    found
}

/// A headless Chromium driven through ChromeDriver's WebDriver API, in a fresh profile.
pub struct Browser {
    driver: std::process::Child,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a browser whose preferred language is `language`.
    pub fn start(chromium: &Path, language: &str, javascript: bool) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver)");
        let profile = tempfile::tempdir().unwrap();
        let mut prefs = serde_json::json!({"intl.accept_languages": language});
        if !javascript {
            prefs["profile.managed_default_content_settings.javascript"] = 2.into();
        }
        let capabilities = serde_json::json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     format!("--user-data-dir={}", profile.path().display()), format!("--lang={language}")],
            "prefs": prefs,
        }}}});
        let base = format!("http://127.0.0.1:{port}");
        let mut session = None;
        for _ in 0..50 {
            match ureq::post(&format!("{base}/session")).send_json(capabilities.clone()) {
                Ok(response) => {
                    let value: serde_json::Value = response.into_json().unwrap();
                    session = value["value"]["sessionId"]
                        .as_str()
                        .map(|s| format!("{base}/session/{s}"));
                    break;
                }
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
            }
        }
        Browser {
            driver,
            session: session.expect("a WebDriver session"),
            _profile: profile,
        }
    }

    pub fn open(&self, url: &str) {
        ureq::post(&format!("{}/url", self.session))
            .send_json(serde_json::json!({"url": url}))
            .expect("navigate");
    }

    /// Runs `script` (a function body) in the page and returns its result.
    pub fn run(&self, script: &str) -> serde_json::Value {
        let response = ureq::post(&format!("{}/execute/sync", self.session))
            .send_json(serde_json::json!({"script": script, "args": []}))
            .expect("execute script");
        response.into_json::<serde_json::Value>().unwrap()["value"].take()
    }

    pub fn source(&self) -> String {
        let response = ureq::get(&format!("{}/source", self.session))
            .call()
            .expect("page source");
        response.into_json::<serde_json::Value>().unwrap()["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Opens a search page and waits for its results: the status line and the result links.
    pub fn search_results(&self, url: &str) -> (String, Vec<String>) {
        self.open(url);
        self.wait_for_results()
    }

    /// Waits until the search page shows a result count, then returns it and the links.
    pub fn wait_for_results(&self) -> (String, Vec<String>) {
        for _ in 0..200 {
            let state = self.run(
                "var s = document.getElementById('search-status').textContent;
                 var links = Array.from(document.querySelectorAll('#results a')).map(a => a.getAttribute('href'));
                 return [s, links];",
            );
            let status = state[0].as_str().unwrap_or("").to_string();
            if !status.is_empty() && !status.ends_with('…') {
                let links = state[1]
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter_map(|h| h.as_str())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                return (status, links);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("no search results shown at {}", self.url());
    }

    /// Lays pages out as a phone `width` CSS pixels wide would (viewport meta honoured), or a
    /// desktop window from 500 px on: headless windows are never narrower than 500 px.
    pub fn emulate_width(&self, width: u32) {
        self.emulate_screen(width, 800);
    }

    /// Like `emulate_width`, with the screen's height (what shows without scrolling).
    pub fn emulate_screen(&self, width: u32, height: u32) {
        let params = serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500});
        ureq::post(&format!("{}/goog/cdp/execute", self.session))
            .send_json(
                serde_json::json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": params}),
            )
            .expect("device emulation");
    }

    /// Lays pages out for `media` (`print`, `screen`).
    pub fn emulate_media(&self, media: &str) {
        ureq::post(&format!("{}/goog/cdp/execute", self.session))
            .send_json(serde_json::json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": media}}))
            .expect("media emulation");
    }

    pub fn url(&self) -> String {
        let response = ureq::get(&format!("{}/url", self.session))
            .call()
            .expect("url");
        response.into_json::<serde_json::Value>().unwrap()["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.session).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Like `open`, but a WebDriver error (an alert open, a page that would not load) is
    /// returned rather than a panic.
    pub fn try_open(&self, url: &str) -> Result<(), String> {
        ureq::post(&format!("{}/url", self.session))
            .send_json(serde_json::json!({"url": url}))
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// Like `run`, but a WebDriver error (the page navigated away, an alert open) is returned.
    pub fn try_run(&self, script: &str) -> Result<serde_json::Value, String> {
        let response = ureq::post(&format!("{}/execute/sync", self.session))
            .send_json(serde_json::json!({"script": script, "args": []}))
            .map_err(|e| match e {
                ureq::Error::Status(code, r) => {
                    format!("{code}: {}", r.into_string().unwrap_or_default())
                }
                e => e.to_string(),
            })?;
        Ok(response
            .into_json::<serde_json::Value>()
            .map_err(|e| e.to_string())?["value"]
            .take())
    }
}
