//! `aspnet-kb search` turns away what it cannot answer quickly or safely, as usage errors
//! (exit 2, a message saying the bound), at once: a `--limit` outside 1..=1000, a query over
//! 512 bytes or 32 words, and a `--lang` that is not one of the site's languages (which never
//! reaches the file system).

mod common;

use common::{Run, Site};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// One built site shared by the tests (they only read it).
fn built() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = Site::fixture("basic");
        site.build_ok();
        site
    })
}

/// Runs `search` and returns its result and how long it took.
fn search(args: &[&str]) -> (Run, Duration) {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    let started = Instant::now();
    let run = built().run(&all);
    (run, started.elapsed())
}

/// A usage error: exit 2, the message, and quickly (a debug build starting on a busy machine).
fn assert_usage_error(args: &[&str], says: &str) {
    let (run, took) = search(args);
    let shown: Vec<String> = args.iter().map(|a| a.chars().take(40).collect()).collect();
    assert_eq!(run.status, 2, "{shown:?}: {}", run.stderr);
    assert!(run.stderr.contains(says), "{shown:?}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{shown:?}: {}", run.stdout);
    assert!(took < Duration::from_secs(3), "{shown:?} took {took:?}");
}

#[test]
fn the_limit_must_be_from_1_to_1000() {
    for limit in [
        "0",
        "1001",
        "4294967296",
        "18446744073709551615",
        "99999999999999999999999",
        "ten",
    ] {
        assert_usage_error(&["--limit", limit, "water"], "from 1 to 1000");
    }
    assert_usage_error(&["--limit=-1", "water"], "from 1 to 1000");
    for limit in ["1", "1000"] {
        let (run, _) = search(&["--json", "--limit", limit, "water"]);
        assert_eq!(run.status, 0, "--limit {limit}: {}", run.stderr);
    }
    let (run, _) = search(&["--json", "--limit", "1", "school"]);
    let hits: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{}", run.stdout);
}

#[test]
fn a_query_over_512_bytes_is_refused_at_once() {
    let huge = "water ".repeat(100_000 / 6);
    assert_usage_error(&[&huge], "at most 512 bytes");
    // Many arguments add up to one query.
    let words: Vec<String> = (0..200).map(|i| format!("word{i}")).collect();
    let mut args: Vec<&str> = vec!["--json"];
    args.extend(words.iter().map(String::as_str));
    assert_usage_error(&args, "at most 512 bytes");
    // Multi-byte letters count by their bytes.
    assert_usage_error(&[&"é".repeat(257)], "at most 512 bytes");
    let (run, _) = search(&["--json", &"é".repeat(256)]);
    assert_eq!(run.status, 0, "512 bytes are allowed: {}", run.stderr);
}

#[test]
fn a_query_over_32_words_is_refused() {
    let words = |n: usize| vec!["water"; n].join(" ");
    assert_usage_error(&[&words(33)], "at most 32 words");
    let (run, took) = search(&["--json", &words(32)]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(took < Duration::from_secs(5), "32 words took {took:?}");
    // Words longer than five letters tolerate a typo: the costliest kind of query.
    let long = vec!["watering"; 32].join(" ");
    let (run, took) = search(&["--json", &long]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(took < Duration::from_secs(5), "32 long words took {took:?}");
}

#[test]
fn the_language_must_be_one_of_the_sites() {
    for lang in ["../../x", "..", "en/../../..", "/etc", "de", ""] {
        assert_usage_error(
            &["--lang", lang, "water"],
            "is not one of the site's languages (en, es, fr)",
        );
    }
    // Nothing was made from those values.
    let work = built().root().join(".aspnet-kb");
    assert!(!work.join("x").exists() && !built().root().join("x").exists());
    // A site language in another case is that language.
    let (run, _) = search(&["--json", "--lang", "FR", "ecoles"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("/aspnet/fr/"), "{}", run.stdout);
}

#[test]
fn the_language_is_checked_before_anything_else_is_read() {
    // A site without site.yaml has no languages: a usage error, not a guessed folder.
    let site = Site::empty();
    let run = site.run(&["search", "--lang", "../../x", "water"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
}
