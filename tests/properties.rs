//! Property-based tests: untrusted input (front matter, Markdown bodies, `site.yaml`, CSV
//! exports, search queries, request targets, whole pages) never panics the tool, never
//! writes outside the output, and costs time roughly linear in its size (and a build's
//! memory stays under a bound).
//!
//! Case counts: each property has a CI default (a few thousand cases in all, the whole file
//! in about a minute in debug). `PROPTEST_CASES=N` sets the pure-function properties to N
//! cases, the filesystem ones (import, serve) to N/20 and the end-to-end builds to N/200
//! (never fewer than their CI default). A long run:
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test --release --test properties -- --nocapture
//! ```
//!
//! Each property prints how many cases it ran and how long it took (`--nocapture`).

mod common;

use aspnet_kb::authoring::import::{Directory, import};
use aspnet_kb::config::{Config, Overrides};
use aspnet_kb::load::SourceFile;
use aspnet_kb::markdown::{BodySource, render};
use aspnet_kb::paths;
use aspnet_kb::search::analysis::{Analyzer, words};
use aspnet_kb::search::query::{MAX_QUERY_BYTES, MAX_QUERY_WORDS, check_query};
use aspnet_kb::serve::http::{Target, target};
use common::Site;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunConfig, TestCaseError, TestRunner};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Running

/// `PROPTEST_CASES`, if set.
fn requested() -> Option<u32> {
    std::env::var("PROPTEST_CASES").ok()?.trim().parse().ok()
}

/// Cases for a property: its CI default, or `PROPTEST_CASES / divisor` if that is more.
fn cases(ci_default: u32, divisor: u32) -> u32 {
    requested().map_or(ci_default, |n| (n / divisor).max(ci_default))
}

/// Runs `test` on `cases` values of `strategy`, failing (with the shrunk input) on the first
/// failed assertion or panic; prints the count and time.
fn check<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let config = RunConfig {
        cases,
        // A failure is reported with its input; no regression files in the source tree.
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..RunConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let start = Instant::now();
    let result = runner.run(&strategy, test);
    eprintln!(
        "property {name}: {cases} cases in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("property {name} failed: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Shared strategies

/// Awkward pieces of text: separators, quotes, traversal, controls, odd spaces, scripts.
const PIECES: &[&str] = &[
    "..",
    "/",
    "\\",
    ":",
    ": ",
    "\"",
    "'",
    "`",
    "#",
    "&",
    "*",
    "!",
    "|",
    ">",
    "-",
    "- ",
    "?",
    "%",
    "%2e%2e",
    "%2f",
    "%00",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\n",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\u{a0}",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "\u{2028}",
    "e\u{301}",
    "é",
    "ü",
    "مدارس",
    "省エネ",
    "हिन्दी",
    "🌍",
    "👩‍🏫",
    "x",
    "ke",
    "KE",
    "2024-03-05",
    "2024-02-30",
    "-1",
    "1e999",
    "99999999999999999999999",
    "0x1F",
    "null",
    "~",
    "true",
    "no",
    "yes",
    "javascript:alert(1)",
    "JaVaScRiPt:x",
    "data:text/html,x",
    "https://e.org/",
    "mailto:a@b.c",
    "<script>",
    "${x}",
    "{{ x }}",
    "{% x %}",
    "&amp;",
    "&#0;",
    ".git",
    "CON",
    "aux",
    "a b",
    " ",
];

/// A string made of awkward pieces and arbitrary characters.
fn nasty(max_parts: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            2 => "[a-z0-9-]{1,12}",
            2 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
            1 => "\\PC{1,8}",
        ],
        0..max_parts,
    )
    .prop_map(|parts| parts.concat())
}

/// A string that is sometimes very long.
fn nasty_or_long() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => nasty(8),
        1 => (nasty(3), 100usize..20_000).prop_map(|(s, n)| {
            let unit = if s.is_empty() { "a".to_string() } else { s };
            unit.repeat(n / unit.len().max(1) + 1)
        }),
    ]
}

// ---------------------------------------------------------------------------------------------
// 1. Front matter

const KEYS: &[&str] = &[
    "title",
    "summary",
    "date",
    "updated",
    "slug",
    "draft",
    "weight",
    "tags",
    "aliases",
    "template",
    "countries",
    "themes",
    "levels",
    "sdg_targets",
    "members",
    "image",
    "image_alt",
    "authors",
    "id",
    "name",
    "country",
    "city",
    "type",
    "joined",
    "website",
    "status",
    "lat",
    "lon",
    "email",
    "languages",
    "organization",
    "color",
    "icon",
];

const PAGE_PATHS: &[&str] = &[
    "content/practices/x.md",
    "content/members/ke/x.md",
    "content/coordinators/x.md",
    "content/themes/x.fr.md",
    "content/x.md",
];

/// A YAML scalar written in one of its forms.
fn yaml_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty_or_long(),
        2 => nasty(6).prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        1 => nasty(6).prop_map(|s| format!("\"{s}\"")),
        1 => nasty(6).prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        1 => nasty(6).prop_map(|s| format!("|\n  {}", s.replace('\n', "\n  "))),
        1 => prop::sample::select(&["ke", "fr", "esd", "gced", "primary", "public", "2024-03-05",
            "12.5", "-91", "181", "1998", "true", "[]", "{}", "~", "ke-0001", "4.7"][..])
            .prop_map(str::to_string),
        1 => (1usize..300, prop::bool::ANY).prop_map(|(depth, flow)| if flow {
            format!("{}x{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}x{}", "{a: ".repeat(depth), "}".repeat(depth))
        }),
        1 => (1usize..80).prop_map(|depth| {
            // Block nesting: each level indented one more step.
            (0..depth).map(|d| format!("\n{}k{d}:", "  ".repeat(d + 1))).collect::<String>() + " x"
        }),
        1 => prop::sample::select(&["&a [*a, *a, *a]", "*a", "!!binary x", "!!str 1", "!custom x",
            "{<<: *a}", "&a x", "!!python/object:x {}", "? complex\n: key"][..])
            .prop_map(str::to_string),
    ]
}

