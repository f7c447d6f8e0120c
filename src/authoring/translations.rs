//! `aspnet-kb translations`: for each language and section, which pages have no translation
//! (or only a draft of one) and which translations are out of date — their source changed
//! after them, by its `updated` date or its last git commit, whichever is later. Each
//! language also lists the interface strings it lacks ([`ui_strings`]); the default
//! language is listed when it lacks some.

use super::ui_strings::{self, UiStrings};
use crate::config::{Config, Language, Overrides};
use crate::date::Day;
use crate::diagnostic::{Diagnostic, EnvError};
use crate::load;
use crate::parse::{self, Page};
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
    /// When the source and the translation last changed (YYYY-MM-DD), for out-of-date pages.
    pub source_changed: Option<String>,
    pub translation_changed: Option<String>,
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
    pub sections: Vec<SectionStatus>,
    pub ui_strings: UiStrings,
}

/// The status of every language but the default one, and of the default one too when it
/// lacks interface strings.
pub fn status(root: &Path) -> Result<(Vec<LanguageStatus>, Vec<Diagnostic>), EnvError> {
    let (tree, mut problems) = load::load(root)?;
    let Some(config_file) = &tree.config else {
        return Ok((Vec::new(), problems));
    };
    let config = match Config::parse(&config_file.text, &Overrides::default()) {
        Ok(c) => c,
        Err(d) => {
            problems.push(d);
            return Ok((Vec::new(), problems));
        }
    };
    let pages: Vec<Page> = tree
        .markdown
        .iter()
        .filter_map(|file| parse::parse(file, &config.default_language).0)
        .collect();
    let pages = Pages::new(&pages, &config.default_language, last_commits(root));
    let mut ui_strings = ui_strings::status(root, &config, &mut problems)?;
    let lacks_strings = |code: &str| ui_strings.get(code).is_some_and(|u| !u.missing.is_empty());
    let listed: Vec<&Language> = config
        .languages
        .iter()
        .filter(|l| l.code != config.default_language || lacks_strings(&l.code))
        .collect();
    let languages = listed
        .into_iter()
        .map(|language| LanguageStatus {
            ui_strings: ui_strings.remove(&language.code).unwrap_or_default(),
            ..pages.status_in(language)
        })
        .collect();
    Ok((languages, problems))
}

/// The pages of a site as the report compares them.
struct Pages<'p> {
    /// The published pages of the default language, in source order: what is translated.
    sources: Vec<&'p Page>,
    /// Every page by key and language.
    by_key: HashMap<(&'p str, &'p str), &'p Page>,
    /// Each file's last commit time.
    commits: HashMap<String, i64>,
}

impl<'p> Pages<'p> {
    fn new(pages: &'p [Page], default_language: &str, commits: HashMap<String, i64>) -> Self {
        let by_key = pages
            .iter()
            .map(|page| ((page.key.as_str(), page.lang.as_str()), page))
            .collect();
        let mut sources: Vec<&Page> = pages
            .iter()
            .filter(|p| p.lang == default_language && !p.draft)
            .collect();
        sources.sort_by(|a, b| a.source.cmp(&b.source));
        Pages {
            sources,
            by_key,
            commits,
        }
    }

    /// When a file last changed (seconds): the later of its `updated` date and its last
    /// commit.
    fn changed_at(&self, page: &Page) -> Option<i64> {
        let stated = page.updated.map(day_seconds);
        let committed = self.commits.get(&page.source).copied();
        stated.max(committed)
    }

    /// The sections of one language, and its totals.
    fn status_in(&self, language: &Language) -> LanguageStatus {
        let mut sections: BTreeMap<String, SectionStatus> = BTreeMap::new();
        for source in &self.sources {
            let section = source.dir.split('/').next().unwrap_or("").to_string();
            let entry = sections.entry(section.clone()).or_insert(SectionStatus {
                section,
                pages: 0,
                current: 0,
                todo: Vec::new(),
            });
            entry.pages += 1;
            match self.todo(source, &language.code) {
                Some(todo) => entry.todo.push(todo),
                None => entry.current += 1,
            }
        }
        let sections: Vec<SectionStatus> = sections.into_values().collect();
        LanguageStatus {
            lang: language.code.clone(),
            name: language.name.clone(),
            pages: sections.iter().map(|s| s.pages).sum(),
            current: sections.iter().map(|s| s.current).sum(),
            sections,
            ui_strings: UiStrings::default(),
        }
    }

