//! What every template sees: one `Serialize` struct per template, documented here and only
//! here (the README's theme section points to this file). A theme may override any template
//! of `themes/default/templates/`; the variables below are all it gets.
//!
//! | template | context |
//! |---|---|
//! | `home.html` | [`Chrome`] + [`HomeContext`] |
//! | `page.html` (and a page's own `template:`) | [`Chrome`] + [`PageContext`] |
//! | `list.html` (sections, thematic areas, taxonomies) | [`Chrome`] + [`ListContext`] |
//! | `directory.html` (member directory) | [`Chrome`] + [`DirectoryContext`] |
//! | `search.html` | [`Chrome`] + [`SearchContext`] |
//! | `404.html` (one per language) | [`Chrome`] |
//! | `chooser.html` (the root language chooser) | [`SiteContext`] |
//! | `redirect.html` (each alias) | [`SiteContext`] + [`RedirectContext`] |
//! | `root_404.html` (the root `404.html`) | [`SiteContext`] + [`RedirectContext`] |
//! | `atom.xml` (per language, per thematic area) | [`FeedContext`] |
//! | `sitemap.xml` (per language) | [`SitemapContext`] |
//! | `sitemap_index.xml` | [`SitemapIndexContext`] |
//! | `robots.txt` | [`RobotsContext`] |
//!
//! Site files (chooser, redirect, root 404, feeds, sitemaps, robots.txt) are built in for
//! every theme, so a theme of its own need not write them; it may replace any of them.
//! URLs are links (`/base/en/…`) unless a field says absolute. Text is escaped by the
//! template engine in `.html` and `.xml` templates; only fields named HTML (`body`,
//! `script_data`) are meant for `| safe`.

use crate::markdown::Heading;
use serde::Serialize;
use std::collections::BTreeMap;

/// What every page of a language has (all templates extending `base.html`).
#[derive(Serialize)]
pub struct Chrome<'a> {
    /// The page's language code (`en`, `ar`).
    pub lang: &'a str,
    /// Whether the language is written right to left.
    pub rtl: bool,
    /// The language's direction as a `dir` value: `rtl` or `ltr`.
    pub dir: &'static str,
    /// The site's title in this language.
    pub site_title: &'a str,
    /// The page's title.
    pub title: &'a str,
    /// The interface strings of the language, by key (`t.nav_search`).
    pub t: &'a BTreeMap<String, String>,
    /// The language's home page.
    pub home: String,
    /// The site's base path (`/` or `/aspnet/`), for theme files: `{{ base }}static/style.css`.
    pub base: &'a str,
    /// The root language chooser, absolute (the `x-default` alternate).
    pub chooser: String,
    /// Scheme and host (`https://example.org`): a printed page shows its links' full
    /// addresses with it.
    pub origin: &'a str,
    /// This page, absolute.
    pub canonical: String,
    /// The main menu.
    pub nav: Vec<NavLink>,
    /// The language switcher: this page in every language (or that language's home).
    pub switcher: Vec<LanguageLink<'a>>,
    /// `hreflang` alternates: the switcher's links, absolute.
    pub alternates: Vec<Alternate<'a>>,
    /// The language's Atom feed.
    pub feed: String,
    /// The language's search page.
    pub search_url: String,
}

/// An entry of the main menu.
#[derive(Serialize)]
pub struct NavLink {
    pub url: String,
    pub title: String,
    /// Whether the page is in this part of the site.
    pub current: bool,
}

/// A language in the switcher.
#[derive(Serialize)]
pub struct LanguageLink<'a> {
    /// Lower case, as in addresses: `pt-br`.
    pub code: &'a str,
    /// The BCP 47 tag in canonical case, for `hreflang` and `lang`: `pt-BR`.
    pub tag: &'a str,
    /// The language's own name (`Français`).
    pub name: &'a str,
    /// The language's direction, `rtl` or `ltr`: its name is written in it.
    pub dir: &'static str,
    pub url: String,
    /// Whether it is the page's language.
    pub current: bool,
}

/// A `hreflang` alternate.
#[derive(Serialize)]
pub struct Alternate<'a> {
    pub lang: &'a str,
    /// Absolute.
    pub url: String,
}