/// A YAML value: a scalar, a flow list, a block list, a mapping.
fn yaml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => yaml_scalar(),
        2 => prop::collection::vec(nasty(4), 0..6).prop_map(|items| format!("[{}]", items.join(", "))),
        1 => prop::collection::vec(yaml_scalar(), 0..5)
            .prop_map(|items| items.iter().map(|i| format!("\n  - {i}")).collect()),
        1 => prop::collection::vec((nasty(2), yaml_scalar()), 0..4)
            .prop_map(|pairs| pairs.iter().map(|(k, v)| format!("\n  {k}: {v}")).collect()),
    ]
}

fn front_matter_line() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (prop::sample::select(KEYS), yaml_value()).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => (nasty(3), yaml_value()).prop_map(|(k, v)| format!("{k}: {v}")),
        1 => nasty(6),
    ]
}

/// The keys a valid page of each path needs, with valid values.
fn valid_keys(path: &str) -> Vec<(&'static str, &'static str)> {
    match path.split('/').nth(1) {
        Some("practices") => vec![
            ("title", "Clean water"),
            ("date", "2024-03-05"),
            ("summary", "Water."),
            ("countries", "[ke]"),
            ("themes", "[esd]"),
        ],
        Some("members") => vec![
            ("id", "ke-0042"),
            ("name", "A school"),
            ("country", "ke"),
            ("city", "Nairobi"),
            ("levels", "[primary]"),
            ("type", "public"),
        ],
        Some("coordinators") => vec![
            ("country", "ke"),
            ("name", "A person"),
            ("organization", "A commission"),
        ],
        Some("themes") => vec![("title", "A theme"), ("summary", "Themes.")],
        _ => vec![("title", "A page")],
    }
}

/// A path value as a YAML string: slugs, aliases and tags, often well-formed.
fn path_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[a-z0-9é-]{1,12}",
        2 => path_value(),
    ]
    .prop_map(|v| serde_json::to_string(&v).unwrap())
}

/// Front matter: usually a valid page with some keys replaced by hostile values and some
/// keys added; sometimes lines of anything.
fn page_source() -> impl Strategy<Value = SourceFile> {
    let replaced = prop::collection::vec(
        prop_oneof![
            3 => (prop::sample::select(KEYS), yaml_value()),
            1 => (Just("slug"), path_scalar()),
            1 => (Just("aliases"), prop::collection::vec(path_scalar(), 0..4).prop_map(|a| format!("[{}]", a.join(", ")))),
            1 => (Just("tags"), prop::collection::vec(path_scalar(), 0..4).prop_map(|a| format!("[{}]", a.join(", ")))),
        ],
        0..5,
    );
    let structured = (prop::sample::select(PAGE_PATHS), replaced, nasty(10)).prop_map(
        |(path, replaced, body)| {
            let mut keys: BTreeMap<&str, String> = valid_keys(path)
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect();
            keys.extend(replaced);
            let lines: Vec<String> = keys.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            SourceFile {
                path: path.to_string(),
                text: format!("---\n{}\n---\n{body}\n", lines.join("\n")),
            }
        },
    );
    let anything = (
        prop::sample::select(PAGE_PATHS),
        prop::collection::vec(front_matter_line(), 0..14),
        prop::sample::select(&["---\n", "---\r\n", "\u{feff}---\n", "--- \n", ""][..]),
        prop::sample::select(&["---\n", "---\r\n", "...\n", "", "----\n"][..]),
        nasty(10),
    )
        .prop_map(|(path, lines, open, close, body)| SourceFile {
            path: path.to_string(),
            text: format!("{open}{}\n{close}{body}\n", lines.join("\n")),
        });
    prop_oneof![3 => structured, 1 => anything]
}

/// How many sources made a page, to see that the generator reaches past the checks.
static PAGES: AtomicUsize = AtomicUsize::new(0);

fn check_page(file: SourceFile) -> Result<(), TestCaseError> {
    let english = aspnet_kb::parse::Tree {
        prefix: "",
        source_language: "en",
        upstream: false,
    };
    let (page, problems) = aspnet_kb::parse::parse(&file, english);
    if page.is_some() && problems.iter().all(|d| !d.is_error()) {
        PAGES.fetch_add(1, Ordering::Relaxed);
    }
    for d in &problems {
        prop_assert!(!d.path.is_empty(), "a diagnostic without a path: {d:?}");
    }
    if let Some(page) = page {
        prop_assert!(
            paths::segment(&page.slug).is_ok(),
            "slug {:?} does not pass the door",
            page.slug
        );
        for alias in &page.aliases {
            prop_assert!(paths::relative(alias).is_ok(), "alias {alias:?}");
        }
        for tag in &page.tags {
            prop_assert!(paths::segment(&tag.slug).is_ok(), "tag {tag:?}");
        }
    }
    Ok(())
}

