//! National mirrors: a site with `upstream:` (the global site in a folder of its own, as a git
//! submodule would be), its own languages, pages and translations; the language of files
//! (`source_language`); translations that inherit their data; country codes in any case.

mod common;

use common::Site;
use std::path::Path;

/// A Moroccan mirror in Arabic and French of the `basic` fixture (English, French, Spanish),
/// which sits in `global/`.
fn moroccan_mirror() -> Site {
    let site = Site::empty();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        &site.root().join("global"),
    );
    site.write(
        "site.yaml",
        "title: ASPnet Maroc\n\
         base_url: https://example.ma/aspnet/\n\
         default_language: ar\n\
         source_language: fr\n\
         languages:\n  ar: { name: العربية, direction: rtl }\n  fr: { name: Français }\n\
         upstream: global\n\
         upstream_url: https://example.org/aspnet/\n\
         menu:\n  - page: \"@/about-maroc.md\"\n",
    );
    // The mirror's own page, in its two languages only (no file in the source language
    // of the global site).
    site.write(
        "content/about-maroc.md",
        "---\ntitle: Le réseau au Maroc\n---\nLes écoles associées du Maroc.\n",
    );
    site.write(
        "content/about-maroc.ar.md",
        "---\ntitle: الشبكة في المغرب\n---\nالمدارس المنتسبة في المغرب.\n",
    );
    // An Arabic translation of a global page: prose only, the data is inherited.
    site.write(
        "content/practices/water.ar.md",
        "---\ntitle: مياه نظيفة للجميع\nsummary: يختبر التلاميذ مياه النهر.\n---\nقاس التلاميذ الماء.\n",
    );
    // The mirror's French version replaces the global one.
    site.write(
        "content/practices/water.fr.md",
        "---\ntitle: L'eau propre, version marocaine\nsummary: Les élèves testent l'eau.\n---\nTexte du Maroc.\n",
    );
    site
}

