//! `check --format text|github|gitlab|json`: the same problems, for people (standard error,
//! every format) and for CI (standard output): GitHub workflow commands escaped by GitHub's
//! rules, a GitLab Code Quality report, a JSON array. Exit statuses are those of `check`.

mod common;

use common::{Run, Site};
use serde_json::Value;

/// A file name that cannot become an address: an error whose path holds `,`, `:` and `%`.
const ODD_FILE: &str = "content/a,b:c%d.md";

/// The basic fixture with an error (an unknown country, line 5, column 13), a warning whose
/// message holds a comma, a colon, a newline and a `%` (an unknown key), and an error on a
/// file whose path holds a comma, a colon and a `%`.
fn broken_site() -> Site {
    let site = Site::fixture("basic");
    site.write(
        "content/practices/peace.md",
        "---\ntitle: Peace garden\ndate: 2022-06-01\nsummary: A garden for peace.\n\
         countries: [xq]\n\"odd, key: 100%\\nnext\": 1\nthemes: [gced]\n---\nBody.\n",
    );
    site.write(ODD_FILE, "---\ntitle: Odd\n---\n");
    site
}

fn check(site: &Site, format: &str) -> Run {
    site.run(&["check", "--format", format])
}

/// Standard error without the summary line, whose timings differ from run to run.
fn problems_text(run: &Run) -> String {
    run.stderr
        .lines()
        .filter(|l| !l.contains(" pages ("))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_array(run: &Run) -> Vec<Value> {
    match serde_json::from_str(&run.stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("not a JSON array: {other:?}\n{}", run.stdout),
    }
}

#[test]
fn every_format_keeps_the_text_on_stderr_and_the_exit_status() {
    let site = broken_site();
    let text = check(&site, "text");
    assert_eq!(text.status, 1, "{}", text.stderr);
    assert_eq!(text.stdout, "", "text writes nothing on standard output");
    assert!(
        text.stderr.contains(
            "error: content/practices/peace.md:5:13: countries: unknown country code \"xq\""
        ),
        "{}",
        text.stderr
    );
    assert_eq!(
        problems_text(&site.run(&["check"])),
        problems_text(&text),
        "text is the default"
    );
    for format in ["github", "gitlab", "json"] {
        let run = check(&site, format);
        assert_eq!(run.status, 1, "{format}: {}", run.stderr);
        assert_eq!(
            problems_text(&run),
            problems_text(&text),
            "{format}: standard error unchanged"
        );
    }
    let fixed = Site::fixture("basic");
    for format in ["text", "github", "gitlab", "json"] {
        let run = check(&fixed, format);
        assert_eq!(run.status, 0, "{format}: {}", run.stderr);
    }
    assert_eq!(check(&fixed, "github").stdout, "");
    assert!(parse_array(&check(&fixed, "gitlab")).is_empty());
    assert!(parse_array(&check(&fixed, "json")).is_empty());
}

#[test]
fn json_lists_every_problem_with_its_place_and_hint() {
    let run = check(&broken_site(), "json");
    let problems = parse_array(&run);
    assert_eq!(problems.len(), 3, "{}", run.stdout);
    let country = problems
        .iter()
        .find(|p| p["path"] == "content/practices/peace.md" && p["severity"] == "error")
        .expect("the country error");
    assert_eq!(country["line"], 5);
    assert_eq!(country["column"], 13);
    assert_eq!(country["message"], "countries: unknown country code \"xq\"");
    assert!(
        country["hint"]
            .as_str()
            .is_some_and(|h| h.contains("ISO 3166-1")),
        "{country}"
    );
    let warning = problems
        .iter()
        .find(|p| p["severity"] == "warning")
        .expect("the unknown key warning");
    assert_eq!(warning["line"], 2);
    assert_eq!(warning["column"], Value::Null, "an unknown column is null");
    assert!(
        warning["message"]
            .as_str()
            .is_some_and(|m| m.contains("odd, key: 100%\nnext")),
        "{warning}"
    );
    assert!(problems.iter().any(|p| p["path"] == "content/a,b:c%d.md"));
}

#[test]
fn gitlab_writes_a_code_quality_report_with_stable_fingerprints() {
    let site = broken_site();
    let run = check(&site, "gitlab");
    let issues = parse_array(&run);
    assert_eq!(issues.len(), 3, "{}", run.stdout);
    for issue in &issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(issue[key].is_string(), "{key} in {issue}");
        }
        assert!(issue["location"]["path"].is_string(), "{issue}");
        assert!(
            issue["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|l| l >= 1),
            "{issue}"
        );
    }
    let country = issues
        .iter()
        .find(|i| {
            i["severity"] == "blocker" && i["location"]["path"] == "content/practices/peace.md"
        })
        .expect("the country error is a blocker");
    assert_eq!(country["location"]["lines"]["begin"], 5);
    assert!(
        country["description"]
            .as_str()
            .is_some_and(|d| d.contains("unknown country code") && d.contains("hint: ")),
        "{country}"
    );
    assert!(issues.iter().any(|i| i["severity"] == "minor"));
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .filter_map(|i| i["fingerprint"].as_str())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 3, "one fingerprint per problem");
    assert_eq!(
        check(&site, "gitlab").stdout,
        run.stdout,
        "the same problems give the same report"
    );
}

#[test]
fn github_annotations_are_escaped_by_githubs_rules() {
    let run = check(&broken_site(), "github");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "one line per problem:\n{}", run.stdout);
    assert!(
        lines.contains(
            &"::error file=content/practices/peace.md,line=5,col=13,title=aspnet-kb check::\
              countries: unknown country code \"xq\"%0Ahint: use an ISO 3166-1 alpha-2 code; \
              did you mean `gq`?"
        ),
        "{}",
        run.stdout
    );
    // In a message: `%` and the newline encoded, `,` and `:` as they are.
    let warning = lines
        .iter()
        .find(|l| l.starts_with("::warning file=content/practices/peace.md,line=2,title="))
        .expect("the warning");
    assert!(
        warning.contains("::unknown key `odd, key: 100%25%0Anext` is ignored%0Ahint: "),
        "{warning}"
    );
    // In a property (the file): `,` `:` and `%` encoded too.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::error file=content/a%2Cb%3Ac%25d.md,line=1,title=")),
        "{}",
        run.stdout
    );
}

#[test]
fn environment_errors_exit_2_in_every_format() {
    let site = Site::empty();
    let text = check(&site, "text");
    assert_eq!(text.status, 2, "{}", text.stderr);
    assert!(
        text.stderr.contains("no content/ folder"),
        "{}",
        text.stderr
    );
    let github = check(&site, "github");
    assert_eq!(github.status, 2);
    assert!(
        github
            .stdout
            .starts_with("::error file=content,title=aspnet-kb check::no content/ folder"),
        "{}",
        github.stdout
    );
    for format in ["gitlab", "json"] {
        let run = check(&site, format);
        assert_eq!(run.status, 2, "{format}: {}", run.stderr);
        let problems = parse_array(&run);
        assert_eq!(problems.len(), 1, "{format}: {}", run.stdout);
        assert!(run.stdout.contains("no content/ folder"), "{}", run.stdout);
        assert!(run.stderr.contains("no content/ folder"), "{}", run.stderr);
    }
    assert_eq!(parse_array(&check(&site, "json"))[0]["path"], "content");
    let unknown = Site::fixture("basic").run(&["check", "--format", "xml"]);
    assert_eq!(unknown.status, 2, "an unknown format is a usage error");
}
