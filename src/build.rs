//! Build: runs the chain for `build` and `check` — load → parse → resolve → search →
//! render → write — and gathers every problem on the way. Input: the root, a claimed output
//! folder (or none, for `check`) and overrides; output: the sorted diagnostics, page counts
//! and timings. It knows every stage; no stage imports it.

use crate::config::{Config, Overrides};
use crate::diagnostic::{Diagnostic, Diagnostics, EnvError, yaml_key_line};
use crate::i18n::Strings;
use crate::images;
use crate::load::{self, Asset, SourceTree};
use crate::offline::OfflineSink;
use crate::output::{Discard, OutputFile, Sink};
use crate::output_guard;
use crate::output_map::OutputMap;
use crate::parse::{self, Page};
use crate::regions::RegionTable;
use crate::render::{self, IndexFacts, Renderer, SearchFacts};
use crate::resolve::{self, Site};
use crate::search;
use crate::stages::{StageTiming, Stages};
use crate::theme::Theme;
use crate::write::{self, Staging};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

pub struct Options {
    pub root: PathBuf,
    pub output: Output,
    pub overrides: Overrides,
    /// Show a progress line while working (only ever drawn on a terminal).
    pub progress: bool,
}

/// Where a run puts the site.
pub enum Output {
    /// `check`: validate everything, write nothing.
    Nowhere,
    /// `build`: a folder that passed [`output_guard::claim_output`], swapped in whole, with
    /// the tantivy index beside the content.
    Folder(output_guard::ClaimedOutput),
}

/// A one-line progress display on stderr when it is a terminal; hidden otherwise (CI, pipes).
fn progress_line(wanted: bool) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {pos} files  {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// What a finished run reports: its problems, and what it made.
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: usize,
    pub warnings: usize,
    /// Pages (HTML files) per language.
    pub pages_per_language: Vec<(String, usize)>,
    pub seconds: f64,
    /// Of which the search stage (documents, browser index, tantivy index).
    pub search_seconds: f64,
    /// Each stage's time and memory, in order (`build --timings`).
    pub stages: Vec<StageTiming>,
}

impl Outcome {
    pub fn summary(&self) -> String {
        let pages: Vec<String> = self
            .pages_per_language
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        format!(
            "{} pages ({}), {} warnings, {} errors in {:.2}s (search {:.2}s)",
            self.pages_per_language
                .iter()
                .map(|(_, n)| n)
                .sum::<usize>(),
            pages.join(", "),
            self.warnings,
            self.errors,
            self.seconds,
            self.search_seconds
        )
    }
}

pub fn run(options: &Options) -> Result<Outcome, EnvError> {
    let started = Instant::now();
    let mut stages = Stages::new();
    let claimed = claim(options)?;
    let output = claimed.as_ref().map(|(folder, _lock)| folder);
    let progress = progress_line(options.progress);
    progress.set_message("reading content");
    let mut diagnostics = Diagnostics::default();
    let (mut tree, problems) = load::load(&options.root)?;
    diagnostics.extend(problems);
    stages.end("load");
    let mut counter = PageCounter::default();
    let prepared = prepare(
        &options.root,
        &mut tree,
        &options.overrides,
        &mut diagnostics,
        &mut stages,
    )?;
    if let Some(prepared) = prepared {
        counter.languages = prepared
            .site
            .config
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        // Only a site without errors so far is staged; otherwise render just to find problems.
        let written = Written {
            root: &options.root,
            to_folder: output.filter(|_| !diagnostics.has_errors()),
            counter: &counter,
            progress: &progress,
        };
        publish(
            prepared,
            &tree.assets,
            written,
            &mut diagnostics,
            &mut stages,
        )?;
    }
    progress.finish_and_clear();
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    Ok(Outcome {
        diagnostics: diagnostics.into_sorted(),
        errors,
        warnings,
        pages_per_language: counter.totals(),
        search_seconds: stages.seconds_of("search"),
        seconds: started.elapsed().as_secs_f64(),
        stages: stages.into_timings(),
    })
}

/// The locks a build holds for its run: its root's, and its output's (see `output_guard`).
type BuildLocks = (output_guard::Held, Option<output_guard::Held>);