#[test]
fn front_matter_never_panics_and_paths_pass_the_door() {
    check("front matter", cases(1000, 1), page_source(), check_page);
    eprintln!(
        "  front matter: {} pages without errors",
        PAGES.load(Ordering::Relaxed)
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Markdown bodies

/// URLs a hostile author would write, among harmless ones.
fn url() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(
        &[
            "javascript:",
            "JaVaScRiPt:",
            "java\tscript:",
            "java\nscript:",
            "java\rscript:",
            " javascript:",
            "\u{1}javascript:",
            "&#106;avascript:",
            "&#x6A;avascript:",
            "javascript&#58;",
            "javascript&colon;",
            "jav&#x09;ascript:",
            "jav&#9;ascript:",
            "vbscript:",
            "VBScript:",
            "data:",
            "DATA:",
            "data:text/html;base64,",
            "%6Aavascript:",
            "javascript%3a",
            "\\javascript:",
            "https://",
            "http://",
            "mailto:",
            "tel:",
            "//",
            "/",
            "./",
            "../",
            "#",
            "@/",
            "ftp://",
            "file:///",
            "",
            "java\u{0}script:",
            "&#x26;#106;avascript:",
            "&#0000106avascript:",
        ][..],
    );
    (scheme, nasty(4)).prop_map(|(s, rest)| format!("{s}{rest}"))
}

/// Raw HTML fragments, including script vectors.
const HTML: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=x></SCRIPT>",
    "<scr<script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href='JaVaScRiPt&#58;x'>x</a>",
    "<a href=java&#x09;script:x>x</a>",
    "<svg onload=alert(1)>",
    "<svg><script>x</script></svg>",
    "<iframe src=\"data:text/html,<script>x</script>\"></iframe>",
    "<object data=x>",
    "<embed src=x>",
    "<style>*{}</style>",
    "<div style=\"x:expression(1)\">",
    "<!-- x -->",
    "<!-->",
    "<![CDATA[<script>]]>",
    "<form action=javascript:x><button>x</button></form>",
    "<math><mi xlink:href=\"javascript:x\">x</mi></math>",
    "<details open ontoggle=x>",
    "<body onload=x>",
    "<input autofocus onfocus=x>",
    "<a href=\"&#106;avascript:x\">x</a>",
    "<p",
    "<a href=\"",
    "</div>",
    "<div>",
    "<meta http-equiv=refresh content=\"0;url=javascript:x\">",
    "<base href=\"javascript:x\">",
    "<link rel=import href=x>",
    "<video poster=javascript:x>",
    "<table background=javascript:x>",
    "<a onclick =x>",
    "<a\nonclick=x>",
    "<a/onclick=x>",
];

fn markdown_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty(5),
        2 => (1usize..7, nasty(3), nasty(3)).prop_map(|(l, t, a)| format!("\n{} {t} {{{a}}}\n", "#".repeat(l))),
        1 => (nasty(2)).prop_map(|t| format!("\n## {t} {{#x .c onclick=alert(1) data-x=y}}\n")),
        3 => (nasty(2), url()).prop_map(|(t, u)| format!("[{t}]({u})")),
        1 => (nasty(2), url()).prop_map(|(t, u)| format!("[{t}](<{u}> \"t\")")),
        2 => (nasty(2), url()).prop_map(|(t, u)| format!("![{t}]({u})")),
        2 => url().prop_map(|u| format!("<{u}>")),
        2 => (nasty(1), url()).prop_map(|(r, u)| format!("\n[r{r}]: {u}\n[x][r{r}] ![y][r{r}]\n")),
        3 => prop::sample::select(HTML).prop_map(str::to_string),
        1 => (1usize..80).prop_map(|d| (0..d).map(|i| format!("{}- x\n", "  ".repeat(i))).collect()),
        1 => (1usize..80).prop_map(|d| format!("{} q\n", ">".repeat(d))),
        1 => (1usize..8, nasty(2)).prop_map(|(n, c)| {
            format!("\n|{}\n|{}\n|{}\n", "a|".repeat(n), "-|".repeat(n), format!("{c}|").repeat(n))
        }),
        1 => nasty(2).prop_map(|n| format!("x[^{n}]\n\n[^{n}]: note [l](javascript:x)\n")),
        1 => prop::sample::select(&["\n", "\n\n", "    code\n", "```\n", "`", "**", "_", "~~", "- [ ] ", "1. ", "\\", "&#", "&#x6a;"][..])
            .prop_map(str::to_string),
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(markdown_piece(), 0..24).prop_map(|p| p.concat())
}

/// Decodes numeric character references and the few named ones that matter for schemes.
fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(|c: char| !c.is_ascii_alphanumeric() && c != '#');
        let (entity, after) = match end {
            Some(e) => (&rest[1..=e], &rest[e + 1..]),
            None => (&rest[1..], ""),
        };
        let after = after.strip_prefix(';').unwrap_or(after);
        let lower = entity.to_ascii_lowercase();
        let decoded = if let Some(hex) = lower.strip_prefix("#x") {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = lower.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match lower.as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                _ => None,
            }
        };
        match decoded {
            Some(c) if !entity.is_empty() => {
                out.push(c);
                rest = after;
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every tag of an HTML text: its name and its attributes (name, raw value), lower-cased
/// names. Text outside tags is escaped by the renderer, so each `<` + letter opens a tag.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"/>".contains(&bytes[i]) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i])
            {
                i += 1;
            }
            let attribute = html[start..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[i + 1..]
                            .find(q as char)
                            .map_or(html.len(), |e| i + 1 + e);
                        value = html[i + 1..end].to_string();
                        i = (end + 1).min(html.len());
                    }
                    _ => {
                        let start = i;
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>'
                        {
                            i += 1;
                        }
                        value = html[start..i].to_string();
                    }
                }
            }
            attributes.push((attribute, value));
        }
        found.push((name, attributes));
    }
    found
}

/// The scheme a browser would see in a URL attribute, lower case, if any.
fn scheme_of(value: &str) -> Option<String> {
    let decoded: String = decode_entities(value)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let colon = decoded.find(':')?;
    let scheme = &decoded[..colon];
    (!scheme.contains(['/', '?', '#'])).then(|| scheme.to_string())
}

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "poster",
    "background",
    "data",
    "srcset",
    "cite",
    "content",
];

