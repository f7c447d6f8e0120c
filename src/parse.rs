//! Parse: one [`load::SourceFile`](crate::load::SourceFile) and the default language → one
//! [`Page`] (front matter checked key by key for its kind — the section it is in decides the
//! kind — and the body kept as Markdown) and its problems. It sees one page at a time: the
//! checks of single values are in [`check`], which `import` shares; checks that need other
//! pages (countries, themes, member ids, links) belong to `resolve`; it knows nothing of HTML,
//! search or output.

pub mod check;

use crate::config::strip_location;
use crate::date::Day;
use crate::diagnostic::{Diagnostic, yaml_key_line};
use crate::load::SourceFile;
use crate::paths;
use crate::sanitize;
use check::Invalid;
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, HashSet};

pub const LEVELS: [&str; 5] = [
    "early-childhood",
    "primary",
    "secondary",
    "tvet",
    "teacher-training",
];

const COMMON_KEYS: [&str; 11] = [
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
    "source_version",
];

/// The keys a translation sets for itself (with its body): its prose and what is per
/// language. Every other key is data, which a translation inherits from its source.
pub const TRANSLATED_KEYS: [&str; 8] = [
    "title",
    "summary",
    "tags",
    "image_alt",
    "slug",
    "aliases",
    "draft",
    "source_version",
];

/// The tree a source file belongs to: the site's own `content/`, or its upstream's (a
/// mirror's global site), with the language of its files without a language suffix.
#[derive(Debug, Clone, Copy)]
pub struct Tree<'a> {
    /// The tree's root relative to the site root, ending in `/` (`global/`), or empty.
    pub prefix: &'a str,
    /// The language of `name.md` files in this tree.
    pub source_language: &'a str,
    /// Whether it is the upstream of a mirror.
    pub upstream: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Practice {
    pub countries: Vec<String>,
    pub themes: Vec<String>,
    pub levels: Vec<String>,
    pub sdg_targets: Vec<String>,
    pub members: Vec<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub authors: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ThemeArea {
    pub color: Option<String>,
    pub icon: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub country: String,
    pub city: String,
    pub levels: Vec<String>,
    pub school_type: String,
    pub joined: Option<i64>,
    pub website: Option<String>,
    pub themes: Vec<String>,
    pub status: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Default)]
pub struct Coordinator {
    pub country: String,
    pub name: String,
    pub organization: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub languages: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Home,
    /// A section's `_index.md` (including a guide's cover page).
    Section,
    Page,
    Practice(Box<Practice>),
    Theme(ThemeArea),
    GuideChapter,
    Member(Box<Member>),
    Coordinator(Box<Coordinator>),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Home => "home",
            Kind::Section => "section",
            Kind::Page => "page",
            Kind::Practice(_) => "practice",
            Kind::Theme(_) => "theme",
            Kind::GuideChapter => "guide",
            Kind::Member(_) => "member",
            Kind::Coordinator(_) => "coordinator",
        }
    }
}

/// A tag as written, and the last part of its page's address (`Foro juvenil` →
/// `foro-juvenil`, by [`paths::slug`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    /// The last part of the address the tag had before slugs folded Latin accents
    /// (`Éducation` → `éducation`, now `education`), where it differs and is safe: that old
    /// address redirects to the tag's page, as a page's `aliases` do.
    pub legacy_slug: Option<String>,
}

impl Tag {
    /// The tag `name`, or why it cannot have a page.
    fn new(name: String) -> Result<Tag, paths::Unsafe> {
        let slug = paths::segment(&paths::slug(&name))?.to_string();
        let legacy_slug = Some(slug_keeping_accents(&name))
            .filter(|legacy| *legacy != slug && paths::segment(legacy).is_ok());
        Ok(Tag {
            name,
            slug,
            legacy_slug,
        })
    }
}

/// Old tag addresses that must keep working in one language's site: each legacy slug of
/// `tags` (the tags of that language's pages) → the slug it now redirects to. A legacy slug
/// that is also a tag's current slug is left out: that address is a tag page of its own.
pub fn legacy_tag_slugs<'t>(tags: impl IntoIterator<Item = &'t Tag>) -> BTreeMap<&'t str, &'t str> {
    let tags: Vec<&Tag> = tags.into_iter().collect();
    let current: HashSet<&str> = tags.iter().map(|t| t.slug.as_str()).collect();
    tags.iter()
        .filter_map(|t| Some((t.legacy_slug.as_deref()?, t.slug.as_str())))
        .filter(|(legacy, _)| !current.contains(legacy))
        .collect()
}