/// The output folder (claimed by the caller: it is the tool's alone, see `output_guard`),
/// before anything is read or written: the tool's working folder checked, the root and the
/// output's folder locked for the run (another build of the root, or into the output, waits),
/// and a swap a killed run left half done undone. `None` for a run that writes nothing.
fn claim(options: &Options) -> Result<Option<(PathBuf, BuildLocks)>, EnvError> {
    match &options.output {
        Output::Folder(claimed) => {
            output_guard::check_work_dir(&options.root)?;
            // Always the root's lock first, then the output's: no two builds wait on each other.
            let locks = (
                output_guard::lock_root(&options.root)?,
                output_guard::lock_output(&claimed.path)?,
            );
            write::recover(&claimed.path)?;
            write::recover(&search_index_dir(&options.root))?;
            Ok(Some((claimed.path.clone(), locks)))
        }
        Output::Nowhere => Ok(None),
    }
}

/// What the search page needs of the browser indexes, as render takes it: plain data, so that
/// render knows nothing of the search stage's types.
pub fn search_facts(manifests: &HashMap<String, search::browser::Manifest>) -> SearchFacts {
    let indexes = manifests.iter().map(|(lang, manifest)| {
        let facts = IndexFacts {
            manifest: serde_json::to_value(manifest).unwrap_or_default(),
            countries: manifest.countries.clone(),
            sdg_targets: manifest.sdg.clone(),
        };
        (lang.clone(), facts)
    });
    SearchFacts {
        indexes: indexes.collect(),
        kinds: search::browser::KINDS.to_vec(),
    }
}

/// The browser index's files, put in `sink` as they are made, and the tantivy index, into
/// `index_staging` (when the run writes), one language after the other and its documents a
/// batch at a time (see `search::index_language`). Returns what the search pages need.
fn search_stage(
    site: &Site,
    index_staging: Option<&Staging>,
    sink: &dyn Sink,
) -> Result<SearchFacts, EnvError> {
    let mut manifests = HashMap::new();
    for language in &site.config.languages {
        let lang = language.code.as_str();
        let dir = index_staging.map_or_else(|| PathBuf::from(lang), |s| s.dir().join(lang));
        let (index, files) = std::thread::scope(|scope| {
            // tantivy indexes on a thread of its own, beside the browser index on rayon's
            // pool, taking the batches through a channel that holds one. Each language's
            // index is a folder named by its code, which `Config::parse` took through the one
            // door for paths (`paths::language_code`).
            let (to_tantivy, batches) = std::sync::mpsc::sync_channel(1);
            let writer = index_staging
                .is_some()
                .then(|| scope.spawn(|| search::index::write(&dir, lang, batches)));
            let writes = writer.is_some();
            let made = search::index_language(site, lang, |batch| match writes {
                true => to_tantivy.send(batch),
                false => Ok(()),
            });
            drop(to_tantivy);
            // A batch is refused only when the writer stopped: its error says why.
            writer.map_or(Ok(()), |writer| joined(writer, &dir))?;
            let (index, files) = made.map_err(|_| stopped_writer(&dir))?;
            if writes {
                search::index::write_vocabulary(&dir, index.vocabulary())?;
            }
            Ok((index, files))
        })?;
        for file in files {
            sink.put(file)?;
        }
        manifests.insert(lang.to_string(), index.manifest());
    }
    Ok(search_facts(&manifests))
}

/// Where `publish` puts the site (`to_folder`: `None` for `check` or a run with errors),
/// and what counts and shows its files.
struct Written<'a> {
    /// The site's root, whose `.aspnet-kb/` keeps the tantivy index and processed pictures.
    root: &'a Path,
    to_folder: Option<&'a PathBuf>,
    counter: &'a PageCounter,
    progress: &'a ProgressBar,
}