fn assert_safe_html(html: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "a script element in:\n{html}"
    );
    for (tag, attributes) in tags(html) {
        prop_assert!(
            ![
                "script", "iframe", "object", "embed", "style", "base", "meta", "form"
            ]
            .contains(&tag.as_str()),
            "an active element <{tag}> in:\n{html}"
        );
        for (name, value) in attributes {
            prop_assert!(
                !name.starts_with("on"),
                "an event handler {name}= in:\n{html}"
            );
            prop_assert!(name != "style", "a style attribute in:\n{html}");
            if URL_ATTRIBUTES.contains(&name.as_str())
                && let Some(scheme) = scheme_of(&value)
            {
                prop_assert!(
                    !["javascript", "vbscript", "data"].contains(&scheme.as_str()),
                    "{name}=\"{value}\" in:\n{html}"
                );
            }
        }
    }
    Ok(())
}

fn render_body(text: &str) -> String {
    let mut problems = Vec::new();
    let source = BodySource {
        path: "content/practices/x.md",
        text,
        first_line: 8,
    };
    let resolve = |t: &str| (t == "practices/water.md").then(|| "/en/practices/water/".to_string());
    let rendered = render(&source, false, &resolve, &mut problems);
    assert!(problems.iter().all(|d| !d.path.is_empty()));
    rendered.html
}

#[test]
fn markdown_never_yields_script_or_script_urls() {
    check("markdown", cases(1000, 1), markdown(), |text| {
        assert_safe_html(&render_body(&text))
    });
}

/// The time budget of one render of a repeated chunk, whatever the chunk.
const RENDER_BUDGET: Duration = Duration::from_secs(2);

#[test]
fn markdown_costs_linear_time() {
    check(
        "markdown time",
        cases(40, 20),
        (
            prop::collection::vec(markdown_piece(), 1..4),
            1usize..=2_000,
        ),
        |(chunk, k)| {
            let chunk = chunk.concat();
            // Bodies are at most 2 MiB (load::MAX_TEXT_FILE); keep to about half of that.
            let k = k.min(1_000_000 / chunk.len().max(1)).max(1);
            let body = chunk.repeat(k);
            let start = Instant::now();
            let html = render_body(&body);
            let took = start.elapsed();
            prop_assert!(
                took < RENDER_BUDGET,
                "{} bytes ({k} × {:?}) took {took:?}",
                body.len(),
                chunk
            );
            assert_safe_html(&html)
        },
    );
}

// ---------------------------------------------------------------------------------------------
// 3. site.yaml

fn site_yaml() -> impl Strategy<Value = String> {
    let base_url = prop_oneof![
        1 => nasty(6),
        2 => nasty(4).prop_map(|p| format!("https://example.org/{p}")),
        1 => nasty(4).prop_map(|p| format!("http://{p}/")),
        2 => prop::sample::select(&["https://e.org", "https://e.org//a//", "https://e.org/a///b/", "https://e.org/a/../b/",
            "https://e.org/%2e%2e/", "https://e.org/a b/", "https://e.org\\a\\", "javascript://e.org/",
            "https://e.org/?q=<x>", "https://e.org/#x", "https://user:pw@e.org:8080/x/"][..])
            .prop_map(str::to_string),
    ];
    let code = prop_oneof![
        3 => Just("en".to_string()),
        3 => prop::sample::select(&["en", "fr", "es", "ar", "pt-BR", "zh-Hant", "EN", "x", "../x",
            "en/../..", "en us", "", "toolongsubtag", "und", "en-", "-en", "\u{0}", "i-klingon",
            "sr-Latn-RS", "en-u-ca-buddhist", "x-private"][..])
            .prop_map(str::to_string),
        1 => nasty(3),
    ];
    let language = (
        code.clone(),
        nasty(3),
        prop::option::of(nasty(3)),
        prop::sample::select(&["", "rtl", "ltr", "x"][..]),
    )
        .prop_map(|(c, n, t, d)| {
            let mut s = format!("  \"{}\": {{ name: \"{}\"", esc(&c), esc(&n));
            if let Some(t) = t {
                s.push_str(&format!(", title: \"{}\"", esc(&t)));
            }
            if !d.is_empty() {
                s.push_str(&format!(", direction: {d}"));
            }
            s + " }"
        });
    let structured = (
        nasty(4),
        base_url,
        code,
        prop::collection::vec(language, 0..5),
        prop_oneof![3 => Just("default".to_string()), 1 => nasty(3)],
        prop::sample::select(&["1", "20", "20", "20", "0", "-1", "99999999999999999999", "x", "1.5"][..]),
        prop_oneof![3 => Just(Vec::new()), 1 => prop::collection::vec(front_matter_line(), 1..3)],
        prop::bool::weighted(0.8),
    )
        .prop_map(|(title, base, default, mut languages, theme, paginate, extra, listed)| {
            if listed && !languages.is_empty() {
                languages.push(format!("  \"{}\": {{ name: Default }}", esc(&default)));
            }
            let mut s = format!(
                "title: \"{}\"\nbase_url: \"{}\"\ndefault_language: \"{}\"\ntheme: \"{}\"\npaginate: {paginate}\n",
                esc(&title), esc(&base), esc(&default), esc(&theme)
            );
            if !languages.is_empty() {
                s.push_str("languages:\n");
                s.push_str(&languages.join("\n"));
                s.push('\n');
            }
            s + &extra.join("\n")
        });
    prop_oneof![
        3 => structured,
        1 => prop::collection::vec(front_matter_line(), 0..10).prop_map(|l| l.join("\n")),
        1 => any::<String>(),
    ]
}

/// A YAML double-quoted string's contents.
fn esc(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap()
        .trim_matches('"')
        .to_string()
}

