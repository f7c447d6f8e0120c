//! `aspnet-kb serve` on a random port: pages are served under the base path with the reload
//! script; an edit sends a reload event and the new page; an error keeps the last good page
//! and sends the problems for the overlay; fixing it reloads; traversal is refused.

mod common;

use common::Site;
use common::preview::{Server, events, start, start_with, wait_for};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A raw GET (no client-side path normalisation): status code and body bytes.
fn get_bytes(server: &Server, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let head_end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, response[head_end + 4..].to_vec())
}

/// [`get_bytes`] with the body as text.
fn get(server: &Server, path: &str) -> (u16, String) {
    let (status, body) = get_bytes(server, path);
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Asserts that each page at `paths` shows `text`.
fn assert_shows(server: &Server, paths: &[&str], text: &str) {
    for path in paths {
        let (status, body) = get(server, path);
        assert!(
            status == 200 && body.contains(text),
            "{path} ({status}) lacks {text:?}"
        );
    }
}

#[test]
fn edits_reload_errors_keep_the_last_good_site_and_traversal_is_refused() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    assert!(server.base.ends_with("/aspnet/"), "{}", server.base);
    let page = "/aspnet/en/practices/water/";
    let (status, body) = get(&server, page);
    assert_eq!(status, 200);
    assert!(body.contains("Clean water for all"));
    assert!(
        body.contains("new EventSource('/__aspnet-kb/events')"),
        "reload script injected"
    );
    assert!(
        !site.exists("en/index.html"),
        "serve writes no output folder"
    );

    let stream = events(&server);
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("Clean water for all", "Clean water for every school"),
    );
    wait_for(&stream, "reload");
    assert!(
        get(&server, page)
            .1
            .contains("Clean water for every school")
    );
    assert!(
        get(&server, "/aspnet/fr/search/").1.contains("search-data"),
        "search page served"
    );

    // An error: the last good page stays, the problems go to the overlay.
    site.write(
        "content/practices/water.md",
        &water.replace("countries: [ke]", "countries: [kx]"),
    );
    let problems = wait_for(&stream, "problems");
    assert!(
        problems.contains("content/practices/water.md:")
            && problems.contains("unknown country code"),
        "{problems}"
    );
    assert!(
        get(&server, page)
            .1
            .contains("Clean water for every school")
    );
    // A page opened now gets the problems at once.
    let late = events(&server);
    assert!(wait_for(&late, "problems").contains("kx"));

    // Another page edited while the site has errors shows once they are fixed.
    let peace = site.source("content/practices/peace.md");
    let peace_title = peace
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .unwrap()
        .to_string();
    site.write(
        "content/practices/peace.md",
        &peace.replace(&peace_title, "Gardens of peace, renamed"),
    );
    wait_for(&stream, "problems");
    site.write("content/practices/water.md", &water);
    wait_for(&stream, "reload");
    assert!(get(&server, page).1.contains("Clean water for all"));
    assert_shows(
        &server,
        &["/aspnet/en/practices/peace/"],
        "Gardens of peace, renamed",
    );

    for path in [
        "/aspnet/../site.yaml",
        "/aspnet/%2e%2e/site.yaml",
        "/aspnet/en/%2E%2E/%2e%2e/site.yaml",
        "/aspnet/..%5csite.yaml",
    ] {
        assert_eq!(get(&server, path).0, 403, "{path}");
    }
    assert_eq!(get(&server, "/site.yaml").0, 404);
}

#[cfg(unix)]
#[test]
fn symbolic_links_leading_out_are_not_served() {
    let site = Site::fixture("basic");
    std::os::unix::fs::symlink(
        site.root().join("site.yaml"),
        site.root().join("content/practices/sandwatch/secret.txt"),
    )
    .unwrap();
    let server = start(&site, &[]);
    let (status, body) = get(&server, "/aspnet/en/practices/sandwatch/secret.txt");
    assert_eq!(status, 404);
    assert!(!body.contains("base_url"));
}

