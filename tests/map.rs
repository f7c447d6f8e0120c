//! The map of the network: an inline SVG on the home, region and country pages (land without
//! borders, a linked point per country with practices or members, a country's members), its
//! text in a list, the United Nations' disclaimer in the reader's language, nothing fetched,
//! coordinates rounded; the home page stays light. (tests/phones.rs checks that every page
//! with a map fits a phone, in Arabic too.)

mod common;

use common::Site;
use std::io::Write;
use std::path::PathBuf;

/// The demo built into a temporary folder.
fn demo() -> (tempfile::TempDir, PathBuf) {
    common::build_demo(&[])
}

/// The inline SVG of a page, and the rest of its map: the caption and the list (or, on a
/// country's page, which lists its members, the caption alone).
fn map_of(html: &str) -> (&str, &str) {
    let start = html.find("<figure class=\"map\">").expect("a map");
    let end = (html[start..].find("</details>"))
        .or_else(|| html[start..].find("</figure>"))
        .expect("its caption")
        + start;
    let svg_end = html[start..].find("</svg>").unwrap() + start;
    (&html[start..svg_end], &html[svg_end..end])
}

#[test]
fn the_demo_shows_its_network_on_maps() {
    let (_output, public) = demo();
    let read = |path: &str| std::fs::read_to_string(public.join(path)).unwrap();
    let home = read("en/index.html");
    let (svg, rest) = map_of(&home);
    assert!(svg.contains(r#"<svg viewBox="0 0 1000 486.7" aria-hidden="true""#));
    assert!(svg.contains(r#"<path class="land" d="M"#));
    // Every country with practices or members: a point linking to its page, named.
    for code in ["br", "de", "eg", "es", "fr", "in", "jp", "ke", "ma", "mx"] {
        let link = format!(r#"<a href="/en/countries/{code}/" tabindex="-1"><circle"#);
        assert!(svg.contains(&link), "{code} on the map");
        assert!(rest.contains(&format!(r#"<li><a href="/en/countries/{code}/">"#)));
    }
    assert!(svg.contains("<title>Kenya</title>"));
    assert!(rest.contains("Countries on the map (10)"));
    assert!(rest.contains("do not imply official endorsement or acceptance by the United Nations"));
    // Nothing runs, nothing is fetched.
    assert!(!svg.contains("<script") && !svg.contains("://") && !svg.contains(" on"));
    let french = read("fr/index.html");
    assert!(
        french.contains("acceptation officielle de la part de"),
        "{french}"
    );
    // A region's map shows its countries; a country's, its members with coordinates.
    let africa = read("es/regions/africa/index.html");
    let (svg, rest) = map_of(&africa);
    assert!(svg.contains(r#"href="/es/countries/ke/""#) && !svg.contains("/countries/fr/"));
    assert!(rest.contains("no implican su apoyo o aceptación oficial por las Naciones Unidas"));
    let kenya = read("en/countries/ke/index.html");
    let (svg, rest) = map_of(&kenya);
    assert_eq!(svg.matches("<circle").count(), 4, "{svg}");
    assert!(svg.contains(r#"<a href="/en/members/ke/"#));
    // Its text is the list of members the page has anyway, not a second list.
    assert!(!rest.contains("<details"), "{rest}");
    let members = &kenya[kenya.find("<h2>Member institutions</h2>").expect("members")..];
    assert_eq!(
        members.matches(r#"<li class="item item-member">"#).count(),
        4
    );
    // The home page with its map stays light.
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(home.as_bytes()).unwrap();
    let size = gzip.finish().unwrap().len();
    assert!(size < 30_000, "the home page is {size} bytes gzipped");
}

#[test]
fn coordinates_are_published_to_about_a_kilometre_at_most() {
    let site = Site::fixture("basic");
    let member = site.source("content/members/ke/ke-0001.md").replacen(
        "city: Nairobi\n",
        "city: Nairobi\nlat: -1.2863891\nlon: 36.8172133\n",
        1,
    );
    site.write("content/members/ke/ke-0001.md", &member);
    site.build_ok();
    let kenya = site.read("en/countries/ke/index.html");
    assert!(
        kenya.contains(r#"<a href="/aspnet/en/members/ke/ke-0001/" tabindex="-1"><circle"#),
        "{kenya}"
    );
    for (path, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes);
        for precise in ["1.286", "36.817", "1.2863891", "36.8172133"] {
            assert!(
                !text.contains(precise),
                "{} publishes {precise}",
                path.display()
            );
        }
    }
}
