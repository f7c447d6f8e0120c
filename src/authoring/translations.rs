//! `aspnet-kb translations`: for each language and section, which pages have no translation
//! (or only a draft of one) and which translations are out of date: a translation records in
//! `source_version:` the [`prose_version`] of the source text it follows, and is out of date
//! whenever the source's prose is no longer that version — whatever the dates or the order
//! of commits (a data edit does not count: translations inherit data). `--diff` shows what
//! changed in the source since (the old text from git history); `--done` records that a
//! translation follows the current source. Member and coordinator pages are data, counted
//! apart. Each language also lists the interface strings it lacks ([`ui_strings`]).

use super::ui_strings::{self, UiStrings};
use crate::build;
use crate::config::{Language, Overrides};
use crate::diagnostic::{Diagnostic, Diagnostics, EnvError, display_path};
use crate::load;
use crate::parse::{self, Kind, Page, prose_version};
use crate::resolve::{self, Site};
use crate::sanitize::escape_html;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Where a page stands in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Current,
    OutOfDate,
    /// A translation that records no `source_version`: which text it follows is unknown.
    Unversioned,
    /// A translation exists but is still a draft.
    Draft,
    Missing,
}

/// A page that needs a translator's attention in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Todo {
    pub source: String,
    pub translation: Option<String>,
    pub state: State,
    /// The translation is the upstream's (a mirror's global site): it is kept in step
    /// there, or replaced by one in the mirror's own `content/`.
    pub upstream: bool,
}

/// One section of one language.
#[derive(Debug, Clone, Serialize)]
pub struct SectionStatus {
    pub section: String,
    pub pages: usize,
    pub current: usize,
    pub todo: Vec<Todo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageStatus {
    pub lang: String,
    pub name: String,
    pub pages: usize,
    pub current: usize,
    /// Member and coordinator pages: data, shown in every language, never translated.
    pub data_pages: usize,
    pub sections: Vec<SectionStatus>,
    pub ui_strings: UiStrings,
}

/// The site at `root` resolved as `build` resolves it (drafts included), and the problems
/// that kept it from being made.
fn resolved(root: &Path) -> Result<(Option<Site>, Vec<Diagnostic>), EnvError> {
    let (mut tree, problems) = load::load(root)?;
    let mut diagnostics = Diagnostics::default();
    diagnostics.extend(problems);
    let overrides = Overrides {
        drafts: true,
        ..Overrides::default()
    };
    let Some(setup) = build::setup(root, &mut tree, &overrides, &mut diagnostics)? else {
        return Ok((None, diagnostics.into_sorted()));
    };
    // The report is about translations: content problems are `check`'s to report.
    let pages = build::parse_all(tree.markdown, &setup, &mut Diagnostics::default());
    let (site, _) = resolve::resolve(setup.config, setup.regions, pages);
    Ok((Some(site), diagnostics.into_sorted()))
}

/// The status of every published language (the default one when it has something to do).
pub fn status(root: &Path) -> Result<(Vec<LanguageStatus>, Vec<Diagnostic>), EnvError> {
    let (site, problems) = resolved(root)?;
    let Some(site) = site else {
        return Ok((Vec::new(), problems));
    };
    let mut problems = problems;
    let mut ui_strings = ui_strings::status(root, &site.config, &mut problems)?;
    let languages = site
        .config
        .languages
        .iter()
        .map(|language| LanguageStatus {
            ui_strings: ui_strings.remove(&language.code).unwrap_or_default(),
            ..status_in(&site, language)
        })
        // The default language only when it has something to do: pages of another source
        // language (a mirror's upstream), or interface strings.
        .filter(|status| {
            status.lang != site.config.default_language
                || status.pages > 0
                || !status.ui_strings.missing.is_empty()
        })
        .collect();
    Ok((languages, problems))
}

/// Whether a page is prose a translator translates (not data, not made by the build).
fn is_prose(page: &Page) -> bool {
    !page.generated && !matches!(page.kind, Kind::Member(_) | Kind::Coordinator(_))
}

/// The sections of one language, and its totals.
fn status_in(site: &Site, language: &Language) -> LanguageStatus {
    let by_place: HashMap<(&str, &str), &Page> = site
        .pages
        .iter()
        .map(|p| ((p.key.as_str(), p.lang.as_str()), p.as_ref()))
        .collect();
    let mut sections: BTreeMap<String, SectionStatus> = BTreeMap::new();
    let mut data_pages = 0;
    let sources = site
        .pages
        .iter()
        .filter(|p| p.original && p.lang != language.code);
    for source in sources {
        if !is_prose(source) {
            data_pages += usize::from(!source.generated);
            continue;
        }
        let section = source.dir.split('/').next().unwrap_or("").to_string();
        let entry = sections.entry(section.clone()).or_insert(SectionStatus {
            section,
            pages: 0,
            current: 0,
            todo: Vec::new(),
        });
        entry.pages += 1;
        let translation = by_place.get(&(source.key.as_str(), language.code.as_str()));
        let state = match translation {
            None => State::Missing,
            Some(t) if t.draft => State::Draft,
            Some(t) if t.source_version.is_none() => State::Unversioned,
            Some(t) if t.outdated => State::OutOfDate,
            Some(_) => State::Current,
        };
        if state == State::Current {
            entry.current += 1;
        } else {
            entry.todo.push(Todo {
                source: source.source.clone(),
                translation: translation.map(|t| t.source.clone()),
                state,
                upstream: translation.is_some_and(|t| t.from_upstream),
            });
        }
    }
    let sections: Vec<SectionStatus> = sections.into_values().collect();
    LanguageStatus {
        lang: language.code.clone(),
        name: language.name.clone(),
        pages: sections.iter().map(|s| s.pages).sum(),
        current: sections.iter().map(|s| s.current).sum(),
        data_pages,
        sections,
        ui_strings: UiStrings::default(),
    }
}

/// A translation named on the command line, and its source, in the resolved site.
fn translation_and_source<'s>(
    site: &'s Site,
    root: &Path,
    path: &Path,
) -> Result<(&'s Page, &'s Page), Diagnostic> {
    let written = display_path(path.strip_prefix(root).unwrap_or(path));
    let translation = site
        .pages
        .iter()
        .find(|p| p.source == written)
        .ok_or_else(|| {
            Diagnostic::error(&written, 0, "not a page of the site")
                .with_hint("give the translation's path from the site's root, e.g. content/practices/water.fr.md")
        })?;
    let source = translation
        .translation_of
        .as_ref()
        .and_then(|s| site.pages.iter().find(|p| &p.source == s))
        .ok_or_else(|| {
            Diagnostic::error(&written, 0, "this page is not a translation of another").with_hint(
                "give a translation (name.LANG.md) of a page written in the source language",
            )
        })?;
    Ok((translation, source))
}

