//! Sites other than the fixture: a bare site with the built-in theme, theme overrides, a
//! mirror with fewer languages, and a right-to-left language of its own.

mod common;

use common::Site;

fn bare_site(site: &Site, languages: &str) {
    site.write(
        "site.yaml",
        &format!("title: Mirror\nbase_url: https://example.org/mirror/\ndefault_language: en\nlanguages:\n{languages}"),
    );
    site.write("content/_index.md", "---\ntitle: Home\n---\nHello.\n");
    site.write(
        "content/themes/esd.md",
        "---\ntitle: ESD\nsummary: Sustainable development.\n---\n",
    );
    site.write(
        "content/practices/p.md",
        "---\ntitle: A practice\ndate: 2024-01-01\nsummary: S.\ncountries: [eg]\nthemes: [esd]\n---\nText.\n",
    );
}

#[test]
fn a_site_with_only_config_and_content_uses_the_built_in_theme() {
    let site = Site::empty();
    bare_site(&site, "  en: { name: English }\n");
    site.build_ok();
    let page = site.read("en/practices/p/index.html");
    assert!(page.contains(r#"<link rel="stylesheet" href="/mirror/static/style.css">"#));
    assert!(site.read("static/style.css").contains("@media print"));
    assert!(page.contains("Egypt"), "country name from CLDR");
}

#[test]
fn one_template_and_one_string_can_be_overridden() {
    let site = Site::empty();
    bare_site(&site, "  en: { name: English }\n  fr: { name: Français }\n");
    site.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Custom 404</h1>{% endblock content %}",
    );
    site.write("themes/default/i18n/fr.yaml", "nav_search: Chercher\n");
    site.build_ok();
    assert!(site.read("en/404.html").contains("<h1>Custom 404</h1>"));
    let fr = site.read("fr/index.html");
    assert!(fr.contains(">Chercher</a>"), "overridden string");
    assert!(
        fr.contains(">Bonnes pratiques</a>"),
        "other built-in strings stay"
    );
}

#[test]
fn a_mirror_publishes_only_its_languages() {
    let site = Site::fixture("basic");
    let run = site.run(&[
        "build",
        "--lang",
        "fr,es",
        "--base-url",
        "https://mirror.example/kb/",
    ]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!site.exists("en"));
    let page = site.read("fr/practices/peace/index.html");
    assert!(
        page.contains("pas encore traduite"),
        "English page shown as a fallback"
    );
    assert!(page.contains(r#"href="/kb/es/practices/peace/""#));
    assert!(
        !page.contains("/kb/en/"),
        "no link to the unpublished language"
    );
}

#[test]
fn a_right_to_left_language_of_its_own() {
    let site = Site::empty();
    bare_site(
        &site,
        "  en: { name: English }\n  ar: { name: العربية, direction: rtl }\n",
    );
    site.write(
        "content/_index.ar.md",
        "---\ntitle: الرئيسية\n---\nمرحبا.\n",
    );
    site.build_ok();
    let home = site.read("ar/index.html");
    assert!(home.contains(r#"<html lang="ar" dir="rtl">"#));
    let practice = site.read("ar/practices/p/index.html");
    assert!(practice.contains("مصر"), "Egypt in Arabic from CLDR");
    assert!(practice.contains(r#"<article class="page page-practice" lang="en" dir="ltr">"#));
}