/// The slug rule of the versions before [`paths::slug`], which kept Latin accents (and took
/// the marks that Unicode does not count as alphabetic, such as the virama, for spaces): kept only to know the old
/// address of a tag, which [`Tag::legacy_slug`] redirects.
fn slug_keeping_accents(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// What [`Page::terms`] lists a page under: countries (a member's or coordinator's own),
/// levels (a practice's), thematic areas and tags.
#[derive(Debug, PartialEq)]
pub struct Terms<'p> {
    pub countries: Vec<&'p str>,
    pub levels: &'p [String],
    pub themes: &'p [String],
    pub tags: &'p [Tag],
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Source path relative to the root: `content/practices/x.fr.md`.
    pub source: String,
    /// The same for every translation of a page: `practices/x`, `practices/_index`, `_index`.
    pub key: String,
    pub lang: String,
    /// Written in its tree's source language (`name.md`, no language suffix): the source
    /// that translations of the page inherit their data from.
    pub original: bool,
    /// Read from a mirror's upstream tree.
    pub from_upstream: bool,
    /// Folder inside `content/` (`practices`, `guides/national-coordinators`, `` for the root).
    pub dir: String,
    /// Set for `index.md` page bundles: the folder holding the page and its files.
    pub bundle: Option<String>,
    pub kind: Kind,
    pub title: String,
    pub summary: Option<String>,
    pub date: Option<Day>,
    pub updated: Option<Day>,
    pub slug: String,
    pub draft: bool,
    pub weight: i64,
    pub tags: Vec<Tag>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub body: String,
    /// Keys of the pages the body links to with `@/`.
    pub links: Vec<String>,
    /// Line of the source file on which the body starts.
    pub body_line: usize,
    /// A section index the site did not write (`content/themes/_index.md` missing): its title
    /// comes from the theme's UI strings.
    pub generated: bool,
    /// `source_version:` of a translation: the [`prose_version`] of the source it follows.
    pub source_version: Option<String>,
    /// Of a page not written in its tree's source language: the data keys its front matter
    /// names (it inherits the others from its source).
    pub named_data: Vec<String>,
    /// Of a page not written in its tree's source language: the required data keys it lacks,
    /// an error only if it has no source to inherit them from.
    pub missing_data: Vec<String>,
    /// Set by `resolve` on a translation: the source file it inherits its data from.
    pub translation_of: Option<String>,
    /// Set by `resolve` on a translation whose `source_version` is not its source's current
    /// [`prose_version`].
    pub outdated: bool,
    front_matter: String,
    front_matter_line: usize,
}

/// Where a page comes from and what it is, before its front matter is read: what
/// [`Page::new`] needs.
struct Origin {
    source: String,
    key: String,
    lang: String,
    original: bool,
    from_upstream: bool,
    dir: String,
    bundle: Option<String>,
    kind: Kind,
}

impl Page {
    /// The one constructor: a page of `origin` with no front matter values yet.
    fn new(origin: Origin) -> Page {
        Page {
            source: origin.source,
            key: origin.key,
            lang: origin.lang,
            original: origin.original,
            from_upstream: origin.from_upstream,
            dir: origin.dir,
            bundle: origin.bundle,
            kind: origin.kind,
            title: String::new(),
            summary: None,
            date: None,
            updated: None,
            slug: String::new(),
            draft: false,
            weight: 0,
            tags: Vec::new(),
            aliases: Vec::new(),
            template: None,
            body: String::new(),
            links: Vec::new(),
            body_line: 1,
            generated: false,
            source_version: None,
            named_data: Vec::new(),
            missing_data: Vec::new(),
            translation_of: None,
            outdated: false,
            front_matter: String::new(),
            front_matter_line: 1,
        }
    }

    /// The index page of a section that has no `_index.md`, in the default language.
    pub fn generated_section(dir: &str, lang: &str) -> Page {
        let key = if dir.is_empty() {
            "_index".to_string()
        } else {
            format!("{dir}/_index")
        };
        Page {
            title: dir.rsplit('/').next().unwrap_or(dir).to_string(),
            generated: true,
            ..Page::new(Origin {
                source: format!("content/{key}.md"),
                key,
                lang: lang.to_string(),
                original: true,
                from_upstream: false,
                dir: dir.to_string(),
                bundle: None,
                kind: if dir.is_empty() {
                    Kind::Home
                } else {
                    Kind::Section
                },
            })
        }
    }