#[test]
fn an_open_page_reloads_itself_and_shows_errors_in_an_overlay() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let browser = common::Browser::start(&chromium, "en", true);
    browser.open(&format!("{}en/practices/water/", server.base));
    let heading = || browser.run("return document.querySelector('h1').textContent");
    assert_eq!(heading(), "Clean water for all");
    let wait_until = |script: &str| {
        for _ in 0..200 {
            if browser.run(script) == true {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("never true: {script}");
    };
    let water = site.source("content/practices/water.md");
    // Mark the page: a reload clears the mark.
    browser.run("window.notReloaded = true;");
    site.write(
        "content/practices/water.md",
        &water.replace("Clean water for all", "Water for all"),
    );
    wait_until(
        "return !window.notReloaded && document.querySelector('h1').textContent === 'Water for all'",
    );

    site.write(
        "content/practices/water.md",
        &water.replace("date: 2024-03-05", "date: 2024-13-05"),
    );
    wait_until(
        "var box = document.getElementById('aspnet-kb-problems'); return !!box && box.textContent.includes('water.md:');",
    );
    assert_eq!(heading(), "Water for all", "the last good page stays");

    site.write("content/practices/water.md", &water);
    wait_until(
        "return document.querySelector('h1').textContent === 'Clean water for all' && !document.getElementById('aspnet-kb-problems')",
    );
}

/// The folder of the English browser search index, as the search page names it.
fn search_dir(server: &Server) -> String {
    let page = get(server, "/aspnet/en/search/").1;
    page.split("\"dir\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string()
}

/// Whether `word` reaches the English browser index (its shard) within ten seconds.
fn eventually_searchable(server: &Server, word: &str) -> bool {
    let shard: String = word.chars().take(2).collect();
    for _ in 0..100 {
        let (_, body) = get_bytes(server, &format!("{}s/{shard}.jsz", search_dir(server)));
        let mut json = String::new();
        let _ = flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut json);
        if json.contains(word) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The next "updated N files" line the server prints: N.
fn updated_files(server: &Server) -> usize {
    next_run(server, &["updated "])
}

/// Waits for the server to log a run starting with one of `kinds`; the files it changed.
fn next_run(server: &Server, kinds: &[&str]) -> usize {
    loop {
        let line = server
            .log
            .recv_timeout(Duration::from_secs(60))
            .expect("an update");
        if let Some(rest) = kinds.iter().find_map(|k| line.strip_prefix(k)) {
            return rest.split_whitespace().next().unwrap().parse().unwrap();
        }
    }
}

#[test]
fn an_edit_updates_only_what_depends_on_it_and_search_follows() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let water = site.source("content/practices/water.md");
    // An edit listings do not show (the body) leaves them alone.
    site.write(
        "content/practices/water.md",
        &water.replace("measured the water", "measured the zanzibarite water"),
    );
    let body_only = updated_files(&server);
    site.write(
        "content/practices/water.md",
        &water
            .replace("Clean water for all", "Clean water for Zanzibar")
            .replace("measured the water", "measured the zanzibarite water"),
    );
    let updated = updated_files(&server);
    // The title is in some twenty listing pages of the three languages; the body in none.
    assert!(
        body_only * 2 < updated,
        "{body_only} files for the body, {updated} with the title"
    );
    // The page in three languages, listings it appears in, feeds and sitemaps: not the site.
    assert!(updated < 60, "{updated} files for one edit");
    assert_shows(
        &server,
        &[
            "/aspnet/en/practices/",
            "/aspnet/en/themes/esd/",
            "/aspnet/en/countries/ke/",
            "/aspnet/en/regions/africa/",
            "/aspnet/en/levels/secondary/",
            "/aspnet/en/tags/water/",
            "/aspnet/en/atom.xml",
        ],
        "Clean water for Zanzibar",
    );
    assert_shows(&server, &["/aspnet/en/practices/water/"], "zanzibarite");
    // An edit that changes memberships: the new country's page lists it, the old one's not,
    // and the index pages count it again.
    site.write(
        "content/practices/water.md",
        &water
            .replace("Clean water for all", "Clean water for Zanzibar")
            .replace("measured the water", "measured the zanzibarite water")
            .replace("countries: [ke]", "countries: [eg]")
            .replace("levels: [secondary]", "levels: [primary]"),
    );
    updated_files(&server);
    assert_shows(
        &server,
        &["/aspnet/en/countries/eg/", "/aspnet/en/levels/primary/"],
        "Clean water for Zanzibar",
    );
    assert!(
        !get(&server, "/aspnet/en/countries/ke/")
            .1
            .contains("Clean water for Zanzibar")
    );
    assert!(
        !get(&server, "/aspnet/en/levels/secondary/")
            .1
            .contains("Clean water for Zanzibar")
    );
    assert_shows(
        &server,
        &["/aspnet/en/countries/"],
        "/aspnet/en/countries/eg/",
    );
    // The search index follows on its own thread.
    assert!(
        eventually_searchable(&server, "zanzibarite"),
        "the new word reaches the browser index"
    );
    // The member directory, untouched by a practice edit, is still there; a member edit
    // updates it.
    assert_eq!(get(&server, "/aspnet/en/members/ke/").0, 200);
    let member = site.source("content/members/ke/ke-0001.md");
    let name = member
        .lines()
        .find_map(|l| l.strip_prefix("name: "))
        .unwrap()
        .trim_matches('"')
        .to_string();
    site.write(
        "content/members/ke/ke-0001.md",
        &member.replace(&name, "Renamed Academy of Nairobi"),
    );
    updated_files(&server);
    assert_shows(
        &server,
        &["/aspnet/en/members/ke/", "/aspnet/fr/countries/ke/"],
        "Renamed Academy of Nairobi",
    );
    // Pages showing something of an edited page follow: the practice listing the member…
    assert_shows(
        &server,
        &["/aspnet/en/practices/water/"],
        "Renamed Academy of Nairobi",
    );
    // …and a page linking to one whose address changed.
    let sandwatch = site.source("content/practices/sandwatch/index.md");
    site.write(
        "content/practices/sandwatch/index.md",
        &sandwatch.replacen("---\n", "---\nslug: sand-watch\n", 1),
    );
    updated_files(&server);
    let water_page = get(&server, "/aspnet/en/practices/water/").1;
    assert!(
        water_page.contains("href=\"/aspnet/en/practices/sand-watch/\""),
        "{water_page}"
    );
    assert_eq!(get(&server, "/aspnet/en/practices/sandwatch/").0, 404);
    assert_shows(
        &server,
        &["/aspnet/en/sitemap.xml"],
        "/aspnet/en/practices/sand-watch/",
    );
    // Removing a page removes it from the site on show.
    site.remove("content/practices/peace.md");
    updated_files(&server);
    assert_eq!(get(&server, "/aspnet/en/practices/peace/").0, 404);
    assert!(
        !get(&server, "/aspnet/en/practices/")
            .1
            .contains("/aspnet/en/practices/peace/")
    );
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = Site::fixture("basic");
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("countries: [ke]", "countries: [kx]"),
    );
    let server = start(&site, &[]);
    let (status, body) = get(&server, "/aspnet/en/practices/peace/");
    assert_eq!(status, 404);
    assert!(
        body.contains("new EventSource"),
        "the overlay script runs on the placeholder: {body}"
    );
    let stream = events(&server);
    assert!(wait_for(&stream, "problems").contains("unknown country code"));
    site.write("content/practices/water.md", &water);
    wait_for(&stream, "reload");
    // The whole site, not only the page that was fixed.
    assert_eq!(get(&server, "/aspnet/en/practices/peace/").0, 200);
    assert_eq!(get(&server, "/aspnet/fr/members/ke/").0, 200);
}

#[test]
fn an_edit_moving_a_page_between_terms_updates_both_and_drops_emptied_listings() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let water = site.source("content/practices/water.md");
    assert_eq!(get(&server, "/aspnet/en/tags/climate/").0, 200);
    assert_eq!(get(&server, "/aspnet/en/themes/gced/page/2/").0, 404);
    // The only page tagged "climate" drops it, and joins a thematic area that then needs a
    // second page (two per page in the fixture).
    site.write(
        "content/practices/water.md",
        &water
            .replace("tags: [water, climate]", "tags: [water, drought]")
            .replace("themes: [esd]", "themes: [gced]"),
    );
    updated_files(&server);
    assert_eq!(get(&server, "/aspnet/en/tags/climate/").0, 404);
    assert_shows(
        &server,
        &["/aspnet/en/tags/drought/"],
        "/aspnet/en/practices/water/",
    );
    assert_shows(&server, &["/aspnet/en/tags/"], "/aspnet/en/tags/drought/");
    assert!(
        !get(&server, "/aspnet/en/tags/")
            .1
            .contains("/tags/climate/")
    );
    assert_eq!(get(&server, "/aspnet/en/themes/gced/page/2/").0, 200);
    assert!(
        !get(&server, "/aspnet/en/themes/esd/")
            .1
            .contains("/aspnet/en/practices/water/")
    );
    // Back as it was: the second page goes again.
    site.write("content/practices/water.md", &water);
    updated_files(&server);
    assert_eq!(get(&server, "/aspnet/en/themes/gced/page/2/").0, 404);
    assert_eq!(get(&server, "/aspnet/en/tags/drought/").0, 404);
    assert_shows(
        &server,
        &["/aspnet/en/tags/climate/", "/aspnet/en/themes/esd/"],
        "/aspnet/en/practices/water/",
    );
}