/// `translations --done PATH`: records in the translation that it follows the source's
/// current text (its `source_version:`). Returns the version written.
pub fn done(root: &Path, path: &Path) -> Result<Result<String, Vec<Diagnostic>>, EnvError> {
    let (site, problems) = resolved(root)?;
    Ok(site
        .ok_or(problems)
        .and_then(|site| record_done(&site, root, path)))
}

fn record_done(site: &Site, root: &Path, path: &Path) -> Result<String, Vec<Diagnostic>> {
    let (translation, source) = translation_and_source(site, root, path).map_err(|d| vec![d])?;
    if translation.from_upstream {
        return Err(vec![
            Diagnostic::error(&translation.source, 0, "this translation belongs to the upstream (the global site)")
                .with_hint("record it in the global site's repository, or write this mirror's own translation in content/ with `aspnet-kb new translation`"),
        ]);
    }
    let version = prose_version(source);
    let file = root.join(&translation.source);
    let shown = translation.source.clone();
    let text = std::fs::read_to_string(&file)
        .map_err(|e| vec![Diagnostic::error(&shown, 0, format!("cannot read: {e}"))])?;
    let mut problems = Vec::new();
    let (front, body, _) =
        parse::split_front_matter(&text, &shown, &mut problems).ok_or(problems)?;
    let value = serde_yaml::Value::String(version.clone());
    let front =
        super::front_matter::update(front, &["source_version"], &[("source_version", value)])
            .map_err(|why| {
                vec![
                    Diagnostic::error(&shown, 1, format!("cannot record the version: {why:?}"))
                        .with_hint("add a line `source_version: …` by hand"),
                ]
            })?;
    std::fs::write(&file, format!("---\n{front}---\n{body}"))
        .map_err(|e| vec![Diagnostic::error(&shown, 0, format!("cannot write: {e}"))])?;
    Ok(version)
}