#[test]
fn site_yaml_never_panics_and_names_pass_the_door() {
    let accepted = AtomicUsize::new(0);
    check("site.yaml", cases(1000, 1), site_yaml(), |text| {
        if let Ok(config) = Config::parse(&text, &Overrides::default()) {
            accepted.fetch_add(1, Ordering::Relaxed);
            for l in &config.languages {
                prop_assert!(paths::segment(&l.code).is_ok(), "language {:?}", l.code);
            }
            prop_assert!(paths::segment(&config.default_language).is_ok());
            prop_assert!(
                paths::segment(&config.theme).is_ok(),
                "theme {:?}",
                config.theme
            );
            prop_assert!(
                config.base_path.starts_with('/')
                    && config.base_path.ends_with('/')
                    && (config.base_path == "/" || !config.base_path.contains("//")),
                "base_path {:?}",
                config.base_path
            );
        }
        Ok(())
    });
    eprintln!(
        "  site.yaml: {} configurations accepted",
        accepted.into_inner()
    );
}

// ---------------------------------------------------------------------------------------------
// 4. CSV import

fn csv_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty(4),
        2 => prop::sample::select(&["ke", "KE", "fr", "xx", "ke-0100", "KE-0101", "ke-../x",
            "ke-..", "ke-/etc", "ke-a/b", "ke-\\x", "ke-.hidden", "ke-\u{0}", "ke-é", "ke-e\u{301}",
            "../../x", "/abs", "primary|secondary", "public", "private", "1998", "1e400",
            "99999999999999999999999", "-0", "NaN", "inf", "12,5", "javascript:alert(1)",
            "https://ok.example", "a@b.c", "\"quoted, with comma\"", "line\nbreak", ""][..])
            .prop_map(str::to_string),
        1 => nasty(2).prop_map(|s| format!("ke-{s}")),
    ]
}

fn csv_file() -> impl Strategy<Value = (bool, String)> {
    let members = prop::collection::vec(
        prop::sample::select(
            &[
                "id", "name", "country", "city", "levels", "type", "joined", "website", "themes",
                "status", "lat", "lon", "bogus", "ID",
            ][..],
        ),
        0..14,
    );
    let coordinators = prop::collection::vec(
        prop::sample::select(
            &[
                "country",
                "name",
                "organization",
                "email",
                "website",
                "languages",
                "id",
            ][..],
        ),
        0..8,
    );
    (
        prop::bool::ANY,
        members,
        coordinators,
        prop::collection::vec(
            (
                prop::collection::vec((csv_cell(), 0u8..4), 15),
                0usize..18,
                prop::bool::weighted(0.2),
            ),
            0..12,
        ),
        prop::sample::select(&[",", ";"][..]),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(is_members, mut m, c, rows, sep, required)| {
            let mut header: Vec<&str> = if is_members {
                std::mem::take(&mut m)
            } else {
                c
            };
            if required {
                // Usually a usable header, so that rows are written.
                let needed: &[&str] = if is_members {
                    &["id", "name", "country", "city", "levels", "type"]
                } else {
                    &["country", "name", "organization"]
                };
                for n in needed {
                    if !header.contains(n) {
                        header.push(n);
                    }
                }
            }
            let quote = |cell: &str| {
                if cell.contains([',', ';', '"', '\n', '\r']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.to_string()
                }
            };
            let mut text = header.join(sep) + "\n";
            for (r, (cells, ragged, is_ragged)) in rows.into_iter().enumerate() {
                // A valid value for the column, or (one time in four) a hostile one.
                let row: Vec<String> = header
                    .iter()
                    .zip(cells)
                    .map(|(column, (hostile, dice))| {
                        if dice == 0 {
                            return hostile;
                        }
                        let country = ["ke", "fr", "br", "jp", "ma"][r % 5];
                        match *column {
                            "id" => format!("{country}-{r:04}"),
                            "country" => country.to_string(),
                            "levels" => "primary|secondary".into(),
                            "type" => "public".into(),
                            "joined" => "1998".into(),
                            "website" => "https://school.example/".into(),
                            "themes" => "esd gced".into(),
                            "lat" => "-1.28".into(),
                            "lon" => "36,82".into(),
                            "email" => "a@b.example".into(),
                            "languages" => "en|sw".into(),
                            _ => format!("Value {r}"),
                        }
                    })
                    .collect();
                let row = if is_ragged {
                    &row[..ragged.min(row.len())]
                } else {
                    &row[..]
                };
                text.push_str(&row.iter().map(|c| quote(c)).collect::<Vec<_>>().join(sep));
                text.push('\n');
            }
            (is_members, text)
        })
}

/// Every file and folder under `dir` (symbolic links not followed) with its contents.
fn everything(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut found = BTreeMap::new();
    for entry in walkdir(dir) {
        let content = if entry.is_file() && !entry.is_symlink() {
            Some(fs::read(&entry).unwrap_or_default())
        } else {
            None
        };
        found.insert(entry, content);
    }
    found
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !path.is_symlink() {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}

/// The paths created, removed or changed between two snapshots.
fn changes(
    before: &BTreeMap<PathBuf, Option<Vec<u8>>>,
    after: &BTreeMap<PathBuf, Option<Vec<u8>>>,
) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = after
        .iter()
        .filter(|(p, c)| before.get(*p) != Some(c))
        .map(|(p, _)| p.clone())
        .collect();
    changed.extend(before.keys().filter(|p| !after.contains_key(*p)).cloned());
    changed
}

/// How many pages the imports wrote.
static WRITTEN: AtomicUsize = AtomicUsize::new(0);