#[test]
fn a_member_moving_country_moves_between_directory_pages() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let path = "content/members/ke/ke-0001.md";
    let member = site.source(path);
    assert_eq!(get(&server, "/aspnet/en/members/tz/").0, 404);
    site.write(path, &member.replace("country: ke", "country: tz"));
    updated_files(&server);
    // Kenya's only member left: its directory page goes, Tanzania's comes, and the
    // directory and both countries' pages follow.
    assert_eq!(get(&server, "/aspnet/en/members/ke/").0, 404);
    assert_shows(
        &server,
        &["/aspnet/en/members/tz/", "/aspnet/fr/countries/tz/"],
        "/members/ke/ke-0001/",
    );
    assert_shows(&server, &["/aspnet/en/members/"], "/aspnet/en/members/tz/");
    assert!(
        !get(&server, "/aspnet/en/members/")
            .1
            .contains("/members/ke/\"")
    );
    assert!(
        !get(&server, "/aspnet/en/countries/ke/")
            .1
            .contains("/members/ke/ke-0001/")
    );
}

#[test]
fn pages_added_and_removed_come_and_go_in_every_listing() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let water = site.source("content/practices/water.md");
    let rain = water
        .replace("Clean water for all", "Rain gardens")
        .replace("tags: [water, climate]", "tags: [rainfall]")
        .replace("countries: [ke]", "countries: [tz]")
        .replace("date: 2024-03-05", "date: 2030-01-01");
    site.write("content/practices/rain.md", &rain);
    updated_files(&server);
    let url = "/aspnet/en/practices/rain/";
    assert_shows(&server, &[url], "Rain gardens");
    assert_shows(
        &server,
        &[
            "/aspnet/en/practices/",
            "/aspnet/en/tags/rainfall/",
            "/aspnet/en/countries/tz/",
            "/aspnet/en/",
            "/aspnet/en/atom.xml",
            "/aspnet/en/sitemap.xml",
        ],
        url,
    );
    assert_shows(&server, &["/aspnet/en/tags/"], "/aspnet/en/tags/rainfall/");
    // A page in a folder of its own brings the folder's section page (a new folder is a
    // full run: files made in it at once may precede its watch).
    site.write(
        "content/projects/kit.md",
        "---\ntitle: Starter kit\n---\nA kit.\n",
    );
    next_run(&server, &["rebuilt "]);
    // Events of the file that arrived during that run may bring one more update.
    while server.log.recv_timeout(Duration::from_millis(500)).is_ok() {}
    assert_shows(&server, &["/aspnet/en/projects/"], "Starter kit");
    site.remove("content/projects/kit.md");
    updated_files(&server);
    assert_eq!(get(&server, "/aspnet/en/projects/").0, 404);
    site.remove("content/practices/rain.md");
    updated_files(&server);
    for gone in [url, "/aspnet/en/tags/rainfall/", "/aspnet/en/countries/tz/"] {
        assert_eq!(get(&server, gone).0, 404, "{gone}");
    }
    for listing in [
        "/aspnet/en/practices/",
        "/aspnet/en/",
        "/aspnet/en/tags/",
        "/aspnet/en/atom.xml",
        "/aspnet/en/sitemap.xml",
    ] {
        assert!(!get(&server, listing).1.contains("rain"), "{listing}");
    }
}

