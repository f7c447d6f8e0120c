//! Authoring commands beside the build: [`scaffold`] writes new pages and translations,
//! [`import`] turns directory exports (CSV) into member and coordinator pages,
//! [`translations`] reports which pages are missing or out of date in each language,
//! [`ui_strings`] which interface strings each language lacks, and [`init`] writes a new site
//! or mirror. Besides `init`, they read and write `content/` only; none of them builds the
//! site. They share the build's
//! checks (`parse`, `paths`) and depend on no later stage.

mod front_matter;
pub mod import;
pub mod init;
pub mod scaffold;
pub mod translations;
pub mod ui_strings;
