//! `aspnet-kb new`: a page of any kind with every required key and a comment per key saying
//! what it takes, or a translation beside its source. New files are drafts (`draft: true`),
//! so nothing half-written is published; an existing file is never overwritten.

use super::front_matter;
use crate::date::Day;
use crate::diagnostic::{Diagnostic, display_path};
use crate::load;
use crate::parse::{self, LEVELS};
use crate::paths;
use std::path::{Path, PathBuf};

/// What `new` can make.
#[derive(Debug, Clone)]
pub enum NewKind {
    Practice,
    Theme,
    Page,
    /// A chapter of the guide in `content/guides/<guide>/`.
    Chapter {
        guide: String,
    },
    /// A member institution of a country; its id is the country's next free number.
    Member {
        country: String,
    },
    Coordinator {
        country: String,
    },
}

const DRAFT: &str =
    "# A draft is not published. Remove this line when the page is ready.\ndraft: true\n";

/// The file a new page goes to, relative to `content/`, and its text.
fn page_text(kind: &NewKind, title: &str, content: &Path, lang_suffix: &str) -> (String, String) {
    let quoted = serde_yaml::to_string(title).unwrap_or_default();
    let quoted = quoted.trim_end();
    let slug = paths::slug(title);
    match kind {
        NewKind::Practice => (
            format!("practices/{slug}{lang_suffix}.md"),
            practice_text(quoted),
        ),
        NewKind::Theme => (
            format!("themes/{slug}{lang_suffix}.md"),
            format!(
                "---\n# The thematic area's name.\ntitle: {quoted}\n\
                 # One or two sentences for listings and search results.\nsummary: \"\"\n\
                 # Optional. A CSS colour for the area, e.g. \"#0b5cad\".\n# color: \"#0b5cad\"\n{DRAFT}---\n"
            ),
        ),
        NewKind::Page => (
            format!("{slug}{lang_suffix}.md"),
            format!(
                "---\n# Shown on the page and in search results.\ntitle: {quoted}\n\
                 # Optional. One or two sentences for search results.\nsummary: \"\"\n{DRAFT}---\n"
            ),
        ),
        NewKind::Chapter { guide } => {
            let weight = next_chapter_weight(&content.join("guides").join(guide));
            (
                format!("guides/{guide}/{weight:02}-{slug}{lang_suffix}.md"),
                format!(
                    "---\n# The chapter's title.\ntitle: {quoted}\n\
                     # Chapter order within the guide: 1, 2, 3…\nweight: {weight}\n{DRAFT}---\n"
                ),
            )
        }
        NewKind::Member { country } => {
            let id = next_member_id(&content.join("members").join(country), country);
            (
                format!("members/{country}/{id}{lang_suffix}.md"),
                member_text(&id, quoted, country),
            )
        }
        NewKind::Coordinator { country } => (
            format!("coordinators/{country}{lang_suffix}.md"),
            format!(
                "---\n# ISO 3166-1 alpha-2 code of the country coordinated.\ncountry: {country}\n\
                 # The National Coordinator's name.\nname: {quoted}\n\
                 # The organisation they work for, e.g. the National Commission for UNESCO.\norganization: \"\"\n\
                 # Optional. A contact address.\n# email: name@example.org\n\
                 # Optional. Languages they work in, e.g. [en, fr].\n# languages: []\n{DRAFT}---\n"
            ),
        ),
    }
}

/// A new practice, dated today, titled `quoted` (a YAML scalar), with headings to fill in.
fn practice_text(quoted: &str) -> String {
    let levels = LEVELS.join(", ");
    format!(
        "---\n# Shown on the page, in listings and in search results.\ntitle: {quoted}\n\
         # Publication date, YYYY-MM-DD.\ndate: {}\n\
         # One or two sentences for listings, feeds and search results.\nsummary: \"\"\n\
         # Countries where it happened: ISO 3166-1 alpha-2 codes, at least one, e.g. [ke, sn].\ncountries: []\n\
         # Thematic areas, at least one: gced, esd, intercultural (or the site's own).\nthemes: []\n\
         # Optional. Levels of education: {levels}.\nlevels: []\n\
         # Optional. Member institutions involved, by id, e.g. [ke-0042].\nmembers: []\n\
         # Optional. Tags, free words.\ntags: []\n{DRAFT}---\n\
         ## Background\n\n## What the pupils did\n\n## Results\n",
        Day::today().iso()
    )
}