/// Search, pictures and pages: every file goes through the output map into a staging folder
/// (or nowhere) as soon as it is made; the site and the tantivy index are swapped in only
/// when the whole run has no errors.
fn publish(
    prepared: Prepared,
    assets: &[Asset],
    written: Written,
    diagnostics: &mut Diagnostics,
    stages: &mut Stages,
) -> Result<(), EnvError> {
    let (staging, index_staging) = match written.to_folder {
        Some(folder) => {
            let staging = Staging::begin(folder)?;
            match Staging::begin(&search_index_dir(written.root)) {
                Ok(index) => (Some(staging), Some(index)),
                Err(e) => {
                    staging.abandon();
                    return Err(e);
                }
            }
        }
        None => (None, None),
    };
    let Prepared {
        site,
        theme,
        tera,
        strings,
    } = prepared;
    let inner: &dyn Sink = match &staging {
        Some(staging) => staging,
        None => &Discard,
    };
    let map = OutputMap::new(inner);
    let offline = OfflineSink::new(
        &map,
        &format!("{}{}", site.config.origin, site.config.base_path),
        &site.config.base_path,
    );
    let counting = Counting {
        inner: if site.config.offline { &offline } else { &map },
        counter: written.counter,
        progress: written.progress,
    };
    written.progress.set_message("search index");
    let made = search_stage(&site, index_staging.as_ref(), &counting).and_then(|search_facts| {
        stages.end("search");
        let cache = written.to_folder.map(|_| pictures_cache_dir(written.root));
        let pictures = images::process_all(assets, cache.as_deref());
        diagnostics.extend(pictures.problems);
        stages.end("pictures");
        written.progress.set_message("writing pages");
        let renderer =
            Renderer::new(&site, tera, strings, search_facts).with_pictures(pictures.pictures);
        let problems = renderer.render_all(&theme, assets, &counting)?;
        for file in pictures.files {
            counting.put(file)?;
        }
        Ok(problems)
    });
    diagnostics.extend(map.into_problems());
    stages.end("render");
    match made {
        Ok(problems) => {
            diagnostics.extend(problems);
            match (staging, index_staging) {
                (Some(staging), Some(index)) if !diagnostics.has_errors() => {
                    if let Err(e) = index.commit() {
                        staging.abandon();
                        return Err(e);
                    }
                    staging.commit()?;
                    stages.end("swap");
                    Ok(())
                }
                (staging, index) => {
                    abandon(staging);
                    abandon(index);
                    Ok(())
                }
            }
        }
        Err(e) => {
            abandon(staging);
            abandon(index_staging);
            Err(e)
        }
    }
}

fn abandon(staging: Option<Staging>) {
    if let Some(staging) = staging {
        staging.abandon();
    }
}

/// Where processed pictures are kept between builds (see `images`).
pub fn pictures_cache_dir(root: &Path) -> PathBuf {
    root.join(".aspnet-kb/images")
}

/// Where the tantivy indexes live, one folder per language (not published with the site),
/// inside the tool's working folder; its staging folder (`.index.new`) stays in there too.
pub fn search_index_dir(root: &Path) -> PathBuf {
    root.join(".aspnet-kb").join("index")
}

/// The result of a search index writer's thread; one that panicked is an error about `path`.
fn joined(
    writer: std::thread::ScopedJoinHandle<'_, Result<(), EnvError>>,
    path: &Path,
) -> Result<(), EnvError> {
    writer.join().unwrap_or_else(|_| Err(stopped_writer(path)))
}

fn stopped_writer(path: &Path) -> EnvError {
    EnvError::new(
        path.to_path_buf(),
        "the search index writer stopped unexpectedly",
    )
}

/// Counts the HTML pages of each language as they are written.
#[derive(Default)]
struct PageCounter {
    languages: Vec<String>,
    counts: Mutex<BTreeMap<String, usize>>,
}

impl PageCounter {
    fn totals(&self) -> Vec<(String, usize)> {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        self.languages
            .iter()
            .map(|l| (l.clone(), counts.get(l).copied().unwrap_or(0)))
            .collect()
    }
}

struct Counting<'a> {
    inner: &'a dyn Sink,
    counter: &'a PageCounter,
    progress: &'a ProgressBar,
}

impl Sink for Counting<'_> {
    fn put(&self, file: OutputFile) -> Result<(), EnvError> {
        if let (true, Some((lang, _))) = (file.path.ends_with(".html"), file.path.split_once('/')) {
            *self
                .counter
                .counts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(lang.to_string())
                .or_default() += 1;
        }
        self.progress.inc(1);
        self.inner.put(file)
    }
}

