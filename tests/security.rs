//! Untrusted content: values that would write outside the output, replace a generated file,
//! publish an active file, smuggle a script URL or panic the tool. Each is a located error
//! (exit 1) that leaves the previous output and every source file as they were, and nothing
//! appears outside the output. Script vectors in a real browser: `security_xss.rs`.

mod common;

use common::Site;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PRACTICE: &str = "content/practices/water.md";

fn practice(extra: &str, body: &str) -> String {
    format!(
        "---\ntitle: Clean water\ndate: 2024-03-05\nsummary: Water.\ncountries: [ke]\n\
         themes: [esd]\n{extra}\n---\n{body}\n"
    )
}

/// Every file under `dir` but the output, the tool's working folder and staging folders.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            let top = relative.components().next().unwrap().as_os_str();
            if ["public", ".aspnet-kb", ".public.new", ".public.old"]
                .iter()
                .any(|t| top == *t)
            {
                continue;
            }
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            } else {
                files.push((relative, fs::read(&path).unwrap_or_default()));
            }
        }
    }
    files.sort();
    files
}

/// Builds the fixture (nested one folder down, so that the folder above it can be watched),
/// applies `change`, and checks: exit 1, each expected text on stderr, the output and the
/// sources as they were, nothing new beside the site.
fn assert_refused(change: impl Fn(&Site), expected: &[&str]) -> Site {
    let site = Site::fixture_nested("basic");
    site.build_ok();
    let output_before = site.snapshot();
    change(&site);
    let sources_before = tree(site.root());
    let beside_before = tree(site.root().parent().unwrap()).len();
    let run = site.build();
    assert_eq!(
        run.status, 1,
        "expected content errors, got:\n{}",
        run.stderr
    );
    for text in expected {
        assert!(
            run.stderr.contains(text),
            "expected `{text}` in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        site.snapshot() == output_before,
        "the previous output was changed"
    );
    assert!(
        tree(site.root()) == sources_before,
        "a source file was changed or added"
    );
    assert_eq!(
        tree(site.root().parent().unwrap()).len(),
        beside_before,
        "a file appeared beside the site"
    );
    site
}

#[test]
fn slugs_and_aliases_cannot_leave_their_folder() {
    for (extra, shown) in [
        ("slug: \"..\"", "slug: \"..\""),
        ("slug: \"\"", "slug: \"\""),
        ("slug: ../../../escaped", "slug: \"../../../escaped\""),
        ("slug: a/b", "slug: \"a/b\""),
        ("slug: .hidden", "slug: \".hidden\""),
        ("aliases: [\"/\"]", "aliases: \"/\""),
        (
            "aliases: [\"../../../escaped\"]",
            "aliases: \"../../../escaped\"",
        ),
        (
            "aliases: [\"/en/a/../../..\"]",
            "aliases: \"/en/a/../../..\"",
        ),
        ("tags: [\"!!!\"]", "tags: \"!!!\""),
    ] {
        assert_refused(
            |site| site.write(PRACTICE, &practice(extra, "Body.")),
            &[&format!("error: {PRACTICE}:"), shown],
        );
    }
}

#[test]
fn an_alias_or_slug_may_not_replace_another_page_or_a_generated_one() {
    // An alias onto another page's address.
    assert_refused(
        |site| {
            site.write(
                PRACTICE,
                &practice("aliases: [/en/practices/peace/]", "Body."),
            )
        },
        &["URL collision", "content/practices/peace.md"],
    );
    // A page whose address is the search page's.
    assert_refused(
        |site| site.write("content/search.md", "---\ntitle: Not the search\n---\n"),
        &["content/search.md", "generated page /en/search/"],
    );
    // A file name differing only in case from another.
    assert_refused(
        |site| site.write("content/practices/Water.md", &practice("", "Other.")),
        &["differ only in case"],
    );
}

#[test]
fn files_outside_bundles_and_active_files_are_not_published() {
    for (path, text) in [
        ("content/en/index.html", "<script>alert(1)</script>"),
        ("content/static/style.css", "body{}"),
        (
            "content/practices/sandwatch/page.html",
            "<script>alert(1)</script>",
        ),
        ("content/practices/sandwatch/run.js", "alert(1)"),
        ("content/_data/notes.txt", "x"),
        ("static/index.html", "<script>alert(1)</script>"),
    ] {
        assert_refused(|site| site.write(path, text), &[path]);
    }
    // A site-wide file may not replace a generated one.
    assert_refused(
        |site| site.write("static/robots.txt", "User-agent: *\nDisallow: /\n"),
        &["static/robots.txt", "robots.txt"],
    );
}

#[test]
fn site_wide_files_and_bundle_pictures_are_published_svg_cleaned() {
    let site = Site::fixture("basic");
    site.write("static/favicon.ico", "icon");
    site.write("static/CNAME", "kb.example.org\n");
    site.write(
        "static/.well-known/security.txt",
        "Contact: mailto:a@b.org\n",
    );
    site.write(
        "content/practices/sandwatch/evil.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script>\
         <circle r=\"4\"/></svg>",
    );
    site.build_ok();
    assert_eq!(site.read("favicon.ico"), "icon");
    assert_eq!(site.read("CNAME"), "kb.example.org\n");
    assert!(site.exists(".well-known/security.txt"));
    let svg = site.read("en/practices/sandwatch/evil.svg");
    assert!(svg.contains("<circle"), "{svg}");
    assert!(!svg.contains("script") && !svg.contains("onload"), "{svg}");
}

#[test]
fn site_yaml_values_cannot_reach_the_file_system_or_a_script() {
    let config = |site: &Site, from: &str, to: &str| {
        let text = site.source("site.yaml").replace(from, to);
        site.write("site.yaml", &text);
    };
    assert_refused(
        |site| {
            config(
                site,
                "  es: { name: Español }",
                "  \"../../x\": { name: X }",
            )
        },
        &["site.yaml", "../../x"],
    );
    assert_refused(
        |site| config(site, "  es: { name: Español }", "  /tmp: { name: X }"),
        &["site.yaml", "/tmp"],
    );
    assert_refused(
        |site| {
            config(
                site,
                "base_url: https://example.org/aspnet/",
                "base_url: javascript:alert(1)//",
            )
        },
        &["site.yaml", "base_url"],
    );
    assert_refused(
        |site| {
            let text = site.source("site.yaml");
            site.write("site.yaml", &format!("{text}theme: ../../../etc\n"));
        },
        &["site.yaml", "theme"],
    );
    // A backslash makes `/\host/` a link to another site; a newline forges robots.txt lines.
    for base_url in [
        "https://example.org/\\\\127.0.0.1:8766/",
        "\"https://example.org/aspnet\\nUser-agent: *\\nDisallow: /\\n/\"",
        "https://user:pw@example.org/",
    ] {
        assert_refused(
            |site| {
                config(
                    site,
                    "base_url: https://example.org/aspnet/",
                    &format!("base_url: {base_url}"),
                )
            },
            &["error: site.yaml:2: base_url:"],
        );
    }
    assert_refused(
        |site| site.write("content/_data/regions.yaml", "\"zz/atom.xml\": africa\n"),
        &["content/_data/regions.yaml", "is not a country code"],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed() {
    let secret = tempfile::tempdir().unwrap();
    fs::write(secret.path().join("secret.yaml"), "password: hunter2\n").unwrap();
    let site = assert_refused(
        |site| {
            let yaml = site.root().join("site.yaml");
            fs::remove_file(&yaml).unwrap();
            std::os::unix::fs::symlink(secret.path().join("secret.yaml"), yaml).unwrap();
        },
        &["site.yaml", "symbolic links are not followed"],
    );
    let run = site.build();
    assert!(!run.stderr.contains("hunter2") && !run.stderr.contains("password"));
    assert_refused(
        |site| {
            std::os::unix::fs::symlink(
                secret.path().join("secret.yaml"),
                site.root().join("content/practices/sandwatch/link.jpg"),
            )
            .unwrap()
        },
        &["content/practices/sandwatch/link.jpg", "symbolic links"],
    );
}

#[test]
fn markdown_never_yields_a_script_url_or_handler() {
    for (body, expected) in [
        (
            "[x](javascript:alert(1))",
            "`javascript:` addresses are not allowed",
        ),
        (
            "[x](JaVaScRiPt:alert(1))",
            "`javascript:` addresses are not allowed",
        ),
        (
            "[x](java&#115;cript:alert(1))",
            "`javascript:` addresses are not allowed",
        ),
        (
            "<javascript:alert(1)>",
            "`javascript:` addresses are not allowed",
        ),
        (
            "[x][r]\n\n[r]: javascript:alert(1)",
            "`javascript:` addresses are not allowed",
        ),
        (
            "![a](data:text/html,<script>alert(1)</script>)",
            "`data:` addresses",
        ),
        (
            "## Title {onfocus=alert(1) autofocus}",
            "heading attribute `onfocus`",
        ),
    ] {
        assert_refused(
            |site| site.write(PRACTICE, &practice("", &format!("Intro.\n\n{body}"))),
            &[&format!("error: {PRACTICE}:11"), expected],
        );
    }
}

#[test]
fn front_matter_urls_and_values_are_checked() {
    for (extra, expected) in [
        ("image: javascript:alert(1)\nimage_alt: x", "image:"),
        (
            "image: https://example.org/x.jpg\nimage_alt: x",
            "a picture on another site",
        ),
        ("image: ../../../etc/passwd\nimage_alt: x", "image:"),
        ("date: 0000-01-01", ""),
        ("updated: 2024-+3-+1", "is not a date"),
        ("updated: ２０２４-01-01", "is not a date"),
    ] {
        let extra = extra.replace("date: 0000-01-01", "updated: 0000-01-01");
        assert_refused(
            |site| site.write(PRACTICE, &practice(&extra, "Body.")),
            &[&format!("error: {PRACTICE}:"), expected],
        );
    }
    let member = |extra: &str| {
        format!(
            "---\nid: ke-0001\nname: School\ncountry: ke\ncity: Nairobi\nlevels: [primary]\n\
             type: public\n{extra}\n---\n"
        )
    };
    for (extra, expected) in [
        ("lat: 999", "lat: 999 is not between -90 and 90"),
        ("lon: -181", "lon: -181 is not between"),
        (
            "website: javascript:alert(1)",
            "website: \"javascript:alert(1)\"",
        ),
        ("website: \"data:text/html,x\"", "website:"),
        ("joined: 99999", "not a plausible year"),
    ] {
        assert_refused(
            |site| site.write("content/members/ke/ke-0001.md", &member(extra)),
            &["error: content/members/ke/ke-0001.md:", expected],
        );
    }
    assert_refused(
        |site| {
            site.write(
                "content/coordinators/ke.md",
                "---\ncountry: ke\nname: A\norganization: B\nemail: \"x\\\"><script>@y.org\"\n---\n",
            )
        },
        &["content/coordinators/ke.md", "email:"],
    );
}

#[test]
fn odd_bytes_in_front_matter_do_not_panic() {
    // A no-break space before a key's colon used to panic while locating the value.
    assert_refused(
        |site| {
            site.write(
                PRACTICE,
                "---\ntitle: Clean water\ndate\u{a0}: 2024-13-05\nsummary: W\ncountries: [ke]\n\
                 themes: [esd]\ndate: 2024-13-05\n---\nBody.\n",
            )
        },
        &["is not a date"],
    );
}

#[test]
fn huge_or_deeply_nested_bodies_are_refused_quickly() {
    let started = Instant::now();
    assert_refused(
        |site| site.write(PRACTICE, &practice("", &"water ".repeat(600_000))),
        &[PRACTICE, "text files may be at most"],
    );
    assert_refused(
        |site| {
            site.write(
                PRACTICE,
                &practice("", &format!("{}<b>deep</b>", "> ".repeat(5_000))),
            )
        },
        &[PRACTICE, "nests more than 64 levels"],
    );
    assert_refused(
        |site| site.write(PRACTICE, &practice("", &format!("{}x", "- ".repeat(5_000)))),
        &[PRACTICE, "nests more than"],
    );
    // Stray end tags close nothing: the HTML still nests 100,000 deep.
    assert_refused(
        |site| site.write(PRACTICE, &practice("", &"<div></i>".repeat(100_000))),
        &[PRACTICE, "nests more than 64 elements"],
    );
    assert_refused(
        |site| site.write(PRACTICE, &practice("", &"## a\n".repeat(100_000))),
        &[PRACTICE, "more than 1000 headings"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn new_and_import_values_cannot_leave_content() {
    let site = Site::fixture("basic");
    let before = tree(site.root());
    for args in [
        vec!["new", "chapter", "Intro", "--guide", "../../escaped"],
        vec!["new", "member", "School", "--country", "../x"],
        vec!["new", "practice", "Water", "--lang", "../../x"],
        vec!["new", "translation", "/etc/passwd", "--lang", "fr"],
        vec![
            "new",
            "translation",
            "content/practices/water.md",
            "--lang",
            "../x",
        ],
    ] {
        let run = site.run(&args);
        assert_ne!(run.status, 0, "{args:?} was accepted:\n{}", run.stderr);
        assert!(run.stderr.contains("error"), "{}", run.stderr);
    }
    assert!(tree(site.root()) == before, "new wrote a file");
    let csv = site.root().join("members.csv");
    fs::write(
        &csv,
        "id,name,country,city,levels,type,website\n\
         ke-/../../../escaped,A,ke,Nairobi,primary,public,\n\
         ke-0100,B,ke,Nairobi,primary,public,javascript:alert(1)\n",
    )
    .unwrap();
    let run = site.run(&["import", "members", csv.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(":2:") && run.stderr.contains(":3:"),
        "{}",
        run.stderr
    );
    assert!(
        tree(site.root()).len() == before.len() + 1,
        "import wrote a page"
    );
}

#[test]
fn quotes_in_the_base_url_are_percent_encoded_everywhere() {
    let site = Site::fixture("basic");
    let run = site.run(&[
        "build",
        "--base-url",
        "https://example.org/x\"><script>alert(1)</script>/",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for file in [
        "404.html",
        "index.html",
        "en/index.html",
        "robots.txt",
        "sitemap.xml",
    ] {
        let text = site.read(file);
        assert!(!text.contains("<script>alert"), "{file}: {text}");
        assert!(!text.contains("x\">"), "{file}: {text}");
    }
    assert!(
        site.read("404.html")
            .contains("/x%22%3E%3Cscript%3Ealert(1)%3C/script%3E/en/404.html")
    );
}

#[test]
fn a_theme_may_not_publish_the_environment_nor_be_a_link() {
    let site = Site::fixture("basic");
    site.write(
        "themes/default/templates/404.html",
        "{{ get_env(name=\"HOME\", default=\"none\") }}",
    );
    let run = site.build();
    assert_ne!(run.status, 0);
    assert!(
        run.stderr.contains("get_env is not available"),
        "{}",
        run.stderr
    );
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        fs::create_dir_all(outside.path().join("static")).unwrap();
        fs::write(outside.path().join("static/secret.txt"), "secret").unwrap();
        fs::remove_dir_all(site.root().join("themes/default")).unwrap();
        std::os::unix::fs::symlink(outside.path(), site.root().join("themes/default")).unwrap();
        let run = site.build();
        assert_eq!(run.status, 2, "{}", run.stderr);
        assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
        assert!(!site.exists("static/secret.txt"));
    }
}

#[test]
fn names_equal_under_unicode_case_folding_collide() {
    assert_refused(
        |site| site.write("static/robot\u{17f}.txt", "User-agent: *\nDisallow: /\n"),
        &["robots.txt", "output collision"],
    );
}

#[test]
fn raw_html_allowed_by_site_yaml_is_warned_about() {
    let site = Site::fixture("basic");
    let text = site.source("site.yaml");
    site.write("site.yaml", &format!("{text}allow_raw_html: true\n"));
    let run = site.build_ok();
    assert!(
        run.stderr.contains("warning: site.yaml:") && run.stderr.contains("scripts included"),
        "{}",
        run.stderr
    );
}

#[test]
fn printed_problems_cannot_forge_ci_log_lines() {
    let site = Site::fixture("basic");
    site.write(
        PRACTICE,
        &practice("", "Body.").replace(
            "countries: [ke]",
            "countries: [ke, \"zz\\n::error file=site.yaml,line=1::Forged\\e[31m\"]",
        ),
    );
    let run = site.build();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("::error")) && !run.stderr.contains('\u{1b}'),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn new_and_import_do_not_write_through_symbolic_links() {
    let site = Site::fixture_nested("basic");
    let outside = site.root().parent().unwrap().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::remove_dir_all(site.root().join("content/members/ke")).unwrap();
    std::os::unix::fs::symlink(&outside, site.root().join("content/members/ke")).unwrap();
    let csv = site.root().parent().unwrap().join("members.csv");
    fs::write(
        &csv,
        "id,name,country,city,levels,type\nke-0099,A,ke,Nairobi,primary,public\n",
    )
    .unwrap();
    let run = site.run(&["import", "members", csv.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    let run = site.run(&["new", "member", "Evil School", "--country", "ke"]);
    assert_ne!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "a page was written outside"
    );
}