/// A new member `id` of `country` named `quoted` (a YAML scalar); the optional keys are
/// commented out, ready for `import` to fill in.
fn member_text(id: &str, quoted: &str, country: &str) -> String {
    let levels = LEVELS.join(", ");
    format!(
        "---\n# The member's id: country code and number, unique in the network.\nid: {id}\n\
         # The institution's name, as it writes it.\nname: {quoted}\n\
         # ISO 3166-1 alpha-2 code of its country.\ncountry: {country}\n\
         # Its town or city.\ncity: \"\"\n\
         # Levels of education it offers, at least one: {levels}.\nlevels: []\n\
         # public or private.\ntype: public\n\
         # Optional. The year it joined the network.\n# joined: {}\n\
         # Optional. Its website.\n# website: https://\n{DRAFT}---\n",
        &Day::today().iso()[..4]
    )
}

/// The weight of a new chapter in a guide's folder: one more than its chapters so far.
fn next_chapter_weight(dir: &Path) -> usize {
    let chapters = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| !e.file_name().to_string_lossy().starts_with('_'))
                .count()
        })
        .unwrap_or(0);
    chapters + 1
}

/// The next free member id of a country folder: `ke-0041` after `ke-0040`.
fn next_member_id(dir: &Path, country: &str) -> String {
    let highest = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let stem = name.split('.').next()?.to_string();
                    stem.strip_prefix(&format!("{country}-"))?
                        .parse::<u32>()
                        .ok()
                })
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    format!("{country}-{:04}", highest + 1)
}

/// Writes `text` to `path` unless a file is there already.
fn write_new(root: &Path, path: &Path, text: &str) -> Result<PathBuf, Diagnostic> {
    let relative = path.strip_prefix(root).unwrap_or(path);
    if let Some(link) = paths::first_link(root, relative) {
        return Err(Diagnostic::error(
            relative,
            0,
            format!(
                "{} is a symbolic link; nothing was written through it",
                display_path(link.strip_prefix(root).unwrap_or(&link))
            ),
        )
        .with_hint("replace the link with the folder itself"));
    }
    if path.exists() {
        return Err(
            Diagnostic::error(relative, 0, "already exists; nothing was written")
                .with_hint("choose another title, or edit the existing file"),
        );
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(relative, 0, format!("cannot create folder: {e}")))?;
    }
    // `create_new` so that a file appearing meanwhile is not overwritten either.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Diagnostic::error(relative, 0, format!("cannot write: {e}")))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| Diagnostic::error(relative, 0, format!("cannot write: {e}")))?;
    Ok(relative.to_path_buf())
}

/// Writes a new page of `kind` titled `title`; `lang` is `None` for the default language.
/// Returns its path relative to the root.
pub fn new_page(
    root: &Path,
    kind: &NewKind,
    title: &str,
    lang: Option<&str>,
) -> Result<PathBuf, Diagnostic> {
    let content = root.join("content");
    let unsafe_value = |what: &str, value: &str, why: paths::Unsafe| {
        Diagnostic::error(
            "content",
            0,
            format!("{what} \"{}\": {why}", value.escape_debug()),
        )
        .with_hint(why.hint())
    };
    let named = match kind {
        NewKind::Chapter { guide } => Some(("--guide", guide)),
        NewKind::Member { country } | NewKind::Coordinator { country } => {
            Some(("--country", country))
        }
        _ => None,
    };
    if let Some((what, value)) = named {
        paths::segment(value).map_err(|why| unsafe_value(what, value, why))?;
    }
    let suffix = match lang {
        Some(l) => format!(
            ".{}",
            paths::language_code(l).map_err(|why| unsafe_value("--lang", l, why))?
        ),
        None => String::new(),
    };
    if paths::slug(title).is_empty() {
        return Err(
            Diagnostic::error("content", 0, "the title has no letters or digits")
                .with_hint("give a title such as \"Rain gardens in Dakar\""),
        );
    }
    let (relative, text) = page_text(kind, title, &content, &suffix);
    let relative = paths::relative(&relative).map_err(|why| unsafe_value("title", title, why))?;
    write_new(root, &relative.under(&content), &text)
}