    /// Whether the page lists others: the home page, section pages, thematic areas.
    pub fn lists_pages(&self) -> bool {
        matches!(self.kind, Kind::Home | Kind::Section | Kind::Theme(_))
    }

    /// The taxonomy terms and thematic areas the page is listed under.
    pub fn terms(&self) -> Terms<'_> {
        let (countries, levels, themes): (Vec<&str>, &[String], &[String]) = match &self.kind {
            Kind::Practice(p) => (
                p.countries.iter().map(String::as_str).collect(),
                &p.levels,
                &p.themes,
            ),
            Kind::Member(m) => (vec![&m.country], &[], &m.themes),
            Kind::Coordinator(c) => (vec![&c.country], &[], &[]),
            _ => (Vec::new(), &[], &[]),
        };
        Terms {
            countries,
            levels,
            themes,
            tags: &self.tags,
        }
    }

    pub fn is_index(&self) -> bool {
        self.key == "_index" || self.key.ends_with("/_index")
    }

    /// Line and column of `key` in the front matter, or of `value` within that key's lines.
    pub fn locate(&self, key: &str, value: Option<&str>) -> (usize, usize) {
        let lines: Vec<&str> = self.front_matter.lines().collect();
        let Some((start, value_at)) = yaml_key_line(&self.front_matter, key) else {
            return (self.front_matter_line, 0);
        };
        if let Some(value) = value {
            for (i, line) in lines.iter().enumerate().skip(start) {
                if i > start && !line.starts_with([' ', '-', '\t']) {
                    break;
                }
                let from = if i == start { value_at } else { 0 };
                if let Some(col) = line[from..].find(value) {
                    return (self.front_matter_line + i, from + col + 1);
                }
            }
        }
        (self.front_matter_line + start, 1)
    }

    pub fn error_at(&self, key: &str, value: Option<&str>, message: String) -> Diagnostic {
        let (line, col) = self.locate(key, value);
        Diagnostic::error(&self.source, line, message).at_column(col)
    }
}

/// Splits `name.fr.md` into (`name`, Some(`fr`)); a suffix must look like a language code
/// (`pt-BR` and `pt-br` are one language, lower case as in URLs).
fn split_language(stem: &str) -> (&str, Option<String>) {
    if let Some((name, lang)) = stem.rsplit_once('.') {
        let primary = lang.split('-').next().unwrap_or("");
        let looks_like_code = (2..=3).contains(&primary.len())
            && primary.chars().all(|c| c.is_ascii_lowercase())
            && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if looks_like_code && !name.is_empty() {
            return (name, Some(lang.to_ascii_lowercase()));
        }
    }
    (stem, None)
}

/// Parses one source of `tree`; `None` with problems when it cannot be used at all.
pub fn parse(file: &SourceFile, tree: Tree) -> (Option<Page>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let Some(origin) = origin(file, tree, &mut problems) else {
        return (None, problems);
    };
    let Some((front_matter, body, body_line)) =
        split_front_matter(&file.text, &file.path, &mut problems)
    else {
        return (None, problems);
    };
    let Some(mapping) = front_matter_mapping(front_matter, &file.path, &mut problems) else {
        return (None, problems);
    };
    let page = Page {
        body: body.to_string(),
        links: crate::markdown::linked_keys(body),
        body_line,
        front_matter: front_matter.to_string(),
        front_matter_line: 2,
        ..Page::new(origin)
    };
    let page = with_front_matter(page, &mapping, &mut problems);
    (Some(page), problems)
}

