//! The command line: parses arguments, runs a stage chain, prints problems and decides the exit
//! status (0 success, 1 content errors, 2 usage or environment errors).

use aspnet_kb::build::{self, Options};
use aspnet_kb::config::{Config, Overrides};
use aspnet_kb::search::query::{self, Filters};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    },
    /// Validate everything and write nothing.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Search the index of the last build.
    Search {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Language of the site to search (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
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
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print one JSON array of results.
        #[arg(long)]
        json: bool,
        query: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = match cli.command {
        Command::Search {
            root,
            lang,
            theme,
            country,
            region,
            level,
            kind,
            limit,
            json,
            query,
        } => {
            let filters = Filters {
                theme,
                country,
                region,
                level,
                kind,
            };
            return search(&root, lang, &filters, limit, json, &query.join(" "));
        }
        Command::Build {
            root,
            output,
            base_url,
            lang,
            drafts,
        } => Options {
            output: Some(output.unwrap_or_else(|| root.join("public"))),
            root,
            overrides: Overrides {
                base_url,
                languages: lang,
                drafts,
            },
        },
        Command::Check { root } => Options {
            root,
            output: None,
            overrides: Overrides::default(),
        },
    };
    match build::run(&options) {
        Ok(outcome) => {
            for d in &outcome.diagnostics {
                eprintln!("{d}");
            }
            eprintln!("{}", outcome.summary());
            if outcome.errors > 0 {
                eprintln!("nothing was written: fix the errors above and run again");
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn search(
    root: &Path,
    lang: Option<String>,
    filters: &Filters,
    limit: usize,
    json: bool,
    text: &str,
) -> ExitCode {
    let lang = match lang {
        Some(lang) => lang,
        None => match std::fs::read_to_string(root.join("site.yaml"))
            .map(|t| Config::parse(&t, &Overrides::default()))
        {
            Ok(Ok(config)) => config.default_language,
            _ => "en".to_string(),
        },
    };
    let dir = build::search_index_dir(root).join(&lang);
    if !dir.is_dir() {
        eprintln!("error: no search index for \"{lang}\" in {}", dir.display());
        eprintln!(
            "  hint: run `aspnet-kb build` first (and check --lang against the site's languages)"
        );
        return ExitCode::from(2);
    }
    match query::search(&dir, &lang, text, filters, limit) {
        Ok(hits) if json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&hits).unwrap_or_else(|_| "[]".into())
            );
            ExitCode::SUCCESS
        }
        Ok(hits) => {
            if hits.is_empty() {
                println!("no results for \"{text}\"");
            }
            for (i, hit) in hits.iter().enumerate() {
                let (open, close) = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                    ("\x1b[1m", "\x1b[0m")
                } else {
                    ("[", "]")
                };
                let excerpt = hit
                    .excerpt
                    .replace("<mark>", open)
                    .replace("</mark>", close);
                let excerpt = excerpt
                    .replace("&#x27;", "'")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&");
                println!(
                    "{}. {} ({}, {})\n   {}\n   {}",
                    i + 1,
                    hit.title,
                    hit.kind,
                    hit.lang,
                    hit.url,
                    excerpt
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
