//! The build on the `basic` fixture: every page type in every language, fallbacks, drafts,
//! aliases, feeds, sitemap, and every link staying under the base URL's path.

mod common;

use common::{Site, attribute_values};
use std::path::Path;

#[test]
fn every_page_type_exists_in_every_language() {
    let site = Site::fixture("basic");
    site.build_ok();
    for lang in ["en", "fr", "es"] {
        for page in [
            "index.html",
            "about/index.html",
            "practices/index.html",
            "practices/page/2/index.html",
            "practices/water/index.html",
            "practices/sandwatch/index.html",
            "practices/sandwatch/beach.svg",
            "themes/index.html",
            "themes/esd/index.html",
            "themes/esd/atom.xml",
            "countries/index.html",
            "countries/ke/index.html",
            "regions/africa/index.html",
            "levels/secondary/index.html",
            "tags/water/index.html",
            "members/index.html",
            "members/ke/index.html",
            "members/ke/ke-0001/index.html",
            "coordinators/ke/index.html",
            "guides/index.html",
            "guides/coord/index.html",
            "guides/coord/01-role/index.html",
            "search/index.html",
            "404.html",
            "atom.xml",
            "sitemap.xml",
        ] {
            assert!(
                site.exists(&format!("{lang}/{page}")),
                "{lang}/{page} is missing"
            );
        }
        let home = site.read(&format!("{lang}/index.html"));
        assert!(
            home.contains(&format!("<html lang=\"{lang}\" dir=\"ltr\">")),
            "{home}"
        );
    }
    for file in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "static/style.css",
    ] {
        assert!(site.exists(file), "{file} is missing");
    }
}

