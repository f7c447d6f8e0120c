//! Runs the stages in order — load → parse → resolve → render → write — and gathers every
//! problem on the way. `check` is the same run without the write.

use crate::config::{Config, Overrides};
use crate::diagnostic::{Diagnostic, Diagnostics, EnvError};
use crate::i18n::Strings;
use crate::load::{self, SourceTree};
use crate::parse::{self, Page};
use crate::regions::RegionTable;
use crate::render::{self, Renderer};
use crate::resolve::{self, Site};
use crate::theme::Theme;
use crate::write::{self, OutputFile};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct Options {
    pub root: PathBuf,
    /// `None` for `check`: validate everything, write nothing.
    pub output: Option<PathBuf>,
    pub overrides: Overrides,
}

/// What a finished run reports: its problems, and what it made.
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: usize,
    pub warnings: usize,
    /// Pages (HTML files) per language.
    pub pages_per_language: Vec<(String, usize)>,
    pub files_written: usize,
    pub seconds: f64,
}

impl Outcome {
    pub fn summary(&self) -> String {
        let pages: Vec<String> = self
            .pages_per_language
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        format!(
            "{} pages ({}), {} warnings, {} errors in {:.2}s",
            self.pages_per_language
                .iter()
                .map(|(_, n)| n)
                .sum::<usize>(),
            pages.join(", "),
            self.warnings,
            self.errors,
            self.seconds
        )
    }
}

pub fn run(options: &Options) -> Result<Outcome, EnvError> {
    let started = Instant::now();
    let mut diagnostics = Diagnostics::default();
    let (tree, problems) = load::load(&options.root)?;
    diagnostics.extend(problems);
    let made = site_files(&options.root, tree, &options.overrides, &mut diagnostics)?;
    let mut pages_per_language = Vec::new();
    let mut files_written = 0;
    if let Some((files, languages)) = made {
        for lang in languages {
            let prefix = format!("{lang}/");
            let count = files
                .iter()
                .filter(|f| f.path.starts_with(&prefix) && f.path.ends_with(".html"))
                .count();
            pages_per_language.push((lang, count));
        }
        if let Some(output) = options
            .output
            .as_ref()
            .filter(|_| !diagnostics.has_errors())
        {
            write::write_atomically(output, &files)?;
            files_written = files.len();
        }
    }
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    Ok(Outcome {
        diagnostics: diagnostics.into_sorted(),
        errors,
        warnings,
        pages_per_language,
        files_written,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The output files and the languages they are in.
type Made = (Vec<OutputFile>, Vec<String>);

/// Everything before the write; `None` when an early stage already failed.
fn site_files(
    root: &Path,
    tree: SourceTree,
    overrides: &Overrides,
    diagnostics: &mut Diagnostics,
) -> Result<Option<Made>, EnvError> {
    let Some(config_file) = &tree.config else {
        return Ok(None);
    };
    let config = match Config::parse(&config_file.text, overrides) {
        Ok(c) => c,
        Err(d) => {
            diagnostics.push(d);
            return Ok(None);
        }
    };
    let theme = Theme::load(root, &config.theme)?;
    let regions = region_table(&tree, diagnostics);
    let pages = parse_all(&tree, &config, diagnostics);
    let (site, problems) = resolve::resolve(config, regions, pages);
    diagnostics.extend(problems);
    let languages: Vec<String> = site
        .config
        .languages
        .iter()
        .map(|l| l.code.clone())
        .collect();
    let strings = match Strings::load(&theme, &languages) {
        Ok(s) => s,
        Err(d) => {
            diagnostics.push(d);
            return Ok(None);
        }
    };
    let tera = match render::build_tera(&theme) {
        Ok(t) => t,
        Err(problems) => {
            diagnostics.extend(problems);
            return Ok(None);
        }
    };
    Ok(Some((
        render_site(&site, tera, strings, &theme, &tree, diagnostics),
        languages,
    )))
}

fn render_site(
    site: &Site,
    tera: tera::Tera,
    strings: Strings,
    theme: &Theme,
    tree: &SourceTree,
    diagnostics: &mut Diagnostics,
) -> Vec<OutputFile> {
    let renderer = Renderer::new(site, tera, strings);
    let (files, problems) = renderer.render_all(theme, &tree.assets);
    diagnostics.extend(problems);
    files
}

fn parse_all(tree: &SourceTree, config: &Config, diagnostics: &mut Diagnostics) -> Vec<Page> {
    let parsed: Vec<(Option<Page>, Vec<Diagnostic>)> = tree
        .markdown
        .par_iter()
        .map(|file| parse::parse(file, &config.default_language))
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, problems) in parsed {
        diagnostics.extend(problems);
        if let Some(page) =
            page.filter(|p| config.publishes(&p.lang) || p.lang == config.default_language)
        {
            pages.push(page);
        }
    }
    pages
}

/// Built-in regions, with `content/_data/regions.yaml` applied.
fn region_table(tree: &SourceTree, diagnostics: &mut Diagnostics) -> RegionTable {
    let mut table = RegionTable::built_in();
    for file in tree
        .data
        .iter()
        .filter(|f| f.path.ends_with("/regions.yaml"))
    {
        match serde_yaml::from_str::<BTreeMap<String, String>>(&file.text) {
            Ok(entries) => {
                for (country, region) in table.override_with(entries) {
                    let line = file
                        .text
                        .lines()
                        .position(|l| l.starts_with(&country))
                        .map_or(0, |i| i + 1);
                    diagnostics.push(
                        Diagnostic::error(
                            &file.path,
                            line,
                            format!("unknown region \"{region}\" for {country}"),
                        )
                        .with_hint(format!(
                            "regions are: {}",
                            crate::regions::REGIONS.join(", ")
                        )),
                    );
                }
            }
            Err(e) => diagnostics.push(Diagnostic::error(
                &file.path,
                e.location().map_or(0, |l| l.line()),
                format!(
                    "expected `country: region` lines: {}",
                    crate::config::strip_location(&e.to_string())
                ),
            )),
        }
    }
    table
}
