//! aspnet-kb: a static site generator for the ASPnet knowledge base.
//!
//! The build is one chain of stages, each a module with a narrow input and output:
//! [`load`] (files) → [`parse`] (typed pages) → [`resolve`] (a read-only [`resolve::Site`]:
//! translations, sections, taxonomies, links) → [`render`] (HTML and feeds, in parallel) →
//! [`write`](mod@write) (atomic swap of the output folder). [`build`] runs the chain; [`serve`] runs it
//! into memory and again, incrementally, after each edit. [`authoring`] writes content
//! (new pages, directory imports) and reports on translations.

pub mod authoring;
pub mod build;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod i18n;
pub mod load;
pub mod locale;
pub mod markdown;
pub mod output_guard;
pub mod output_map;
pub mod parse;
pub mod paths;
pub mod regions;
pub mod render;
pub mod resolve;
pub mod sanitize;
pub mod search;
pub mod search_command;
pub mod serve;
pub mod theme;
pub mod write;