#[test]
fn csv_import_writes_only_directory_pages() {
    check(
        "csv import",
        cases(150, 20),
        csv_file(),
        |(is_members, text)| {
            let site = Site::fixture_nested("basic");
            let above = site.dir.path();
            let csv = above.join("export.csv");
            fs::write(&csv, &text).unwrap();
            let before = everything(above);
            let directory = if is_members {
                Directory::Members
            } else {
                Directory::Coordinators
            };
            if let Ok(report) = import(site.root(), directory, &csv, false) {
                WRITTEN.fetch_add(report.pages.len(), Ordering::Relaxed);
            }
            let after = everything(above);
            let allowed = [
                site.root().join("content/members"),
                site.root().join("content/coordinators"),
            ];
            for path in changes(&before, &after) {
                prop_assert!(
                    allowed.iter().any(|a| path.starts_with(a) && path != *a),
                    "the import touched {} with:\n{text}",
                    path.display()
                );
            }
            Ok(())
        },
    );
    eprintln!(
        "  csv import: {} pages written",
        WRITTEN.load(Ordering::Relaxed)
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Search queries

fn query() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        prop::sample::select(
            &[
                "déchets",
                "eau",
                "water",
                "agua",
                "省エネルギー",
                "教育",
                "مدارس",
                "التعليم",
                "שלום",
                "e\u{301}cole",
                "a\u{300}\u{301}\u{302}\u{303}\u{304}",
                "🌍",
                "👩‍🏫",
                "\u{202e}x",
                "\u{200b}",
                "\u{0}",
                "ﬁ",
                "ǅ",
                "İ",
                "ß",
                "Σ",
                "AND",
                "OR",
                "\"",
                "*",
                "-",
                "+",
                "~",
                ":",
                "title:",
                "(",
                ")"
            ][..]
        )
        .prop_map(str::to_string),
        "\\PC{1,12}",
        any::<String>().prop_map(|s| s.chars().take(20).collect()),
    ];
    let sep = prop::sample::select(&[" ", "", "\u{3000}", "\t", "\n", "-", ",", "　"][..]);
    prop_oneof![
        4 => prop::collection::vec((word.clone(), sep.clone()), 0..20)
            .prop_map(|w| w.into_iter().map(|(a, b)| a + b).collect()),
        1 => prop::collection::vec((word, sep), 20..200)
            .prop_map(|w| w.into_iter().map(|(a, b)| a + b).collect()),
        1 => ("\\PC{1,4}", 1usize..5_000).prop_map(|(w, n)| (w + " ").repeat(n)),
    ]
}

#[test]
fn search_queries_are_bounded() {
    let languages: &[&str] = &["en", "fr", "es", "ar", "zh", "ja", "he", "pt-br", "xx"];
    check(
        "search query",
        cases(600, 1),
        (query(), prop::sample::select(languages)),
        |(text, lang)| {
            let start = Instant::now();
            let verdict = check_query(&text, lang);
            let took = start.elapsed();
            prop_assert!(
                took < Duration::from_secs(1),
                "{} bytes took {took:?}",
                text.len()
            );
            if text.len() > MAX_QUERY_BYTES {
                let message = verdict.expect_err("an over-long query is refused");
                prop_assert!(message.contains(&MAX_QUERY_BYTES.to_string()), "{message}");
            } else {
                let terms = Analyzer::for_language(lang).terms(&text).len();
                match verdict {
                    Ok(()) => prop_assert!(terms <= MAX_QUERY_WORDS),
                    Err(message) => {
                        prop_assert!(terms > MAX_QUERY_WORDS, "refused: {message}");
                        prop_assert!(message.contains(&MAX_QUERY_WORDS.to_string()));
                    }
                }
            }
            // The analysis itself, on text of any length, is linear too.
            let start = Instant::now();
            let all = words(&text);
            let terms = Analyzer::for_language(lang).terms(&text);
            prop_assert!(all.len() <= text.chars().count() && terms.len() <= text.chars().count());
            prop_assert!(start.elapsed() < Duration::from_secs(2));
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Request targets and request heads

fn request_target() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        prop::sample::select(
            &[
                "..",
                ".",
                "%2e%2e",
                "%2E%2e",
                ".%2e",
                "%2e.",
                "%2f",
                "%2F",
                "%5c",
                "%5C",
                "\\",
                "%00",
                "\u{0}",
                "%",
                "%z",
                "%zz",
                "%2",
                "%c0%af",
                "%ff",
                "%e2%82",
                "aspnet",
                "en",
                "index.html",
                "مدارس",
                "%D9%85",
                "省",
                "?",
                "#",
                "?q=..",
                "//",
                "",
                "%252e%252e",
                ".git",
                "a b",
                "%20",
                "..%2f..%2f",
                "..\\..\\",
                "~",
                "*"
            ][..]
        )
        .prop_map(str::to_string),
        "[a-z0-9%./\\\\-]{0,10}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ];
    (
        prop::sample::select(&["/", "", "//", "http://h/", "*"][..]),
        prop::collection::vec(part, 0..10),
    )
        .prop_map(|(start, parts)| format!("{start}{}", parts.join("/")))
}

#[test]
fn request_targets_stay_inside_the_site() {
    let bases: &[&str] = &["/", "/aspnet/", "/a/b/", "/مدارس/"];
    check(
        "request target",
        cases(1000, 1),
        (request_target(), prop::sample::select(bases)),
        |(raw, base)| {
            if let Target::File(path) = target(&raw, base) {
                prop_assert!(!path.is_empty());
                prop_assert!(!path.starts_with('/'), "{raw:?} → {path:?}");
                prop_assert!(
                    !path.contains('\\') && !path.contains('\0'),
                    "{raw:?} → {path:?}"
                );
                prop_assert!(!path.split('/').any(|s| s == ".."), "{raw:?} → {path:?}");
            }
            Ok(())
        },
    );
}

/// A request head of arbitrary bytes, often nearly well-formed.
fn request_head() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => (prop::sample::select(&["GET", "HEAD", "POST", "get", "G\u{0}ET", "", "OPTIONS"][..]),
              request_target(),
              prop::sample::select(&[" HTTP/1.1", " HTTP/1.0", " HTTP/9.9", "", " HTTP/1.1 x"][..]),
              prop::collection::vec(nasty(3), 0..4))
            .prop_map(|(m, t, v, headers)| {
                let mut head = format!("{m} {t}{v}\r\nHost: x\r\n");
                for h in headers {
                    head.push_str(&h);
                    head.push_str("\r\n");
                }
                head.push_str("\r\n");
                head.into_bytes()
            }),
        1 => prop::collection::vec(any::<u8>(), 0..600),
    ]
}