    /// What a translator must do for `source` in `lang`; `None` when its translation is
    /// current.
    fn todo(&self, source: &Page, lang: &str) -> Option<Todo> {
        let translation = self.by_key.get(&(source.key.as_str(), lang));
        let source_changed = self.changed_at(source);
        let translation_changed = translation.and_then(|t| self.changed_at(t));
        let state = match translation {
            None => State::Missing,
            Some(t) if t.draft => State::Draft,
            Some(_) if source_changed > translation_changed => State::OutOfDate,
            Some(_) => return None,
        };
        let dates = state == State::OutOfDate;
        Some(Todo {
            source: source.source.clone(),
            translation: translation.map(|t| t.source.clone()),
            state,
            source_changed: source_changed.filter(|_| dates).map(format_day),
            translation_changed: translation_changed.filter(|_| dates).map(format_day),
        })
    }
}

/// Each file's last commit time (seconds), from one `git log` over `content/`; empty where
/// the site is not in a git repository.
fn last_commits(root: &Path) -> HashMap<String, i64> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "--relative",
            "--no-renames",
            "--name-only",
            "--format=%x00%ct",
            "--",
            "content",
        ])
        .output();
    let mut changed = HashMap::new();
    let Some(output) = output.ok().filter(|o| o.status.success()) else {
        return changed;
    };
    let mut time = 0;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some(seconds) = line.strip_prefix('\0') {
            time = seconds.trim().parse().unwrap_or(0);
        } else if !line.is_empty() {
            // The log runs newest first: a file's first appearance is its last change.
            changed.entry(line.to_string()).or_insert(time);
        }
    }
    changed
}

fn day_seconds(day: Day) -> i64 {
    day.days_since_epoch() * 86_400
}

fn format_day(seconds: i64) -> String {
    Day::of_unix_seconds(seconds).iso()
}

/// Pages listed per language and section in the terminal; `--json` and `--html` list all.
const LISTED: usize = 15;

/// The report as a table for the terminal.
pub fn table(languages: &[LanguageStatus]) -> String {
    let mut out = String::new();
    for language in languages {
        out.push_str(&format!(
            "{} ({}): {} of {} pages translated and up to date ({})\n",
            language.name,
            language.lang,
            language.current,
            language.pages,
            percent(language.current, language.pages)
        ));
        for section in &language.sections {
            let count = |state| section.todo.iter().filter(|t| t.state == state).count();
            out.push_str(&format!(
                "  {:<16} {:>5}/{:<5} {:>5}   missing {}, drafts {}, out of date {}\n",
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
            ));
            for todo in section.todo.iter().take(LISTED) {
                let what = match todo.state {
                    State::Missing => "missing    ".to_string(),
                    State::Draft => "draft      ".to_string(),
                    State::OutOfDate => "out of date".to_string(),
                    State::Current => String::new(),
                };
                let dates = match (&todo.source_changed, &todo.translation_changed) {
                    (Some(s), Some(t)) => format!(" (source {s}, translation {t})"),
                    (Some(s), None) => format!(" (source {s})"),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "      {what} {}{dates}\n",
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
        out.push_str("<table>\n<tr><th>Section</th><th>Page</th><th>State</th><th>Source changed</th><th>Translation changed</th></tr>\n");
        for section in &language.sections {
            for todo in &section.todo {
                let state = match todo.state {
                    State::Missing => "missing",
                    State::Draft => "draft",
                    State::OutOfDate => "out of date",
                    State::Current => "up to date",
                };
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{state}</td><td>{}</td><td>{}</td></tr>\n",
                    escape_html(&section.section),
                    escape_html(todo.translation.as_ref().unwrap_or(&todo.source)),
                    todo.source_changed.as_deref().unwrap_or(""),
                    todo.translation_changed.as_deref().unwrap_or(""),
                ));
            }
        }
        out.push_str("</table>\n");
        out.push_str(&ui_strings::html(&language.ui_strings));
    }
    out.push_str("</body>\n</html>\n");
    out
}