/// What render needs, once the earlier stages succeeded.
struct Prepared {
    site: Site,
    theme: Theme,
    tera: tera::Tera,
    strings: Strings,
}

/// Everything a run needs besides the pages: configuration, regions, theme, templates and UI
/// strings. `serve` keeps it between rebuilds while only content changes.
pub struct Setup {
    pub config: Config,
    pub regions: RegionTable,
    pub theme: Theme,
    pub tera: tera::Tera,
    pub strings: Strings,
    pub trees: Trees,
}

/// The trees a site's files come from — its own and, for a mirror, its upstream's — and
/// the language of each one's files without a language suffix.
pub struct Trees {
    own_language: String,
    /// The upstream's folder (`global/`) and its source language.
    upstream: Option<(String, String)>,
}

impl Trees {
    /// The tree of the file at `path` (relative to the root).
    pub fn of(&self, path: &str) -> parse::Tree<'_> {
        match &self.upstream {
            Some((prefix, language)) if path.starts_with(prefix.as_str()) => parse::Tree {
                prefix,
                source_language: language,
                upstream: true,
            },
            _ => parse::Tree {
                prefix: "",
                source_language: &self.own_language,
                upstream: false,
            },
        }
    }
}

/// A mirror's upstream read into `tree`: its Markdown and data files before the mirror's
/// own (which win: `resolve` keeps the mirror's page for a page and language both have), its
/// bundle files where the mirror has none at the same path. The upstream's source language,
/// or `None` when it cannot be read (a problem says why).
fn add_upstream(
    root: &Path,
    config: &Config,
    tree: &mut SourceTree,
    diagnostics: &mut Diagnostics,
) -> Result<Option<(String, String)>, EnvError> {
    let Some(folder) = &config.upstream else {
        return Ok(None);
    };
    let prefix = format!("{folder}/");
    let linked = crate::paths::first_link(root, Path::new(folder)).is_some();
    if !linked && !root.join(folder).join("content").is_dir() {
        let line = tree
            .config
            .as_ref()
            .and_then(|c| yaml_key_line(&c.text, "upstream"))
            .map_or(0, |(i, _)| i + 1);
        diagnostics.push(
            Diagnostic::error("site.yaml", line, format!("upstream: {folder}/content/ does not exist"))
                .with_hint("fetch the global site: `git submodule update --init` (or `git submodule add URL global`)"),
        );
        return Ok(None);
    }
    let (upstream, problems) = load::load_tree(root, &prefix)?;
    diagnostics.extend(problems);
    let language = upstream
        .config
        .as_ref()
        .and_then(|c| Config::source_language_of(&c.text))
        .unwrap_or_else(|| config.default_language.clone());
    let own_assets: std::collections::HashSet<String> =
        tree.assets.iter().map(|a| a.content_path.clone()).collect();
    let mut markdown = upstream.markdown;
    markdown.append(&mut tree.markdown);
    tree.markdown = markdown;
    let mut data = upstream.data;
    data.append(&mut tree.data);
    tree.data = data;
    tree.assets.extend(
        upstream
            .assets
            .into_iter()
            .filter(|a| !own_assets.contains(&a.content_path)),
    );
    Ok(Some((prefix, language)))
}