/// The `serve` child process, killed when dropped.
struct Server(std::process::Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(site: &Site) -> Server {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    let mut server = Server(child, 0);
    loop {
        let line = receive
            .recv_timeout(Duration::from_secs(60))
            .expect("serve prints its address");
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            server.1 = port.parse().unwrap();
            return server;
        }
    }
}

/// Sends `head` on a new connection; the time until the server answered or closed.
fn exchange(port: u16, head: &[u8]) -> Duration {
    use std::io::{Read, Write};
    let start = Instant::now();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let _ = stream.write_all(head);
    // An incomplete head: the client is done, the server must not wait for more forever.
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    start.elapsed()
}

#[test]
fn request_heads_are_answered_or_closed_promptly() {
    let site = Site::fixture("basic");
    let server = start_server(&site);
    let port = server.1;
    check("request head", cases(200, 20), request_head(), |head| {
        let took = exchange(port, &head);
        prop_assert!(
            took < Duration::from_secs(2),
            "{took:?} for {:?}",
            String::from_utf8_lossy(&head)
        );
        Ok(())
    });
    let response = ureq::get(&format!("http://127.0.0.1:{port}/aspnet/en/"))
        .timeout(Duration::from_secs(10))
        .call()
        .expect("the server still answers");
    assert_eq!(response.status(), 200);
}

// ---------------------------------------------------------------------------------------------
// 7. End to end: a generated page through `aspnet-kb build`

fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        nasty(4),
        prop::sample::select(
            &[
                "..",
                ".",
                ".hidden",
                "-",
                "CON",
                "a b",
                "x.fr",
                "x.zz-ZZ",
                "index",
                "_index",
                "مدارس",
                "e\u{301}cole",
                "省エネ",
                "water",
                "sandwatch"
            ][..]
        )
        .prop_map(str::to_string),
    ]
    .prop_map(|n| n.replace(['/', '\0'], "_"))
    .prop_filter("a file name", |n| {
        !n.is_empty() && n.len() < 180 && n != "." && n != ".."
    })
}

fn path_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => nasty(5),
        2 => prop::sample::select(&["../../../escape", "/../x", "/en/practices/water/", "/sitemap.xml",
            "/404.html", "/en/", "/", "", "/robots.txt", "/.aspnet-kb-output", "/.git/config",
            "/en/practices/water/index.html", "C:\\x", "\\\\host\\x", "%2e%2e/x", "en/../../x",
            "/public/x", "/.public.new/x", "/fr/", "/en/tags/x/"][..])
            .prop_map(str::to_string),
        1 => prop::collection::vec("[a-z0-9é-]{1,6}", 1..20).prop_map(|s| s.join("/")),
    ]
}

fn generated_page() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![1 => "[a-z0-9-]{1,20}", 1 => file_name()],
        prop::option::of(prop_oneof![1 => "[a-z0-9é-]{1,20}", 1 => path_value()]),
        prop::collection::vec(prop_oneof![1 => "/old/[a-z0-9]{1,8}/", 1 => path_value()], 0..4),
        prop::collection::vec(prop_oneof![2 => "[a-zé ]{1,10}", 1 => nasty(3)], 0..4),
        prop_oneof![1 => "[a-zA-Z .,\n]{0,200}", 1 => markdown()],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(name, slug, aliases, tags, body, draft)| {
            let q = |s: &str| serde_json::to_string(s).unwrap();
            let mut text = String::from(
                "---\ntitle: Generated\ndate: 2024-03-05\nsummary: A page.\ncountries: [ke]\nthemes: [esd]\n",
            );
            if let Some(slug) = slug {
                text.push_str(&format!("slug: {}\n", q(&slug)));
            }
            let list = |items: &[String]| items.iter().map(|i| q(i)).collect::<Vec<_>>().join(", ");
            text.push_str(&format!("aliases: [{}]\ntags: [{}]\ndraft: {draft}\n---\n{body}\n", list(&aliases), list(&tags)));
            (format!("content/practices/{name}.md"), text)
        })
}

/// The most memory a build of the fixture with one generated page may take: the largest
/// bodies allowed (2 MiB, 1,000 headings, 64 levels) stay far below it.
const BUILD_MEMORY_MIB: u64 = 512;

/// The peak resident memory of the largest child process waited for so far (the builds
/// this test ran), in MiB; 0 where the system does not say.
fn children_peak_memory_mib() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage fills the struct it is given and reads nothing else.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } == 0 {
            return u64::try_from(usage.ru_maxrss).unwrap_or(0) / 1024;
        }
    }
    0
}

#[test]
fn built_pages_stay_in_the_output() {
    let built = AtomicUsize::new(0);
    check("build", cases(24, 200), generated_page(), |(path, text)| {
        let site = Site::fixture_nested("basic");
        let above = site.dir.path();
        let file = site.root().join(&path);
        if fs::write(&file, &text).is_err() {
            // A name the file system refuses: nothing to build.
            return Ok(());
        }
        let before = everything(above);
        let run = site.build();
        prop_assert!(
            run.status == 0 || run.status == 1,
            "exit {} for {path:?}:\n{}",
            run.status,
            run.stderr
        );
        if run.status == 0 {
            built.fetch_add(1, Ordering::Relaxed);
        }
        let peak = children_peak_memory_mib();
        prop_assert!(
            peak < BUILD_MEMORY_MIB,
            "a build peaked at {peak} MiB for {path:?}"
        );
        let after = everything(above);
        let allowed = [site.root().join("public"), site.root().join(".aspnet-kb")];
        for changed in changes(&before, &after) {
            prop_assert!(
                allowed.iter().any(|a| changed.starts_with(a)),
                "the build touched {} for {path:?}",
                changed.display()
            );
        }
        Ok(())
    });
    eprintln!("  build: {} builds succeeded", built.into_inner());
}

