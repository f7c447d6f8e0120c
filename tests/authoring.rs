//! The authoring commands on fixture sites: `new` pages and translations that pass `check`,
//! `import` of directory exports (good and bad rows, BOM, semicolons, idempotence, dry run,
//! bodies kept) and the `translations` report from recorded source versions and git history.

mod common;

use common::Site;
use std::fs;
use std::path::Path;

fn fixture_file(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn source(site: &Site, path: &str) -> String {
    fs::read_to_string(site.root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn new_pages_are_drafts_with_every_key_and_pass_check() {
    let site = Site::fixture("basic");
    for args in [
        vec!["new", "practice", "Rain gardens in Dakar"],
        vec![
            "new",
            "practice",
            "Jardins de pluie à Dakar",
            "--lang",
            "fr",
        ],
        vec!["new", "theme", "Digital citizenship"],
        vec!["new", "page", "Contact"],
        vec![
            "new",
            "chapter",
            "Reporting",
            "--guide",
            "national-coordinators",
        ],
        vec!["new", "member", "Kisumu Girls School", "--country", "ke"],
        vec!["new", "coordinator", "Amina Diallo", "--country", "sn"],
    ] {
        let run = site.run(&args);
        assert_eq!(run.status, 0, "{args:?}: {}", run.stderr);
    }
    let practice = source(&site, "content/practices/rain-gardens-in-dakar.md");
    for key in [
        "title:",
        "date:",
        "summary:",
        "countries:",
        "themes:",
        "draft: true",
    ] {
        assert!(practice.contains(key), "{key} in {practice}");
    }
    assert!(
        practice.contains("# Countries where it happened"),
        "a comment per key"
    );
    assert!(
        site.root()
            .join("content/practices/jardins-de-pluie-a-dakar.fr.md")
            .exists()
    );
    // The next free member id of the country.
    let member = source(&site, "content/members/ke/ke-0002.md");
    assert!(member.contains("id: ke-0002") && member.contains("name: Kisumu Girls School"));
    let check = site.run(&["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(check.stderr.contains("fine in a draft"), "{}", check.stderr);
    // Drafts are not published.
    site.build_ok();
    assert!(!site.exists("en/practices/rain-gardens-in-dakar/index.html"));
}

#[test]
fn new_never_overwrites() {
    let site = Site::fixture("basic");
    let before = source(&site, "content/practices/water.md");
    let run = site.run(&["new", "practice", "Water"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("content/practices/water.md") && run.stderr.contains("already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(source(&site, "content/practices/water.md"), before);
    let run = site.run(&["new", "member", "X"]);
    assert_eq!(run.status, 2, "member without --country");
    assert!(run.stderr.contains("--country"), "{}", run.stderr);
}

#[test]
fn a_new_translation_is_a_marked_draft_beside_its_source() {
    let site = Site::fixture("basic");
    let run = site.run(&[
        "new",
        "translation",
        "content/practices/peace.md",
        "--lang",
        "es",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = source(&site, "content/practices/peace.es.md");
    assert!(text.starts_with("---\n# Needs translation"), "{text}");
    assert!(text.contains("draft: true"));
    // A translation carries the prose and the version of the source it follows; the data
    // (date, countries, themes) it inherits.
    assert!(text.contains("title: Peace garden\n"), "{text}");
    assert!(text.contains("summary: A garden for peace.\n"), "{text}");
    assert!(text.contains("\nsource_version: "), "{text}");
    assert!(
        !text.contains("countries:") && !text.contains("date:"),
        "{text}"
    );
    assert!(text.ends_with("---\nBody.\n"), "{text}");
    let check = site.run(&["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    // Translating an existing translation again is refused.
    let again = site.run(&[
        "new",
        "translation",
        "content/practices/peace.md",
        "--lang",
        "es",
    ]);
    assert_eq!(again.status, 2);
    let report = site.run(&["translations", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let es = json
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == "es")
        .unwrap();
    let states: Vec<(&str, &str)> = es["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["todo"].as_array().unwrap())
        .map(|t| (t["source"].as_str().unwrap(), t["state"].as_str().unwrap()))
        .collect();
    assert!(
        states.contains(&("content/practices/peace.md", "draft")),
        "{states:?}"
    );
}

#[test]
fn import_writes_good_rows_and_reports_bad_ones_by_line() {
    let site = Site::fixture("basic");
    let run = site.run(&["import", "members", &fixture_file("members.csv")]);
    assert_eq!(run.status, 1, "bad rows: exit 1\n{}", run.stderr);
    for (line, reason) in [
        (3, "unknown level \"university\""),
        (4, "unknown country code \"xx\""),
        (6, "ke-0100 appears twice"),
        (7, "\"charter\" must be public or private"),
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.contains(&format!("members.csv:{line}:")) && l.contains(reason)),
            "line {line}: {reason}\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("2 created"), "{}", run.stderr);
    let lakeview = source(&site, "content/members/ke/ke-0100.md");
    assert!(
        lakeview.contains("country: ke"),
        "codes are lowercased: {lakeview}"
    );
    assert!(lakeview.contains("- secondary"), "{lakeview}");
    let rift = source(&site, "content/members/ke/ke-0102.md");
    assert!(
        rift.contains("Rift Valley School; Eldoret"),
        "quoted semicolon: {rift}"
    );
    for bad in ["ke/ke-0101.md", "xx/xx-0001.md", "ke/ke-0103.md"] {
        assert!(
            !site.root().join("content/members").join(bad).exists(),
            "{bad}"
        );
    }
    // The imported pages are valid pages.
    let check = site.run(&["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);

    // A second run changes nothing.
    let before = site.source_snapshot();
    let again = site.run(&["import", "members", &fixture_file("members.csv")]);
    assert!(
        again.stderr.contains("0 created, 0 updated, 2 unchanged"),
        "{}",
        again.stderr
    );
    assert_eq!(site.source_snapshot(), before);
}

#[test]
fn import_keeps_what_people_wrote_and_dry_run_writes_nothing() {
    let site = Site::fixture("basic");
    site.write(
        "content/members/ke/ke-0100.md",
        "---\nid: ke-0100\nname: Old name\ncountry: ke\ncity: Kisumu\nlevels: [primary]\ntype: public\nlat: -0.1\n---\nOur school garden feeds 300 pupils.\n",
    );
    let csv = site.root().join("export.csv");
    fs::write(
        &csv,
        "id,name,country,city,levels,type\nke-0100,Lakeview Academy,ke,Kisumu,primary,private\nke-0104,New School,ke,Meru,primary,public\n",
    )
    .unwrap();
    let csv = csv.to_string_lossy().into_owned();
    let before = site.source_snapshot();
    let dry = site.run(&["import", "members", &csv, "--dry-run"]);
    assert_eq!(dry.status, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("would update content/members/ke/ke-0100.md"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("would create content/members/ke/ke-0104.md"),
        "{}",
        dry.stdout
    );
    assert_eq!(site.source_snapshot(), before, "a dry run writes nothing");

    let run = site.run(&["import", "members", &csv]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let page = source(&site, "content/members/ke/ke-0100.md");
    assert!(
        page.contains("name: Lakeview Academy") && page.contains("type: private"),
        "{page}"
    );
    assert!(
        page.contains("lat: -0.1"),
        "a key without a column is kept: {page}"
    );
    assert!(
        page.ends_with("---\nOur school garden feeds 300 pupils.\n"),
        "{page}"
    );
}

#[test]
fn import_of_coordinators_and_of_a_file_without_required_columns() {
    let site = Site::fixture("basic");
    let run = site.run(&["import", "coordinators", &fixture_file("coordinators.csv")]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("coordinators.csv:3:") && run.stderr.contains("organization: empty"),
        "{}",
        run.stderr
    );
    let ke = source(&site, "content/coordinators/ke.md");
    assert!(
        ke.contains("organization: Kenya National Commission for UNESCO"),
        "{ke}"
    );
    let csv = site.root().join("bad.csv");
    fs::write(&csv, "name,town\nA,B\n").unwrap();
    let run = site.run(&["import", "members", &csv.to_string_lossy()]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("lacks required columns: id, country, city, levels, type"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("unknown columns here: town"),
        "{}",
        run.stderr
    );
}

#[test]
fn import_into_a_page_new_wrote_keeps_its_comments_and_other_keys() {
    let site = Site::fixture("basic");
    let run = site.run(&["new", "member", "Kisumu Girls School", "--country", "ke"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let written = source(&site, "content/members/ke/ke-0002.md");
    let csv = site.root().join("export.csv");
    fs::write(
        &csv,
        "id,name,country,city,levels,type,joined
         ke-0002,Kisumu Girls School,ke,Kisumu,primary|secondary,public,2020
",
    )
    .unwrap();
    let csv = csv.to_string_lossy().into_owned();
    let run = site.run(&["import", "members", &csv]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let page = source(&site, "content/members/ke/ke-0002.md");
    // Every comment stays, but the commented-out `# joined: …`, which the value replaces.
    for kept in written
        .lines()
        .filter(|l| l.starts_with('#') && !l.starts_with("# joined:"))
    {
        assert!(page.contains(kept), "comment {kept:?} lost:\n{page}");
    }
    assert!(
        page.contains("# Optional. The year it joined the network.\njoined: 2020\n"),
        "{page}"
    );
    for set in ["city: Kisumu", "- secondary", "draft: true"] {
        assert!(page.contains(set), "{set}:\n{page}");
    }
    let before = site.source_snapshot();
    let again = site.run(&["import", "members", &csv]);
    assert!(again.stderr.contains("1 unchanged"), "{}", again.stderr);
    assert_eq!(site.source_snapshot(), before);
}

#[test]
fn import_leaves_a_page_whose_front_matter_cannot_be_read() {
    let site = Site::fixture("basic");
    let broken = "---\nid: ke-0001\nname: [Nairobi\nnotes: kept by hand\n---\nText.\n";
    site.write("content/members/ke/ke-0001.md", broken);
    let csv = site.root().join("export.csv");
    fs::write(
        &csv,
        "id,name,country,city,levels,type
ke-0001,Nairobi School,ke,Nairobi,primary,public
",
    )
    .unwrap();
    let run = site.run(&["import", "members", &csv.to_string_lossy()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.lines().any(|l| l.contains("export.csv:2:")
            && l.contains(
                "content/members/ke/ke-0001.md exists but its front matter cannot be read"
            )),
        "{}",
        run.stderr
    );
    assert_eq!(source(&site, "content/members/ke/ke-0001.md"), broken);
}

/// Each bad cell is refused by `import` in the words `check` uses for the same value in a
/// page: the checks are one.
#[test]
fn import_refuses_a_value_in_the_words_of_check() {
    let good = [
        ("id", "ke-0042", "ke-0042"),
        ("name", "A school", "A school"),
        ("country", "ke", "ke"),
        ("city", "Kisumu", "Kisumu"),
        ("levels", "primary", "[primary]"),
        ("type", "public", "public"),
    ];
    // A column, a bad cell, and the same value in front matter.
    for (column, cell, yaml) in [
        ("joined", "1800", "1800"),
        ("joined", "soon", "soon"),
        ("lat", "99", "99"),
        ("website", "javascript:alert(1)", "\"javascript:alert(1)\""),
        ("levels", "primery", "[primery]"),
        ("type", "charter", "charter"),
        ("id", "ke-a:b", "\"ke-a:b\""),
    ] {
        let site = Site::fixture("basic");
        let mut entries: Vec<(&str, &str, &str)> = good
            .iter()
            .copied()
            .filter(|(c, _, _)| *c != column)
            .collect();
        entries.push((column, cell, yaml));
        let header: Vec<&str> = entries.iter().map(|(c, _, _)| *c).collect();
        let row: Vec<&str> = entries.iter().map(|(_, v, _)| *v).collect();
        let csv = site.root().join("export.csv");
        fs::write(&csv, format!("{}\n{}\n", header.join(","), row.join(","))).unwrap();
        let run = site.run(&["import", "members", &csv.to_string_lossy()]);
        assert_eq!(run.status, 1, "{column}: {}", run.stderr);
        let message = run
            .stderr
            .lines()
            .find_map(|l| l.split_once("export.csv:2: ").map(|(_, m)| m.to_string()))
            .unwrap_or_else(|| panic!("{column}: {}", run.stderr));
        let front_matter: String = entries
            .iter()
            .map(|(c, _, y)| format!("{c}: {y}\n"))
            .collect();
        site.write(
            "content/members/ke/ke-0042.md",
            &format!("---\n{front_matter}---\n"),
        );
        let check = site.run(&["check"]);
        assert!(
            check.stderr.contains(&message),
            "{column}: import said {message:?}, check said:\n{}",
            check.stderr
        );
    }
}

fn git(site: &Site, args: &[&str], date: &str) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(site.root())
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn translations_follow_the_source_version_not_dates() {
    let site = Site::fixture("basic");
    let translations = |site: &Site| {
        let run = site.run(&["translations", "--json"]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let fr = json
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["lang"] == "fr")
            .unwrap()
            .clone();
        let states: Vec<(String, String)> = fr["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["todo"].as_array().unwrap().clone())
            .map(|t| {
                (
                    t["source"].as_str().unwrap().to_string(),
                    t["state"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (fr, states)
    };
    let water = ("content/practices/water.md".to_string(), "".to_string());
    let state_of = |states: &[(String, String)]| {
        states
            .iter()
            .find(|(s, _)| *s == water.0)
            .map(|(_, st)| st.clone())
    };
    git(&site, &["init", "-q"], "2024-01-01T10:00:00Z");
    git(&site, &["add", "."], "2024-01-01T10:00:00Z");
    git(&site, &["commit", "-qm", "content"], "2024-01-01T10:00:00Z");

    // A translation recording no version: which text it follows is unknown.
    let (fr, states) = translations(&site);
    assert_eq!(
        state_of(&states).as_deref(),
        Some("unversioned"),
        "{states:?}"
    );
    assert!(states.contains(&("content/practices/peace.md".into(), "missing".into())));
    // Member pages are data, counted apart, never missing.
    assert!(fr["data_pages"].as_u64().unwrap() >= 1, "{fr}");
    assert!(
        !states.iter().any(|(s, _)| s.contains("/members/")),
        "{states:?}"
    );

    let done = site.run(&["translations", "--done", "content/practices/water.fr.md"]);
    assert_eq!(done.status, 0, "{}", done.stderr);
    assert!(source(&site, "content/practices/water.fr.md").contains("\nsource_version: "));
    assert_eq!(state_of(&translations(&site).1), None, "current once done");
    git(
        &site,
        &["commit", "-qam", "fr follows en"],
        "2024-01-02T10:00:00Z",
    );

    // A data edit of the source leaves the translation current.
    let en = source(&site, "content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &en.replace("levels: [secondary]", "levels: [secondary, primary]"),
    );
    assert_eq!(
        state_of(&translations(&site).1),
        None,
        "a data edit is not a text edit"
    );
    git(&site, &["commit", "-qam", "data"], "2024-01-03T10:00:00Z");

    // A text edit makes it out of date, however recent the translation's date or commit.
    let en = source(&site, "content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &en.replace("measured the water", "measured the water twice"),
    );
    git(&site, &["commit", "-qam", "text"], "2024-06-01T10:00:00Z");
    let fr_text = source(&site, "content/practices/water.fr.md");
    site.write(
        "content/practices/water.fr.md",
        &fr_text.replacen("---\n", "---\nupdated: 2024-07-01\n", 1),
    );
    git(
        &site,
        &["commit", "-qam", "touch fr"],
        "2024-07-01T10:00:00Z",
    );
    let (_, states) = translations(&site);
    assert_eq!(
        state_of(&states).as_deref(),
        Some("out-of-date"),
        "{states:?}"
    );
    let run = site.run(&["translations"]);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("out of date") && l.contains("content/practices/water.fr.md")),
        "{}",
        run.stdout
    );

    // --diff shows what changed in the source since the version followed.
    let diff = site.run(&["translations", "--diff", "content/practices/water.fr.md"]);
    assert_eq!(diff.status, 0, "{}", diff.stderr);
    assert!(
        diff.stdout
            .contains("-Schools in Nairobi measured the water. See"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .contains("+Schools in Nairobi measured the water twice."),
        "{}",
        diff.stdout
    );

    // Readers of the French page are told, with a link to the current original.
    site.build_ok();
    let page = site.read("fr/practices/water/index.html");
    assert!(page.contains("a changé depuis sa traduction"), "{page}");
    assert!(
        page.contains(r#"<a href="/aspnet/en/practices/water/">"#),
        "{page}"
    );

    // --done again: current, and the notice goes.
    let done = site.run(&["translations", "--done", "content/practices/water.fr.md"]);
    assert_eq!(done.status, 0, "{}", done.stderr);
    assert_eq!(state_of(&translations(&site).1), None);

    let report = site.root().join("report.html");
    let run = site.run(&["translations", "--html", &report.to_string_lossy()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let html = fs::read_to_string(report).unwrap();
    assert!(
        html.contains("<div class=\"bar\" role=\"img\""),
        "a coverage chart"
    );
    assert!(html.contains("content/practices/peace.md"));
}