#[test]
fn sitemap_parts_no_longer_made_go() {
    let site = Site::fixture("basic");
    site.use_a_plain_theme();
    // Notes padded to 10 MiB in the sitemap: six make two parts, three fit in one.
    let mib = "x".repeat(1024 * 1024);
    site.write(
        "themes/plain/templates/sitemap.xml",
        &format!(
            "{{% for u in urls %}}<loc>{{{{ u.loc }}}}</loc>{{% if u.loc is containing(\"/en/notes/n\") %}}{{% for i in range(end=10) %}}{mib}{{% endfor %}}{{% endif %}}\n{{% endfor %}}"
        ),
    );
    for n in 0..6 {
        site.write(
            &format!("content/notes/n{n}.md"),
            &format!("---\ntitle: Note {n}\n---\nA note.\n"),
        );
    }
    let server = start(&site, &[]);
    assert_eq!(get(&server, "/aspnet/en/sitemap-2.xml").0, 200);
    for n in 0..3 {
        site.remove(&format!("content/notes/n{n}.md"));
        updated_files(&server);
    }
    let (status, index) = get(&server, "/aspnet/sitemap.xml");
    assert_eq!(status, 200);
    assert!(!index.contains("sitemap-2.xml"), "{index}");
    assert_eq!(get(&server, "/aspnet/en/sitemap-2.xml").0, 404);
    assert!(
        get(&server, "/aspnet/en/sitemap.xml")
            .1
            .contains("/en/notes/n5/")
    );
}