/// Where a file's page comes from: its key, language, folder and bundle, from its path
/// (which must be able to become an address).
fn origin(file: &SourceFile, tree: Tree, problems: &mut Vec<Diagnostic>) -> Option<Origin> {
    let in_tree = file.path.strip_prefix(tree.prefix).unwrap_or(&file.path);
    let content_path = in_tree.strip_prefix("content/").unwrap_or(in_tree);
    if let Err(why) = paths::relative(content_path) {
        problems.push(
            Diagnostic::error(
                &file.path,
                1,
                format!("the file's path cannot become an address: {why}"),
            )
            .with_hint(format!("rename the file or folder; {}", why.hint())),
        );
        return None;
    }
    let (dir, file_name) = content_path.rsplit_once('/').unwrap_or(("", content_path));
    let stem = file_name.trim_end_matches(".md");
    let (name, lang) = split_language(stem);
    let (key, bundle) = if name == "index" && !dir.is_empty() {
        (dir.to_string(), Some(dir.to_string()))
    } else if dir.is_empty() {
        (name.to_string(), None)
    } else {
        (format!("{dir}/{name}"), None)
    };
    let page_dir = bundle
        .as_ref()
        .map_or(dir, |b| b.rsplit_once('/').map_or("", |(d, _)| d));
    Some(Origin {
        source: file.path.clone(),
        key,
        original: lang.is_none(),
        lang: lang.unwrap_or_else(|| tree.source_language.to_string()),
        from_upstream: tree.upstream,
        dir: page_dir.to_string(),
        bundle,
        kind: Kind::Page,
    })
}

/// The front matter as a YAML mapping; `None`, with the problem, when it is not one.
fn front_matter_mapping(
    front_matter: &str,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Mapping> {
    match serde_yaml::from_str::<Value>(front_matter) {
        Ok(Value::Mapping(m)) => Some(m),
        Ok(Value::Null) => Some(Mapping::new()),
        Ok(_) => {
            problems.push(
                Diagnostic::error(path, 2, "front matter must be a list of `key: value` lines")
                    .with_hint("start each line with a key, e.g. `title: My page`"),
            );
            None
        }
        Err(e) => {
            let (line, col) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            problems.push(
                Diagnostic::error(
                    path,
                    line + 1,
                    format!("front matter: {}", strip_location(&e.to_string())),
                )
                .at_column(col)
                .with_hint(yaml_hint(&e.to_string())),
            );
            None
        }
    }
}

/// The page with its kind (decided by its section) and every front matter value read and
/// checked; each bad value is a located problem.
fn with_front_matter(mut page: Page, mapping: &Mapping, problems: &mut Vec<Diagnostic>) -> Page {
    let mut fields = Fields {
        map: mapping,
        page: &page,
        draft: mapping.get("draft") == Some(&Value::Bool(true)),
        problems: Vec::new(),
        missing_data: Vec::new(),
    };
    let kind = fields.kind();
    fields.warn_unknown_keys(kind_keys(&kind));
    let title = match &kind {
        Kind::Member(m) => fields.opt_string("title").unwrap_or_else(|| m.name.clone()),
        Kind::Coordinator(c) => fields.opt_string("title").unwrap_or_else(|| c.name.clone()),
        _ => fields.required_string("title"),
    };
    let summary = fields.opt_string("summary");
    if matches!(kind, Kind::Practice(_) | Kind::Theme(_)) && summary.is_none() {
        fields.missing("summary");
    }
    let date = fields.day("date");
    if matches!(kind, Kind::Practice(_)) && date.is_none() && !mapping.contains_key("date") {
        fields.missing("date");
    }
    let updated = fields.day("updated");
    let slug = fields.slug();
    let draft = fields.bool("draft");
    let weight = fields.int("weight").unwrap_or(0);
    let tags = fields.tags();
    let aliases = fields.aliases();
    let template = fields.opt_string("template");
    let source_version = fields.opt_string("source_version");
    problems.append(&mut fields.problems);
    page.missing_data = std::mem::take(&mut fields.missing_data);
    if !page.original {
        page.named_data = named_data(mapping);
    }
    page.source_version = source_version;
    let default_slug = page.key.rsplit('/').next().unwrap_or("").to_string();
    page.kind = kind;
    page.title = title;
    page.summary = summary;
    page.date = date;
    page.updated = updated;
    page.slug = slug.unwrap_or(default_slug);
    page.draft = draft;
    page.weight = weight;
    page.tags = tags;
    page.aliases = aliases;
    page.template = template;
    page
}

/// The data keys (those not in [`TRANSLATED_KEYS`]) `mapping` names.
fn named_data(mapping: &Mapping) -> Vec<String> {
    mapping
        .keys()
        .filter_map(Value::as_str)
        .filter(|key| !TRANSLATED_KEYS.contains(key))
        .map(str::to_string)
        .collect()
}

/// A member page's keys; the first six are required.
pub const MEMBER_KEYS: [&str; 12] = [
    "id", "name", "country", "city", "levels", "type", "joined", "website", "themes", "status",
    "lat", "lon",
];
/// A coordinator page's keys; the first three are required.
pub const COORDINATOR_KEYS: [&str; 6] = [
    "country",
    "name",
    "organization",
    "email",
    "website",
    "languages",
];

fn kind_keys(kind: &Kind) -> &'static [&'static str] {
    match kind {
        Kind::Practice(_) => &[
            "countries",
            "themes",
            "levels",
            "sdg_targets",
            "members",
            "image",
            "image_alt",
            "authors",
        ],
        Kind::Theme(_) => &["color", "icon"],
        Kind::Member(_) => &MEMBER_KEYS,
        Kind::Coordinator(_) => &COORDINATOR_KEYS,
        _ => &[],
    }
}

