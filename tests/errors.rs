//! Bad input: each class of mistake gives its located error (or warning), the exit status 1,
//! and leaves an existing output exactly as it was. `check` reports the same.

mod common;

use common::Site;

const PRACTICE: &str = "content/practices/water.md";

fn practice(front_matter: &str) -> String {
    format!("---\n{front_matter}\n---\nBody.\n")
}

const GOOD: &str =
    "title: Clean water\ndate: 2024-03-05\nsummary: Water.\ncountries: [ke]\nthemes: [esd]";

/// Builds the fixture, breaks it with `change`, and checks the error and the untouched output.
fn assert_rejected(change: impl Fn(&Site), expected: &[&str]) {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = site.snapshot();
    change(&site);
    let run = site.build();
    assert_eq!(
        run.status, 1,
        "expected content errors, got:\n{}",
        run.stderr
    );
    for line in expected {
        assert!(
            run.stderr.contains(line),
            "expected `{line}` in:\n{}",
            run.stderr
        );
    }
    assert!(site.snapshot() == before, "the previous output was changed");
    let check = site.run(&["check"]);
    assert_eq!(check.status, 1);
    for line in expected {
        assert!(
            check.stderr.contains(line),
            "check: expected `{line}` in:\n{}",
            check.stderr
        );
    }
}

#[test]
fn unclosed_front_matter() {
    assert_rejected(
        |s| s.write(PRACTICE, "---\ntitle: x\n\nBody without an end.\n"),
        &[
            "error: content/practices/water.md:1: front matter is not closed",
            "hint: add a line with just `---`",
        ],
    );
}

#[test]
fn yaml_syntax_error_points_to_the_file_line() {
    assert_rejected(
        |s| {
            s.write(
                PRACTICE,
                &practice("title: ok\ndate: 2024-03-05\nsummary: Water: for all"),
            )
        },
        &[
            "error: content/practices/water.md:4:",
            "hint: a value containing `: ` must be quoted",
        ],
    );
}

#[test]
fn missing_required_key() {
    assert_rejected(
        |s| {
            s.write(
                PRACTICE,
                &practice("title: x\ndate: 2024-03-05\nsummary: y\nthemes: [esd]"),
            )
        },
        &["error: content/practices/water.md:1: missing required key `countries`"],
    );
}

