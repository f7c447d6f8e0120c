//! The command line: parses arguments, runs a stage chain, prints problems and decides the exit
//! status (0 success, 1 content errors, 2 usage or environment errors).

use aspnet_kb::authoring::import::{self, Change, Directory};
use aspnet_kb::authoring::init::{self, InitOptions};
use aspnet_kb::authoring::scaffold::{self, NewKind};
use aspnet_kb::authoring::translations;
use aspnet_kb::build::{self, Options, Output};
use aspnet_kb::config::{Config, Overrides};
use aspnet_kb::diagnostic::{self, Format};
use aspnet_kb::search::query::{self, Filters};
use aspnet_kb::search_command::{self, Request};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc rather than the system's allocator: measured on the standard and 4x corpora
/// (bench/build.sh), builds take less time and their peak memory is about a fifth smaller.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Memory freed is given back to the system after 100 ms, rather than after mimalloc's
/// default 10 ms (v2) or at once. A build holds its largest structures one after the other
/// (search, then render), so the peak still follows what is in use, while pages freed and
/// soon taken again are not given back and faulted in over and over. On the standard corpus,
/// fallback off, three runs of each side by side: 100 ms took 4.9–5.0 s (2.4–2.5 s in the
/// kernel) for a peak of 207–214 MiB; the default 4.6–5.2 s for 231–259 MiB; at once
/// 6.1–6.3 s (4.9–5.2 s in the kernel: madvise and its TLB shootdowns) for 189 MiB.
/// (Transparent huge pages, which would keep whole 2 MiB pages for a few live objects, are
/// off: the `no_thp` feature.)
fn tune_allocator() {
    use libmimalloc_sys::{mi_option_set, mi_option_t};
    // `mi_option_purge_delay` of `mi_option_e` in mimalloc.h (v2 and v3 alike), which
    // libmimalloc-sys does not name.
    const PURGE_DELAY: mi_option_t = 15;
    // SAFETY: setting an option is a plain store into mimalloc's option table.
    unsafe { mi_option_set(PURGE_DELAY, 100) }
}