#[test]
fn translations_switch_and_fallbacks_are_marked() {
    let site = Site::fixture("basic");
    site.build_ok();
    let water_fr = site.read("fr/practices/water/index.html");
    assert!(water_fr.contains("De l&#39;eau propre pour tous"));
    assert!(
        !water_fr.contains("class=\"notice\""),
        "a translated page is not marked"
    );
    assert!(water_fr.contains(r#"<link rel="alternate" hreflang="en" href="https://example.org/aspnet/en/practices/water/">"#));
    let peace_fr = site.read("fr/practices/peace/index.html");
    assert!(
        peace_fr.contains(r#"<article class="page page-practice" lang="en" dir="ltr">"#),
        "content lang is the source's"
    );
    assert!(
        peace_fr.contains("pas encore traduite"),
        "notice in the reader's language"
    );
    assert!(peace_fr.contains("<html lang=\"fr\""));
    // The switcher links to the same page in every language.
    assert!(peace_fr.contains(r#"href="/aspnet/es/practices/peace/" hreflang="es""#));
    // Country names and dates come from CLDR in the reader's language.
    assert!(peace_fr.contains(">France</a>"));
    let water_es = site.read("es/practices/water/index.html");
    assert!(water_es.contains("5 de marzo de 2024"), "date in Spanish");
}

#[test]
fn no_fallback_means_no_untranslated_pages() {
    let site = Site::fixture("basic");
    let config = site.source("site.yaml");
    site.write(
        "site.yaml",
        &config.replace("translation_fallback: true", "translation_fallback: false"),
    );
    site.build_ok();
    assert!(site.exists("fr/practices/water/index.html"));
    assert!(!site.exists("fr/practices/peace/index.html"));
    assert!(site.exists("en/practices/peace/index.html"));
}

#[test]
fn drafts_are_nowhere_unless_asked_for() {
    let site = Site::fixture("basic");
    site.build_ok();
    for (path, _) in site.snapshot() {
        let text = String::from_utf8_lossy(&std::fs::read(site.public().join(&path)).unwrap())
            .into_owned();
        assert!(
            !text.contains("Secret draft story"),
            "draft appears in {}",
            path.display()
        );
        assert!(
            !text.contains("/secret/"),
            "draft linked from {}",
            path.display()
        );
    }
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        site.read("en/practices/index.html")
            .contains("Secret draft story")
            || site.exists("en/practices/secret/index.html")
    );
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = Site::fixture("basic");
    site.build_ok();
    let redirect = site.read("old/about/index.html");
    assert!(
        redirect.contains(r#"content="0; url=https://example.org/aspnet/en/about/""#),
        "{redirect}"
    );
}

#[test]
fn feeds_and_sitemap_honour_the_base_url() {
    let site = Site::fixture("basic");
    site.build_ok();
    let feed = site.read("fr/atom.xml");
    assert!(
        feed.contains("<link href=\"https://example.org/aspnet/fr/practices/water/\"/>"),
        "{feed}"
    );
    let sitemap = site.read("en/sitemap.xml");
    assert!(sitemap.contains(r#"<xhtml:link rel="alternate" hreflang="fr" href="https://example.org/aspnet/fr/practices/water/"/>"#));
    let index = site.read("sitemap.xml");
    assert!(index.contains("<loc>https://example.org/aspnet/fr/sitemap.xml</loc>"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/aspnet/sitemap.xml")
    );
}

/// Every href and src of every page stays under the base path and names a file that exists.
#[test]
fn every_link_stays_under_the_base_path_and_resolves() {
    let site = Site::fixture("basic");
    let run = site.run(&["build", "--base-url", "https://example.net/kb/aspnet"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let public = site.public();
    let mut checked = 0;
    for (path, bytes) in site.snapshot() {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let page_dir = Path::new("/kb/aspnet").join(path.parent().unwrap());
        for link in attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"))
        {
            let link = link.split('#').next().unwrap();
            // An inline icon (`data:`) is part of the page, not a link.
            if link.is_empty() || link.starts_with("mailto:") || link.starts_with("data:") {
                continue;
            }
            let absolute = if let Some(rest) = link.strip_prefix("https://example.net") {
                rest.to_string()
            } else if link.starts_with('/') {
                link.to_string()
            } else {
                assert!(
                    !link.contains("://"),
                    "{}: external link {link}",
                    path.display()
                );
                page_dir.join(link).to_string_lossy().into_owned()
            };
            let inside = absolute
                .strip_prefix("/kb/aspnet/")
                .unwrap_or_else(|| panic!("{}: {link} leaves the base path", path.display()));
            let target = public.join(inside);
            let target = if inside.is_empty() || inside.ends_with('/') {
                target.join("index.html")
            } else {
                target
            };
            assert!(
                target.exists(),
                "{}: {link} points to a missing file",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn members_are_sorted_by_the_locale_collation() {
    let site = Site::fixture("basic");
    site.build_ok();
    let directory = site.read("fr/members/index.html");
    let kenya = directory
        .find(r#"href="/aspnet/fr/members/ke/">Kenya</a>"#)
        .unwrap();
    let france = directory
        .find(r#"href="/aspnet/fr/members/fr/">France</a>"#)
        .unwrap();
    assert!(france < kenya, "countries in French order");
    assert!(directory.contains("2 établissements membres"));
    let french_schools = site.read("fr/members/fr/index.html");
    let ecole = french_schools.find("École Jean Moulin").unwrap();
    let lycee = french_schools.find("Lycée Émile Zola").unwrap();
    assert!(ecole < lycee, "É sorts with E, before L");
}

#[test]
fn guides_have_chapter_order_toc_and_prev_next() {
    let site = Site::fixture("basic");
    site.build_ok();
    let first = site.read("en/guides/coord/01-role/index.html");
    assert!(first.contains(r##"<a href="#first">First</a>"##), "toc");
    assert!(
        first.contains(r#"<a rel="next" href="/aspnet/en/guides/coord/02-network/">"#),
        "next"
    );
    let cover = site.read("en/guides/coord/index.html");
    assert!(cover.find("Your role").unwrap() < cover.find("Building the network").unwrap());
}

fn gzipped_size(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap().len()
}

#[test]
fn pages_and_css_stay_within_the_weight_budget() {
    let site = Site::fixture("basic");
    site.build_ok();
    let practice = site.read("fr/practices/water/index.html");
    let html = gzipped_size(practice.as_bytes());
    assert!(html < 14 * 1024, "practice page is {html} bytes gzipped");
    let css = gzipped_size(site.read("static/style.css").as_bytes());
    assert!(css < 10 * 1024, "CSS is {css} bytes gzipped");
    assert!(!practice.contains("<script"), "pages need no JavaScript");
}

#[test]
fn site_data_overrides_a_country_region() {
    let site = Site::fixture("basic");
    site.write("content/_data/regions.yaml", "ke: arab-states\n");
    site.build_ok();
    assert!(
        site.read("en/regions/arab-states/index.html")
            .contains("Clean water for all")
    );
    site.write("content/_data/regions.yaml", "ke: atlantis\n");
    let run = site.build();
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("error: content/_data/regions.yaml:1: unknown region \"atlantis\" for ke"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_killed_build_leaves_no_trace_in_the_next_output() {
    let site = Site::fixture("basic");
    site.write(".public.new/en/stale.html", "half-written");
    site.write(".public.new/.aspnet-kb-output", "# staging\n");
    site.build_ok();
    assert!(!site.exists("en/stale.html"));
    assert!(!site.root().join(".public.new").exists());
}

#[test]
fn plurals_follow_the_language() {
    let site = Site::fixture("basic");
    site.build_ok();
    assert!(
        site.read("en/themes/gced/index.html")
            .contains("2 good practices")
    );
    assert!(
        site.read("fr/countries/ke/index.html")
            .contains("2 bonnes pratiques")
    );
    assert!(
        site.read("en/countries/fr/index.html")
            .contains("2 good practices")
    );
    assert!(
        site.read("en/levels/index.html")
            .contains("1 good practice<")
    );
}

#[test]
fn a_practice_is_listed_once_in_each_of_its_regions() {
    let site = Site::fixture("basic");
    // Kenya and Tanzania are in Africa, France between them is not.
    site.write(
        "content/practices/peace.md",
        "---\ntitle: Peace garden\ndate: 2022-06-01\nsummary: A garden.\ncountries: [ke, fr, tz]\nthemes: [gced]\n---\nBody.\n",
    );
    site.build_ok();
    // Two per page in the fixture.
    let africa = site.read("en/regions/africa/index.html")
        + &site.read("en/regions/africa/page/2/index.html");
    assert_eq!(africa.matches(">Peace garden</a>").count(), 1, "{africa}");
    assert!(africa.contains("3 good practices"), "{africa}");
    assert!(!site.exists("en/regions/africa/page/3/index.html"));
}

#[test]
fn a_long_listing_shows_its_map_and_further_lists_on_its_first_page_only() {
    let site = Site::fixture("basic");
    site.write(
        "content/practices/peace.md",
        "---\ntitle: Peace garden\ndate: 2022-06-01\nsummary: A garden.\ncountries: [ke, fr, tz]\nthemes: [gced]\n---\nBody.\n",
    );
    site.build_ok();
    let first = site.read("en/regions/africa/index.html");
    let second = site.read("en/regions/africa/page/2/index.html");
    assert!(second.contains("Page 2 of 2"), "{second}");
    // The region's countries are in the map's list and a further list, on page 1 only.
    assert!(first.contains("<figure class=\"map\">"), "{first}");
    assert!(first.contains(">Kenya</a>"), "{first}");
    assert!(!second.contains("<figure class=\"map\">"), "{second}");
    assert!(!second.contains(">Kenya</a>"), "{second}");
}

#[test]
fn site_files_are_built_in_templates_a_theme_may_override() {
    let site = Site::fixture("basic");
    // A theme of its own gets the built-in site files without writing them.
    site.use_a_plain_theme();
    site.build_ok();
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/aspnet/sitemap.xml")
    );
    assert!(
        site.read("en/atom.xml")
            .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    assert!(
        site.read("old/about/index.html")
            .contains("url=https://example.org/aspnet/en/about/")
    );
    // Any of them may be replaced, with the variables render/context.rs documents.
    site.write(
        "themes/plain/templates/robots.txt",
        "User-agent: *\nDisallow: /{{ sitemap | replace(from=\"https://\", to=\"\") }}\n",
    );
    site.write(
        "themes/plain/templates/atom.xml",
        "<feed>{% for e in entries %}<e href=\"{{ e.url }}\">{{ e.title }}</e>{% endfor %}</feed>",
    );
    site.write(
        "themes/plain/templates/sitemap.xml",
        "{% for u in urls %}{{ u.loc }} {{ u.alternates | length }}\n{% endfor %}",
    );
    site.build_ok();
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nDisallow: /example.org/aspnet/sitemap.xml\n"
    );
    let feed = site.read("fr/atom.xml");
    assert!(
        feed.starts_with("<feed><e href=\"https://example.org/aspnet/fr/practices/"),
        "{feed}"
    );
    let sitemap = site.read("en/sitemap.xml");
    assert!(
        sitemap.contains("https://example.org/aspnet/en/practices/water/ 3\n"),
        "{sitemap}"
    );
}

#[test]
fn a_sitemap_over_the_protocols_50_mb_is_cut_in_parts() {
    let site = Site::fixture("basic");
    site.use_a_plain_theme();
    let yaml = site.source("site.yaml");
    site.write(
        "site.yaml",
        &yaml.replace("translation_fallback: true", "translation_fallback: false"),
    );
    for n in 0..60 {
        site.write(
            &format!("content/notes/n{n:02}.md"),
            &format!("---\ntitle: Note {n}\n---\nA note.\n"),
        );
    }
    // Each address padded to 0.75 MiB: 70-odd English ones make some 55 MiB, over the limit;
    // any half of them is under it.
    let kib = "x".repeat(1024);
    site.write(
        "themes/plain/templates/sitemap.xml",
        &format!(
            "{{% for u in urls %}}<url><loc>{{{{ u.loc }}}}</loc></url><!--{{% for i in range(end=768) %}}{kib}{{% endfor %}}-->\n{{% endfor %}}"
        ),
    );
    site.build_ok();
    let limit = 50 * 1024 * 1024;
    let mut listed = Vec::new();
    for part in ["en/sitemap.xml", "en/sitemap-2.xml"] {
        let text = site.read(part);
        assert!(text.len() <= limit, "{part}: {} bytes", text.len());
        let locs = text.split("<loc>").skip(1);
        listed.extend(locs.map(|l| l.split("</loc>").next().unwrap_or("").to_string()));
    }
    assert!(!site.public().join("en/sitemap-3.xml").exists());
    let notes = listed.iter().filter(|l| l.contains("/en/notes/n")).count();
    assert_eq!(notes, 60, "every note once");
    let mut unique = listed.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), listed.len(), "no address twice");
    let index = site.read("sitemap.xml");
    assert!(index.contains("<loc>https://example.org/aspnet/en/sitemap-2.xml</loc>"));
    assert!(index.contains("<loc>https://example.org/aspnet/fr/sitemap.xml</loc>"));
    // A template too large whatever it lists (here, the English one) is an error, not a file
    // an address.
    site.write(
        "themes/plain/templates/sitemap.xml",
        &format!(
            "{{% if urls | length > 0 and urls[0].loc is containing(\"/en/\") %}}{{% for i in range(end=51300) %}}{kib}{{% endfor %}}{{% endif %}}"
        ),
    );
    let run = site.build();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: themes/templates/sitemap.xml: en/sitemap.xml: the theme's sitemap template makes"),
        "{}",
        run.stderr
    );
    assert!(
        site.public().join("en/sitemap-2.xml").exists(),
        "the last good site stays"
    );
}

#[test]
fn a_thematic_area_links_its_own_feed() {
    let site = Site::fixture("basic");
    site.build_ok();
    let page = site.read("fr/themes/esd/index.html");
    assert!(
        page.contains(r#"<p><a href="/aspnet/fr/themes/esd/atom.xml">"#),
        "{page}"
    );
    assert!(site.exists("fr/themes/esd/atom.xml"));
}
#[test]
fn an_accented_tag_keeps_its_old_address_as_a_redirect() {
    let site = Site::fixture("basic");
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("tags: [water, climate]", "tags: [water, Éducation, مدارس]"),
    );
    site.build_ok();
    assert!(site.exists("en/tags/education/index.html"));
    assert!(site.exists("en/tags/مدارس/index.html"));
    let old = site.read("en/tags/éducation/index.html");
    assert!(old.contains("/en/tags/education/"), "{old}");
    // A tag whose address did not change is a tag page, not a redirect.
    assert!(!site.read("en/tags/مدارس/index.html").contains("http-equiv"));
}

#[test]
fn the_built_in_sitemap_is_its_template_byte_for_byte() {
    let site = Site::fixture("basic");
    site.write(
        "content/practices/peace.md",
        &site
            .source("content/practices/peace.md")
            .replace("title: ", "title: A & <b> \"q\" "),
    );
    site.build_ok();
    let written: Vec<String> = ["en/sitemap.xml", "fr/sitemap.xml"]
        .iter()
        .map(|path| site.read(path))
        .collect();
    // The same template, as a site's own file, goes through Tera.
    let template =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/sitemap.xml");
    site.write(
        "themes/default/templates/sitemap.xml",
        &std::fs::read_to_string(template).unwrap(),
    );
    site.build_ok();
    for (path, written) in ["en/sitemap.xml", "fr/sitemap.xml"].iter().zip(written) {
        assert!(
            written.contains("<xhtml:link rel=\"alternate\""),
            "{written}"
        );
        assert_eq!(site.read(path), written, "{path}");
    }
}

#[test]
fn timings_show_each_stage_with_its_memory() {
    let site = Site::fixture("basic");
    let run = site.run(&["build", "--timings"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let table = &run.stderr[run.stderr.find("stage ").expect("a table")..];
    let stages: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        stages,
        [
            "load", "setup", "parse", "resolve", "search", "pictures", "render", "swap"
        ],
        "{table}"
    );
    // Linux reports memory: the peak is a number of MiB, never below what is resident.
    if cfg!(target_os = "linux") {
        for line in table.lines().skip(1) {
            let numbers: Vec<f64> = (line.split_whitespace().skip(1))
                .map(|n| n.parse().expect("a number"))
                .collect();
            assert!(numbers[2] >= numbers[1] && numbers[1] > 0.0, "{line}");
        }
    }
    // Without the flag, no table.
    assert!(!site.build_ok().stderr.contains("resident MiB"));
}