/// Writes the `lang` translation of the page at `source` (a default-language file) beside it:
/// a copy to translate, as a draft marked as needing translation.
pub fn new_translation(root: &Path, source: &Path, lang: &str) -> Result<PathBuf, Diagnostic> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let written = display_path(
        source
            .strip_prefix(root)
            .or_else(|_| source.strip_prefix(&canonical_root))
            .unwrap_or(source),
    );
    // A mirror translates its upstream's pages into its own `content/`.
    let upstream_content = crate::config::Config::read(root)
        .and_then(|c| c.upstream)
        .map(|folder| format!("{folder}/content/"));
    let (tree_content, in_tree) = match &upstream_content {
        Some(prefix) if written.starts_with(prefix.as_str()) => {
            (prefix.as_str(), &written[prefix.len()..])
        }
        _ => ("content/", written.strip_prefix("content/").unwrap_or("")),
    };
    let under_content = Some(in_tree)
        .filter(|rest| !rest.is_empty())
        .ok_or(paths::Unsafe::Empty)
        .and_then(paths::relative)
        .map_err(|why| {
            Diagnostic::error(&written, 0, format!("not a page under content/: {why}")).with_hint(
                "give the path of the page from the site's root, e.g. content/practices/water.md",
            )
        })?;
    let lang = paths::language_code(lang).map_err(|why| {
        Diagnostic::error(
            &written,
            0,
            format!("--lang \"{}\": {why}", lang.escape_debug()),
        )
        .with_hint(why.hint())
    })?;
    let full = under_content.under(&root.join(tree_content));
    let shown = display_path(full.strip_prefix(root).unwrap_or(&full));
    if paths::first_link(root, full.strip_prefix(root).unwrap_or(&full)).is_some() {
        return Err(
            Diagnostic::error(&shown, 0, "the page is reached through a symbolic link")
                .with_hint("replace the link with the file or folder itself"),
        );
    }
    let text = std::fs::read_to_string(&full)
        .map_err(|e| Diagnostic::error(&shown, 0, format!("cannot read: {e}")))?;
    let name = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(stem) = name.strip_suffix(".md") else {
        return Err(Diagnostic::error(&shown, 0, "not a Markdown page")
            .with_hint("give the path of a .md file under content/"));
    };
    if stem.contains('.') {
        return Err(
            Diagnostic::error(&shown, 0, "this is already a translation")
                .with_hint("give the default-language file, e.g. content/practices/water.md"),
        );
    }
    let tree_prefix = tree_content.trim_end_matches("content/");
    let marked = translation_text(&shown, text, &name, tree_prefix)?;
    let beside = under_content.under(&root.join("content"));
    write_new(
        root,
        &beside.with_file_name(format!("{stem}.{lang}.md")),
        &marked,
    )
}

/// The text of a new translation of the source `shown` (in the tree whose root is `prefix`,
/// `global/` or empty): its prose keys, marked as a draft to translate, with the version of
/// the source's text it follows, and its body.
fn translation_text(
    shown: &str,
    text: String,
    name: &str,
    prefix: &str,
) -> Result<String, Diagnostic> {
    let mut problems = Vec::new();
    let Some((front, body, _)) = parse::split_front_matter(&text, shown, &mut problems) else {
        return Err(problems.into_iter().next().unwrap_or_else(|| {
            Diagnostic::error(shown, 1, "no front matter")
                .with_hint("a page starts with a line `---`")
        }));
    };
    let source = load::SourceFile {
        path: shown.to_string(),
        text: text.clone(),
    };
    let tree = parse::Tree {
        prefix,
        source_language: "",
        upstream: false,
    };
    let version = parse::parse(&source, tree)
        .0
        .map(|page| parse::prose_version(&page))
        .unwrap_or_default();
    let prose = front_matter::only_keys(front, &parse::TRANSLATED_KEYS);
    Ok(format!(
        "---\n# Needs translation: translate the title, summary and text from {name},\n\
         # then remove these lines and `draft: true`. Dates, countries and other data come\n\
         # from {name}: add one here only if this language needs its own value.\n\
         {DRAFT}source_version: {version}\n{}---\n{body}",
        prose
            .lines()
            .filter(|l| !l.starts_with("draft:") && !l.starts_with("source_version:"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    ))
}