#[test]
fn unknown_country() {
    assert_rejected(
        |s| s.write(PRACTICE, &practice(&GOOD.replace("[ke]", "[ke, xk1]"))),
        &[r#"error: content/practices/water.md:5:17: countries: unknown country code "xk1""#],
    );
}

#[test]
fn unknown_theme() {
    assert_rejected(
        |s| s.write(PRACTICE, &practice(&GOOD.replace("[esd]", "[esdd]"))),
        &[
            r#"content/practices/water.md:6:10: themes: unknown thematic area "esdd""#,
            "did you mean `esd`?",
        ],
    );
}

#[test]
fn unknown_level() {
    assert_rejected(
        |s| s.write(PRACTICE, &practice(&format!("{GOOD}\nlevels: [primery]"))),
        &[
            r#"content/practices/water.md:7:10: levels: unknown level "primery""#,
            "did you mean `primary`?",
        ],
    );
}

#[test]
fn unknown_member_id() {
    assert_rejected(
        |s| s.write(PRACTICE, &practice(&format!("{GOOD}\nmembers: [ke-9999]"))),
        &[r#"content/practices/water.md:7:11: members: unknown member id "ke-9999""#],
    );
}

#[test]
fn bad_date() {
    assert_rejected(
        |s| {
            s.write(
                PRACTICE,
                &practice(&GOOD.replace("2024-03-05", "2024-02-30")),
            )
        },
        &[
            r#"content/practices/water.md:3:7: date: "2024-02-30" is not a date"#,
            "YYYY-MM-DD",
        ],
    );
}

#[test]
fn duplicate_member_id() {
    assert_rejected(
        |s| {
            s.write(
                "content/members/ke/ke-0002.md",
                "---\nid: ke-0001\nname: Other\ncountry: ke\ncity: Mombasa\nlevels: [primary]\ntype: public\n---\n",
            )
        },
        &[r#"error: content/members/ke/ke-0002.md:2:5: id: duplicate member id "ke-0001""#],
    );
}

#[test]
fn broken_internal_link() {
    assert_rejected(
        |s| {
            s.write(
                PRACTICE,
                &format!("---\n{GOOD}\n---\nIntro.\n\nSee [x](@/practices/nowhere.md).\n"),
            )
        },
        &[
            "error: content/practices/water.md:10: broken internal link: @/practices/nowhere.md does not exist",
        ],
    );
}

#[test]
fn non_utf8_file() {
    assert_rejected(
        |s| std::fs::write(s.root().join(PRACTICE), b"---\ntitle: caf\xe9\n---\n").unwrap(),
        &[
            "error: content/practices/water.md:2:11: the file is not valid UTF-8",
            "save it as UTF-8",
        ],
    );
}

#[test]
fn url_collision() {
    assert_rejected(
        |s| {
            s.write(
                "content/practices/other.md",
                &practice(&format!("{GOOD}\nslug: water")),
            )
        },
        &["URL collision: /en/practices/water/ is also made by content/practices/"],
    );
}

#[test]
fn image_without_alt_text() {
    assert_rejected(
        |s| s.write(PRACTICE, &format!("---\n{GOOD}\n---\n![](photo.jpg)\n")),
        &["error: content/practices/water.md:8: image without alt text"],
    );
}

#[test]
fn every_problem_is_reported_at_once_and_sorted() {
    let site = Site::fixture("basic");
    site.write(
        PRACTICE,
        &practice(&GOOD.replace("[ke]", "[zz]").replace("[esd]", "[nope]")),
    );
    site.write("content/about.md", "no front matter\n");
    let run = site.build();
    assert_eq!(run.status, 1);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert!(errors[0].starts_with("error: content/about.md:1:"));
    assert!(!site.public().exists(), "nothing written");
}

#[test]
fn unknown_key_is_a_warning_naming_the_closest_key() {
    let site = Site::fixture("basic");
    site.write(PRACTICE, &practice(&format!("{GOOD}\nsumary: typo")));
    let run = site.build();
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning: content/practices/water.md:7:1: unknown key `sumary` is ignored\n  hint: did you mean `summary`?"), "{}", run.stderr);
}

#[test]
fn usage_and_environment_errors_exit_2() {
    let site = Site::empty();
    let run = site.build();
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no content/ folder"));
    let bad_flag = Site::fixture("basic").run(&["build", "--frobnicate"]);
    assert_eq!(bad_flag.status, 2);
}

#[test]
fn scripts_in_front_matter_and_markdown_are_neutralised() {
    let site = Site::fixture("basic");
    site.write(
        PRACTICE,
        &format!(
            "---\n{}\n---\n<script>alert('body')</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">link</a>\n\n<img src=x onerror=alert(2) alt=y>\n",
            GOOD.replace("title: Clean water", "title: \"<script>alert('title')</script>\"")
        ),
    );
    site.build_ok();
    let html = site.read("en/practices/water/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;")
    );
    assert!(
        !html.contains("javascript:") && !html.contains("onclick") && !html.contains("onerror"),
        "{html}"
    );
    let listing = site.read("en/practices/index.html");
    assert!(!listing.contains("<script>alert"));
}

#[test]
fn raw_html_is_kept_when_the_site_allows_it() {
    let site = Site::fixture("basic");
    let config = site.source("site.yaml");
    site.write("site.yaml", &format!("{config}allow_raw_html: true\n"));
    site.write(
        PRACTICE,
        &format!("---\n{GOOD}\n---\n<iframe src=\"https://example.org/map\"></iframe>\n"),
    );
    site.build_ok();
    assert!(
        site.read("en/practices/water/index.html")
            .contains("<iframe src=\"https://example.org/map\">")
    );
}

#[test]
fn a_failing_site_file_template_is_reported_not_dropped() {
    let site = Site::fixture("basic");
    site.build_ok();
    let before = site.snapshot();
    site.write(
        "themes/default/templates/chooser.html",
        "<!doctype html>{{ no_such_value }}",
    );
    let run = site.build();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: themes/templates/chooser.html: Failed to render"),
        "{}",
        run.stderr
    );
    assert!(site.snapshot() == before, "the previous output was changed");
}