/// Gives the memory freed but still kept (see [`tune_allocator`]) back to the system, on every
/// thread of the pool: for `serve` once it has shown what it made and waits, since an idle
/// process frees nothing more and so never reaches the delay (on the standard corpus with
/// fallback, resident once up 494 -> 432 MiB).
fn give_back_memory() {
    // SAFETY: `mi_collect` only frees what the calling thread's heap and the arenas no
    // longer use.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[derive(Parser)]
#[command(
    name = "aspnet-kb",
    version,
    about = "Static site generator for the ASPnet knowledge base"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        output: Option<PathBuf>,
        /// Overrides site.yaml's base_url (e.g. https://example.org/aspnet/).
        #[arg(long)]
        base_url: Option<String>,
        /// Publish only these languages (comma-separated codes).
        #[arg(long, value_delimiter = ',')]
        lang: Option<Vec<String>>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// A copy that works without a web server: opened from the file system (a USB stick)
        /// or from any folder of any server, with relative links and search.
        #[arg(long)]
        offline: bool,
        /// Print each stage's time and memory (resident and peak) when done.
        #[arg(long)]
        timings: bool,
    },
    /// Validate everything and write nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Also report the problems on standard output for CI: GitHub workflow annotations,
        /// a GitLab Code Quality report, or JSON.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Preview the site: build it into memory, serve it, rebuild and reload on every change.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Preview only these languages (comma-separated codes).
        #[arg(long, value_delimiter = ',')]
        lang: Option<Vec<String>>,
        /// Preview drafts too.
        #[arg(long)]
        drafts: bool,
    },
    /// Search the index of the last build.
    Search {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Language of the site to search (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
        #[command(flatten)]
        filters: FilterArgs,
        /// How many results (1 to 1000).
        #[arg(long, default_value_t = 10, value_parser = parse_limit)]
        limit: usize,
        /// Print one JSON array of results.
        #[arg(long)]
        json: bool,
        query: Vec<String>,
    },
    /// Write a new page (a draft with every required key), or a translation of one.
    New {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        what: NewWhat,
        /// The page's title (a member's or coordinator's name); for `translation`, the path
        /// of the page to translate.
        title: String,
        /// Language of the new page (default: the site's default language); required for
        /// `translation`.
        #[arg(long)]
        lang: Option<String>,
        /// For `chapter`: the guide's folder under content/guides/.
        #[arg(long)]
        guide: Option<String>,
        /// For `member` and `coordinator`: the country code.
        #[arg(long)]
        country: Option<String>,
    },
    /// Write member or coordinator pages from a CSV export of the directory.
    Import {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        directory: ImportWhat,
        file: PathBuf,
        /// Show what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a new site, or a national mirror of the global site, into a new or empty folder.
    Init {
        dir: PathBuf,
        /// For a mirror: the global site's root, relative to DIR (e.g. a git submodule).
        #[arg(long)]
        upstream: Option<String>,
        /// The site's languages (comma-separated codes), the default language first.
        #[arg(long, value_delimiter = ',', default_value = "en")]
        lang: Vec<String>,
    },
    /// Which pages are missing or out of date in each language.
    Translations {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also write a standalone HTML report with a coverage chart per language.
        #[arg(long)]
        html: Option<PathBuf>,
        /// Show what changed in the source of this translation since the version it follows.
        #[arg(long, value_name = "PATH", conflicts_with_all = ["done", "json", "html"])]
        diff: Option<PathBuf>,
        /// Record that this translation now follows the current source.
        #[arg(long, value_name = "PATH", conflicts_with_all = ["json", "html"])]
        done: Option<PathBuf>,
    },
}

/// The filters of `search`.
#[derive(Args)]
struct FilterArgs {
    /// Thematic area: gced, esd, intercultural, …
    #[arg(long)]
    theme: Option<String>,
    /// Country code, e.g. ke.
    #[arg(long)]
    country: Option<String>,
    /// UNESCO region, e.g. africa.
    #[arg(long)]
    region: Option<String>,
    /// Level of education, e.g. secondary.
    #[arg(long)]
    level: Option<String>,
    /// Kind of page: practice, member, coordinator, guide, theme, page.
    #[arg(long)]
    kind: Option<String>,
    /// SDG target of practices, e.g. 4.7.
    #[arg(long)]
    sdg: Option<String>,
}

impl From<FilterArgs> for Filters {
    fn from(args: FilterArgs) -> Filters {
        Filters {
            theme: args.theme,
            country: args.country,
            region: args.region,
            level: args.level,
            kind: args.kind,
            sdg: args.sdg,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum NewWhat {
    Practice,
    Theme,
    Page,
    Chapter,
    Member,
    Coordinator,
    Translation,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Github,
    Gitlab,
    Json,
}

impl From<CheckFormat> for Format {
    fn from(format: CheckFormat) -> Format {
        match format {
            CheckFormat::Text => Format::Text,
            CheckFormat::Github => Format::Github,
            CheckFormat::Gitlab => Format::Gitlab,
            CheckFormat::Json => Format::Json,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportWhat {
    Members,
    Coordinators,
}

fn main() -> ExitCode {
    tune_allocator();
    match Cli::parse().command {
        Command::Search {
            root,
            lang,
            filters,
            limit,
            json,
            query,
        } => search(&root, lang.as_deref(), filters.into(), &query, limit, json),
        Command::New {
            root,
            what,
            title,
            lang,
            guide,
            country,
        } => new(&root, what, &title, lang, guide, country),
        Command::Import {
            root,
            directory,
            file,
            dry_run,
        } => import(&root, directory, &file, dry_run),
        Command::Serve {
            root,
            port,
            bind,
            lang,
            drafts,
        } => serve(aspnet_kb::serve::ServeOptions {
            root,
            bind,
            port,
            languages: lang,
            drafts,
            idle: give_back_memory,
        }),
        Command::Init {
            dir,
            upstream,
            lang,
        } => init(&dir, upstream.as_deref(), &lang),
        Command::Translations {
            root,
            json,
            html,
            diff,
            done,
        } => match (diff, done) {
            (Some(path), _) => translation_diff(&root, &path),
            (_, Some(path)) => translation_done(&root, &path),
            _ => translations(&root, json, html.as_deref()),
        },
        Command::Build {
            root,
            output,
            base_url,
            lang,
            drafts,
            offline,
            timings,
        } => {
            let overrides = Overrides {
                base_url,
                languages: lang,
                drafts,
                offline,
            };
            build_site(root, output, overrides, timings)
        }
        Command::Check { root, format } => run_chain(
            &Options {
                root,
                output: Output::Nowhere,
                overrides: Overrides::default(),
                progress: true,
            },
            format.into(),
            false,
        ),
    }
}

/// `serve`: runs until stopped.
fn serve(options: aspnet_kb::serve::ServeOptions) -> ExitCode {
    exit_on_env_error(aspnet_kb::serve::serve(&options).map(|()| ExitCode::SUCCESS))
}

/// `build`: the output folder is the tool's alone, refused here before anything is read.
fn build_site(
    root: PathBuf,
    output: Option<PathBuf>,
    overrides: Overrides,
    timings: bool,
) -> ExitCode {
    let (folder, label) = match output {
        Some(folder) => {
            let label = format!("--output {}", folder.display());
            (folder, label)
        }
        None => (
            root.join("public"),
            "the default output public/".to_string(),
        ),
    };
    match aspnet_kb::output_guard::claim_output(&root, &folder, &label) {
        Ok(claimed) => run_chain(
            &Options {
                output: Output::Folder(claimed),
                root,
                overrides,
                progress: true,
            },
            Format::Text,
            timings,
        ),
        Err(e) => exit_on_env_error(Err(e)),
    }
}

/// Runs the stage chain (`build` or `check`), prints every problem and the summary on
/// standard error (and, in a `format` for machines, on standard output too), and decides the
/// exit status: 1 for content errors, 2 for the environment's. With `timings`, each stage's
/// time and memory follow the summary.
fn run_chain(options: &Options, format: Format, timings: bool) -> ExitCode {
    match build::run(options) {
        Ok(outcome) => {
            for d in &outcome.diagnostics {
                eprintln!("{d}");
            }
            print!("{}", diagnostic::report(&outcome.diagnostics, format));
            eprintln!("{}", outcome.summary());
            if timings {
                eprint!("{}", aspnet_kb::stages::table(&outcome.stages));
            }
            if outcome.errors > 0 {
                eprintln!("nothing was written: fix the errors above and run again");
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            print!(
                "{}",
                diagnostic::report(&[e.to_diagnostic(&options.root)], format)
            );
            exit_on_env_error(Err(e))
        }
    }
}

/// The exit status of a command's result: an environment error is printed, status 2.
fn exit_on_env_error(result: Result<ExitCode, aspnet_kb::diagnostic::EnvError>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("{e}");
        ExitCode::from(2)
    })
}

/// `search`: asks the index of the last build and prints the results (one JSON array with
/// `--json`).
fn search(
    root: &Path,
    lang: Option<&str>,
    filters: Filters,
    query: &[String],
    limit: usize,
    json: bool,
) -> ExitCode {
    let request = Request {
        lang,
        text: &query.join(" "),
        filters: &filters,
        limit,
    };
    match search_command::search(root, &request) {
        Ok(hits) if json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&hits).unwrap_or_else(|_| "[]".into())
            );
            ExitCode::SUCCESS
        }
        Ok(hits) => {
            let (open, close) = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                ("\x1b[1m", "\x1b[0m")
            } else {
                ("[", "]")
            };
            print!(
                "{}",
                search_command::listing(&hits, request.text, open, close)
            );
            ExitCode::SUCCESS
        }
        Err(refusal) => {
            eprintln!("{refusal}");
            ExitCode::from(2)
        }
    }
}

/// `--limit`: a whole number of results within [`query::LIMITS`].
fn parse_limit(value: &str) -> Result<usize, String> {
    let (low, high) = (query::LIMITS.start(), query::LIMITS.end());
    value
        .parse::<usize>()
        .ok()
        .filter(|n| query::check_limit(*n).is_ok())
        .ok_or_else(|| format!("must be a whole number from {low} to {high}"))
}

/// Prints a usage problem and returns exit status 2.
fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn new(
    root: &Path,
    what: NewWhat,
    title: &str,
    lang: Option<String>,
    guide: Option<String>,
    country: Option<String>,
) -> ExitCode {
    let country = country.map(|c| c.to_lowercase());
    let kind = match (what, guide, country) {
        (NewWhat::Translation, _, _) => {
            let Some(lang) = lang else {
                return usage("a translation needs --lang, e.g. --lang fr");
            };
            return report_new(scaffold::new_translation(root, Path::new(title), &lang));
        }
        (NewWhat::Practice, _, _) => NewKind::Practice,
        (NewWhat::Theme, _, _) => NewKind::Theme,
        (NewWhat::Page, _, _) => NewKind::Page,
        (NewWhat::Chapter, Some(guide), _) => NewKind::Chapter { guide },
        (NewWhat::Chapter, None, _) => return usage("a chapter needs --guide GUIDE-FOLDER"),
        (NewWhat::Member, _, Some(country)) => NewKind::Member { country },
        (NewWhat::Coordinator, _, Some(country)) => NewKind::Coordinator { country },
        (NewWhat::Member | NewWhat::Coordinator, _, None) => {
            return usage("members and coordinators need --country, e.g. --country ke");
        }
    };
    // A page in the default language has no language suffix.
    let default_language = Config::read(root).map(|c| c.default_language);
    let lang = lang.filter(|l| Some(l) != default_language.as_ref());
    report_new(scaffold::new_page(root, &kind, title, lang.as_deref()))
}

fn report_new(result: Result<PathBuf, aspnet_kb::diagnostic::Diagnostic>) -> ExitCode {
    match result {
        Ok(path) => {
            println!("wrote {}", path.display());
            println!("  it is a draft: fill in the keys, then remove `draft: true` to publish");
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::from(2)
        }
    }
}

fn import(root: &Path, what: ImportWhat, file: &Path, dry_run: bool) -> ExitCode {
    let directory = match what {
        ImportWhat::Members => Directory::Members,
        ImportWhat::Coordinators => Directory::Coordinators,
    };
    let report = match import::import(root, directory, file, dry_run) {
        Ok(report) => report,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(1);
        }
    };
    let verb = |change| match (change, dry_run) {
        (Change::Created, false) => "created",
        (Change::Created, true) => "would create",
        (Change::Updated, false) => "updated",
        (Change::Updated, true) => "would update",
        (Change::Unchanged, _) => "unchanged",
    };
    if dry_run {
        for (path, change) in report.pages.iter().filter(|(_, c)| *c != Change::Unchanged) {
            println!("{} {}", verb(*change), path.display());
        }
    }
    for d in &report.problems {
        eprintln!("{d}");
    }
    let errors = report.problems.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "{} {}, {} {}, {} unchanged, {} rows with errors",
        report.count(Change::Created),
        verb(Change::Created),
        report.count(Change::Updated),
        verb(Change::Updated),
        report.count(Change::Unchanged),
        errors
    );
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `translations --diff PATH`: prints what changed in the source since the translation's
/// version (nothing when it is current).
fn translation_diff(root: &Path, path: &Path) -> ExitCode {
    match translations::diff(root, path) {
        Ok(Ok(diff)) if diff.is_empty() => {
            eprintln!("{}: follows the current source", path.display());
            ExitCode::SUCCESS
        }
        Ok(Ok(diff)) => {
            print!("{diff}");
            ExitCode::SUCCESS
        }
        Ok(Err(problems)) => report_problems(&problems),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// `translations --done PATH`: records the source's current version in the translation.
fn translation_done(root: &Path, path: &Path) -> ExitCode {
    match translations::done(root, path) {
        Ok(Ok(version)) => {
            eprintln!("{}: source_version: {version}", path.display());
            ExitCode::SUCCESS
        }
        Ok(Err(problems)) => report_problems(&problems),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// Prints problems that stopped a command; exit 1.
fn report_problems(problems: &[aspnet_kb::diagnostic::Diagnostic]) -> ExitCode {
    for d in problems {
        eprintln!("{d}");
    }
    ExitCode::from(1)
}

/// `init`: writes the skeleton and says what to do next.
fn init(dir: &Path, upstream: Option<&str>, languages: &[String]) -> ExitCode {
    let options = InitOptions {
        dir,
        languages,
        upstream,
    };
    exit_on_env_error(init::init(&options).map(|written| {
        for path in &written {
            println!("wrote {}", dir.join(path).display());
        }
        let what = if upstream.is_some() { "mirror" } else { "site" };
        println!(
            "a new {what} in {}: read its README.md, then `aspnet-kb serve --root {}`",
            dir.display(),
            dir.display()
        );
        ExitCode::SUCCESS
    }))
}

fn translations(root: &Path, json: bool, html: Option<&Path>) -> ExitCode {
    let (languages, problems) = match translations::status(root) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    for d in problems.iter().filter(|d| d.is_error()) {
        eprintln!("{d}");
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&languages).unwrap_or_else(|_| "[]".into())
        );
    } else {
        print!("{}", translations::table(&languages));
    }
    if let Some(file) = html {
        let title = Config::read(root).map(|c| c.title).unwrap_or_default();
        if let Err(e) = std::fs::write(file, translations::html(&title, &languages)) {
            eprintln!("error: {}: cannot write: {e}", file.display());
            return ExitCode::from(2);
        }
        eprintln!("wrote {}", file.display());
    }
    if problems.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
