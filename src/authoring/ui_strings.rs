//! The interface-strings part of `aspnet-kb translations`: which strings of English each
//! published language still lacks once the theme's built-in files and the site's own
//! `themes/<theme>/i18n/<lang>.yaml` are layered (see [`crate::i18n`]), shown in the
//! terminal table and the HTML report.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, EnvError};
use crate::i18n::{MissingString, Strings};
use crate::sanitize::escape_html;
use crate::theme::Theme;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The interface strings of one language: those it lacks, and the site's file to add them
/// to.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UiStrings {
    /// `themes/<theme>/i18n/<lang>.yaml`.
    pub file: String,
    pub missing: Vec<MissingString>,
}

/// The interface strings of each published language, by language code; a problem reading
/// the string files is added to `problems` and leaves the map empty.
pub fn status(
    root: &Path,
    config: &Config,
    problems: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, UiStrings>, EnvError> {
    let theme = Theme::load(root, &config.theme)?;
    let codes: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    let strings = match Strings::load(&theme, &codes) {
        Ok(strings) => strings,
        Err(problem) => {
            problems.push(problem);
            return Ok(BTreeMap::new());
        }
    };
    Ok(codes
        .into_iter()
        .map(|code| {
            let ui_strings = UiStrings {
                file: format!("themes/{}/i18n/{code}.yaml", config.theme),
                missing: strings.missing(&code),
            };
            (code, ui_strings)
        })
        .collect())
}

/// Missing strings listed in the terminal; `--json` and `--html` list all.
const LISTED: usize = 15;

/// A missing string as a reader of the report names it: `results_count (few, many)`.
fn describe(missing: &MissingString) -> String {
    match missing.plural_forms.as_slice() {
        [] => missing.key.clone(),
        forms => format!("{} ({})", missing.key, forms.join(", ")),
    }
}

/// The terminal lines for one language's interface strings.
pub fn table(ui_strings: &UiStrings) -> String {
    let missing = &ui_strings.missing;
    if missing.is_empty() {
        return "  interface strings: all translated\n".to_string();
    }
    let listed: Vec<String> = missing.iter().take(LISTED).map(describe).collect();
    let more = match missing.len().saturating_sub(LISTED) {
        0 => String::new(),
        more => format!(", … and {more} more (see --json or --html)"),
    };
    format!(
        "  interface strings: {} missing or incomplete (add them to {}): {}{more}\n",
        missing.len(),
        ui_strings.file,
        listed.join(", "),
    )
}

/// The HTML report's section for one language's interface strings.
pub fn html(ui_strings: &UiStrings) -> String {
    let missing = &ui_strings.missing;
    if missing.is_empty() {
        return "<p>Interface strings: all translated.</p>\n".to_string();
    }
    let items: String = missing
        .iter()
        .map(|m| format!("<li><code>{}</code></li>", escape_html(&describe(m))))
        .collect();
    format!(
        "<h3>Interface strings missing or incomplete ({})</h3>\n\
         <p>Add them to <code>{}</code>.</p>\n<ul>{items}</ul>\n",
        missing.len(),
        escape_html(&ui_strings.file),
    )
}