fn yaml_hint(message: &str) -> String {
    if message.contains("mapping values are not allowed") {
        "a value containing `: ` must be quoted, e.g. title: \"Water: a shared resource\"".into()
    } else if message.contains("did not find expected")
        || message.contains("found character that cannot start")
    {
        "check the quotes, brackets and indentation on this line".into()
    } else {
        "front matter is YAML: one `key: value` per line".into()
    }
}

/// Returns (front matter, body, body's first line).
pub fn split_front_matter<'a>(
    text: &'a str,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<(&'a str, &'a str, usize)> {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        problems.push(
            Diagnostic::error(
                path,
                1,
                "no front matter: the file must start with a `---` line",
            )
            .with_hint("add `---`, then `title: …` and the other keys, then `---` before the text"),
        );
        return None;
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return Some((&rest[..offset], body, i + 3));
        }
        offset += line.len();
    }
    problems.push(
        Diagnostic::error(path, 1, "front matter is not closed: no second `---` line")
            .with_hint("add a line with just `---` after the last key"),
    );
    None
}

/// The error for a required `key` that a page's front matter lacks.
pub fn missing_key(source: &str, key: &str) -> Diagnostic {
    Diagnostic::error(source, 1, format!("missing required key `{key}`"))
        .with_hint(format!("add a line `{key}: …` to the front matter"))
}

/// Typed access to front matter keys, recording a located problem for each bad value.
struct Fields<'a> {
    map: &'a Mapping,
    page: &'a Page,
    /// A draft may leave required values empty (a warning) until it is published.
    draft: bool,
    problems: Vec<Diagnostic>,
    /// Required data keys a page not in its tree's source language lacks: it may inherit
    /// them from its source, which only `resolve` knows.
    missing_data: Vec<String>,
}