#[test]
fn a_mirror_builds_on_its_upstream_with_its_own_pages_and_languages() {
    let site = moroccan_mirror();
    let run = site.build_ok();
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
    // Only the mirror's languages are published.
    assert!(site.exists("ar/index.html") && site.exists("fr/index.html"));
    assert!(!site.exists("en/index.html") && !site.exists("es/index.html"));
    // The Arabic translation inherits the practice's data (country, theme, member).
    let water = site.read("ar/practices/water/index.html");
    assert!(water.contains("مياه نظيفة للجميع"), "{water}");
    assert!(
        water.contains("/aspnet/ar/countries/ke/"),
        "country inherited: {water}"
    );
    assert!(
        water.contains("/aspnet/ar/members/ke/ke-0001/"),
        "member inherited"
    );
    // A thematic area shown in English in the Arabic facts says so.
    assert!(
        water.contains(r#"/aspnet/ar/themes/esd/" lang="en" dir="ltr">"#),
        "{water}"
    );
    // The mirror's French file replaced the upstream's.
    let fr = site.read("fr/practices/water/index.html");
    assert!(
        fr.contains("version marocaine") && !fr.contains("De l&#39;eau propre"),
        "{fr}"
    );
    // A global page without an Arabic version falls back to the default language's (none
    // here) and then to its source, English, marked as untranslated.
    let peace = site.read("ar/practices/peace/index.html");
    assert!(
        peace.contains("Peace garden") && peace.contains(r#" lang="en""#),
        "{peace}"
    );
    // Pages shown unchanged from upstream name the global page as canonical; the mirror's
    // own and translated pages name themselves.
    assert!(
        peace.contains(
            r#"<link rel="canonical" href="https://example.org/aspnet/en/practices/peace/">"#
        ),
        "{peace}"
    );
    assert!(water.contains(
        r#"<link rel="canonical" href="https://example.ma/aspnet/ar/practices/water/">"#
    ));
    // Sitemaps list the mirror's canonical addresses only.
    let sitemap = site.read("ar/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.ma/aspnet/ar/practices/water/</loc>"));
    assert!(!sitemap.contains("/ar/practices/peace/"), "{sitemap}");
    // The mirror's own page is in the menu of each language, in that language.
    for (lang, title) in [("ar", "الشبكة في المغرب"), ("fr", "Le réseau au Maroc")] {
        let home = site.read(&format!("{lang}/index.html"));
        assert!(
            home.contains(&format!(
                r#"href="/aspnet/{lang}/about-maroc/">{title}</a>"#
            )),
            "{lang}: {home}"
        );
    }
    // Members are data: never marked untranslated, whatever the language.
    let member = site.read("ar/members/ke/ke-0001/index.html");
    assert!(!member.contains("class=\"notice\""), "{member}");
}

#[test]
fn a_mirror_names_the_file_and_tree_of_each_problem() {
    let site = moroccan_mirror();
    // An upstream file with a problem is named in its tree; a mirror file in its own.
    let peace = site.source("global/content/practices/peace.md");
    site.write(
        "global/content/practices/peace.md",
        &peace.replace("themes: [gced]", "themes: [gcde]"),
    );
    // With French as the mirror's source language, `x.fr.md` beside `x.md` is one page twice.
    site.write("content/about-maroc.fr.md", "---\ntitle: Doublon\n---\n");
    // A translation naming a data key differently is warned about.
    site.write(
        "content/practices/water.ar.md",
        "---\ntitle: مياه\nsummary: ماء\ncountries: [MA]\n---\nنص.\n",
    );
    // A page of the mirror's own that took the name of a global page.
    site.write(
        "content/about.md",
        "---\ntitle: À propos du Maroc\n---\nTexte.\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: content/about.md:1: content/about.md is the fr version of the upstream page global/content/about.md")
            && run.stderr.contains("name the file `content/about.fr.md`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error: global/content/practices/peace.md:")
            && run.stderr.contains("gcde"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/about-maroc.fr.md")
            && run.stderr.contains(
                "`content/about-maroc.md` and `content/about-maroc.fr.md` are both the `fr` version"
            ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: content/practices/water.ar.md:4")
            && run
                .stderr
                .contains("countries: differs from the source, global/content/practices/water.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_upstream_or_menu_page_is_a_located_error() {
    let site = moroccan_mirror();
    std::fs::remove_dir_all(site.root().join("global/content")).unwrap();
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: site.yaml:8: upstream: global/content/ does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("git submodule"), "{}", run.stderr);

    let site = moroccan_mirror();
    let config = site.source("site.yaml");
    site.write(
        "site.yaml",
        &config.replace("@/about-maroc.md", "@/about-rabat.md"),
    );
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: site.yaml:11: menu: no page `about-rabat`"),
        "{}",
        run.stderr
    );
    for outside in ["../global", "/global", "global/../.."] {
        site.write(
            "site.yaml",
            &config.replace("upstream: global", &format!("upstream: \"{outside}\"")),
        );
        let run = site.run(&["check"]);
        assert_eq!(run.status, 1, "{outside}: {}", run.stderr);
        assert!(
            run.stderr.contains("is not a folder inside the site root"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn source_language_decides_the_language_of_unsuffixed_files() {
    // A French-speaking site whose unsuffixed files are English: every `*.fr.md` counts.
    let site = Site::fixture("basic");
    let config = site.source("site.yaml");
    site.write(
        "site.yaml",
        &config.replace(
            "default_language: en",
            "default_language: fr\nsource_language: en",
        ),
    );
    site.build_ok();
    assert!(
        site.read("index.html").contains("/aspnet/fr/"),
        "the root goes to French"
    );
    let fr = site.read("fr/practices/water/index.html");
    assert!(fr.contains("De l&#39;eau propre pour tous"), "{fr}");
    let en = site.read("en/practices/water/index.html");
    assert!(en.contains("Clean water for all"), "{en}");
    // An English page with no French version falls back to English in French.
    let peace = site.read("fr/practices/peace/index.html");
    assert!(
        peace.contains("Peace garden") && peace.contains(r#"lang="en""#),
        "{peace}"
    );

    // Without source_language, `x.en.md` beside `x.md` (English) is one page twice.
    let site = Site::fixture("basic");
    site.write("content/practices/water.en.md", "---\ntitle: Twice\n---\n");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("`content/practices/water.md` and `content/practices/water.en.md` are both the `en` version"),
        "{}",
        run.stderr
    );
}

#[test]
fn country_codes_may_be_written_in_capitals() {
    let site = Site::fixture("basic");
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("countries: [ke]", "countries: [KE]"),
    );
    // Also in `_data/regions.yaml`: `KE` as ISO 3166-1 writes it.
    site.write("content/_data/regions.yaml", "KE: asia-pacific\n");
    let member = site.source("content/members/ke/ke-0001.md");
    site.write(
        "content/members/ke/ke-0001.md",
        &member.replace("country: ke", "country: Ke"),
    );
    site.build_ok();
    let page = site.read("en/practices/water/index.html");
    assert!(
        page.contains(r#"href="/aspnet/en/countries/ke/""#),
        "{page}"
    );
    assert!(
        site.read("en/countries/ke/index.html")
            .contains("Nairobi Green Hill School")
    );
    assert!(
        site.read("en/regions/asia-pacific/index.html")
            .contains("Clean water")
    );
    let search = site.run(&["search", "--country", "KE", "water"]);
    assert_eq!(search.status, 0, "{}", search.stderr);
    assert!(search.stdout.contains("Clean water"), "{}", search.stdout);
}

#[test]
fn an_initialised_mirror_builds_on_the_global_site_and_translates_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    let mirror = dir.path().join("aspnet-maroc");
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
        .args(["init", "--upstream", "global", "--lang", "ar,fr"])
        .arg(&mirror)
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    // The global site arrives as a submodule would.
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        &mirror.join("global"),
    );
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_aspnet-kb"))
            .args(args)
            .arg("--root")
            .arg(&mirror)
            .output()
            .unwrap()
    };
    let build = run(&["build"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{stderr}");
    assert!(
        mirror.join("public/ar/practices/water/index.html").exists(),
        "{stderr}"
    );
    // A global page is translated into the mirror's own content/.
    let new = run(&[
        "new",
        "translation",
        "global/content/practices/water.md",
        "--lang",
        "ar",
    ]);
    assert!(
        new.status.success(),
        "{}",
        String::from_utf8_lossy(&new.stderr)
    );
    let translation =
        std::fs::read_to_string(mirror.join("content/practices/water.ar.md")).unwrap();
    assert!(translation.contains("source_version: ") && !translation.contains("countries:"));
    assert!(!mirror.join("global/content/practices/water.ar.md").exists());
    // The global site's own translations are the upstream's to keep in step.
    let report = run(&["translations"]);
    let report = String::from_utf8_lossy(&report.stdout).to_string();
    assert!(
        report
            .lines()
            .any(|l| l.contains("global/content/practices/water.fr.md")
                && l.contains("(the upstream's: kept in step there)")),
        "{report}"
    );
    // The global site's own translations are not the mirror's to mark.
    let done = run(&[
        "translations",
        "--done",
        "global/content/practices/water.fr.md",
    ]);
    assert_eq!(done.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&done.stderr).contains("belongs to the upstream"));
    let check = run(&["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn language_subtags_are_lower_case_in_addresses_and_canonical_in_hreflang() {
    let site = Site::fixture("basic");
    let config = site.source("site.yaml");
    site.write(
        "site.yaml",
        &config.replace(
            "  es: { name: Español }",
            "  pt-BR: { name: Português do Brasil }",
        ),
    );
    let water = site.source("content/practices/water.es.md");
    site.remove("content/practices/water.es.md");
    site.write(
        "content/practices/water.pt-BR.md",
        &water.replace("title:", "title: (pt)"),
    );
    site.build_ok();
    let page = site.read("pt-br/practices/water/index.html");
    assert!(page.contains("(pt)"), "{page}");
    let en = site.read("en/practices/water/index.html");
    assert!(
        en.contains(r#"<link rel="alternate" hreflang="pt-BR" href="https://example.org/aspnet/pt-br/practices/water/">"#),
        "{en}"
    );
    let sitemap = site.read("pt-br/sitemap.xml");
    assert!(sitemap.contains(r#"hreflang="pt-BR""#), "{sitemap}");
}

#[test]
fn the_output_may_not_be_inside_the_upstream() {
    let site = moroccan_mirror();
    let before = site.source("global/content/practices/water.md");
    for output in ["global/public", "global"] {
        let run = site.run(&[
            "build",
            "--output",
            &site.root().join(output).to_string_lossy(),
        ]);
        assert_eq!(run.status, 2, "{output}: {}", run.stderr);
        assert!(run.stderr.contains("global/"), "{}", run.stderr);
    }
    assert!(!site.root().join("global/public").exists());
    assert_eq!(site.source("global/content/practices/water.md"), before);
}

#[test]
fn the_preview_follows_edits_in_the_upstream() {
    let site = moroccan_mirror();
    let server = common::preview::start(&site, &[]);
    let page = |path: &str| -> String {
        let url = format!("{}{path}", server.base);
        ureq::get(&url)
            .call()
            .map(|r| r.into_string().unwrap_or_default())
            .unwrap_or_default()
    };
    assert!(page("ar/practices/peace/").contains("Peace garden"));
    let peace = site.source("global/content/practices/peace.md");
    site.write(
        "global/content/practices/peace.md",
        &peace.replace("title: Peace garden", "title: Peace garden renewed"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !page("ar/practices/peace/").contains("Peace garden renewed") {
        assert!(
            std::time::Instant::now() < deadline,
            "the edit never showed"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn an_upstream_reached_through_a_symbolic_link_is_not_read() {
    let site = moroccan_mirror();
    let elsewhere = site.dir.path().join("elsewhere");
    std::fs::rename(site.root().join("global"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.root().join("global")).unwrap();
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: global: symbolic links are not followed"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("global/content/"), "{}", run.stderr);
}