#[test]
fn a_thematic_area_renamed_is_renamed_on_the_pages_naming_it() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let path = "content/themes/esd.md";
    let esd = site.source(path);
    let title = esd.lines().find(|l| l.starts_with("title:")).unwrap();
    site.write(
        path,
        &esd.replacen(title, "title: Learning for the planet", 1),
    );
    updated_files(&server);
    assert_shows(
        &server,
        // Spanish has no translation of the area: it shows the English title.
        &["/aspnet/en/practices/water/", "/aspnet/es/practices/water/"],
        "Learning for the planet",
    );
}

#[test]
fn a_guide_cover_renamed_is_renamed_on_its_chapters() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let path = "content/guides/coord/_index.md";
    let cover = site.source(path);
    site.write(
        path,
        &cover.replacen("Guide for coordinators", "Handbook for coordinators", 1),
    );
    updated_files(&server);
    assert_shows(
        &server,
        &[
            "/aspnet/en/guides/coord/01-role/",
            "/aspnet/en/guides/coord/02-network/",
        ],
        "Handbook for coordinators",
    );
}

#[test]
fn the_search_index_follows_an_edit_in_its_own_folder() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let folder = search_dir(&server);
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("measured the water", "measured the quokkawater"),
    );
    updated_files(&server);
    assert!(eventually_searchable(&server, "quokkawater"));
    // Only the files holding the page's words were made again, in the same folder.
    assert_eq!(search_dir(&server), folder);
    let (_, body) = get_bytes(&server, &format!("{folder}s/me.jsz"));
    let mut shard = String::new();
    let _ = flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut shard);
    assert!(shard.contains("measur"), "{shard}");
}