/// `translations --diff PATH`: what changed in the source's prose since the version the
/// translation follows, as a unified diff; the old text is the source as it was in the
/// newest commit whose prose is that version.
pub fn diff(root: &Path, path: &Path) -> Result<Result<String, Vec<Diagnostic>>, EnvError> {
    let (site, problems) = resolved(root)?;
    Ok(site
        .ok_or(problems)
        .and_then(|site| source_diff(&site, root, path)))
}

fn source_diff(site: &Site, root: &Path, path: &Path) -> Result<String, Vec<Diagnostic>> {
    let (translation, source) = translation_and_source(site, root, path).map_err(|d| vec![d])?;
    let Some(version) = &translation.source_version else {
        return Err(vec![
            Diagnostic::error(
                &translation.source,
                1,
                "the translation records no source_version",
            )
            .with_hint(
                "compare it with the source by hand, then run `aspnet-kb translations --done PATH`",
            ),
        ]);
    };
    if *version == prose_version(source) {
        return Ok(String::new());
    }
    let old = git_history::text_at_version(root, source, version).ok_or_else(|| {
        vec![
            Diagnostic::error(
                &translation.source,
                1,
                format!("no commit of {} has the version {version}", source.source),
            )
            .with_hint(
                "the source's history may be elsewhere (a shallow clone?): `git fetch --unshallow`",
            ),
        ]
    })?;
    Ok(git_history::unified_diff(
        &source.source,
        &old,
        &prose_text(source),
    ))
}

/// The prose of a page as `--diff` compares it: title, summary, body.
fn prose_text(page: &Page) -> String {
    format!(
        "title: {}\nsummary: {}\n\n{}\n",
        page.title,
        page.summary.as_deref().unwrap_or(""),
        page.body.trim()
    )
}

/// Earlier versions of a source, from git.
mod git_history {
    use super::{Page, parse, prose_text};
    use crate::load::SourceFile;
    use std::path::Path;
    use std::process::Command;

    /// The prose of `source` in the newest commit where its [`parse::prose_version`] is
    /// `version`.
    pub fn text_at_version(root: &Path, source: &Page, version: &str) -> Option<String> {
        // Asked in the file's own folder, so that a file of a submodule (a mirror's
        // upstream) is looked up in the submodule's history.
        let file = root.join(&source.source);
        let folder = file.parent()?;
        let name = file.file_name()?.to_string_lossy().into_owned();
        let git = |args: &[&str]| -> Option<String> {
            let output = Command::new("git")
                .arg("-C")
                .arg(folder)
                .args(args)
                .output()
                .ok()?;
            output
                .status
                .success()
                .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
        };
        let commits = git(&["log", "--format=%H", "--", &name])?;
        let tree = parse::Tree {
            prefix: &source.source[..source.source.find("content/")?],
            source_language: &source.lang,
            upstream: false,
        };
        commits.lines().find_map(|commit| {
            let text = git(&["show", &format!("{commit}:./{name}")])?;
            let file = SourceFile {
                path: source.source.clone(),
                text,
            };
            let old = parse::parse(&file, tree).0?;
            (parse::prose_version(&old) == version).then(|| prose_text(&old))
        })
    }

    /// A unified diff of two texts, line by line.
    pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("{path} (translated version)"),
                &format!("{path} (now)"),
            )
            .to_string()
    }
}

/// Pages listed per language and section in the terminal; `--json` and `--html` list all.
const LISTED: usize = 15;