/// Configuration, the upstream (read into `tree`), regions, theme, strings and templates;
/// `None` when a problem stops the run.
pub fn setup(
    root: &Path,
    tree: &mut SourceTree,
    overrides: &Overrides,
    diagnostics: &mut Diagnostics,
) -> Result<Option<Setup>, EnvError> {
    let Some(config_text) = tree.config.as_ref().map(|c| c.text.clone()) else {
        return Ok(None);
    };
    let config = match Config::parse(&config_text, overrides) {
        Ok(c) => c,
        Err(d) => {
            diagnostics.push(d);
            return Ok(None);
        }
    };
    let trees = Trees {
        own_language: config.source_language.clone(),
        upstream: add_upstream(root, &config, tree, diagnostics)?,
    };
    if config.allow_raw_html {
        let line = yaml_key_line(&config_text, "allow_raw_html").map_or(0, |(i, _)| i + 1);
        diagnostics.push(
            Diagnostic::warning(
                "site.yaml",
                line,
                "allow_raw_html: true publishes the raw HTML of pages as written, scripts included",
            )
            .with_hint("only for a site whose every contributor is trusted; remove it to sanitise"),
        );
    }
    let theme = Theme::load(root, &config.theme)?;
    let regions = region_table(tree, diagnostics);
    let languages: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    let strings = match Strings::load(&theme, &languages) {
        Ok(s) => s,
        Err(d) => {
            diagnostics.push(d);
            return Ok(None);
        }
    };
    match render::build_tera(&theme) {
        Ok(tera) => Ok(Some(Setup {
            config,
            regions,
            theme,
            tera,
            strings,
            trees,
        })),
        Err(problems) => {
            diagnostics.extend(problems);
            Ok(None)
        }
    }
}

/// Setup, parse and resolve; `None` when a problem stops the run early.
fn prepare(
    root: &Path,
    tree: &mut SourceTree,
    overrides: &Overrides,
    diagnostics: &mut Diagnostics,
    stages: &mut Stages,
) -> Result<Option<Prepared>, EnvError> {
    let Some(setup) = setup(root, tree, overrides, diagnostics)? else {
        return Ok(None);
    };
    stages.end("setup");
    let pages = parse_all(std::mem::take(&mut tree.markdown), &setup, diagnostics);
    stages.end("parse");
    let (site, problems) = resolve::resolve(setup.config, setup.regions, pages);
    diagnostics.extend(problems);
    stages.end("resolve");
    Ok(Some(Prepared {
        site,
        theme: setup.theme,
        tera: setup.tera,
        strings: setup.strings,
    }))
}

/// Pages in a language the site does not publish are left out (a mirror's `--lang`), unless
/// other languages may fall back to them: those in the default language, and sources.
pub fn is_published(page: &Page, config: &Config) -> bool {
    config.publishes(&page.lang) || page.lang == config.default_language || page.original
}

/// Parses one Markdown file of the site, as a file of the tree it comes from.
pub fn parse_file(file: &load::SourceFile, setup: &Setup) -> (Option<Page>, Vec<Diagnostic>) {
    parse::parse(file, setup.trees.of(&file.path))
}

/// Every published page of the `markdown` sources, parsed (in parallel) as a file of its own
/// tree; their problems go to `diagnostics`. Each source is dropped once parsed, so that its
/// memory is taken again by the pages (rather than the pages' by new memory) and the site
/// holds no more than the pages.
pub fn parse_all(
    markdown: Vec<load::SourceFile>,
    setup: &Setup,
    diagnostics: &mut Diagnostics,
) -> Vec<std::sync::Arc<Page>> {
    let parsed: Vec<(Option<Page>, Vec<Diagnostic>)> = markdown
        .into_par_iter()
        .map(|file| parse_file(&file, setup))
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, problems) in parsed {
        diagnostics.extend(problems);
        if let Some(page) = page.filter(|p| is_published(p, &setup.config)) {
            pages.push(std::sync::Arc::new(page));
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
                // A country code names its pages' folder: two or three ASCII letters, in
                // any case (`KE` as ISO 3166-1 writes it), kept in lower case.
                let mut entries: BTreeMap<String, String> = entries
                    .into_iter()
                    .map(|(country, region)| (country.to_ascii_lowercase(), region))
                    .collect();
                entries.retain(|country, _| {
                    let plain = (2..=3).contains(&country.len())
                        && country.bytes().all(|b| b.is_ascii_lowercase());
                    if !plain {
                        diagnostics.push(
                            Diagnostic::error(
                                &file.path,
                                0,
                                format!("\"{}\" is not a country code", country.escape_debug()),
                            )
                            .with_hint("use ISO 3166-1 alpha-2 codes, e.g. `ke: africa`"),
                        );
                    }
                    plain
                });
                for (country, region) in table.override_with(entries) {
                    let line = yaml_key_line(&file.text, &country).map_or(0, |(i, _)| i + 1);
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