#[test]
fn an_accented_tag_added_while_serving_keeps_its_old_address_as_a_redirect() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let water = site.source("content/practices/water.md");
    site.write(
        "content/practices/water.md",
        &water.replace("tags: [water, climate]", "tags: [water, Éducation]"),
    );
    updated_files(&server);
    assert_shows(
        &server,
        &["/aspnet/en/tags/education/"],
        "/aspnet/en/practices/water/",
    );
    let (status, old) = get(&server, "/aspnet/en/tags/%C3%A9ducation/");
    assert_eq!(status, 200);
    assert!(old.contains("/aspnet/en/tags/education/"), "{old}");
}

/// Asserts that nothing comes on the event stream, and no run is logged, for a while longer
/// than saves take to be taken together.
fn assert_quiet(server: &Server, stream: &std::sync::mpsc::Receiver<String>, after: &str) {
    let deadline = std::time::Instant::now() + Duration::from_millis(600);
    while let Ok(line) =
        stream.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        assert!(!line.starts_with("event:"), "{line:?} {after}");
    }
    let runs: Vec<String> = server
        .log
        .try_iter()
        .filter(|l| l.starts_with("updated ") || l.starts_with("rebuilt "))
        .collect();
    assert!(runs.is_empty(), "a run {after}: {runs:?}");
}

#[test]
fn editors_saves_reload_once_and_their_side_files_are_ignored() {
    let site = Site::fixture("basic");
    let server = start(&site, &[]);
    let stream = events(&server);
    while server.log.try_recv().is_ok() {}
    // Swap, backup, temporary and hidden files change nothing.
    for side in [".water.md.swp", "water.md~", "water.md.tmp", ".hidden.md"] {
        site.write(&format!("content/practices/{side}"), "not a page");
    }
    assert_quiet(&server, &stream, "after side files");

    // An atomic save: a temporary file renamed into place is one edit of the page alone.
    let page = "/aspnet/en/practices/water/";
    let water = site.source("content/practices/water.md");
    let temporary = site.root().join("content/practices/.water.md.new");
    std::fs::write(
        &temporary,
        water.replace("Clean water for all", "Water, saved atomically"),
    )
    .unwrap();
    std::fs::rename(&temporary, site.root().join("content/practices/water.md")).unwrap();
    wait_for(&stream, "reload");
    assert!(get(&server, page).1.contains("Water, saved atomically"));
    let run = (server.log.iter()).find(|l| l.starts_with("updated ") || l.starts_with("rebuilt "));
    assert!(
        run.as_deref().is_some_and(|l| l.starts_with("updated ")),
        "an update, not a full run: {run:?}"
    );
    assert_quiet(&server, &stream, "after the atomic save's reload");

    // A save in place (truncate, write, close) reloads once too.
    site.write("content/practices/water.md", &water);
    wait_for(&stream, "reload");
    assert!(get(&server, page).1.contains("Clean water for all"));
    updated_files(&server);
    assert_quiet(&server, &stream, "after the save's reload");
}

#[test]
fn serve_previews_chosen_languages_and_drafts() {
    let site = Site::fixture("basic");
    let server = start_with(&site, &["--lang", "fr", "--drafts"], &[]);
    assert_shows(
        &server,
        &["/aspnet/fr/practices/water/"],
        "De l&#39;eau propre",
    );
    // A draft is shown (from English, the page's only language), English is not published.
    assert_shows(
        &server,
        &["/aspnet/fr/practices/secret/"],
        "Secret draft story",
    );
    assert_eq!(get(&server, "/aspnet/en/practices/water/").0, 404);

    // Without the flags: every language, no drafts.
    let server = start(&site, &[]);
    assert_shows(
        &server,
        &["/aspnet/en/practices/water/"],
        "Clean water for all",
    );
    assert_eq!(get(&server, "/aspnet/fr/practices/secret/").0, 404);
}