/// The report as a table for the terminal.
pub fn table(languages: &[LanguageStatus]) -> String {
    let mut out = String::new();
    for language in languages {
        out.push_str(&format!(
            "{} ({}): {} of {} pages translated and up to date ({}); {} member and coordinator pages are data, shown as they are\n",
            language.name,
            language.lang,
            language.current,
            language.pages,
            percent(language.current, language.pages),
            language.data_pages,
        ));
        for section in &language.sections {
            let count = |state| section.todo.iter().filter(|t| t.state == state).count();
            out.push_str(&format!(
                "  {:<16} {:>5}/{:<5} {:>5}   missing {}, drafts {}, out of date {}, version unknown {}\n",
                if section.section.is_empty() {
                    "(top)"
                } else {
                    &section.section
                },
                section.current,
                section.pages,
                percent(section.current, section.pages),
                count(State::Missing),
                count(State::Draft),
                count(State::OutOfDate),
                count(State::Unversioned),
            ));
            for todo in section.todo.iter().take(LISTED) {
                let hint = match todo.state {
                    State::OutOfDate | State::Unversioned if todo.upstream => {
                        "  (the upstream's: kept in step there)"
                    }
                    State::OutOfDate => "  (see --diff, then --done)",
                    State::Unversioned => "  (compare, then --done)",
                    _ => "",
                };
                out.push_str(&format!(
                    "      {:<15} {}{hint}\n",
                    state_name(todo.state),
                    todo.translation.as_ref().unwrap_or(&todo.source)
                ));
            }
            if section.todo.len() > LISTED {
                out.push_str(&format!(
                    "      … and {} more (see --json or --html)\n",
                    section.todo.len() - LISTED
                ));
            }
        }
        out.push_str(&ui_strings::table(&language.ui_strings));
    }
    out
}

/// A state as the report words it.
fn state_name(state: State) -> &'static str {
    match state {
        State::Missing => "missing",
        State::Draft => "draft",
        State::OutOfDate => "out of date",
        State::Unversioned => "version unknown",
        State::Current => "up to date",
    }
}

fn percent(part: usize, whole: usize) -> String {
    match whole {
        0 => "–".into(),
        _ => format!("{}%", part * 100 / whole),
    }
}

/// The report as a standalone HTML page: a coverage bar per language, then the lists.
pub fn html(site_title: &str, languages: &[LanguageStatus]) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Translation status — {title}</title>\n<style>\n\
         body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}}\n\
         .bar{{display:flex;height:1.5rem;border-radius:.3rem;overflow:hidden;background:#ddd}}\n\
         .bar span{{display:block}} .current{{background:#2e7d32}} .out-of-date{{background:#f9a825}} .draft{{background:#90a4ae}}\n\
         .key span{{display:inline-block;width:.9rem;height:.9rem;margin:0 .3rem 0 1rem;vertical-align:middle}}\n\
         table{{border-collapse:collapse;width:100%}} td,th{{text-align:left;padding:.2rem .5rem;border-bottom:1px solid #eee}}\n\
         </style>\n</head>\n<body>\n<h1>Translation status — {title}</h1>\n\
         <p class=\"key\"><span class=\"current\"></span>up to date<span class=\"out-of-date\"></span>out of date\
         <span class=\"draft\"></span>draft<span style=\"background:#ddd\"></span>missing</p>\n",
        title = escape_html(site_title)
    );
    for language in languages {
        let all: Vec<&Todo> = language.sections.iter().flat_map(|s| &s.todo).collect();
        let count = |state| all.iter().filter(|t| t.state == state).count();
        let width = |n: usize| n as f64 * 100.0 / language.pages.max(1) as f64;
        out.push_str(&format!(
            "<h2>{} ({})</h2>\n<p>{} of {} pages up to date ({}).</p>\n\
             <div class=\"bar\" role=\"img\" aria-label=\"{} up to date, {} out of date, {} drafts, {} missing\">\
             <span class=\"current\" style=\"width:{:.1}%\"></span><span class=\"out-of-date\" style=\"width:{:.1}%\"></span>\
             <span class=\"draft\" style=\"width:{:.1}%\"></span></div>\n",
            escape_html(&language.name),
            escape_html(&language.lang),
            language.current,
            language.pages,
            percent(language.current, language.pages),
            language.current,
            count(State::OutOfDate),
            count(State::Draft),
            count(State::Missing),
            width(language.current),
            width(count(State::OutOfDate)),
            width(count(State::Draft)),
        ));
        out.push_str("<table>\n<tr><th>Section</th><th>Page</th><th>State</th></tr>\n");
        for section in &language.sections {
            for todo in &section.todo {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    escape_html(&section.section),
                    escape_html(todo.translation.as_ref().unwrap_or(&todo.source)),
                    state_name(todo.state),
                ));
            }
        }
        out.push_str("</table>\n");
        out.push_str(&ui_strings::html(&language.ui_strings));
    }
    out.push_str("</body>\n</html>\n");
    out
}
