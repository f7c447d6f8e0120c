//! aspnet-kb: a static site generator for the ASPnet knowledge base.
//!
//! # The stages
//!
//! A build is one chain of stages. Each stage is a module that takes the previous stage's
//! output and hands its own to the next. It imports nothing from a later stage, nor from the
//! modules that run the chain ([`build`], [`serve`]). What search and render make is an
//! [`output::OutputFile`] put into an [`output::Sink`]: a small module beneath the chain,
//! which `write`, the output map, the preview's memory and `check` implement.
//!
//! ```text
//! site root
//!   │ load      files read, nothing parsed
//!   ▼
//! SourceTree (site.yaml, SourceFile per Markdown source, data files, Assets)
//!   │ parse     one SourceFile at a time
//!   ▼
//! Page per source (typed front matter, Markdown body)
//!   │ resolve   with Config and RegionTable; the whole site at once
//!   ▼
//! Site (read-only: entries per language, URLs, sections, taxonomy groups, member ids)
//!   │ search    browser index and tantivy index, side by side
//!   ▼
//! browser index files (OutputFile) + a Manifest per language + tantivy index (staged)
//!   │ render    the Site, the theme and SearchFacts; pages in parallel
//!   ▼
//! OutputFile per page, listing, feed, sitemap, redirect and asset, put into a Sink
//!   │ write     through the OutputMap, into a staging folder
//!   ▼
//! the output folder swapped in whole, the tantivy index with it (only without errors)
//! ```
//!
//! - [`load`]: the site root → a [`load::SourceTree`]. Reads; does not parse.
//! - [`parse`]: one [`load::SourceFile`] → one [`parse::Page`]. Knows one page at a time:
//!   checks that need other pages belong to resolve.
//! - [`resolve`]: every `Page`, the [`config::Config`] and the [`regions::RegionTable`] → a
//!   read-only [`resolve::Site`]. Knows no files, HTML, search or output.
//! - [`search`]: the `Site` → each language's [`search::SearchDoc`]s, browser index files
//!   and [`search::browser::Manifest`], and the tantivy index. Knows nothing of render or
//!   serve.
//! - [`render`]: the `Site`, the [`theme::Theme`] and plain data from search
//!   ([`render::SearchFacts`]) → `OutputFile`s put into a `Sink`. Writes nothing to disk;
//!   knows nothing of search's types, of serve or of where files go. Every template's
//!   variables are typed in [`render::context`].
//! - [`write`](mod@write): `OutputFile`s → a staging folder swapped in whole, or nothing
//!   (`check`). Knows no pages, only files.
//!
//! Around the chain: [`build`] runs it (`check` is the same run without the write);
//! [`output_guard`] decides, before anything is read, which output folder a build may
//! replace; [`output_map`] stands between the producers and the sink and refuses unsafe or
//! colliding paths. [`serve`] runs the chain into memory and again, in part, after each edit.
//! [`authoring`] writes content (new pages, directory imports) and reports on translations;
//! [`search_command`] answers `aspnet-kb search` from the index the last build wrote.
//!
//! Every stage may use the shared modules beneath them all: [`output`], [`config`], [`diagnostic`],
//! [`paths`], [`date`], [`locale`], [`i18n`], [`markdown`], [`sanitize`], [`regions`] and
//! [`theme`].

pub mod authoring;
pub mod build;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod i18n;
pub mod images;
pub mod load;
pub mod locale;
pub mod markdown;
pub mod offline;
pub mod output;
pub mod output_guard;
pub mod output_map;
pub mod parse;
pub mod paths;
pub mod regions;
pub mod render;
pub mod resolve;
pub mod sanitize;
pub mod sdg;
pub mod search;
pub mod search_command;
pub mod serve;
pub mod stages;
pub mod theme;
pub mod write;