// ---------------------------------------------------------------------------------------------
// 8. Slugs

/// Words of scripts other than Latin, with their marks (voicing marks on kana, the virama and
/// vowel signs of Devanagari, the breve of `й`, Greek accents), already in lower case.
const OTHER_SCRIPTS: &[&str] = &[
    "مدارس",
    "التعليم",
    "学校",
    "省エネルギー",
    "ガーデン",
    "がっこう",
    "школа",
    "й",
    "हिन्दी",
    "विद्यालय",
    "שלום",
    "ελληνικά",
    "২০২৪",
    "٣",
];

/// Latin letters with diacritics, ligatures and letters with a stroke, in both cases.
const ACCENTED_LATIN: &str = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćčďēėęěğīįıķļľńňōőŕřśşšťūůűųźżžǆǉǌœæßøłđħŧ\
                              ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸĀĂĄĆČĎĒĖĘĚĞĪĮİĶĻĽŃŇŌŐŔŘŚŞŠŤŪŮŰŲŹŻŽǄǇǊŒÆẞØŁĐĦŦﬁﬂ";

#[test]
fn slugs_are_safe_segments_and_stable() {
    check("slug of any text", cases(2_000, 1), nasty(12), |text| {
        let slug = paths::slug(&text);
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        if !slug.is_empty() && slug.len() <= paths::MAX_SEGMENT {
            prop_assert_eq!(paths::segment(&slug), Ok(slug.as_str()), "of {:?}", text);
        }
        prop_assert_eq!(
            paths::slug(&slug),
            slug.clone(),
            "slug of the slug of {:?}",
            text
        );
        Ok(())
    });
}

#[test]
fn slugs_keep_other_scripts_and_fold_latin() {
    let separators = prop::sample::select(&[" ", " - ", ", ", "_", "/", "!", "\u{3000}", "。"][..]);
    let other = prop::collection::vec(prop::sample::select(OTHER_SCRIPTS), 1..6);
    check(
        "slug of other scripts",
        cases(500, 1),
        (other, separators),
        |(words, separator)| {
            let text = words.join(separator);
            prop_assert_eq!(paths::slug(&text), words.join("-"), "of {:?}", text);
            Ok(())
        },
    );
    let letters: Vec<char> = ACCENTED_LATIN.chars().chain('a'..='z').collect();
    let latin = prop::collection::vec(prop::sample::select(letters), 1..30)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    check("slug of Latin", cases(500, 1), latin, |text| {
        let slug = paths::slug(&text);
        prop_assert!(
            slug.chars().all(|c| c.is_ascii_lowercase()),
            "{:?} → {:?}",
            text,
            slug
        );
        prop_assert!(!slug.is_empty());
        Ok(())
    });
}

// ---------------------------------------------------------------------------------------------
// Inputs that properties found, kept as plain tests.

/// `//` left a leading `/` on the file the preview server looked up (`/index.html`,
/// `/aspnet//etc/passwd` → `/etc/passwd`); now refused.
#[test]
fn an_empty_segment_in_a_request_is_refused() {
    assert_eq!(target("//", "/"), Target::Forbidden);
    assert_eq!(target("/aspnet//etc/passwd", "/aspnet/"), Target::Forbidden);
}

/// Many headings with the same text: each id was found by trying `-1`, `-2`, … in turn
/// (50,000 took 349 s). Now ids cost linear time, and a body has at most
/// `MAX_HEADINGS` headings (its memory grew 750 times its size).
#[test]
fn many_equal_headings_render_in_linear_time() {
    let max = aspnet_kb::markdown::MAX_HEADINGS;
    let start = Instant::now();
    let html = render_body(&"## a\n\n".repeat(max));
    assert!(
        html.contains(&format!("id=\"a-{}\"", max - 1)),
        "{html:.200}"
    );
    assert!(render_body(&"## a\n\n".repeat(50_000)).is_empty());
    assert!(start.elapsed() < RENDER_BUDGET, "{:?}", start.elapsed());
}

/// Many links in a long body: each link's line was counted from the start of the body.
#[test]
fn many_links_render_in_linear_time() {
    let body = "[a](https://e.org/) x\n".repeat(80_000);
    let start = Instant::now();
    render_body(&body);
    assert!(start.elapsed() < RENDER_BUDGET, "{:?}", start.elapsed());
}

/// An alias onto a generated file's name (`/robots.txt`) needed `robots.txt` as a folder:
/// the build stopped with an environment error (exit 2) instead of a content error.
#[test]
fn an_alias_onto_a_generated_file_is_a_content_error() {
    let site = Site::fixture_nested("basic");
    site.write(
        "content/practices/a.md",
        "---\ntitle: Generated\ndate: 2024-03-05\nsummary: A page.\ncountries: [ke]\n\
         themes: [esd]\naliases: [\"/robots.txt\"]\n---\n",
    );
    let run = site.build();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: content/practices/a.md:1: output collision")
            && run.stderr.contains("robots.txt"),
        "reported on the page that made the alias:\n{}",
        run.stderr
    );
}

/// `https://e.org/a///b/` kept `//` in its base path (`/a//b/`).
#[test]
fn a_base_url_with_empty_segments_has_a_clean_base_path() {
    let text = "title: x\nbase_url: \"https://e.org/a///b/\"\n";
    let config = Config::parse(text, &Overrides::default()).unwrap();
    assert_eq!(config.base_path, "/a/b/");
}
