//! The command line: parses arguments, runs a stage chain, prints problems and decides the exit
//! status (0 success, 1 content errors, 2 usage or environment errors).

use aspnet_kb::build::{self, Options};
use aspnet_kb::config::Overrides;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = match cli.command {
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