impl Fields<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&mut self, key: &str) {
        if !self.page.original && !TRANSLATED_KEYS.contains(&key) {
            self.missing_data.push(key.to_string());
            return;
        }
        self.problems.push(missing_key(&self.page.source, key));
    }

    /// A required value left empty: an error, or a warning in a draft.
    fn empty(&mut self, key: &str, rule: &str) {
        let d = self.page.error_at(key, None, format!("{key}: {rule}"));
        self.problems.push(match self.draft {
            true => d
                .as_warning()
                .with_hint("fine in a draft; fill it in before removing `draft: true`"),
            false => d,
        });
    }

    fn wrong(&mut self, key: &str, expected: &str) {
        self.report(key, None, check::wrong_type(key, expected));
    }

    /// A value that failed its check: an error at the key, or at `value` within its lines.
    fn report(&mut self, key: &str, value: Option<&str>, invalid: Invalid) {
        let d = self.page.error_at(key, value, invalid.message);
        self.problems.push(match invalid.hint {
            Some(hint) => d.with_hint(hint),
            None => d,
        });
    }

    /// The value that passed `checked`, or `None` with its problem reported at the key.
    fn at_key<T>(&mut self, key: &str, checked: Result<T, Invalid>) -> Option<T> {
        checked
            .map_err(|invalid| self.report(key, None, invalid))
            .ok()
    }

    /// The value that passed `checked`, or `None` with its problem reported at `value`.
    fn at_value<T>(&mut self, key: &str, value: &str, checked: Result<T, Invalid>) -> Option<T> {
        checked
            .map_err(|invalid| self.report(key, Some(value), invalid))
            .ok()
    }

    fn opt_string(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.wrong(key, "text");
                None
            }
        }
    }

    fn required_string(&mut self, key: &str) -> String {
        match self.opt_string(key) {
            Some(s) if !s.trim().is_empty() => s,
            Some(_) => {
                self.empty(key, "must not be empty");
                String::new()
            }
            None => {
                if !self.map.contains_key(key) {
                    self.missing(key);
                }
                String::new()
            }
        }
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        match self.get(key) {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Sequence(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        Value::Number(n) => out.push(n.to_string()),
                        _ => {
                            self.wrong(key, "a list of words, e.g. [a, b]");
                            return Vec::new();
                        }
                    }
                }
                out
            }
            Some(_) => {
                self.wrong(key, "a list, e.g. [a, b]");
                Vec::new()
            }
        }
    }

    fn required_list(&mut self, key: &str) -> Vec<String> {
        let list = self.list(key);
        if list.is_empty() {
            if self.map.contains_key(key) {
                self.empty(key, "needs at least one value");
            } else {
                self.missing(key);
            }
        }
        list
    }

    fn day(&mut self, key: &str) -> Option<Day> {
        let text = self.opt_string(key)?;
        let day = Day::parse(text.trim());
        if day.is_none() {
            let d = self
                .page
                .error_at(key, Some(&text), format!("{key}: \"{text}\" is not a date"))
                .with_hint(format!(
                    "write dates as YYYY-MM-DD between {} and {}, e.g. 2024-03-15",
                    Day::YEARS.start(),
                    Day::YEARS.end()
                ));
            self.problems.push(d);
        }
        day
    }

    /// A year within [`Day::YEARS`].
    fn year(&mut self, key: &str) -> Option<i64> {
        let year = self.int(key)?;
        self.at_key(key, check::year(key, year))
    }

    fn bool(&mut self, key: &str) -> bool {
        match self.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.wrong(key, "true or false");
                false
            }
        }
    }

    fn int(&mut self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Value::Number(n) if n.as_i64().is_some() => n.as_i64(),
            _ => {
                self.wrong(key, "a whole number");
                None
            }
        }
    }

    /// A number within `range` (a latitude, a longitude).
    fn number_in(&mut self, key: &str, range: std::ops::RangeInclusive<f64>) -> Option<f64> {
        let number = match self.get(key)? {
            Value::Number(n) => n.as_f64()?,
            _ => {
                self.wrong(key, "a number");
                return None;
            }
        };
        self.at_key(key, check::within(key, number, range))
    }

    /// A value that must pass one of the checks of [`paths`] or [`sanitize`]; an error at the
    /// value otherwise.
    fn checked<T, E: std::fmt::Display>(
        &mut self,
        key: &str,
        value: &str,
        check: impl FnOnce(&str) -> Result<T, E>,
        hint: &str,
    ) -> Option<T> {
        self.at_value(key, value, check::passes(key, value, check, hint))
    }

    /// The last part of the page's address: one safe path segment.
    fn slug(&mut self) -> Option<String> {
        let slug = self.opt_string("slug")?;
        self.checked(
            "slug",
            &slug,
            |s| paths::segment(s).map(str::to_string),
            paths::Unsafe::Empty.hint(),
        )
    }

    /// Old addresses that redirect here: safe relative paths.
    fn aliases(&mut self) -> Vec<String> {
        let aliases = self.list("aliases");
        aliases
            .into_iter()
            .filter_map(|alias| {
                self.checked(
                    "aliases",
                    &alias,
                    paths::relative,
                    "write an old address as a path of this site, e.g. /en/old-name/",
                )
                .map(|path| format!("/{path}/"))
            })
            .collect()
    }

    /// Tags, each with the slug of its page's address.
    fn tags(&mut self) -> Vec<Tag> {
        let names = self.list("tags");
        names
            .into_iter()
            .filter_map(|name| {
                self.checked(
                    "tags",
                    &name,
                    |name| Tag::new(name.to_string()),
                    "a tag needs at least one letter or digit",
                )
            })
            .collect()
    }

    /// A web address (http or https), or an error at it.
    fn web_address(&mut self, key: &str) -> Option<String> {
        let url = self.opt_string(key)?;
        self.at_value(key, &url, check::web_address(key, &url))
            .map(|()| url)
    }

    fn email(&mut self, key: &str) -> Option<String> {
        let address = self.opt_string(key)?;
        self.at_value(key, &address, check::email(key, &address))
            .map(|()| address)
    }

    /// A picture of the page bundle: a relative path to a file beside the page.
    fn image(&mut self) -> Option<String> {
        let image = self.opt_string("image")?;
        let hint = "put the picture in the page's bundle folder (practices/name/index.md beside \
                    name.jpg) and write `image: name.jpg`; remote pictures cannot be resized or \
                    cleaned of their metadata";
        if sanitize::check_web_address(&image).is_ok() {
            let d = self
                .page
                .error_at(
                    "image",
                    Some(&image),
                    "image: a picture on another site cannot be used".into(),
                )
                .with_hint(hint);
            self.problems.push(d);
            return None;
        }
        self.checked("image", &image, paths::relative, hint)
            .map(|_| image)
    }

    /// An identifier that becomes a file name (a member id).
    fn identifier(&mut self, key: &str) -> String {
        let id = self.required_string(key);
        if id.is_empty() {
            return id;
        }
        let checked = check::identifier(key, &id).map(|()| id.clone());
        self.at_value(key, &id, checked).unwrap_or_default()
    }

    fn levels(&mut self, required: bool) -> Vec<String> {
        let levels = if required {
            self.required_list("levels")
        } else {
            self.list("levels")
        };
        for level in &levels {
            self.at_value("levels", level, check::level(level));
        }
        levels
    }

    /// SDG targets, each a real one; YAML numbers (`4.7`) are accepted where unambiguous.
    fn sdg_targets(&mut self) -> Vec<String> {
        let numbers: Vec<String> = match self.get("sdg_targets") {
            Some(Value::Sequence(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let targets = self.list("sdg_targets");
        for target in &targets {
            let checked = check::sdg_target(target, numbers.contains(target));
            self.at_value("sdg_targets", target, checked);
        }
        targets
    }

    fn practice(&mut self) -> Practice {
        Practice {
            countries: country_codes(self.required_list("countries")),
            themes: self.required_list("themes"),
            levels: self.levels(false),
            sdg_targets: self.sdg_targets(),
            members: self.list("members"),
            image: self.image(),
            image_alt: self.opt_string("image_alt"),
            authors: self.list("authors"),
        }
    }

    fn member(&mut self) -> Member {
        let school_type = self.required_string("type");
        if !school_type.is_empty() {
            self.at_key("type", check::school_type(&school_type));
        }
        Member {
            id: self.identifier("id"),
            name: self.required_string("name"),
            country: self.required_string("country").to_ascii_lowercase(),
            city: self.required_string("city"),
            levels: self.levels(true),
            school_type,
            joined: self.year("joined"),
            website: self.web_address("website"),
            themes: self.list("themes"),
            status: self.opt_string("status"),
            lat: self.number_in("lat", check::LATITUDE),
            lon: self.number_in("lon", check::LONGITUDE),
        }
    }

    fn coordinator(&mut self) -> Coordinator {
        Coordinator {
            country: self.required_string("country").to_ascii_lowercase(),
            name: self.required_string("name"),
            organization: self.required_string("organization"),
            email: self.email("email"),
            website: self.web_address("website"),
            languages: self.list("languages"),
        }
    }

    /// The page's kind, decided by the section it is in, with its kind's values read.
    fn kind(&mut self) -> Kind {
        let page = self.page;
        if page.is_index() {
            return if page.dir.is_empty() {
                Kind::Home
            } else {
                Kind::Section
            };
        }
        let section = page.key.split_once('/').map(|(section, _)| section);
        match section {
            Some("practices") => Kind::Practice(Box::new(self.practice())),
            Some("themes") => Kind::Theme(ThemeArea {
                color: self.opt_string("color"),
                icon: self.opt_string("icon"),
            }),
            Some("guides") if page.dir.contains('/') => Kind::GuideChapter,
            Some("members") => Kind::Member(Box::new(self.member())),
            Some("coordinators") => Kind::Coordinator(Box::new(self.coordinator())),
            _ => Kind::Page,
        }
    }

    fn warn_unknown_keys(&mut self, kind_keys: &[&str]) {
        let known: Vec<&str> = COMMON_KEYS.iter().chain(kind_keys).copied().collect();
        for key in self.map.keys() {
            let Some(key) = key.as_str() else { continue };
            if !known.contains(&key) {
                let (line, col) = self.page.locate(key, None);
                let d = Diagnostic::warning(
                    &self.page.source,
                    line,
                    format!("unknown key `{key}` is ignored"),
                )
                .at_column(col)
                .with_hint(closest_hint(key, &known));
                self.problems.push(d);
            }
        }
    }
}

/// Country codes as URLs and the region table have them: ISO 3166-1 writes `KE`, pages may
/// too.
fn country_codes(written: Vec<String>) -> Vec<String> {
    written
        .into_iter()
        .map(|code| code.to_ascii_lowercase())
        .collect()
}

/// "did you mean `x`?" for the known word closest to a mistyped one.
pub fn closest_hint(word: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (strsim::levenshtein(word, k), *k))
        .min();
    match best {
        Some((distance, k)) if distance <= word.len().max(3) / 2 + 1 => {
            format!("did you mean `{k}`?")
        }
        _ => format!("known values: {}", known.join(", ")),
    }
}

/// The version of a page's prose — its title, summary, picture description and body — as
/// translations record it in `source_version:`: a data edit (a date, a country) leaves it
/// as it was, so translations stay current. 16 hexadecimal digits of FNV-1a (stable across
/// releases, unlike std's hasher).
pub fn prose_version(page: &Page) -> String {
    let image_alt = match &page.kind {
        Kind::Practice(p) => p.image_alt.as_deref(),
        _ => None,
    };
    let parts = [
        page.title.as_str(),
        page.summary.as_deref().unwrap_or(""),
        image_alt.unwrap_or(""),
        page.body.trim(),
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// What a page's translation key alone says of it.
impl Page {
    /// Last part of the key (`practices/sandwatch` → `sandwatch`).
    pub fn slug_of_key(&self) -> &str {
        self.key.rsplit('/').next().unwrap_or(&self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENGLISH: Tree = Tree {
        prefix: "",
        source_language: "en",
        upstream: false,
    };

    fn source(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    #[test]
    fn translation_and_bundle_keys() {
        let (page, _) = parse(
            &source(
                "content/practices/sandwatch/index.fr.md",
                "---\ntitle: x\n---\n",
            ),
            ENGLISH,
        );
        let page = page.unwrap();
        assert_eq!(
            (page.key.as_str(), page.lang.as_str()),
            ("practices/sandwatch", "fr")
        );
        assert_eq!(page.dir, "practices");
        assert_eq!(page.bundle.as_deref(), Some("practices/sandwatch"));
    }

    #[test]
    fn yaml_error_line_is_the_file_line() {
        let (_, problems) = parse(
            &source("content/a.md", "---\ntitle: ok\nsummary: a: b\n---\n"),
            ENGLISH,
        );
        assert_eq!(problems[0].line, 3, "{problems:?}");
    }

    #[test]
    fn tags_fold_accents_and_remember_their_old_address() {
        let (page, problems) = parse(
            &source(
                "content/a.md",
                "---\ntitle: x\ntags: [Éducation, water, مدارس, हिन्दी, \"!\"]\n---\n",
            ),
            ENGLISH,
        );
        let tags = page.map(|p| p.tags).unwrap_or_default();
        let slugs: Vec<(&str, Option<&str>)> = tags
            .iter()
            .map(|t| (t.slug.as_str(), t.legacy_slug.as_deref()))
            .collect();
        assert_eq!(
            slugs,
            [
                ("education", Some("éducation")),
                ("water", None),
                ("مدارس", None),
                // The old rule took the virama, which is not alphabetic, for a space.
                ("हिन्दी", Some("हिन-दी")),
            ]
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].message.starts_with("tags: \"!\""),
            "{problems:?}"
        );
    }

    #[test]
    fn legacy_tag_slugs_skip_the_current_ones() {
        let tag = |name: &str| Tag::new(name.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let tags = [
            tag("Éducation"),
            tag("éducation"),
            tag("Écoles"),
            tag("ecoles"),
        ];
        let legacy = legacy_tag_slugs(&tags);
        assert_eq!(
            legacy.into_iter().collect::<Vec<_>>(),
            [("écoles", "ecoles"), ("éducation", "education")]
        );
        let odd = [
            tag("École"),
            tag("ÉCOLE"),
            Tag {
                name: "école".into(),
                slug: "école".into(),
                legacy_slug: None,
            },
        ];
        assert!(
            legacy_tag_slugs(&odd).is_empty(),
            "école is a tag page itself"
        );
    }

    #[test]
    fn unknown_key_names_the_closest() {
        let (_, problems) = parse(
            &source("content/a.md", "---\ntitle: ok\nsumary: x\n---\n"),
            ENGLISH,
        );
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `summary`?"));
        assert_eq!(problems[0].line, 3);
    }
}