/// One page in a listing (`items`, `latest`, `themes`, sublists).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    /// `practice`, `theme`, `guide`, `member`, `coordinator`, `page`, `section`, `home`.
    pub kind: &'static str,
    /// The language the item's text is in (differs from the reader's for fallbacks).
    pub lang: String,
    /// That language's direction, `rtl` or `ltr` (for `dir` beside `lang`).
    pub dir: &'static str,
    /// Whether the item is shown in another language than the reader's.
    pub untranslated: bool,
    /// The line under the title: countries and date of a practice, city and country of a
    /// member, organization and country of a coordinator.
    pub meta: String,
    /// A practice's picture, small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<Thumbnail>,
}

/// A page written in `content/`, as `page.html`, `home.html`, `list.html` and
/// `directory.html` see it in `page`.
#[derive(Clone, Serialize)]
pub struct PageFields {
    pub title: String,
    pub summary: Option<String>,
    /// As [`Item::kind`].
    pub kind: &'static str,
    /// The language of the text (differs from the reader's when untranslated).
    pub lang: String,
    /// That language's direction, `rtl` or `ltr` (for `dir` beside `lang`).
    pub dir: &'static str,
    pub untranslated: bool,
    /// Of a translation that follows an earlier version of its source: the source's
    /// address (`""` when the site does not publish it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outdated_source: Option<String>,
    /// The date in the reader's language (`3 March 2025`), and as `YYYY-MM-DD`.
    pub date: Option<String>,
    pub date_iso: Option<String>,
    /// When the page was last updated, in the reader's language.
    pub updated: Option<String>,
    /// The body, as HTML (sanitised): `{{ page.body | safe }}`.
    pub body: String,
    /// The body's headings, for a table of contents.
    pub toc: Vec<Heading>,
    /// Label/value rows shown beside a practice, member or coordinator.
    pub facts: Vec<Fact>,
    /// A practice's SDG targets and their official texts.
    pub sdg_targets: Vec<SdgText>,
    pub tags: Vec<TagLink>,
    /// A practice's picture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

/// A page the tool generates (a taxonomy term, the member directory of a country), as
/// `list.html` and `directory.html` see it in `page`.
#[derive(Clone, Serialize)]
pub struct GeneratedPage {
    pub title: String,
    /// `country`, `region`, `level`, `tag`, `taxonomy` or `directory`.
    pub kind: &'static str,
}

/// A row of facts: a label and its values.
#[derive(Clone, Serialize)]
pub struct Fact {
    pub label: String,
    pub values: Vec<FactValue>,
}

/// A value in a row of facts, a link when it has a URL.
#[derive(Clone, Default, Serialize)]
pub struct FactValue {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The language and direction of a text in another language than the reader's (the
    /// title of a thematic area not translated yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<&'static str>,
}

/// An SDG target's official text, in the reader's language or in English (`lang`, `dir`).
#[derive(Clone, Serialize)]
pub struct SdgText {
    pub code: String,
    pub text: String,
    pub lang: &'static str,
    pub dir: &'static str,
}

/// A tag of a page and its listing.
#[derive(Clone, Serialize)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

/// A picture and its text alternative.
#[derive(Clone, Default, Serialize)]
pub struct Image {
    pub src: String,
    pub alt: Option<String>,
    /// For a processed picture: its variants and the space it takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srcset: Option<String>,
    /// The same variants as WebP, offered first in a `<picture>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webp_srcset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sizes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// A practice's small picture on cards.
#[derive(Debug, Clone, Serialize)]
pub struct Thumbnail {
    pub src: String,
    /// The same picture as WebP.
    pub webp: String,
    pub width: u32,
    pub height: u32,
}

/// A titled link (a region, a country in an index).
#[derive(Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// The map of the network (see `render::map`): the land and a linked point per place, and
/// the same links as a list, the map's text.
#[derive(Clone, Serialize)]
pub struct NetworkMap {
    pub view_box: String,
    /// The land, an SVG path.
    pub land: &'static str,
    /// The points' radius, in the viewBox's units.
    pub radius: f64,
    pub points: Vec<MapPoint>,
    pub list: Vec<Link>,
    /// The list's title: the countries, or a country's member institutions, on the map.
    pub title: String,
}

/// A place on the map: a country or a member institution.
#[derive(Clone, Serialize)]
pub struct MapPoint {
    pub x: f64,
    pub y: f64,
    pub name: String,
    pub url: String,
}

/// `home.html`: the home page of a language.
#[derive(Clone, Serialize)]
pub struct HomeContext {
    pub page: PageFields,
    /// The newest practices.
    pub latest: Vec<Item>,
    /// The thematic areas.
    pub themes: Vec<Item>,
    /// The countries of the network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<NetworkMap>,
}

/// `page.html`: a practice, member, coordinator, guide chapter or other page.
#[derive(Clone, Serialize)]
pub struct PageContext {
    pub page: PageFields,
    /// For a guide's chapter: its guide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guide: Option<Guide>,
}

/// A guide as its chapters show it.
#[derive(Clone, Serialize)]
pub struct Guide {
    /// The guide's cover page (its `_index.md`).
    pub cover: Option<Item>,
    pub chapters: Vec<Item>,
    /// This chapter's URL (compare with a chapter's `url`).
    pub current: String,
    pub prev: Option<Item>,
    pub next: Option<Item>,
}

/// The page of a listing: written in `content/` or generated.
#[derive(Clone, Serialize)]
#[serde(untagged)]
pub enum ListedPage {
    Written(Box<PageFields>),
    Generated(GeneratedPage),
}

/// `list.html`: a section, a thematic area, a taxonomy term or a taxonomy's index.
#[derive(Clone, Serialize)]
pub struct ListContext {
    pub page: ListedPage,
    /// The pages listed (on this page of the listing), or a taxonomy index's terms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Entries>,
    /// Where a listing longer than `paginate` is split.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pager: Option<Pager>,
    /// How many practices the listing has, in words (`12 practices`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<String>,
    /// A thematic area's own feed (`feed`, from the chrome, is the language's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme_feed: Option<String>,
    /// A country's region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Link>,
    /// The countries and regions indexes: regions with their countries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<RegionEntry>>,
    /// Further titled lists (a country's coordinator and members, a region's countries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sublists: Option<Vec<Sublist>>,
    /// A region's countries, or a country's member institutions, on a map.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<NetworkMap>,
}

impl ListContext {
    /// The context of a listing of `page` with nothing else yet.
    pub fn of(page: ListedPage) -> ListContext {
        ListContext {
            page,
            items: None,
            pager: None,
            count: None,
            theme_feed: None,
            region: None,
            regions: None,
            sublists: None,
            map: None,
        }
    }
}

/// Where a page of a long listing stands.
#[derive(Clone, Serialize)]
pub struct Pager {
    /// This page's number, from 1, and how many there are.
    pub current: usize,
    pub total: usize,
    /// `Page 2 of 5`, in the reader's language.
    pub label: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// A region in the countries and regions indexes.
#[derive(Clone, Serialize)]
pub struct RegionEntry {
    pub title: String,
    pub url: String,
    pub countries: Vec<IndexEntry>,
}

/// A term in a taxonomy's index: its title, listing and count.
#[derive(Clone, Serialize)]
pub struct IndexEntry {
    pub title: String,
    pub url: String,
    /// The count, in words.
    pub meta: String,
    /// A country's region code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A titled list of items or index entries.
#[derive(Clone, Serialize)]
pub struct Sublist {
    pub title: String,
    pub items: Entries,
}

/// What a list shows: pages, or the terms of a taxonomy (both have `title`, `url`, `meta`).
#[derive(Clone, Serialize)]
#[serde(untagged)]
pub enum Entries {
    Pages(Vec<Item>),
    Terms(Vec<IndexEntry>),
}

/// `directory.html`: the member directory (countries) or a country's members.
#[derive(Clone, Serialize)]
pub struct DirectoryContext {
    pub page: ListedPage,
    pub groups: Vec<DirectoryGroup>,
    /// On a country's page: the directory's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
}

/// A country in the member directory.
#[derive(Clone, Serialize)]
pub struct DirectoryGroup {
    /// The country's name in the reader's language, and its code.
    pub name: String,
    pub code: String,
    /// The country's page of the directory.
    pub url: String,
    /// How many members, in words.
    pub count: String,
    /// The members, on the country's own page only.
    pub items: Option<Vec<Item>>,
}

/// `search.html`: the search page.
#[derive(Clone, Serialize)]
pub struct SearchContext {
    /// Where to browse without JavaScript.
    pub themes_url: String,
    pub countries_url: String,
    /// The filters (theme, country, region, level, kind) and their options.
    pub filters: Vec<Filter>,
    /// JSON for the search script (the index's manifest and strings), safe inside a
    /// `<script>` element: `{{ script_data | safe }}`.
    pub script_data: String,
}

/// A search filter.
#[derive(Clone, Serialize)]
pub struct Filter {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<FilterOption>,
}

/// An option of a search filter.
#[derive(Clone, Serialize)]
pub struct FilterOption {
    pub value: String,
    pub label: String,
}

/// Site files made once for the site (chooser, redirects).
#[derive(Serialize)]
pub struct SiteContext<'a> {
    /// Every language, in `site.yaml`'s order.
    pub languages: Vec<SiteLanguage<'a>>,
    pub base: &'a str,
    /// The site's title (from `site.yaml`).
    pub site_title: &'a str,
    pub default_lang: &'a str,
    /// The default language's direction, `rtl` or `ltr`.
    pub default_dir: &'static str,
    /// An offline copy (`build --offline`): the chooser explains how to use it.
    pub offline: bool,
}

/// A language of the site, as the chooser and the root 404 show it.
#[derive(Serialize)]
pub struct SiteLanguage<'a> {
    /// Lower case, as in addresses: `pt-br`.
    pub code: &'a str,
    /// The BCP 47 tag in canonical case, for `hreflang` and `lang`: `pt-BR`.
    pub tag: &'a str,
    pub name: &'a str,
    /// The language's direction, `rtl` or `ltr`.
    pub dir: &'static str,
    /// The site's title in that language.
    pub title: &'a str,
    /// The language's home page.
    pub url: String,
    /// The language's search page and 404 page.
    pub search_url: String,
    pub not_found: String,
    /// The language's interface strings (`l.t.not_found`).
    pub t: &'a BTreeMap<String, String>,
}

/// `redirect.html` and `root_404.html`: where the reader is sent.
#[derive(Serialize)]
pub struct RedirectContext {
    /// Absolute for a redirect; for the root 404, a link to the default language's 404 page
    /// (the built-in one sends readers to their language's, see `languages`).
    pub target: String,
}

/// `atom.xml`: a feed of the newest practices.
#[derive(Serialize)]
pub struct FeedContext<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    /// The feed's own address, absolute (also its id).
    pub url: String,
    /// The language's home page, absolute.
    pub home: String,
    /// The newest entry's date, `YYYY-MM-DD`.
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

/// An entry of a feed.
#[derive(Serialize)]
pub struct FeedEntry {
    pub lang: String,
    pub title: String,
    /// Absolute (also the entry's id).
    pub url: String,
    /// `YYYY-MM-DD`.
    pub updated: String,
    pub summary: String,
}

/// `sitemap.xml`: every page of a language.
#[derive(Serialize)]
pub struct SitemapContext {
    pub urls: Vec<SitemapUrl>,
}

/// A page in a sitemap.
#[derive(Serialize)]
pub struct SitemapUrl {
    /// Absolute.
    pub loc: String,
    /// `YYYY-MM-DD`: when the page was updated, or its date.
    pub lastmod: Option<String>,
    /// The page in every language, itself included.
    pub alternates: Vec<SitemapAlternate>,
}

/// A language version in a sitemap.
#[derive(Serialize)]
pub struct SitemapAlternate {
    pub lang: String,
    /// Absolute.
    pub url: String,
}

/// `sitemap_index.xml`: the sitemaps of the languages.
#[derive(Serialize)]
pub struct SitemapIndexContext {
    /// Absolute.
    pub sitemaps: Vec<String>,
}

/// `robots.txt`.
#[derive(Serialize)]
pub struct RobotsContext {
    /// The sitemap index, absolute.
    pub sitemap: String,
}
